//! Optimized emission: LLVM's new-pass-manager pipeline
//! (`function(declare-to-assign),default<O2>`) run on the clone that
//! [`LlvmModule::emit_object_with`] compiles, with the same x86-64 target
//! machine. Debug info is kept: `declare-to-assign` (LLVM's assignment
//! tracking, which also sets the module flag
//! `debug-info-assignment-tracking` that code generation reads) first links
//! each variable's declare record to the stores to its stack slot, so a
//! store a later pass deletes or moves leaves the stored value (or an
//! optimized-out range) instead of the slot's stale contents
//! (toyc/tests/llvm_opt.rs); `default<O2>` then promotes variables to
//! registers (SROA, mem2reg, instcombine) and marks the copies the inliner
//! makes with `inlinedAt` locations, from which LLVM's DWARF writer produces
//! location lists and `DW_TAG_inlined_subroutine`s.

use llvm_sys::prelude::LLVMModuleRef;
use llvm_sys::target_machine::{LLVMCodeGenOptLevel, LLVMTargetMachineRef};
use llvm_sys::transforms::pass_builder::{
    LLVMCreatePassBuilderOptions, LLVMDisposePassBuilderOptions, LLVMRunPasses,
};

use super::ir::LlvmModule;
use crate::error::{Error, ErrorKind, Result};

/// How much LLVM optimizes the module before emitting it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum OptLevel {
    /// No IR passes; code generation at `-O0` (variables live in their
    /// stack slots for their whole scope).
    #[default]
    O0,
    /// Assignment tracking and the `default<O2>` pipeline, then code
    /// generation at `-O2`: variables get location lists (or are optimized
    /// out), calls may be inlined.
    O2,
}

impl OptLevel {
    /// The code generator's level.
    pub(super) fn codegen(self) -> LLVMCodeGenOptLevel {
        match self {
            OptLevel::O0 => LLVMCodeGenOptLevel::LLVMCodeGenLevelNone,
            OptLevel::O2 => LLVMCodeGenOptLevel::LLVMCodeGenLevelDefault,
        }
    }
}

impl LlvmModule<'_> {
    /// Like [`emit_object`](Self::emit_object), optimized at `level`. The
    /// passes run on the clone that is compiled, so the module itself (and
    /// the frontend's handles into it) is unchanged.
    pub fn emit_object_with(&self, level: OptLevel) -> Result<Vec<u8>> {
        self.emit_object_at(level)
    }
}

/// Runs `level`'s IR pipeline on `module` (a clone being compiled by `tm`).
pub(super) fn run_pipeline(
    module: LLVMModuleRef,
    tm: LLVMTargetMachineRef,
    level: OptLevel,
) -> Result<()> {
    let passes = match level {
        OptLevel::O0 => return Ok(()),
        OptLevel::O2 => c"function(declare-to-assign),default<O2>",
    };
    // SAFETY: the options are created, used and disposed here; module and
    // machine are live (owned by the caller for the whole call); the pass
    // string is NUL-terminated.
    let e = unsafe {
        let opts = LLVMCreatePassBuilderOptions();
        let e = LLVMRunPasses(module, passes.as_ptr(), tm, opts);
        LLVMDisposePassBuilderOptions(opts);
        e
    };
    if e.is_null() {
        return Ok(());
    }
    // SAFETY: `e` is a live LLVMErrorRef; taking its message consumes it,
    // and the message is disposed once after being copied.
    let text = unsafe {
        let m = llvm_sys::error::LLVMGetErrorMessage(e);
        let s = std::ffi::CStr::from_ptr(m).to_string_lossy().into_owned();
        llvm_sys::error::LLVMDisposeErrorMessage(m);
        s
    };
    Err(Error::new(
        ErrorKind::Backend,
        format!(
            "LLVM's {} pipeline failed: {text}",
            passes.to_string_lossy()
        ),
    ))
}
