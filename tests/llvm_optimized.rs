//! Optimized code through the LLVM backend, checked by llvm-dwarfdump-19
//! (`--verify`, `--statistics`) and gdb on the linked program:
//!
//! * a frontend-inlined copy of `square` in `main` (an `inlined_call`
//!   scope with a parameter, a nested lexical block and a local), emitted at
//!   `-O0`: gdb stops at `break square` in the copy, shows it as an inlined
//!   frame with its argument;
//! * the same program without frontend inlining emitted with
//!   [`OptLevel::O2`]: LLVM's own inliner copies `square` into `main` and
//!   its passes move the variables into registers (location lists);
//! * inlined calls nested two deep, each copy's `inlinedAt` chaining to its
//!   parent's (gdb and lldb-19 show both inlined frames).
#![cfg(any(feature = "llvm19", feature = "llvm22"))]

mod common;

use std::path::Path;

use common::llvm::{cu, link, table, I32};
use common::{check_object, dwarfdump};
use common::{gdb, lldb};
use dwarfsmith::backend::llvm::{LlvmBackend, LlvmContext, LlvmOptions, OptLevel};
use dwarfsmith::{DebugContext, FrontendTy, FunctionDesc, TypeRef};

/// How the program is built.
#[derive(Clone, Copy)]
struct Mode {
    /// `main`'s first call of `square` is inlined by the frontend.
    frontend_inline: bool,
    /// `square` has code of its own (else `define_function_without_code`).
    square_code: bool,
    level: OptLevel,
    /// DWARF 4 or 5.
    dwarf_version: u16,
}

fn fdesc<'a>(
    name: &'a str,
    file: dwarfsmith::FileId,
    line: u32,
    int: TypeRef,
    params: &'a [TypeRef],
) -> FunctionDesc<'a> {
    FunctionDesc {
        name,
        linkage_name: name,
        namespace: None,
        file,
        line,
        ret: Some(int),
        params,
        external: true,
        method_of: None,
    }
}

/// The program (the DWARF refers to these lines):
///
/// ```c
///  1 int square(int x) {
///  2   {
///  3     int y = x * x;
///  4     return y;
///  5   }
///  6 }
///  7 int main(int argc) {
///  8   int a = argc + 6;
///  9   int r = square(a);
/// 10   return r - 49;
/// 11 }
/// ```
fn build(mode: Mode) -> (Vec<u8>, String) {
    let ctx = LlvmContext::new();
    let module = ctx.create_module("opt").unwrap();
    let i32t = ctx.int_type(32).unwrap();
    let fn_t = ctx.function_type(i32t, &[i32t], false).unwrap();
    let main_fn = module.add_function("main", fn_t).unwrap();
    let builder = module.create_builder();
    let opts = LlvmOptions {
        dwarf_version: mode.dwarf_version,
    };
    let mut cx = DebugContext::new(LlvmBackend::new(&module, opts).unwrap(), &cu()).unwrap();
    cx.set_llvm_builder(&builder).unwrap();
    let mut t = table();
    let file = cx.file(Path::new("prog.c")).unwrap();
    let int = cx.resolve_type(&mut t, FrontendTy(I32)).unwrap();
    let one = [int];
    let c = |v: i64| ctx.const_int(i32t, v as u64).unwrap();

    let sq = cx
        .define_function(&fdesc("square", file, 1, int, &one))
        .unwrap();
    let square_fn = if mode.square_code {
        let f = module.add_function("square", fn_t).unwrap();
        let entry = f.append_block("entry").unwrap();
        builder.position_at_end(entry).unwrap();
        cx.enter_function(sq).unwrap();
        let x = cx.declare_parameter(sq, "x", 1, int, 1, 16).unwrap();
        let xa = builder.alloca(i32t, "x.addr").unwrap();
        let ya = builder.alloca(i32t, "y").unwrap();
        builder.store(f.param(0).unwrap(), xa).unwrap();
        cx.declare_llvm_variable(x, xa, entry).unwrap();
        cx.start_emitting_source_locations().unwrap();
        let body = cx.function_scope(sq).unwrap();
        let blk = cx.lexical_block(body, file, 2, 3).unwrap();
        cx.set_source_location(blk, 3, 13).unwrap();
        let y = cx.declare_local(blk, "y", int, 3, 9).unwrap();
        cx.declare_llvm_variable(y, ya, entry).unwrap();
        let xv = builder.load(i32t, xa, "").unwrap();
        let p = builder.mul(xv, xv, "").unwrap();
        builder.store(p, ya).unwrap();
        cx.set_source_location(blk, 4, 5).unwrap();
        let r = builder.load(i32t, ya, "").unwrap();
        builder.ret(Some(r)).unwrap();
        cx.exit_function().unwrap();
        Some(f)
    } else {
        cx.define_function_without_code(sq).unwrap();
        None
    };

    let main = cx
        .define_function(&fdesc("main", file, 7, int, &one))
        .unwrap();
    cx.attach_llvm_function(main, main_fn).unwrap();
    let body = cx.function_scope(main).unwrap();
    let entry = main_fn.append_block("entry").unwrap();
    builder.position_at_end(entry).unwrap();
    cx.enter_function(main).unwrap();
    let argc = cx.declare_parameter(main, "argc", 1, int, 7, 14).unwrap();
    let argca = builder.alloca(i32t, "argc.addr").unwrap();
    let aa = builder.alloca(i32t, "a").unwrap();
    let ra = builder.alloca(i32t, "r").unwrap();
    builder.store(main_fn.param(0).unwrap(), argca).unwrap();
    cx.declare_llvm_variable(argc, argca, entry).unwrap();
    cx.start_emitting_source_locations().unwrap();
    cx.set_source_location(body, 8, 11).unwrap();
    let a = cx.declare_local(body, "a", int, 8, 7).unwrap();
    cx.declare_llvm_variable(a, aa, entry).unwrap();
    let v = builder.load(i32t, argca, "").unwrap();
    let v = builder.add(v, c(6), "").unwrap();
    builder.store(v, aa).unwrap();
    cx.set_source_location(body, 9, 11).unwrap();
    let r = cx.declare_local(body, "r", int, 9, 7).unwrap();
    cx.declare_llvm_variable(r, ra, entry).unwrap();
    let av = builder.load(i32t, aa, "").unwrap();
    let first = if mode.frontend_inline {
        // `square(a)` inlined: x bound at the call, the body at square's
        // lines, in the copy's scope.
        let call = cx.inlined_call(body, sq, file, 9, 11).unwrap();
        let x = cx
            .declare_inlined_parameter(call, "x", 1, int, 1, 16)
            .unwrap();
        let xa = builder.alloca(i32t, "x.inl").unwrap();
        let ya = builder.alloca(i32t, "y.inl").unwrap();
        builder.store(av, xa).unwrap();
        cx.declare_llvm_variable(x, xa, entry).unwrap();
        let blk = cx.lexical_block(call, file, 2, 3).unwrap();
        cx.set_source_location(blk, 3, 13).unwrap();
        let y = cx.declare_local(blk, "y", int, 3, 9).unwrap();
        cx.declare_llvm_variable(y, ya, entry).unwrap();
        let xv = builder.load(i32t, xa, "").unwrap();
        let p = builder.mul(xv, xv, "").unwrap();
        builder.store(p, ya).unwrap();
        cx.set_source_location(blk, 4, 5).unwrap();
        let v = builder.load(i32t, ya, "").unwrap();
        cx.set_source_location(body, 9, 7).unwrap();
        v
    } else {
        let f = square_fn.expect("a call needs square's code");
        builder.call(f, &[av], "").unwrap()
    };
    builder.store(first, ra).unwrap();
    cx.set_source_location(body, 10, 14).unwrap();
    let rv = builder.load(i32t, ra, "").unwrap();
    let out = builder.add(rv, c(-49), "").unwrap();
    cx.set_source_location(body, 10, 3).unwrap();
    builder.ret(Some(out)).unwrap();
    cx.exit_function().unwrap();
    cx.finish().unwrap();
    let obj = module.emit_object_with(mode.level).unwrap();
    (obj, module.print_to_string().unwrap())
}

const FRONTEND_INLINED: Mode = Mode {
    frontend_inline: true,
    square_code: true,
    level: OptLevel::O0,
    dwarf_version: 5,
};

/// The values gdb shows for `x` in `square` frames: each `x=...` of the
/// output.
fn shown_x(out: &str) -> Vec<&str> {
    out.split("square (x=")
        .skip(1)
        .map(|s| s.split(')').next().unwrap_or(""))
        .collect()
}

/// The metadata line `!N = ...` that the `!dbg`-like last operand of the
/// declare record of `storage` refers to.
fn declare_location<'a>(ir: &'a str, storage: &str) -> &'a str {
    let rec = ir
        .lines()
        .find(|l| l.contains("#dbg_declare(ptr ") && l.contains(&format!("ptr {storage},")))
        .unwrap_or_else(|| panic!("no declare of {storage}:\n{ir}"));
    let id = rec
        .trim_end()
        .trim_end_matches(')')
        .rsplit(", ")
        .next()
        .unwrap();
    ir.lines()
        .find(|l| l.starts_with(&format!("{id} = ")))
        .unwrap_or_else(|| panic!("no {id}:\n{ir}"))
}

#[test]
fn frontend_inlined_copy_is_an_inlined_subroutine_with_inlined_declares() {
    for square_code in [true, false] {
        let mode = Mode {
            square_code,
            ..FRONTEND_INLINED
        };
        let (obj, ir) = build(mode);
        let name = format!("llvm_inl_{square_code}.o");
        let s = check_object(&name, &obj);
        assert_eq!(
            s.tags.get("DW_TAG_inlined_subroutine"),
            Some(&1),
            "{:?}",
            s.tags
        );
        let info = dwarfdump(&name, &obj, &["--debug-info"]);
        assert!(info.contains("DW_AT_call_line\t(9)"), "{info}");
        assert!(info.contains("DW_AT_call_column\t(11)"), "{info}");
        assert!(info.contains("DW_AT_inline\t(DW_INL_inlined)"), "{info}");
        // The copy's parameter and its block's local, both located.
        for (storage, var) in [("%x.inl", "\"x\""), ("%y.inl", "\"y\"")] {
            let loc = declare_location(&ir, storage);
            assert!(loc.contains("inlinedAt: "), "{storage}: {loc}\n{ir}");
            assert!(info.contains(var), "{info}");
        }
        // main's own variables are not inlined.
        assert!(!declare_location(&ir, "%a").contains("inlinedAt"), "{ir}");
        // The copy's variables are the callee's: scoped in square's
        // subprogram (x) and in a block under it (y).
        let x_var = ir
            .lines()
            .find(|l| l.contains("DILocalVariable(name: \"x\""))
            .unwrap();
        let scope = x_var
            .split("scope: ")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap();
        let sp = ir
            .lines()
            .find(|l| l.starts_with(&format!("{scope} = ")))
            .unwrap();
        assert!(sp.contains("DISubprogram(name: \"square\""), "{sp}");
        assert!(sp.starts_with(&format!("{scope} = distinct ")), "{sp}");
    }
}

#[test]
fn gdb_stops_in_the_frontend_inlined_copy() {
    let (obj, _) = build(FRONTEND_INLINED);
    let exe = link("llvm_inl_gdb", &obj);
    let out = gdb(&exe, &["break square", "run", "bt", "print x", "continue"]);
    // Two locations: square's own code (never called) and the copy, where
    // it stops, in a frame of its own inside main:9.
    assert!(out.contains("(2 locations)"), "{out}");
    assert!(out.contains(", square (x=7) at prog.c:3"), "{out}");
    assert!(out.contains("#1  main (argc=1) at prog.c:9"), "{out}");
    assert!(out.contains("$1 = 7"), "{out}");
    // main returns r - 49 == 0: the copy computed 49.
    assert!(out.contains("exited normally"), "{out}");
}

#[test]
fn gdb_stops_in_an_inlined_copy_of_a_function_without_code() {
    let (obj, _) = build(Mode {
        square_code: false,
        ..FRONTEND_INLINED
    });
    let exe = link("llvm_inl_nocode_gdb", &obj);
    let out = gdb(&exe, &["break square", "run", "bt", "print x", "finish"]);
    assert!(out.contains("square (x=7) at prog.c:3"), "{out}");
    assert!(out.contains("main (argc=1) at prog.c:9"), "{out}");
    assert!(out.contains("$1 = 7"), "{out}");
}

const LLVM_INLINED: Mode = Mode {
    frontend_inline: false,
    square_code: true,
    level: OptLevel::O2,
    dwarf_version: 5,
};

/// A number of `llvm-dwarfdump-19 --statistics` (a flat JSON object).
fn statistic(stats: &str, key: &str) -> u64 {
    let at = stats
        .find(&format!("\"{key}\":"))
        .unwrap_or_else(|| panic!("no {key} in {stats}"));
    stats[at + key.len() + 3..]
        .trim_start()
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{key} is not a number in {stats}"))
}

#[test]
fn o2_inlines_square_and_keeps_valid_debug_info() {
    let (obj, ir) = build(LLVM_INLINED);
    let s = check_object("llvm_o2.o", &obj);
    // LLVM's inliner made the copy (the frontend made none): the IR the
    // frontend holds is unoptimized, the object is not.
    assert!(!ir.contains("inlinedAt"), "{ir}");
    assert!(
        s.tags
            .get("DW_TAG_inlined_subroutine")
            .is_some_and(|&n| n >= 1),
        "{:?}",
        s.tags
    );
    let info = dwarfdump("llvm_o2.o", &obj, &["--debug-info"]);
    assert!(info.contains("DW_AT_call_line\t(9)"), "{info}");
    let stats = dwarfdump("llvm_o2.o", &obj, &["--statistics"]);
    // Measured on LLVM 19: 6 of 7 source variables located; parameters
    // cover all their scopes' bytes, the locals part of them.
    assert!(statistic(&stats, "#inlined functions") >= 1, "{stats}");
    assert!(
        statistic(&stats, "#source variables with location") > 0,
        "{stats}"
    );
    assert!(
        statistic(
            &stats,
            "sum_all_params(#bytes in parent scope covered by DW_AT_location)"
        ) > 0,
        "{stats}"
    );
    // The same module emitted at -O0 has no inlined copy.
    let (o0, _) = build(Mode {
        level: OptLevel::O0,
        ..LLVM_INLINED
    });
    let s0 = check_object("llvm_o0.o", &o0);
    assert_eq!(s0.tags.get("DW_TAG_inlined_subroutine"), None);
}

#[test]
fn o2_in_dwarf_4_verifies_with_location_lists() {
    let (obj, _) = build(Mode {
        dwarf_version: 4,
        ..LLVM_INLINED
    });
    let s = check_object("llvm_o2_v4.o", &obj);
    assert_eq!(s.tags.get("DW_TAG_inlined_subroutine"), Some(&1));
    let loc = dwarfdump("llvm_o2_v4.o", &obj, &["--debug-loc"]);
    assert!(loc.contains("DW_OP_reg"), "{loc}");
}

#[test]
fn o2_objects_are_deterministic() {
    assert!(build(LLVM_INLINED).0 == build(LLVM_INLINED).0);
}

#[test]
fn gdb_shows_llvms_inlined_frame_with_right_or_optimized_out_values() {
    let (obj, _) = build(LLVM_INLINED);
    let exe = link("llvm_o2_gdb", &obj);
    let out = gdb(
        &exe,
        &["break square", "run", "bt", "print x", "info locals"],
    );
    assert!(out.contains("(2 locations)"), "{out}");
    let (_, stop) = out
        .split_once("Breakpoint 1.")
        .unwrap_or_else(|| panic!("no stop:\n{out}"));
    assert!(stop.contains("#0  square (x="), "{out}");
    assert!(stop.contains("#1  main (argc="), "{out}");
    assert!(stop.contains("at prog.c:9"), "{out}");
    let xs = shown_x(stop);
    assert!(!xs.is_empty(), "{out}");
    for x in xs {
        assert!(x == "7" || x == "<optimized out>", "x={x}:\n{out}");
    }
    let printed = stop
        .split("$1 = ")
        .nth(1)
        .map(|s| s.lines().next().unwrap_or(""));
    assert!(
        printed == Some("7") || stop.contains("<optimized out>"),
        "{out}"
    );
}

/// `square` inlined into an inlined copy of `quad` in `main` (neither has
/// code of its own):
///
/// ```c
///  1 int square(int x) {
///  2   return x * x;
///  3 }
///  4 int quad(int q) {
///  5   int s = square(q);
///  6   return s;
///  7 }
///  8 int main(int argc) {
///  9   return quad(argc) - 1;
/// 10 }
/// ```
fn build_nested() -> (Vec<u8>, String) {
    let ctx = LlvmContext::new();
    let module = ctx.create_module("nested").unwrap();
    let i32t = ctx.int_type(32).unwrap();
    let fn_t = ctx.function_type(i32t, &[i32t], false).unwrap();
    let main_fn = module.add_function("main", fn_t).unwrap();
    let builder = module.create_builder();
    let mut cx = DebugContext::new(
        LlvmBackend::new(&module, LlvmOptions::default()).unwrap(),
        &cu(),
    )
    .unwrap();
    cx.set_llvm_builder(&builder).unwrap();
    let file = cx.file(Path::new("prog.c")).unwrap();
    let int = cx.resolve_type(&mut table(), FrontendTy(I32)).unwrap();
    let one = [int];
    let sq = cx
        .define_function(&fdesc("square", file, 1, int, &one))
        .unwrap();
    cx.define_function_without_code(sq).unwrap();
    let quad = cx
        .define_function(&fdesc("quad", file, 4, int, &one))
        .unwrap();
    cx.define_function_without_code(quad).unwrap();
    let main = cx
        .define_function(&fdesc("main", file, 8, int, &one))
        .unwrap();
    let body = cx.function_scope(main).unwrap();
    let entry = main_fn.append_block("entry").unwrap();
    builder.position_at_end(entry).unwrap();
    cx.enter_function(main).unwrap();
    let slot = |name: &str| builder.alloca(i32t, name).unwrap();
    let (argca, qa, sa, xa) = (
        slot("argc.addr"),
        slot("q.inl"),
        slot("s.inl"),
        slot("x.inl"),
    );
    builder.store(main_fn.param(0).unwrap(), argca).unwrap();
    let argc = cx.declare_parameter(main, "argc", 1, int, 8, 14).unwrap();
    cx.declare_llvm_variable(argc, argca, entry).unwrap();
    cx.start_emitting_source_locations().unwrap();
    cx.set_source_location(body, 9, 10).unwrap();
    let v = builder.load(i32t, argca, "").unwrap();
    let qcall = cx.inlined_call(body, quad, file, 9, 10).unwrap();
    let q = cx
        .declare_inlined_parameter(qcall, "q", 1, int, 4, 14)
        .unwrap();
    cx.declare_llvm_variable(q, qa, entry).unwrap();
    builder.store(v, qa).unwrap();
    cx.set_source_location(qcall, 5, 11).unwrap();
    let s = cx.declare_local(qcall, "s", int, 5, 7).unwrap();
    cx.declare_llvm_variable(s, sa, entry).unwrap();
    let qv = builder.load(i32t, qa, "").unwrap();
    let scall = cx.inlined_call(qcall, sq, file, 5, 11).unwrap();
    let x = cx
        .declare_inlined_parameter(scall, "x", 1, int, 1, 16)
        .unwrap();
    cx.declare_llvm_variable(x, xa, entry).unwrap();
    builder.store(qv, xa).unwrap();
    cx.set_source_location(scall, 2, 12).unwrap();
    let xv = builder.load(i32t, xa, "").unwrap();
    let p = builder.mul(xv, xv, "").unwrap();
    cx.set_source_location(qcall, 5, 7).unwrap();
    builder.store(p, sa).unwrap();
    cx.set_source_location(qcall, 6, 10).unwrap();
    let sv = builder.load(i32t, sa, "").unwrap();
    cx.set_source_location(body, 9, 21).unwrap();
    let out = builder
        .add(sv, ctx.const_int(i32t, (-1i64) as u64).unwrap(), "")
        .unwrap();
    builder.ret(Some(out)).unwrap();
    cx.exit_function().unwrap();
    cx.finish().unwrap();
    let obj = module.emit_object().unwrap();
    (obj, module.print_to_string().unwrap())
}

/// The `inlinedAt` target of a `DILocation` line, as its `!N = ` line.
fn inlined_at<'a>(ir: &'a str, loc: &str) -> &'a str {
    let id = loc
        .split("inlinedAt: ")
        .nth(1)
        .unwrap_or_else(|| panic!("not inlined: {loc}"))
        .split(')')
        .next()
        .unwrap();
    ir.lines()
        .find(|l| l.starts_with(&format!("{id} = ")))
        .unwrap()
}

#[test]
fn nested_inlined_calls_chain_their_inlined_at_locations() {
    let (obj, ir) = build_nested();
    let s = check_object("llvm_nested.o", &obj);
    assert_eq!(
        s.tags.get("DW_TAG_inlined_subroutine"),
        Some(&2),
        "{:?}",
        s.tags
    );
    // x (in square's copy) is inlined at quad's line 5, itself inlined at
    // main's line 9; q only at main's line 9.
    let x_at = inlined_at(&ir, declare_location(&ir, "%x.inl"));
    assert!(x_at.contains("line: 5, column: 11"), "{x_at}");
    let q_at = inlined_at(&ir, x_at);
    assert!(q_at.contains("line: 9, column: 10"), "{q_at}");
    assert!(!q_at.contains("inlinedAt"), "{q_at}");
    assert_eq!(inlined_at(&ir, declare_location(&ir, "%q.inl")), q_at);
    // square's copy is nested in quad's.
    let info = dwarfdump("llvm_nested.o", &obj, &["--debug-info"]);
    let outer = info.find("DW_AT_call_line\t(9)").expect("quad's copy");
    let inner = info.find("DW_AT_call_line\t(5)").expect("square's copy");
    assert!(outer < inner, "{info}");
    let exe = link("llvm_nested_gdb", &obj);
    let out = gdb(&exe, &["break square", "run", "bt", "print x", "continue"]);
    assert!(out.contains("#0  square (x=1) at prog.c:2"), "{out}");
    assert!(out.contains("#1  quad (q=1) at prog.c:5"), "{out}");
    assert!(out.contains("#2  main (argc=1) at prog.c:9"), "{out}");
    assert!(out.contains("$1 = 1"), "{out}");
    assert!(out.contains("exited normally"), "{out}");
    let out = lldb(&exe, &["b square", "run", "bt", "frame variable x"]);
    assert!(
        out.contains("main [inlined] square(x=1) at prog.c:2:12"),
        "{out}"
    );
    assert!(
        out.contains("main [inlined] quad(q=1) at prog.c:5:11"),
        "{out}"
    );
    assert!(out.contains("main(argc=1) at prog.c:9:10"), "{out}");
    assert!(out.contains("(int) x = 1"), "{out}");
}

#[test]
fn frontend_inlined_copy_survives_o2() {
    let (obj, _) = build(Mode {
        level: OptLevel::O2,
        ..FRONTEND_INLINED
    });
    let s = check_object("llvm_inl_o2.o", &obj);
    assert_eq!(
        s.tags.get("DW_TAG_inlined_subroutine"),
        Some(&1),
        "{:?}",
        s.tags
    );
    let exe = link("llvm_inl_o2_gdb", &obj);
    let out = gdb(&exe, &["break square", "run", "bt", "print x", "continue"]);
    assert!(out.contains("#1  main (argc="), "{out}");
    let xs = shown_x(&out);
    assert!(!xs.is_empty(), "{out}");
    for x in xs {
        assert!(x == "7" || x == "<optimized out>", "x={x}:\n{out}");
    }
    assert!(out.contains("exited normally"), "{out}");
}
