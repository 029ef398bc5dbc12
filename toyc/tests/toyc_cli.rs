//! toyc's command line as a user meets it: diagnostics in
//! `FILE:LINE:COL: error: MESSAGE` form with exit code 1 and no output file,
//! hostile input that must never make it panic or crash, and the quick
//! start script.

#[allow(dead_code)] // only toyc_path is used here
mod debugger;

use std::path::{Path, PathBuf};
use std::process::Command;

fn toyc() -> PathBuf {
    debugger::toyc_path(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap_or_else(|e| panic!("{e}"))
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("toyc_cli")
        .join(name);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

/// Builds `src` (bytes) as `NAME.toy`; returns (exit code, stderr, output exists).
fn build(name: &str, src: &[u8]) -> (Option<i32>, String, bool) {
    let dir = scratch(name);
    let file = dir.join(format!("{name}.toy"));
    let out = dir.join(name);
    let _ = std::fs::remove_file(&out);
    std::fs::write(&file, src).expect("write source");
    let o = Command::new(toyc())
        .arg("build")
        .arg(&file)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run toyc");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        out.exists(),
    )
}

fn assert_diagnostic(name: &str, src: &[u8], line_col: &str, message: &str) {
    let (code, err, exists) = build(name, src);
    assert_eq!(code, Some(1), "{name}: exit code; stderr:\n{err}");
    assert!(!exists, "{name}: an output file was written");
    let want = format!("{name}.toy:{line_col}: error: {message}");
    assert!(
        err.contains(&want),
        "{name}: want `{want}` in stderr:\n{err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("internal compiler error"),
        "{name}: {err}"
    );
}

#[test]
fn bad_programs_get_file_line_col_diagnostics() {
    assert_diagnostic(
        "unknown",
        b"fn main() -> i32 {\n    return y;\n}\n",
        "2:12",
        "unknown name `y`",
    );
    assert_diagnostic(
        "cycle",
        b"struct A { b: B }\nstruct B { a: A }\nfn main() -> i32 { return 0; }\n",
        "1:8",
        "struct A contains itself by value: A -> B -> A",
    );
    assert_diagnostic(
        "range",
        b"fn main() -> i32 {\n    let x: u8 = 300;\n    return 0;\n}\n",
        "2:17",
        "",
    );
}

#[test]
fn hostile_input_never_crashes() {
    let deep_parens = format!(
        "fn main() -> i32 {{ return {}1{}; }}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let deep_blocks = format!(
        "fn main() -> i32 {{ {} return 0; {} }}",
        "{".repeat(50_000),
        "}".repeat(50_000)
    );
    let long_line = format!(
        "fn main() -> i32 {{ let {} = 1; return 0; }}",
        "x".repeat(1_000_000)
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", b"".to_vec()),
        ("nul", b"fn main() -> i32 { return 0; }\0".to_vec()),
        (
            "non_utf8",
            b"fn main() -> i32 { let s = \"\xff\xfe\"; return 0; }".to_vec(),
        ),
        (
            "huge_literal",
            b"fn main() -> i32 { let x = 99999999999999999999999999999999999999999; return 0; }"
                .to_vec(),
        ),
        ("deep_parens", deep_parens.into_bytes()),
        ("deep_blocks", deep_blocks.into_bytes()),
    ];
    for (name, src) in cases {
        let (code, err, exists) = build(name, &src);
        assert_eq!(code, Some(1), "{name}: exit code; stderr:\n{err}");
        assert!(!exists, "{name}: output written");
        assert!(err.contains(": error: "), "{name}: no diagnostic:\n{err}");
        assert!(
            !err.contains("panicked") && !err.contains("internal compiler error"),
            "{name}: {err}"
        );
    }
    // A very long identifier is fine.
    let (code, err, _) = build("long_line", long_line.as_bytes());
    assert_eq!(code, Some(0), "long_line: {err}");
}

#[test]
fn output_may_not_overwrite_the_source() {
    let dir = scratch("same");
    let file = dir.join("same.toy");
    std::fs::write(&file, "fn main() -> i32 { return 0; }\n").unwrap();
    let o = Command::new(toyc())
        .arg("build")
        .arg(&file)
        .arg("-o")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "fn main() -> i32 { return 0; }\n"
    );
}

/// A 20,000-deep chain of structs held by value compiles (the front end,
/// the type map and the gimli backend are all iterative), and gdb reads the
/// chain's types.
#[test]
fn a_20000_deep_by_value_struct_chain_compiles_and_debugs() {
    let n = 20_000;
    let mut src = String::new();
    for i in 0..n - 1 {
        src.push_str(&format!("struct S{i} {{ x: S{} }}\n", i + 1));
    }
    src.push_str(&format!("struct S{} {{ v: i64 }}\n", n - 1));
    // A pointer to the chain (a 160 KB by-value literal would say nothing more).
    src.push_str("fn main() -> i32 {\n    let p = new [0; 1];\n    let q = p as *S0;\n    print(\"ok\");\n    return 0;\n}\n");
    let (code, err, exists) = build("deep_chain", src.as_bytes());
    assert_eq!(code, Some(0), "deep chain: {err}");
    assert!(exists);
    let exe = scratch("deep_chain").join("deep_chain");
    let o = Command::new("gdb")
        .args([
            "-batch",
            "-nx",
            "-ex",
            "ptype struct S19999",
            "-ex",
            "print sizeof(struct S0)",
        ])
        .arg(&exe)
        .output()
        .expect("gdb");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("type = struct S19999 {\n    i64 v;\n}"),
        "{text}"
    );
    assert!(text.contains("= 8"), "{text}");
}

/// README's quick start: `scripts/quickstart` (given this toyc through
/// `TOYC`, so it builds nothing) compiles linked_list.toy, runs it, and
/// shows in gdb the breakpoint in `util::sum` with its arguments and
/// locals, `util::Node` followed through `next`, `ptype` and a backtrace.
#[test]
fn quickstart_script_shows_the_list_in_gdb() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = Command::new(root.join("scripts/quickstart"))
        .env("TOYC", toyc())
        .env("TMPDIR", scratch("quickstart"))
        .output()
        .expect("run scripts/quickstart");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "scripts/quickstart failed:\n{text}");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut from = 0;
    for want in [
        "sum = 100",
        "Breakpoint 1, util::sum (list=0x",
        "list = 0x",
        "cur = 0x0",
        "total = 100",
        "$1 = {value = 40, next = 0x",
        "$2 = 20",
        "type = struct util::Node {",
        "i64 value;",
        "util::Node *next;",
        "} *",
        "#0  util::sum (list=0x",
        "#1  0x",
    ] {
        match lines[from..].iter().position(|l| l.starts_with(want)) {
            Some(i) => from += i + 1,
            None => panic!("`{want}` not found (in order) in the quick start's output:\n{text}"),
        }
    }
    assert!(
        lines[from - 1].ends_with("in main () at examples/programs/linked_list.toy:34"),
        "the backtrace does not reach main:\n{text}"
    );
}
