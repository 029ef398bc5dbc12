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
//! // Or optimized by LLVM's `default<O2>` pipeline (debug info kept):
//! let optimized = module.emit_object_with(dwarfsmith::backend::llvm::OptLevel::O2)?;
//! # Ok(()) }
//! ```
//!
//! Inlined calls (`DebugContext::inlined_call`) become `inlinedAt`
//! locations in the callee's subprogram (see `inline.rs` and DESIGN.md).
//!
//! ## Tables
//!
//! Every metadata pointer the backend keeps lives in one of its tables
//! (`types`, `functions`, `blocks`, `vars`, `globals`, `files`,
//! `namespaces`) and is looked up by the core's dense index at the moment of
//! use. A stub is a *temporary* node; completion creates the full node and
//! RAUWs the temporary (which LLVM then deletes) and overwrites the table
//! slot in the same step, so no copy of a temporary's pointer survives.
#![warn(clippy::undocumented_unsafe_blocks)]

mod attach;
mod builder;
mod classes;
mod deep_stack;
mod inline;
mod ir;
pub mod jit;
mod lines;
mod object;
mod optimize;
mod scopes;
mod shim;
mod types;
mod values;
mod variants;

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

pub use builder::{IntCompare, LlvmBuilder};
pub use ir::{LlvmContext, LlvmModule, LlvmType};
pub use optimize::OptLevel;
pub use values::{LlvmBlock, LlvmFunction, LlvmGlobal, LlvmValue};
pub use variants::MAX_EXPANDED_DISCRIMINANTS;

use std::ffi::c_char;

use llvm_sys::debuginfo::*;
use llvm_sys::prelude::*;

use self::scopes::{FuncSlot, GlobalSlot, VarSlot};
use self::types::TypeSlot;
use crate::backend::{
    Backend, BlockIdx, BlockParent, CompileUnitInfo, CompositeBody, CompositeInfo, DeclSite,
    EnumInfo, FileIdx, FunctionIdx, FunctionInfo, GlobalIdx, GlobalInfo, LineLoc, NamespaceIdx,
    ParentScope, TypeIdx, TypedefInfo, VarIdx, VariableInfo,
};
use crate::desc::{BaseEncoding, PointerKind, Qualifier};
use crate::error::{err, Error, ErrorKind, Result};

/// Options of the LLVM backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LlvmOptions {
    /// The `"Dwarf Version"` module flag: 4 or 5.
    pub dwarf_version: u16,
}

impl Default for LlvmOptions {
    fn default() -> Self {
        LlvmOptions { dwarf_version: 5 }
    }
}

/// The LLVM backend: debug-info metadata in the frontend's
/// [`LlvmModule`], emitted by LLVM's own DWARF writer. It borrows the module
/// (so its `DIBuilder` can never outlive it) and, once set, the frontend's
/// [`LlvmBuilder`], whose current debug location it maintains.
pub struct LlvmBackend<'a> {
    module: &'a LlvmModule<'a>,
    dib: LLVMDIBuilderRef,
    opts: LlvmOptions,
    cu: LLVMMetadataRef,
    files: Vec<LLVMMetadataRef>,
    namespaces: Vec<LLVMMetadataRef>,
    types: Vec<TypeSlot>,
    functions: Vec<FuncSlot>,
    blocks: Vec<LLVMMetadataRef>,
    /// Per block: the `inlinedAt` location of code in it (null outside
    /// inlined copies; see `inline.rs`).
    inlined_at: Vec<LLVMMetadataRef>,
    vars: Vec<VarSlot>,
    globals: Vec<GlobalSlot>,
    /// Per completed class (type index): the position of its first method
    /// among its elements and the method count.
    methods: std::collections::HashMap<usize, (u32, u32)>,
    /// The bit width of a qualified type's or typedef's value (its target's):
    /// LLVM gives those nodes size 0.
    value_bits: std::collections::HashMap<usize, u64>,
    builder: Option<&'a LlvmBuilder<'a>>,
    loc: Option<LineLoc>,
    finished: bool,
}

fn missing(what: &str, i: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::ForeignHandle,
        format!("LLVM backend: {what} {i} was never announced"),
    )
}

fn bits(bytes: u64) -> Result<u64> {
    bytes.checked_mul(8).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidLayout,
            format!("{bytes} bytes do not fit in 64 bits of bit size"),
        )
    })
}

fn align_bits(bytes: u32) -> Result<u32> {
    bytes.checked_mul(8).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidLayout,
            format!("alignment {bytes} is too large"),
        )
    })
}

fn ptr(s: &str) -> (*const c_char, usize) {
    (s.as_ptr().cast(), s.len())
}

impl<'a> LlvmBackend<'a> {
    /// A backend writing into `module`. One compile unit per LLVM context:
    /// a second backend in the same context is refused.
    pub fn new(module: &'a LlvmModule<'a>, opts: LlvmOptions) -> Result<Self> {
        if !(4..=5).contains(&opts.dwarf_version) {
            return err(
                ErrorKind::Unsupported,
                format!(
                    "DWARF version {} is not supported: use 4 or 5",
                    opts.dwarf_version
                ),
            );
        }
        if module.context().has_debug_info.replace(true) {
            return err(
                ErrorKind::Unsupported,
                "this LLVM context already holds a dwarfsmith compile unit: use one LlvmContext per DebugContext (metadata is uniqued per context, and a second unit's stub completion could re-unique onto the first unit's nodes; see DESIGN.md)",
            );
        }
        module.context().unit_open.set(true);
        // SAFETY: the module is live for 'a, longer than the DIBuilder,
        // which Drop disposes.
        let dib = unsafe { LLVMCreateDIBuilder(module.as_raw()) };
        Ok(LlvmBackend {
            module,
            dib,
            opts,
            cu: std::ptr::null_mut(),
            files: Vec::new(),
            namespaces: Vec::new(),
            types: Vec::new(),
            functions: Vec::new(),
            blocks: Vec::new(),
            inlined_at: Vec::new(),
            vars: Vec::new(),
            globals: Vec::new(),
            methods: std::collections::HashMap::new(),
            value_bits: std::collections::HashMap::new(),
            builder: None,
            loc: None,
            finished: false,
        })
    }

    /// The options this backend was made with.
    pub fn options(&self) -> LlvmOptions {
        self.opts
    }

    /// The module this backend writes into.
    pub fn module(&self) -> &'a LlvmModule<'a> {
        self.module
    }

    fn live(&self) -> Result<()> {
        self.note_levels();
        if self.finished {
            return err(
                ErrorKind::Finalized,
                "the LLVM backend already finished (its DIBuilder is finalized): start a new DebugContext and module for more debug info",
            );
        }
        if self.cu.is_null() {
            return err(
                ErrorKind::InvalidCode,
                "the LLVM backend has no compile unit yet: it is driven by DebugContext::new, which calls begin",
            );
        }
        Ok(())
    }

    fn ctx(&self) -> LLVMContextRef {
        self.module.context().as_raw()
    }

    /// Checks that `i` is the next index of a table of length `len`.
    fn next(what: &str, i: impl Into<usize> + std::fmt::Display, len: usize) -> Result<()> {
        let shown = i.to_string();
        if i.into() != len {
            return err(
                ErrorKind::InvalidCode,
                format!("LLVM backend: {what} {shown} announced out of order (expected #{len}); each index is announced once, in order"),
            );
        }
        Ok(())
    }
}

impl Drop for LlvmBackend<'_> {
    fn drop(&mut self) {
        if !self.finished && !self.cu.is_null() {
            // Leave the module consistent: no temporaries, a finalized CU
            // (or, if the finalize cannot run, a module marked unusable).
            self.retire_stubs();
            self.finished = true;
            // An error is recorded in the context (verify and emit_object
            // report it); Drop cannot return it.
            let _ = self.finalize_dibuilder();
        }
        // SAFETY: the DIBuilder is owned here and disposed once, before the
        // module it writes into (which the backend borrows).
        unsafe { LLVMDisposeDIBuilder(self.dib) };
    }
}

impl Backend for LlvmBackend<'_> {
    type Output = ();

    fn wants_type_identifiers(&self) -> bool {
        true
    }

    fn begin(&mut self, cu: &CompileUnitInfo<'_>) -> Result<()> {
        self.begin_unit(cu)
    }

    fn file(
        &mut self,
        file: FileIdx,
        dir: &[u8],
        name: &[u8],
        _md5: Option<[u8; 16]>,
    ) -> Result<()> {
        self.live()?;
        self.add_file(file, dir, name)
    }

    fn namespace(
        &mut self,
        ns: NamespaceIdx,
        parent: ParentScope,
        name: &str,
        inline: bool,
    ) -> Result<()> {
        self.live()?;
        self.namespace_node(ns, parent, name, inline)
    }

    fn base_type(
        &mut self,
        t: TypeIdx,
        name: &str,
        size: u64,
        encoding: BaseEncoding,
    ) -> Result<()> {
        self.live()?;
        self.base(t, name, size, encoding)
    }

    fn void_type(&mut self, t: TypeIdx) -> Result<()> {
        // LLVM's void is the null type: a pointer, qualifier, typedef or
        // template parameter naming it has no base type.
        self.push_type(t, std::ptr::null_mut())
    }

    fn unspecified_type(&mut self, t: TypeIdx, name: &str) -> Result<()> {
        self.unspecified(t, name)
    }

    fn pointer_type(
        &mut self,
        t: TypeIdx,
        pointee: TypeIdx,
        size: u64,
        kind: PointerKind,
        name: Option<&str>,
    ) -> Result<()> {
        self.live()?;
        self.pointer(t, pointee, size, kind, name)
    }

    fn ptr_to_member_type(
        &mut self,
        t: TypeIdx,
        pointee: TypeIdx,
        class: TypeIdx,
        size: u64,
    ) -> Result<()> {
        self.live()?;
        self.ptr_to_member(t, pointee, class, size)
    }

    fn qualified_type(&mut self, t: TypeIdx, q: Qualifier, target: TypeIdx) -> Result<()> {
        self.live()?;
        self.qualified(t, q, target)
    }

    fn array_type(
        &mut self,
        t: TypeIdx,
        elem: TypeIdx,
        dims: &[Option<u64>],
        size: u64,
        align: u32,
    ) -> Result<()> {
        self.live()?;
        self.array(t, elem, dims, size, align)
    }

    fn subroutine_type(
        &mut self,
        t: TypeIdx,
        params: &[TypeIdx],
        ret: Option<TypeIdx>,
        variadic: bool,
        artificial: &[usize],
    ) -> Result<()> {
        self.live()?;
        let md = self.subroutine(params, ret, variadic, artificial)?;
        self.push_type(t, md)
    }

    fn typedef(&mut self, t: TypeIdx, info: &TypedefInfo<'_>) -> Result<()> {
        self.live()?;
        self.typedef_node(t, info)
    }

    fn composite_stub(&mut self, t: TypeIdx, info: &CompositeInfo<'_>) -> Result<()> {
        self.live()?;
        self.stub(t, info)
    }

    fn composite_complete(&mut self, t: TypeIdx, body: &CompositeBody<'_>) -> Result<()> {
        self.live()?;
        self.complete(t, body)
    }

    fn enumeration(&mut self, t: TypeIdx, info: &EnumInfo<'_>) -> Result<()> {
        self.live()?;
        self.enum_node(t, info)
    }

    fn function(&mut self, f: FunctionIdx, info: &FunctionInfo<'_>) -> Result<()> {
        self.live()?;
        match info.specification {
            Some(spec) => self.method_definition(f, info, spec),
            None => self.subprogram(f, info),
        }
    }

    fn lexical_block(
        &mut self,
        b: BlockIdx,
        parent: BlockParent,
        file: FileIdx,
        line: u32,
        col: u32,
    ) -> Result<()> {
        self.live()?;
        self.lexical_block_node(b, parent, file, line, col)
    }

    fn inlined_block(
        &mut self,
        b: BlockIdx,
        parent: BlockParent,
        callee: FunctionIdx,
        call: DeclSite,
        call_col: u32,
    ) -> Result<()> {
        self.live()?;
        self.inlined_block_node(b, parent, callee, call, call_col)
    }

    fn variable(&mut self, v: VarIdx, info: &VariableInfo<'_>) -> Result<()> {
        self.live()?;
        self.local(v, info)
    }

    fn global(&mut self, g: GlobalIdx, info: &GlobalInfo<'_>) -> Result<()> {
        self.live()?;
        self.global_var(g, info)
    }

    fn current_location(&mut self, loc: Option<&LineLoc>) -> Result<()> {
        self.live()?;
        self.set_location(loc)
    }

    fn function_end(&mut self, f: FunctionIdx) -> Result<()> {
        self.live()?;
        self.end_function(f)
    }

    fn finish(&mut self) -> Result<()> {
        self.live()?;
        self.finish_unit()
    }
}
