//! One comparison run of DWARF emission: the same synthetic workload
//! (`workload.rs`) through the gimli backend, through a hand-written
//! `gimli::write` baseline (`raw.rs`) and, with `--features llvm`, through
//! the LLVM backend.
//!
//! ```text
//! cargo run --release --example bench_emit -- --scale 10000
//! ```
//!
//! Each run of each variant is a child process of this binary, so its peak
//! RSS (`VmHWM` from `/proc/self/status`) is its own; the median of `--runs`
//! runs is reported. The last line is
//! `RESULT scale=N gimli_vs_raw=X llvm_vs_gimli=Y rss_per_output_byte=Z`
//! (ratios of on-CPU time from `/proc/self/schedstat`, which unlike wall
//! time excludes waiting for other jobs on a shared machine; Z = the gimli
//! backend's peak-RSS growth over its output size). BENCHMARKS.md has the method and the numbers.

#[cfg(any(feature = "llvm19", feature = "llvm22"))]
mod llvm;
mod raw;
mod workload;

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Instant;

/// Command line (`--help` prints [`USAGE`]).
#[derive(Debug)]
struct Args {
    /// Scale N: N functions and about N/2 types.
    scale: u64,
    /// Runs per variant; the median is reported.
    runs: usize,
    /// Variants to run (comma-separated: gimli, raw, llvm).
    variants: Vec<String>,
    /// Write each variant's object to DIR/bench_VARIANT.o (for llvm-dwarfdump).
    out: Option<std::path::PathBuf>,
    /// Internal: run one variant once in this process and print its numbers.
    child: Option<String>,
}

/// `--help` text.
const USAGE: &str = "\
Emission speed, memory and size: gimli backend vs raw gimli (vs LLVM)

Usage: bench_emit [OPTIONS]

Options:
      --scale <SCALE>        Scale N: N functions and about N/2 types [default: 10000]
      --runs <RUNS>          Runs per variant; the median is reported [default: 3]
      --variants <VARIANTS>  Variants to run (comma-separated: gimli, raw, llvm) [default: gimli,raw,llvm]
      --out <OUT>            Write each variant's object to DIR/bench_VARIANT.o (for llvm-dwarfdump)
  -h, --help                 Print help
";

impl Args {
    /// Parses `args` (without the program name). `Ok(None)` means `--help`
    /// was given; `Err` is the message for a bad command line.
    fn parse_from(args: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
        let mut a = Args {
            scale: 10_000,
            runs: 3,
            variants: vec!["gimli".into(), "raw".into(), "llvm".into()],
            out: None,
            child: None,
        };
        let mut it = args.into_iter();
        while let Some(arg) = it.next() {
            if arg == "-h" || arg == "--help" {
                return Ok(None);
            }
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            if !matches!(
                flag.as_str(),
                "--scale" | "--runs" | "--variants" | "--out" | "--child"
            ) {
                return Err(format!("unexpected argument '{arg}' found"));
            }
            let value = match inline.or_else(|| it.next()) {
                Some(v) => v,
                None => {
                    return Err(format!(
                        "a value is required for '{flag}' but none was supplied"
                    ))
                }
            };
            let invalid =
                |e: std::num::ParseIntError| format!("invalid value '{value}' for '{flag}': {e}");
            match flag.as_str() {
                "--scale" => a.scale = value.parse().map_err(invalid)?,
                "--runs" => a.runs = value.parse().map_err(invalid)?,
                "--variants" => a.variants = value.split(',').map(str::to_string).collect(),
                "--out" => a.out = Some(value.into()),
                _ => a.child = Some(value),
            }
        }
        Ok(Some(a))
    }

    /// Parses the process's arguments; prints help or the error and exits
    /// (status 0 and 2, as clap did) when there is nothing to run.
    fn parse() -> Args {
        match Args::parse_from(std::env::args().skip(1)) {
            Ok(Some(a)) => a,
            Ok(None) => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            Err(e) => {
                eprintln!("error: {e}\n\nFor more information, try '--help'.");
                std::process::exit(2);
            }
        }
    }
}

/// One measured run.
#[derive(Debug, Clone, Default)]
struct Sample {
    nanos: u128,
    cpu_nanos: u128,
    wait_nanos: u128,
    rss_growth_kb: u64,
    bytes: u64,
    hash: u64,
    sections: BTreeMap<String, u64>,
}

/// `VmRSS` and `VmHWM` of this process, in kB.
fn rss_kb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// On-CPU and run-queue-wait time of this (single-threaded) process in ns,
/// from `/proc/self/schedstat`: on a shared machine the wall time includes
/// waiting for other people's jobs; the CPU time does not.
fn sched_ns() -> (u128, u128) {
    let s = std::fs::read_to_string("/proc/self/schedstat").unwrap_or_default();
    let mut f = s.split_whitespace().map(|x| x.parse().unwrap_or(0));
    (f.next().unwrap_or(0), f.next().unwrap_or(0))
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn run_variant(name: &str, n: u64) -> Result<Vec<u8>, String> {
    match name {
        "gimli" => workload::run_gimli(n).map_err(|e| e.to_string()),
        "raw" => Ok(raw::run_raw(n)),
        #[cfg(any(feature = "llvm19", feature = "llvm22"))]
        "llvm" => llvm::run_llvm(n).map_err(|e| e.to_string()),
        other => Err(format!("unknown variant `{other}`")),
    }
}

/// Child mode: one run, numbers on stdout.
fn child(variant: &str, n: u64, out: Option<&std::path::Path>) -> Result<(), String> {
    let (base, _) = rss_kb();
    let (cpu0, wait0) = sched_ns();
    let t0 = Instant::now();
    let bytes = run_variant(variant, n)?;
    let nanos = t0.elapsed().as_nanos();
    let (cpu1, wait1) = sched_ns();
    let (_, hwm) = rss_kb();
    let file = object::File::parse(&*bytes).map_err(|e| e.to_string())?;
    let mut line = format!(
        "CHILD nanos={nanos} cpu_nanos={} wait_nanos={} rss_growth_kb={} bytes={} hash={:016x}",
        cpu1.saturating_sub(cpu0),
        wait1.saturating_sub(wait0),
        hwm.saturating_sub(base),
        bytes.len(),
        fnv(&bytes)
    );
    use object::{Object, ObjectSection};
    for s in file.sections() {
        let name = s.name().unwrap_or("?");
        if !name.is_empty() {
            line.push_str(&format!(" {name}={}", s.size()));
        }
    }
    if let Some(dir) = out {
        std::fs::write(dir.join(format!("bench_{variant}.o")), &bytes)
            .map_err(|e| e.to_string())?;
    }
    println!("{line}");
    Ok(())
}

fn parse_child(out: &str) -> Option<Sample> {
    let line = out.lines().find(|l| l.starts_with("CHILD "))?;
    let mut s = Sample::default();
    for kv in line.split_whitespace().skip(1) {
        let (k, v) = kv.split_once('=')?;
        match k {
            "nanos" => s.nanos = v.parse().ok()?,
            "cpu_nanos" => s.cpu_nanos = v.parse().ok()?,
            "wait_nanos" => s.wait_nanos = v.parse().ok()?,
            "rss_growth_kb" => s.rss_growth_kb = v.parse().ok()?,
            "bytes" => s.bytes = v.parse().ok()?,
            "hash" => s.hash = u64::from_str_radix(v, 16).ok()?,
            _ => {
                s.sections.insert(k.to_string(), v.parse().ok()?);
            }
        }
    }
    Some(s)
}

/// One run of `variant` in a child process.
fn run_child(args: &Args, variant: &str) -> Result<Sample, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut cmd = Command::new(&exe);
    cmd.args(["--child", variant, "--scale", &args.scale.to_string()]);
    if let Some(o) = &args.out {
        cmd.arg("--out").arg(o);
    }
    let out = cmd.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "{variant}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    parse_child(&text).ok_or(format!("{variant}: bad child output"))
}

/// The per-field medians of a variant's samples.
fn median(samples: &[Sample]) -> Sample {
    let med = |mut v: Vec<u128>| {
        v.sort_unstable();
        v[v.len() / 2]
    };
    let mut m = samples[0].clone();
    m.nanos = med(samples.iter().map(|s| s.nanos).collect());
    m.cpu_nanos = med(samples.iter().map(|s| s.cpu_nanos).collect());
    m.wait_nanos = med(samples.iter().map(|s| s.wait_nanos).collect());
    m.rss_growth_kb = med(samples.iter().map(|s| s.rss_growth_kb.into()).collect()) as u64;
    m
}

/// Runs every variant `runs` times, round-robin (gimli, raw, gimli, raw...),
/// so slow drift of a shared machine hits all variants alike.
fn measure_all(args: &Args, variants: &[&str]) -> Result<Vec<Sample>, String> {
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); variants.len()];
    for _ in 0..args.runs.max(1) {
        for (v, out) in variants.iter().zip(&mut samples) {
            out.push(run_child(args, v)?);
        }
    }
    Ok(samples.iter().map(|s| median(s)).collect())
}

/// How one table cell is printed from a sample.
type Cell<'a> = dyn Fn(&Sample) -> String + 'a;

fn print_table(n: u64, results: &[(String, Option<Sample>)]) {
    let col = |s: &Option<Sample>, f: &dyn Fn(&Sample) -> String| {
        s.as_ref().map_or_else(|| "n/a".to_string(), f)
    };
    print!("{:<22}", format!("scale={n}"));
    for (name, _) in results {
        print!("{name:>14}");
    }
    println!();
    let rows: [(&str, &Cell<'_>); 6] = [
        ("wall time (ms)", &|s| {
            format!("{:.1}", s.nanos as f64 / 1e6)
        }),
        ("CPU time (ms)", &|s| {
            format!("{:.1}", s.cpu_nanos as f64 / 1e6)
        }),
        ("run-queue wait (ms)", &|s| {
            format!("{:.1}", s.wait_nanos as f64 / 1e6)
        }),
        ("ns per function", &|s| {
            format!("{:.0}", s.nanos as f64 / n as f64)
        }),
        ("peak RSS growth (MB)", &|s| {
            format!("{:.1}", s.rss_growth_kb as f64 / 1024.0)
        }),
        ("output bytes", &|s| s.bytes.to_string()),
    ];
    for (label, f) in rows {
        print!("{label:<22}");
        for (_, s) in results {
            print!("{:>14}", col(s, f));
        }
        println!();
    }
    let mut names: Vec<&String> = results
        .iter()
        .filter_map(|(_, s)| s.as_ref())
        .flat_map(|s| s.sections.keys())
        .collect();
    names.sort();
    names.dedup();
    for sec in names {
        print!("  {sec:<20}");
        for (_, s) in results {
            print!(
                "{:>14}",
                col(s, &|s| s
                    .sections
                    .get(sec)
                    .copied()
                    .unwrap_or(0)
                    .to_string())
            );
        }
        println!();
    }
}

fn main() {
    let args = Args::parse();
    if let Some(v) = &args.child {
        if let Err(e) = child(v, args.scale, args.out.as_deref()) {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
        return;
    }
    let n = args.scale;
    let mut results: Vec<(String, Option<Sample>)> = Vec::new();
    let mut measured = Vec::new();
    for v in ["gimli", "raw", "llvm"] {
        if !args.variants.iter().any(|x| x == v) {
            continue;
        }
        if v == "llvm" && !cfg!(any(feature = "llvm19", feature = "llvm22")) {
            println!("llvm: n/a (build with --features llvm)");
            continue;
        }
        measured.push(v);
    }
    let samples = match measure_all(&args, &measured) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    for v in ["gimli", "raw", "llvm"] {
        if let Some(i) = measured.iter().position(|m| *m == v) {
            results.push((v.into(), Some(samples[i].clone())));
        } else if v == "llvm" || args.variants.iter().any(|x| x == v) {
            results.push((v.into(), None));
        }
    }
    print_table(n, &results);
    let get = |name: &str| {
        results
            .iter()
            .find(|(v, _)| v == name)
            .and_then(|(_, s)| s.clone())
    };
    let (g, r, l) = (get("gimli"), get("raw"), get("llvm"));
    if let (Some(g), Some(r)) = (&g, &r) {
        println!(
            "gimli and raw outputs identical: {}",
            if g.hash == r.hash { "yes" } else { "NO" }
        );
    }
    // RESULT uses on-CPU time: the wall time of a shared machine includes
    // waiting for other jobs (the "run-queue wait" row), which is noise.
    let ratio = |a: &Option<Sample>, b: &Option<Sample>| match (a, b) {
        (Some(a), Some(b)) => format!("{:.3}", a.cpu_nanos as f64 / b.cpu_nanos as f64),
        _ => "nan".into(),
    };
    if let (Some(g), Some(r)) = (&g, &r) {
        println!(
            "gimli/raw wall-time ratio: {:.3} (RESULT uses CPU time)",
            g.nanos as f64 / r.nanos as f64
        );
    }
    let z = g.as_ref().map_or_else(
        || "nan".into(),
        |g| format!("{:.3}", g.rss_growth_kb as f64 * 1024.0 / g.bytes as f64),
    );
    println!(
        "RESULT scale={n} gimli_vs_raw={} llvm_vs_gimli={} rss_per_output_byte={z}",
        ratio(&g, &r),
        ratio(&l, &g)
    );
}

#[cfg(test)]
mod tests {
    use super::Args;

    fn parse(args: &[&str]) -> Result<Option<Args>, String> {
        Args::parse_from(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults_and_every_flag() {
        let d = parse(&[]).unwrap().unwrap();
        assert_eq!((d.scale, d.runs, d.out, d.child), (10_000, 3, None, None));
        assert_eq!(d.variants, ["gimli", "raw", "llvm"]);
        let a = parse(&[
            "--scale",
            "50",
            "--runs=2",
            "--variants",
            "gimli,raw",
            "--out",
            "/tmp/o",
            "--child",
            "raw",
        ])
        .unwrap()
        .unwrap();
        assert_eq!((a.scale, a.runs), (50, 2));
        assert_eq!(a.variants, ["gimli", "raw"]);
        assert_eq!(a.out.as_deref(), Some(std::path::Path::new("/tmp/o")));
        assert_eq!(a.child.as_deref(), Some("raw"));
    }

    #[test]
    fn help_and_errors() {
        assert!(parse(&["--scale", "5", "--help"]).unwrap().is_none());
        assert!(parse(&["-h"]).unwrap().is_none());
        assert_eq!(
            parse(&["--scale", "x"]).err().unwrap(),
            "invalid value 'x' for '--scale': invalid digit found in string"
        );
        assert_eq!(
            parse(&["--runs"]).err().unwrap(),
            "a value is required for '--runs' but none was supplied"
        );
        assert_eq!(
            parse(&["--bogus"]).err().unwrap(),
            "unexpected argument '--bogus' found"
        );
    }
}
