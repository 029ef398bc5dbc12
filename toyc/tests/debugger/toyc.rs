//! Building toyc, compiling a program with every backend, and the whole
//! per-program test (debuggers plus DWARF gates).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use super::{check_program, dwarf, parse_directives, require_debuggers, Inferior};

// ---------------------------------------------------------------------------
// toyc and backends
// ---------------------------------------------------------------------------

/// Is LLVM-backend testing requested? `DWARFSMITH_TEST_LLVM=1` asks for it,
/// `DWARFSMITH_TEST_LLVM=0` turns it off; unset, it is on when the tests are
/// built with an LLVM feature (as scripts/test does).
pub fn llvm_requested() -> bool {
    match std::env::var("DWARFSMITH_TEST_LLVM").as_deref() {
        Ok("1") => true,
        Ok("0") => false,
        _ => cfg!(any(feature = "llvm19", feature = "llvm22")),
    }
}

/// The backends to test: `gimli` always, `llvm` when [`llvm_requested`].
pub fn backends() -> Vec<&'static str> {
    let mut b = vec!["gimli"];
    if llvm_requested() {
        b.push("llvm");
    }
    b
}

/// The toyc binary: `$TOYC` if set, otherwise built once with
/// `$CARGO build --release -p toyc --bin toyc` (plus `--features llvm19`, or
/// `llvm22` as these tests, when LLVM testing is requested) in `manifest_dir` (toyc's package directory),
/// found at `target/release/toyc` of the workspace (its parent directory).
pub fn toyc_path(manifest_dir: &Path) -> Result<PathBuf, String> {
    static TOYC: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    TOYC.get_or_init(|| find_or_build_toyc(manifest_dir))
        .clone()
}

fn find_or_build_toyc(manifest_dir: &Path) -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("TOYC") {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "TOYC is set to {}, which is not a file",
                path.display()
            ))
        };
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(&cargo);
    cmd.args(["build", "--release", "-p", "toyc", "--bin", "toyc"])
        .current_dir(manifest_dir);
    if llvm_requested() {
        // The LLVM these tests were built with (LLVM 19 by default).
        let feature = if cfg!(feature = "llvm22") {
            "llvm22"
        } else {
            "llvm19"
        };
        cmd.args(["--features", feature]);
    }
    let output = cmd.output().map_err(|e| {
        format!(
            "cannot run `{} build --release -p toyc --bin toyc`: {e}",
            Path::new(&cargo).display()
        )
    })?;
    if !output.status.success() {
        return Err(format!(
            "building toyc failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let workspace_dir = manifest_dir.join("..");
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_dir.join("target"));
    let target_dir = if target_dir.is_relative() {
        workspace_dir.join(target_dir)
    } else {
        target_dir
    };
    let exe = target_dir.join("release").join("toyc");
    if exe.is_file() {
        Ok(exe)
    } else {
        Err(format!(
            "toyc was built but {} does not exist",
            exe.display()
        ))
    }
}

/// The example programs (examples/programs/*.toy), sorted by name.
#[allow(dead_code)] // not every test binary lists them
pub fn example_programs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/programs");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toy"))
        .collect();
    v.sort();
    assert!(v.len() >= 16, "expected the example programs in {dir:?}");
    v
}

/// `toyc build SRC -o OUT --backend BACKEND`.
pub fn compile(toyc: &Path, src: &Path, out: &Path, backend: &str) -> Result<(), String> {
    compile_with(toyc, src, out, &["--backend", backend]).map(|_| ())
}

/// `toyc build SRC -o OUT ARGS --save-object OUT.o`: the object's path.
pub fn compile_with(toyc: &Path, src: &Path, out: &Path, args: &[&str]) -> Result<PathBuf, String> {
    let object = out.with_extension("o");
    let output = Command::new(toyc)
        .arg("build")
        .arg(src)
        .arg("-o")
        .arg(out)
        .args(args)
        .arg("--save-object")
        .arg(&object)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", toyc.display()))?;
    if !output.status.success() {
        return Err(format!(
            "`{} build {} -o {} {}` failed ({}):\nstdout:\n{}\nstderr:\n{}",
            toyc.display(),
            src.display(),
            out.display(),
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    if !out.is_file() {
        return Err(format!(
            "toyc reported success but did not write {}",
            out.display()
        ));
    }
    Ok(object)
}

/// Compiles `program` with every backend and checks it in both debuggers
/// (with `--backend llvm`, not if `llvm_skip` gives a reason: only the
/// DWARF gates run then). Panics with all failure reports.
pub fn test_program(
    manifest_dir: &Path,
    programs_dir: &Path,
    work_root: &Path,
    name: &str,
    llvm_skip: Option<&str>,
) {
    let program = programs_dir.join(format!("{name}.toy"));
    let source = fs::read_to_string(&program)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", program.display()));
    let directives = parse_directives(&source);
    if let Err(e) = require_debuggers() {
        panic!("{e}");
    }
    let toyc = toyc_path(manifest_dir).unwrap_or_else(|e| panic!("{e}"));
    let mut failures = Vec::new();
    for backend in backends() {
        let work_dir = work_root.join(name).join(backend);
        if let Err(e) = fs::create_dir_all(&work_dir) {
            panic!("cannot create {}: {e}", work_dir.display());
        }
        let exe = work_dir.join(name);
        if let Err(e) = compile(&toyc, &program, &exe, backend) {
            failures.push(format!(
                "==== {} [{backend}] ====\n{e}\n",
                program.display()
            ));
            continue;
        }
        for check in [
            dwarf::verify_object(&exe.with_extension("o")),
            dwarf::full_coverage(&exe),
        ] {
            if let Err(e) = check {
                failures.push(format!(
                    "==== {} [{backend}] ====\n{e}\n",
                    program.display()
                ));
            }
        }
        if let (Some(why), "llvm") = (llvm_skip, backend) {
            eprintln!("{name} [llvm]: debugger directives not run: {why}");
            continue;
        }
        failures.extend(check_program(
            &program,
            &directives,
            &Inferior::exe(&exe),
            backend,
            &work_dir,
        ));
        if run_mode_backends().contains(&backend) {
            failures.extend(check_run_mode(
                &toyc,
                &program,
                &directives,
                backend,
                &work_dir,
            ));
        }
    }
    if !failures.is_empty() {
        panic!(
            "{} debugger check(s) failed for {}:\n\n{}",
            failures.len(),
            program.display(),
            failures.join("\n")
        );
    }
}

/// The backends whose `toyc run` is tested: the same as [`backends`].
pub fn run_mode_backends() -> Vec<&'static str> {
    backends()
}

/// The program's directives with the debugger running `toyc run PROGRAM`
/// (JIT code registered at run time); then `llvm-dwarfdump-19 --verify` on
/// the image toyc registered (`--save-image`; with `--backend llvm`, the
/// object LLVM's JIT linked, before LLVM set its section addresses).
pub fn check_run_mode(
    toyc: &Path,
    program: &Path,
    directives: &super::Directives,
    backend: &str,
    work_dir: &Path,
) -> Vec<String> {
    let run_dir = work_dir.join("run");
    let image = run_dir.join("jit-image.elf");
    let _ = fs::create_dir_all(&run_dir);
    let _ = fs::remove_file(&image);
    let args = vec![
        "run".to_string(),
        program.display().to_string(),
        "--backend".into(),
        backend.into(),
        "--save-image".into(),
        image.display().to_string(),
    ];
    let inferior = Inferior {
        exe: toyc,
        args: &args,
        jit: true,
    };
    let label = format!("{backend}, toyc run");
    let directives = pending_before_run(directives);
    let mut failures = check_program(program, &directives, &inferior, &label, &run_dir);
    if let Err(e) = dwarf::verify_object(&image) {
        failures.push(format!("==== {} [{label}] ====\n{e}\n", program.display()));
    }
    failures
}

/// The directives for `toyc run`: before `run` no JIT code exists, so
/// lldb reports a breakpoint set then as pending, where for an executable
/// it names the location. An lldb check `Breakpoint N: where = ...` placed
/// before the first `run` command becomes `Breakpoint N: no locations
/// (pending).`. And when toyc is built with LLVM, libLLVM is in the
/// process: gdb's C++ linespec `break NAME` also matches its methods
/// `llvm::*::NAME` (gdb then stops at "Breakpoint 1.4"), so a gdb
/// `break NAME` (a function name, not FILE:LINE) becomes `break -qualified
/// NAME`. Everything else is unchanged.
pub fn pending_before_run(directives: &super::Directives) -> super::Directives {
    let mut d = directives.clone();
    if llvm_requested() {
        for c in &mut d.gdb.commands {
            if let Some(name) = c.text.strip_prefix("break ") {
                if !name.contains(':') || name.contains("::") {
                    c.text = format!("break -qualified {name}");
                }
            }
        }
    }
    let first_run = d
        .lldb
        .commands
        .iter()
        .find(|c| c.text == "run" || c.text == "r" || c.text.starts_with("process launch"))
        .map_or(usize::MAX, |c| c.line);
    for check in &mut d.lldb.checks {
        if check.line > first_run {
            continue;
        }
        let pending = check
            .text
            .strip_prefix("Breakpoint ")
            .and_then(|rest| rest.split_once(": where = "))
            .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .map(|(n, _)| format!("Breakpoint {n}: no locations (pending)."));
        if let Some(p) = pending {
            check.text = p;
        }
    }
    d
}
