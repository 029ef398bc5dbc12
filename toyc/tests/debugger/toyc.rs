//! Building toyc, compiling a program with every backend, and the whole
//! per-program test (debuggers plus DWARF gates).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use super::{check_program, dwarf, parse_directives, require_debuggers};

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

/// `toyc build SRC -o OUT --backend BACKEND`.
pub fn compile(toyc: &Path, src: &Path, out: &Path, backend: &str) -> Result<(), String> {
    let output = Command::new(toyc)
        .arg("build")
        .arg(src)
        .arg("-o")
        .arg(out)
        .args(["--backend", backend])
        .arg("--save-object")
        .arg(out.with_extension("o"))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", toyc.display()))?;
    if !output.status.success() {
        return Err(format!(
            "`{} build {} -o {} --backend {backend}` failed ({}):\nstdout:\n{}\nstderr:\n{}",
            toyc.display(),
            src.display(),
            out.display(),
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
    Ok(())
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
            &exe,
            backend,
            &work_dir,
        ));
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
