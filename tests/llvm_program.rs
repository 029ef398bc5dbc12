//! The LLVM backend end to end: a hand-built module (parameters, a local in
//! a nested block, a call chain, a global, a recursive struct) compiled to an
//! object, checked by llvm-dwarfdump's verifier, re-read with gimli, linked
//! and debugged with gdb and lldb.
#![cfg(any(feature = "llvm19", feature = "llvm22"))]

mod common;

use common::llvm::{build_program, link};
use common::{check_object, dwarfdump};
use common::{gdb, lldb};

#[test]
fn program_verifies_in_dwarf_4_and_5() {
    for v in [4, 5] {
        let (obj, ir) = build_program(v);
        let s = check_object(&format!("llvm_prog_v{v}.o"), &obj);
        assert!(
            ir.contains("#dbg_declare"),
            "declare records expected:\n{ir}"
        );
        assert!(
            ir.contains(&format!("!\"Dwarf Version\", i32 {v}}}")),
            "{ir}"
        );
        assert_eq!(s.tags.get("DW_TAG_subprogram"), Some(&3), "{:?}", s.tags);
        assert_eq!(s.tags.get("DW_TAG_lexical_block"), Some(&1), "{:?}", s.tags);
        assert_eq!(
            s.tags.get("DW_TAG_formal_parameter"),
            Some(&3),
            "{:?}",
            s.tags
        );
        assert!(s.types.iter().any(|(_, n)| n == "List"), "{:?}", s.types);
        assert!(s.line_rows > 5);
        let info = dwarfdump(&format!("llvm_prog_v{v}.o"), &obj, &["--debug-info"]);
        assert!(info.contains("DW_AT_name\t(\"counter\")"), "{info}");
        assert!(
            info.contains("DW_OP_addr"),
            "global location expected:\n{info}"
        );
    }
}

#[test]
fn prologue_instructions_have_no_debug_location() {
    let (_, ir) = build_program(5);
    // The parameter spills of `leaf` precede start_emitting_source_locations.
    let leaf = ir.split("define i32 @leaf").nth(1).expect("leaf");
    let leaf = &leaf[..leaf.find("\n}").unwrap()];
    for line in leaf
        .lines()
        .filter(|l| l.contains("store i32 %0") || l.contains("store i32 %1"))
    {
        assert!(
            !line.contains("!dbg"),
            "prologue store has a location: {line}"
        );
    }
    assert!(
        leaf.lines()
            .any(|l| l.contains("add i32") && l.contains("!dbg")),
        "{leaf}"
    );
}

#[test]
fn same_input_gives_identical_objects() {
    let (a, ir_a) = build_program(5);
    let (b, ir_b) = build_program(5);
    assert_eq!(ir_a, ir_b);
    assert!(a == b, "objects differ");
}

#[test]
fn gdb_breaks_prints_params_locals_backtrace_and_the_recursive_struct() {
    let (obj, _) = build_program(5);
    let exe = link("llvm_prog_gdb", &obj);
    let out = gdb(
        &exe,
        &[
            "break leaf",
            "run",
            "bt",
            "info args",
            "next",
            "next",
            "info locals",
            "print prod",
            "up",
            "up",
            "print node",
            "ptype node",
            "print counter",
        ],
    );
    assert!(
        out.contains("Breakpoint 1, leaf (x=4, y=3) at prog.c:4"),
        "{out}"
    );
    assert!(out.contains("in middle (a=4) at prog.c:11"), "{out}");
    assert!(out.contains("in main () at prog.c:15"), "{out}");
    assert!(out.contains("sum = 7"), "{out}");
    assert!(out.contains("$1 = 14"), "{out}");
    assert!(out.contains("{value = 0, next = 0x0}"), "{out}");
    assert!(out.contains("struct List *next;"), "{out}");
    // The global, third value printed ($1 prod, $2 node).
    assert!(out.contains("$3 = 7"), "{out}");
}

#[test]
fn lldb_breaks_prints_params_locals_and_backtrace() {
    let (obj, _) = build_program(4);
    let exe = link("llvm_prog_lldb", &obj);
    let out = lldb(
        &exe,
        &[
            "b leaf",
            "run",
            "bt",
            "frame variable",
            "next",
            "next",
            "frame variable prod sum",
            "type lookup List",
            "target variable counter",
        ],
    );
    assert!(out.contains("leaf(x=4, y=3) at prog.c:4"), "{out}");
    assert!(out.contains("middle(a=4) at prog.c:11"), "{out}");
    assert!(out.contains("(int) sum = 7"), "{out}");
    assert!(out.contains("(int) prod = 14"), "{out}");
    assert!(out.contains("List *next;"), "{out}");
    assert!(out.contains("counter = 7"), "{out}");
}
