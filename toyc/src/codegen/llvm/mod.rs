//! LLVM codegen for Toy (cargo feature `llvm`): module setup, functions,
//! values in memory and returns (expressions in `expr.rs`, operators in
//! `ops.rs`, statements through the shared `codegen/lower.rs` with
//! `lower.rs`; IR through `ir/`).
//!
//! The same conventions as the Cranelift path (`codegen/cranelift/`), so
//! debuggers see the same program:
//! * every Toy variable (parameters too) lives in its own `alloca` in the
//!   entry block for the whole function, with a declare record; parameters
//!   are stored there in the entry block, without source locations (the
//!   prologue), before `start_emitting_source_locations`;
//! * the same representation (`repr`: bool `i8`, C-like enums `i32`,
//!   aggregates in memory) — pointers are LLVM `ptr`;
//! * the same calling convention (`signature`/`abi.rs`): aggregates passed
//!   by pointer to the caller's copy, aggregate results as the System V C
//!   ABI returns them (one or two eightbyte registers, or memory through a
//!   hidden pointer that is also returned), `signext`/`zeroext` as
//!   Cranelift's `sext`/`uext`;
//! * the same symbols: `main` global, every other function and each
//!   `const` an internal (local) symbol named by its full path;
//! * every debug-info decision from the shared `debuginfo/mod.rs` and
//!   `debuginfo/scopes.rs`; the locations go to the builder through
//!   dwarfsmith's LLVM backend.

mod expr;
pub(crate) mod ir;
mod lower;
mod ops;

use std::collections::HashMap;
use std::path::Path;

use dwarfsmith::backend::llvm::{LlvmBackend, LlvmContext};
use dwarfsmith::VarId;

use crate::codegen::abi::{ret_abi, Eightbyte, RetAbi};
use crate::codegen::llvm::ir::{Bb, Ir, Ty, Val, R};
use crate::codegen::lower::{ExprValue, Lower};
use crate::codegen::repr::{ext, repr, Ext, Repr, Scalar};
use crate::codegen::Options;
use crate::debuginfo::scopes::FnDebug;
use crate::debuginfo::DebugInfo;
use crate::front::hir::{self, Pos, Program, TypeId};

/// How a Toy type is represented in LLVM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LRepr<'m> {
    /// No value.
    Unit,
    /// A first-class value of this type.
    Scalar(Ty<'m>),
    /// Memory of this size and alignment, handled by address.
    Mem { size: u64, align: u64 },
}

/// A Toy expression's value.
pub type LV<'m> = ExprValue<Val<'m>>;

/// A function signature: its LLVM type, how it returns and the extension
/// attribute of its result and of each LLVM parameter.
#[derive(Clone, Debug)]
pub struct LSig<'m> {
    pub fty: Ty<'m>,
    pub ret: RetAbi,
    pub ret_ext: Option<&'static str>,
    pub param_ext: Vec<Option<&'static str>>,
}

/// Module-level state shared by all functions.
pub struct LMod<'m, 'p> {
    pub prog: &'p Program,
    pub ir: &'m Ir<'m>,
    /// Per hir function: its LLVM function, symbol and signature.
    pub fns: Vec<(Val<'m>, String, LSig<'m>)>,
    /// Per extern fn: its LLVM function and C signature.
    pub externs: Vec<(Val<'m>, LSig<'m>)>,
    /// Per global: its LLVM global.
    pub globals: Vec<Val<'m>>,
    /// Interned NUL-terminated strings.
    pub strings: HashMap<Vec<u8>, Val<'m>>,
}

/// The LLVM attribute of an argument or result widened as `ext` says.
fn ext_attr(prog: &Program, t: TypeId) -> Option<&'static str> {
    ext(prog, t).map(|e| match e {
        Ext::Sign => "signext",
        Ext::Zero => "zeroext",
    })
}

impl<'m, 'p> LMod<'m, 'p> {
    /// The LLVM representation of `t`.
    pub fn repr(&self, t: TypeId) -> LRepr<'m> {
        match repr(self.prog, t) {
            Repr::Unit => LRepr::Unit,
            Repr::Scalar(s) => LRepr::Scalar(self.scalar_ty(s)),
            Repr::Mem { size, align } => LRepr::Mem { size, align },
        }
    }

    /// The LLVM type of a scalar.
    pub fn scalar_ty(&self, s: Scalar) -> Ty<'m> {
        let ir = self.ir;
        match s {
            Scalar::Int(bits) => ir.int(bits),
            Scalar::F32 => ir.f32(),
            Scalar::F64 => ir.f64(),
            Scalar::Ptr => ir.ptr(),
        }
    }

    /// The return convention of a result of type `t` (as Cranelift's).
    pub fn ret_abi(&self, t: TypeId) -> RetAbi {
        ret_abi(self.prog, t)
    }

    /// The LLVM type of the registers of a `RetAbi::Regs` result.
    pub fn regs_type(&self, regs: &[Eightbyte]) -> Ty<'m> {
        let ir = self.ir;
        let one = |r: &Eightbyte| match r {
            Eightbyte::Sse => ir.f64(),
            Eightbyte::Int => ir.int(64),
        };
        match regs {
            [] => ir.void(),
            [r] => one(r),
            _ => ir.struct_of(&regs.iter().map(one).collect::<Vec<_>>()),
        }
    }

    /// The Toy calling convention for `params -> ret`; with `c_abi`,
    /// aggregates are refused (`c_abi` names the function for the error).
    pub fn signature(&self, params: &[TypeId], ret: TypeId, c_abi: Option<&str>) -> R<LSig<'m>> {
        let ir = self.ir;
        let abi = self.ret_abi(ret);
        let mut ps = Vec::new();
        let mut param_ext = Vec::new();
        let (rt, ret_ext) = match &abi {
            RetAbi::None => (ir.void(), None),
            RetAbi::Scalar(_) => match self.repr(ret) {
                LRepr::Scalar(t) => (t, ext_attr(self.prog, ret)),
                _ => return Err("internal: scalar result of a non-scalar type".into()),
            },
            RetAbi::Regs(r) => (self.regs_type(r), None),
            RetAbi::Memory => {
                ps.push(ir.ptr());
                param_ext.push(None);
                (ir.ptr(), None)
            }
        };
        for p in params {
            match self.repr(*p) {
                LRepr::Unit => {}
                LRepr::Scalar(t) => {
                    ps.push(t);
                    param_ext.push(ext_attr(self.prog, *p));
                }
                LRepr::Mem { .. } => match c_abi {
                    Some(w) => return Err(format!(
                        "extern fn `{w}`: structs, arrays and enums with payloads cannot cross the C ABI in toyc (pass a pointer)"
                    )),
                    None => {
                        ps.push(ir.ptr());
                        param_ext.push(None);
                    }
                },
            }
        }
        Ok(LSig {
            fty: ir.fn_type(rt, &ps, false),
            ret: abi,
            ret_ext,
            param_ext,
        })
    }

    /// Puts `sig`'s extension attributes on a function or a call.
    pub fn sig_attrs(&self, f: Val<'m>, sig: &LSig<'m>) -> R<()> {
        if let Some(a) = sig.ret_ext {
            self.ir.attr(f, 0, a)?;
        }
        for (i, a) in sig.param_ext.iter().enumerate() {
            if let Some(a) = a {
                self.ir.attr(f, i as u32 + 1, a)?;
            }
        }
        Ok(())
    }

    /// The address of a read-only NUL-terminated copy of `bytes`.
    pub fn string(&mut self, bytes: &[u8]) -> R<Val<'m>> {
        if let Some(v) = self.strings.get(bytes) {
            return Ok(*v);
        }
        let mut b = bytes.to_vec();
        b.push(0);
        let g = self.ir.global_bytes(".str", &b, 1, true)?;
        self.strings.insert(bytes.to_vec(), g);
        Ok(g)
    }
}

fn llvm_err(e: dwarfsmith::Error) -> String {
    format!("LLVM code generation: {e}")
}

/// Compiles `prog` (read from `src`) into an ELF relocatable object with
/// LLVM, its debug info through dwarfsmith's LLVM backend.
pub fn compile(prog: &Program, src: &Path, opts: &Options) -> R<Vec<u8>> {
    let ctx = LlvmContext::new();
    let module = ctx.create_module("toy").map_err(llvm_err)?;
    let builder = module.create_builder();
    let ir = Ir::new(&module, &builder);
    let mut dbg = if opts.debug {
        Some(DebugInfo::new_llvm(
            prog,
            src,
            opts.dwarf_version,
            &module,
            &builder,
        )?)
    } else {
        None
    };
    let mut m = LMod {
        prog,
        ir: &ir,
        fns: Vec::new(),
        externs: Vec::new(),
        globals: Vec::new(),
        strings: HashMap::new(),
    };
    for f in &prog.functions {
        let params: Vec<TypeId> = f.params.iter().map(|p| p.ty).collect();
        let sig = m.signature(&params, f.ret, None)?;
        let sym = if f.is_main {
            "main".to_string()
        } else {
            f.path.to_string()
        };
        if ir.has_function(&sym) {
            return Err(format!("two functions have the symbol `{sym}`"));
        }
        let func = ir.function(&sym, sig.fty, f.is_main)?;
        m.sig_attrs(func, &sig)?;
        ir.fn_attr_str(func, "frame-pointer", "all")?;
        m.fns.push((func, sym, sig));
    }
    for x in &prog.externs {
        let params: Vec<TypeId> = x.params.iter().map(|p| p.1).collect();
        let sig = m.signature(&params, x.ret, Some(&x.path.name))?;
        let func = m.import(&x.path.name, sig.fty)?;
        m.externs.push((func, sig));
    }
    for g in &prog.globals {
        let sym = g.path.to_string();
        let init = if g.init.is_empty() {
            vec![0]
        } else {
            g.init.clone()
        };
        let v = ir.global_bytes(&sym, &init, prog.types.align_of(g.ty).max(1), false)?;
        m.globals.push(v);
        if let Some(d) = dbg.as_mut() {
            d.global(g, &sym)?;
        }
    }
    for (i, f) in prog.functions.iter().enumerate() {
        compile_function(&mut m, dbg.as_mut(), i, f)?;
    }
    if let Some(d) = dbg {
        d.finish()?;
    }
    if opts.optimize {
        module
            .emit_object_with(dwarfsmith::backend::llvm::OptLevel::O2)
            .map_err(llvm_err)
    } else {
        module.emit_object().map_err(llvm_err)
    }
}

impl<'m, 'p> LMod<'m, 'p> {
    /// The C function `name` (declared once), refused if a Toy function has
    /// its symbol.
    pub fn import(&self, name: &str, fty: Ty<'m>) -> R<Val<'m>> {
        if self.fns.iter().any(|(_, s, _)| s == name) {
            return Err(format!(
                "the Toy function `{name}` has the name of a C library function toyc needs"
            ));
        }
        self.ir.function(name, fty, true)
    }
}

fn compile_function<'m, 'p>(
    m: &mut LMod<'m, 'p>,
    dbg: Option<&mut DebugInfo<'p, LlvmBackend<'m>>>,
    index: usize,
    f: &'p hir::Function,
) -> R<()> {
    let (func, symbol, _) = m.fns[index].clone();
    let fdbg = match dbg {
        Some(d) => {
            let fd = FnDebug::begin(d, f, &symbol)?;
            fd.d.attach_function(fd.fid, m.ir.llvm_function(func))?;
            Some(fd)
        }
        None => None,
    };
    let (entry, _) = m.ir.begin_function(func);
    let mut g = LCg {
        ir: m.ir,
        m,
        dbg: fdbg,
        f,
        func,
        entry,
        slots: Vec::new(),
        vars: Vec::new(),
        sret: None,
    };
    g.body()?;
    if let Some(d) = g.dbg.as_mut() {
        d.exit()?;
    }
    Ok(())
}

/// Per-function codegen state.
pub struct LCg<'a, 'm, 'p> {
    pub ir: &'m Ir<'m>,
    pub m: &'a mut LMod<'m, 'p>,
    pub dbg: Option<FnDebug<'a, 'p, LlvmBackend<'m>>>,
    pub f: &'p hir::Function,
    pub func: Val<'m>,
    /// The entry block (allocas, parameter stores, declare records).
    pub entry: Bb<'m>,
    /// The `alloca` of each local.
    pub slots: Vec<Val<'m>>,
    /// Debug variables and their storage.
    pub vars: Vec<(VarId, Val<'m>)>,
    /// The hidden result pointer of a function returning in memory.
    pub sret: Option<Val<'m>>,
}

impl<'a, 'm, 'p> LCg<'a, 'm, 'p> {
    /// A fresh stack slot able to hold `t`.
    pub fn new_slot(&self, t: TypeId) -> Val<'m> {
        let l = self.m.prog.types.layout(t);
        self.ir.alloca(l.size, l.align, "")
    }

    /// Sets the source location of code emitted from now on.
    pub fn loc(&mut self, pos: Pos) -> R<()> {
        if let Some(d) = self.dbg.as_mut() {
            d.loc(pos)?;
        }
        Ok(())
    }

    /// Starts a fresh (unreachable) block after a terminator.
    pub fn after_terminator(&self) {
        let b = self.ir.block(self.func, "dead");
        self.ir.position(b);
    }

    fn body(&mut self) -> R<()> {
        let f = self.f;
        let mut pi = 0;
        if self.m.ret_abi(f.ret) == RetAbi::Memory {
            self.sret = Some(self.ir.param(self.func, 0)?);
            pi = 1;
        }
        for l in &f.locals {
            let s = self.new_slot(l.ty);
            self.slots.push(s);
        }
        // Store the parameters (prologue: no source location).
        for (n, p) in f.params.iter().enumerate() {
            let slot = self.slots[p.local.idx()];
            match self.m.repr(p.ty) {
                LRepr::Unit => {}
                LRepr::Scalar(_) => {
                    let v = self.ir.param(self.func, pi)?;
                    pi += 1;
                    self.ir.entry_store(v, slot)?;
                }
                LRepr::Mem { size, align } => {
                    let src = self.ir.param(self.func, pi)?;
                    pi += 1;
                    self.ir.entry_copy(slot, src, size, align)?;
                }
            }
            let var = match self.dbg.as_mut() {
                Some(d) => d.parameter(n)?,
                None => None,
            };
            if let Some(v) = var {
                if let Some(d) = self.dbg.as_mut() {
                    d.d.declare(v, self.ir.llvm_value(slot), self.ir.llvm_block(self.entry))?;
                }
                self.vars.push((v, slot));
            }
        }
        if let Some(d) = self.dbg.as_mut() {
            d.start_body()?;
        }
        self.block(&f.body, true)
    }

    /// Loads a value of type `t` from `addr` (aggregates stay in memory).
    pub fn load(&self, t: TypeId, addr: Val<'m>) -> R<LV<'m>> {
        Ok(match self.m.repr(t) {
            LRepr::Unit => LV::Unit,
            LRepr::Scalar(ty) => LV::S(self.ir.load(ty, addr, false)?),
            LRepr::Mem { .. } => LV::M(addr),
        })
    }

    /// Stores `v` of type `t` at `addr`.
    pub fn store(&self, t: TypeId, v: LV<'m>, addr: Val<'m>) -> R<()> {
        match (self.m.repr(t), v) {
            (LRepr::Scalar(_), LV::S(x)) => self.ir.store(x, addr),
            (LRepr::Mem { size, align }, LV::M(src)) => self.ir.copy(addr, src, size, align),
            (LRepr::Unit, _) | (_, LV::Unit) => Ok(()),
            _ => Err(format!(
                "internal: value/type mismatch storing a `{}`",
                self.m.prog.types.name(t)
            )),
        }
    }

    /// Returns `v` from the function.
    pub fn ret(&mut self, v: LV<'m>) -> R<()> {
        let (size, align) = match self.m.repr(self.f.ret) {
            LRepr::Mem { size, align } => (size, align),
            _ => (0, 1),
        };
        match (self.m.ret_abi(self.f.ret), v) {
            (RetAbi::Scalar(_), LV::S(x)) => self.ir.ret(Some(x)),
            (RetAbi::Memory, LV::M(src)) => {
                let dst = self.sret.ok_or("internal: no result pointer")?;
                self.ir.copy(dst, src, size, align)?;
                self.ir.ret(Some(dst));
            }
            (RetAbi::Regs(regs), LV::M(src)) => {
                let tmp = self.ir.alloca(16, 8, "ret");
                self.ir.copy(tmp, src, size, align)?;
                let mut vals = Vec::new();
                for (i, r) in regs.iter().enumerate() {
                    let a = self.ir.offset_c(tmp, 8 * i as u64)?;
                    let t = self.m.regs_type(std::slice::from_ref(r));
                    vals.push(self.ir.load(t, a, false)?);
                }
                match vals.as_slice() {
                    [] => self.ir.ret(None),
                    [one] => self.ir.ret(Some(*one)),
                    _ => {
                        let mut agg = self.ir.undef(self.m.regs_type(&regs));
                        for (i, v) in vals.iter().enumerate() {
                            agg = self.ir.insert(agg, *v, i as u32)?;
                        }
                        self.ir.ret(Some(agg));
                    }
                }
            }
            (RetAbi::None, _) => self.ir.ret(None),
            _ => return Err("internal: returned value does not match the result type".into()),
        }
        Ok(())
    }
}
