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
mod llvm_gaps;
mod stepping_support;

use std::path::{Path, PathBuf};

use llvm_gaps::Gap;

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

/// Programs whose directives do not pass at -O with the llvm backend
/// (LLVM's O2 pipeline), by the first check that fails (measured with gdb 13
/// and lldb-19; `Folded`/`NoCodeAtLine` are checked on each build's DWARF).
/// LLVM evaluates most of these programs at compile time: what is left of
/// `main` is the `print` calls with constant arguments (as clang-19 -O2
/// does with the C translations in tests/c/, DEBUGGING.md). Their -O
/// objects are still built and verified.
const LLVM_O_GAPS: &[(&str, Gap)] = &[
    ("arrays", Gap::Folded("sum")),
    ("branches", Gap::NoCodeAtLine(27)),
    ("calc_tree", Gap::NoCodeAtLine(15)),
    ("callbacks", Gap::NoCodeAtLine(24)),
    ("geometry", Gap::Folded("geometry::area")),
    ("inventory", Gap::Folded("store::accept")),
    ("linked_list", Gap::Other("the four calls of util::push, unrolled and inlined into main, share one line-table row: `break util::push` stops once (value=10), never at the second call (value=20)")),
    ("matrix", Gap::NoCodeAtLine(17)),
    ("mutual_recursion", Gap::NoCodeAtLine(18)),
    ("niche", Gap::Other("`print EMPTY` fails at -O (LLVM deleted the unused global: no location), so gdb's value history is one shorter and `$3 = 1` is `$2 = 1`; lldb: `list` has no location and `-b` ends the session")),
    ("shadowing", Gap::Folded("scale")),
    ("shapes", Gap::NoCodeAtLine(18)),
    ("stack_machine", Gap::Other("the first stop in vm::push shows v=3, not 6: instruction selection merged the unrolled loop's stores into the last push's (clang-19 -O2 does the same with the C translation; the stepping test's LLVM_KNOWN_WRONG); vm::pop has no code left")),
    ("state_machine", Gap::NoCodeAtLine(43)),
    ("typedefs", Gap::Folded("manhattan")),
    ("wrap", Gap::NoCodeAtLine(19)),
];

/// Builds `name` at -O with every backend and runs its directives against
/// the executable and against `toyc run -O`; panics with every failure.
/// A program in its backend's gap list is only built and verified (and,
/// for an llvm gap, its cause checked on the executable's DWARF).
fn directives_at_o(name: &str) {
    require_debuggers().unwrap_or_else(|e| panic!("{e}"));
    let toyc = debugger::toyc_path(manifest_dir()).unwrap_or_else(|e| panic!("{e}"));
    let program = program_path(name);
    let source = std::fs::read_to_string(&program)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", program.display()));
    let parsed = parse_directives(&source);
    let gdb_commands: Vec<String> = parsed.gdb.commands.iter().map(|c| c.text.clone()).collect();
    let directives = continue_on_error(&parsed);
    let mut failures = Vec::new();
    for backend in debugger::backends() {
        let llvm_gap = LLVM_O_GAPS
            .iter()
            .find(|(p, _)| backend == "llvm" && *p == name)
            .map(|(_, g)| *g);
        let gap = GIMLI_O_GAPS
            .iter()
            .find(|(p, _)| backend == "gimli" && *p == name)
            .map(|(_, why)| (*why).to_string())
            .or(llvm_gap.map(|g| g.reason()));
        let run_directives = gap.is_none();
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
                if let Some(g) = llvm_gap {
                    if let Err(e) = g.check(&exe, &gdb_commands) {
                        failures.push(format!("{name} [llvm -O]: gap {g:?}: {e}"));
                    }
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
    for (name, _) in LLVM_O_GAPS {
        assert!(PROGRAMS.contains(name), "{name} is not in programs!");
    }
}

/// The line-table rows a `NoCodeAtLine` gap is checked against.
#[test]
fn line_rows_reads_the_line_column() {
    let table = "Address            Line   Column File   ISA Discriminator OpIndex Flags\n\
        ------------------ ------ ------ ------ --- ------------- ------- -------------\n\
        0x0000000000001140     25      0      1   0             0       0  is_stmt\n\
        0x0000000000001148     27      5      1   0             0       0  is_stmt prologue_end\n\
        0x000000000000009a:     DW_TAG_subprogram\n";
    assert_eq!(llvm_gaps::line_rows(table), vec![25, 27]);
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
