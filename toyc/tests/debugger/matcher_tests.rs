//! Unit tests of the directive parser and the check matcher.
use super::*;

#[test]
fn parses_all_four_kinds_with_line_numbers() {
    let src = "fn main() -> i32 {\n\
               // gdb-command: break a.toy:3\n\
               \t  // gdb-check:   $1 = 6  \n\
               //lldb-command: frame variable x\n\
               // lldb-check: [...]x = 6\n\
               let x = 1; // gdb-check: not a directive\n\
               // gdb-note: ignored\n\
               }\n";
    let d = parse_directives(src);
    assert_eq!(
        d.gdb.commands,
        vec![Directive {
            line: 2,
            text: "break a.toy:3".into()
        }]
    );
    assert_eq!(
        d.gdb.checks,
        vec![Directive {
            line: 3,
            text: "$1 = 6".into()
        }]
    );
    assert_eq!(
        d.lldb.commands,
        vec![Directive {
            line: 4,
            text: "frame variable x".into()
        }]
    );
    assert_eq!(
        d.lldb.checks,
        vec![Directive {
            line: 5,
            text: "[...]x = 6".into()
        }]
    );
}

#[test]
fn lldb_prefix_is_not_taken_for_gdb() {
    let d = parse_directives("// lldb-check: a\n// gdb-check: b\n");
    assert_eq!(d.lldb.checks.len(), 1);
    assert_eq!(d.gdb.checks.len(), 1);
    assert_eq!(d.gdb.checks[0].text, "b");
}

#[test]
fn exact_line_match() {
    assert!(line_matches("$1 = 6", "$1 = 6"));
    assert!(line_matches("  $1   =\t6  ", "$1 = 6"));
    assert!(!line_matches("$1 = 60", "$1 = 6"));
    assert!(!line_matches("$11 = 6", "$1 = 6"));
    assert!(!line_matches("$1 = 6", "$1 =6"));
}

#[test]
fn whole_line_is_anchored_without_wildcards() {
    assert!(!line_matches("(long) total = 6", "total = 6"));
    assert!(line_matches("(long) total = 6", "[...]total = 6"));
    assert!(!line_matches("(long) total = 61", "[...]total = 6"));
    assert!(line_matches("(long) total = 61", "[...]total = 6[...]"));
}

#[test]
fn wildcards_in_the_middle() {
    let line = "$3 = (util::Node *) 0x5555555592a0";
    assert!(line_matches(line, "$3 = (util::Node *) 0x[...]"));
    assert!(!line_matches(line, "$3 = (util::List *) 0x[...]"));
    let bt = "#1  0x0000555555555176 in run (n=10) at s.toy:13";
    assert!(line_matches(bt, "#1 [...] in run (n=10) at s.toy:13"));
    assert!(!line_matches(bt, "#1 [...] in run (n=11) at s.toy:13"));
    assert!(!line_matches(bt, "#1 [...] in run (n=10) at s.toy:1"));
    assert!(line_matches("a b c d", "a[...]c[...]"));
    assert!(line_matches("abcabc", "a[...]c"));
    assert!(!line_matches("abcab", "a[...]c"));
}

#[test]
fn wildcard_may_match_empty_text() {
    assert!(line_matches("Red", "[...]Red"));
    assert!(line_matches("$1 = geo::Red", "$1 = [...]Red"));
    assert!(line_matches("$1 = Red", "$1 = [...]Red"));
    assert!(line_matches("xy", "x[...][...]y"));
    assert!(line_matches("", "[...]"));
}

#[test]
fn wildcard_does_not_let_fragments_overlap() {
    // "aba" must not match "ab[...]ba": the fragments would share the 'b'.
    assert!(!line_matches("aba", "ab[...]ba"));
    assert!(line_matches("abba", "ab[...]ba"));
}

#[test]
fn checks_match_in_order_on_later_lines() {
    let out = "Breakpoint 1, main () at a.toy:3\n$1 = 6\n$2 = 7\n";
    assert_eq!(
        match_checks(out, &["Breakpoint 1, [...]", "$1 = 6", "$2 = 7"]),
        Ok(vec![0, 1, 2])
    );
    // Out of order: $1 after $2 is not found.
    let err = match_checks(out, &["$2 = 7", "$1 = 6"]).unwrap_err();
    assert_eq!(err.check_index, 1);
    assert_eq!(err.searched_from, 3);
    assert_eq!(err.previous_match, Some(2));
}

#[test]
fn one_line_cannot_satisfy_two_checks() {
    let out = "x = 1\n";
    let err = match_checks(out, &["x = 1", "x = 1"]).unwrap_err();
    assert_eq!(err.check_index, 1);
}

#[test]
fn missing_check_is_reported_with_its_index() {
    let out = "$1 = 5\n";
    let err = match_checks(out, &["$1 = 6"]).unwrap_err();
    assert_eq!(
        err,
        CheckFailure {
            check_index: 0,
            searched_from: 0,
            previous_match: None
        }
    );
}

#[test]
fn failure_report_names_program_debugger_check_and_output() {
    let script = Script {
        commands: vec![Directive {
            line: 2,
            text: "print x".into(),
        }],
        checks: vec![Directive {
            line: 3,
            text: "$1 = 6".into(),
        }],
        check_nots: Vec::new(),
    };
    let session = Session {
        debugger: Debugger::Gdb,
        command_line: "gdb -batch -nx -x gdb.cmd prog".into(),
        command_file: "set pagination off\nprint x\n".into(),
        output: "$1 = 5\n".into(),
        status: "exit status: 0".into(),
        timed_out: false,
    };
    let report = check_session(Path::new("p.toy"), "gimli", &script, &session)
        .expect("a mismatch must be reported");
    assert!(report.contains("p.toy"));
    assert!(report.contains("gdb"));
    assert!(report.contains("gdb-check: $1 = 6"));
    assert!(report.contains("(line 3)"));
    assert!(report.contains("print x"));
    assert!(report.contains("   1 | $1 = 5"));
    let ok = Session {
        output: "$1 = 6\n".into(),
        ..session
    };
    assert_eq!(
        check_session(Path::new("p.toy"), "gimli", &script, &ok),
        None
    );
}

#[test]
fn timeout_is_a_failure_even_if_checks_match() {
    let script = Script {
        commands: vec![Directive {
            line: 1,
            text: "run".into(),
        }],
        checks: vec![Directive {
            line: 2,
            text: "[...]".into(),
        }],
        check_nots: Vec::new(),
    };
    let session = Session {
        debugger: Debugger::Lldb,
        command_line: "lldb-19".into(),
        command_file: String::new(),
        output: "anything\n".into(),
        status: "killed after 60s timeout".into(),
        timed_out: true,
    };
    let report = check_session(Path::new("p.toy"), "gimli", &script, &session)
        .expect("a timeout must be reported");
    assert!(report.contains("timed out"));
}

#[test]
fn debugger_command_lines() {
    let gdb = Debugger::Gdb.args(Path::new("c"), Path::new("e"), &[]);
    assert_eq!(gdb, ["-batch", "-nx", "-x", "c", "--args", "e"]);
    let lldb = Debugger::Lldb.args(Path::new("c"), Path::new("e"), &[]);
    assert_eq!(lldb, ["-b", "--no-lldbinit", "-s", "c", "--", "e"]);
    // `toyc run FILE` as the inferior.
    let args = ["run".to_string(), "p.toy".to_string()];
    let gdb = Debugger::Gdb.args(Path::new("c"), Path::new("toyc"), &args);
    assert_eq!(
        gdb,
        ["-batch", "-nx", "-x", "c", "--args", "toyc", "run", "p.toy"]
    );
    let lldb = Debugger::Lldb.args(Path::new("c"), Path::new("toyc"), &args);
    assert_eq!(
        lldb,
        [
            "-b",
            "--no-lldbinit",
            "-s",
            "c",
            "--",
            "toyc",
            "run",
            "p.toy"
        ]
    );
}

/// Under `toyc run`, lldb's answer to a breakpoint set before `run` is
/// "pending" (no JIT code exists yet): only such a check, before the first
/// `run`, is rewritten; later ones and gdb's stay.
#[test]
fn run_mode_expects_pending_breakpoints_before_run() {
    let src = "\
// lldb-command: breakpoint set --name util::push
// lldb-check: Breakpoint 1: where = [...]util::push[...]
// lldb-command: run
// lldb-command: breakpoint set --name util::sum
// lldb-check: Breakpoint 2: where = [...]util::sum[...]
// gdb-command: break util::push
// gdb-check: Breakpoint 1: where = x
";
    let d = pending_before_run(&parse_directives(src));
    let lldb: Vec<&str> = d.lldb.checks.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        lldb,
        [
            "Breakpoint 1: no locations (pending).",
            "Breakpoint 2: where = [...]util::sum[...]"
        ]
    );
    assert_eq!(d.gdb.checks[0].text, "Breakpoint 1: where = x");
}

#[test]
fn check_not_belongs_to_the_command_before_it() {
    let d = parse_directives(
        "// gdb-check-not: stray\n// gdb-command: run\n// gdb-command: print x\n\
         // gdb-check: $1 = 1\n// gdb-check-not: More\n// lldb-command: v x\n// lldb-check-not: End\n",
    );
    let cmds: Vec<Option<usize>> = d.gdb.check_nots.iter().map(|n| n.command).collect();
    assert_eq!(cmds, vec![None, Some(1)]);
    assert_eq!(d.gdb.check_nots[1].directive.text, "More");
    assert_eq!(d.gdb.checks.len(), 1, "a check-not is not a check");
    assert_eq!(d.lldb.check_nots[0].command, Some(0));
}

#[test]
fn markers_bracket_only_commands_with_check_nots() {
    let d = parse_directives(
        "// gdb-command: run\n// gdb-command: print x\n// gdb-check-not: More\n// gdb-command: bt\n\
         // lldb-command: v x\n// lldb-check-not: End\n",
    );
    assert_eq!(
        commands_with_markers(Debugger::Gdb, &d.gdb),
        vec![
            "run",
            "echo @@check-not begin 1@@\\n",
            "print x",
            "echo @@check-not end 1@@\\n",
            "bt"
        ]
    );
    assert_eq!(
        commands_with_markers(Debugger::Lldb, &d.lldb),
        vec![
            "script print(\"@@check-not begin 0@@\")",
            "v x",
            "script print(\"@@check-not end 0@@\")"
        ]
    );
}

/// An lldb transcript: the marker commands are echoed, then print.
const LLDB_OUT: &str = "(lldb) script print(\"@@check-not begin 0@@\")\n@@check-not begin 0@@\n\
    (lldb) v x\n(Link) x = {}\n(lldb) script print(\"@@check-not end 0@@\")\n@@check-not end 0@@\n\
    (lldb) v y\n(Link) y = End\n";

#[test]
fn command_output_is_the_text_between_the_markers() {
    assert_eq!(
        command_output(LLDB_OUT, 0, "v x"),
        Some(vec!["(Link) x = {}"])
    );
    assert_eq!(command_output(LLDB_OUT, 1, "v y"), None);
}

#[test]
fn check_not_fails_only_on_text_in_its_commands_output() {
    let d = parse_directives("// lldb-command: v x\n// lldb-check-not: End\n");
    // `End` appears after the end marker only: passes.
    assert_eq!(check_nots_failure(LLDB_OUT, &d.lldb), None);
    let d = parse_directives("// lldb-command: v x\n// lldb-check-not: x = {\n");
    let report = check_nots_failure(LLDB_OUT, &d.lldb).expect("the text is there");
    assert!(report.contains("(Link) x = {}"), "{report}");
    // The command's own echo does not count.
    let d = parse_directives("// lldb-command: v x\n// lldb-check-not: v x\n");
    assert_eq!(check_nots_failure(LLDB_OUT, &d.lldb), None);
    // No output of the command (the session stopped before it): a failure.
    let d = parse_directives("// lldb-command: v x\n// lldb-check-not: End\n");
    assert!(check_nots_failure("(lldb) v x\n", &d.lldb).is_some());
    // A check-not before any command: a failure.
    let d = parse_directives("// lldb-check-not: End\n// lldb-command: v x\n");
    assert!(check_nots_failure(LLDB_OUT, &d.lldb).is_some());
}
