//! The differential stepping harness of issue 12: traces of a program
//! stepped line by line under gdb (trace.py) or lldb (trace_lldb.py, the
//! same trace format), built at -O0 and at -O, and their comparison.
//!
//! What is compared (DEBUGGING.md, "Stepping at -O"):
//! - a *stop* is (function, file, line) as gdb reports it after `step`
//!   (an inlined frame reports the callee's name and line);
//! - stops are matched across builds per (function, line), in order: the
//!   -O build may skip stops (code merged or removed) but never reorders the
//!   stops of one (function, line). An -O stop is matched with the first -O0
//!   occurrence of its (function, line), after the occurrence matched by the
//!   previous -O stop there, at which the fewest of the values the -O stop
//!   shows differ (ideally none); the values that still differ are wrong;
//! - a *mid-line* -O stop is not compared: a stop at the line its frame
//!   stopped at last (same depth, no shallower stop between), which gdb makes
//!   when it comes back from an inlined call to the rest of the caller's
//!   line (back from a real call it does not stop there again): part of the
//!   line has run, which no -O0 stop shows;
//! - at a matched stop, every variable the -O build shows with a value must
//!   have the same value at -O0 (a different value is *wrong*); a variable
//!   shown as `<optimized out>` is a loss; a variable the -O0 stop does not
//!   show (declared on a later line there) is not compared;
//! - values are strings formatted by trace.py: scalars as gdb prints them,
//!   aggregates member by member, data pointers followed one level (deeper:
//!   `ptr`), function pointers by the function's name (no addresses, which
//!   differ between builds).

#![allow(dead_code)] // Each test crate uses its part.

pub mod stats;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::debugger::Debugger;

/// The gdb script that writes a trace.
pub const TRACE_SCRIPT: &str = "tests/stepping_support/trace.py";

/// The lldb script that writes the same trace (stepping_lldb.rs).
pub const LLDB_TRACE_SCRIPT: &str = "tests/stepping_support/trace_lldb.py";

/// The lldb the traces are taken with.
pub const LLDB: &str = "lldb-19";

/// The most `step`s one trace takes (every example program needs fewer).
pub const STEP_CAP: usize = 5000;

/// How long one traced debugger session may run.
pub const TRACE_TIMEOUT: Duration = Duration::from_secs(120);

/// One stop of a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stop {
    /// The debugger's frame name (the callee's for an inlined frame).
    pub function: String,
    /// Source file name, without directories.
    pub file: String,
    /// Source line.
    pub line: u32,
    /// Frames on the stack (inlined frames included).
    pub depth: u32,
    /// Variables in scope: the value shown, or `None` when optimized out.
    pub vars: BTreeMap<String, Option<String>>,
}

/// A whole trace.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    /// Stops in order.
    pub stops: Vec<Stop>,
    /// The step cap ended the trace before main returned.
    pub capped: bool,
}

/// Parses the output of trace.py (or trace_lldb.py).
pub fn parse_trace(text: &str) -> Result<Trace, String> {
    let mut trace = Trace::default();
    let mut ended = false;
    for (n, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split('\t').collect();
        let bad = || format!("trace line {}: unexpected `{line}`", n + 1);
        match fields.as_slice() {
            ["S", function, file, l, d] => trace.stops.push(Stop {
                function: (*function).to_string(),
                file: (*file).to_string(),
                line: l.parse().map_err(|_| bad())?,
                depth: d.parse().map_err(|_| bad())?,
                vars: BTreeMap::new(),
            }),
            ["V", name, value] => {
                let stop = trace.stops.last_mut().ok_or_else(bad)?;
                stop.vars.insert((*name).into(), Some((*value).into()));
            }
            ["O", name] => {
                let stop = trace.stops.last_mut().ok_or_else(bad)?;
                stop.vars.insert((*name).into(), None);
            }
            ["E", end, _] => {
                trace.capped = *end == "cap";
                ended = true;
            }
            _ => return Err(bad()),
        }
    }
    if !ended {
        return Err("the trace has no end line (the debugger stopped early)".into());
    }
    Ok(trace)
}

/// The result of comparing an -O trace with the -O0 trace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Stops at -O0.
    pub o0_stops: usize,
    /// Stops at -O.
    pub o_stops: usize,
    /// -O stops matched with an -O0 stop.
    pub matched_stops: usize,
    /// Mid-line -O stops (not compared).
    pub mid_line_stops: usize,
    /// Values shown at -O0 (variables with a value, over all stops).
    pub o0_values: usize,
    /// Of these, the values shown equal at the -O stops matched with theirs.
    pub o_values: usize,
    /// Variables shown as optimized out at matched -O stops.
    pub optimized_out: usize,
    /// Values at -O that differ from -O0's: one description each.
    pub wrong: Vec<String>,
}

impl Comparison {
    /// `o_values / o0_values`, in percent.
    pub fn available_percent(&self) -> f64 {
        if self.o0_values == 0 {
            0.0
        } else {
            100.0 * self.o_values as f64 / self.o0_values as f64
        }
    }
}

/// Compares the -O trace `opt` with the -O0 trace `base` (module doc).
pub fn compare(base: &Trace, opt: &Trace) -> Comparison {
    let mut occurrences: HashMap<(&str, u32), Vec<usize>> = HashMap::new();
    for (i, stop) in base.stops.iter().enumerate() {
        occurrences
            .entry((&stop.function, stop.line))
            .or_default()
            .push(i);
    }
    let mut c = Comparison {
        o0_stops: base.stops.len(),
        o_stops: opt.stops.len(),
        o0_values: base
            .stops
            .iter()
            .map(|s| s.vars.values().filter(|v| v.is_some()).count())
            .sum(),
        ..Comparison::default()
    };
    // The next unmatched -O0 occurrence of each (function, line).
    let mut next: HashMap<(&str, u32), usize> = HashMap::new();
    // The (function, line) each frame depth stopped at last.
    let mut frames: Vec<(&str, u32)> = Vec::new();
    // The -O0 (stop, variable) values shown equal at -O.
    let mut shown: HashSet<(usize, &str)> = HashSet::new();
    for stop in &opt.stops {
        let key = (stop.function.as_str(), stop.line);
        let depth = stop.depth as usize;
        frames.truncate(depth);
        if depth > 0 && frames.get(depth - 1) == Some(&key) {
            c.mid_line_stops += 1;
            continue;
        }
        frames.resize(depth.saturating_sub(1), ("", 0));
        frames.push(key);
        let Some(candidates) = occurrences.get(&key) else {
            continue;
        };
        let from = next.get(&key).copied().unwrap_or(0);
        let Some(rest) = candidates.get(from..).filter(|r| !r.is_empty()) else {
            continue;
        };
        // The first occurrence with the fewest differing values (none: the
        // stops agree).
        let offset = rest
            .iter()
            .enumerate()
            .min_by_key(|(i, b)| (differences(stop, &base.stops[**b]).len(), *i))
            .map_or(0, |(i, _)| i);
        next.insert(key, from + offset + 1);
        let index = rest[offset];
        let b = &base.stops[index];
        c.matched_stops += 1;
        for (name, value) in &stop.vars {
            match (b.vars.get(name), value) {
                (Some(Some(_)), None) => c.optimized_out += 1,
                (Some(Some(bv)), Some(v)) if bv == v => {
                    shown.insert((index, name.as_str()));
                }
                _ => {}
            }
        }
        for (name, v, base_value) in differences(stop, b) {
            c.wrong.push(format!(
                "{}:{} (-O0 occurrence {}) {name}: -O shows {v}, -O0 shows {base_value}",
                stop.function,
                stop.line,
                from + offset + 1
            ));
        }
    }
    c.o_values = shown.len();
    c
}

/// The variables `opt` shows with a value that `base` shows with another:
/// (name, -O value, -O0 value).
fn differences<'a>(opt: &'a Stop, base: &'a Stop) -> Vec<(&'a str, &'a str, &'a str)> {
    opt.vars
        .iter()
        .filter_map(|(name, v)| {
            let v = v.as_deref()?;
            let b = base.vars.get(name)?.as_deref()?;
            (v != b).then_some((name.as_str(), v, b))
        })
        .collect()
}

/// `toyc build SRC -o OUT --backend BACKEND [-O] --save-object OUT.o`.
pub fn build(
    toyc: &Path,
    src: &Path,
    out: &Path,
    backend: &str,
    optimize: bool,
) -> Result<PathBuf, String> {
    let args: &[&str] = if optimize {
        &["--backend", backend, "-O"]
    } else {
        &["--backend", backend]
    };
    crate::debugger::compile_with(toyc, src, out, args)
}

/// Steps `exe` under gdb with trace.py (written into `work_dir`).
pub fn trace(manifest_dir: &Path, exe: &Path, work_dir: &Path) -> Result<Trace, String> {
    let out = trace_path(exe, work_dir);
    let setup = format!(
        "py TRACE_OUT = {:?}; TRACE_CAP = {STEP_CAP}",
        out.display().to_string()
    );
    let mut cmd = Command::new("gdb");
    cmd.args(["-batch", "-nx", "-ex", &setup, "-x"])
        .arg(manifest_dir.join(TRACE_SCRIPT))
        .arg("--args")
        .arg(exe);
    run_traced(cmd, "gdb", exe, work_dir, &out)
}

/// Steps `exe` under lldb-19 with trace_lldb.py (written into `work_dir`).
pub fn trace_lldb(manifest_dir: &Path, exe: &Path, work_dir: &Path) -> Result<Trace, String> {
    let out = trace_path(exe, work_dir);
    let mut cmd = Command::new(LLDB);
    cmd.args(["-b", "--no-lldbinit", "-o"])
        .arg(format!(
            "command script import {}",
            manifest_dir.join(LLDB_TRACE_SCRIPT).display()
        ))
        .arg("-o")
        .arg(format!("toy_trace {} {STEP_CAP}", out.display()))
        .arg("--")
        .arg(exe);
    run_traced(cmd, LLDB, exe, work_dir, &out)
}

/// `WORK_DIR/EXE_NAME.trace`, removed if it exists.
fn trace_path(exe: &Path, work_dir: &Path) -> PathBuf {
    let out = work_dir.join(format!(
        "{}.trace",
        exe.file_name()
            .map_or("exe".into(), |n| n.to_string_lossy())
    ));
    let _ = fs::remove_file(&out);
    out
}

/// Runs the debugger session `cmd` (`tool`: its name) in `work_dir` with
/// its output in `WORK_DIR/TOOL.log`, kills it after [`TRACE_TIMEOUT`], and
/// parses the trace it wrote to `out`.
fn run_traced(
    mut cmd: Command,
    tool: &str,
    exe: &Path,
    work_dir: &Path,
    out: &Path,
) -> Result<Trace, String> {
    let log = work_dir.join(format!("{tool}.log"));
    let log_file = fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err_file = log_file.try_clone().map_err(|e| e.to_string())?;
    let mut child = cmd
        .current_dir(work_dir)
        .stdin(Stdio::null())
        .stdout(log_file)
        .stderr(err_file)
        .spawn()
        .map_err(|e| format!("cannot start {tool}: {e} (apt-get install -y {tool})"))?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() > TRACE_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{tool} tracing {} timed out", exe.display()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("waiting for {tool}: {e}")),
        }
    }
    let text = fs::read_to_string(out).map_err(|e| {
        let log = fs::read_to_string(&log).unwrap_or_default();
        format!(
            "{tool} wrote no trace {} ({e}); {tool} said:\n{log}",
            out.display()
        )
    })?;
    parse_trace(&text).map_err(|e| format!("{}: {e}", out.display()))
}

/// Builds one program with one backend at -O0 and at -O (verifying the -O
/// object with `llvm-dwarfdump-19 --verify`), traces both under `debugger`
/// and compares them.
pub fn step_program(
    toyc: &Path,
    manifest_dir: &Path,
    program: &Path,
    backend: &str,
    debugger: Debugger,
) -> Result<Comparison, String> {
    let name = program
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(match debugger {
            Debugger::Gdb => "stepping",
            Debugger::Lldb => "stepping-lldb",
        })
        .join(&name)
        .join(backend);
    let mut traces = Vec::new();
    for (opt, label) in [(false, "O0"), (true, "O")] {
        let work = dir.join(label);
        fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
        let exe = work.join(&name);
        let object = build(toyc, program, &exe, backend, opt)?;
        if opt {
            crate::debugger::dwarf::verify_object(&object)?;
        }
        let trace = match debugger {
            Debugger::Gdb => trace(manifest_dir, &exe, &work)?,
            Debugger::Lldb => trace_lldb(manifest_dir, &exe, &work)?,
        };
        if trace.capped {
            return Err(format!(
                "{name} [{backend} -{label}]: {STEP_CAP} steps did not reach main's return"
            ));
        }
        if trace.stops.is_empty() {
            return Err(format!(
                "{name} [{backend} -{label}]: {} never stopped",
                debugger.name()
            ));
        }
        traces.push(trace);
    }
    Ok(compare(&traces[0], &traces[1]))
}

/// The differences between the wrong values `shown` and the `known` ones
/// (report prefixes, pinned in the list named `list`): each unknown wrong
/// value, then each known one not shown.
pub fn unexpected_wrong(shown: &[String], known: &[&str], list: &str) -> Vec<String> {
    let mut out: Vec<String> = shown
        .iter()
        .filter(|w| !known.iter().any(|k| w.starts_with(k)))
        .map(|w| format!("WRONG {w}"))
        .collect();
    out.extend(
        known
            .iter()
            .filter(|k| !shown.iter().any(|w| w.starts_with(**k)))
            .map(|k| format!("listed in {list} but not shown any more (remove it): {k}")),
    );
    out
}

/// Steps every example program with every backend under `debugger`,
/// prints the table, and panics on any wrong value that `known` (by
/// program, the llvm backend's pinned report prefixes, in the list named
/// `list`) does not name, or on a pinned one no longer shown.
pub fn check_all_programs(
    manifest_dir: &Path,
    debugger: Debugger,
    known: &[(&str, &[&str])],
    list: &str,
) {
    let tool = match debugger {
        Debugger::Gdb => "gdb",
        Debugger::Lldb => LLDB,
    };
    if let Err(e) = crate::debugger::require_tool(tool) {
        panic!("{e}");
    }
    let toyc = crate::debugger::toyc_path(manifest_dir).unwrap_or_else(|e| panic!("{e}"));
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for backend in crate::debugger::backends() {
        for program in crate::debugger::example_programs() {
            let name = program
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            match step_program(&toyc, manifest_dir, &program, backend, debugger) {
                Ok(c) => {
                    let pinned = known
                        .iter()
                        .find(|(p, _)| backend == "llvm" && *p == name)
                        .map_or(&[][..], |(_, k)| *k);
                    for problem in unexpected_wrong(&c.wrong, pinned, list) {
                        failures.push(format!("{name} [{backend}]: {problem}"));
                    }
                    for w in c
                        .wrong
                        .iter()
                        .filter(|w| pinned.iter().any(|k| w.starts_with(k)))
                    {
                        println!("{name} [{backend}]: known wrong ({list}): {w}");
                    }
                    rows.push(Row {
                        program: name,
                        backend: backend.into(),
                        comparison: c,
                    });
                }
                Err(e) => failures.push(format!("{name} [{backend}]: {e}")),
            }
        }
    }
    println!("{}", table(&rows));
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// One row of the stepping table.
#[derive(Clone, Debug)]
pub struct Row {
    pub program: String,
    pub backend: String,
    pub comparison: Comparison,
}

/// The table the test prints (and DEBUGGING.md shows): one row per program
/// and backend, then a total row per backend.
pub fn table(rows: &[Row]) -> String {
    let mut s = String::from(
        "| program | backend | -O0 stops | -O stops | matched | mid-line | wrong | optimized out | values -O/-O0 |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut backends: Vec<&str> = Vec::new();
    for r in rows {
        row(&mut s, &r.program, &r.backend, &r.comparison);
        if !backends.contains(&r.backend.as_str()) {
            backends.push(&r.backend);
        }
    }
    for backend in backends {
        let mut total = Comparison::default();
        for c in rows
            .iter()
            .filter(|r| r.backend == backend)
            .map(|r| &r.comparison)
        {
            total.o0_stops += c.o0_stops;
            total.o_stops += c.o_stops;
            total.matched_stops += c.matched_stops;
            total.mid_line_stops += c.mid_line_stops;
            total.o0_values += c.o0_values;
            total.o_values += c.o_values;
            total.optimized_out += c.optimized_out;
            total.wrong.extend(c.wrong.iter().cloned());
        }
        row(&mut s, "**all**", backend, &total);
    }
    s
}

fn row(s: &mut String, program: &str, backend: &str, c: &Comparison) {
    let _ = writeln!(
        s,
        "| {program} | {backend} | {} | {} | {} | {} | {} | {} | {}/{} ({:.0}%) |",
        c.o0_stops,
        c.o_stops,
        c.matched_stops,
        c.mid_line_stops,
        c.wrong.len(),
        c.optimized_out,
        c.o_values,
        c.o0_values,
        c.available_percent()
    );
}
