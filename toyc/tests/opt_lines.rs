//! At `-O` (gimli backend), every source line with code at -O0 keeps code
//! of its own: a line-table row that `break LINE` binds to and `next`
//! stops at (DEBUGGING.md, "What toyc's Cranelift `-O` does"). Read by
//! `llvm-dwarfdump-19 --debug-line` on the objects of every example
//! program. Before the stack homes, shadowing.toy's lines 6, 12 and 17
//! (`let`s folded into the next line), inventory.toy's 22 and matrix.toy's
//! 12 (`return`s of inlined copies) had no row at -O. Also: the -O
//! objects are deterministic.

#[allow(dead_code)] // only the toyc, tool and example-program helpers are used here
mod debugger;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Lines with code at -O0 that have none at -O, per program, and why: the
/// header and closing lines of functions every call of which is inlined
/// (no out-of-line code left: their prologue and return are gone), and a
/// `match` on a single-variant enum (nothing to test or branch on).
const NO_CODE_AT_O: &[(&str, &[u32], &str)] = &[
    (
        "inventory",
        &[20],
        "header of store::accept, inlined everywhere",
    ),
    ("matrix", &[9], "header of dot, inlined everywhere"),
    (
        "stack_machine",
        &[17, 20, 22],
        "header and closing brace of vm::push, header of vm::pop, inlined everywhere",
    ),
    (
        "wrap",
        &[17, 25, 36],
        "`match` on the single-variant enums Wrap and Pair",
    ),
];

/// The object of `program` built by toyc with `args`.
fn object(toyc: &Path, program: &Path, args: &[&str], out: &Path) -> PathBuf {
    debugger::compile_with(toyc, program, out, args).unwrap_or_else(|e| panic!("{e}"))
}

/// The source lines (not 0) of the rows of `obj`'s line table.
fn lines_with_rows(obj: &Path) -> BTreeSet<u32> {
    let o = Command::new(debugger::DWARFDUMP)
        .arg("--debug-line")
        .arg(obj)
        .output()
        .expect("run llvm-dwarfdump-19");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| l.starts_with("0x") && !l.contains("end_sequence"))
        .filter_map(|l| l.split_whitespace().nth(1)?.parse().ok())
        .filter(|&line| line != 0)
        .collect()
}

#[test]
fn every_line_with_code_at_o0_keeps_a_row_at_o() {
    debugger::require_tool(debugger::DWARFDUMP).unwrap_or_else(|e| panic!("{e}"));
    let toyc = debugger::toyc_path(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{e}"));
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("opt_lines");
    std::fs::create_dir_all(&work).expect("scratch dir");
    let mut problems = Vec::new();
    for program in debugger::example_programs() {
        let name = program
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let o0 = lines_with_rows(&object(&toyc, &program, &[], &work.join(&name)));
        let o = lines_with_rows(&object(
            &toyc,
            &program,
            &["-O"],
            &work.join(format!("{name}-O")),
        ));
        let missing: Vec<u32> = o0.difference(&o).copied().collect();
        let expected: Vec<u32> = NO_CODE_AT_O
            .iter()
            .find(|(p, _, _)| *p == name)
            .map(|(_, l, _)| l.to_vec())
            .unwrap_or_default();
        if missing != expected {
            problems.push(format!(
                "{name}: lines without a row at -O {missing:?}, expected {expected:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The same program built twice at -O gives byte-identical objects (the
/// homes and location lists add no order that depends on a hash or an
/// address).
#[test]
fn o_objects_are_deterministic() {
    let toyc = debugger::toyc_path(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{e}"));
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("opt_lines_twice");
    std::fs::create_dir_all(&work).expect("scratch dir");
    for program in debugger::example_programs() {
        let name = program
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let a = object(&toyc, &program, &["-O"], &work.join(format!("{name}-a")));
        let b = object(&toyc, &program, &["-O"], &work.join(format!("{name}-b")));
        let (a, b) = (
            std::fs::read(&a).expect("read"),
            std::fs::read(&b).expect("read"),
        );
        assert!(!a.is_empty(), "{name}: empty object");
        assert!(a == b, "{name}: two -O builds differ");
    }
}
