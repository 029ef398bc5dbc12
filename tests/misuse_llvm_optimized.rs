//! Misuse cases 96-99: inlined calls and optimized emission through the
//! LLVM backend. Each bad input gets a typed error whose message says what
//! to fix, never a crash in LLVM's verifier, inliner or code generator;
//! after the error the context still finishes and emits a verified object.
#![cfg(any(feature = "llvm19", feature = "llvm22"))]

mod common;

use std::path::Path;

use dwarfsmith::backend::llvm::{LlvmBackend, LlvmContext, LlvmOptions, OptLevel};
use dwarfsmith::{
    BaseEncoding, CompileUnit, DebugContext, Error, ErrorKind, FrontendTy, FunctionDesc, TypeDesc,
    TypeRef,
};

fn int(cx: &mut DebugContext<LlvmBackend<'_>>) -> TypeRef {
    let mut types = |_: FrontendTy| Ok::<_, String>(TypeDesc::base("int", 4, BaseEncoding::Signed));
    cx.resolve_type(&mut types, FrontendTy(1)).unwrap()
}

fn desc<'a>(
    name: &'a str,
    file: dwarfsmith::FileId,
    line: u32,
    params: &'a [TypeRef],
) -> FunctionDesc<'a> {
    FunctionDesc::new(name, name, file, line).params(params)
}

/// Case 96: an inlined call of a function of another `DebugContext` (whose
/// subprogram lives in another LLVM context). Guards against: a
/// `DILocation` scoped in another context's subprogram, which LLVM would
/// accept and then crash on or silently mix units. Expected: `ForeignHandle`
/// before anything reaches LLVM; the context then finishes and emits.
#[test]
fn case_96_inlined_call_of_a_function_of_another_context() {
    let other_ctx = LlvmContext::new();
    let other_module = other_ctx.create_module("other").unwrap();
    let mut other = DebugContext::new(
        LlvmBackend::new(&other_module, LlvmOptions::default()).unwrap(),
        &CompileUnit::new("b.c", "/m"),
    )
    .unwrap();
    let ofile = other.file(Path::new("b.c")).unwrap();
    let foreign = other
        .define_function(&desc("square", ofile, 1, &[]))
        .unwrap();
    other.define_function_without_code(foreign).unwrap();

    let ctx = LlvmContext::new();
    let module = ctx.create_module("m").unwrap();
    let i32t = ctx.int_type(32).unwrap();
    let main_fn = module
        .add_function("main", ctx.function_type(i32t, &[], false).unwrap())
        .unwrap();
    let builder = module.create_builder();
    let mut cx = DebugContext::new(
        LlvmBackend::new(&module, LlvmOptions::default()).unwrap(),
        &CompileUnit::new("a.c", "/m"),
    )
    .unwrap();
    cx.set_llvm_builder(&builder).unwrap();
    let file = cx.file(Path::new("a.c")).unwrap();
    let main = cx.define_function(&desc("main", file, 1, &[])).unwrap();
    let body = cx.function_scope(main).unwrap();
    builder
        .position_at_end(main_fn.append_block("entry").unwrap())
        .unwrap();
    cx.enter_function(main).unwrap();
    cx.start_emitting_source_locations().unwrap();
    common::assert_refused(
        cx.inlined_call(body, foreign, file, 2, 3),
        ErrorKind::ForeignHandle,
        &["another"],
    );
    cx.set_source_location(body, 2, 3).unwrap();
    builder.ret(Some(ctx.const_int(i32t, 0).unwrap())).unwrap();
    cx.exit_function().unwrap();
    cx.finish().unwrap();
    other.finish().unwrap();
    common::verify(
        "misuse96.o",
        &module.emit_object_with(OptLevel::O2).unwrap(),
    );
}

/// Which misuse [`scenario`] commits.
#[derive(PartialEq)]
enum Misuse {
    /// Case 97: the inlined copy's `x` declared with storage and block in
    /// `square`'s own LLVM function.
    DeclareInCallee,
    /// Case 98: optimized emission while the `DebugContext` is open.
    EmitBeforeFinish,
    /// Case 99: main's call of `square` emitted without a debug location.
    CallWithoutLocation,
}

/// `square(x)` with code, `main` with an inlined copy of it and (for case
/// 99) a real call; commits `misuse` and returns what the misuse returned
/// and the O2 object emitted after the context finished.
fn scenario(misuse: Misuse) -> (Result<(), Error>, Result<Vec<u8>, Error>) {
    let ctx = LlvmContext::new();
    let module = ctx.create_module("m").unwrap();
    let i32t = ctx.int_type(32).unwrap();
    let fn_t = ctx.function_type(i32t, &[i32t], false).unwrap();
    let sq_fn = module.add_function("square", fn_t).unwrap();
    let main_fn = module.add_function("main", fn_t).unwrap();
    let builder = module.create_builder();
    let mut cx = DebugContext::new(
        LlvmBackend::new(&module, LlvmOptions::default()).unwrap(),
        &CompileUnit::new("a.c", "/m"),
    )
    .unwrap();
    cx.set_llvm_builder(&builder).unwrap();
    let file = cx.file(Path::new("a.c")).unwrap();
    let int = int(&mut cx);
    let one = [int];
    let sq = cx.define_function(&desc("square", file, 1, &one)).unwrap();
    let sq_entry = sq_fn.append_block("entry").unwrap();
    builder.position_at_end(sq_entry).unwrap();
    cx.enter_function(sq).unwrap();
    let sq_slot = builder.alloca(i32t, "x.addr").unwrap();
    cx.start_emitting_source_locations().unwrap();
    cx.set_source_location(cx.function_scope(sq).unwrap(), 2, 3)
        .unwrap();
    let x = sq_fn.param(0).unwrap();
    builder.ret(Some(builder.mul(x, x, "").unwrap())).unwrap();
    cx.exit_function().unwrap();

    let main = cx.define_function(&desc("main", file, 5, &one)).unwrap();
    let body = cx.function_scope(main).unwrap();
    let entry = main_fn.append_block("entry").unwrap();
    builder.position_at_end(entry).unwrap();
    cx.enter_function(main).unwrap();
    let slot = builder.alloca(i32t, "x.inl").unwrap();
    let arg = main_fn.param(0).unwrap();
    builder.store(arg, slot).unwrap();
    let called = if misuse == Misuse::CallWithoutLocation {
        // Still in the prologue: no location applies yet.
        builder.call(sq_fn, &[arg], "").unwrap()
    } else {
        arg
    };
    cx.start_emitting_source_locations().unwrap();
    cx.set_source_location(body, 6, 3).unwrap();
    let call = cx.inlined_call(body, sq, file, 6, 10).unwrap();
    let xv = cx
        .declare_inlined_parameter(call, "x", 1, int, 1, 16)
        .unwrap();
    let misused = match misuse {
        Misuse::DeclareInCallee => cx.declare_llvm_variable(xv, sq_slot, sq_entry),
        _ => cx.declare_llvm_variable(xv, slot, entry),
    };
    cx.set_source_location(call, 2, 12).unwrap();
    let v = builder.load(i32t, slot, "").unwrap();
    let v = builder.mul(v, v, "").unwrap();
    cx.set_source_location(body, 6, 3).unwrap();
    builder
        .ret(Some(builder.add(v, called, "").unwrap()))
        .unwrap();
    cx.exit_function().unwrap();
    let misused = match misuse {
        Misuse::EmitBeforeFinish => module.emit_object_with(OptLevel::O2).map(drop),
        _ => misused,
    };
    let finished = cx.finish();
    (
        misused,
        finished.and_then(|()| module.emit_object_with(OptLevel::O2)),
    )
}

/// Case 97: a variable of an inlined copy declared in the callee's own LLVM
/// function (the copy lives in `main`'s code). Guards against: a declare
/// record whose `inlinedAt` chain names `main` inside `square`, which
/// LLVM's verifier rejects only at emission, far from the mistake.
/// Expected: `WrongFunction` at the declare; the variable can still be
/// declared right, and the unit emits at O2.
#[test]
fn case_97_inlined_variable_declared_in_the_callees_function() {
    let (misused, object) = scenario(Misuse::DeclareInCallee);
    common::assert_refused(
        misused,
        ErrorKind::WrongFunction,
        &["another LLVM function"],
    );
    common::verify("misuse97.o", &object.unwrap());
}

/// Case 98: optimized emission before the `DebugContext` finished (its
/// DIBuilder still holds unfinalized subprograms). Guards against: LLVM's
/// verifier accepts such a module and code generation emits it with
/// subprograms lacking their retained variables, silently. Expected:
/// `Backend` (as for a module that does not verify) naming `finish()`;
/// after `finish` the same module emits.
#[test]
fn case_98_optimized_emission_before_finish() {
    let (misused, object) = scenario(Misuse::EmitBeforeFinish);
    common::assert_refused(misused, ErrorKind::Backend, &["finish()"]);
    common::verify("misuse98.o", &object.unwrap());
}

/// Case 99: a call emitted without a debug location in a function with
/// debug info. Guards against: LLVM's inliner copying such a call with no
/// location to give the copy's `inlinedAt` (LLVM requires one).
/// Expected: `Backend` from LLVM's verifier before any pass runs, quoting
/// its message (`!dbg location`), at -O2 as at -O0.
#[test]
fn case_99_call_without_a_debug_location() {
    let (misused, object) = scenario(Misuse::CallWithoutLocation);
    misused.unwrap();
    common::assert_refused(
        object,
        ErrorKind::Backend,
        &["!dbg location", "did the DebugContext finish"],
    );
}
