//! The library-only example (`examples/recursive_types.rs`, README "Quick
//! start") end to end: its object passes `llvm-dwarfdump-19 --verify`, gdb
//! prints the recursive types as the README says (`ptype struct Tree`,
//! `ptype struct Callback`, the mutually recursive `A`/`B`/`C`, the array of
//! pointers to its own struct), `main` has its line row and its locals, and
//! `.eh_frame` holds the function's call-frame information.

#[path = "../examples/recursive_types.rs"]
#[allow(dead_code)]
mod example;

use std::path::PathBuf;
use std::process::Command;

/// Writes the example's object to the test's temporary directory.
fn object() -> PathBuf {
    let bytes = example::build().unwrap_or_else(|e| panic!("the example failed: {e}"));
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("recursive_types_example.o");
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    path
}

/// Runs `program args` and returns stdout + stderr.
fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}; install gdb llvm-19-tools"));
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// The lines of `text`, trimmed.
fn lines(text: &str) -> Vec<&str> {
    text.lines().map(str::trim).collect()
}

#[test]
fn recursive_types_example_verifies_and_reads_in_gdb() {
    let obj = object();
    let obj = obj.to_str().expect("a UTF-8 temporary path");
    let verify = run("llvm-dwarfdump-19", &["--verify", obj]);
    assert!(verify.contains("No errors."), "{verify}");

    let gdb = run(
        "gdb",
        &[
            "-batch",
            "-nx",
            "-ex",
            "ptype struct Tree",
            "-ex",
            "ptype struct Callback",
            "-ex",
            "ptype struct Graph",
            "-ex",
            "ptype struct C",
            "-ex",
            "info scope main",
            "-ex",
            "info line main",
            obj,
        ],
    );
    let got = lines(&gdb);
    let expected = [
        "type = struct Tree {",
        "long value;",
        "struct Tree *left;",
        "struct Tree *right;",
        "struct Tree *parent;",
        "}",
        "type = struct Callback {",
        "int (*f)(struct Callback *, int);",
        "long data;",
        "}",
        "type = struct Graph {",
        "struct Graph *edges[4];",
        "}",
        "type = struct C {",
        "struct A *a;",
        "int v;",
        "}",
        "Scope for main:",
    ];
    let start = got
        .iter()
        .position(|l| *l == expected[0])
        .unwrap_or_else(|| panic!("no `{}` in gdb's output:\n{gdb}", expected[0]));
    assert_eq!(
        got.get(start..start + expected.len()),
        Some(&expected[..]),
        "gdb's output:\n{gdb}"
    );
    for local in ["x", "list", "tree", "a", "graph", "callback"] {
        assert!(
            got.iter()
                .any(|l| l.starts_with(&format!("Symbol {local} is "))),
            "no local `{local}` in `info scope main`:\n{gdb}"
        );
    }
    assert!(
        got.iter()
            .any(|l| l.starts_with("Line 9 of \"zoo.c\" starts at address 0x0 <main>")),
        "no line row for main:\n{gdb}"
    );

    let frames = run("llvm-dwarfdump-19", &["--eh-frame", obj]);
    assert!(
        frames.contains(" FDE ") && frames.contains("DW_CFA_def_cfa"),
        "no FDE in .eh_frame:\n{frames}"
    );
}
