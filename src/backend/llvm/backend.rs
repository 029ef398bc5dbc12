//! [`LlvmBackend`]: the core's `Backend` on an LLVM `DIBuilder`.
//!
//! Every metadata pointer the backend keeps lives in one of its tables
//! (`types`, `functions`, `blocks`, `vars`, `globals`, `files`,
//! `namespaces`) and is looked up by the core's dense index at the moment of
//! use. A stub is a *temporary* node; completion creates the full node and
//! RAUWs the temporary (which LLVM then deletes) and overwrites the table
//! slot in the same step, so no copy of a temporary's pointer survives.

use std::ffi::c_char;

use llvm_sys::core::*;
use llvm_sys::debuginfo::*;
use llvm_sys::prelude::*;
use llvm_sys::LLVMModuleFlagBehavior;

use super::builder::LlvmBuilder;
use super::ir::LlvmModule;
use crate::backend::{BlockParent, CompileUnitInfo, CompositeKind, Language, LineLoc, ParentScope};
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

/// What completion needs of a stub (no metadata pointers: those are looked
/// up again when used).
pub(super) struct StubInfo {
    pub(super) kind: CompositeKind,
    pub(super) name: String,
    pub(super) scope: ParentScope,
    pub(super) size: u64,
    pub(super) align: u32,
    pub(super) decl: Option<(u32, u32)>,
    pub(super) identifier: String,
    pub(super) declaration: bool,
}

/// A type slot: a temporary stub or a final node.
pub(super) enum TypeSlot {
    /// A replaceable (temporary) composite; owned by the backend until it
    /// is RAUW'd by completion (or, if never completed, on drop).
    Temp(LLVMMetadataRef, Box<StubInfo>),
    /// A final node.
    Done(LLVMMetadataRef),
}

impl TypeSlot {
    pub(super) fn md(&self) -> LLVMMetadataRef {
        match self {
            TypeSlot::Temp(m, _) | TypeSlot::Done(m) => *m,
        }
    }
}

pub(super) struct FuncSlot {
    pub(super) sp: LLVMMetadataRef,
    pub(super) linkage: String,
    pub(super) finalized: bool,
    pub(super) llvm: Option<LLVMValueRef>,
}

pub(super) struct VarSlot {
    pub(super) md: LLVMMetadataRef,
    pub(super) function: u32,
    pub(super) scope: BlockParent,
    pub(super) line: u32,
    pub(super) col: u32,
    pub(super) declared: bool,
}

pub(super) struct GlobalSlot {
    pub(super) gve: LLVMMetadataRef,
    pub(super) linkage: String,
    pub(super) llvm: Option<LLVMValueRef>,
}

/// The LLVM backend: debug-info metadata in the frontend's
/// [`LlvmModule`], emitted by LLVM's own DWARF writer. It borrows the module
/// (so its `DIBuilder` can never outlive it) and, once set, the frontend's
/// [`LlvmBuilder`], whose current debug location it maintains.
pub struct LlvmBackend<'a> {
    pub(super) module: &'a LlvmModule<'a>,
    pub(super) dib: LLVMDIBuilderRef,
    pub(super) opts: LlvmOptions,
    pub(super) cu: LLVMMetadataRef,
    pub(super) files: Vec<LLVMMetadataRef>,
    pub(super) namespaces: Vec<LLVMMetadataRef>,
    pub(super) types: Vec<TypeSlot>,
    pub(super) functions: Vec<FuncSlot>,
    pub(super) blocks: Vec<LLVMMetadataRef>,
    pub(super) vars: Vec<VarSlot>,
    pub(super) globals: Vec<GlobalSlot>,
    pub(super) builder: Option<&'a LlvmBuilder<'a>>,
    pub(super) loc: Option<LineLoc>,
    pub(super) finished: bool,
}

pub(super) fn missing(what: &str, i: u32) -> Error {
    Error::new(
        ErrorKind::ForeignHandle,
        format!("LLVM backend: {what} #{i} was never announced"),
    )
}

pub(super) fn bits(bytes: u64) -> Result<u64> {
    bytes.checked_mul(8).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidLayout,
            format!("{bytes} bytes do not fit in 64 bits of bit size"),
        )
    })
}

pub(super) fn align_bits(bytes: u32) -> Result<u32> {
    bytes.checked_mul(8).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidLayout,
            format!("alignment {bytes} is too large"),
        )
    })
}

pub(super) fn ptr(s: &str) -> (*const c_char, usize) {
    (s.as_ptr().cast(), s.len())
}

fn language(l: Language) -> Result<LLVMDWARFSourceLanguage> {
    use LLVMDWARFSourceLanguage::*;
    Ok(match l.dwarf_code() {
        0x0001 => LLVMDWARFSourceLanguageC89,
        0x0002 => LLVMDWARFSourceLanguageC,
        0x0004 => LLVMDWARFSourceLanguageC_plus_plus,
        0x000c => LLVMDWARFSourceLanguageC99,
        0x001a => LLVMDWARFSourceLanguageC_plus_plus_11,
        0x001c => LLVMDWARFSourceLanguageRust,
        0x001d => LLVMDWARFSourceLanguageC11,
        0x0021 => LLVMDWARFSourceLanguageC_plus_plus_14,
        0x0027 => LLVMDWARFSourceLanguageZig,
        c => {
            return err(
                ErrorKind::Unsupported,
                format!("DW_LANG 0x{c:04x} is not mapped by the LLVM backend: use C89, C, C99, C11, C++, C++11, C++14, Rust or Zig"),
            )
        }
    })
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
            vars: Vec::new(),
            globals: Vec::new(),
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

    pub(super) fn live(&self) -> Result<()> {
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

    pub(super) fn ctx(&self) -> LLVMContextRef {
        self.module.context().as_raw()
    }

    pub(super) fn file_md(&self, f: u32) -> Result<LLVMMetadataRef> {
        self.files
            .get(f as usize)
            .copied()
            .ok_or_else(|| missing("file", f))
    }

    pub(super) fn decl_md(&self, d: Option<(u32, u32)>) -> Result<(LLVMMetadataRef, u32)> {
        match d {
            Some((f, line)) => Ok((self.file_md(f)?, line)),
            None => Ok((std::ptr::null_mut(), 0)),
        }
    }

    pub(super) fn type_md(&self, t: u32) -> Result<LLVMMetadataRef> {
        self.types
            .get(t as usize)
            .map(TypeSlot::md)
            .ok_or_else(|| missing("type", t))
    }

    /// The scope node of types, namespaces and globals: the compile unit
    /// itself for `Unit` (so that every node's content names this unit;
    /// see DESIGN.md on RAUW and uniquing).
    pub(super) fn scope_md(&self, s: ParentScope) -> Result<LLVMMetadataRef> {
        match s {
            ParentScope::Unit => Ok(self.cu),
            ParentScope::Namespace(n) => self
                .namespaces
                .get(n as usize)
                .copied()
                .ok_or_else(|| missing("namespace", n)),
            ParentScope::Type(t) => self.type_md(t),
        }
    }

    pub(super) fn block_md(&self, p: BlockParent) -> Result<LLVMMetadataRef> {
        match p {
            BlockParent::Function(f) => self
                .functions
                .get(f as usize)
                .map(|s| s.sp)
                .ok_or_else(|| missing("function", f)),
            BlockParent::Block(b) => self
                .blocks
                .get(b as usize)
                .copied()
                .ok_or_else(|| missing("lexical block", b)),
        }
    }

    /// Checks that `i` is the next index of a table of length `len`.
    pub(super) fn next(what: &str, i: u32, len: usize) -> Result<()> {
        if i as usize != len {
            return err(
                ErrorKind::InvalidCode,
                format!("LLVM backend: {what} #{i} announced out of order (expected #{len}); each index is announced once, in order"),
            );
        }
        Ok(())
    }

    fn add_flag(&self, key: &str, behavior: LLVMModuleFlagBehavior, value: u64) -> Result<()> {
        let m = self.module.as_raw();
        let (k, kl) = ptr(key);
        // SAFETY: module and context are live; the key is pointer + length.
        unsafe {
            if !LLVMGetModuleFlag(m, k, kl).is_null() {
                return err(
                    ErrorKind::Unsupported,
                    format!(
                        "the LLVM module already has a `{key}` module flag: let the backend set it"
                    ),
                );
            }
            let i32t = LLVMInt32TypeInContext(self.ctx());
            let md = LLVMValueAsMetadata(LLVMConstInt(i32t, value, 0));
            LLVMAddModuleFlag(m, behavior, k, kl, md);
        }
        Ok(())
    }

    pub(super) fn begin_unit(&mut self, cu: &CompileUnitInfo<'_>) -> Result<()> {
        if !self.cu.is_null() || self.finished {
            return err(ErrorKind::InvalidCode, "LLVM backend: begin called twice");
        }
        let lang = language(cu.language)?;
        self.add_flag(
            "Debug Info Version",
            LLVMModuleFlagBehavior::LLVMModuleFlagBehaviorWarning,
            3,
        )?;
        self.add_flag(
            "Dwarf Version",
            LLVMModuleFlagBehavior::LLVMModuleFlagBehaviorWarning,
            u64::from(self.opts.dwarf_version),
        )?;
        let dir: &[u8] = if cu.comp_dir.is_empty() {
            b"."
        } else {
            cu.comp_dir
        };
        let (p, pl) = ptr(cu.producer);
        // SAFETY: the DIBuilder is live; every string is pointer + length
        // and read during the call only.
        unsafe {
            let file = LLVMDIBuilderCreateFile(
                self.dib,
                cu.name.as_ptr().cast(),
                cu.name.len(),
                dir.as_ptr().cast(),
                dir.len(),
            );
            self.cu = LLVMDIBuilderCreateCompileUnit(
                self.dib,
                lang,
                file,
                p,
                pl,
                0,
                c"".as_ptr(),
                0,
                0,
                c"".as_ptr(),
                0,
                LLVMDWARFEmissionKind::LLVMDWARFEmissionKindFull,
                0,
                0,
                0,
                c"".as_ptr(),
                0,
                c"".as_ptr(),
                0,
            );
        }
        Ok(())
    }

    /// Points the current location at the builder (no builder: remembered
    /// until one is set).
    pub(super) fn apply_location(&mut self) -> Result<()> {
        let Some(b) = self.builder else {
            return Ok(());
        };
        let md = match self.loc {
            Some(l) => {
                let scope = self.block_md(l.scope)?;
                // SAFETY: the context and the scope node are live.
                unsafe {
                    LLVMDIBuilderCreateDebugLocation(
                        self.ctx(),
                        l.line,
                        l.col,
                        scope,
                        std::ptr::null_mut(),
                    )
                }
            }
            None => std::ptr::null_mut(),
        };
        // SAFETY: the builder is live (borrowed for 'a); the location is a
        // DILocation of its context, or null for "no location".
        unsafe { LLVMSetCurrentDebugLocation2(b.raw, md) };
        Ok(())
    }

    /// Replaces every stub still temporary by a forward declaration, so no
    /// temporary node is leaked or left referenced in the module.
    fn retire_stubs(&mut self) {
        for slot in &mut self.types {
            if let TypeSlot::Temp(temp, info) = slot {
                let (n, nl) = ptr(&info.name);
                let (id, idl) = ptr(&info.identifier);
                let scope = self.cu;
                let null = std::ptr::null_mut();
                // SAFETY: `temp` is a live temporary owned by this slot; it
                // is RAUW'd (and deleted by LLVM) and the slot overwritten
                // at once with the replacement, a non-temporary forward
                // declaration.
                unsafe {
                    let fwd = match info.kind {
                        CompositeKind::Struct => LLVMDIBuilderCreateStructType(
                            self.dib,
                            scope,
                            n,
                            nl,
                            null,
                            0,
                            0,
                            0,
                            LLVMDIFlagFwdDecl,
                            null,
                            std::ptr::null_mut(),
                            0,
                            0,
                            null,
                            id,
                            idl,
                        ),
                        CompositeKind::Union => LLVMDIBuilderCreateUnionType(
                            self.dib,
                            scope,
                            n,
                            nl,
                            null,
                            0,
                            0,
                            0,
                            LLVMDIFlagFwdDecl,
                            std::ptr::null_mut(),
                            0,
                            0,
                            id,
                            idl,
                        ),
                    };
                    LLVMMetadataReplaceAllUsesWith(*temp, fwd);
                    *slot = TypeSlot::Done(fwd);
                }
            }
        }
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
