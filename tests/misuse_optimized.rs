//! Misuse of the optimized-code interface (cases 90-95, 135-136): location
//! ranges that overlap, leave the function or come before its code, nested
//! or empty pieces, pieces or implicit bytes that do not fit the variable's
//! type, inlined parameters outside an inlined call, and inlined calls
//! whose parent scope belongs to another function.

mod common;

use common::context;
use dwarfsmith::*;

/// A unit with `callee` (no code) and `main` (open), `main`'s scope, the
/// `long` type and a local `v` of `main`.
fn setup() -> (
    DebugContext<GimliBackend>,
    FunctionId,
    FunctionId,
    ScopeId,
    TypeRef,
    VarId,
) {
    let mut cx = context(5);
    let file = cx.file("a.c".as_ref()).unwrap();
    let mut types = |_: FrontendTy| Ok(TypeDesc::base("long", 8, BaseEncoding::Signed));
    let long = cx.resolve_type(&mut types, FrontendTy(0)).unwrap();
    let callee = cx
        .define_function(&FunctionDesc::new("callee", "callee", file, 1))
        .unwrap();
    let main = cx
        .define_function(&FunctionDesc::new("main", "main", file, 5))
        .unwrap();
    let scope = cx.function_scope(main).unwrap();
    cx.enter_function(main).unwrap();
    let v = cx.declare_local(scope, "v", long, 6, 1).unwrap();
    (cx, callee, main, scope, long, v)
}

fn range(start: u64, end: u64, location: ValueLocation) -> LocationRange {
    LocationRange {
        start,
        end,
        location,
    }
}

/// Case 90: location ranges for a variable before its function's code was
/// reported. Guards against: ranges that cannot be checked against the
/// code. Expected: `InvalidCode` saying to call `define_function_code`
/// first.
#[test]
fn locations_before_the_code() {
    let (mut cx, _, _, _, _, v) = setup();
    let e = cx
        .set_variable_locations(v, &[range(0, 4, ValueLocation::Register(0))])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode, "{e}");
    assert!(e.message().contains("define_function_code first"), "{e}");
    assert!(e.message().contains("`v`"), "names the variable: {e}");
}

/// Case 91: overlapping, unsorted and empty ranges. Guards against: two
/// locations for one address (a debugger would pick either). Expected:
/// `InvalidLocation`.
#[test]
fn overlapping_unsorted_and_empty_ranges() {
    for ranges in [
        vec![
            range(0, 8, ValueLocation::Register(0)),
            range(4, 12, ValueLocation::Register(1)),
        ],
        vec![
            range(8, 12, ValueLocation::Register(0)),
            range(0, 4, ValueLocation::Register(1)),
        ],
        vec![range(4, 4, ValueLocation::Register(0))],
    ] {
        let (mut cx, _, main, _, _, v) = setup();
        cx.exit_function().unwrap();
        cx.define_function_code(main, 16, &[]).unwrap();
        let e = cx.set_variable_locations(v, &ranges).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidLocation, "{e}");
    }
}

/// Case 92: a range reaching past the function's code. Guards against: a
/// location list entry covering another function's code. Expected:
/// `InvalidLocation` naming the code size.
#[test]
fn range_outside_the_function() {
    let (mut cx, _, main, _, _, v) = setup();
    cx.exit_function().unwrap();
    cx.define_function_code(main, 16, &[]).unwrap();
    let e = cx
        .set_variable_locations(v, &[range(8, 17, ValueLocation::Constant(1))])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidLocation, "{e}");
    assert!(e.message().contains("16 bytes"), "{e}");
    assert!(e.message().contains("of `v`"), "names the variable: {e}");
}

/// Case 93: pieces inside a piece, a zero-sized piece, no pieces. Guards
/// against: expressions DWARF cannot express. Expected: `InvalidLocation`.
#[test]
fn bad_pieces() {
    let nested = ValueLocation::Pieces(vec![Piece {
        location: Some(ValueLocation::Pieces(vec![])),
        size: 4,
    }]);
    let zero = ValueLocation::Pieces(vec![Piece {
        location: Some(ValueLocation::Register(0)),
        size: 0,
    }]);
    for loc in [nested, zero, ValueLocation::Pieces(vec![])] {
        let (mut cx, _, main, _, _, v) = setup();
        cx.exit_function().unwrap();
        cx.define_function_code(main, 16, &[]).unwrap();
        let e = cx
            .set_variable_locations(v, &[range(0, 4, loc)])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidLocation, "{e}");
    }
}

/// Case 94: an inlined parameter declared in a scope that is not an
/// inlined call, and one argument number twice in one inlined call.
/// Expected: `InvalidLocation`.
#[test]
fn inlined_parameters_outside_an_inlined_call() {
    let (mut cx, callee, _, scope, long, _) = setup();
    let file = cx.file("a.c".as_ref()).unwrap();
    let e = cx
        .declare_inlined_parameter(scope, "x", 1, long, 1, 0)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidLocation, "{e}");
    let call = cx.inlined_call(scope, callee, file, 6, 1).unwrap();
    cx.declare_inlined_parameter(call, "x", 1, long, 1, 0)
        .unwrap();
    let e = cx
        .declare_inlined_parameter(call, "y", 1, long, 1, 0)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidLocation, "{e}");
}

/// Case 95: an inlined call whose parent scope belongs to another function
/// than the open one (an inlined-at chain leaving the function). Guards
/// against: inlined code attributed to a frame it does not run in.
/// Expected: `WrongFunction`; the chain cannot loop, since a scope's parent
/// exists before it.
#[test]
fn inlined_call_into_another_function() {
    let (mut cx, callee, _, _, _, _) = setup();
    let file = cx.file("a.c".as_ref()).unwrap();
    let other = cx.function_scope(callee).unwrap();
    let e = cx.inlined_call(other, callee, file, 2, 1).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WrongFunction, "{e}");
}

/// Case 135: pieces that cover more bytes than the variable's type (12 for
/// an 8-byte `long`). Guards against: a location list describing bytes
/// past the object, which a debugger would read into a value of the
/// type's size or reject. Expected: `InvalidLocation` naming both sizes.
#[test]
fn pieces_larger_than_the_type() {
    let (mut cx, _, main, _, _, v) = setup();
    cx.exit_function().unwrap();
    cx.define_function_code(main, 16, &[]).unwrap();
    let piece = |size| Piece {
        location: Some(ValueLocation::Register(0)),
        size,
    };
    let e = cx
        .set_variable_locations(
            v,
            &[range(0, 4, ValueLocation::Pieces(vec![piece(8), piece(4)]))],
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidLocation, "{e}");
    assert!(
        e.message().contains("cover 12 bytes, more than the 8"),
        "{e}"
    );
    assert!(e.message().contains("of `v`"), "names the variable: {e}");
    // Exactly the type's size is fine.
    cx.set_variable_locations(
        v,
        &[range(0, 4, ValueLocation::Pieces(vec![piece(4), piece(4)]))],
    )
    .unwrap();
}

/// Case 136: implicit bytes (`ValueLocation::Bytes`) that are not the
/// value's size, as the whole location (4 bytes for an 8-byte `long`) or
/// as a piece (3 bytes in a 4-byte piece). Guards against:
/// `DW_OP_implicit_value` shorter than what the debugger reads (it reads
/// past the bytes given or refuses the value). Expected: `InvalidLocation`.
#[test]
fn implicit_bytes_of_the_wrong_size() {
    let short_piece = Piece {
        location: Some(ValueLocation::Bytes(vec![1, 2, 3])),
        size: 4,
    };
    for location in [
        ValueLocation::Bytes(vec![0; 4]),
        ValueLocation::Pieces(vec![short_piece]),
    ] {
        let (mut cx, _, main, _, _, v) = setup();
        cx.exit_function().unwrap();
        cx.define_function_code(main, 16, &[]).unwrap();
        let e = cx
            .set_variable_locations(v, &[range(0, 4, location)])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidLocation, "{e}");
        assert!(e.message().contains("implicit bytes"), "{e}");
    }
}
