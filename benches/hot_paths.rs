//! Criterion benches of the library's hot paths, on the workload of
//! `examples/bench_emit` (see BENCHMARKS.md):
//!
//! * `type_lookup/hit`: `resolve_type` of a handle seen before (fast path);
//! * `type_lookup/miss_same_uid`: a new handle describing an existing type
//!   (describe, identity, unique-ID hit);
//! * `stub_completion`: a new recursive struct (stub, pointer to itself,
//!   completion);
//! * `function_20_rows`: one function with its variables, 19 located rows,
//!   `define_function_code` and `set_variable_location`;
//! * `finalize/1000`: `finish` + `write_into` + ELF writing of the scale-1000
//!   workload;
//! * `emit/{gimli,raw}/1000`: the whole workload through the backend and
//!   through the hand-written baseline.

#[path = "../examples/bench_emit/raw.rs"]
mod raw;
#[path = "../examples/bench_emit/workload.rs"]
mod workload;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use dwarfsmith::{
    CodeRow, CompositeDesc, DebugContext, FrontendTy, FunctionDesc, GimliBackend, NominalKey,
    TypeDesc, TypeSource, VarLocation,
};

const SCALE: u64 = 1000;

/// The workload's types, plus endless fresh handles: `ALIAS_BASE + k`
/// describes workload handle `k % SPAN` (a new handle, an existing unique
/// ID), `FRESH_BASE + 2k` a new recursive struct and `FRESH_BASE + 2k + 1`
/// a pointer to it.
struct Source(workload::Types);

const SPAN: u64 = 1 << 20;
const ALIAS_BASE: u64 = 1 << 40;
const FRESH_BASE: u64 = 1 << 50;

impl TypeSource for Source {
    fn describe(&mut self, t: FrontendTy) -> Result<TypeDesc, String> {
        if t.0 >= FRESH_BASE {
            let k = (t.0 - FRESH_BASE) / 2;
            if (t.0 - FRESH_BASE) % 2 == 1 {
                return Ok(TypeDesc::Pointer {
                    pointee: FrontendTy(FRESH_BASE + 2 * k),
                });
            }
            return Ok(TypeDesc::Struct(
                CompositeDesc::new(NominalKey::new(7, k), format!("Fresh{k}"), 16, 8)
                    .field("value", workload::base(workload::B_I64, k), 0)
                    .field("next", FrontendTy(t.0 + 1), 8),
            ));
        }
        if t.0 >= ALIAS_BASE {
            let k = (t.0 - ALIAS_BASE) % SPAN;
            return self
                .0
                .describe(workload::ty(k % workload::groups(SCALE), k % 7, 0));
        }
        self.0.describe(t)
    }
}

/// A context with the scale-1000 workload emitted.
fn emitted() -> (DebugContext<GimliBackend>, Source) {
    let mut cx = workload::gimli_context().expect("context");
    workload::emit(&mut cx, SCALE).expect("workload");
    let file = cx
        .file(std::path::Path::new(&workload::file_path(0)))
        .expect("file");
    (cx, Source(workload::Types { file }))
}

fn type_lookup(c: &mut Criterion) {
    let (mut cx, mut src) = emitted();
    let hit = workload::ty(3, workload::K_TAGGED, 1);
    cx.resolve_type(&mut src, hit).expect("resolve");
    c.bench_function("type_lookup/hit", |b| {
        b.iter(|| cx.resolve_type(&mut src, black_box(hit)).expect("resolve"))
    });
    let mut k = 0;
    c.bench_function("type_lookup/miss_same_uid", |b| {
        b.iter(|| {
            k += 1;
            cx.resolve_type(&mut src, FrontendTy(ALIAS_BASE + k))
                .expect("resolve")
        })
    });
}

fn stub_completion(c: &mut Criterion) {
    let (mut cx, mut src) = emitted();
    let mut k = 0;
    c.bench_function("stub_completion", |b| {
        b.iter(|| {
            k += 1;
            cx.resolve_type(&mut src, FrontendTy(FRESH_BASE + 2 * k))
                .expect("resolve")
        })
    });
}

fn function_rows(c: &mut Criterion) {
    let (mut cx, mut src) = emitted();
    let file = cx
        .file(std::path::Path::new(&workload::file_path(1)))
        .expect("file");
    let int = cx
        .resolve_type(&mut src, workload::base(workload::B_I64, 0))
        .expect("i64");
    let mut i = 0u64;
    let mut rows = Vec::with_capacity(workload::ROWS as usize);
    c.bench_function("function_20_rows", |b| {
        b.iter(|| {
            i += 1;
            let name = format!("g{i}");
            let f = cx
                .define_function(&FunctionDesc {
                    name: &name,
                    linkage_name: &name,
                    namespace: None,
                    file,
                    line: 7,
                    ret: Some(int),
                    params: &[int],
                    external: true,
                    method_of: None,
                })
                .expect("function");
            cx.enter_function(f).expect("enter");
            let body = cx.function_scope(f).expect("scope");
            let p = cx.declare_parameter(f, "x", 1, int, 7, 3).expect("param");
            cx.start_emitting_source_locations().expect("start");
            let blk = cx.lexical_block(body, file, 8, 1).expect("block");
            let v = cx.declare_local(blk, "y", int, 8, 5).expect("local");
            rows.clear();
            rows.push(CodeRow {
                offset: 0,
                loc: None,
            });
            for j in 1..workload::ROWS {
                let s = if (6..=12).contains(&j) { blk } else { body };
                let loc = cx.set_source_location(s, 8 + j as u32 / 2, 1).expect("loc");
                rows.push(CodeRow {
                    offset: workload::row_offset(j),
                    loc,
                });
            }
            cx.exit_function().expect("exit");
            cx.define_function_code(f, workload::CODE_SIZE, &rows)
                .expect("code");
            cx.set_variable_location(p, VarLocation::Register(5))
                .expect("var");
            cx.set_variable_location(v, VarLocation::FrameOffset(-8))
                .expect("var");
        })
    });
}

fn finalize(c: &mut Criterion) {
    c.bench_function("finalize/1000", |b| {
        b.iter_batched(
            || emitted().0,
            |cx| {
                let dwarf = cx.finish().expect("finish");
                let mut obj = workload::text_object(SCALE);
                dwarf.write_into(&mut obj).expect("write_into");
                obj.write().expect("elf")
            },
            BatchSize::LargeInput,
        )
    });
}

fn emit(c: &mut Criterion) {
    c.bench_function("emit/gimli/1000", |b| {
        b.iter(|| workload::run_gimli(SCALE).expect("gimli"))
    });
    c.bench_function("emit/raw/1000", |b| b.iter(|| raw::run_raw(SCALE)));
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = type_lookup, stub_completion, function_rows, finalize, emit
}
criterion_main!(benches);
