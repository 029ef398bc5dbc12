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

use crate::codegen::cranelift::{define_program, make_isa_with};
use crate::codegen::Options;
use crate::front::hir::Program;

/// Options of `toyc run`.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// DWARF version, 4 or 5.
    pub dwarf_version: u16,
    /// Cranelift `opt_level=speed` instead of `none`.
    pub optimize: bool,
    /// Append the JIT functions to `/tmp/perf-PID.map`.
    pub perf_map: bool,
    /// Also write the registered ELF image to this path.
    pub save_image: Option<std::path::PathBuf>,
}

extern "C" {
    /// C's `fflush`; `NULL` flushes every output stream.
    fn fflush(stream: *mut std::ffi::c_void) -> std::ffi::c_int;
}

fn jit_err(e: impl std::fmt::Display) -> String {
    format!("JIT: {e}")
}

/// Compiles `prog` (read from `src`) in memory and runs its `main`;
/// returns `main`'s result. Errors happen before anything runs.
pub fn run(prog: &Program, src: &Path, opts: &RunOptions) -> Result<i32, String> {
    let isa = make_isa_with(false, if opts.optimize { "speed" } else { "none" })?;
    let mut module = JITModule::new(JITBuilder::with_isa(
        isa.clone(),
        cranelift_module::default_libcall_names(),
    ));
    let copts = Options {
        debug: true,
        dwarf_version: opts.dwarf_version,
    };
    let defined = define_program(
        prog,
        src,
        &copts,
        isa,
        &mut module,
        FrameSection::DebugFrame,
    )?;
    module.finalize_definitions().map_err(jit_err)?;
    let mut addresses: Vec<(&str, u64)> = Vec::new();
    let mut main = None;
    for (id, sym) in &defined.functions {
        let p = module.get_finalized_function(*id);
        if sym == "main" {
            main = Some(p);
        }
        addresses.push((sym, p as u64));
    }
    for (id, sym) in &defined.globals {
        addresses.push((sym, module.get_finalized_data(*id).0 as u64));
    }
    let Some(main) = main else {
        return Err("the program has no `main`".into());
    };
    let Some(dwarf) = defined.dwarf else {
        return Err("internal: no debug info".into());
    };
    let mut builder = JitImageBuilder::new();
    builder.add(&dwarf, &addresses);
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
