//! Property test of `set_variable_locations`: random location lists
//! (registers, memory, frame offsets, constants, implicit bytes, pieces)
//! for a variable of a random size. The library must accept exactly the
//! lists this test's own model calls valid (pieces not larger than the
//! type, implicit bytes exactly the value's or their piece's size) and
//! refuse the others with `InvalidLocation`; every accepted object passes
//! `llvm-dwarfdump-19 --verify` and the gimli read-back, and in
//! `llvm-dwarfdump-19`'s reading every list entry made of pieces covers
//! exactly the variable's size (the library completes short lists).
//!
//! 64 cases; `PROPTEST_CASES=N` runs more.

mod common;

use common::*;
use dwarfsmith::{
    BaseEncoding, DebugContext, ErrorKind, FrontendTy, FunctionDesc, GimliBackend, LocationRange,
    Piece, TypeDesc, ValueLocation, VarId,
};
use proptest::prelude::*;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Code size of the function the variable lives in.
const CODE_SIZE: u64 = 64;

/// One generated location (sizes are raw choices, not yet checked).
#[derive(Debug, Clone)]
enum Loc {
    Register(u16),
    Memory(u16, i64),
    Frame(i64),
    Constant(i64),
    Bytes(usize),
    Pieces(Vec<(Option<PieceLoc>, u32)>),
}

/// What a piece holds.
#[derive(Debug, Clone)]
enum PieceLoc {
    Register(u16),
    Bytes(usize),
}

fn piece_loc() -> impl Strategy<Value = Option<PieceLoc>> {
    prop_oneof![
        Just(None),
        (0u16..16).prop_map(|r| Some(PieceLoc::Register(r))),
        (0usize..10).prop_map(|n| Some(PieceLoc::Bytes(n))),
    ]
}

fn loc() -> impl Strategy<Value = Loc> {
    prop_oneof![
        (0u16..16).prop_map(Loc::Register),
        (0u16..16, -64i64..64).prop_map(|(r, o)| Loc::Memory(r, o)),
        (-64i64..64).prop_map(Loc::Frame),
        any::<i64>().prop_map(Loc::Constant),
        (0usize..34).prop_map(Loc::Bytes),
        prop::collection::vec((piece_loc(), 1u32..10), 1..5).prop_map(Loc::Pieces),
    ]
}

/// The library's location for `l`, and whether this test's model calls it
/// valid for a value of `size` bytes.
fn build(l: &Loc, size: u64) -> (ValueLocation, bool) {
    match l {
        Loc::Register(r) => (ValueLocation::Register(*r), true),
        Loc::Memory(r, o) => (
            ValueLocation::Memory {
                register: *r,
                offset: *o,
            },
            true,
        ),
        Loc::Frame(o) => (ValueLocation::FrameOffset(*o), true),
        Loc::Constant(c) => (ValueLocation::Constant(*c), true),
        Loc::Bytes(n) => (
            ValueLocation::Bytes((0..*n).map(|i| i as u8).collect()),
            *n as u64 == size,
        ),
        Loc::Pieces(ps) => {
            let mut valid = true;
            let mut total = 0u64;
            let pieces = ps
                .iter()
                .map(|(pl, s)| {
                    total += u64::from(*s);
                    let location = pl.as_ref().map(|pl| match pl {
                        PieceLoc::Register(r) => ValueLocation::Register(*r),
                        PieceLoc::Bytes(n) => {
                            valid &= *n as u64 == u64::from(*s);
                            ValueLocation::Bytes(vec![0xa5; *n])
                        }
                    });
                    Piece { location, size: *s }
                })
                .collect();
            (ValueLocation::Pieces(pieces), valid && total <= size)
        }
    }
}

/// Sorted, disjoint, non-empty ranges inside the code from raw cut points.
fn ranges(cuts: &[u64], locs: &[Loc], size: u64) -> (Vec<LocationRange>, bool) {
    let mut points: Vec<u64> = cuts.iter().map(|c| c % (CODE_SIZE + 1)).collect();
    points.sort_unstable();
    points.dedup();
    let mut out = Vec::new();
    let mut valid = true;
    for (w, l) in points.windows(2).zip(locs) {
        let (location, ok) = build(l, size);
        valid &= ok;
        out.push(LocationRange {
            start: w[0],
            end: w[1],
            location,
        });
    }
    (out, valid)
}

/// The piece sizes of each location-list entry of `var` in a
/// `llvm-dwarfdump-19 --debug-info` dump: one sum per entry that has
/// pieces.
fn piece_sums(dump: &str, var: &str) -> Vec<u64> {
    let mut sums = Vec::new();
    let mut inside = false;
    for line in dump.lines() {
        let l = line.trim();
        if l.starts_with("DW_AT_name") {
            inside = l.contains(&format!("(\"{var}\")"));
        } else if l.contains("DW_TAG_") {
            inside = false;
        }
        if inside && l.contains("DW_OP_piece") {
            let sum = l
                .split("DW_OP_piece 0x")
                .skip(1)
                .filter_map(|s| {
                    let hex: String = s.chars().take_while(char::is_ascii_hexdigit).collect();
                    u64::from_str_radix(&hex, 16).ok()
                })
                .sum();
            sums.push(sum);
        }
    }
    sums
}

/// A unit with `f` (code reported, `CODE_SIZE` bytes) and its local `v`,
/// an array of `size` bytes.
fn variable_of(size: u64) -> (DebugContext<GimliBackend>, VarId) {
    let mut cx: DebugContext<GimliBackend> = context(5);
    let file = cx.file("p.c".as_ref()).expect("file");
    let mut types = |t: FrontendTy| {
        Ok(match t.0 {
            0 => TypeDesc::base("unsigned char", 1, BaseEncoding::Unsigned),
            _ => TypeDesc::Array {
                elem: FrontendTy(0),
                len: size,
                elem_size: 1,
                align: 1,
            },
        })
    };
    let ty = cx.resolve_type(&mut types, FrontendTy(1)).expect("type");
    let f = cx
        .define_function(&FunctionDesc::new("f", "f", file, 1))
        .expect("function");
    let scope = cx.function_scope(f).expect("scope");
    cx.enter_function(f).expect("enter");
    let v = cx.declare_local(scope, "v", ty, 2, 1).expect("local");
    cx.exit_function().expect("exit");
    cx.define_function_code(f, CODE_SIZE, &[]).expect("code");
    (cx, v)
}

/// Finishes `cx` into an object with `f`'s code, checks it (verifier and
/// gimli read-back) and returns its `llvm-dwarfdump-19 --debug-info`.
fn checked_dump(cx: DebugContext<GimliBackend>) -> String {
    let dwarf = cx.finish().expect("finish");
    let obj = object_with_code_sizes(&dwarf, &[("f", CODE_SIZE as usize)], &[]);
    // One file per object: the tests run in parallel.
    static CASE: AtomicUsize = AtomicUsize::new(0);
    let name = format!(
        "proptest_locations_{}.o",
        CASE.fetch_add(1, Ordering::Relaxed)
    );
    check_object(&name, &obj);
    let out = Command::new("llvm-dwarfdump-19")
        .arg("--debug-info")
        .arg(save(&name, &obj))
        .output()
        .expect("run llvm-dwarfdump-19");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn run_case(size: u64, cuts: &[u64], locs: &[Loc]) -> Result<(), TestCaseError> {
    let (list, valid) = ranges(cuts, locs, size);
    let (mut cx, v) = variable_of(size);
    match cx.set_variable_locations(v, &list) {
        Ok(()) => prop_assert!(valid, "accepted a list the model refuses: {list:?}"),
        Err(e) => {
            prop_assert!(!valid, "refused a valid list ({e}): {list:?}");
            prop_assert_eq!(e.kind(), ErrorKind::InvalidLocation, "{}", e);
            return Ok(());
        }
    }
    let dump = checked_dump(cx);
    let with_pieces = list
        .iter()
        .filter(|r| matches!(r.location, ValueLocation::Pieces(_)))
        .count();
    let sums = piece_sums(&dump, "v");
    prop_assert_eq!(sums.len(), with_pieces, "{}", dump);
    for s in sums {
        prop_assert_eq!(
            s,
            size,
            "an entry's pieces do not cover the variable:\n{}",
            dump
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn location_lists_are_checked_and_complete(
        size in 1u64..33,
        cuts in prop::collection::vec(any::<u64>(), 2..7),
        locs in prop::collection::vec(loc(), 6),
    ) {
        run_case(size, &cuts, &locs)?;
    }
}

/// The model's edge: pieces exactly the size pass; one byte more fails;
/// short pieces are completed.
#[test]
fn edges_of_the_model() {
    let pieces = |sizes: &[u32]| Loc::Pieces(sizes.iter().map(|s| (None, *s)).collect());
    run_case(8, &[0, 16], &[pieces(&[4, 4])]).expect("exact");
    run_case(8, &[0, 16], &[pieces(&[4, 5])]).expect("one byte more, refused");
    run_case(8, &[0, 16], &[pieces(&[3])]).expect("short, completed");
    run_case(3, &[0, 16], &[Loc::Bytes(3)]).expect("bytes of the size");
    run_case(3, &[0, 16], &[Loc::Bytes(2)]).expect("bytes too few, refused");
}

/// A rest of 4 GiB or more is not padded (a piece's size is a `u32`; one
/// piece per 4 GiB would let a huge type's size cost memory): a 4-byte
/// piece of a 2^40-byte array is accepted and written as given.
#[test]
fn a_huge_rest_stays_undescribed() {
    let (mut cx, v) = variable_of(1 << 40);
    let piece = Piece {
        location: Some(ValueLocation::Register(0)),
        size: 4,
    };
    cx.set_variable_locations(
        v,
        &[LocationRange {
            start: 0,
            end: 8,
            location: ValueLocation::Pieces(vec![piece]),
        }],
    )
    .expect("a short list of a huge variable");
    let dump = checked_dump(cx);
    assert_eq!(piece_sums(&dump, "v"), vec![4], "{dump}");
}
