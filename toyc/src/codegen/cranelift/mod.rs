//! Cranelift codegen for Toy: module setup and functions (types and
//! signatures in `sig.rs`, expressions in `expr.rs`, operators in
//! `ops.rs`; statements go through the shared `codegen/lower.rs`, with
//! `lower.rs` its Cranelift side).
//!
//! Conventions:
//! * Every Toy variable (parameters too) lives in its own stack slot for its
//!   whole scope; parameters are spilled there in the prologue. At `-O`,
//!   single-assignment scalar `let`s live in SSA values instead (`ssa.rs`)
//!   and small leaf functions are inlined (`inline.rs`).
//! * Scalars (ints, floats, bool as `i8`, pointers, fn pointers, C-like
//!   enums as `i32`) are Cranelift values; structs, arrays and tagged unions
//!   are memory, handled by address.
//! * Toy-to-Toy calls (direct and through fn pointers): scalars as in the C
//!   ABI; an aggregate argument is passed as a pointer to the caller's copy
//!   (the callee copies it into its own slot in the prologue); aggregate
//!   results are returned as the System V C ABI does (`abi.rs`), so
//!   debuggers' `finish` shows them.
//! * `extern fn` calls use the C ABI; aggregate parameters are refused there.
//! * Symbols: `main` is global; every other function and each `const` is a
//!   local symbol named by its full path (`util::push`), so Toy names never
//!   interpose libc's.

mod expr;
mod inline;
mod lower;
mod ops;
mod sig;
mod ssa;
mod walk;

pub use sig::{clif_type, eightbyte_type, scalar_type, signature};

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use cranelift_codegen::ir::{
    self, types, BlockArg, InstBuilder, MemFlagsData, Signature, StackSlot, StackSlotData,
    StackSlotKind, UserFuncName, Value,
};
use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{DataDescription, DataId, FuncId, Linkage, Module};
use cranelift_object::{ObjectBuilder, ObjectModule};
use dwarfsmith::cranelift::srcloc;
use dwarfsmith::{DwarfObject, FrameSection, GimliBackend, VarId};

use crate::codegen::abi::RetAbi;
use crate::codegen::lower::{ExprValue, Lower};
use crate::codegen::repr::{repr, Repr};
use crate::codegen::Options;
use crate::debuginfo::scopes::FnDebug;
use crate::debuginfo::DebugInfo;
use crate::front::hir::{self, Pos, Program, TypeId};

pub type R<T> = Result<T, String>;

/// Module-level state shared by all functions.
pub struct Ctx<'p> {
    pub prog: &'p Program,
    pub isa: Arc<dyn TargetIsa>,
    /// cranelift-object's module for `build`, cranelift-jit's for `run`.
    pub module: &'p mut dyn Module,
    /// Per hir function: its id (`None`: no out-of-line code, every call
    /// of it is inlined, see `inline::droppable`) and symbol.
    pub fns: Vec<(Option<FuncId>, String)>,
    /// Per extern fn: its id and C signature.
    pub externs: Vec<(FuncId, Signature)>,
    /// Per global: its data object.
    pub globals: Vec<DataId>,
    /// Imported C functions by symbol, with the signature they were declared with.
    pub imports: HashMap<String, (FuncId, Signature)>,
    /// Interned NUL-terminated strings.
    pub strings: HashMap<Vec<u8>, DataId>,
    /// Per hir function: inlined at its direct calls (`-O`, see `inline.rs`).
    pub inline: Vec<bool>,
    /// `-O`: single-assignment scalar locals live in SSA values (`ssa.rs`).
    pub ssa: bool,
}

fn mod_err(e: impl std::fmt::Display) -> String {
    format!("code generation: {e}")
}

/// Cranelift's `opt_level` for `opts`: `speed` with `-O`.
pub fn opt_level(opts: &Options) -> &'static str {
    if opts.optimize {
        "speed"
    } else {
        "none"
    }
}

/// The x86-64 ISA toyc compiles for: position-independent code for
/// objects (`build`), absolute for cranelift-jit (`run`), which needs
/// `is_pic` off; Cranelift's `opt_level` (`none` or `speed`).
pub fn make_isa_with(pic: bool, opt_level: &str) -> R<Arc<dyn TargetIsa>> {
    let mut fb = settings::builder();
    let pic = if pic { "true" } else { "false" };
    for (k, v) in [
        ("opt_level", opt_level),
        ("is_pic", pic),
        ("preserve_frame_pointers", "true"),
        ("unwind_info", "true"),
    ] {
        fb.set(k, v).map_err(mod_err)?;
    }
    let ib = cranelift_codegen::isa::lookup_by_name("x86_64-unknown-linux-gnu").map_err(mod_err)?;
    ib.finish(settings::Flags::new(fb)).map_err(mod_err)
}

impl<'p> Ctx<'p> {
    /// A C function `name` (declared once; later uses with another signature
    /// call it through its address).
    pub fn import(&mut self, name: &str, sig: &Signature) -> R<(FuncId, Signature)> {
        if let Some(x) = self.imports.get(name) {
            return Ok(x.clone());
        }
        if self.fns.iter().any(|(_, s)| s == name) {
            return Err(format!(
                "the Toy function `{name}` has the name of a C library function toyc needs"
            ));
        }
        let id = self
            .module
            .declare_function(name, Linkage::Import, sig)
            .map_err(mod_err)?;
        self.imports.insert(name.to_string(), (id, sig.clone()));
        Ok((id, sig.clone()))
    }

    /// A read-only NUL-terminated copy of `bytes`.
    pub fn string(&mut self, bytes: &[u8]) -> R<DataId> {
        if let Some(d) = self.strings.get(bytes) {
            return Ok(*d);
        }
        let id = self
            .module
            .declare_anonymous_data(false, false)
            .map_err(mod_err)?;
        let mut dd = DataDescription::new();
        let mut v = bytes.to_vec();
        v.push(0);
        dd.define(v.into_boxed_slice());
        self.module.define_data(id, &dd).map_err(mod_err)?;
        self.strings.insert(bytes.to_vec(), id);
        Ok(id)
    }
}

/// Compiles `prog` (read from `src`) into an ELF relocatable object.
pub fn compile(prog: &Program, src: &Path, opts: &Options) -> R<Vec<u8>> {
    let isa = make_isa_with(true, opt_level(opts))?;
    let mut ob = ObjectBuilder::new(
        isa.clone(),
        "toy",
        cranelift_module::default_libcall_names(),
    )
    .map_err(mod_err)?;
    // Without debug info, Cranelift writes .eh_frame itself.
    ob.unwind_info(!opts.debug);
    let mut module = ObjectModule::new(ob);
    let frames = FrameSection::EhFrame;
    let defined = define_program(prog, src, opts, isa, &mut module, frames, true)?;
    let mut product = module.finish();
    if let Some(dwarf) = defined.dwarf {
        dwarf
            .write_into(&mut product.object)
            .map_err(|e| format!("debug info: {e}"))?;
    }
    product.object.write().map_err(mod_err)
}

/// A program defined in a cranelift-module `Module`.
pub struct Defined {
    /// Each Toy function's id and symbol (`main`, or its path).
    pub functions: Vec<(FuncId, String)>,
    /// Each `const` global's data object and symbol (its path).
    pub globals: Vec<(DataId, String)>,
    /// The debug info (with `opts.debug`), its CFI in `frames`.
    pub dwarf: Option<DwarfObject>,
}

/// Declares and defines every function and global of `prog` in `module`
/// (which must use `isa`), with debug info from dwarfsmith's gimli backend
/// when `opts.debug` (call-frame information into `frames`). With
/// `drop_inlined`, a function every call of which was inlined (`-O`) gets
/// no code (`inline::droppable`); `toyc run` keeps them: a JIT image needs
/// an address for every function its debug info names.
pub fn define_program(
    prog: &Program,
    src: &Path,
    opts: &Options,
    isa: Arc<dyn TargetIsa>,
    module: &mut dyn Module,
    frames: FrameSection,
    drop_inlined: bool,
) -> R<Defined> {
    let mut cx = Ctx {
        prog,
        isa: isa.clone(),
        module,
        fns: Vec::new(),
        externs: Vec::new(),
        globals: Vec::new(),
        imports: HashMap::new(),
        strings: HashMap::new(),
        inline: if opts.optimize {
            inline::inlinable(prog)
        } else {
            Vec::new()
        },
        ssa: opts.optimize,
    };
    let dropped = if drop_inlined {
        inline::droppable(prog, &cx.inline)
    } else {
        Vec::new()
    };
    let mut dbg = if opts.debug {
        Some(DebugInfo::new_with_frames(
            prog,
            src,
            opts.dwarf_version,
            frames,
            &*isa,
        )?)
    } else {
        None
    };
    for f in &prog.functions {
        let params: Vec<TypeId> = f.params.iter().map(|p| p.ty).collect();
        let sig = signature(prog, &*isa, &params, f.ret, None)?;
        let (sym, linkage) = if f.is_main {
            ("main".to_string(), Linkage::Export)
        } else {
            (f.path.to_string(), Linkage::Local)
        };
        let id = if dropped.get(cx.fns.len()) == Some(&true) {
            None
        } else {
            Some(
                cx.module
                    .declare_function(&sym, linkage, &sig)
                    .map_err(mod_err)?,
            )
        };
        if let (Some(d), true) = (dbg.as_mut(), cx.inline.get(cx.fns.len()) == Some(&true)) {
            d.predeclare(f, &sym)?;
        }
        cx.fns.push((id, sym));
    }
    for x in &prog.externs {
        let params: Vec<TypeId> = x.params.iter().map(|p| p.1).collect();
        let sig = signature(prog, &*isa, &params, x.ret, Some(&x.path.name))?;
        let (id, _) = cx.import(&x.path.name, &sig)?;
        cx.externs.push((id, sig));
    }
    let mut global_syms = Vec::new();
    for g in &prog.globals {
        let sym = g.path.to_string();
        let id = cx
            .module
            .declare_data(&sym, Linkage::Local, false, false)
            .map_err(mod_err)?;
        let mut dd = DataDescription::new();
        if g.init.is_empty() {
            dd.define_zeroinit(1);
        } else {
            dd.define(g.init.clone().into_boxed_slice());
        }
        dd.set_align(prog.types.align_of(g.ty).max(1));
        cx.module.define_data(id, &dd).map_err(mod_err)?;
        cx.globals.push(id);
        global_syms.push((id, sym.clone()));
        if let Some(d) = dbg.as_mut() {
            d.global(g, &sym)?;
        }
    }
    let mut fbc = FunctionBuilderContext::new();
    for (i, f) in prog.functions.iter().enumerate() {
        if dropped.get(i) == Some(&true) {
            if let (Some(d), Some((_, sym))) = (dbg.as_mut(), cx.fns.get(i)) {
                d.without_code(sym)?;
            }
            continue;
        }
        compile_function(&mut cx, dbg.as_mut(), &mut fbc, i, f)?;
    }
    let dwarf = match dbg {
        Some(d) => Some(d.finish_gimli()?),
        None => None,
    };
    let functions = (cx.fns.into_iter())
        .filter_map(|(id, sym)| Some((id?, sym)))
        .collect();
    Ok(Defined {
        functions,
        globals: global_syms,
        dwarf,
    })
}

fn compile_function<'p>(
    cx: &mut Ctx<'p>,
    mut dbg: Option<&mut DebugInfo<'p, GimliBackend>>,
    fbc: &mut FunctionBuilderContext,
    index: usize,
    f: &'p hir::Function,
) -> R<()> {
    let prog = cx.prog;
    let Some((Some(func_id), symbol)) = cx.fns.get(index).cloned() else {
        return Err(format!("internal: `{}` has no out-of-line code", f.path));
    };
    let mut ctx = cx.module.make_context();
    ctx.func.signature = cx
        .module
        .declarations()
        .get_function_decl(func_id)
        .signature
        .clone();
    ctx.func.name = UserFuncName::user(0, func_id.as_u32());
    if cx.ssa && dbg.is_some() {
        ctx.func.collect_debug_info();
    }
    let fdbg = match dbg.as_deref_mut() {
        Some(d) => Some(FnDebug::begin(d, f, &symbol)?),
        None => None,
    };
    let (fid, vars, labels) = {
        let b = FunctionBuilder::new(&mut ctx.func, fbc);
        let mut g = FnCg {
            cx: &mut *cx,
            dbg: fdbg,
            prog,
            b,
            f,
            slots: Vec::new(),
            vars: Vec::new(),
            sret: None,
            func_refs: HashMap::new(),
            inline_exit: None,
            ssa: Vec::new(),
            labels: Vec::new(),
            next_label: 0,
        };
        g.body()?;
        let cfg = g.cx.isa.frontend_config();
        g.b.seal_all_blocks();
        g.b.finalize(cfg);
        let fid = match g.dbg.as_mut() {
            Some(fd) => {
                fd.exit()?;
                Some(fd.fid)
            }
            None => None,
        };
        (fid, g.vars, g.labels)
    };
    cx.module
        .define_function(func_id, &mut ctx)
        .map_err(|e| format!("code generation of `{}`: {e:?}", f.path))?;
    if let (Some(d), Some(fid)) = (dbg, fid) {
        let cc = ctx
            .compiled_code()
            .ok_or("Cranelift kept no compiled code")?;
        d.end_function(fid, &symbol, cc, &*cx.isa, &vars)?;
        for (v, label, home) in labels {
            let ranges = ssa::label_locations(cc, &*cx.isa, label, home)?;
            d.variable_locations(v, &ranges)?;
        }
    }
    cx.module.clear_context(&mut ctx);
    Ok(())
}

/// A Toy expression's value.
pub type V = ExprValue<Value>;

/// Per-function codegen state.
pub struct FnCg<'a, 'p> {
    pub cx: &'a mut Ctx<'p>,
    /// The function's debug info (scopes, variables, locations).
    pub dbg: Option<FnDebug<'a, 'p, GimliBackend>>,
    pub prog: &'p Program,
    pub b: FunctionBuilder<'a>,
    pub f: &'p hir::Function,
    /// The stack slot of each local.
    pub slots: Vec<StackSlot>,
    /// Debug variables and their slots.
    pub vars: Vec<(VarId, StackSlot)>,
    /// The hidden result pointer of a function returning an aggregate.
    pub sret: Option<Value>,
    pub func_refs: HashMap<FuncId, ir::FuncRef>,
    /// Inside an inlined copy: where its `return`s go.
    pub inline_exit: Option<inline::InlineExit>,
    /// `-O`: the SSA variable and value label of each local of the
    /// current function that has one (`ssa.rs`).
    pub ssa: Vec<Option<(cranelift_frontend::Variable, ir::ValueLabel)>>,
    /// Debug variables described by value labels, with their stack homes.
    pub labels: Vec<(VarId, ir::ValueLabel, StackSlot)>,
    /// The next unused value label.
    pub next_label: u32,
}

impl<'a, 'p> FnCg<'a, 'p> {
    /// A fresh stack slot able to hold `t` (at least 1 byte).
    pub fn new_slot(&mut self, t: TypeId) -> StackSlot {
        let l = self.prog.types.layout(t);
        self.slot_of_size(l.size, l.align)
    }

    pub fn slot_of_size(&mut self, size: u64, align: u64) -> StackSlot {
        let shift = align.max(1).trailing_zeros().min(6) as u8;
        self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            size.clamp(1, u64::from(u32::MAX)) as u32,
            shift,
        ))
    }

    /// Sets the source location of code emitted from now on.
    pub fn loc(&mut self, pos: Pos) -> R<()> {
        if let Some(d) = self.dbg.as_mut() {
            let l = d.loc(pos)?;
            self.b.set_srcloc(srcloc(l));
        }
        Ok(())
    }

    /// Starts a fresh (unreachable) block after a terminator.
    pub fn after_terminator(&mut self) {
        let blk = self.b.create_block();
        self.b.switch_to_block(blk);
    }

    pub(crate) fn body(&mut self) -> R<()> {
        let f = self.f;
        let entry = self.b.create_block();
        self.b.append_block_params_for_function_params(entry);
        self.b.switch_to_block(entry);
        let params: Vec<Value> = self.b.block_params(entry).to_vec();
        let mut pi = 0;
        if self.ret_abi(f.ret) == RetAbi::Memory {
            self.sret = params.first().copied();
            pi = 1;
        }
        for l in &f.locals {
            let s = self.new_slot(l.ty);
            self.slots.push(s);
        }
        self.ssa = self.ssa_vars(f);
        // Spill the parameters (prologue: no source location).
        for (n, p) in f.params.iter().enumerate() {
            let slot = self.slots[p.local.idx()];
            match repr(self.prog, p.ty) {
                Repr::Unit => {}
                Repr::Scalar(_) => {
                    let v = params[pi];
                    pi += 1;
                    match self.ssa_of(p.local) {
                        Some(var) => self.def_ssa(var, v, slot),
                        None => {
                            self.b.ins().stack_store(types::I64, v, slot, 0);
                        }
                    }
                }
                Repr::Mem { size, align } => {
                    let src = params[pi];
                    pi += 1;
                    let dst = self.b.ins().stack_addr(types::I64, slot, 0);
                    self.copy(dst, src, size, align);
                }
            }
            if let Some(d) = self.dbg.as_mut() {
                if let Some(v) = d.parameter(n)? {
                    match self.ssa_of(p.local) {
                        Some((_, label)) => self.labels.push((v, label, slot)),
                        None => self.vars.push((v, slot)),
                    }
                }
            }
        }
        if let Some(d) = self.dbg.as_mut() {
            d.start_body()?;
        }
        self.block(&f.body, true)?;
        Ok(())
    }

    /// Copies `size` bytes (regions may overlap).
    pub fn copy(&mut self, dst: Value, src: Value, size: u64, align: u64) {
        let a = align.clamp(1, 128) as u8;
        let cfg = self.cx.isa.frontend_config();
        self.b
            .emit_small_memory_copy(cfg, dst, src, size, a, a, false, MemFlagsData::new());
    }

    /// A direct-call reference to `id` in this function.
    pub fn func_ref(&mut self, id: FuncId) -> ir::FuncRef {
        if let Some(r) = self.func_refs.get(&id) {
            return *r;
        }
        let r = self.cx.module.declare_func_in_func(id, self.b.func);
        self.func_refs.insert(id, r);
        r
    }

    /// Calls C function `name` with signature `sig`; returns its results.
    pub fn call_c(&mut self, name: &str, sig: &Signature, args: &[Value]) -> R<Vec<Value>> {
        let (id, declared) = self.cx.import(name, sig)?;
        let fr = self.func_ref(id);
        let inst = if &declared == sig {
            self.b.ins().call(fr, args)
        } else {
            let addr = self.b.ins().func_addr(types::I64, fr);
            let sr = self.b.import_signature(sig.clone());
            self.b.ins().call_indirect(sr, addr, args)
        };
        Ok(self.b.inst_results(inst).to_vec())
    }

    /// Loads a value of type `t` from `addr` (aggregates stay in memory).
    pub fn load(&mut self, t: TypeId, addr: Value) -> R<V> {
        Ok(match repr(self.prog, t) {
            Repr::Unit => V::Unit,
            Repr::Scalar(s) => V::S(
                self.b
                    .ins()
                    .load(clif_type(s), MemFlagsData::new(), addr, 0),
            ),
            Repr::Mem { .. } => V::M(addr),
        })
    }

    /// Stores `v` of type `t` at `addr`.
    pub fn store(&mut self, t: TypeId, v: V, addr: Value) -> R<()> {
        match (repr(self.prog, t), v) {
            (Repr::Scalar(_), V::S(x)) => {
                self.b.ins().store(MemFlagsData::new(), x, addr, 0);
            }
            (Repr::Mem { size, align }, V::M(src)) => self.copy(addr, src, size, align),
            (Repr::Unit, _) | (_, V::Unit) => {}
            _ => {
                return Err(format!(
                    "internal: value/type mismatch storing a `{}`",
                    self.prog.types.name(t)
                ))
            }
        }
        Ok(())
    }

    /// Evaluates a scalar expression.
    pub fn scalar(&mut self, e: &'p hir::Expr) -> R<Value> {
        match self.expr(e)? {
            V::S(v) => Ok(v),
            _ => Err(format!(
                "internal: expected a scalar `{}`",
                self.prog.types.name(e.ty)
            )),
        }
    }

    /// Passes a block argument.
    pub fn arg(v: Value) -> BlockArg {
        BlockArg::Value(v)
    }
}
