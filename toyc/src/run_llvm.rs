//! `toyc run --backend llvm` (cargo feature `llvm`): the object toyc's
//! LLVM codegen writes (debug info from dwarfsmith's LLVM backend) is
//! linked in memory by LLVM's ORC LLJIT on an RTDyld object linking layer,
//! whose GDB registration listener hands the linked object to the
//! debuggers (see `run_in` for lldb).

#![warn(clippy::undocumented_unsafe_blocks)]

use std::ffi::{c_char, c_void, CStr};
use std::path::Path;
use std::ptr;

use dwarfsmith::backend::llvm::sys as llvm;
use llvm::error::LLVMErrorRef;
use llvm::orc2::lljit::*;
use llvm::orc2::*;

use crate::front::hir::Program;
use crate::run::RunOptions;

extern "C" {
    fn fflush(stream: *mut c_void) -> std::ffi::c_int;
}

/// The LLVM object of `src`, compiled by a child `toyc object` process:
/// dwarfsmith's LLVM backend runs LLVM's deep recursions on threads with
/// large stacks, and a thread in this process would make gdb name the
/// thread of every stop ("Thread 1 hit Breakpoint 1"), unlike the
/// single-threaded executables `build` makes.
fn compile_in_child(src: &Path, dwarf_version: u16, optimize: bool) -> Result<Vec<u8>, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find toyc itself: {e}"))?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let obj = std::env::temp_dir().join(format!("toyc-run-{}-{nanos}.o", std::process::id()));
    let status = std::process::Command::new(exe)
        .arg("object")
        .arg(src)
        .arg("-o")
        .arg(&obj)
        .args(["--backend", "llvm", "--dwarf", &dwarf_version.to_string()])
        .args(optimize.then_some("-O"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("cannot run toyc to compile: {e}"));
    let bytes = std::fs::read(&obj);
    let _ = std::fs::remove_file(&obj);
    match status? {
        s if s.success() => bytes.map_err(|e| format!("cannot read {}: {e}", obj.display())),
        s => Err(format!("compiling with LLVM failed ({s})")),
    }
}

/// The message of an LLVM error (consumed), or `Ok`.
fn check(e: LLVMErrorRef, what: &str) -> Result<(), String> {
    if e.is_null() {
        return Ok(());
    }
    // SAFETY: `e` is a live LLVMErrorRef that LLVMGetErrorMessage consumes;
    // the returned string is read once and freed with the matching call.
    let msg = unsafe {
        let m = llvm::error::LLVMGetErrorMessage(e);
        let s = CStr::from_ptr(m).to_string_lossy().into_owned();
        llvm::error::LLVMDisposeErrorMessage(m);
        s
    };
    Err(format!("LLVM JIT: {what}: {msg}"))
}

/// The object linking layer: RTDyld with the GDB registration listener.
extern "C" fn rtdyld_with_gdb_listener(
    _ctx: *mut c_void,
    es: LLVMOrcExecutionSessionRef,
    _triple: *const c_char,
) -> LLVMOrcObjectLayerRef {
    // SAFETY: `es` is the execution session LLJIT passes to this creator;
    // the listener is a process-wide singleton owned by LLVM.
    unsafe {
        let layer =
            llvm::orc2::ee::LLVMOrcCreateRTDyldObjectLinkingLayerWithSectionMemoryManager(es);
        llvm::orc2::ee::LLVMOrcRTDyldObjectLinkingLayerRegisterJITEventListener(
            layer,
            llvm::execution_engine::LLVMCreateGDBRegistrationListener(),
        );
        layer
    }
}

/// Compiles `src` with LLVM (in a child `toyc object` process, see
/// [`compile_in_child`]), links it in memory with LLJIT, runs `main`.
/// `_prog` is the checked program: errors were reported before this.
pub fn run(_prog: &Program, src: &Path, opts: &RunOptions) -> Result<i32, String> {
    if opts.perf_map {
        return Err("--perf-map (TOYC_PERF_MAP) is only implemented for --backend gimli".into());
    }
    let object = compile_in_child(src, opts.dwarf_version, opts.optimize)?;
    if let Some(p) = &opts.save_image {
        std::fs::write(p, &object).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    }
    // SAFETY: the LLVM C API used as documented: the builder is consumed by
    // LLVMOrcCreateLLJIT, the generator by the JITDylib, the memory buffer
    // by LLVMOrcLLJITAddObjectFile; `jit` is disposed once, after `main`
    // returned, which unregisters the object from the debuggers.
    unsafe {
        if llvm::target::LLVM_InitializeNativeTarget() != 0
            || llvm::target::LLVM_InitializeNativeAsmPrinter() != 0
        {
            return Err("LLVM JIT: no native target".into());
        }
        let builder = dwarfsmith::backend::llvm::jit::lljit_builder_without_threads()
            .map_err(|e| format!("LLVM JIT: {e}"))?;
        LLVMOrcLLJITBuilderSetObjectLinkingLayerCreator(
            builder,
            rtdyld_with_gdb_listener,
            ptr::null_mut(),
        );
        let mut jit = ptr::null_mut();
        check(LLVMOrcCreateLLJIT(&mut jit, builder), "creating LLJIT")?;
        let result = run_in(jit, &object);
        let disposed = check(LLVMOrcDisposeLLJIT(jit), "disposing LLJIT");
        let code = result?;
        disposed?;
        Ok(code)
    }
}

/// Adds the object to `jit`'s main JITDylib (libc symbols from the
/// process), looks up `main` and calls it.
///
/// # Safety
/// `jit` must be a live LLJIT.
unsafe fn run_in(jit: LLVMOrcLLJITRef, object: &[u8]) -> Result<i32, String> {
    // SAFETY: per this function's contract `jit` is live; the buffer copies
    // `object`; the looked-up address is the JIT'd Toy `main`, compiled as
    // the C `int main(void)` toyc's checker requires.
    unsafe {
        let jd = LLVMOrcLLJITGetMainJITDylib(jit);
        let mut generator = ptr::null_mut();
        check(
            LLVMOrcCreateDynamicLibrarySearchGeneratorForProcess(
                &mut generator,
                LLVMOrcLLJITGetGlobalPrefix(jit),
                None,
                ptr::null_mut(),
            ),
            "searching the process for C symbols",
        )?;
        LLVMOrcJITDylibAddGenerator(jd, generator);
        let buffer = llvm::core::LLVMCreateMemoryBufferWithMemoryRangeCopy(
            object.as_ptr().cast(),
            object.len(),
            c"toy.o".as_ptr(),
        );
        check(
            LLVMOrcLLJITAddObjectFile(jit, jd, buffer),
            "adding the object",
        )?;
        let mut addr = 0;
        check(
            LLVMOrcLLJITLookup(jit, &mut addr, c"main".as_ptr()),
            "linking `main`",
        )?;
        if addr == 0 {
            return Err("LLVM JIT: `main` has address 0".into());
        }
        // toyc exports dwarfsmith's `__jit_debug_descriptor`, which
        // interposes libLLVM's: LLVM linked its debug object into that list
        // but told only its own `__jit_debug_register_code` (gdb follows
        // both, lldb only the first, toyc's). Tell toyc's too.
        dwarfsmith::jit::announce_foreign_registrations();
        let main: extern "C" fn() -> i32 = std::mem::transmute(addr as usize);
        let code = main();
        fflush(ptr::null_mut());
        Ok(code)
    }
}
