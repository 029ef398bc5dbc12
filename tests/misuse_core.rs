//! Misuse of the public API: each case returns a typed error with a message
//! saying what to fix, or a documented result; nothing panics. Cases 1-13;
//! 14-25 are in `misuse_types.rs`, 26-37 in `misuse_api.rs`, the misuses
//! that exposed bugs in `regress_hardening.rs`.

mod common;

use common::*;
use dwarfsmith::{BaseEncoding, CodeRow, ErrorKind, FrontendTy, FunctionDesc, TypeDesc};

fn i64_table() -> Table {
    let mut t = Table::default();
    t.add(1, base("i64", 8, BaseEncoding::Signed));
    t
}

/// Case 1: `finish()` after a describe error interrupted a stub's completion.
/// Guards against: emitting a forward declaration the debugger can never
/// complete. Expected: `IncompleteStub` naming the stub.
#[test]
fn finish_with_an_incomplete_stub_names_it() {
    let mut cx = context(5);
    let mut t = i64_table();
    t.add(
        2,
        strukt(
            2,
            "Broken",
            16,
            vec![field("ok", 1, 0), field("bad", 99, 8)],
            None,
        ),
    );
    let e = cx.resolve_type(&mut t, FrontendTy(2)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DescribeFailed);
    assert!(
        e.message().contains("unknown type #99") && e.message().contains("Broken"),
        "{e}"
    );
    let e = cx.finish().err().unwrap();
    assert_eq!(e.kind(), ErrorKind::IncompleteStub);
    assert!(e.message().contains("`Broken`"), "{e}");
}

/// Case 2: Two handles map to one unique ID with different layouts. Guards
/// against: one type with two definitions. Expected:
/// `ConflictingDescription`.
#[test]
fn conflicting_descriptions_of_one_unique_id() {
    let mut cx = context(5);
    let mut t = i64_table();
    t.add(2, strukt(7, "P", 8, vec![field("x", 1, 0)], None));
    t.add(
        3,
        strukt(7, "P", 16, vec![field("x", 1, 0), field("y", 1, 8)], None),
    );
    cx.resolve_type(&mut t, FrontendTy(2)).unwrap();
    let e = cx.resolve_type(&mut t, FrontendTy(3)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConflictingDescription);
    assert!(e.message().contains("different descriptions"), "{e}");
}

/// Case 3: `set_source_location`, `clear_source_location` and
/// `start_emitting_source_locations` with no open function. Guards against:
/// locations attached to nothing. Expected: `NoFunctionOpen`; no current
/// location.
#[test]
fn location_outside_any_function() {
    let mut cx = context(5);
    let f = function(&mut cx, "f");
    let scope = cx.function_scope(f).unwrap();
    let e = cx.set_source_location(scope, 3, 1).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoFunctionOpen);
    assert_eq!(
        cx.clear_source_location().unwrap_err().kind(),
        ErrorKind::NoFunctionOpen
    );
    assert_eq!(
        cx.start_emitting_source_locations().unwrap_err().kind(),
        ErrorKind::NoFunctionOpen
    );
    assert_eq!(cx.current_location(), None);
}

/// Case 4: A local declared in a scope of another function than the open one.
/// Guards against: a variable DIE in the wrong subprogram. Expected:
/// `WrongFunction` naming both functions.
#[test]
fn variable_in_a_scope_of_another_function() {
    let mut cx = context(5);
    let mut t = i64_table();
    let ty = cx.resolve_type(&mut t, FrontendTy(1)).unwrap();
    let f = function(&mut cx, "f");
    let g = function(&mut cx, "g");
    let gs = cx.function_scope(g).unwrap();
    cx.enter_function(f).unwrap();
    let e = cx.declare_local(gs, "x", ty, 2, 1).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WrongFunction);
    assert!(
        e.message().contains("`g`") && e.message().contains("`f`"),
        "{e}"
    );
}

/// Case 5: A `TypeRef` and a `FunctionId` from another `DebugContext`. Guards
/// against: indexing an unrelated table. Expected: `ForeignHandle`.
#[test]
fn handle_from_another_context() {
    let mut a = context(5);
    let mut b = context(5);
    let mut t = i64_table();
    let ta = a.resolve_type(&mut t, FrontendTy(1)).unwrap();
    let fb = function(&mut b, "f");
    let file = b.file("a.c".as_ref()).unwrap();
    let e = b
        .define_function(&FunctionDesc {
            name: "g",
            linkage_name: "g",
            namespace: None,
            file,
            line: 1,
            ret: Some(ta),
            params: &[],
            external: false,
            method_of: None,
        })
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ForeignHandle);
    assert!(e.message().contains("another DebugContext"), "{e}");
    assert_eq!(
        a.enter_function(fb).unwrap_err().kind(),
        ErrorKind::ForeignHandle
    );
}

/// Case 6: Line 0 and columns beyond 65535 in `set_source_location`. Guards
/// against: line 0 meaning "no line", columns LLVM cannot encode. Expected:
/// `InvalidLocation`; `u32::MAX` lines and column 65535 are accepted.
#[test]
fn line_zero_and_absurd_columns() {
    let mut cx = context(5);
    let f = function(&mut cx, "f");
    let s = cx.function_scope(f).unwrap();
    cx.enter_function(f).unwrap();
    assert_eq!(
        cx.set_source_location(s, 0, 1).unwrap_err().kind(),
        ErrorKind::InvalidLocation
    );
    assert_eq!(
        cx.set_source_location(s, 1, 1_000_000).unwrap_err().kind(),
        ErrorKind::InvalidLocation
    );
    assert!(cx.set_source_location(s, u32::MAX, 65535).is_ok());
}

/// Case 7: A non-UTF-8 path and a path with a NUL byte. Guards against: lossy
/// path conversion, strings cut at NUL. Expected: the non-UTF-8 path is
/// kept byte for byte (the object verifies); NUL is `InvalidName`.
#[test]
fn non_utf8_path_and_nul_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let mut cx = context(5);
    let p = std::path::Path::new(std::ffi::OsStr::from_bytes(b"dir/\xff\xfe.toy"));
    cx.file(p).unwrap();
    let nul = std::path::Path::new(std::ffi::OsStr::from_bytes(b"a\0b.toy"));
    assert_eq!(cx.file(nul).unwrap_err().kind(), ErrorKind::InvalidName);
    let bytes = object_with(&cx.finish().unwrap(), &[], &[]);
    check_object("non_utf8.o", &bytes);
}

/// Case 8: A zero-sized struct, a 2^40-byte array, and an array whose size
/// overflows 64 bits. Guards against: size overflow. Expected: the first two
/// verify; the overflow is `InvalidLayout`.
#[test]
fn zero_sized_and_huge_types() {
    let mut cx = context(5);
    let mut t = i64_table();
    t.add(2, strukt(2, "Empty", 0, vec![], None));
    t.add(
        3,
        TypeDesc::Array {
            elem: FrontendTy(1),
            len: 1 << 37,
            elem_size: 8,
            align: 8,
        },
    );
    cx.resolve_type(&mut t, FrontendTy(2)).unwrap();
    let big = cx.resolve_type(&mut t, FrontendTy(3)).unwrap();
    assert_eq!(cx.type_size(big).unwrap(), 1 << 40);
    t.add(
        4,
        TypeDesc::Array {
            elem: FrontendTy(1),
            len: u64::MAX,
            elem_size: 8,
            align: 8,
        },
    );
    assert_eq!(
        cx.resolve_type(&mut t, FrontendTy(4)).unwrap_err().kind(),
        ErrorKind::InvalidLayout
    );
    check_object("sizes.o", &object_with(&cx.finish().unwrap(), &[], &[]));
}

/// Case 9: A pointer that points to itself with no nominal type in between.
/// Guards against: an infinite structural type (endless loop). Expected:
/// `CyclicType`.
#[test]
fn structural_self_reference_is_an_error() {
    let mut cx = context(5);
    let mut t = Table::default();
    t.add(5, ptr(5));
    let e = cx.resolve_type(&mut t, FrontendTy(5)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::CyclicType);
}

/// Case 10: A field that ends past its struct's size. Guards against: members
/// the debugger reads beyond the object. Expected: `InvalidLayout`.
#[test]
fn field_past_the_end() {
    let mut cx = context(5);
    let mut t = i64_table();
    t.add(2, strukt(2, "Short", 8, vec![field("a", 1, 4)], None));
    let e = cx.resolve_type(&mut t, FrontendTy(2)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidLayout);
    assert!(e.message().contains("ends past"), "{e}");
}

/// Case 11: Code rows out of order, code defined twice, tokens of another
/// function. Guards against: a garbled line program. Expected:
/// `InvalidCode`, `WrongFunction`, `InvalidCode`.
#[test]
fn malformed_code_rows() {
    let mut cx = context(5);
    let f = function(&mut cx, "f");
    let g = function(&mut cx, "g");
    let fs = cx.function_scope(f).unwrap();
    cx.enter_function(f).unwrap();
    cx.start_emitting_source_locations().unwrap();
    let l = cx.set_source_location(fs, 2, 1).unwrap();
    cx.exit_function().unwrap();
    let bad = [CodeRow { offset: 8, loc: l }, CodeRow { offset: 4, loc: l }];
    assert_eq!(
        cx.define_function_code(f, 16, &bad).unwrap_err().kind(),
        ErrorKind::InvalidCode
    );
    assert_eq!(
        cx.define_function_code(g, 16, &[CodeRow { offset: 0, loc: l }])
            .unwrap_err()
            .kind(),
        ErrorKind::WrongFunction
    );
    cx.define_function_code(f, 16, &[CodeRow { offset: 0, loc: l }])
        .unwrap();
    assert_eq!(
        cx.define_function_code(f, 16, &[]).unwrap_err().kind(),
        ErrorKind::InvalidCode
    );
}

/// Case 12: Entering a function while another is open; finishing while open.
/// Guards against: interleaved location states. Expected:
/// `FunctionAlreadyOpen`.
#[test]
fn nested_enter_and_finish_while_open() {
    let mut cx = context(5);
    let f = function(&mut cx, "f");
    let g = function(&mut cx, "g");
    cx.enter_function(f).unwrap();
    assert_eq!(
        cx.enter_function(g).unwrap_err().kind(),
        ErrorKind::FunctionAlreadyOpen
    );
    assert_eq!(
        cx.finish().err().unwrap().kind(),
        ErrorKind::FunctionAlreadyOpen
    );
}

/// Case 13: A gimli backend for DWARF 3. Guards against: emitting a version the
/// writer does not support. Expected: `Unsupported` at construction.
#[test]
fn unsupported_dwarf_version() {
    let e = dwarfsmith::GimliBackend::new(dwarfsmith::GimliOptions {
        dwarf_version: 3,
        ..Default::default()
    })
    .err()
    .unwrap();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
}
