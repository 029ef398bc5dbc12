//! Compiles every Toy sample program with `toyc` and checks its gdb and lldb
//! directives (see tests/debugger/mod.rs and LANGUAGE.md, "Test directives"),
//! `llvm-dwarfdump-19 --verify` on its object and 100% variable coverage in
//! `llvm-dwarfdump-19 --statistics` of its executable; then the same
//! directives with the debugger running `toyc run PROGRAM` (JIT code, the
//! JIT prelude of `Debugger::jit_prelude`, `debugger::pending_before_run`)
//! and `--verify` on the image toyc registered.
//!
//! Environment:
//! - `TOYC`: path of a prebuilt toyc; otherwise it is built with
//!   `$CARGO build --release -p toyc --bin toyc`.
//! - `DWARFSMITH_TEST_LLVM=1`: also test `--backend llvm` (toyc is then built
//!   with `--features llvm`); the default when the tests are built with the
//!   `llvm` feature (`DWARFSMITH_TEST_LLVM=0` turns it off).
//! - `TOY_PROGRAMS_DIR`: directory of the programs (default
//!   `../examples/programs`, relative to toyc's package root).

#[macro_use]
mod debugger;

use std::path::{Path, PathBuf};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn programs_dir() -> PathBuf {
    let dir = std::env::var_os("TOY_PROGRAMS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../examples/programs"));
    if dir.is_relative() {
        manifest_dir().join(dir)
    } else {
        dir
    }
}

fn work_root() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("toy_debuggers")
}

macro_rules! toy_programs {
    ($($name:ident),* $(,)?) => {
        /// Every program that has a test, by file stem.
        const PROGRAMS: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                let skip = LLVM_DEBUGGERS_SKIPPED
                    .iter()
                    .find(|(p, _)| *p == stringify!($name))
                    .map(|(_, why)| *why);
                debugger::test_program(manifest_dir(), &programs_dir(), &work_root(), stringify!($name), skip);
            }
        )*
    };
}

with_programs!(toy_programs);

/// Programs whose directives are not run on the `--backend llvm`
/// executable (it is still built and its DWARF gates still run), and why.
const LLVM_DEBUGGERS_SKIPPED: &[(&str, &str)] = &[];

/// Every skipped program exists.
#[test]
fn skipped_programs_are_programs() {
    for (name, _) in LLVM_DEBUGGERS_SKIPPED {
        assert!(PROGRAMS.contains(name), "{name} is not in toy_programs!");
    }
}

/// A program added to the directory without a test entry would never run.
#[test]
fn every_program_has_a_test() {
    let dir = programs_dir();
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list the Toy programs in {}: {e}", dir.display()));
    let mut missing = Vec::new();
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("cannot read an entry of {}: {e}", dir.display()))
            .path();
        if path.extension().is_some_and(|e| e == "toy") {
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
            if let Some(stem) = stem.filter(|s| !PROGRAMS.contains(&s.as_str())) {
                missing.push(stem);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "add these programs to toy_programs! in tests/toy_debuggers.rs: {missing:?}"
    );
}

/// Every program carries commands and checks for both debuggers.
#[test]
fn every_program_has_directives_for_both_debuggers() {
    for name in PROGRAMS {
        let path = programs_dir().join(format!("{name}.toy"));
        let src = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let d = debugger::parse_directives(&src);
        for dbg in debugger::Debugger::ALL {
            let s = d.script(dbg);
            assert!(
                !s.commands.is_empty() && !s.checks.is_empty(),
                "{} has no {}-command/{}-check directives",
                path.display(),
                dbg.name(),
                dbg.name()
            );
        }
    }
}
