//! # dwarfsmith
//!
//! DWARF debug info for compiler frontends and JITs, independent of the code
//! generator: rustc's debuginfo module made into a library.
//!
//! * A **type map** keyed by unique type IDs (rustc's scheme): the frontend
//!   describes its types lazily through [`TypeSource`]; each unique type gets
//!   metadata exactly once; recursive types are broken with stubs that are
//!   always completed.
//! * A **source-location state machine** per function: suppressed through the
//!   prologue, then `set_source_location` / `clear_source_location`.
//! * **Backends** behind one [`Backend`] trait: [`GimliBackend`] (default,
//!   pure Rust: DWARF 4/5 into relocatable ELF objects) and LLVM (feature
//!   `llvm19` or `llvm22`; `llvm` is LLVM 19).
//! * **Cranelift glue** (feature `cranelift`, module `cranelift`): code rows,
//!   stack-slot locations and call-frame information from Cranelift's
//!   compiled code in one call per function.
//! * A **stable renderer** (`render`, default feature `render`) for snapshot
//!   tests of emitted DWARF.
//!
//! Misuse returns an [`Error`] saying what to fix; nothing panics.

#![deny(unsafe_code)]
#![warn(missing_docs)]

// The LLVM backend's bindings, under one name whichever LLVM is selected
// (LLVM 22 when both features are on); re-exported as
// `backend::llvm::sys`.
#[cfg(all(feature = "llvm19", not(feature = "llvm22")))]
extern crate llvm_sys_191 as llvm_sys;
#[cfg(feature = "llvm22")]
extern crate llvm_sys_221 as llvm_sys;

pub mod backend;
mod check;
mod context;
#[cfg(feature = "cranelift")]
pub mod cranelift;
mod desc;
mod desc_builders;
mod desc_builders_enums;
mod desc_class;
mod error;
mod files;
mod handles;
mod id;
#[cfg(feature = "jit")]
pub mod jit;
mod limits;
mod lines;
mod locations;
#[cfg(test)]
mod regress_tests;
#[cfg(feature = "render")]
pub mod render;
mod scopes;
mod types;

pub use backend::gimli::{DwarfObject, FrameSection, GimliBackend, GimliOptions};
pub use backend::{Backend, Language, VarLocation};
pub use context::{CompileUnit, DebugContext};
pub use desc::{
    Access, ArrayDesc, BaseDesc, BaseEncoding, BitField, CompositeDesc, DeclLoc, Discriminant,
    EnumDesc, FieldDesc, FrontendTy, MethodDesc, NominalKey, PointerDesc, PointerKind, Qualifier,
    StaticMemberDesc, StructuralDesc, TagDesc, TaggedUnionDesc, TaggedUnionEncoding, TemplateParam,
    TypeDesc, TypeScope, TypeSource, TypedefDesc, VariantDesc, Virtuality,
};
pub use error::{Error, ErrorKind, Result};
pub use handles::{FileId, FunctionId, GlobalId, LocToken, NamespaceId, ScopeId, TypeRef, VarId};
pub use id::UniqueTypeId;
pub use limits::{Diagnostic, Limits};
pub use lines::CodeRow;
pub use locations::{LocationRange, Piece, ValueLocation};
pub use scopes::{FunctionDesc, GlobalDesc};
