//! The LLVM variant: the workload of `workload.rs` through
//! `DebugContext<LlvmBackend>`, metadata plus object emission through an
//! x86-64 TargetMachine (`LlvmModule::emit_object`: verify, clone, `-O0`
//! codegen with LLVM's own DWARF writer).
//!
//! The LLVM backend does its own codegen, so instead of
//! `define_function_code`/`set_variable_location` every workload function
//! gets a small LLVM body: an `alloca` per parameter and local with a
//! declare record (`declare_llvm_variable`), the parameters stored in the
//! prologue, then one instruction per located code row of the workload
//! (`set_source_location` between instructions, the same scopes, lines and
//! columns; row 17 under `clear_source_location`) and a `ret`: 20 located
//! instructions. Files, namespace, types, functions, blocks and variables
//! are the workload's, in the same order.

use std::path::Path;

use dwarfsmith::backend::llvm::{
    LlvmBackend, LlvmBuilder, LlvmContext, LlvmModule, LlvmOptions, LlvmType,
};
use dwarfsmith::{DebugContext, FunctionDesc, Result};

use crate::workload::{
    base, compile_unit, file_path, fn_line, groups, ret_ty, row_line_col, row_scope, ty, variables,
    RowScope, Types, BASES, FILES, K_ARRAY, K_FNPTR, K_GENERIC, K_PTR, K_TAGGED, ROWS,
};

/// The LLVM type of a workload variable's stack slot (by name: the
/// workload's six variables).
fn slot_type<'c>(ctx: &'c LlvmContext, name: &str) -> Result<LlvmType<'c>> {
    let i64t = ctx.int_type(64)?;
    match name {
        "this" | "cb" => Ok(ctx.ptr_type()),
        "opt" => ctx.array_type(i64t, 2),
        "items" => ctx.array_type(ctx.ptr_type(), 4),
        "v" => ctx.array_type(i64t, 3),
        _ => Ok(i64t),
    }
}

/// Drives the workload at scale `n` through `cx`, building each function's
/// body with `builder` in `module`.
fn emit<'a>(
    cx: &mut DebugContext<LlvmBackend<'a>>,
    module: &'a LlvmModule<'a>,
    builder: &'a LlvmBuilder<'a>,
    n: u64,
) -> Result<()> {
    let ctx = module.context();
    let i64t = ctx.int_type(64)?;
    let ptrt = ctx.ptr_type();
    let fn_t = ctx.function_type(i64t, &[ptrt, i64t], false)?;
    let mut files = Vec::new();
    for k in 0..FILES {
        files.push(cx.file(Path::new(&file_path(k)))?);
    }
    let ns = cx.namespace(None, "bench")?;
    let mut src = Types { file: files[0] };
    for b in 0..BASES.len() as u64 {
        cx.resolve_type(&mut src, base(b, 0))?;
    }
    for g in 0..groups(n) {
        for kind in [K_PTR, K_ARRAY, K_FNPTR, K_TAGGED, K_GENERIC] {
            cx.resolve_type(&mut src, ty(g, kind, 0))?;
        }
    }
    let slots: Vec<LlvmType<'_>> = variables(0, n)
        .iter()
        .map(|v| slot_type(ctx, v.name))
        .collect::<Result<_>>()?;
    let mut name = String::new();
    let mut linkage = String::new();
    for i in 0..n {
        use std::fmt::Write;
        name.clear();
        linkage.clear();
        let _ = write!(name, "f{i}");
        let _ = write!(linkage, "bench::f{i}");
        let vars = variables(i, n);
        let p1 = cx.resolve_type(&mut src, vars[0].ty)?;
        let p2 = cx.resolve_type(&mut src, vars[1].ty)?;
        let ret = cx.resolve_type(&mut src, ret_ty(i))?;
        let file = files[(i % FILES) as usize];
        let line = fn_line(i);
        let f = cx.define_function(&FunctionDesc {
            name: &name,
            linkage_name: &linkage,
            namespace: Some(ns),
            file,
            line,
            ret: Some(ret),
            params: &[p1, p2],
            external: true,
            method_of: None,
        })?;
        let func = module.add_function(&linkage, fn_t)?;
        cx.attach_llvm_function(f, func)?;
        let entry = func.append_block("entry")?;
        builder.position_at_end(entry)?;
        cx.enter_function(f)?;
        let body = cx.function_scope(f)?;
        // Prologue: every slot, the parameters spilled, their declares.
        let mut allocas = Vec::with_capacity(vars.len());
        for (v, t) in vars.iter().zip(&slots) {
            allocas.push(builder.alloca(*t, v.name)?);
        }
        for (k, (v, t)) in vars.iter().zip([p1, p2]).enumerate() {
            let arg = v.arg.unwrap_or(1);
            let id = cx.declare_parameter(f, v.name, arg, t, line + v.line, v.col)?;
            builder.store(func.param(k as u32)?, allocas[k])?;
            cx.declare_llvm_variable(id, allocas[k], entry)?;
        }
        cx.start_emitting_source_locations()?;
        let b1 = cx.lexical_block(body, file, line + 2, 5)?;
        let b2 = cx.lexical_block(b1, file, line + 4, 9)?;
        for (k, v) in vars.iter().enumerate().filter(|(_, v)| v.arg.is_none()) {
            let t = cx.resolve_type(&mut src, v.ty)?;
            let s = match v.scope {
                RowScope::Block1 => b1,
                RowScope::Block2 => b2,
                _ => body,
            };
            let id = cx.declare_local(s, v.name, t, line + v.line, v.col)?;
            cx.declare_llvm_variable(id, allocas[k], entry)?;
        }
        // One instruction per located row: load `acc`, add, ..., store.
        let acc = allocas[2];
        let mut val = None;
        for j in 1..ROWS {
            let (l, c) = row_line_col(i, j);
            match row_scope(j) {
                RowScope::Prologue => {}
                RowScope::Cleared => cx.clear_source_location()?,
                RowScope::Body => {
                    cx.set_source_location(body, l, c)?;
                }
                RowScope::Block1 => {
                    cx.set_source_location(b1, l, c)?;
                }
                RowScope::Block2 => {
                    cx.set_source_location(b2, l, c)?;
                }
            }
            val = Some(match val {
                None => builder.load(i64t, acc, "acc")?,
                Some(v) if j + 1 == ROWS => {
                    builder.store(v, acc)?;
                    v
                }
                Some(v) => builder.add(v, ctx.const_int(i64t, j)?, "")?,
            });
        }
        builder.ret(val)?;
        cx.exit_function()?;
    }
    Ok(())
}

/// The whole LLVM variant: workload → metadata → ELF bytes from LLVM's
/// x86-64 codegen.
pub fn run_llvm(n: u64) -> Result<Vec<u8>> {
    let ctx = LlvmContext::new();
    let module = ctx.create_module(crate::workload::CU_NAME)?;
    let builder = module.create_builder();
    {
        let backend = LlvmBackend::new(&module, LlvmOptions::default())?;
        let mut cx = DebugContext::new(backend, &compile_unit())?;
        cx.set_llvm_builder(&builder)?;
        emit(&mut cx, &module, &builder, n)?;
        cx.finish()?;
    }
    module.emit_object()
}
