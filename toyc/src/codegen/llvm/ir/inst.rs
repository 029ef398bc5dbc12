//! Instructions of [`Ir`] (see the parent module for the invariants every
//! `SAFETY:` comment relies on).
#![warn(clippy::undocumented_unsafe_blocks)]

use dwarfsmith::backend::llvm::sys::core::*;
use dwarfsmith::backend::llvm::sys::prelude::*;
use dwarfsmith::backend::llvm::sys::{
    LLVMIntPredicate, LLVMOpcode, LLVMRealPredicate, LLVMTypeKind,
};

use std::marker::PhantomData;

use super::{name, Bb, Bin, Conv, Ir, Ty, Val, R};

impl<'m> Ir<'m> {
    // ---- entry-block instructions -------------------------------------

    /// A stack slot of `size` bytes (at least 1), aligned to `align`, in the
    /// entry block.
    pub fn alloca(&self, size: u64, align: u64, label: &str) -> Val<'m> {
        let n = name(label);
        // SAFETY: the alloca builder is positioned in the entry block.
        unsafe {
            let a = LLVMBuildAlloca(self.allocas, self.bytes(size.max(1)).0, n.as_ptr());
            LLVMSetAlignment(a, align.clamp(1, 1 << 16) as u32);
            self.v(a)
        }
    }

    /// `store v, ptr` in the entry block (parameter spills).
    pub fn entry_store(&self, v: Val<'m>, ptr: Val<'m>) -> R<()> {
        self.store_with(self.allocas, v, ptr)
    }

    /// `memmove` in the entry block (aggregate parameters).
    pub fn entry_copy(&self, dst: Val<'m>, src: Val<'m>, size: u64, align: u64) -> R<()> {
        self.copy_with(self.allocas, dst, src, size, align)
    }

    // ---- instructions ------------------------------------------------

    fn store_with(&self, b: LLVMBuilderRef, v: Val<'m>, ptr: Val<'m>) -> R<()> {
        if !self.is_ptr(ptr) {
            return Err("internal: store through a non-pointer".into());
        }
        // SAFETY: live builder, value and pointer.
        unsafe { LLVMBuildStore(b, v.0, ptr.0) };
        Ok(())
    }

    fn copy_with(
        &self,
        b: LLVMBuilderRef,
        dst: Val<'m>,
        src: Val<'m>,
        size: u64,
        align: u64,
    ) -> R<()> {
        if !self.is_ptr(dst) || !self.is_ptr(src) {
            return Err("internal: copy between non-pointers".into());
        }
        let n = self.const_int(self.int(64), size)?;
        let a = align.clamp(1, 1 << 16) as u32;
        // SAFETY: live builder; pointer operands checked; `n` is an i64.
        unsafe { LLVMBuildMemMove(b, dst.0, a, src.0, a, n.0) };
        Ok(())
    }

    /// `store v, ptr`.
    pub fn store(&self, v: Val<'m>, ptr: Val<'m>) -> R<()> {
        self.store_with(self.b, v, ptr)
    }

    /// `memmove(dst, src, size)` (regions may overlap).
    pub fn copy(&self, dst: Val<'m>, src: Val<'m>, size: u64, align: u64) -> R<()> {
        self.copy_with(self.b, dst, src, size, align)
    }

    /// `load t, ptr` (`volatile`: kept even if unused).
    pub fn load(&self, t: Ty<'m>, ptr: Val<'m>, volatile: bool) -> R<Val<'m>> {
        if !self.is_ptr(ptr) {
            return Err("internal: load through a non-pointer".into());
        }
        // SAFETY: live builder, type and pointer.
        unsafe {
            let l = LLVMBuildLoad2(self.b, t.0, ptr.0, c"".as_ptr());
            if volatile {
                LLVMSetVolatile(l, 1);
            }
            Ok(self.v(l))
        }
    }

    /// `ptr + off` bytes (`off` an integer value).
    pub fn offset(&self, ptr: Val<'m>, off: Val<'m>) -> R<Val<'m>> {
        if !self.is_ptr(ptr) || self.int_width(self.type_of(off)) == 0 {
            return Err("internal: byte offset of a non-pointer".into());
        }
        let mut idx = [off.0];
        // SAFETY: pointer base and integer index checked; one index read.
        Ok(self.v(unsafe {
            LLVMBuildGEP2(
                self.b,
                LLVMInt8TypeInContext(self.ctx),
                ptr.0,
                idx.as_mut_ptr(),
                1,
                c"".as_ptr(),
            )
        }))
    }

    /// `ptr + off` bytes for a constant `off`.
    pub fn offset_c(&self, ptr: Val<'m>, off: u64) -> R<Val<'m>> {
        if off == 0 {
            return Ok(ptr);
        }
        let o = self.const_int(self.int(64), off)?;
        self.offset(ptr, o)
    }

    /// A binary operation on two operands of one type.
    pub fn bin(&self, op: Bin, a: Val<'m>, b: Val<'m>) -> R<Val<'m>> {
        if self.type_of(a) != self.type_of(b) {
            return Err(format!("internal: {op:?} of operands of different types"));
        }
        let f = match op {
            Bin::Add => LLVMBuildAdd,
            Bin::Sub => LLVMBuildSub,
            Bin::Mul => LLVMBuildMul,
            Bin::SDiv => LLVMBuildSDiv,
            Bin::UDiv => LLVMBuildUDiv,
            Bin::SRem => LLVMBuildSRem,
            Bin::URem => LLVMBuildURem,
            Bin::And => LLVMBuildAnd,
            Bin::Or => LLVMBuildOr,
            Bin::Xor => LLVMBuildXor,
            Bin::Shl => LLVMBuildShl,
            Bin::LShr => LLVMBuildLShr,
            Bin::AShr => LLVMBuildAShr,
            Bin::FAdd => LLVMBuildFAdd,
            Bin::FSub => LLVMBuildFSub,
            Bin::FMul => LLVMBuildFMul,
            Bin::FDiv => LLVMBuildFDiv,
        };
        // SAFETY: live builder and operands of one type.
        Ok(self.v(unsafe { f(self.b, a.0, b.0, c"".as_ptr()) }))
    }

    /// Float negation.
    pub fn fneg(&self, a: Val<'m>) -> Val<'m> {
        // SAFETY: live builder and operand.
        self.v(unsafe { LLVMBuildFNeg(self.b, a.0, c"".as_ptr()) })
    }

    /// An integer comparison (`i1`).
    pub fn icmp(&self, p: LLVMIntPredicate, a: Val<'m>, b: Val<'m>) -> R<Val<'m>> {
        if self.type_of(a) != self.type_of(b) {
            return Err("internal: comparison of operands of different types".into());
        }
        // SAFETY: live builder and operands of one type.
        Ok(self.v(unsafe { LLVMBuildICmp(self.b, p, a.0, b.0, c"".as_ptr()) }))
    }

    /// A float comparison (`i1`).
    pub fn fcmp(&self, p: LLVMRealPredicate, a: Val<'m>, b: Val<'m>) -> R<Val<'m>> {
        if self.type_of(a) != self.type_of(b) {
            return Err("internal: comparison of operands of different types".into());
        }
        // SAFETY: live builder and operands of one type.
        Ok(self.v(unsafe { LLVMBuildFCmp(self.b, p, a.0, b.0, c"".as_ptr()) }))
    }

    /// A conversion of `v` to `t`.
    pub fn conv(&self, c: Conv, v: Val<'m>, t: Ty<'m>) -> Val<'m> {
        let op = match c {
            Conv::ZExt => LLVMOpcode::LLVMZExt,
            Conv::SExt => LLVMOpcode::LLVMSExt,
            Conv::Trunc => LLVMOpcode::LLVMTrunc,
            Conv::FpExt => LLVMOpcode::LLVMFPExt,
            Conv::FpTrunc => LLVMOpcode::LLVMFPTrunc,
            Conv::SiToFp => LLVMOpcode::LLVMSIToFP,
            Conv::UiToFp => LLVMOpcode::LLVMUIToFP,
        };
        // SAFETY: live builder, value and type (a bad pair is invalid IR,
        // reported by the verifier).
        self.v(unsafe { LLVMBuildCast(self.b, op, v.0, t.0, c"".as_ptr()) })
    }

    /// `select c, a, b`.
    pub fn select(&self, c: Val<'m>, a: Val<'m>, b: Val<'m>) -> Val<'m> {
        // SAFETY: live builder and operands.
        self.v(unsafe { LLVMBuildSelect(self.b, c.0, a.0, b.0, c"".as_ptr()) })
    }

    /// A phi of type `t` over `(value, predecessor)` pairs.
    pub fn phi(&self, t: Ty<'m>, incoming: &[(Val<'m>, Bb<'m>)]) -> Val<'m> {
        let mut vals: Vec<LLVMValueRef> = incoming.iter().map(|x| x.0 .0).collect();
        let mut bbs: Vec<LLVMBasicBlockRef> = incoming.iter().map(|x| x.1 .0).collect();
        // SAFETY: live builder, type, values and blocks; both arrays hold
        // `incoming.len()` entries.
        unsafe {
            let p = LLVMBuildPhi(self.b, t.0, c"".as_ptr());
            LLVMAddIncoming(p, vals.as_mut_ptr(), bbs.as_mut_ptr(), vals.len() as u32);
            self.v(p)
        }
    }

    /// The block the builder emits into.
    pub fn current_block(&self) -> R<Bb<'m>> {
        // SAFETY: live builder.
        let bb = unsafe { LLVMGetInsertBlock(self.b) };
        if bb.is_null() {
            return Err("internal: the builder is not positioned".into());
        }
        Ok(Bb(bb, PhantomData))
    }

    /// `br dest`.
    pub fn br(&self, dest: Bb<'m>) {
        // SAFETY: live builder and block.
        unsafe { LLVMBuildBr(self.b, dest.0) };
    }

    /// `br i1 c, then, other`.
    pub fn cond_br(&self, c: Val<'m>, then: Bb<'m>, other: Bb<'m>) {
        // SAFETY: live builder, condition and blocks.
        unsafe { LLVMBuildCondBr(self.b, c.0, then.0, other.0) };
    }

    /// `unreachable`.
    pub fn unreachable(&self) {
        // SAFETY: live builder.
        unsafe { LLVMBuildUnreachable(self.b) };
    }

    /// `ret v` / `ret void`.
    pub fn ret(&self, v: Option<Val<'m>>) {
        // SAFETY: live builder (and value).
        unsafe {
            match v {
                Some(v) => LLVMBuildRet(self.b, v.0),
                None => LLVMBuildRetVoid(self.b),
            }
        };
    }

    /// Calls `callee` (a function or a pointer) with function type `fty`.
    pub fn call(&self, fty: Ty<'m>, callee: Val<'m>, args: &[Val<'m>]) -> R<Val<'m>> {
        if self.kind(fty) != LLVMTypeKind::LLVMFunctionTypeKind || !self.is_ptr(callee) {
            return Err("internal: call of a non-function".into());
        }
        // SAFETY: `fty` is a live function type.
        let (n, variadic) = unsafe {
            (
                LLVMCountParamTypes(fty.0) as usize,
                LLVMIsFunctionVarArg(fty.0) != 0,
            )
        };
        if args.len() < n || (!variadic && args.len() != n) {
            return Err("internal: call with the wrong number of arguments".into());
        }
        let mut raw: Vec<LLVMValueRef> = args.iter().map(|a| a.0).collect();
        // SAFETY: live builder, callee, type and arguments; arity checked.
        Ok(self.v(unsafe {
            LLVMBuildCall2(
                self.b,
                fty.0,
                callee.0,
                raw.as_mut_ptr(),
                raw.len() as u32,
                c"".as_ptr(),
            )
        }))
    }

    /// Field `i` of a first-class aggregate.
    pub fn extract(&self, agg: Val<'m>, i: u32) -> R<Val<'m>> {
        self.check_field(agg, i)?;
        // SAFETY: `agg` is a struct with a field `i` (checked).
        Ok(self.v(unsafe { LLVMBuildExtractValue(self.b, agg.0, i, c"".as_ptr()) }))
    }

    /// `agg` with field `i` replaced by `v`.
    pub fn insert(&self, agg: Val<'m>, v: Val<'m>, i: u32) -> R<Val<'m>> {
        self.check_field(agg, i)?;
        // SAFETY: `agg` is a struct with a field `i` (checked).
        Ok(self.v(unsafe { LLVMBuildInsertValue(self.b, agg.0, v.0, i, c"".as_ptr()) }))
    }

    fn check_field(&self, agg: Val<'m>, i: u32) -> R<()> {
        let t = self.type_of(agg);
        // SAFETY: `t` is live; the element count is read of a struct type only.
        let ok = self.kind(t) == LLVMTypeKind::LLVMStructTypeKind
            && i < unsafe { LLVMCountStructElementTypes(t.0) };
        if ok {
            Ok(())
        } else {
            Err("internal: no such aggregate field".into())
        }
    }

    /// The undefined value of `t` (to build aggregates from).
    pub fn undef(&self, t: Ty<'m>) -> Val<'m> {
        // SAFETY: live type.
        self.v(unsafe { LLVMGetUndef(t.0) })
    }
}
