//! Debugger test harness for Toy programs.
//!
//! A `.toy` file carries debugger directives in comments (see LANGUAGE.md,
//! "Test directives"):
//!
//! ```text
//! // gdb-command: break list.toy:12
//! // gdb-check: $1 = 6
//! // lldb-command: frame variable total
//! // lldb-check: [...]total = 6
//! ```
//!
//! The harness compiles the program with `toyc`, runs the commands in one batch
//! session of gdb and of lldb, and matches the checks against the combined
//! output (stdout and stderr interleaved, as a terminal would show them).
//!
//! Matching rules (the same spirit as rustc's debuginfo suite):
//! - checks are matched in order against output *lines*; each check must match a
//!   line after the line matched by the previous check;
//! - a check matches a line when the whole (trimmed) line matches the whole
//!   (trimmed) check; runs of whitespace compare equal;
//! - `[...]` in a check matches any text (possibly empty) within that line, so a
//!   check that should match in the middle of a line starts and/or ends with
//!   `[...]`;
//! - `// gdb-check-not: TEXT` (or `lldb-check-not:`) says TEXT must not appear
//!   in the output of the command just before it: the harness brackets that
//!   command with printed markers (gdb `echo`, lldb `script print`) and
//!   searches the lines between them (lldb's echo of the command excluded).
//!
//! Note: in batch mode both gdb (`-batch -x`) and lldb (`-b -s`) stop executing the
//! command file at the first command that fails; the later checks then fail and the
//! report shows the debugger's error message in the numbered output.

use std::fs::{self, File};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod check_not;
mod checking;
pub mod dwarf;
pub mod inlined_finish;
mod optimized;
mod toyc;
pub use check_not::*;
pub use checking::*;
pub use optimized::*;
pub use toyc::*;

/// How long one debugger session may run before it is killed.
pub const DEBUGGER_TIMEOUT: Duration = Duration::from_secs(60);

/// The lldb binary used by the harness.
pub const LLDB: &str = "lldb-19";
/// The gdb binary used by the harness.
pub const GDB: &str = "gdb";
/// The DWARF dumper used by [`dwarf`].
pub const DWARFDUMP: &str = "llvm-dwarfdump-19";

/// The apt line that installs every tool the harness needs.
pub const APT_INSTALL_HINT: &str = "apt-get install -y gdb lldb-19 llvm-19-tools";

// ---------------------------------------------------------------------------
// Directives
// ---------------------------------------------------------------------------

/// Which debugger a directive or a session belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Debugger {
    Gdb,
    Lldb,
}

impl Debugger {
    pub const ALL: [Debugger; 2] = [Debugger::Gdb, Debugger::Lldb];

    /// Directive prefix (`gdb` or `lldb`).
    pub fn name(self) -> &'static str {
        match self {
            Debugger::Gdb => "gdb",
            Debugger::Lldb => "lldb",
        }
    }

    /// The executable that is run.
    pub fn binary(self) -> &'static str {
        match self {
            Debugger::Gdb => GDB,
            Debugger::Lldb => LLDB,
        }
    }

    /// Lines written before the program's own commands.
    pub fn prelude(self) -> &'static [&'static str] {
        match self {
            Debugger::Gdb => &[
                "set pagination off",
                "set width 0",
                "set height 0",
                "set confirm off",
                "set backtrace past-main on",
            ],
            Debugger::Lldb => &["settings set auto-confirm true"],
        }
    }

    /// Lines written after the prelude when the program is JIT code
    /// registered at run time (`toyc run`): breakpoints set before `run`
    /// stay pending until the code is registered.
    pub fn jit_prelude(self) -> &'static [&'static str] {
        match self {
            Debugger::Gdb => &["set breakpoint pending on"],
            Debugger::Lldb => &["settings set plugin.jit-loader.gdb.enable on"],
        }
    }

    /// Arguments for a batch session reading `cmd_file` against the
    /// inferior `exe ARGS...`.
    pub fn args(self, cmd_file: &Path, exe: &Path, exe_args: &[String]) -> Vec<String> {
        let cmd = cmd_file.display().to_string();
        let exe = exe.display().to_string();
        let mut v: Vec<String> = match self {
            Debugger::Gdb => vec![
                "-batch".into(),
                "-nx".into(),
                "-x".into(),
                cmd,
                "--args".into(),
                exe,
            ],
            Debugger::Lldb => vec![
                "-b".into(),
                "--no-lldbinit".into(),
                "-s".into(),
                cmd,
                "--".into(),
                exe,
            ],
        };
        v.extend(exe_args.iter().cloned());
        v
    }
}

/// One `// <dbg>-command:` or `// <dbg>-check:` line, with its 1-based source line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub line: usize,
    pub text: String,
}

/// A `// <dbg>-check-not: TEXT` line: TEXT must not appear in the output of
/// command number `command` (the last command directive before it; `None`
/// if there was none, which is an error in the program).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckNot {
    pub directive: Directive,
    pub command: Option<usize>,
}

/// The commands and checks for one debugger.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<Directive>,
    pub checks: Vec<Directive>,
    pub check_nots: Vec<CheckNot>,
}

/// All directives of one program.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Directives {
    pub gdb: Script,
    pub lldb: Script,
}

impl Directives {
    pub fn script(&self, debugger: Debugger) -> &Script {
        match debugger {
            Debugger::Gdb => &self.gdb,
            Debugger::Lldb => &self.lldb,
        }
    }
}

/// The kinds of directive lines.
#[derive(Clone, Copy)]
enum Kind {
    Command,
    Check,
    CheckNot,
}

/// Parses the debugger directives of a Toy source file.
///
/// A directive is a line whose first non-blank characters are `//`, followed by
/// optional blanks, `gdb-command:`, `gdb-check:`, `gdb-check-not:`,
/// `lldb-command:`, `lldb-check:` or `lldb-check-not:`. The text after the colon, trimmed, is the directive's text.
/// Only whole-line comments count; `//` after code does not start a directive.
pub fn parse_directives(source: &str) -> Directives {
    let mut out = Directives::default();
    for (idx, raw) in source.lines().enumerate() {
        let Some(comment) = raw.trim_start().strip_prefix("//") else {
            continue;
        };
        let comment = comment.trim_start();
        let kinds: [(&str, Debugger, Kind); 6] = [
            ("gdb-command:", Debugger::Gdb, Kind::Command),
            ("gdb-check:", Debugger::Gdb, Kind::Check),
            ("gdb-check-not:", Debugger::Gdb, Kind::CheckNot),
            ("lldb-command:", Debugger::Lldb, Kind::Command),
            ("lldb-check:", Debugger::Lldb, Kind::Check),
            ("lldb-check-not:", Debugger::Lldb, Kind::CheckNot),
        ];
        for (prefix, debugger, kind) in kinds {
            if let Some(rest) = comment.strip_prefix(prefix) {
                let directive = Directive {
                    line: idx + 1,
                    text: rest.trim().to_string(),
                };
                let script = match debugger {
                    Debugger::Gdb => &mut out.gdb,
                    Debugger::Lldb => &mut out.lldb,
                };
                match kind {
                    Kind::Command => script.commands.push(directive),
                    Kind::Check => script.checks.push(directive),
                    Kind::CheckNot => script.check_nots.push(CheckNot {
                        directive,
                        command: script.commands.len().checked_sub(1),
                    }),
                }
                break;
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------

/// The wildcard token of a check line.
pub const WILDCARD: &str = "[...]";

/// Collapses every run of whitespace to one space and trims both ends.
pub fn normalize_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Collapses whitespace runs to one space but keeps a leading/trailing space
/// (used for the pieces between wildcards, whose edge spaces are significant).
fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// Does the whole output `line` match the whole `check` line?
///
/// Both are trimmed and their whitespace runs compare equal; `[...]` in the
/// check matches any (possibly empty) text of the line.
pub fn line_matches(line: &str, check: &str) -> bool {
    let line = normalize_whitespace(line);
    let check = normalize_whitespace(check);
    let fragments: Vec<String> = check.split(WILDCARD).map(collapse_whitespace).collect();
    // `split` always yields at least one fragment.
    let (first, rest) = fragments.split_first().expect("split yields a fragment");
    if rest.is_empty() {
        return line == *first;
    }
    let Some(mut tail) = line.strip_prefix(first.as_str()) else {
        return false;
    };
    let (last, middle) = rest.split_last().expect("rest is not empty");
    // Leftmost matching of the middle fragments is optimal for `*`-style globs.
    for fragment in middle {
        match tail.find(fragment.as_str()) {
            Some(pos) => tail = &tail[pos + fragment.len()..],
            None => return false,
        }
    }
    tail.ends_with(last.as_str())
}

/// Why a list of checks did not match an output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckFailure {
    /// Index into the checks of the one that failed.
    pub check_index: usize,
    /// 0-based output line where the search for the failing check started.
    pub searched_from: usize,
    /// 0-based output line matched by the previous check, if any.
    pub previous_match: Option<usize>,
}

/// Matches `checks` in order against the lines of `output`.
///
/// Returns the 0-based output line matched by each check.
pub fn match_checks<S: AsRef<str>>(output: &str, checks: &[S]) -> Result<Vec<usize>, CheckFailure> {
    match_checks_with(output, checks, Allowance::Exact)
}

/// [`match_checks`] with lines matched by [`line_matches_with`] under
/// `allowance`.
pub fn match_checks_with<S: AsRef<str>>(
    output: &str,
    checks: &[S],
    allowance: Allowance,
) -> Result<Vec<usize>, CheckFailure> {
    let lines: Vec<&str> = output.lines().collect();
    let mut cursor = 0;
    let mut matched = Vec::with_capacity(checks.len());
    for (check_index, check) in checks.iter().enumerate() {
        let found =
            (cursor..lines.len()).find(|&i| line_matches_with(lines[i], check.as_ref(), allowance));
        match found {
            Some(i) => {
                matched.push(i);
                cursor = i + 1;
            }
            None => {
                return Err(CheckFailure {
                    check_index,
                    searched_from: cursor,
                    previous_match: matched.last().copied(),
                })
            }
        }
    }
    Ok(matched)
}

// ---------------------------------------------------------------------------
// Running debuggers
// ---------------------------------------------------------------------------

/// Result of one batch debugger session.
#[derive(Clone, Debug)]
pub struct Session {
    pub debugger: Debugger,
    /// The full command line, for reports.
    pub command_line: String,
    /// The command file as written (prelude + program commands).
    pub command_file: String,
    /// stdout and stderr, interleaved.
    pub output: String,
    /// Exit status description (`exit status: 0`, `killed after 60s`, ...).
    pub status: String,
    pub timed_out: bool,
}

/// Checks that `tool --version` runs; the error names the apt package line.
pub fn require_tool(tool: &str) -> Result<(), String> {
    match Command::new(tool)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(_) => Ok(()),
        Err(e) => Err(format!(
            "`{tool}` is needed by the debugger tests but could not be run ({e}).\n\
             Install the debuggers with:\n    {APT_INSTALL_HINT}"
        )),
    }
}

/// Checks that both gdb and lldb-19 are installed.
pub fn require_debuggers() -> Result<(), String> {
    let errors: Vec<String> = Debugger::ALL
        .iter()
        .filter_map(|d| require_tool(d.binary()).err())
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

/// The program a debugger session runs.
#[derive(Clone, Copy, Debug)]
pub struct Inferior<'a> {
    /// The executable.
    pub exe: &'a Path,
    /// Its arguments.
    pub args: &'a [String],
    /// Its code is JIT code (`toyc run`): the JIT prelude is added.
    pub jit: bool,
}

impl<'a> Inferior<'a> {
    /// A compiled executable, run without arguments.
    pub fn exe(exe: &'a Path) -> Self {
        Inferior {
            exe,
            args: &[],
            jit: false,
        }
    }
}

/// Runs `debugger` in batch mode on `inferior` with `commands` (after the
/// prelude).
///
/// The command file and the output file are written into `work_dir`, which is
/// also the debuggee's working directory. The session is killed after
/// `timeout`.
pub fn run_debugger<S: AsRef<str>>(
    debugger: Debugger,
    inferior: &Inferior<'_>,
    commands: &[S],
    work_dir: &Path,
    timeout: Duration,
) -> Result<Session, String> {
    fs::create_dir_all(work_dir)
        .map_err(|e| format!("cannot create work dir {}: {e}", work_dir.display()))?;
    let mut command_file = String::new();
    let jit: &[&str] = if inferior.jit {
        debugger.jit_prelude()
    } else {
        &[]
    };
    for line in debugger.prelude().iter().chain(jit) {
        command_file.push_str(line);
        command_file.push('\n');
    }
    for line in commands {
        command_file.push_str(line.as_ref());
        command_file.push('\n');
    }
    let cmd_path = work_dir.join(format!("{}.cmd", debugger.name()));
    fs::write(&cmd_path, &command_file)
        .map_err(|e| format!("cannot write {}: {e}", cmd_path.display()))?;
    let out_path = work_dir.join(format!("{}.out", debugger.name()));
    let out_file = File::create(&out_path)
        .map_err(|e| format!("cannot create {}: {e}", out_path.display()))?;
    let err_file = out_file
        .try_clone()
        .map_err(|e| format!("cannot duplicate handle of {}: {e}", out_path.display()))?;

    let args = debugger.args(&cmd_path, inferior.exe, inferior.args);
    let command_line = format!("{} {}", debugger.binary(), args.join(" "));
    let mut child = Command::new(debugger.binary())
        .args(&args)
        .current_dir(work_dir)
        .stdin(Stdio::null())
        .stdout(out_file)
        .stderr(err_file)
        .spawn()
        .map_err(|e| {
            format!(
                "cannot start `{command_line}`: {e}\nInstall the debuggers with:\n    {APT_INSTALL_HINT}"
            )
        })?;

    let start = Instant::now();
    let (status, timed_out) = loop {
        match child.try_wait() {
            Ok(Some(status)) => break (status.to_string(), false),
            Ok(None) if start.elapsed() >= timeout => {
                // Best effort: the process may exit between try_wait and kill.
                let _ = child.kill();
                let _ = child.wait();
                break (format!("killed after {}s timeout", timeout.as_secs()), true);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for `{command_line}` failed: {e}")),
        }
    };
    let bytes =
        fs::read(&out_path).map_err(|e| format!("cannot read {}: {e}", out_path.display()))?;
    Ok(Session {
        debugger,
        command_line,
        command_file,
        output: String::from_utf8_lossy(&bytes).into_owned(),
        status,
        timed_out,
    })
}

#[cfg(test)]
mod matcher_tests;

/// Invokes `$m!` with every example program's name (its file stem in
/// examples/programs/): the one list the per-program test files (one test
/// per program) expand. Each of those files also checks that the
/// directory holds no program missing from it.
#[allow(unused_macros)]
macro_rules! with_programs {
    ($m:ident) => {
        $m!(
            arrays,
            branches,
            calc_tree,
            callbacks,
            geometry,
            inventory,
            linked_list,
            matrix,
            mutual_recursion,
            niche,
            shadowing,
            shapes,
            stack_machine,
            state_machine,
            typedefs,
            wrap,
        );
    };
}
