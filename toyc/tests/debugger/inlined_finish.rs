//! `finish` out of an inlined call at -O. A call that was inlined has no
//! return to stop at and no return value in a register: gdb and lldb step
//! out of the inlined frame and print no `Value returned` / `Return value`
//! line. Under [`Allowance::OptimizedOut`](super::Allowance) such a
//! return-value check is accepted only where the debugger itself said the
//! frame being finished was an inlined one: [`with_probes`] puts, before
//! every `finish` whose next check is a return value, a command that
//! prints [`PROBE`] followed by that check's text if (and only if) the
//! selected frame is inlined (gdb `gdb.INLINE_FRAME`, lldb
//! `SBFrame.IsInlined()`); that line then stands for that check, and for
//! no other text. Every acceptance is counted per thread
//! ([`accepted`]), so a test can print how many it allowed.

use std::cell::Cell;

use super::{CheckNot, Debugger, Directive, Script};

/// What a probe prints before the check text it stands for.
pub const PROBE: &str = "dwarfsmith: finish out of an inlined frame, no return value for: ";

thread_local! {
    static ACCEPTED: Cell<usize> = const { Cell::new(0) };
}

/// How many return-value checks this thread accepted by a probe's line.
pub fn accepted() -> usize {
    ACCEPTED.with(Cell::get)
}

/// Is `check` a return-value check of `finish` (gdb or lldb)?
fn is_return_value(check: &str) -> bool {
    let t = check.trim_start();
    t.starts_with("Value returned is ") || t.starts_with("Return value: ")
}

/// Does `line` (a probe's output) stand for `check`? Counts when it does.
pub fn probe_stands_for(line: &str, check: &str) -> bool {
    let ok = is_return_value(check)
        && line
            .trim()
            .strip_prefix(PROBE)
            .is_some_and(|rest| rest == check.trim());
    if ok {
        ACCEPTED.with(|c| c.set(c.get() + 1));
    }
    ok
}

/// Is `command` a probe made by [`with_probes`]?
pub fn is_probe(command: &str) -> bool {
    command.contains(PROBE)
}

/// The command that prints [`PROBE`] and `check` if the selected frame is
/// an inlined one.
fn probe_command(debugger: Debugger, check: &str) -> String {
    let text = format!("{PROBE}{}", check.trim())
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    match debugger {
        Debugger::Gdb => {
            format!("python if gdb.selected_frame().type() == gdb.INLINE_FRAME: print(\"{text}\")")
        }
        Debugger::Lldb => format!("script if lldb.frame.IsInlined(): print(\"{text}\")"),
    }
}

/// `script` with a probe before every `finish` command whose first check
/// (the first check after it in the source, before the next command) is a
/// return value; check-nots keep their commands.
pub fn with_probes(debugger: Debugger, script: &Script) -> Script {
    let mut out = Script {
        commands: Vec::with_capacity(script.commands.len()),
        checks: script.checks.clone(),
        check_nots: Vec::with_capacity(script.check_nots.len()),
    };
    let mut new_index = Vec::with_capacity(script.commands.len());
    for (i, c) in script.commands.iter().enumerate() {
        let next_line = script.commands.get(i + 1).map_or(usize::MAX, |n| n.line);
        let first_check = script
            .checks
            .iter()
            .find(|k| k.line > c.line && k.line < next_line);
        if let (true, Some(k)) = (c.text.trim() == "finish", first_check) {
            if is_return_value(&k.text) {
                out.commands.push(Directive {
                    line: c.line,
                    text: probe_command(debugger, &k.text),
                });
            }
        }
        new_index.push(out.commands.len());
        out.commands.push(c.clone());
    }
    for n in &script.check_nots {
        out.check_nots.push(CheckNot {
            directive: n.directive.clone(),
            command: n.command.and_then(|i| new_index.get(i).copied()),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(line: usize, text: &str) -> Directive {
        Directive {
            line,
            text: text.into(),
        }
    }

    /// A probe goes before a `finish` followed by a return-value check
    /// only; check-nots follow their commands.
    #[test]
    fn probes_precede_finishes_with_return_value_checks() {
        let script = Script {
            commands: vec![d(1, "run"), d(3, "finish"), d(5, "finish"), d(7, "next")],
            checks: vec![
                d(2, "Breakpoint 1, f (x=1) at t.toy:3"),
                d(4, "Value returned is $1 = 6"),
                d(6, "main () at t.toy:9"),
            ],
            check_nots: vec![CheckNot {
                directive: d(8, "oops"),
                command: Some(3),
            }],
        };
        let s = with_probes(Debugger::Gdb, &script);
        let texts: Vec<&str> = s.commands.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts.len(), 5);
        assert!(texts[1].starts_with("python if gdb.selected_frame().type() == gdb.INLINE_FRAME"));
        assert!(texts[1].contains("no return value for: Value returned is $1 = 6"));
        assert!(is_probe(texts[1]) && !is_probe(texts[2]));
        assert_eq!(texts[2], "finish");
        assert_eq!(texts[3], "finish");
        assert_eq!(s.check_nots[0].command, Some(4));
        assert_eq!(s.checks, script.checks);
    }

    /// The probe's line stands for its own check only, never for another
    /// value, and only for return-value checks; each use is counted.
    #[test]
    fn a_probe_line_stands_for_its_own_check_only() {
        let before = accepted();
        let line = format!("{PROBE}Value returned is $2 = true");
        assert!(probe_stands_for(&line, "Value returned is $2 = true"));
        assert!(!probe_stands_for(&line, "Value returned is $2 = false"));
        assert!(!probe_stands_for(
            "Value returned is $2 = false",
            "Value returned is $2 = true"
        ));
        let other = format!("{PROBE}$3 = 1");
        assert!(!probe_stands_for(&other, "$3 = 1"));
        assert_eq!(accepted(), before + 1);
        let lldb = format!("{PROBE}Return value: (i64) $0 = 4");
        assert!(probe_stands_for(&lldb, "Return value: (i64) $0 = 4"));
        assert!(probe_command(Debugger::Lldb, "Return value: (i64) $0 = 4")
            .starts_with("script if lldb.frame.IsInlined(): print(\""));
    }
}
