//! `// <dbg>-check-not: TEXT` directives: the command before one is
//! bracketed by printed markers, and TEXT must not appear between them.

use super::{normalize_whitespace, Debugger, Script};

/// The line printed before (`which` = "begin") or after ("end") the output
/// of command number `index`.
pub fn marker(which: &str, index: usize) -> String {
    format!("@@check-not {which} {index}@@")
}

/// The debugger command that prints the line `marker`.
pub fn marker_command(debugger: Debugger, marker: &str) -> String {
    match debugger {
        Debugger::Gdb => format!("echo {marker}\\n"),
        Debugger::Lldb => format!("script print(\"{marker}\")"),
    }
}

/// The script's commands, each command that has a check-not bracketed by
/// the commands printing its begin and end markers.
pub fn commands_with_markers(debugger: Debugger, script: &Script) -> Vec<String> {
    let mut out = Vec::with_capacity(script.commands.len());
    for (i, c) in script.commands.iter().enumerate() {
        let marked = script.check_nots.iter().any(|n| n.command == Some(i));
        if marked {
            out.push(marker_command(debugger, &marker("begin", i)));
        }
        out.push(c.text.clone());
        if marked {
            out.push(marker_command(debugger, &marker("end", i)));
        }
    }
    out
}

/// The output lines of command number `index` (`command` is its text): the
/// lines after the line that is exactly its begin marker, up to the first
/// line that mentions its end marker (lldb echoes the marker command before
/// running it), without lldb's echo of the command itself. `None` if the
/// begin marker was never printed (the session stopped before the command).
pub fn command_output<'a>(output: &'a str, index: usize, command: &str) -> Option<Vec<&'a str>> {
    let (begin, end) = (marker("begin", index), marker("end", index));
    let echo = normalize_whitespace(&format!("(lldb) {command}"));
    let mut lines = output.lines();
    lines.by_ref().find(|l| l.trim() == begin)?;
    Some(
        lines
            .take_while(|l| !l.contains(&end))
            .filter(|l| normalize_whitespace(l) != echo)
            .collect(),
    )
}

/// The first check-not of `script` violated by `output`, as a report.
pub fn check_nots_failure(output: &str, script: &Script) -> Option<String> {
    for n in &script.check_nots {
        let text = normalize_whitespace(&n.directive.text);
        let command = n
            .command
            .and_then(|i| script.commands.get(i).map(|c| (i, c)));
        let Some((i, cmd)) = command else {
            return Some(format!(
                "check-not (line {}) `{}` follows no command\n",
                n.directive.line, n.directive.text
            ));
        };
        let Some(lines) = command_output(output, i, &cmd.text) else {
            return Some(format!(
                "check-not (line {}): the output of command `{}` (line {}) was not found\n",
                n.directive.line, cmd.text, cmd.line
            ));
        };
        if let Some(hit) = lines
            .iter()
            .find(|l| normalize_whitespace(l).contains(&text))
        {
            return Some(format!(
                "check-not (line {}) failed: `{}` appears in the output of `{}` (line {}):\n    {}\n",
                n.directive.line,
                n.directive.text,
                cmd.text,
                cmd.line,
                hit.trim()
            ));
        }
    }
    None
}
