//! Code generation: the Cranelift path (`cranelift/`, debug info through
//! dwarfsmith's gimli backend) and the LLVM path (`llvm/`, cargo feature
//! `llvm`, debug info through dwarfsmith's LLVM backend). Both share the
//! value representation (`repr.rs`), the calling convention (`abi.rs`) and
//! the lowering of statements, places and data-moving expressions
//! (`lower.rs`, over a small trait each codegen implements); literals,
//! calls and operators are lowered by each codegen.

pub(crate) mod abi;
pub(crate) mod cranelift;
#[cfg(any(feature = "llvm19", feature = "llvm22"))]
pub(crate) mod llvm;
pub(crate) mod lower;
pub(crate) mod repr;

use std::path::Path;

use crate::front::hir::Program;

/// Code generator and debug-info backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Cranelift codegen, dwarfsmith's gimli backend.
    Gimli,
    /// LLVM codegen, dwarfsmith's LLVM (DIBuilder) backend; needs the
    /// `llvm` cargo feature.
    Llvm,
}

/// Codegen options.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Emit DWARF (and CFI) through dwarfsmith.
    pub debug: bool,
    /// DWARF version, 4 or 5.
    pub dwarf_version: u16,
    /// Optimize (`-O`): Cranelift `opt_level=speed`, or LLVM's `-O2`
    /// pipeline (see DESIGN.md, "toyc -O").
    pub optimize: bool,
}

/// Compiles a checked program with `backend` into a relocatable x86-64 ELF
/// object; `src` is the source file named in the debug info.
pub fn compile(
    backend: Backend,
    prog: &Program,
    src: &Path,
    opts: &Options,
) -> Result<Vec<u8>, String> {
    match backend {
        Backend::Gimli => cranelift::compile(prog, src, opts),
        #[cfg(any(feature = "llvm19", feature = "llvm22"))]
        Backend::Llvm => llvm::compile(prog, src, opts),
        #[cfg(not(any(feature = "llvm19", feature = "llvm22")))]
        Backend::Llvm => Err("the llvm backend needs the `llvm` cargo feature".into()),
    }
}
