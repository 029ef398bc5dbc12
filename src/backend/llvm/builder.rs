//! [`LlvmBuilder`]: the instruction builder whose debug location the
//! backend drives, with a small checked instruction set.

use std::ffi::CString;

use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::{LLVMIntPredicate, LLVMTypeKind};

use super::ir::{cstr, LlvmModule, LlvmType};
use super::values::{LlvmBlock, LlvmFunction, LlvmValue};
use crate::error::{err, ErrorKind, Result};

/// Integer comparisons for [`LlvmBuilder::icmp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntCompare {
    /// `==`.
    Eq,
    /// `!=`.
    Ne,
    /// Signed `<`.
    Slt,
    /// Signed `<=`.
    Sle,
    /// Signed `>`.
    Sgt,
    /// Signed `>=`.
    Sge,
}

/// An instruction builder of one module. Hand it to the backend with
/// [`DebugContext::set_llvm_builder`](crate::DebugContext::set_llvm_builder)
/// and the backend sets its current debug location as the frontend moves
/// through its source.
pub struct LlvmBuilder<'a> {
    pub(super) raw: LLVMBuilderRef,
    pub(super) module: &'a LlvmModule<'a>,
}

impl Drop for LlvmBuilder<'_> {
    fn drop(&mut self) {
        // SAFETY: the builder is owned by this value and disposed once.
        unsafe { LLVMDisposeBuilder(self.raw) }
    }
}

impl<'a> LlvmBuilder<'a> {
    /// The raw builder, for llvm-sys calls in the frontend's own `unsafe`.
    pub fn as_raw(&self) -> LLVMBuilderRef {
        self.raw
    }

    /// Appends instructions at the end of `block` (of this module) from now on.
    pub fn position_at_end(&self, block: LlvmBlock<'_>) -> Result<()> {
        self.module.check_block(block)?;
        // SAFETY: builder and block are live and of this module.
        unsafe { LLVMPositionBuilderAtEnd(self.raw, block.raw) };
        Ok(())
    }

    fn positioned(&self) -> Result<()> {
        // SAFETY: the builder is live.
        if unsafe { LLVMGetInsertBlock(self.raw) }.is_null() {
            return err(
                ErrorKind::InvalidCode,
                "the builder is not positioned: call position_at_end(block) first",
            );
        }
        Ok(())
    }

    fn operands(&self, vals: &[LlvmValue<'_>]) -> Result<()> {
        self.positioned()?;
        vals.iter().try_for_each(|v| self.module.check_value(v.raw))
    }

    fn name(name: &str) -> Result<CString> {
        cstr("value name", name)
    }

    /// A stack slot of sized type `ty`.
    pub fn alloca(&self, ty: LlvmType<'_>, name: &str) -> Result<LlvmValue<'a>> {
        self.positioned()?;
        self.module.ctx.check_type(ty)?;
        if !ty.is_sized() {
            return err(ErrorKind::InvalidLayout, "alloca needs a sized type");
        }
        let n = Self::name(name)?;
        // SAFETY: positioned builder; type of this context.
        Ok(LlvmValue::wrap(unsafe {
            LLVMBuildAlloca(self.raw, ty.raw, n.as_ptr())
        }))
    }

    /// `store value, ptr`.
    pub fn store(&self, value: LlvmValue<'_>, ptr: LlvmValue<'_>) -> Result<()> {
        self.operands(&[value, ptr])?;
        // SAFETY: operands are live values of this module.
        unsafe { LLVMBuildStore(self.raw, value.raw, ptr.raw) };
        Ok(())
    }

    /// `load ty, ptr`.
    pub fn load(&self, ty: LlvmType<'_>, ptr: LlvmValue<'_>, name: &str) -> Result<LlvmValue<'a>> {
        self.operands(&[ptr])?;
        self.module.ctx.check_type(ty)?;
        let n = Self::name(name)?;
        // SAFETY: operands are live values/types of this module's context.
        Ok(LlvmValue::wrap(unsafe {
            LLVMBuildLoad2(self.raw, ty.raw, ptr.raw, n.as_ptr())
        }))
    }

    fn same_int(&self, a: LlvmValue<'_>, b: LlvmValue<'_>) -> Result<()> {
        self.operands(&[a, b])?;
        // SAFETY: both values are live.
        let (ta, tb) = unsafe { (LLVMTypeOf(a.raw), LLVMTypeOf(b.raw)) };
        // SAFETY: `ta` is a live type.
        let int = unsafe { LLVMGetTypeKind(ta) } == LLVMTypeKind::LLVMIntegerTypeKind;
        if ta != tb || !int {
            return err(
                ErrorKind::InvalidLayout,
                "integer operations need two operands of one integer type",
            );
        }
        Ok(())
    }

    /// `a + b` (integers of one type).
    pub fn add(&self, a: LlvmValue<'_>, b: LlvmValue<'_>, name: &str) -> Result<LlvmValue<'a>> {
        self.same_int(a, b)?;
        let n = Self::name(name)?;
        // SAFETY: checked operands.
        Ok(LlvmValue::wrap(unsafe {
            LLVMBuildAdd(self.raw, a.raw, b.raw, n.as_ptr())
        }))
    }

    /// `a * b` (integers of one type).
    pub fn mul(&self, a: LlvmValue<'_>, b: LlvmValue<'_>, name: &str) -> Result<LlvmValue<'a>> {
        self.same_int(a, b)?;
        let n = Self::name(name)?;
        // SAFETY: checked operands.
        Ok(LlvmValue::wrap(unsafe {
            LLVMBuildMul(self.raw, a.raw, b.raw, n.as_ptr())
        }))
    }

    /// An integer comparison giving an `i1`.
    pub fn icmp(
        &self,
        op: IntCompare,
        a: LlvmValue<'_>,
        b: LlvmValue<'_>,
        name: &str,
    ) -> Result<LlvmValue<'a>> {
        self.same_int(a, b)?;
        let p = match op {
            IntCompare::Eq => LLVMIntPredicate::LLVMIntEQ,
            IntCompare::Ne => LLVMIntPredicate::LLVMIntNE,
            IntCompare::Slt => LLVMIntPredicate::LLVMIntSLT,
            IntCompare::Sle => LLVMIntPredicate::LLVMIntSLE,
            IntCompare::Sgt => LLVMIntPredicate::LLVMIntSGT,
            IntCompare::Sge => LLVMIntPredicate::LLVMIntSGE,
        };
        let n = Self::name(name)?;
        // SAFETY: checked operands.
        Ok(LlvmValue::wrap(unsafe {
            LLVMBuildICmp(self.raw, p, a.raw, b.raw, n.as_ptr())
        }))
    }

    /// `br label %dest`.
    pub fn br(&self, dest: LlvmBlock<'_>) -> Result<()> {
        self.positioned()?;
        self.module.check_block(dest)?;
        // SAFETY: positioned builder; block of this module.
        unsafe { LLVMBuildBr(self.raw, dest.raw) };
        Ok(())
    }

    /// `br i1 %cond, label %then, label %other`.
    pub fn cond_br(
        &self,
        cond: LlvmValue<'_>,
        then: LlvmBlock<'_>,
        other: LlvmBlock<'_>,
    ) -> Result<()> {
        self.operands(&[cond])?;
        self.module.check_block(then)?;
        self.module.check_block(other)?;
        // SAFETY: checked operands and blocks.
        unsafe { LLVMBuildCondBr(self.raw, cond.raw, then.raw, other.raw) };
        Ok(())
    }

    /// Calls `callee` (a function of this module) with `args`, whose count
    /// and types must match its type.
    pub fn call(
        &self,
        callee: LlvmFunction<'_>,
        args: &[LlvmValue<'_>],
        name: &str,
    ) -> Result<LlvmValue<'a>> {
        self.operands(args)?;
        self.module.check_value(callee.raw)?;
        let fty = callee.function_type();
        // SAFETY: `fty` is the live function type of `callee`; the param
        // array has exactly `count` slots.
        let (params, ret_void) = unsafe {
            let count = LLVMCountParamTypes(fty) as usize;
            let mut p = vec![std::ptr::null_mut(); count];
            LLVMGetParamTypes(fty, p.as_mut_ptr());
            let rv = LLVMGetTypeKind(LLVMGetReturnType(fty)) == LLVMTypeKind::LLVMVoidTypeKind;
            (p, rv)
        };
        // SAFETY: `fty` is live.
        let variadic = unsafe { LLVMIsFunctionVarArg(fty) } != 0;
        let arity_ok = if variadic {
            args.len() >= params.len()
        } else {
            args.len() == params.len()
        };
        // SAFETY: argument values are live.
        let types_ok = params
            .iter()
            .zip(args)
            .all(|(t, a)| unsafe { LLVMTypeOf(a.raw) } == *t);
        if !arity_ok || !types_ok {
            return err(
                ErrorKind::InvalidLayout,
                "call arguments do not match the callee's parameter count or types",
            );
        }
        let n = Self::name(if ret_void { "" } else { name })?;
        let mut raw: Vec<LLVMValueRef> = args.iter().map(|a| a.raw).collect();
        // SAFETY: callee, type and arguments are live and checked to match.
        Ok(LlvmValue::wrap(unsafe {
            LLVMBuildCall2(
                self.raw,
                fty,
                callee.raw,
                raw.as_mut_ptr(),
                raw.len() as u32,
                n.as_ptr(),
            )
        }))
    }

    /// `ret` with a value, or `ret void`.
    pub fn ret(&self, value: Option<LlvmValue<'_>>) -> Result<()> {
        self.positioned()?;
        match value {
            Some(v) => {
                self.module.check_value(v.raw)?;
                // SAFETY: checked value.
                unsafe { LLVMBuildRet(self.raw, v.raw) };
            }
            // SAFETY: positioned builder.
            None => unsafe {
                LLVMBuildRetVoid(self.raw);
            },
        }
        Ok(())
    }
}
