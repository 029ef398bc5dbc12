//! What an LLVM JIT (ORC LLJIT through LLVM-C) needs beyond LLVM-C: a
//! builder whose tasks run on the calling thread (`shim.cpp`).

use super::sys::orc2::lljit::LLVMOrcLLJITBuilderRef;
use crate::error::{Error, ErrorKind, Result};

extern "C" {
    fn dwarfsmith_lljit_builder_in_place(err: *mut *mut std::ffi::c_char)
        -> LLVMOrcLLJITBuilderRef;
    fn free(p: *mut std::ffi::c_void);
}

/// An `LLVMOrcLLJITBuilderRef` (pass it to `LLVMOrcCreateLLJIT`, which
/// takes ownership, or dispose it) whose execution session dispatches
/// every task on the calling thread: LLJIT then starts no threads (LLVM's
/// default is a thread pool), so a debugger sees a single-threaded process.
pub fn lljit_builder_without_threads() -> Result<LLVMOrcLLJITBuilderRef> {
    let mut msg = std::ptr::null_mut();
    // SAFETY: the shim writes a malloc'ed C string to `msg` only on
    // failure (null result); it is read once and freed below.
    let b = unsafe { dwarfsmith_lljit_builder_in_place(&mut msg) };
    if !b.is_null() {
        return Ok(b);
    }
    let text = if msg.is_null() {
        String::from("unknown error")
    } else {
        // SAFETY: `msg` is the NUL-terminated string the shim allocated.
        let s = unsafe { std::ffi::CStr::from_ptr(msg) }
            .to_string_lossy()
            .into_owned();
        // SAFETY: allocated by strdup (malloc) in the shim, freed once.
        unsafe { free(msg.cast()) };
        s
    };
    Err(Error::new(
        ErrorKind::Backend,
        format!("LLVM could not create the JIT's process control: {text}"),
    ))
}
