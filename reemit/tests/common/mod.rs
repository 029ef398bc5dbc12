//! Helpers of the re-emission tests: building the corpora, running
//! `reemit`, the independent checks (llvm-dwarfdump-19 --verify) and the
//! debugger comparisons (gdb ptype/whatis, lldb-19 type lookup).
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const REEMIT: &str = env!("CARGO_BIN_EXE_reemit");

pub fn tmp() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("reemit-corpora");
    std::fs::create_dir_all(&d).expect("create the test directory");
    d
}

pub fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name)
}

pub fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scripts")
        .join(name)
}

pub fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Builds a corpus source into an executable with debug info.
pub fn build(src: &str) -> PathBuf {
    build_with(src, &[])
}

/// Builds a corpus source with extra compiler flags (`-gdwarf-4`).
pub fn build_with(src: &str, flags: &[&str]) -> PathBuf {
    let exe = tmp().join(format!("{}{}", src.replace('.', "_"), flags.concat()));
    let input = corpus(src);
    let mut cmd = match src.rsplit('.').next() {
        Some("rs") => {
            let mut c = Command::new("rustc");
            c.args(["--edition", "2021", "-g", "-o"]);
            c
        }
        Some("c") => {
            let mut c = Command::new("gcc");
            c.args(["-g", "-o"]);
            c
        }
        _ => {
            let mut c = Command::new("g++");
            c.args(["-g", "-std=c++17", "-o"]);
            c
        }
    };
    run(cmd.arg(&exe).arg(&input).args(flags));
    exe
}

/// What one `reemit` run printed, and its output files.
pub struct Reemitted {
    pub object: PathBuf,
    pub list: PathBuf,
    pub summary: String,
    pub refused: u64,
}

pub fn reemit(input: &Path, version: u16, backend: &str) -> Reemitted {
    let object = input.with_extension(format!("{backend}.v{version}.o"));
    let list = input.with_extension("types");
    let out = Command::new(REEMIT)
        .arg(input)
        .arg("-o")
        .arg(&object)
        .args(["--backend", backend, "--dwarf", &version.to_string()])
        .arg("--list")
        .arg(&list)
        .output()
        .expect("run reemit");
    let summary = String::from_utf8_lossy(&out.stdout).into_owned();
    // 0: nothing refused; 1: refusals (counted in the summary); anything
    // else is a failure of the tool.
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "reemit {} failed ({:?}):\n{summary}\n{}",
        input.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let refused = summary
        .lines()
        .find_map(|l| l.strip_prefix("refused, by reason:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("the summary counts refusals");
    assert_eq!(out.status.code() == Some(0), refused == 0, "{summary}");
    Reemitted {
        object,
        list,
        summary,
        refused,
    }
}

pub fn verify(object: &Path) {
    let out = run(Command::new("llvm-dwarfdump-19")
        .arg("--verify")
        .arg(object));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("No errors."), "{}: {text}", object.display());
}

/// Records `(command, name) -> output` from a debugger script's file.
pub fn records(path: &Path) -> HashMap<(String, String), String> {
    let text = std::fs::read_to_string(path).expect("debugger output");
    text.split('\x1e')
        .filter_map(|r| {
            let mut f = r.splitn(3, '\x1f');
            Some((
                (f.next()?.to_string(), f.next()?.to_string()),
                f.next()?.to_string(),
            ))
        })
        .collect()
}

pub fn gdb(file: &Path, names: &Path, lang: &str) -> HashMap<(String, String), String> {
    let out = file.with_extension(format!(
        "{}.gdb",
        file.extension().map_or("", |e| e.to_str().unwrap_or(""))
    ));
    run(Command::new("gdb")
        .args(["-batch", "-nx", "-ex"])
        .arg(format!(
            "python exec(open('{}').read())",
            script("gdb_types.py").display()
        ))
        .arg(file)
        .env("REEMIT_NAMES", names)
        .env("REEMIT_LANG", lang)
        .env("REEMIT_OUT", &out));
    records(&out)
}

pub fn lldb(file: &Path, names: &Path) -> HashMap<(String, String), String> {
    let out = file.with_extension(format!(
        "{}.lldb",
        file.extension().map_or("", |e| e.to_str().unwrap_or(""))
    ));
    run(Command::new("lldb-19")
        .args(["-b", "-o"])
        .arg(format!(
            "script exec(open('{}').read())",
            script("lldb_types.py").display()
        ))
        .arg(file)
        .env("REEMIT_NAMES", names)
        .env("REEMIT_OUT", &out));
    records(&out)
}

/// Of the names whose `cmd` worked on the original, the share printed
/// identically for the re-emitted object: (agreeing, comparable).
pub fn agreement(
    cmd: &str,
    orig: &HashMap<(String, String), String>,
    new: &HashMap<(String, String), String>,
) -> (usize, usize) {
    let mut same = 0;
    let mut total = 0;
    for ((c, name), text) in orig {
        if c != cmd || text.starts_with("ERROR") || text.trim().is_empty() {
            continue;
        }
        total += 1;
        if new.get(&(c.clone(), name.clone())) == Some(text) {
            same += 1;
        } else if std::env::var_os("REEMIT_SHOW_DIFFS").is_some() {
            let ours = new.get(&(c.clone(), name.clone()));
            eprintln!(
                "DIFF {cmd} {name}:\n--- original\n{text}\n--- re-emitted\n{}",
                ours.map_or("(none)", String::as_str)
            );
        }
    }
    (same, total)
}

pub fn pct((same, total): (usize, usize)) -> f64 {
    if total == 0 {
        0.0
    } else {
        100.0 * same as f64 / total as f64
    }
}
