//! The Cranelift example (`examples/cranelift_list.rs`) end to end: its
//! object passes `llvm-dwarfdump-19 --verify`, its executable runs, and gdb
//! and lldb-19 show its functions, lines, parameters, locals (the
//! nested-block one included), the recursive struct and return values.

#![cfg(feature = "cranelift")]

#[path = "../examples/cranelift_list.rs"]
#[allow(dead_code)]
mod example;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Builds the example once for all tests: the executable's path.
fn exe() -> &'static Path {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cranelift_list");
        std::fs::create_dir_all(&dir).expect("create the output directory");
        example::build(&dir).unwrap_or_else(|e| panic!("the example failed: {e}"))
    })
}

/// Runs `program args` (killed after 60 s) and returns stdout + stderr.
fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new("timeout")
        .arg("60")
        .arg(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}; install gdb lldb-19 llvm-19-tools"));
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// Does `line` contain the fragments of `check` (split at `…`) in order?
fn line_matches(line: &str, check: &str) -> bool {
    let mut rest = line;
    for fragment in check.split('…') {
        match rest.find(fragment) {
            Some(i) => rest = &rest[i + fragment.len()..],
            None => return false,
        }
    }
    true
}

/// Each check matches a line after the previous check's line.
fn assert_in_order(output: &str, checks: &[&str]) {
    let lines: Vec<&str> = output.lines().collect();
    let mut at = 0;
    for check in checks {
        match (at..lines.len()).find(|&i| line_matches(lines[i], check)) {
            Some(i) => at = i + 1,
            None => panic!("`{check}` not found after line {at} of:\n{output}"),
        }
    }
}

#[test]
fn the_object_verifies_and_the_program_runs() {
    let exe = exe();
    let obj = exe.with_file_name("list.o");
    let verify = run("llvm-dwarfdump-19", &["--verify", obj.to_str().unwrap()]);
    assert!(verify.contains("No errors."), "{verify}");
    let status = Command::new(exe).status().expect("run the example program");
    assert!(status.success(), "{status}");
}

#[test]
fn the_object_is_byte_identical_when_built_again() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cranelift_list_again");
    std::fs::create_dir_all(&dir).unwrap();
    let mut objects = Vec::new();
    for _ in 0..2 {
        example::build(&dir).unwrap();
        objects.push(std::fs::read(dir.join("list.o")).unwrap());
    }
    assert!(objects[0].len() > 1000);
    assert!(objects[0] == objects[1], "two builds differ");
}

#[test]
fn gdb_shows_frames_locals_the_recursive_struct_and_return_values() {
    let exe = exe().to_str().unwrap();
    let mut args = vec!["-batch", "-nx"];
    for c in [
        "break sum",
        "break list.src:7",
        "run",
        "bt",
        "continue",
        "info locals",
        "info args",
        "print *list",
        "print *list->next",
        "ptype struct Node",
        "finish",
        "info locals",
    ] {
        args.extend(["-ex", c]);
    }
    args.push(exe);
    let out = run("gdb", &args);
    assert_in_order(
        &out,
        &[
            "Breakpoint 1 at …: file list.src, line 4.",
            "Breakpoint 2 at …: file list.src, line 7.",
            "Breakpoint 1, sum (list=0x…, bias=5) at list.src:4",
            "#0  sum (list=0x…, bias=5) at list.src:4",
            "#1  0x… in main () at list.src:15",
            "Breakpoint 2, sum (list=0x…, bias=5) at list.src:7",
            "doubled = 2",
            "total = 5",
            "list = 0x…",
            "bias = 5",
            "{value = 1, next = 0x…}",
            "{value = 20, next = 0x0}",
            "type = struct Node {",
            "    long value;",
            "    struct Node *next;",
            "0x… in main () at list.src:15",
            "Value returned is $… = 7",
            "a = {value = 20, next = 0x0}",
            "b = {value = 1, next = 0x…}",
        ],
    );
}

#[test]
fn lldb_shows_frames_locals_the_recursive_struct_and_return_values() {
    let exe = exe().to_str().unwrap();
    let mut args = vec!["-b", "--no-lldbinit"];
    for c in [
        "breakpoint set --name sum",
        "breakpoint set --file list.src --line 7",
        "run",
        "bt",
        "continue",
        "frame variable",
        "frame variable *list",
        "frame variable list->next->value",
        "type lookup Node",
        "finish",
        "frame variable",
    ] {
        args.extend(["-o", c]);
    }
    args.push(exe);
    let out = run("lldb-19", &args);
    assert_in_order(
        &out,
        &[
            "Breakpoint 1: where = list`sum + … at list.src:4:…",
            "Breakpoint 2: where = list`sum + … at list.src:7:…",
            "stop reason = breakpoint 1.1",
            "* frame #0: 0x… list`sum(list=0x…, bias=5) at list.src:4:…",
            "frame #1: 0x… list`main at list.src:15:…",
            "stop reason = breakpoint 2.1",
            "(Node *) list = 0x…",
            "(long) bias = 5",
            "(long) total = 5",
            "(long) doubled = 2",
            "(Node) *list = {",
            "value = 1",
            "(long) list->next->value = 20",
            "struct Node {",
            "long value;",
            "Node *next;",
            "Return value: (long) $… = 7",
            "list`main at list.src:15:…",
            "(Node) a = {",
            "value = 20",
            "next = NULL",
            "(long) r = 0",
        ],
    );
}
