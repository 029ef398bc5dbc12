//! The library-only example (`examples/recursive_types.rs`, README "Quick
//! start") end to end: its object passes `llvm-dwarfdump-19 --verify` and the gimli
//! read-back, gdb
//! prints the recursive types as the README says (`ptype struct Tree`,
//! `ptype struct Callback`, the mutually recursive `A`/`B`/`C`, the array of
//! pointers to its own struct), `main` has its line row and its locals, and
//! `.eh_frame` holds the function's call-frame information.

#[path = "../examples/recursive_types.rs"]
#[allow(dead_code)]
mod example;

mod common;

use common::{check_object, dwarfdump, gdb_answers, save};

#[test]
fn recursive_types_example_verifies_and_reads_in_gdb() {
    let bytes = example::build().unwrap_or_else(|e| panic!("the example failed: {e}"));
    check_object("recursive_types_example.o", &bytes);
    let obj = save("recursive_types_example.o", &bytes);

    let cmds = [
        "ptype struct Tree",
        "ptype struct Callback",
        "ptype struct Graph",
        "ptype struct C",
        "info scope main",
        "info line main",
    ];
    let answers = gdb_answers(&obj, &[], &cmds);
    let expected = [
        "type = struct Tree {\n    long value;\n    struct Tree *left;\n    struct Tree *right;\n    struct Tree *parent;\n}",
        "type = struct Callback {\n    int (*f)(struct Callback *, int);\n    long data;\n}",
        "type = struct Graph {\n    struct Graph *edges[4];\n}",
        "type = struct C {\n    struct A *a;\n    int v;\n}",
    ];
    for (i, want) in expected.iter().enumerate() {
        assert_eq!(answers[i], *want, "gdb's answer to `{}`", cmds[i]);
    }
    let scope = &answers[4];
    assert!(scope.starts_with("Scope for main:"), "{scope}");
    for local in ["x", "list", "tree", "a", "graph", "callback"] {
        assert!(
            scope
                .lines()
                .any(|l| l.starts_with(&format!("Symbol {local} is "))),
            "no local `{local}` in `info scope main`:\n{scope}"
        );
    }
    assert!(
        answers[5].starts_with("Line 9 of \"zoo.c\" starts at address 0x0 <main>"),
        "no line row for main: {}",
        answers[5]
    );

    let frames = dwarfdump("recursive_types_example.o", &bytes, &["--eh-frame"]);
    assert!(
        frames.contains(" FDE ") && frames.contains("DW_CFA_def_cfa"),
        "no FDE in .eh_frame:\n{frames}"
    );
}
