//! Every example program's gdb and lldb directives against its `-O` build
//! (contract item 8): with each backend (gimli; llvm when
//! `DWARFSMITH_TEST_LLVM=1`), `toyc build -O` (the executable; its object
//! passes `llvm-dwarfdump-19 --verify`) and `toyc run -O` (JIT code). A check
//! passes if its text appears, or if the same line shows the value as
//! optimized out (`debugger::Allowance::OptimizedOut`); a different value
//! fails. The `bt` checks of the programs name every frame of the call
//! chain, so a call that was inlined must still appear as its own frame.

#[allow(dead_code)] // the harness's -O entry points are used here
#[macro_use]
mod debugger;
mod stepping_support;

use std::path::{Path, PathBuf};

use debugger::{
    check_program_with, inlined_finish, parse_directives, pending_before_run, require_debuggers,
    Allowance, Debugger, Inferior,
};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn program_path(name: &str) -> PathBuf {
    manifest_dir()
        .join("../examples/programs")
        .join(format!("{name}.toy"))
}

/// The Python helper a gdb command runs through at -O: it prints a failing
/// command's error instead of ending the batch session (at -O a `print`
/// of an optimized-out value fails, and `gdb -batch -x` stops at the first
/// failing command; the later checks still run).
const GDB_TRY: &str =
    r#"python exec("def _try(c):\n try:\n  gdb.execute(c)\n except gdb.error as e:\n  print(e)")"#;

/// The directives as run at -O: both debuggers report a `finish` out of
/// an inlined frame (`debugger::inlined_finish`); gdb runs each other
/// command through `_try` (defined by a first command); check-nots keep
/// their commands. (lldb's batch mode `-b` still ends the session at a
/// failing command.)
fn continue_on_error(d: &debugger::Directives) -> debugger::Directives {
    let mut d = debugger::Directives {
        gdb: inlined_finish::with_probes(Debugger::Gdb, &d.gdb),
        lldb: inlined_finish::with_probes(Debugger::Lldb, &d.lldb),
    };
    for c in &mut d.gdb.commands {
        if inlined_finish::is_probe(&c.text) {
            continue;
        }
        let quoted = c.text.replace('\\', "\\\\").replace('"', "\\\"");
        c.text = format!("python _try(\"{quoted}\")");
    }
    d.gdb.commands.insert(
        0,
        debugger::Directive {
            line: 0,
            text: GDB_TRY.into(),
        },
    );
    for n in &mut d.gdb.check_nots {
        n.command = n.command.map(|i| i + 1);
    }
    d
}

/// Programs whose directives do not pass at -O with the gimli backend,
/// and why (none: every program's directives run and pass at -O). A
/// listed program's -O objects are still built and verified.
const GIMLI_O_GAPS: &[(&str, &str)] = &[];

/// Builds `name` at -O with every backend and runs its directives against
/// the executable and against `toyc run -O`; panics with every failure.
/// The llvm backend's -O (LLVM's O2 pipeline) is only built and verified:
/// it folds most programs until the functions the directives break in are
/// gone, and its stepping shows stale values (DEBUGGING.md).
fn directives_at_o(name: &str) {
    require_debuggers().unwrap_or_else(|e| panic!("{e}"));
    let toyc = debugger::toyc_path(manifest_dir()).unwrap_or_else(|e| panic!("{e}"));
    let program = program_path(name);
    let source = std::fs::read_to_string(&program)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", program.display()));
    let directives = continue_on_error(&parse_directives(&source));
    let mut failures = Vec::new();
    for backend in debugger::backends() {
        let gap = GIMLI_O_GAPS
            .iter()
            .find(|(p, _)| *p == name)
            .map(|(_, why)| *why);
        let run_directives = backend == "gimli" && gap.is_none();
        if let Some(why) = gap {
            println!("{name} [{backend} -O]: directives not run: {why}");
        }
        let work = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("opt_directives")
            .join(name)
            .join(backend);
        std::fs::create_dir_all(&work).unwrap_or_else(|e| panic!("{}: {e}", work.display()));
        let exe = work.join(name);
        match stepping_support::build(&toyc, &program, &exe, backend, true) {
            Ok(object) => {
                if let Err(e) = debugger::dwarf::verify_object(&object) {
                    failures.push(e);
                }
                if !run_directives {
                    continue;
                }
                failures.extend(check_program_with(
                    &program,
                    &directives,
                    &Inferior::exe(&exe),
                    &format!("{backend} -O"),
                    &work,
                    Allowance::OptimizedOut,
                ));
            }
            Err(e) => failures.push(e),
        }
        let args: Vec<String> = vec![
            "run".into(),
            program.display().to_string(),
            "--backend".into(),
            backend.into(),
            "-O".into(),
        ];
        let inferior = Inferior {
            exe: &toyc,
            args: &args,
            jit: true,
        };
        failures.extend(check_program_with(
            &program,
            &pending_before_run(&directives),
            &inferior,
            &format!("{backend} -O, toyc run"),
            &work.join("run"),
            Allowance::OptimizedOut,
        ));
    }
    println!(
        "{name} [-O]: {} return-value check(s) of `finish` accepted as finishing an inlined frame (the debugger reported the frame inlined)",
        inlined_finish::accepted()
    );
    assert!(
        failures.is_empty(),
        "{} failure(s) at -O for {name}:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

macro_rules! programs {
    ($($name:ident),* $(,)?) => {
        /// Every program with an -O test.
        const PROGRAMS: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                directives_at_o(stringify!($name));
            }
        )*
    };
}

with_programs!(programs);

/// Every listed gap is a program.
#[test]
fn gaps_are_programs() {
    for (name, _) in GIMLI_O_GAPS {
        assert!(PROGRAMS.contains(name), "{name} is not in programs!");
    }
}

/// A program added to the directory without an -O test would never run.
#[test]
fn every_program_has_an_o_test() {
    let dir = manifest_dir().join("../examples/programs");
    let missing: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toy"))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .filter(|s| !PROGRAMS.contains(&s.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "add to programs! in tests/opt_directives.rs: {missing:?}"
    );
}
