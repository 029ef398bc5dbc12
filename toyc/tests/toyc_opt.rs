//! `-O` (LANGUAGE.md contract item 8): optimized programs behave as
//! unoptimized ones on both backends (`build` and `run`), their objects
//! pass `llvm-dwarfdump-19 --verify`, toyc inlines exactly the calls its
//! policy names (one `DW_TAG_inlined_subroutine` per inlined call), and
//! in gdb an inlined call is a frame of its own in `bt`, with its
//! arguments, where `break CALLEE` stops.

#[allow(dead_code)] // only toyc_path, backends, dwarf and require_tool are used here
mod debugger;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn toyc() -> PathBuf {
    debugger::toyc_path(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap_or_else(|e| panic!("{e}"))
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("toyc_opt")
        .join(name);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn toyc_cmd(args: &[&str], file: &Path) -> Output {
    Command::new(toyc())
        .args(args)
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .expect("run toyc")
}

/// `toyc build FILE -o OUT ARGS` must succeed.
fn build(file: &Path, out: &Path, args: &[&str]) {
    let o = Command::new(toyc())
        .arg("build")
        .arg(file)
        .arg("-o")
        .arg(out)
        .args(args)
        .output()
        .expect("run toyc");
    assert!(
        o.status.success(),
        "toyc build {} {args:?}: {}",
        file.display(),
        text(&o.stderr)
    );
}

/// Runs an executable: (exit code, stdout).
fn exec(exe: &Path) -> (Option<i32>, String) {
    let o = Command::new(exe)
        .stdin(Stdio::null())
        .output()
        .expect("run the program");
    (o.status.code(), text(&o.stdout))
}

/// `llvm-dwarfdump-19 --debug-info OBJ`.
fn debug_info(obj: &Path) -> String {
    debugger::require_tool(debugger::DWARFDUMP).unwrap_or_else(|e| panic!("{e}"));
    let o = Command::new(debugger::DWARFDUMP)
        .arg("--debug-info")
        .arg(obj)
        .output()
        .expect("run llvm-dwarfdump-19");
    assert!(o.status.success(), "{}", text(&o.stderr));
    text(&o.stdout)
}

/// Every example program, on every backend: built with `-O` (and DWARF 4
/// with `-O`) it prints the same and exits with the same code as built
/// without; `toyc run -O` too; every `-O` object passes
/// `llvm-dwarfdump-19 --verify`.
#[test]
fn every_example_behaves_the_same_with_o() {
    for backend in debugger::backends() {
        for src in debugger::example_programs() {
            let name = src.file_stem().and_then(|s| s.to_str()).unwrap_or("x");
            let dir = scratch(&format!("{name}-{backend}"));
            let plain = dir.join("plain");
            build(&src, &plain, &["--backend", backend]);
            let want = exec(&plain);
            for dwarf in ["5", "4"] {
                let opt = dir.join(format!("opt{dwarf}"));
                let obj = dir.join(format!("opt{dwarf}.o"));
                let obj_s = obj.to_str().expect("utf-8 path");
                build(
                    &src,
                    &opt,
                    &[
                        "--backend",
                        backend,
                        "-O",
                        "--dwarf",
                        dwarf,
                        "--save-object",
                        obj_s,
                    ],
                );
                assert_eq!(exec(&opt), want, "{name} {backend} -O --dwarf {dwarf}");
                debugger::dwarf::verify_object(&obj).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
            let o = toyc_cmd(&["run", "-O", "--backend", backend], &src);
            assert_eq!(
                (o.status.code(), text(&o.stdout)),
                want,
                "{name} {backend}: toyc run -O: {}",
                text(&o.stderr)
            );
        }
    }
}

const INLINE: &str = "\
fn square(x: i64) -> i64 {
    let y = x * x;
    return y;
}
fn looped(n: i64) -> i64 {
    let i = 0;
    while i < n { i = i + 1; }
    return i;
}
fn fact(n: i64) -> i64 {
    if n < 2 { return 1; }
    return n * fact(n - 1);
}
fn say(b: bool) {
    if b { print(\"yes\"); } else { print(\"no\"); }
}
fn main() -> i32 {
    let a = square(3);
    let f = square;
    let b = square(a) + f(2);
    say(b > 80);
    print(a, \" \", b, \" \", looped(4), \" \", fact(5));
    return 0;
}
";

/// toyc's inlining policy (`-O`, Cranelift): the two direct calls of the
/// small leaf `square` and the one of `say` (unit, an `if`) are inlined —
/// three inlined copies, each with its parameter and `square`'s local
/// `y` — while `looped` (a `while`), the recursive `fact` and the call
/// through a function value are not. `say` loses its out-of-line code,
/// `square` (its address is taken) keeps it. Without `-O` nothing is inlined. The
/// program's output is the same either way (edge 100: a function both
/// inlined and called through its address).
#[test]
fn small_leaf_functions_are_inlined_with_their_variables() {
    let dir = scratch("inline");
    let src = dir.join("inline.toy");
    std::fs::write(&src, INLINE).expect("write source");
    let (obj, obj0) = (dir.join("o.o"), dir.join("p.o"));
    build(
        &src,
        &dir.join("o"),
        &["-O", "--save-object", obj.to_str().unwrap_or("")],
    );
    build(
        &src,
        &dir.join("p"),
        &["--save-object", obj0.to_str().unwrap_or("")],
    );
    assert_eq!(exec(&dir.join("o")), (Some(0), "yes\n9 85 4 120\n".into()));
    assert_eq!(exec(&dir.join("p")), exec(&dir.join("o")));
    let info = debug_info(&obj);
    let inlined: Vec<&str> = info
        .split("DW_TAG_inlined_subroutine")
        .skip(1)
        .map(|s| s.split("\n\n").next().unwrap_or(""))
        .collect();
    let origin = |n: &str| inlined.iter().filter(|s| s.contains(n)).count();
    assert_eq!(inlined.len(), 3, "{info}");
    assert_eq!(origin("\"square\""), 2, "{info}");
    assert_eq!(origin("\"say\""), 1, "{info}");
    // Each copy's parameter and local refer to the abstract ones.
    let refs = |n: &str| {
        info.lines()
            .filter(|l| l.contains("DW_AT_abstract_origin") && l.ends_with(n))
            .count()
    };
    assert_eq!(
        (refs("\"x\")"), refs("\"y\")"), refs("\"b\")")),
        (2, 2, 1),
        "{info}"
    );
    assert!(info.contains("DW_AT_inline"), "{info}");
    assert!(!debug_info(&obj0).contains("DW_TAG_inlined_subroutine"));
    // `say`, all of whose calls were inlined, has no code left; `square`,
    // whose address is taken, keeps its own.
    let symbols = |o: &Path| {
        let bytes = std::fs::read(o).expect("read the object");
        let file = object::File::parse(&*bytes).expect("parse the object");
        use object::{Object, ObjectSymbol};
        file.symbols()
            .filter(|s| s.is_definition())
            .filter_map(|s| s.name().ok().map(str::to_string))
            .collect::<Vec<_>>()
    };
    let (opt, plain) = (symbols(&obj), symbols(&obj0));
    assert!(plain.iter().any(|s| s == "say") && !opt.iter().any(|s| s == "say"));
    assert!(opt.iter().any(|s| s == "square"), "{opt:?}");
    debugger::dwarf::verify_object(&obj).unwrap_or_else(|e| panic!("{e}"));
}

/// gdb on `stack_machine.toy` built with `-O` (Cranelift): `vm::push` is
/// inlined into `vm::exec` (its 3 calls; no out-of-line copy is left);
/// `break vm::push` binds in every inlined copy, stops in one with its
/// arguments, `bt`
/// shows `vm::push` as frame #0 inlined into frame #1 `vm::exec` (no
/// return address: the same code), and its locals and arguments read
/// right (`v` is 6, the stack is still empty).
#[test]
fn gdb_stops_in_an_inlined_copy_and_shows_its_frame() {
    debugger::require_tool("gdb").unwrap_or_else(|e| panic!("{e}"));
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/programs/stack_machine.toy");
    let dir = scratch("gdb");
    let exe = dir.join("stack_machine");
    build(&src, &exe, &["-O"]);
    let o = Command::new("gdb")
        .args([
            "-nx",
            "-batch",
            "-ex",
            "break vm::push",
            "-ex",
            "run",
            "-ex",
            "bt",
        ])
        .args(["-ex", "print v", "-ex", "print s->len", "-ex", "info frame"])
        .arg(&exe)
        .stdin(Stdio::null())
        .output()
        .expect("run gdb");
    let out = text(&o.stdout);
    let has = |s: &str| out.contains(s);
    assert!(has("Breakpoint 1 at 0x"), "{out}");
    assert!(has("vm::push. (3 locations)"), "{out}");
    assert!(has(", vm::push (s=0x"), "{out}");
    assert!(has("#0  vm::push (s=0x"), "{out}");
    assert!(has(", v=6) at "), "{out}");
    assert!(has("#1  vm::exec (s=0x"), "{out}");
    assert!(has("stack_machine.toy:30\n"), "{out}");
    assert!(has("$1 = 6\n$2 = 0\n"), "{out}");
    assert!(has("inlined into frame 1"), "{out}");
}

/// Edge 101: `-O --no-debug` inlines without debug info (no DWARF at
/// all) and the program still runs the same.
#[test]
fn optimize_without_debug_info() {
    let dir = scratch("nodebug");
    let src = dir.join("inline.toy");
    std::fs::write(&src, INLINE).expect("write source");
    let obj = dir.join("o.o");
    build(
        &src,
        &dir.join("o"),
        &[
            "-O",
            "--no-debug",
            "--save-object",
            obj.to_str().unwrap_or(""),
        ],
    );
    assert_eq!(exec(&dir.join("o")), (Some(0), "yes\n9 85 4 120\n".into()));
    let bytes = std::fs::read(&obj).expect("object");
    assert!(!bytes.windows(11).any(|w| w == b".debug_info"));
}

const SSA: &str = "\
fn noise(k: i64) -> i64 {
    let i = 0;
    while i < 2 { i = i + 1; }
    return k * 7 + i;
}
fn work(a: i64) -> i64 {
    let t = a * 3;
    let u = noise(t) + t;
    let w = u * 2;
    print(t, \" \", u, \" \", w);
    return w + t;
}
fn main() -> i32 {
    print(work(5));
    return 0;
}
";

/// `let`s in SSA values (`-O`, Cranelift): `t`, live across the call of
/// `noise`, reads 15 in `work`'s frame while `noise` runs; at lines 10
/// and 11 every value gdb shows is the right one (15, 122, 244) or
/// `<optimized out>`, never another number; `u` and `t` are still shown
/// after the call of `print` (callee-saved registers); and the objects
/// describe them with location lists.
#[test]
fn ssa_lets_show_right_values_or_optimized_out() {
    debugger::require_tool("gdb").unwrap_or_else(|e| panic!("{e}"));
    let dir = scratch("ssa");
    let src = dir.join("ssa.toy");
    std::fs::write(&src, SSA).expect("write source");
    let exe = dir.join("ssa");
    let obj = dir.join("ssa.o");
    build(
        &src,
        &exe,
        &["-O", "--save-object", obj.to_str().unwrap_or("")],
    );
    assert_eq!(exec(&exe), (Some(0), "15 122 244\n259\n".into()));
    let info = debug_info(&obj);
    assert!(
        info.contains("DW_AT_location\t(0x"),
        "no location list:\n{info}"
    );
    let o = Command::new("gdb")
        .args([
            "-nx",
            "-batch",
            "-ex",
            "break noise",
            "-ex",
            "run",
            "-ex",
            "up",
        ])
        .args([
            "-ex",
            "print t",
            "-ex",
            "print a",
            "-ex",
            "break ssa.toy:10",
        ])
        .args([
            "-ex",
            "continue",
            "-ex",
            "info locals",
            "-ex",
            "break ssa.toy:11",
        ])
        .args(["-ex", "continue", "-ex", "info locals"])
        .arg(&exe)
        .stdin(Stdio::null())
        .output()
        .expect("run gdb");
    let out = text(&o.stdout);
    assert!(out.contains("#1  0x"), "{out}");
    assert!(out.contains("in work (a=5) at "), "{out}");
    assert!(out.contains("$1 = 15\n$2 = 5\n"), "{out}");
    let after_call = out.split("ssa.toy:11").nth(1).unwrap_or("");
    assert!(after_call.contains("u = 122\n"), "{out}");
    assert!(after_call.contains("t = 15\n"), "{out}");
    for line in out.lines() {
        for (name, right) in [("t", "15"), ("u", "122"), ("w", "244")] {
            if let Some(v) = line.strip_prefix(&format!("{name} = ")) {
                assert!(v == right || v == "<optimized out>", "{name} = {v}:\n{out}");
            }
        }
    }
}

/// The same inlined copy in lldb-19: `b vm::push` binds 3 locations and
/// `bt` shows `vm::exec [inlined] vm::push(s=.., v=6)` above the frame of
/// `vm::exec` itself.
#[test]
fn lldb_shows_the_inlined_frame_with_its_arguments() {
    debugger::require_tool("lldb-19").unwrap_or_else(|e| panic!("{e}"));
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/programs/stack_machine.toy");
    let dir = scratch("lldb");
    let exe = dir.join("stack_machine");
    build(&src, &exe, &["-O"]);
    let o = Command::new("lldb-19")
        .args(["-b", "-o", "b vm::push", "-o", "run", "-o", "bt"])
        .arg(&exe)
        .stdin(Stdio::null())
        .output()
        .expect("run lldb-19");
    let out = text(&o.stdout);
    assert!(out.contains("Breakpoint 1: 3 locations."), "{out}");
    assert!(
        out.contains("frame #0: 0x") && out.contains("`vm::exec [inlined] vm::push(s=0x"),
        "{out}"
    );
    assert!(out.contains(", v=6) at stack_machine.toy:18"), "{out}");
    assert!(out.contains("frame #1: 0x"), "{out}");
    assert!(out.contains("`vm::exec(s=0x"), "{out}");
}

/// The size of the `.text` section of the ELF object at `path`.
fn text_size(path: &Path) -> u64 {
    use object::{Object, ObjectSection};
    let bytes = std::fs::read(path).expect("read the object");
    let file = object::File::parse(&*bytes).expect("parse the object");
    file.section_by_name(".text").map_or(0, |s| s.size())
}

/// `toyc run --backend llvm -O` really runs LLVM's `-O2` pipeline on the
/// object its JIT links (the child `toyc object` gets `-O`): arrays.toy's
/// code shrinks (measured: 634 bytes of `.text` to 43), and the program
/// prints the same.
#[test]
fn run_with_llvm_and_o_links_an_optimized_object() {
    if !debugger::llvm_requested() {
        return;
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/programs/arrays.toy");
    let dir = scratch("run_llvm");
    let (plain, opt) = (dir.join("plain.o"), dir.join("opt.o"));
    let mut outs = Vec::new();
    for (image, extra) in [(&plain, &[][..]), (&opt, &["-O"][..])] {
        let o = Command::new(toyc())
            .args(["run", "--backend", "llvm", "--save-image"])
            .arg(image)
            .args(extra)
            .arg(&src)
            .output()
            .expect("run toyc");
        outs.push((o.status.code(), text(&o.stdout)));
    }
    assert_eq!(outs.first(), outs.get(1));
    let (a, b) = (text_size(&plain), text_size(&opt));
    assert!(b > 0 && b * 2 < a, "-O .text {b} bytes vs {a} without");
}
