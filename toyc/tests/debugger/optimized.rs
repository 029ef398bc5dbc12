//! The optimized-out allowance of the matcher, used only when directives run
//! against an `-O` build (contract item 8: a variable may be shown as
//! optimized out, a value shown is never wrong).
//!
//! Under [`Allowance::OptimizedOut`] a check also matches an output line that
//! shows, in place of one or more *values* of the check, the debugger's
//! optimized-out text ([`OPTIMIZED_OUT_MARKERS`]), the rest of the line
//! matching exactly as usual. A value is the text after an `=` up to the next
//! `,`, `)` or `}` at the same bracket depth, or to the end of the line (so
//! `$1 = 6`, `(i64) total = 6`, the `x=1` of a frame line, `y = 2` inside a
//! struct). A line showing a different value still fails, as does a check
//! whose value the line shows neither as the expected text nor as optimized
//! out. Two more -O facts are allowed: gdb's value-history number `$N` may
//! differ (a `print` of an optimized-out variable fails and takes no
//! number), so `$N = ` in a check matches any `$M = `; and gdb's
//! `Breakpoint N, ` matches `Breakpoint N.M, ` (a `break FUNCTION` binds
//! the out-of-line copy and every inlined copy, and gdb then names the
//! location). Two forms of an inlined frame: gdb's `bt` line of a frame
//! whose call was inlined has no `0x... in ` (so `#N 0x[...] in NAME`
//! matches `#N NAME`), and lldb names an inlined frame `CALLER [inlined]
//! NAME` (so `` `NAME`` matches `` `CALLER [inlined] NAME`` on a line that
//! says `[inlined]`). A `finish` out of an inlined frame prints no return
//! value; its check is accepted only as the debugger's own report that the
//! frame was inlined (`inlined_finish.rs`).

use super::{line_matches, WILDCARD};

/// How strictly check lines match output lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Allowance {
    /// The expected text exactly (with `[...]` wildcards): -O0 builds.
    Exact,
    /// The expected text, or the value shown as optimized out: -O builds.
    OptimizedOut,
}

/// What gdb and lldb-19 print for a value that no longer exists.
pub const OPTIMIZED_OUT_MARKERS: &[&str] = &[
    "<optimized out>",
    "<variable not available>",
    "<unavailable>",
    "<no location, value may have been optimized out>",
];

/// The canonical marker that lines and relaxed checks are rewritten to.
const MARKER: &str = "<optimized out>";

/// The most value spans of one check that are relaxed (2^N variants).
const MAX_SPANS: usize = 10;

/// Does `line` match `check` under `allowance`?
pub fn line_matches_with(line: &str, check: &str, allowance: Allowance) -> bool {
    if line_matches(line, check) {
        return true;
    }
    if allowance == Allowance::Exact {
        return false;
    }
    if super::inlined_finish::probe_stands_for(line, check) {
        return true;
    }
    let check = any_breakpoint_location(&any_history_number(check));
    if line_matches(line, &check) {
        return true;
    }
    if let Some(inlined) = inlined_frame(line, &check) {
        if line_matches(line, &inlined) {
            return true;
        }
    }
    if is_history_value(&check) && print_failed_optimized_out(line) {
        return true;
    }
    if !OPTIMIZED_OUT_MARKERS.iter().any(|m| line.contains(m)) {
        return false;
    }
    let mut canonical = line.to_string();
    for m in OPTIMIZED_OUT_MARKERS {
        canonical = canonical.replace(m, MARKER);
    }
    let spans = value_spans(&check);
    let spans = &spans[..spans.len().min(MAX_SPANS)];
    // Every non-empty set of non-overlapping spans, replaced by the marker.
    (1u32..(1 << spans.len())).any(|set| {
        let chosen: Vec<(usize, usize)> = spans
            .iter()
            .enumerate()
            .filter(|(i, _)| set & (1 << i) != 0)
            .map(|(_, s)| *s)
            .collect();
        if chosen.windows(2).any(|w| w[1].0 < w[0].1) {
            return false;
        }
        let mut relaxed = String::with_capacity(check.len());
        let mut at = 0;
        for (start, end) in chosen {
            relaxed.push_str(&check[at..start]);
            relaxed.push_str(MARKER);
            at = end;
        }
        relaxed.push_str(&check[at..]);
        line_matches(&canonical, &relaxed)
    })
}

/// `$N = ` (gdb) or `(T) $N = ` (lldb) at the start of a check: `$N`
/// becomes `$[...]`.
fn any_history_number(check: &str) -> String {
    let t = check.trim_start();
    let (prefix, rest) = match t.strip_prefix('(') {
        Some(r) => match r.split_once(") $") {
            Some((ty, rest)) => (format!("({ty}) "), rest),
            None => return check.to_string(),
        },
        None => match t.strip_prefix('$') {
            Some(rest) => (String::new(), rest),
            None => return check.to_string(),
        },
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && rest[digits..].trim_start().starts_with('=') {
        return format!("{prefix}${WILDCARD}{}", &rest[digits..]);
    }
    check.to_string()
}

/// The check for an inlined frame (module doc), if `check` names a frame.
fn inlined_frame(line: &str, check: &str) -> Option<String> {
    let t = check.trim_start();
    if let Some(rest) = t.strip_prefix('#') {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let after = rest[digits..].trim_start();
        if let (true, Some(name)) = (digits > 0, after.strip_prefix("0x[...] in ")) {
            return Some(format!("#{} {name}", &rest[..digits]));
        }
    }
    (line.contains(" [inlined] ") && check.contains('`'))
        .then(|| check.replace('`', &format!("`{WILDCARD}")))
}

/// Is `check` the result of a print (gdb `$N = ...`, lldb `(T) $N = ...`)?
fn is_history_value(check: &str) -> bool {
    let t = check.trim_start();
    let t = match t.strip_prefix('(') {
        Some(rest) => rest.split_once(") ").map_or("", |(_, after)| after),
        None => t,
    };
    t.starts_with('$')
}

/// Is `line` a debugger's error saying the printed expression's value was
/// optimized out? (gdb: `value has been optimized out`; lldb: an `error:`
/// naming a variable not available.)
fn print_failed_optimized_out(line: &str) -> bool {
    let l = line.trim();
    l == "value has been optimized out"
        || (l.starts_with("error:") && (l.contains("not available") || l.contains("optimized out")))
}

/// `Breakpoint N, ` at the start of a check becomes `Breakpoint N[...], `.
fn any_breakpoint_location(check: &str) -> String {
    let t = check.trim_start();
    if let Some(rest) = t.strip_prefix("Breakpoint ") {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && rest[digits..].starts_with(", ") {
            return format!(
                "Breakpoint {}{WILDCARD}{}",
                &rest[..digits],
                &rest[digits..]
            );
        }
    }
    check.to_string()
}

/// The byte ranges of the values in `check`, in order of their start (an
/// outer value before the values nested in it).
fn value_spans(check: &str) -> Vec<(usize, usize)> {
    let bytes = check.as_bytes();
    let mut spans = Vec::new();
    for (eq, &b) in bytes.iter().enumerate() {
        // `=` alone, not part of `==`, `<=`, `>=`, `!=`.
        let prev = eq.checked_sub(1).and_then(|i| bytes.get(i)).copied();
        let next = bytes.get(eq + 1).copied();
        if b != b'=' || next == Some(b'=') || matches!(prev, Some(b'=' | b'<' | b'>' | b'!')) {
            continue;
        }
        let mut start = eq + 1;
        while bytes.get(start) == Some(&b' ') {
            start += 1;
        }
        let mut depth = 0i32;
        let mut end = start;
        while let Some(&c) = bytes.get(end) {
            match c {
                b'{' | b'(' | b'[' => depth += 1,
                b'}' | b')' | b']' if depth == 0 => break,
                b'}' | b')' | b']' => depth -= 1,
                b',' if depth == 0 => break,
                _ => {}
            }
            end += 1;
        }
        // A `[...]` wildcard is text, not a bracket: re-scan is not needed
        // since its brackets balance.
        let end = trim_end(check, start, end);
        if end > start {
            spans.push((start, end));
        }
    }
    spans
}

fn trim_end(s: &str, start: usize, mut end: usize) -> usize {
    while end > start && s.as_bytes().get(end - 1) == Some(&b' ') {
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPT: Allowance = Allowance::OptimizedOut;

    #[test]
    fn exact_mode_rejects_optimized_out() {
        assert!(!line_matches_with(
            "$1 = <optimized out>",
            "$1 = 6",
            Allowance::Exact
        ));
        assert!(line_matches_with("$1 = 6", "$1 = 6", Allowance::Exact));
        assert!(!line_matches_with("$2 = 6", "$1 = 6", Allowance::Exact));
    }

    #[test]
    fn optimized_out_stands_for_a_value() {
        assert!(line_matches_with("$1 = <optimized out>", "$1 = 6", OPT));
        assert!(line_matches_with(
            "(i64) total = <variable not available>",
            "[...]total = 6",
            OPT
        ));
        assert!(line_matches_with(
            "Breakpoint 1, fold (r=<optimized out>, xs=0x7ffd10) at /x/callbacks.toy:24",
            "Breakpoint 1, fold (r=0x[...], xs=0x[...]) at [...]callbacks.toy:24",
            OPT
        ));
        assert!(line_matches_with(
            "$3 = {x = 1, y = <optimized out>}",
            "$3 = {x = 1, y = 2}",
            OPT
        ));
        assert!(line_matches_with(
            "frame #0: 0x1 a`square(x=<unavailable>) at a.toy:3:5",
            "[...]square(x=4) at a.toy:3:5",
            OPT
        ));
    }

    /// A different value is never accepted, nor a marker where the check
    /// has no value, nor a difference outside the value.
    #[test]
    fn a_different_value_still_fails() {
        assert!(!line_matches_with("$1 = 7", "$1 = 6", OPT));
        assert!(!line_matches_with(
            "$3 = {x = 5, y = <optimized out>}",
            "$3 = {x = 1, y = 2}",
            OPT
        ));
        assert!(!line_matches_with(
            "Breakpoint 1, fold (r=<optimized out>, xs=0x7ffd10) at /x/callbacks.toy:25",
            "Breakpoint 1, fold (r=0x[...], xs=0x[...]) at [...]callbacks.toy:24",
            OPT
        ));
        assert!(!line_matches_with("<optimized out>", "type = i64", OPT));
        assert!(!line_matches_with("y = <optimized out>", "x = 2", OPT));
    }

    /// A breakpoint on an inlined function names its location at -O.
    #[test]
    fn breakpoint_location_may_be_named() {
        let check = "Breakpoint 1, f (a=1) at [...]t.toy:3";
        assert!(line_matches_with(
            "Breakpoint 1.2, f (a=1) at /x/t.toy:3",
            check,
            OPT
        ));
        assert!(!line_matches_with(
            "Breakpoint 1.2, f (a=1) at /x/t.toy:3",
            check,
            Allowance::Exact
        ));
        assert!(!line_matches_with(
            "Breakpoint 2.1, f (a=1) at /x/t.toy:3",
            check,
            OPT
        ));
        assert!(!line_matches_with(
            "Breakpoint 1.1, f (a=2) at /x/t.toy:3",
            check,
            OPT
        ));
    }

    /// A print whose value is optimized out fails with an error line; that
    /// line stands for the print's result, never for other checks.
    #[test]
    fn failed_print_of_optimized_out_value() {
        assert!(line_matches_with(
            "value has been optimized out",
            "$9 = true",
            OPT
        ));
        assert!(line_matches_with(
            "error: Couldn't materialize: couldn't get the value of variable w: variable not available",
            "(i64) $2 = 3",
            OPT
        ));
        assert!(!line_matches_with(
            "value has been optimized out",
            "$9 = true",
            Allowance::Exact
        ));
        assert!(!line_matches_with(
            "value has been optimized out",
            "type = i64",
            OPT
        ));
        assert!(!line_matches_with(
            "No symbol \"w\" in current context.",
            "$1 = 3",
            OPT
        ));
    }

    /// Inlined frames: gdb shows no return address, lldb the caller's name.
    #[test]
    fn inlined_frames_in_both_debuggers() {
        let gdb = "#1 0x[...] in vm::exec (s=0x[...], op=...) at [...]m.toy:30";
        assert!(line_matches_with(
            "#1  vm::exec (s=0x7ff0, op=...) at /x/m.toy:30",
            gdb,
            OPT
        ));
        assert!(!line_matches_with(
            "#1  vm::exec (s=0x7ff0, op=...) at /x/m.toy:31",
            gdb,
            OPT
        ));
        assert!(!line_matches_with(
            "#2  vm::exec (s=0x7ff0, op=...) at /x/m.toy:30",
            gdb,
            OPT
        ));
        assert!(!line_matches_with(
            "#1  vm::exec (s=0x7ff0, op=...) at /x/m.toy:30",
            gdb,
            Allowance::Exact
        ));
        let lldb = "[...]`vm::push(s=0x[...], v=6) at m.toy:18[...]";
        let line = "frame #0: 0x1 m`vm::exec [inlined] vm::push(s=0x7ff0, v=6) at m.toy:18:9";
        assert!(line_matches_with(line, lldb, OPT));
        assert!(!line_matches_with(&line.replace("v=6", "v=7"), lldb, OPT));
        assert!(!line_matches_with(
            &line.replace(" [inlined]", ""),
            lldb,
            OPT
        ));
    }

    /// gdb's value-history number may shift at -O (a failed print takes none).
    #[test]
    fn history_number_may_differ() {
        assert!(line_matches_with(
            "(unsigned long) $4 = 0",
            "(unsigned long) $5 = 0",
            OPT
        ));
        assert!(!line_matches_with(
            "(unsigned long) $4 = 1",
            "(unsigned long) $5 = 0",
            OPT
        ));
        assert!(!line_matches_with(
            "(long) $4 = 0",
            "(unsigned long) $5 = 0",
            OPT
        ));
        assert!(line_matches_with(
            "(i64 (*)(i64, i64)) f = <no location, value may have been optimized out>",
            "(i64 (*)(i64, i64)) f = 0x[...]`ops::mul[...]",
            OPT
        ));
        assert!(line_matches_with("$2 = 6", "$3 = 6", OPT));
        assert!(!line_matches_with("$2 = 7", "$3 = 6", OPT));
        assert!(line_matches_with("$2 = <optimized out>", "$3 = 6", OPT));
    }

    #[test]
    fn checks_match_in_order_under_the_allowance() {
        let out = "Breakpoint 1, f (a=<optimized out>) at t.toy:3\n$1 = <optimized out>\n$2 = 9\n";
        let checks = ["Breakpoint 1, f (a=1) at t.toy:3", "$1 = 5", "$2 = 9"];
        assert_eq!(
            super::super::match_checks_with(out, &checks, OPT),
            Ok(vec![0, 1, 2])
        );
        assert!(super::super::match_checks_with(out, &checks, Allowance::Exact).is_err());
        let wrong = ["Breakpoint 1, f (a=1) at t.toy:3", "$1 = 5", "$2 = 8"];
        assert!(super::super::match_checks_with(out, &wrong, OPT).is_err());
    }
}
