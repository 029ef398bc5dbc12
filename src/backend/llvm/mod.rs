//! The LLVM backend (cargo feature `llvm19` or `llvm22`; `llvm` is LLVM 19):
//! debug-info metadata built with LLVM's `DIBuilder` (llvm-sys 191 or 221)
//! in the frontend's module; LLVM's code generator writes the DWARF.
//!
//! This module is the only place of the crate with `unsafe` code. Every
//! block carries a `SAFETY:` comment; the invariants they rely on are:
//!
//! * **Ownership by lifetime.** [`LlvmContext`] owns the context,
//!   [`LlvmModule<'ctx>`] owns a module and borrows its context,
//!   [`LlvmBackend<'a>`] owns a `DIBuilder` and borrows the module (and the
//!   frontend's [`LlvmBuilder`]); values, blocks and functions borrow their
//!   module. Nothing can outlive what owns it.
//! * **Provenance at run time.** Lifetimes cannot tell two live contexts or
//!   modules apart, so every handle that crosses into LLVM is checked to be
//!   of the right context (`LLVMGetTypeContext`) and module
//!   (`LLVMGetGlobalParent` of its function/global); core handles are
//!   checked against their `DebugContext`. Foreign ones are errors.
//! * **No stale metadata.** Metadata pointers are kept only in the backend's
//!   tables and looked up at use; a stub's temporary node is RAUW'd and its
//!   slot overwritten in one step (see `types.rs` and DESIGN.md).
//!
//! Typical use:
//!
//! ```no_run
//! # fn main() -> dwarfsmith::Result<()> {
//! use dwarfsmith::backend::llvm::{LlvmBackend, LlvmContext, LlvmOptions};
//! use dwarfsmith::{CompileUnit, DebugContext, Language};
//! let ctx = LlvmContext::new();
//! let module = ctx.create_module("demo")?;
//! let builder = module.create_builder();
//! let cu = CompileUnit { producer: "me".into(), language: Language::C11, name: "a.c".into(), comp_dir: "/src".into() };
//! let mut cx = DebugContext::new(LlvmBackend::new(&module, LlvmOptions::default())?, &cu)?;
//! cx.set_llvm_builder(&builder)?;
//! // ... define functions, emit IR with `builder`, declare variables ...
//! cx.finish()?;
//! let object: Vec<u8> = module.emit_object()?;
//! # Ok(()) }
//! ```
#![warn(clippy::undocumented_unsafe_blocks)]

mod attach;
mod backend;
mod builder;
mod deep_stack;
mod driver;
mod ir;
mod scopes;
mod shim;
mod target;
mod types;

/// The llvm-sys bindings of the selected LLVM (llvm-sys 191 with feature
/// `llvm19` alone), so a frontend links the same LLVM as the backend
/// without its own llvm-sys dependency.
#[cfg(not(feature = "llvm22"))]
pub use llvm_sys_191 as sys;
/// The llvm-sys bindings of the selected LLVM (llvm-sys 221 with feature
/// `llvm22`), so a frontend links the same LLVM as the backend without its
/// own llvm-sys dependency.
#[cfg(feature = "llvm22")]
pub use llvm_sys_221 as sys;

pub use backend::{LlvmBackend, LlvmOptions};
pub use builder::{IntCompare, LlvmBuilder};
pub use ir::{LlvmBlock, LlvmContext, LlvmFunction, LlvmGlobal, LlvmModule, LlvmType, LlvmValue};
