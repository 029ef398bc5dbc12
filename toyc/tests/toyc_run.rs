//! `toyc run` (LANGUAGE.md v2) as a user meets it: the program's output on
//! toyc's stdout and `main`'s result as the exit code; compile errors as
//! for `build` with nothing run; C functions from libc; the perf map; and,
//! in gdb, that dropping the registration makes the debugger forget the
//! JIT functions. (Every example program's directives under `toyc run` are
//! in tests/toy_debuggers.rs.)

#[allow(dead_code)] // only toyc_path is used here
mod debugger;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn toyc() -> PathBuf {
    debugger::toyc_path(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap_or_else(|e| panic!("{e}"))
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("toyc_run")
        .join(name);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

/// Writes `src` as `NAME.toy`; returns its path.
fn source(name: &str, src: &[u8]) -> PathBuf {
    let file = scratch(name).join(format!("{name}.toy"));
    std::fs::write(&file, src).expect("write source");
    file
}

fn run(file: &Path, extra: &[&str]) -> Output {
    Command::new(toyc())
        .arg("run")
        .arg(file)
        .args(extra)
        .output()
        .expect("run toyc")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const HELLO: &[u8] = b"extern fn labs(x: i64) -> i64;\n\
fn twice(x: i64) -> i64 {\n    return x * 2;\n}\n\
fn main() -> i32 {\n    print(\"hi \", twice(21), \" \", labs(-5));\n    return 7;\n}\n";

/// Output through C's stdio reaches toyc's stdout (a pipe here, so fully
/// buffered: it must be flushed), `main`'s 7 is the exit code, and the
/// extern `labs` resolves from libc; the same with `-O` and DWARF 4.
#[test]
fn run_prints_to_stdout_and_exits_with_mains_result() {
    let file = source("hello", HELLO);
    for extra in [&[][..], &["-O"], &["--dwarf", "4"]] {
        let o = run(&file, extra);
        assert_eq!(o.status.code(), Some(7), "{extra:?}: {}", text(&o.stderr));
        assert_eq!(text(&o.stdout), "hi 42 5\n", "{extra:?}");
        assert_eq!(text(&o.stderr), "", "{extra:?}");
    }
}

/// The same with `--backend llvm` (LLVM's ORC JIT), when LLVM testing is
/// requested (debugger::llvm_requested).
#[test]
fn run_with_llvm_prints_to_stdout_and_exits_with_mains_result() {
    if !debugger::llvm_requested() {
        return;
    }
    let file = source("hello_llvm", HELLO);
    for extra in [
        &["--backend", "llvm"][..],
        &["--backend", "llvm", "--dwarf", "4"],
    ] {
        let o = run(&file, extra);
        assert_eq!(o.status.code(), Some(7), "{extra:?}: {}", text(&o.stderr));
        assert_eq!(text(&o.stdout), "hi 42 5\n", "{extra:?}");
        assert_eq!(text(&o.stderr), "", "{extra:?}");
    }
    // No perf map for LLVM's JIT: an error, and nothing runs.
    let o = run(&file, &["--backend", "llvm", "--perf-map"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stdout), "");
    assert!(text(&o.stderr)
        .contains("--perf-map (TOYC_PERF_MAP) is only implemented for --backend gimli"));
}

/// A program with an error: the diagnostic, exit code 1, and nothing runs
/// (no output). Deeply nested input is refused the same way, without a
/// crash, on the main thread `run` uses.
#[test]
fn compile_errors_run_nothing() {
    let deep = format!(
        "fn main() -> i32 {{ print(\"ran\"); return {}1{}; }}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    for (name, src, want) in [
        (
            "unknown",
            b"fn main() -> i32 {\n    print(\"ran\");\n    return y;\n}\n".to_vec(),
            "unknown.toy:3:12: error: unknown name `y`",
        ),
        ("deep", deep.into_bytes(), "deep.toy:1:"),
    ] {
        let o = run(&source(name, &src), &[]);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        assert_eq!(text(&o.stdout), "", "{name}");
        assert!(err.contains(want), "{name}: want `{want}` in:\n{err}");
        assert!(!err.contains("panicked") && !err.contains("internal compiler error"));
    }
}

/// An `extern fn` that is no C function of the process: an error before
/// anything runs (cranelift-jit would panic on the unresolved import).
#[test]
fn an_unknown_extern_fn_is_an_error_before_anything_runs() {
    let src = b"extern fn no_such_function_xyz() -> i32;\nfn main() -> i32 {\n    print(\"ran\");\n    return no_such_function_xyz();\n}\n";
    let o = run(&source("unknown_extern", src), &[]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(text(&o.stdout), "");
    assert!(
        err.contains("unknown_extern.toy: error: extern fn `no_such_function_xyz` (line 1) is not a C function of this process"),
        "{err}"
    );
    assert!(!err.contains("internal compiler error"), "{err}");
}

/// `TOYC_PERF_MAP=1`: `/tmp/perf-PID.map` gets one `START SIZE NAME` line
/// (hex) per function of the registered image, as its symbol table has
/// them (read from the image `--save-image` wrote).
#[test]
fn the_perf_map_lists_the_registered_functions() {
    use object::{Object as _, ObjectSymbol as _};
    let file = source("perf", HELLO);
    let image = scratch("perf").join("image.elf");
    let child = Command::new(toyc())
        .arg("run")
        .arg(&file)
        .arg("--save-image")
        .arg(&image)
        .env("TOYC_PERF_MAP", "1")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("run toyc");
    let pid = child.id();
    let status = child.wait_with_output().expect("wait").status;
    assert_eq!(status.code(), Some(7));
    let map_path = format!("/tmp/perf-{pid}.map");
    let map = std::fs::read_to_string(&map_path).expect("perf map written");
    let _ = std::fs::remove_file(&map_path);
    debugger::dwarf::verify_object(&image).unwrap_or_else(|e| panic!("{e}"));
    let bytes = std::fs::read(&image).expect("image");
    let elf = object::File::parse(&*bytes).expect("image parses");
    let mut want: Vec<String> = elf
        .symbols()
        .filter(|s| s.kind() == object::SymbolKind::Text)
        .map(|s| format!("{:x} {:x} {}", s.address(), s.size(), s.name().unwrap()))
        .collect();
    want.sort();
    let mut got: Vec<String> = map.lines().map(str::to_string).collect();
    got.sort();
    assert_eq!(got, want);
    assert_eq!(got.len(), 2, "main and twice: {got:?}");
    assert!(got
        .iter()
        .all(|l| l.ends_with(" main") || l.ends_with(" twice")));
}

/// `bt` in a JIT function reaches toyc's own frames. gdb resolves a JIT
/// function while it is registered and no longer once the registration is
/// dropped: stopped in the unregistering call of
/// `__jit_debug_register_code` (action 2, JIT_UNREGISTER_FN), `finish`
/// lets gdb process it, and `info address` then fails.
#[test]
fn gdb_forgets_functions_after_the_registration_is_dropped() {
    let file = source("unregister", HELLO);
    let o = Command::new("gdb")
        .args(["-nx", "-batch"])
        .args(["-ex", "set breakpoint pending on"])
        .args(["-ex", "break twice"])
        .args(["-ex", "run"])
        .args(["-ex", "bt"])
        .args(["-ex", "info address twice"])
        .args(["-ex", "delete 1"])
        .args(["-ex", "break __jit_debug_register_code"])
        .args(["-ex", "continue"])
        // C syntax whatever the frame's language (Rust, with a debug toyc).
        // The action flag is the descriptor's second 32-bit word, indexed
        // as such, with no `char` in the expression: `(char *)&d + 4` was
        // `d + 16` in some gdb sessions (the same toyc binary printed
        // `sizeof(char)` 4 in some and 1 in others), where gdb's C parser
        // took Rust's 4-byte `char` from toyc's debug info; it then read
        // the low half of `first_entry`.
        .args(["-ex", "set language c"])
        .args(["-ex", "print ((unsigned int *)&__jit_debug_descriptor)[1]"])
        .args(["-ex", "set language auto"])
        .args(["-ex", "finish"])
        .args(["-ex", "info address twice"])
        .arg("--args")
        .arg(toyc())
        .arg("run")
        .arg(&file)
        .output()
        .expect("gdb");
    let out = text(&o.stdout) + &text(&o.stderr);
    let registered = out
        .find("Symbol \"twice(i64)\" is a function at address 0x")
        .unwrap_or_else(|| panic!("not resolved while registered:\n{out}"));
    let flag = out
        .find("$1 = 2")
        .unwrap_or_else(|| panic!("no unregistration:\n{out}"));
    let forgotten = out
        .find("No symbol \"twice\" in current context.")
        .unwrap_or_else(|| panic!("still resolved after the drop:\n{out}"));
    assert!(registered < flag && flag < forgotten, "{out}");
    // `bt` from the JIT frame: the JIT's `main`, then toyc's own frames
    // (the image's .debug_frame unwinds both JIT frames).
    let bt_main = out
        .find("#1  0x")
        .filter(|&i| {
            out[i..]
                .lines()
                .next()
                .is_some_and(|l| l.contains(" in main () at "))
        })
        .unwrap_or_else(|| panic!("no JIT main in bt:\n{out}"));
    let host = out[bt_main..]
        .find("in toyc::run::run")
        .unwrap_or_else(|| panic!("no toyc frame below the JIT frames:\n{out}"));
    assert!(bt_main + host < registered, "{out}");
}

/// The same in lldb (JIT loader on): `image lookup` finds `twice` in the
/// JIT module while registered, and nothing after the unregistering call.
#[test]
fn lldb_forgets_functions_after_the_registration_is_dropped() {
    let file = source("unregister_lldb", HELLO);
    let o = Command::new("lldb-19")
        .args(["-b", "--no-lldbinit"])
        .args(["-o", "settings set plugin.jit-loader.gdb.enable on"])
        .args(["-o", "breakpoint set --name twice"])
        .args(["-o", "run"])
        .args(["-o", "image lookup --name twice"])
        .args(["-o", "breakpoint delete 1"])
        .args(["-o", "breakpoint set --name __jit_debug_register_code"])
        .args(["-o", "continue"])
        .args(["-o", "finish"])
        .args(["-o", "image lookup --name twice"])
        .arg("--")
        .arg(toyc())
        .arg("run")
        .arg(&file)
        .output()
        .expect("lldb-19");
    let out = text(&o.stdout) + &text(&o.stderr);
    let found = out
        .find("1 match found in JIT(")
        .unwrap_or_else(|| panic!("not found while registered:\n{out}"));
    let stepped = out
        .find("stop reason = step out")
        .unwrap_or_else(|| panic!("no stop after the unregistering call:\n{out}"));
    let last_lookup = out
        .rfind("image lookup --name twice")
        .unwrap_or_else(|| panic!("{out}"));
    assert!(found < stepped && stepped < last_lookup, "{out}");
    assert!(
        !out[last_lookup..].contains("match found"),
        "still found after the drop:\n{out}"
    );
}
