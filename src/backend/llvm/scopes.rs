//! Scope nodes: the compile unit (and its module flags), namespaces,
//! subprograms, lexical blocks, variables and globals, and tying them to the
//! frontend's IR: `DISubprogram` → function, declare records,
//! `DIGlobalVariableExpression` → global. Every IR handle is checked to
//! belong to the backend's module.

use std::ffi::CString;

use llvm_sys::core::*;
use llvm_sys::debuginfo::*;
use llvm_sys::prelude::*;
use llvm_sys::{LLVMModuleFlagBehavior, LLVMTypeKind};

use super::types::TypeSlot;
use super::values::{value_function, LlvmBlock, LlvmFunction, LlvmGlobal, LlvmValue};
use super::{missing, ptr, LlvmBackend};
use crate::backend::{
    BlockIdx, BlockParent, CompileUnitInfo, FileIdx, FunctionIdx, FunctionInfo, GlobalIdx,
    GlobalInfo, Language, NamespaceIdx, ParentScope, VarIdx, VariableInfo,
};
use crate::error::{err, ErrorKind, Result};

pub(super) struct FuncSlot {
    pub(super) sp: LLVMMetadataRef,
    pub(super) linkage: String,
    pub(super) finalized: bool,
    pub(super) llvm: Option<LLVMValueRef>,
}

pub(super) struct VarSlot {
    pub(super) md: LLVMMetadataRef,
    pub(super) function: FunctionIdx,
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

impl LlvmBackend<'_> {
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

    /// The scope node of types, namespaces and globals: the compile unit
    /// itself for `Unit` (so that every node's content names this unit;
    /// see DESIGN.md on RAUW and uniquing).
    pub(super) fn scope_md(&self, s: ParentScope) -> Result<LLVMMetadataRef> {
        match s {
            ParentScope::Unit => Ok(self.cu),
            ParentScope::Namespace(n) => self
                .namespaces
                .get(n.index())
                .copied()
                .ok_or_else(|| missing("namespace", n)),
            ParentScope::Type(t) => self.type_md(t),
        }
    }

    pub(super) fn block_md(&self, p: BlockParent) -> Result<LLVMMetadataRef> {
        match p {
            BlockParent::Function(f) => self
                .functions
                .get(f.index())
                .map(|s| s.sp)
                .ok_or_else(|| missing("function", f)),
            BlockParent::Block(b) => self
                .blocks
                .get(b.index())
                .copied()
                .ok_or_else(|| missing("lexical block", b)),
        }
    }

    /// A `DINamespace`; `inline` sets its `ExportSymbols`.
    pub(super) fn namespace_node(
        &mut self,
        ns: NamespaceIdx,
        parent: ParentScope,
        name: &str,
        inline: bool,
    ) -> Result<()> {
        Self::next("namespace", ns, self.namespaces.len())?;
        let scope = self.scope_md(parent)?;
        let (n, nl) = ptr(name);
        // SAFETY: live DIBuilder and scope node.
        let md = unsafe { LLVMDIBuilderCreateNameSpace(self.dib, scope, n, nl, i32::from(inline)) };
        self.namespaces.push(md);
        Ok(())
    }

    /// A `DILexicalBlock`.
    pub(super) fn lexical_block_node(
        &mut self,
        b: BlockIdx,
        parent: BlockParent,
        file: FileIdx,
        line: u32,
        col: u32,
    ) -> Result<()> {
        Self::next("lexical block", b, self.blocks.len())?;
        let scope = self.block_md(parent)?;
        let file = self.file_md(file)?;
        let at = self.inlined_at_of(parent)?;
        // SAFETY: live DIBuilder, scope and file nodes.
        let md = unsafe { LLVMDIBuilderCreateLexicalBlock(self.dib, scope, file, line, col) };
        self.blocks.push(md);
        self.inlined_at.push(at);
        Ok(())
    }

    /// `exit_function`: finalizes the subprogram.
    pub(super) fn end_function(&mut self, f: FunctionIdx) -> Result<()> {
        let slot = self
            .functions
            .get_mut(f.index())
            .ok_or_else(|| missing("function", f))?;
        if !slot.finalized {
            // SAFETY: live DIBuilder; `sp` is a subprogram it created.
            unsafe { LLVMDIBuilderFinalizeSubprogram(self.dib, slot.sp) };
            slot.finalized = true;
        }
        Ok(())
    }

    pub(super) fn subprogram(&mut self, f: FunctionIdx, info: &FunctionInfo<'_>) -> Result<()> {
        Self::next("function", f, self.functions.len())?;
        let file = self.file_md(info.decl.file)?;
        let scope = match info.scope {
            ParentScope::Unit => file,
            s => self.scope_md(s)?,
        };
        let ty = self.subroutine(info.params, info.ret, false, &[])?;
        let (n, nl) = ptr(info.name);
        let linkage = if info.linkage_name == info.name {
            ""
        } else {
            info.linkage_name
        };
        let (l, ll) = ptr(linkage);
        // SAFETY: live DIBuilder and nodes; strings as pointer + length.
        let sp = unsafe {
            LLVMDIBuilderCreateFunction(
                self.dib,
                scope,
                n,
                nl,
                l,
                ll,
                file,
                info.decl.line,
                ty,
                (!info.external) as i32,
                1,
                info.decl.line,
                LLVMDIFlagPrototyped,
                0,
            )
        };
        self.functions.push(FuncSlot {
            sp,
            linkage: info.linkage_name.to_owned(),
            finalized: false,
            llvm: None,
        });
        Ok(())
    }

    pub(super) fn local(&mut self, v: VarIdx, info: &VariableInfo<'_>) -> Result<()> {
        Self::next("variable", v, self.vars.len())?;
        let func = self
            .functions
            .get(info.function.index())
            .ok_or_else(|| missing("function", info.function))?;
        if func.finalized {
            return err(
                ErrorKind::WrongFunction,
                format!("variable `{}`: its function was already closed (exit_function finalized its DISubprogram); declare variables while the function is open", info.name),
            );
        }
        let scope = self.block_md(info.scope)?;
        let file = self.file_md(info.decl.file)?;
        let ty = self.type_md(info.ty)?;
        let (n, nl) = ptr(info.name);
        // A variable of an inlined copy is the callee's (scoped in its
        // subprogram) and lives only through its declare record: kept out
        // of the callee's retained nodes, which list its own variables.
        let preserve = i32::from(!self.is_inlined(info.scope)?);
        // An artificial parameter is the object pointer (`this`): LLVM then
        // writes the function's DW_AT_object_pointer.
        let flags = match (info.artificial, info.arg_no) {
            (true, Some(_)) => LLVMDIFlagArtificial | LLVMDIFlagObjectPointer,
            (true, None) => LLVMDIFlagArtificial,
            (false, _) => LLVMDIFlagZero,
        };
        // SAFETY: live DIBuilder and nodes. AlwaysPreserve keeps the
        // variable in the subprogram's retained nodes.
        let md = unsafe {
            match info.arg_no {
                Some(arg) => LLVMDIBuilderCreateParameterVariable(
                    self.dib,
                    scope,
                    n,
                    nl,
                    arg,
                    file,
                    info.decl.line,
                    ty,
                    preserve,
                    flags,
                ),
                None => LLVMDIBuilderCreateAutoVariable(
                    self.dib,
                    scope,
                    n,
                    nl,
                    file,
                    info.decl.line,
                    ty,
                    preserve,
                    flags,
                    0,
                ),
            }
        };
        self.vars.push(VarSlot {
            md,
            function: info.function,
            scope: info.scope,
            line: info.decl.line,
            col: info.col,
            declared: false,
        });
        Ok(())
    }

    pub(super) fn global_var(&mut self, g: GlobalIdx, info: &GlobalInfo<'_>) -> Result<()> {
        Self::next("global", g, self.globals.len())?;
        let scope = self.scope_md(info.scope)?;
        let file = self.file_md(info.decl.file)?;
        let ty = self.type_md(info.ty)?;
        let (n, nl) = ptr(info.name);
        let linkage = if info.linkage_name == info.name {
            ""
        } else {
            info.linkage_name
        };
        let (l, ll) = ptr(linkage);
        // SAFETY: live DIBuilder and nodes; the empty expression array is
        // never read (length 0).
        let gve = unsafe {
            let expr = LLVMDIBuilderCreateExpression(self.dib, std::ptr::null_mut(), 0);
            LLVMDIBuilderCreateGlobalVariableExpression(
                self.dib,
                scope,
                n,
                nl,
                l,
                ll,
                file,
                info.decl.line,
                ty,
                (!info.external) as i32,
                expr,
                std::ptr::null_mut(),
                0,
            )
        };
        self.globals.push(GlobalSlot {
            gve,
            linkage: info.linkage_name.to_owned(),
            llvm: None,
        });
        Ok(())
    }

    /// The LLVM function of function `f`: the attached one, else the
    /// module's function named by its linkage name (attached on the way).
    fn llvm_function(&mut self, f: FunctionIdx) -> Result<Option<LLVMValueRef>> {
        let slot = self
            .functions
            .get(f.index())
            .ok_or_else(|| missing("function", f))?;
        if let Some(v) = slot.llvm {
            return Ok(Some(v));
        }
        match self.module.function(&slot.linkage) {
            // SAFETY: `func` is a live function of this module.
            Some(func) if unsafe { LLVMIsDeclaration(func.raw) } == 0 => {
                self.attach_function(f, func)?;
                Ok(Some(func.raw))
            }
            _ => Ok(None),
        }
    }

    /// Attaches function `f`'s `DISubprogram` to `func` (of this module).
    pub(super) fn attach_function(&mut self, f: FunctionIdx, func: LlvmFunction<'_>) -> Result<()> {
        self.live()?;
        self.module.check_value(func.raw)?;
        let slot = self
            .functions
            .get(f.index())
            .ok_or_else(|| missing("function", f))?;
        if let Some(v) = slot.llvm {
            if v == func.raw {
                return Ok(());
            }
            return err(
                ErrorKind::InvalidCode,
                "this FunctionId is already attached to another LLVM function: a DISubprogram describes one function",
            );
        }
        // SAFETY: `func` is a live function of this module (checked).
        let existing = unsafe { LLVMGetSubprogram(func.raw) };
        if !existing.is_null() && existing != slot.sp {
            return err(
                ErrorKind::InvalidCode,
                "this LLVM function already has a DISubprogram (another FunctionId was attached to it)",
            );
        }
        // SAFETY: as above; `sp` is a live subprogram of this module's
        // DIBuilder.
        unsafe { LLVMSetSubprogram(func.raw, slot.sp) };
        self.functions[f.index()].llvm = Some(func.raw);
        Ok(())
    }

    /// Attaches global `g`'s `DIGlobalVariableExpression` to `global`.
    pub(super) fn attach_global(&mut self, g: GlobalIdx, global: LlvmGlobal<'_>) -> Result<()> {
        self.live()?;
        self.module.check_value(global.raw)?;
        // SAFETY: `global` is a live value of this module (checked).
        if unsafe { LLVMIsAGlobalVariable(global.raw) }.is_null() {
            return err(
                ErrorKind::InvalidCode,
                "attach_llvm_global needs a global variable",
            );
        }
        let slot = self
            .globals
            .get(g.index())
            .ok_or_else(|| missing("global", g))?;
        if slot.llvm.is_some_and(|v| v != global.raw)
            || self
                .globals
                .iter()
                .enumerate()
                .any(|(i, s)| i != g.index() && s.llvm == Some(global.raw))
        {
            return err(
                ErrorKind::InvalidCode,
                "global debug info and LLVM globals are attached one to one: one of them is already attached elsewhere",
            );
        }
        let gve = slot.gve;
        // SAFETY: live global of this module; `gve` is a live node of its
        // context; kind 0 is `!dbg`.
        unsafe { LLVMGlobalSetMetadata(global.raw, 0, gve) };
        self.globals[g.index()].llvm = Some(global.raw);
        Ok(())
    }

    /// Inserts a declare record for variable `v` (storage: a pointer of the
    /// variable's function) at the end of `block` (also of that function).
    pub(super) fn declare(
        &mut self,
        v: VarIdx,
        storage: LlvmValue<'_>,
        block: LlvmBlock<'_>,
    ) -> Result<()> {
        self.live()?;
        self.module.check_value(storage.raw)?;
        let bf = self.module.check_block(block)?;
        let var = self
            .vars
            .get(v.index())
            .ok_or_else(|| missing("variable", v))?;
        if var.declared {
            return err(
                ErrorKind::InvalidCode,
                "this variable already has its declare record",
            );
        }
        let (function, scope, line, col, md) = (var.function, var.scope, var.line, var.col, var.md);
        // SAFETY: `storage` is a live value of this module (checked).
        let is_ptr = unsafe { LLVMGetTypeKind(LLVMTypeOf(storage.raw)) }
            == LLVMTypeKind::LLVMPointerTypeKind;
        if !is_ptr {
            return err(
                ErrorKind::InvalidCode,
                "a variable's storage must be a pointer (an alloca)",
            );
        }
        let Some(f) = self.llvm_function(function)? else {
            return err(
                ErrorKind::InvalidCode,
                "the variable's function has no LLVM function: attach_llvm_function first (or name the LLVM function by the linkage name)",
            );
        };
        if bf != f || value_function(storage.raw).is_some_and(|sf| sf != f) {
            return err(
                ErrorKind::WrongFunction,
                "the block (or the storage) belongs to another LLVM function than the variable's",
            );
        }
        // In an inlined copy, the location carries the call's `inlinedAt`.
        let loc = self.location_md(scope, line, col)?;
        // SAFETY: DIBuilder, storage, variable, location and block are live
        // and of this module; the returned record is owned by the block (and
        // deliberately not exposed: it is not an instruction).
        unsafe {
            let expr = LLVMDIBuilderCreateExpression(self.dib, std::ptr::null_mut(), 0);
            LLVMDIBuilderInsertDeclareRecordAtEnd(self.dib, storage.raw, md, expr, loc, block.raw);
        }
        self.vars[v.index()].declared = true;
        Ok(())
    }

    pub(super) fn finish_unit(&mut self) -> Result<()> {
        if let Some(t) = self
            .types
            .iter()
            .position(|s| matches!(s, TypeSlot::Temp(..)))
        {
            return err(
                ErrorKind::IncompleteStub,
                format!("LLVM backend: type #{t} is a stub that was never completed"),
            );
        }
        // Functions and globals not attached explicitly: by linkage name.
        for f in 0..self.functions.len() as u32 {
            self.llvm_function(FunctionIdx(f))?;
        }
        for g in 0..self.globals.len() {
            if self.globals[g].llvm.is_some() {
                continue;
            }
            let Ok(name) = CString::new(self.globals[g].linkage.as_str()) else {
                continue;
            };
            // SAFETY: live module; NUL-terminated name.
            let raw = unsafe { LLVMGetNamedGlobal(self.module.as_raw(), name.as_ptr()) };
            if !raw.is_null() {
                // SAFETY: `raw` is a live global of this module.
                self.attach_global(GlobalIdx(g as u32), unsafe { LlvmGlobal::from_raw(raw) })?;
            }
        }
        // Finalized once: `finished` stops every further call, even if the
        // finalize could not run (then the error says why).
        self.finished = true;
        self.finalize_dibuilder()
    }
}
