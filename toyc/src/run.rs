//! `toyc run`: compiles a program into memory with cranelift-jit, registers
//! its debug info (dwarfsmith's gimli backend, `.debug_frame` CFI) with
//! the debuggers through dwarfsmith's `jit` module, and calls `main` in
//! this process.

#![warn(clippy::undocumented_unsafe_blocks)]

use std::io::Write;
use std::path::Path;

use cranelift_jit::{JITBuilder, JITModule};
use dwarfsmith::jit::{JitImageBuilder, PerfMap};
use dwarfsmith::FrameSection;

use crate::codegen::cranelift::{define_program, make_isa_with, opt_level};
use crate::codegen::Options;
use crate::front::hir::Program;

/// Options of `toyc run`.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// DWARF version, 4 or 5.
    pub dwarf_version: u16,
    /// `-O`: Cranelift `opt_level=speed`, LLVM `-O2`.
    pub optimize: bool,
    /// Append the JIT functions to `/tmp/perf-PID.map`.
    pub perf_map: bool,
    /// Also write the registered ELF image to this path (`--backend llvm`:
    /// the object LLVM's JIT links, before LLVM sets its section addresses).
    pub save_image: Option<std::path::PathBuf>,
}

/// C's `struct rlimit` (Linux, 64-bit).
#[repr(C)]
struct RLimit {
    cur: u64,
    max: u64,
}

/// `RLIMIT_STACK` on Linux.
const RLIMIT_STACK: std::ffi::c_int = 3;

extern "C" {
    /// C's `fflush`; `NULL` flushes every output stream.
    fn fflush(stream: *mut std::ffi::c_void) -> std::ffi::c_int;
    fn getrlimit(resource: std::ffi::c_int, rlim: *mut RLimit) -> std::ffi::c_int;
    fn setrlimit(resource: std::ffi::c_int, rlim: *const RLimit) -> std::ffi::c_int;
    fn dlsym(handle: *mut std::ffi::c_void, name: *const std::ffi::c_char)
        -> *mut std::ffi::c_void;
}

/// Every `extern fn` must be a C function of this process: cranelift-jit
/// resolves imports with `dlsym` and panics on one it cannot find.
fn check_externs(prog: &Program) -> Result<(), String> {
    for x in &prog.externs {
        let name = &x.path.name;
        let Ok(c) = std::ffi::CString::new(name.as_str()) else {
            return Err(format!("extern fn `{name}` has a NUL byte in its name"));
        };
        // SAFETY: dlsym with the RTLD_DEFAULT handle (null) and a
        // NUL-terminated name only looks the symbol up.
        if unsafe { dlsym(std::ptr::null_mut(), c.as_ptr()) }.is_null() {
            return Err(format!(
                "extern fn `{name}` (line {}) is not a C function of this process (toyc run links extern fns with dlsym; `toyc build` links with cc)",
                x.pos.line
            ));
        }
    }
    Ok(())
}

/// Lets the main thread's stack grow to `bytes` (at most the hard limit):
/// `run` compiles and runs on the main thread (a second thread would make
/// gdb report every stop as "Thread N hit Breakpoint"), and the compiler
/// recurses deeply on deeply nested programs. Linux checks the limit when
/// the stack grows, so raising it now takes effect. Returns whether the
/// limit is now at least `bytes`.
pub fn raise_stack_limit(bytes: u64) -> bool {
    let mut r = RLimit { cur: 0, max: 0 };
    // SAFETY: getrlimit writes one `struct rlimit` to the pointer, which
    // points to a live, properly laid out RLimit.
    if unsafe { getrlimit(RLIMIT_STACK, &mut r) } != 0 {
        return false;
    }
    if r.cur >= bytes {
        return true;
    }
    if r.max < bytes {
        return false;
    }
    let new = RLimit {
        cur: bytes,
        max: r.max,
    };
    // SAFETY: setrlimit reads one `struct rlimit` from a live RLimit.
    unsafe { setrlimit(RLIMIT_STACK, &new) == 0 }
}

fn jit_err(e: impl std::fmt::Display) -> String {
    format!("JIT: {e}")
}

/// Compiles `prog` (read from `src`) in memory and runs its `main`;
/// returns `main`'s result. Errors happen before anything runs.
pub fn run(prog: &Program, src: &Path, opts: &RunOptions) -> Result<i32, String> {
    check_externs(prog)?;
    let copts = Options {
        debug: true,
        dwarf_version: opts.dwarf_version,
        optimize: opts.optimize,
    };
    let isa = make_isa_with(false, opt_level(&copts))?;
    let mut module = JITModule::new(JITBuilder::with_isa(
        isa.clone(),
        cranelift_module::default_libcall_names(),
    ));
    let defined = define_program(
        prog,
        src,
        &copts,
        isa,
        &mut module,
        FrameSection::DebugFrame,
        false,
    )?;
    module.finalize_definitions().map_err(jit_err)?;
    let mut addresses: Vec<(&str, u64, u64)> = Vec::new();
    let mut main = None;
    for (id, sym) in &defined.functions {
        let p = module.get_finalized_function(*id);
        if sym == "main" {
            main = Some(p);
        }
        addresses.push((sym, p as u64, 0));
    }
    for (id, sym) in &defined.globals {
        let (p, size) = module.get_finalized_data(*id);
        addresses.push((sym, p as u64, size as u64));
    }
    let Some(main) = main else {
        return Err("the program has no `main`".into());
    };
    let Some(dwarf) = defined.dwarf else {
        return Err("internal: no debug info".into());
    };
    let mut builder = JitImageBuilder::new();
    builder.add_sized(&dwarf, &addresses);
    let image = builder.build().map_err(jit_err)?;
    if let Some(p) = &opts.save_image {
        std::fs::write(p, image.bytes())
            .map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    }
    if opts.perf_map {
        PerfMap::for_this_process()
            .and_then(|mut m| m.write_functions(image.functions()))
            .map_err(jit_err)?;
    }
    let registration = image.register().map_err(jit_err)?;
    // SAFETY: `main` is the finalized code of the Toy `main`, which
    // cranelift-jit compiled with the target's default (System V) calling
    // convention as `fn() -> i32` (toyc's checker requires that
    // signature); the module owning the code lives until after the call.
    let main_fn: extern "C" fn() -> i32 = unsafe { std::mem::transmute(main) };
    let code = main_fn();
    // SAFETY: fflush(NULL) flushes every C output stream; it takes no
    // pointer of ours.
    unsafe { fflush(std::ptr::null_mut()) };
    let _ = std::io::stdout().flush();
    drop(registration);
    drop(module);
    Ok(code)
}
