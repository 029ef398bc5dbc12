//! Safe handles on the values of an LLVM module: SSA values, functions,
//! globals and basic blocks. Each borrows its module (`'a`); the module
//! checks at run time that the handles it combines come from it.

use std::marker::PhantomData;

use llvm_sys::core::*;
use llvm_sys::prelude::*;

use super::ir::cstr;
use crate::error::{err, ErrorKind, Result};

/// The module a value lives in, for values that live in one.
pub(super) fn value_module(v: LLVMValueRef) -> Option<LLVMModuleRef> {
    // SAFETY: `v` is live (callers hold a handle whose lifetime guarantees
    // it); each query is made only on values of the kind it expects.
    unsafe {
        if !LLVMIsAGlobalValue(v).is_null() {
            return Some(LLVMGetGlobalParent(v));
        }
        if !LLVMIsAArgument(v).is_null() {
            return Some(LLVMGetGlobalParent(LLVMGetParamParent(v)));
        }
        if !LLVMIsAInstruction(v).is_null() {
            let bb = LLVMGetInstructionParent(v);
            if bb.is_null() {
                return None;
            }
            let f = LLVMGetBasicBlockParent(bb);
            return (!f.is_null()).then(|| LLVMGetGlobalParent(f));
        }
    }
    None
}

/// The function an instruction or argument belongs to.
pub(super) fn value_function(v: LLVMValueRef) -> Option<LLVMValueRef> {
    // SAFETY: as in `value_module`.
    unsafe {
        if !LLVMIsAArgument(v).is_null() {
            return Some(LLVMGetParamParent(v));
        }
        if !LLVMIsAInstruction(v).is_null() {
            let bb = LLVMGetInstructionParent(v);
            return (!bb.is_null()).then(|| LLVMGetBasicBlockParent(bb));
        }
    }
    None
}

macro_rules! value_handle {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name<'a> {
            pub(super) raw: LLVMValueRef,
            _m: PhantomData<&'a ()>,
        }

        impl<'a> $name<'a> {
            /// The raw value.
            pub fn as_raw(self) -> LLVMValueRef {
                self.raw
            }

            pub(super) fn wrap(raw: LLVMValueRef) -> Self {
                $name {
                    raw,
                    _m: PhantomData,
                }
            }
        }
    };
}

value_handle!(
    /// An SSA value (constant, argument, instruction result), valid while its
    /// module lives.
    LlvmValue
);
value_handle!(
    /// A function of a module.
    LlvmFunction
);
value_handle!(
    /// A global variable of a module.
    LlvmGlobal
);

impl<'a> LlvmValue<'a> {
    /// Wraps a raw value.
    ///
    /// # Safety
    /// `raw` must be a live value whose context (and module, if it lives in
    /// one) outlives `'a`.
    pub unsafe fn from_raw(raw: LLVMValueRef) -> Self {
        Self::wrap(raw)
    }
}

impl<'a> LlvmGlobal<'a> {
    /// The global as a value (its address).
    pub fn as_value(self) -> LlvmValue<'a> {
        LlvmValue::wrap(self.raw)
    }

    /// Wraps a raw global variable.
    ///
    /// # Safety
    /// `raw` must be a live `GlobalVariable` of a module that outlives `'a`.
    pub unsafe fn from_raw(raw: LLVMValueRef) -> Self {
        Self::wrap(raw)
    }
}

impl<'a> LlvmFunction<'a> {
    /// Wraps a raw function.
    ///
    /// # Safety
    /// `raw` must be a live `Function` of a module that outlives `'a`.
    pub unsafe fn from_raw(raw: LLVMValueRef) -> Self {
        Self::wrap(raw)
    }

    /// The function as a value (its address).
    pub fn as_value(self) -> LlvmValue<'a> {
        LlvmValue::wrap(self.raw)
    }

    /// The `i`-th parameter (0-based).
    pub fn param(self, i: u32) -> Result<LlvmValue<'a>> {
        // SAFETY: the function is live while `'a`.
        let n = unsafe { LLVMCountParams(self.raw) };
        if i >= n {
            return err(
                ErrorKind::InvalidLayout,
                format!("parameter {i} of a function with {n} parameters"),
            );
        }
        // SAFETY: `i` is in range.
        Ok(LlvmValue::wrap(unsafe { LLVMGetParam(self.raw, i) }))
    }

    /// Appends a basic block named `name`.
    pub fn append_block(self, name: &str) -> Result<LlvmBlock<'a>> {
        let n = cstr("block name", name)?;
        // SAFETY: the function is live; its context is the type's context.
        let raw = unsafe {
            let ctx = LLVMGetTypeContext(LLVMTypeOf(self.raw));
            LLVMAppendBasicBlockInContext(ctx, self.raw, n.as_ptr())
        };
        Ok(LlvmBlock {
            raw,
            _m: PhantomData,
        })
    }

    pub(super) fn function_type(self) -> LLVMTypeRef {
        // SAFETY: the function is live.
        unsafe { LLVMGlobalGetValueType(self.raw) }
    }
}

/// A basic block of a function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LlvmBlock<'a> {
    pub(super) raw: LLVMBasicBlockRef,
    _m: PhantomData<&'a ()>,
}

impl<'a> LlvmBlock<'a> {
    /// The raw block.
    pub fn as_raw(self) -> LLVMBasicBlockRef {
        self.raw
    }

    /// Wraps a raw block.
    ///
    /// # Safety
    /// `raw` must be a live block inserted in a function of a module that
    /// outlives `'a`.
    pub unsafe fn from_raw(raw: LLVMBasicBlockRef) -> Self {
        LlvmBlock {
            raw,
            _m: PhantomData,
        }
    }
}
