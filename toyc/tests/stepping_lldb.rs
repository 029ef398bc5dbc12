//! The differential stepping harness of issue 12 in lldb (DEBUGGING.md,
//! "Stepping at -O in lldb"): as tests/stepping.rs does with gdb, every
//! example program, built by toyc at -O0 and at -O with each backend
//! (gimli; llvm when `DWARFSMITH_TEST_LLVM=1`), is stepped line by line
//! under lldb-19 from main's first line until main returns
//! (stepping_support/trace_lldb.py, the same trace format as trace.py), and
//! the -O stops are compared with the -O0 ones by the same rules
//! (stepping_support's doc): a value lldb shows at -O that differs from the
//! -O0 value fails the test; a value lldb cannot show is counted as a loss.
//! Only lldb traces are compared with each other (values are formatted by
//! lldb, not gdb). The test prints the table.
//!
//! Environment: `TOYC` (a prebuilt toyc), `DWARFSMITH_TEST_LLVM`, as in
//! tests/toy_debuggers.rs.

#[allow(dead_code)] // toyc_path, backends, require_tool and dwarf::verify_object are used here
mod debugger;
mod stepping_support;

use std::path::{Path, PathBuf};

use debugger::Debugger;
use stepping_support::{Trace, LLDB};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Wrong values lldb shows for the llvm backend's -O (LLVM's O2 pipeline),
/// by program, each as the start of its report (`FUNCTION:LINE (-O0
/// occurrence N) VARIABLE:`). All in stack_machine, whose `main` LLVM
/// unrolls, inlines and evaluates, and whose stores code generation merges
/// into the last two (tests/stepping.rs, `LLVM_KNOWN_WRONG`, DEBUGGING.md):
/// - at 0x1163 (the stop gdb makes too, main:47 then the inlined
///   `vm::exec:30` and `vm::push:18`): `pc = 3` and `v = 3` as in gdb; `s`
///   points to the stack still all zeros (the four earlier iterations'
///   stores are gone), which lldb's match (occurrence 3, `op = Push(3)`,
///   `v = 3`: lldb reads `v`'s `DW_AT_const_value`, gdb shows it optimized
///   out) reports where gdb's reports `op`;
/// - at 0x116b, a row without `is_stmt` where gdb does not stop and lldb
///   does, at the call of the inlined `vm::push` from line 36 (`Op::Mul`'s
///   arm): `op`'s location list still says `Push(3)` there (its `Mul` entry
///   starts at 0x117a, after `vm::exec`'s range) and `s` shows `items[1] =
///   3` stored with `len = 0`;
/// - after the loop, main:51: `pc = 4`, as in gdb.
///
/// Pinned exactly: another wrong value fails the test, and so does a
/// listed one that is no longer shown. gimli: none.
const LLVM_KNOWN_WRONG_LLDB: &[(&str, &[&str])] = &[(
    "stack_machine",
    &[
        "main:47 (-O0 occurrence 1) pc:",
        "vm::exec:30 (-O0 occurrence 3) s:",
        "vm::push:18 (-O0 occurrence 1) v:",
        "vm::exec:36 (-O0 occurrence 1) op:",
        "vm::exec:36 (-O0 occurrence 1) s:",
        "vm::push:18 (-O0 occurrence 2) s:",
        "main:51 (-O0 occurrence 1) pc:",
    ],
)];

#[test]
fn stepping_at_o_shows_no_wrong_value_in_lldb() {
    stepping_support::check_all_programs(
        manifest_dir(),
        Debugger::Lldb,
        LLVM_KNOWN_WRONG_LLDB,
        "LLVM_KNOWN_WRONG_LLDB",
    );
}

/// Builds `program` (an example's stem) with `backend` into a directory of
/// its own and traces it with trace_lldb.py.
fn lldb_trace(program: &str, backend: &str, optimize: bool) -> (PathBuf, Trace) {
    let toyc = debugger::toyc_path(manifest_dir()).unwrap_or_else(|e| panic!("{e}"));
    let src = manifest_dir().join(format!("../examples/programs/{program}.toy"));
    let work = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("stepping-lldb-checks")
        .join(format!("{program}-{backend}-{optimize}"));
    std::fs::create_dir_all(&work).unwrap_or_else(|e| panic!("{}: {e}", work.display()));
    let exe = work.join(program);
    stepping_support::build(&toyc, &src, &exe, backend, optimize).unwrap_or_else(|e| panic!("{e}"));
    let trace =
        stepping_support::trace_lldb(manifest_dir(), &exe, &work).unwrap_or_else(|e| panic!("{e}"));
    (exe, trace)
}

/// The value of `var` at the first stop at `function:line` (`None`:
/// unavailable); panics if the trace has no such stop or variable.
fn value_at(trace: &Trace, function: &str, line: u32, var: &str) -> Option<String> {
    let stop = trace
        .stops
        .iter()
        .find(|s| s.function == function && s.line == line)
        .unwrap_or_else(|| panic!("no stop at {function}:{line} in {:?}", trace.stops));
    stop.vars
        .get(var)
        .unwrap_or_else(|| panic!("{var} not recorded at {function}:{line}: {stop:?}"))
        .clone()
}

/// trace_lldb.py's strings: a Toy enum by its live member, a function
/// pointer by the function's name, a data pointer followed; a niche enum
/// (a variant part, which lldb-19 does not read in a C++ compile unit and
/// shows as `{}`) is unavailable, not the value `{}`.
#[test]
fn lldb_trace_formats_values_without_addresses() {
    let (_, shapes) = lldb_trace("shapes", "gimli", false);
    assert!(
        shapes
            .stops
            .iter()
            .any(|s| s.vars.get("s")
                == Some(&Some("->{tag=Rect,payload.Rect={__0=2.5,__1=4}}".into()))),
        "{:?}",
        shapes.stops
    );
    let (_, callbacks) = lldb_trace("callbacks", "gimli", false);
    assert!(
        callbacks
            .stops
            .iter()
            .any(|s| s.vars.get("f") == Some(&Some("<ops::mul>".into()))),
        "{:?}",
        callbacks.stops
    );
    let (_, niche) = lldb_trace("niche", "gimli", false);
    assert_eq!(value_at(&niche, "main", 33, "list"), None);
    assert_eq!(value_at(&niche, "main", 33, "none"), None);
}

/// lldb reads the bytes of a variable past the last `DW_OP_piece` of its
/// location as zeros: at stack_machine's main:50 (llvm -O) the location of
/// `stack` is `DW_OP_breg6 RBP-80, DW_OP_piece 0x40`, which leaves `len`
/// undescribed, and lldb prints `len = 0` (-O0: 1). trace_lldb.py reads
/// the location lldb uses (`image lookup -va`) and records `stack` as
/// unavailable there, not as a wrong value.
#[test]
fn lldb_trace_takes_bytes_past_the_last_piece_as_unavailable() {
    if !debugger::backends().contains(&"llvm") {
        println!("skipped: the llvm backend is not requested (DWARFSMITH_TEST_LLVM=1)");
        return;
    }
    let (exe, trace) = lldb_trace("stack_machine", "llvm", true);
    assert_eq!(value_at(&trace, "main", 50, "pc"), Some("5".into()));
    assert_eq!(value_at(&trace, "main", 50, "stack"), None);
    let out = std::process::Command::new(LLDB)
        .args([
            "-b",
            "--no-lldbinit",
            "-o",
            "breakpoint set --file stack_machine.toy --line 50",
        ])
        .args(["-o", "run", "-o", "frame variable stack.len", "--"])
        .arg(&exe)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {LLDB}: {e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(i64) stack.len = 0"), "{text}");
}

/// trace_lldb.py's reading of `image lookup -va`, run in lldb-19's Python:
/// the undescribed bytes of a composite location (an empty piece, and past
/// the last one; none without pieces), and the declaration line of a
/// variable line with a column (gimli's) and without (LLVM's).
#[test]
fn trace_lldb_reads_pieces_and_declaration_lines() {
    let script = manifest_dir().join(stepping_support::LLDB_TRACE_SCRIPT);
    let lookup = |decl: &str| {
        format!(
            "script print('M', t.LOCATION.match('     Variable: id = {{0x136}}, name = \"r\", \
             type = \"Mat\", valid ranges = <block>, location = [0x1, 0x2) -> DW_OP_fbreg -176, \
             DW_OP_piece 0x8, decl = {decl}').groups()[1:])"
        )
    };
    let out = std::process::Command::new(LLDB)
        .args(["-b", "--no-lldbinit", "-o"])
        .arg(format!("command script import {}", script.display()))
        .args([
            "-o",
            "script import trace_lldb as t; print('H', t.holes_of(['DW_OP_lit0, DW_OP_stack_value, \
             DW_OP_piece 0x4, DW_OP_piece 0x4, DW_OP_lit3, DW_OP_stack_value, DW_OP_piece 0x8']), \
             t.holes_of(['DW_OP_fbreg -176']))",
            "-o",
            &lookup("matrix.toy:16:9"),
            "-o",
            &lookup("matrix.toy:17"),
        ])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {LLDB}: {e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    let printed: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("H ") || l.starts_with("M "))
        .collect();
    assert_eq!(
        printed,
        [
            "H [(4, 8), (16, 4611686018427387904)] []",
            "M ('[0x1, 0x2) -> DW_OP_fbreg -176, DW_OP_piece 0x8', '16')",
            "M ('[0x1, 0x2) -> DW_OP_fbreg -176, DW_OP_piece 0x8', '17')",
        ],
        "{text}"
    );
}
