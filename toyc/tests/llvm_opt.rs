//! The llvm backend's `-O` pipeline tracks assignments (LLVM's
//! `declare-to-assign` pass before `default<O2>`, src/backend/llvm/optimize.rs):
//! a variable whose first store LLVM deletes (dead: overwritten before its
//! address escapes) shows the stored value, not its stack slot's stale
//! contents. Without the pass the variable's declare names the slot for its
//! whole scope (`DW_OP_fbreg -8`, measured) and gdb prints `t = 0` at line 5.
#![cfg(any(feature = "llvm19", feature = "llvm22"))]

#[allow(dead_code)] // only toyc_path and require_tool are used here
mod debugger;

use std::path::Path;
use std::process::{Command, Stdio};

/// `t = 1` is dead at the IR level: `print` gets the constant, and `t = 2`
/// overwrites the slot before `time(&t)` lets its address escape.
const DEAD_STORE: &str = "extern fn time(t: *i64) -> i64;

fn main() -> i32 {
    let t = 1;
    print(\"t = \", t);
    t = 2;
    time(&t);
    return 0;
}
";

fn run(cmd: &mut Command) -> String {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed: {out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_deleted_store_shows_its_value_not_the_stale_slot() {
    for tool in ["gdb", "llvm-dwarfdump-19"] {
        debugger::require_tool(tool).unwrap_or_else(|e| panic!("{e}"));
    }
    let toyc = debugger::toyc_path(Path::new(env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("llvm_opt");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let src = dir.join("dead_store.toy");
    std::fs::write(&src, DEAD_STORE).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    let exe = dir.join("dead_store");
    run(Command::new(&toyc)
        .args(["build", "--backend", "llvm", "-O", "-o"])
        .arg(&exe)
        .arg(&src));
    // The slot's location starts at the store of 2; before it, the value 1.
    let dump = run(Command::new("llvm-dwarfdump-19")
        .args(["--name=t", "--show-children"])
        .arg(&exe));
    let lit1 = dump.find("DW_OP_lit1, DW_OP_stack_value");
    let slot = dump.find("DW_OP_breg6 RBP-");
    assert!(
        lit1.is_some() && slot.is_some() && lit1 < slot,
        "t should be the constant 1, then its slot:\n{dump}"
    );
    let gdb = run(Command::new("gdb")
        .args([
            "-batch",
            "-nx",
            "-ex",
            "break dead_store.toy:5",
            "-ex",
            "run",
        ])
        .args(["-ex", "print t", "-ex", "kill"])
        .arg(&exe));
    assert!(
        gdb.lines().any(|l| l.trim() == "$1 = 1"),
        "gdb at line 5 should show t = 1:\n{gdb}"
    );
}
