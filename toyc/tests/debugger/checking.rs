//! Checking one program: a session's output against a script's checks,
//! and every debugger's session for one program.

use std::fmt::Write as _;
use std::path::Path;

use super::{
    check_nots_failure, commands_with_markers, match_checks_with, run_debugger, Allowance,
    Debugger, Directives, Inferior, Script, Session, DEBUGGER_TIMEOUT,
};

// ---------------------------------------------------------------------------
// Checking one program
// ---------------------------------------------------------------------------

/// Formats the failure report for `session` (None: all checks passed).
pub fn check_session(
    program: &Path,
    label: &str,
    script: &Script,
    session: &Session,
) -> Option<String> {
    check_session_with(program, label, script, session, Allowance::Exact)
}

/// [`check_session`] with checks matched under `allowance`.
pub fn check_session_with(
    program: &Path,
    label: &str,
    script: &Script,
    session: &Session,
    allowance: Allowance,
) -> Option<String> {
    let checks: Vec<&str> = script.checks.iter().map(|c| c.text.as_str()).collect();
    let problem = if session.timed_out {
        Some(format!(
            "the debugger session timed out ({}).\n",
            session.status
        ))
    } else {
        match match_checks_with(&session.output, &checks, allowance) {
            Ok(_) => check_nots_failure(&session.output, script),
            Err(failure) => {
                let check = &script.checks[failure.check_index];
                let mut s = format!(
                    "check #{} (line {}) did not match:\n    {}-check: {}\n",
                    failure.check_index + 1,
                    check.line,
                    session.debugger.name(),
                    check.text
                );
                match failure.previous_match {
                    Some(prev) => {
                        let _ = writeln!(
                            s,
                            "searched output from line {} on (the previous check matched output line {}).",
                            failure.searched_from + 1,
                            prev + 1
                        );
                    }
                    None => s.push_str("searched the whole output.\n"),
                }
                Some(s)
            }
        }
    };
    let problem = problem?;
    let mut report = String::new();
    let _ = writeln!(
        report,
        "==== {} — {} [{}] ====",
        program.display(),
        session.debugger.name(),
        label
    );
    report.push_str(&problem);
    let _ = writeln!(report, "command line: {}", session.command_line);
    let _ = writeln!(report, "exit: {}", session.status);
    report.push_str("---- commands ----\n");
    report.push_str(&session.command_file);
    report.push_str("---- output (numbered) ----\n");
    for (i, line) in session.output.lines().enumerate() {
        let _ = writeln!(report, "{:4} | {line}", i + 1);
    }
    report.push_str("---- end ----\n");
    Some(report)
}

/// Runs every debugger that has directives in `directives` against
/// `inferior`.
///
/// Returns the failure reports (empty: everything matched). A program whose
/// directives for a debugger are missing is itself a failure: every program
/// must be checked in both debuggers.
pub fn check_program(
    program: &Path,
    directives: &Directives,
    inferior: &Inferior<'_>,
    label: &str,
    work_dir: &Path,
) -> Vec<String> {
    check_program_with(
        program,
        directives,
        inferior,
        label,
        work_dir,
        Allowance::Exact,
    )
}

/// [`check_program`] with checks matched under `allowance`.
pub fn check_program_with(
    program: &Path,
    directives: &Directives,
    inferior: &Inferior<'_>,
    label: &str,
    work_dir: &Path,
    allowance: Allowance,
) -> Vec<String> {
    let mut failures = Vec::new();
    for debugger in Debugger::ALL {
        let script = directives.script(debugger);
        if script.commands.is_empty() || script.checks.is_empty() {
            failures.push(format!(
                "==== {} — {} [{label}] ====\nthe program has no {0}-command/{0}-check directives\n",
                program.display(),
                debugger.name()
            ));
            continue;
        }
        let commands = commands_with_markers(debugger, script);
        let dir = work_dir.join(debugger.name());
        match run_debugger(debugger, inferior, &commands, &dir, DEBUGGER_TIMEOUT) {
            Ok(session) => failures.extend(check_session_with(
                program, label, script, &session, allowance,
            )),
            Err(e) => failures.push(format!(
                "==== {} — {} [{label}] ====\n{e}\n",
                program.display(),
                debugger.name()
            )),
        }
    }
    failures
}
