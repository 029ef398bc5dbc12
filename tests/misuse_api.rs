//! Misuse of functions, scopes, variables, locations, call frames and
//! output. Each test names the operation, the failure it guards against and
//! the expected result. (Cases 1-13 are in `misuse_core.rs`, 14-25 in
//! `misuse_types.rs`; the bugs hardening fixed are in `regress_hardening.rs`.)
//!
//! Two misuses cannot be written at all — the compiler refuses them, see
//! the `compile_fail` examples on `DebugContext::finish` and
//! `DebugContext::resolve_type`: using a context after `finish()` (it takes
//! the context by value) and re-entering `resolve_type` from inside
//! `TypeSource::describe` (the context is mutably borrowed for the call).

mod common;

use common::*;
use dwarfsmith::{
    BaseEncoding, CodeRow, DebugContext, ErrorKind, FrontendTy, FunctionDesc, GimliBackend,
    GlobalDesc, TypeRef, VarLocation,
};
use gimli::write::{CommonInformationEntry, FrameDescriptionEntry};

type Cx = DebugContext<GimliBackend>;

fn i64_type(cx: &mut Cx) -> TypeRef {
    let mut t = Table::default();
    t.add(1, base("i64", 8, BaseEncoding::Signed));
    cx.resolve_type(&mut t, FrontendTy(1)).unwrap()
}

/// Case 26: `set_variable_location` twice for one variable. Guards against: two
/// `DW_AT_location`s (the second silently overwriting the first). Expected:
/// `InvalidCode`; the first location stays.
#[test]
fn variable_location_set_twice() {
    let mut cx = context(5);
    let ty = i64_type(&mut cx);
    let f = function(&mut cx, "f");
    let v = cx.declare_parameter(f, "x", 1, ty, 1, 1).unwrap();
    cx.set_variable_location(v, VarLocation::FrameOffset(-8))
        .unwrap();
    let e = cx
        .set_variable_location(v, VarLocation::Register(3))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode, "{e}");
    assert!(e.message().contains("`x`"), "names the variable: {e}");
}

/// Case 27: `add_fde` before `set_cie`, and `set_cie` twice. Guards against: an
/// FDE without a CIE (unreadable `.eh_frame`) and two CIEs fighting over
/// the FDEs. Expected: `InvalidCode` for both.
#[test]
fn fde_before_cie_and_two_cies() {
    let mut cx = context(5);
    let e = cx
        .backend_mut()
        .add_fde("f", |a| FrameDescriptionEntry::new(a, 16))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode, "{e}");
    let enc = gimli::Encoding {
        format: gimli::Format::Dwarf32,
        version: 5,
        address_size: 8,
    };
    let cie = || CommonInformationEntry::new(enc, 1, -8, gimli::X86_64::RA);
    cx.backend_mut().set_cie(cie()).unwrap();
    let e = cx.backend_mut().set_cie(cie()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode, "{e}");
    let e = cx
        .backend_mut()
        .add_fde("", |a| FrameDescriptionEntry::new(a, 16))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidName, "{e}");
}

/// Case 28: `write_into` an object that does not define a symbol the debug info
/// refers to. Guards against: relocations against nothing (addresses 0 in
/// the linked program). Expected: a `Backend` error naming the symbol.
#[test]
fn write_into_an_object_missing_a_symbol() {
    let mut cx = context(5);
    let f = function(&mut cx, "only_here");
    cx.define_function_code(f, 16, &[]).unwrap();
    let dwarf = cx.finish().unwrap();
    let mut obj = dwarfsmith::DwarfObject::new_elf_object();
    let e = dwarf.write_into(&mut obj).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Backend);
    assert!(e.message().contains("only_here"), "{e}");
}

/// Case 29: One million distinct source locations in one function. Guards
/// against: token exhaustion, quadratic interning, huge line programs.
/// Expected: a million distinct tokens, none `u32::MAX` (Cranelift's "no
/// location"); the line table is written.
#[test]
fn a_million_distinct_locations() {
    let mut cx = context(5);
    let f = function(&mut cx, "f");
    let s = cx.function_scope(f).unwrap();
    cx.enter_function(f).unwrap();
    cx.start_emitting_source_locations().unwrap();
    let mut rows = Vec::with_capacity(1_000_000);
    for i in 0..1_000_000u32 {
        let t = cx.set_source_location(s, i / 1000 + 1, i % 1000).unwrap();
        assert!(t.is_some_and(|t| t.0 != u32::MAX));
        rows.push(CodeRow {
            offset: u64::from(i),
            loc: t,
        });
    }
    cx.exit_function().unwrap();
    cx.define_function_code(f, 1_000_000, &rows).unwrap();
    let out = cx.finish().unwrap();
    let sizes = out.section_sizes();
    let line = sizes.iter().find(|(n, _)| *n == ".debug_line").unwrap();
    assert!(line.1 > 1_000_000, "{sizes:?}");
    let bytes = object_with_code_sizes(&out, &[("f", 1_000_000)], &[]);
    check_object("million_locations.o", &bytes);
}

/// Case 30: `exit_function` with no function open, and a location set while in
/// the prologue. Guards against: state-machine underflow; prologue code
/// getting line rows. Expected: `NoFunctionOpen`; in the prologue
/// `set_source_location` succeeds but returns `None` (documented: no token
/// until `start_emitting_source_locations`).
#[test]
fn exit_without_enter_and_locations_in_the_prologue() {
    let mut cx = context(5);
    let f = function(&mut cx, "f");
    let s = cx.function_scope(f).unwrap();
    assert_eq!(
        cx.exit_function().unwrap_err().kind(),
        ErrorKind::NoFunctionOpen
    );
    cx.enter_function(f).unwrap();
    assert_eq!(cx.set_source_location(s, 5, 1).unwrap(), None);
    cx.start_emitting_source_locations().unwrap();
    assert!(cx.set_source_location(s, 5, 1).unwrap().is_some());
}

/// Case 31: A lexical block, a local and a variable location for another
/// function than the open one. Guards against: variables and blocks DIEs
/// landing in the wrong subprogram. Expected: `WrongFunction` for each.
#[test]
fn blocks_and_variables_of_another_function_while_one_is_open() {
    let mut cx = context(5);
    let ty = i64_type(&mut cx);
    let f = function(&mut cx, "f");
    let g = function(&mut cx, "g");
    let file = cx.file("a.c".as_ref()).unwrap();
    let gs = cx.function_scope(g).unwrap();
    let gv = cx.declare_parameter(g, "p", 1, ty, 1, 1).unwrap();
    cx.enter_function(f).unwrap();
    let k = |e: dwarfsmith::Error| e.kind();
    assert_eq!(
        k(cx.lexical_block(gs, file, 2, 1).unwrap_err()),
        ErrorKind::WrongFunction
    );
    assert_eq!(
        k(cx.declare_parameter(g, "q", 2, ty, 1, 1).unwrap_err()),
        ErrorKind::WrongFunction
    );
    assert_eq!(
        k(cx.set_variable_location(gv, VarLocation::FrameOffset(0))
            .unwrap_err()),
        ErrorKind::WrongFunction
    );
    assert_eq!(
        k(cx.set_source_location(gs, 2, 1).unwrap_err()),
        ErrorKind::WrongFunction
    );
}

/// Case 32: `define_function_code` with 0 bytes, a row at or beyond the size,
/// and a token that no context ever returned. Guards against: empty
/// sequences, rows outside the function, reading a location table out of
/// bounds. Expected: `InvalidCode`, `InvalidCode`, `ForeignHandle`.
#[test]
fn code_rows_outside_the_function_and_forged_tokens() {
    let mut cx = context(5);
    let f = function(&mut cx, "f");
    let e = cx.define_function_code(f, 0, &[]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode);
    let row = |o, loc| [CodeRow { offset: o, loc }];
    let e = cx.define_function_code(f, 16, &row(16, None)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode);
    for forged in [0, 12345, u32::MAX] {
        let r = row(0, Some(dwarfsmith::LocToken(forged)));
        let e = cx.define_function_code(f, 16, &r).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ForeignHandle, "{e}");
    }
}

/// Case 33: Foreign `TypeRef`, `FileId`, `NamespaceId`, `ScopeId` and `VarId`
/// passed to every kind of operation. Guards against: a handle indexing an
/// unrelated table of this context. Expected: `ForeignHandle` each time.
#[test]
fn foreign_handles_everywhere() {
    let mut a = context(5);
    let mut b = context(5);
    let ta = i64_type(&mut a);
    let fa = function(&mut a, "f");
    let sa = a.function_scope(fa).unwrap();
    let va = a.declare_parameter(fa, "x", 1, ta, 1, 1).unwrap();
    let file_a = a.file("a.c".as_ref()).unwrap();
    let ns_a = a.namespace(None, "n").unwrap();
    let fb = function(&mut b, "f");
    let file_b = b.file("b.c".as_ref()).unwrap();
    let sb = b.function_scope(fb).unwrap();
    let k = |e: dwarfsmith::Error| e.kind();
    let foreign = ErrorKind::ForeignHandle;
    assert_eq!(k(b.declare_local(sb, "y", ta, 1, 1).unwrap_err()), foreign);
    assert_eq!(k(b.lexical_block(sb, file_a, 1, 1).unwrap_err()), foreign);
    assert_eq!(k(b.lexical_block(sa, file_b, 1, 1).unwrap_err()), foreign);
    assert_eq!(k(b.namespace(Some(ns_a), "m").unwrap_err()), foreign);
    assert_eq!(
        k(b.set_variable_location(va, VarLocation::Register(0))
            .unwrap_err()),
        foreign
    );
    assert_eq!(k(b.type_size(ta).unwrap_err()), foreign);
    assert_eq!(k(b.stable_type_id(ta).unwrap_err()), foreign);
    b.enter_function(fb).unwrap();
    b.start_emitting_source_locations().unwrap();
    assert_eq!(
        k(b.set_source_location_in(sb, file_a, 1, 1).unwrap_err()),
        foreign
    );
    assert_eq!(k(b.set_source_location(sa, 1, 1).unwrap_err()), foreign);
}

/// Case 34: Empty and NUL-containing names for functions, globals, namespaces,
/// variables and the compile unit itself. Guards against: nameless DIEs and
/// strings cut at NUL. Expected: `InvalidName`, and nothing registered.
#[test]
fn empty_and_nul_names_in_the_api() {
    let mut cx = context(5);
    let ty = i64_type(&mut cx);
    let file = cx.file("a.c".as_ref()).unwrap();
    let d = |name| FunctionDesc {
        name,
        linkage_name: "ok",
        namespace: None,
        file,
        line: 1,
        ret: None,
        params: &[],
        external: false,
        method_of: None,
    };
    let k = |e: dwarfsmith::Error| e.kind();
    let bad = ErrorKind::InvalidName;
    assert_eq!(k(cx.define_function(&d("")).unwrap_err()), bad);
    assert_eq!(k(cx.define_function(&d("a\0b")).unwrap_err()), bad);
    assert_eq!(k(cx.namespace(None, "").unwrap_err()), bad);
    let g = GlobalDesc {
        name: "g",
        linkage_name: "g\0",
        namespace: None,
        ty,
        file,
        line: 1,
        external: true,
    };
    assert_eq!(k(cx.define_global(&g).unwrap_err()), bad);
    let f = function(&mut cx, "f");
    assert_eq!(
        k(cx.declare_parameter(f, "", 1, ty, 1, 1).unwrap_err()),
        bad
    );
    let cu = dwarfsmith::CompileUnit {
        name: "".into(),
        ..unit()
    };
    let backend = GimliBackend::new(Default::default()).unwrap();
    assert_eq!(k(Cx::new(backend, &cu).err().unwrap()), bad);
    for p in ["", "/", "dir/.."] {
        assert_eq!(k(cx.file(p.as_ref()).unwrap_err()), bad, "{p:?}");
    }
}

/// Case 35: A parameter with argument number 0, and lines 0 for functions,
/// globals, blocks and variables. Guards against: 0 meaning "no line" in
/// DWARF (the debugger would show no location). Expected:
/// `InvalidLocation`.
#[test]
fn argument_number_zero_and_line_zero_declarations() {
    let mut cx = context(5);
    let ty = i64_type(&mut cx);
    let f = function(&mut cx, "f");
    let s = cx.function_scope(f).unwrap();
    let file = cx.file("a.c".as_ref()).unwrap();
    let bad = ErrorKind::InvalidLocation;
    let k = |e: dwarfsmith::Error| e.kind();
    assert_eq!(
        k(cx.declare_parameter(f, "x", 0, ty, 1, 1).unwrap_err()),
        bad
    );
    assert_eq!(k(cx.declare_local(s, "y", ty, 0, 1).unwrap_err()), bad);
    assert_eq!(k(cx.lexical_block(s, file, 0, 1).unwrap_err()), bad);
    assert_eq!(k(cx.declare_local(s, "y", ty, 1, 70_000).unwrap_err()), bad);
}

/// Case 36: Defining a function's code while the function is still open.
/// Documented result: allowed — the rows are complete data and do not
/// depend on the location state; the function stays open, and `finish`
/// still refuses to run until it is exited.
#[test]
fn code_defined_while_the_function_is_open() {
    let mut cx = context(5);
    let f = function(&mut cx, "f");
    let s = cx.function_scope(f).unwrap();
    cx.enter_function(f).unwrap();
    cx.start_emitting_source_locations().unwrap();
    let t = cx.set_source_location(s, 2, 1).unwrap();
    cx.define_function_code(f, 16, &[CodeRow { offset: 0, loc: t }])
        .unwrap();
    assert_eq!(
        cx.finish().err().unwrap().kind(),
        ErrorKind::FunctionAlreadyOpen
    );
}

/// Case 37: A function declared to have no code
/// (`define_function_without_code`). Documented result: it is emitted as a
/// subprogram without addresses (no `low_pc`), no line sequence; the object
/// verifies. (Never saying anything about its code is case 48.)
#[test]
fn a_function_without_code() {
    let mut cx = context(5);
    let f = function(&mut cx, "never_emitted");
    cx.define_function_without_code(f).unwrap();
    let bytes = object_with(&cx.finish().unwrap(), &["never_emitted"], &[]);
    let s = check_object("no_code.o", &bytes);
    assert_eq!(s.line_rows, 0);
}
