//! Misuse that used to be accepted silently and broke later (issue 13):
//! each is now a typed error whose message says what to fix. Cases 47-52
//! (1-37 are in the other `misuse_*.rs` files, 38-46 in
//! `misuse_cranelift.rs`).

mod common;

use common::*;
use dwarfsmith::{
    CodeRow, DebugContext, ErrorKind, FrontendTy, GimliBackend, NominalKey, TypeDesc, TypeScope,
    TypedefDesc,
};

type Cx = DebugContext<GimliBackend>;

/// Case 47: locations set in a function whose prologue never ended
/// (`start_emitting_source_locations` never called). Guards against: a
/// function with no line rows after its prologue, so `next` in gdb runs into
/// the caller. Expected: `exit_function` closes the function and returns
/// `InvalidLocation` naming it and the missing call; the context goes on.
#[test]
fn locations_set_but_emission_never_started() {
    let mut cx = context(5);
    let f = function(&mut cx, "forgot_to_start");
    let s = cx.function_scope(f).unwrap();
    cx.enter_function(f).unwrap();
    assert_eq!(cx.set_source_location(s, 2, 1).unwrap(), None);
    assert_eq!(cx.set_source_location(s, 3, 1).unwrap(), None);
    let e = cx.exit_function().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidLocation);
    assert!(e.message().contains("`forgot_to_start`"), "{e}");
    assert!(e.message().contains("2 source location(s)"), "{e}");
    assert!(
        e.message()
            .contains("call start_emitting_source_locations()"),
        "{e}"
    );
    // The function was closed: another one can be entered.
    let g = function(&mut cx, "next_one");
    cx.enter_function(g).unwrap();
    cx.exit_function().unwrap();
}

/// Case 47b: a function entered and left without any location is not that
/// misuse (a frontend may emit code without locations): no error.
#[test]
fn a_function_without_locations_is_not_refused_at_exit() {
    let mut cx = context(5);
    let f = function(&mut cx, "quiet");
    cx.enter_function(f).unwrap();
    cx.exit_function().unwrap();
}

/// Case 48: a function defined and never given code (gimli backend).
/// Guards against: a subprogram without addresses for a function that has
/// code in the object, so gdb says "No symbol table info available" in it.
/// Expected: `finish` returns `InvalidCode` naming the function and both
/// ways to fix it; the count of other such functions is given.
#[test]
fn a_defined_function_without_code_is_refused_at_finish() {
    let mut cx = context(5);
    function(&mut cx, "forgotten");
    function(&mut cx, "also_forgotten");
    let e = cx.finish().err().unwrap();
    assert_eq!(e.kind(), ErrorKind::InvalidCode);
    assert!(e.message().contains("`forgotten`"), "{e}");
    assert!(e.message().contains("and 1 other function(s)"), "{e}");
    assert!(e.message().contains("define_function_code()"), "{e}");
    assert!(
        e.message().contains("define_function_without_code()"),
        "{e}"
    );
}

/// Case 49: code reported after the function was declared to have none,
/// and declared absent after its code was reported. Expected: `InvalidCode`
/// both ways, saying what was said before.
#[test]
fn code_and_no_code_for_one_function() {
    let mut cx = context(5);
    let f = function(&mut cx, "f");
    cx.define_function_without_code(f).unwrap();
    let e = cx
        .define_function_code(
            f,
            16,
            &[CodeRow {
                offset: 0,
                loc: None,
            }],
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode);
    assert!(e.message().contains("declared absent"), "{e}");

    let g = function(&mut cx, "g");
    cx.define_function_code(
        g,
        16,
        &[CodeRow {
            offset: 0,
            loc: None,
        }],
    )
    .unwrap();
    let e = cx.define_function_without_code(g).unwrap_err();
    assert!(e.message().contains("already defined"), "{e}");
}

fn typedef(def_id: u64, name: &str, target: u64) -> TypeDesc {
    TypeDesc::Typedef(TypedefDesc {
        key: NominalKey {
            crate_hash: 0xc0ffee,
            def_id,
        },
        name: name.into(),
        scope: TypeScope::Unit,
        target: FrontendTy(target),
        decl: None,
        access: dwarfsmith::Access::Unspecified,
    })
}

fn array(elem: u64, len: u64, elem_size: u64) -> TypeDesc {
    TypeDesc::Array {
        elem: FrontendTy(elem),
        len,
        elem_size,
        align: 8,
    }
}

fn resolve_err(cx: &mut Cx, t: &mut Table, h: u64) -> dwarfsmith::Error {
    cx.resolve_type(t, FrontendTy(h)).unwrap_err()
}

/// Case 50: a struct that contains itself by value. Guards against: an
/// infinitely large type the debugger would print forever. Expected:
/// `CyclicType` naming the type and the cycle.
#[test]
fn a_struct_containing_itself_by_value() {
    let mut cx = context(5);
    let mut t = Table::default();
    prims(&mut t);
    t.add(10, strukt(10, "Me", 8, vec![field("me", 10, 0)], None));
    let e = resolve_err(&mut cx, &mut t, 10);
    assert_eq!(e.kind(), ErrorKind::CyclicType);
    assert!(
        e.message()
            .contains("`Me` contains itself by value (Me -> Me)"),
        "{e}"
    );
}

/// Case 51: the same through another struct, a typedef and a one-element
/// array (`A { b: B }`, `B { t: T }`, `T = [A; 1]`). Expected: `CyclicType`
/// with the whole cycle in order.
#[test]
fn a_by_value_cycle_through_struct_typedef_and_array() {
    let mut cx = context(5);
    let mut t = Table::default();
    prims(&mut t);
    t.add(20, strukt(20, "A", 8, vec![field("b", 21, 0)], None));
    t.add(21, strukt(21, "B", 8, vec![field("t", 22, 0)], None));
    t.add(22, typedef(22, "T", 23));
    t.add(23, array(20, 1, 8));
    let e = resolve_err(&mut cx, &mut t, 20);
    assert_eq!(e.kind(), ErrorKind::CyclicType);
    assert!(e.message().contains("contains itself by value"), "{e}");
    assert!(e.message().contains("B -> T -> [A; 1] -> A"), "{e}");
}

/// Case 52: what is *not* a by-value cycle stays accepted: a chain of
/// same-size wrappers (`W1 { w: W2 }`, `W2 { x: i64 }`), a struct pointing
/// to itself, and a struct holding an array of pointers to itself; the
/// object verifies.
#[test]
fn wrappers_and_pointer_cycles_are_not_by_value_cycles() {
    let mut cx = context(5);
    let mut t = Table::default();
    prims(&mut t);
    t.add(30, strukt(30, "W1", 8, vec![field("w", 31, 0)], None));
    t.add(31, strukt(31, "W2", 8, vec![field("x", I64, 0)], None));
    t.add(32, strukt(32, "List", 8, vec![field("next", 33, 0)], None));
    t.add(33, ptr(32));
    t.add(34, strukt(34, "Tree", 16, vec![field("kids", 35, 0)], None));
    t.add(35, array(33, 2, 8));
    for h in [30, 32, 34] {
        cx.resolve_type(&mut t, FrontendTy(h)).unwrap();
    }
    let bytes = object_with(&cx.finish().unwrap(), &[], &[]);
    let s = check_object("not_by_value_cycles.o", &bytes);
    for name in ["W1", "W2", "List", "Tree"] {
        assert!(
            s.types.iter().any(|(_, n)| n == name),
            "{name}: {:?}",
            s.types
        );
    }
}

/// Found by the fuzz smoke run: the `api_ops` harness gave every symbol 16
/// bytes, which `write_into` rightly refuses for a function given 64 bytes
/// of code (misuse case 40), so the harness panicked. Root cause: a harness
/// cannot size the symbols without knowing each function's code size.
/// Fix: `DwarfObject::code_size` reports it, and the harness uses it.
#[test]
fn dwarf_object_reports_each_functions_code_size() {
    let mut cx = context(5);
    let f = function(&mut cx, "h");
    cx.define_function_code(
        f,
        64,
        &[CodeRow {
            offset: 0,
            loc: None,
        }],
    )
    .unwrap();
    let g = function(&mut cx, "no_code");
    cx.define_function_without_code(g).unwrap();
    let dwarf = cx.finish().unwrap();
    assert_eq!(dwarf.code_size("h"), Some(64));
    assert_eq!(dwarf.code_size("no_code"), None);
    assert_eq!(dwarf.code_size("not_a_symbol"), None);
    let bytes = object_with_code_sizes(&dwarf, &[("h", 64), ("no_code", 16)], &[]);
    check_object("code_size.o", &bytes);
}

/// Case 53, the second fuzz smoke finding: two functions with one symbol,
/// both given code. Root cause: both subprograms claimed the symbol's
/// addresses (overlapping ranges, which `llvm-dwarfdump --verify` rejects),
/// and `code_size` answered with the first one's size, so the harness made
/// the symbol too small. Fix: the second `define_function_code` is
/// `InvalidCode` naming the symbol; the first function keeps its code.
#[test]
fn two_functions_with_code_under_one_symbol() {
    let mut cx = context(5);
    let f = function(&mut cx, "f");
    let g = function(&mut cx, "f");
    cx.define_function_code(
        f,
        16,
        &[CodeRow {
            offset: 0,
            loc: None,
        }],
    )
    .unwrap();
    let e = cx
        .define_function_code(
            g,
            64,
            &[CodeRow {
                offset: 0,
                loc: None,
            }],
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode);
    assert!(e.message().contains("symbol `f` already has code"), "{e}");
    cx.define_function_without_code(g).unwrap();
    let dwarf = cx.finish().unwrap();
    assert_eq!(dwarf.code_size("f"), Some(16));
    check_object("shared_symbol.o", &object_with(&dwarf, &["f"], &[]));
}
