//! Object emission: x86-64 Linux, position-independent, `-O0` (or `-O2`
//! with [`OptLevel`](super::OptLevel), see `optimize.rs`).
//!
//! The module is verified first (LLVM's verifier reports invalid IR and
//! invalid debug info, e.g. an unfinished DIBuilder's temporary nodes, as an
//! error instead of a crash in codegen), then *cloned*: code generation may
//! rewrite IR, and the frontend's handles into the original module must stay
//! valid.

use std::ffi::CStr;
use std::sync::Once;

use llvm_sys::core::{
    LLVMDisposeMemoryBuffer, LLVMDisposeModule, LLVMGetBufferSize, LLVMGetBufferStart,
};
use llvm_sys::prelude::LLVMModuleRef;
use llvm_sys::target::*;
use llvm_sys::target_machine::*;

use super::deep_stack::{run, Raw};
use super::ir::{take_message, LlvmModule};
use super::optimize::{run_pipeline, OptLevel};
use crate::error::{err, ErrorKind, Result};

const TRIPLE: &CStr = c"x86_64-unknown-linux-gnu";
const CPU: &CStr = c"x86-64";

fn init_x86() {
    static INIT: Once = Once::new();
    // SAFETY: LLVM's target registration functions are idempotent
    // registrations; `Once` makes them run once even across threads.
    INIT.call_once(|| unsafe {
        LLVMInitializeX86TargetInfo();
        LLVMInitializeX86Target();
        LLVMInitializeX86TargetMC();
        LLVMInitializeX86AsmPrinter();
    });
}

/// Owns a target machine.
struct Machine(LLVMTargetMachineRef);

impl Drop for Machine {
    fn drop(&mut self) {
        // SAFETY: created below, disposed once.
        unsafe { LLVMDisposeTargetMachine(self.0) }
    }
}

/// Owns a cloned module.
struct Clone(LLVMModuleRef);

impl Drop for Clone {
    fn drop(&mut self) {
        // SAFETY: the clone is owned here and disposed once.
        unsafe { LLVMDisposeModule(self.0) }
    }
}

impl LlvmModule<'_> {
    /// Compiles the module to an x86-64 Linux ELF relocatable object (PIC,
    /// no optimisation), with its debug info. The module must verify, and
    /// the `DebugContext` driving it must have finished (else
    /// `Backend`, as for a module that does not verify).
    ///
    /// LLVM's DWARF writer recurses through nested types, so code generation
    /// runs on a thread with a stack sized for the unit's metadata (see
    /// DESIGN.md, "LLVM backend").
    pub fn emit_object(&self) -> Result<Vec<u8>> {
        self.emit_object_at(OptLevel::O0)
    }

    /// [`emit_object`](Self::emit_object) at `level`.
    pub(super) fn emit_object_at(&self, level: OptLevel) -> Result<Vec<u8>> {
        if self.context().unit_open.get() {
            return err(
                ErrorKind::Backend,
                "the DebugContext writing this module's debug info has not finished: call its finish() before emitting (the DIBuilder finalizes subprograms then)",
            );
        }
        self.verify()?;
        let module = Raw::new(self.as_raw());
        let levels = self.context().metadata_levels.get();
        run(levels, "emitting the object", move || {
            emit(module.get(), level)
        })?
    }
}

/// [`LlvmModule::emit_object`] after the verifier, on the walking thread.
fn emit(module: LLVMModuleRef, level: OptLevel) -> Result<Vec<u8>> {
    init_x86();
    let mut target = std::ptr::null_mut();
    let mut msg = std::ptr::null_mut();
    // SAFETY: the triple is NUL-terminated; out-pointers are valid.
    let failed = unsafe { LLVMGetTargetFromTriple(TRIPLE.as_ptr(), &mut target, &mut msg) };
    let text = take_message(msg);
    if failed != 0 {
        return err(
            ErrorKind::Backend,
            format!("LLVM has no x86-64 target: {text}"),
        );
    }
    // SAFETY: `target` was found above; strings are NUL-terminated.
    let tm = Machine(unsafe {
        LLVMCreateTargetMachine(
            target,
            TRIPLE.as_ptr(),
            CPU.as_ptr(),
            c"".as_ptr(),
            level.codegen(),
            LLVMRelocMode::LLVMRelocPIC,
            LLVMCodeModel::LLVMCodeModelDefault,
        )
    });
    // SAFETY: the module is live and verified; the clone is owned by
    // `Clone` and gets the machine's triple and data layout.
    let clone = Clone(unsafe { llvm_sys::core::LLVMCloneModule(module) });
    // SAFETY: clone and machine are live; the data layout is disposed
    // after being copied into the module.
    unsafe {
        llvm_sys::core::LLVMSetTarget(clone.0, TRIPLE.as_ptr());
        let dl = LLVMCreateTargetDataLayout(tm.0);
        LLVMSetModuleDataLayout(clone.0, dl);
        LLVMDisposeTargetData(dl);
    }
    run_pipeline(clone.0, tm.0, level)?;
    let mut buf = std::ptr::null_mut();
    let mut msg = std::ptr::null_mut();
    // SAFETY: machine and clone are live; out-pointers are valid.
    let failed = unsafe {
        LLVMTargetMachineEmitToMemoryBuffer(
            tm.0,
            clone.0,
            LLVMCodeGenFileType::LLVMObjectFile,
            &mut msg,
            &mut buf,
        )
    };
    let text = take_message(msg);
    if failed != 0 || buf.is_null() {
        return err(
            ErrorKind::Backend,
            format!("LLVM code generation failed: {text}"),
        );
    }
    // SAFETY: `buf` is a live memory buffer of `size` bytes; it is
    // copied, then disposed once.
    let bytes = unsafe {
        let start = LLVMGetBufferStart(buf) as *const u8;
        let size = LLVMGetBufferSize(buf);
        let v = std::slice::from_raw_parts(start, size).to_vec();
        LLVMDisposeMemoryBuffer(buf);
        v
    };
    Ok(bytes)
}
