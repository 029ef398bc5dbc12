//! The JIT example of the README (examples/jit_hello.rs): its function
//! runs and returns 42, its registered image passes `llvm-dwarfdump-19
//! --verify` and names the function at the address it ran at, and gdb
//! stops in it by name with a backtrace into the example's own frames.

#[path = "../examples/jit_hello.rs"]
mod jit_hello;

use std::process::Command;

#[test]
fn the_example_runs_and_its_image_verifies() {
    let (result, image) = jit_hello::run().expect("the example runs");
    assert_eq!(result, 42);
    let f = &image.functions()[0];
    assert_eq!(f.name, "answer");
    assert!(f.address != 0 && f.size > 0);
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("jit_hello.elf");
    std::fs::write(&path, image.bytes()).expect("write image");
    let out = Command::new("llvm-dwarfdump-19")
        .arg("--verify")
        .arg(&path)
        .output()
        .expect("llvm-dwarfdump-19");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("No errors."),
        "{text}"
    );
}

/// The example binary under gdb: `break answer` set before `run` binds
/// when the image is registered; the stop is on answer.src line 2 and `bt`
/// goes on into the example's Rust frames (the CFI is right).
#[test]
fn gdb_stops_in_the_jit_function() {
    // `cargo test -p toyc` builds the example next to the test binaries;
    // `cargo test --test jit_example` does not, so build it then.
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| Some(p.parent()?.parent()?.join("examples").join("jit_hello")))
        .expect("the test binary's directory");
    if !exe.is_file() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let ok = Command::new(cargo)
            .args(["build", "-p", "toyc", "--example", "jit_hello"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo build --example jit_hello");
        assert!(
            ok.success() && exe.is_file(),
            "{} was not built",
            exe.display()
        );
    }
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("jit_hello_gdb");
    std::fs::create_dir_all(&dir).unwrap();
    let o = Command::new("gdb")
        .current_dir(&dir)
        .args(["-nx", "-batch"])
        .args(["-ex", "set breakpoint pending on"])
        .args(["-ex", "break answer"])
        .args(["-ex", "run"])
        .args(["-ex", "bt"])
        .args(["-ex", "continue"])
        .arg(&exe)
        .output()
        .expect("gdb");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("Breakpoint 1, answer () at answer.src:2"),
        "{out}"
    );
    assert!(out.contains("#0  answer () at answer.src:2"), "{out}");
    assert!(out.contains(" in jit_hello::run"), "{out}");
    assert!(out.contains("answer() = 42"), "{out}");
}
