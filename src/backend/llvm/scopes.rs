//! Subprograms, variables and globals, and tying them to the frontend's IR:
//! `DISubprogram` → function, declare records, `DIGlobalVariableExpression`
//! → global. Every IR handle is checked to belong to the backend's module.

use std::ffi::CString;

use llvm_sys::core::*;
use llvm_sys::debuginfo::*;
use llvm_sys::prelude::*;
use llvm_sys::LLVMTypeKind;

use super::backend::{missing, ptr, FuncSlot, GlobalSlot, LlvmBackend, TypeSlot, VarSlot};
use super::ir::{value_function, LlvmBlock, LlvmFunction, LlvmGlobal, LlvmValue};
use crate::backend::{FunctionInfo, GlobalInfo, ParentScope, VariableInfo};
use crate::error::{err, ErrorKind, Result};

impl LlvmBackend<'_> {
    pub(super) fn subprogram(&mut self, f: u32, info: &FunctionInfo<'_>) -> Result<()> {
        Self::next("function", f, self.functions.len())?;
        let file = self.file_md(info.file)?;
        let scope = match info.scope {
            ParentScope::Unit => file,
            s => self.scope_md(s)?,
        };
        let ty = self.subroutine(info.params, info.ret, false)?;
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
                info.line,
                ty,
                (!info.external) as i32,
                1,
                info.line,
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

    pub(super) fn local(&mut self, v: u32, info: &VariableInfo<'_>) -> Result<()> {
        Self::next("variable", v, self.vars.len())?;
        let func = self
            .functions
            .get(info.function as usize)
            .ok_or_else(|| missing("function", info.function))?;
        if func.finalized {
            return err(
                ErrorKind::WrongFunction,
                format!("variable `{}`: its function was already closed (exit_function finalized its DISubprogram); declare variables while the function is open", info.name),
            );
        }
        let scope = self.block_md(info.scope)?;
        let file = self.file_md(info.file)?;
        let ty = self.type_md(info.ty)?;
        let (n, nl) = ptr(info.name);
        // SAFETY: live DIBuilder and nodes. AlwaysPreserve keeps the
        // variable in the subprogram's retained nodes.
        let md = unsafe {
            match info.arg_no {
                Some(arg) => LLVMDIBuilderCreateParameterVariable(
                    self.dib, scope, n, nl, arg, file, info.line, ty, 1, 0,
                ),
                None => LLVMDIBuilderCreateAutoVariable(
                    self.dib, scope, n, nl, file, info.line, ty, 1, 0, 0,
                ),
            }
        };
        self.vars.push(VarSlot {
            md,
            function: info.function,
            scope: info.scope,
            line: info.line,
            col: info.col,
            declared: false,
        });
        Ok(())
    }

    pub(super) fn global_var(&mut self, g: u32, info: &GlobalInfo<'_>) -> Result<()> {
        Self::next("global", g, self.globals.len())?;
        let scope = self.scope_md(info.scope)?;
        let file = self.file_md(info.file)?;
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
                info.line,
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
    fn llvm_function(&mut self, f: u32) -> Result<Option<LLVMValueRef>> {
        let slot = self
            .functions
            .get(f as usize)
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
    pub(super) fn attach_function(&mut self, f: u32, func: LlvmFunction<'_>) -> Result<()> {
        self.live()?;
        self.module.check_value(func.raw)?;
        let slot = self
            .functions
            .get(f as usize)
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
        self.functions[f as usize].llvm = Some(func.raw);
        Ok(())
    }

    /// Attaches global `g`'s `DIGlobalVariableExpression` to `global`.
    pub(super) fn attach_global(&mut self, g: u32, global: LlvmGlobal<'_>) -> Result<()> {
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
            .get(g as usize)
            .ok_or_else(|| missing("global", g))?;
        if slot.llvm.is_some_and(|v| v != global.raw)
            || self
                .globals
                .iter()
                .enumerate()
                .any(|(i, s)| i != g as usize && s.llvm == Some(global.raw))
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
        self.globals[g as usize].llvm = Some(global.raw);
        Ok(())
    }

    /// Inserts a declare record for variable `v` (storage: a pointer of the
    /// variable's function) at the end of `block` (also of that function).
    pub(super) fn declare(
        &mut self,
        v: u32,
        storage: LlvmValue<'_>,
        block: LlvmBlock<'_>,
    ) -> Result<()> {
        self.live()?;
        self.module.check_value(storage.raw)?;
        let bf = self.module.check_block(block)?;
        let var = self
            .vars
            .get(v as usize)
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
        let scope = self.block_md(scope)?;
        // SAFETY: DIBuilder, storage, variable, scope and block are live and
        // of this module; the returned record is owned by the block (and
        // deliberately not exposed: it is not an instruction).
        unsafe {
            let expr = LLVMDIBuilderCreateExpression(self.dib, std::ptr::null_mut(), 0);
            let loc = LLVMDIBuilderCreateDebugLocation(
                self.ctx(),
                line,
                col,
                scope,
                std::ptr::null_mut(),
            );
            LLVMDIBuilderInsertDeclareRecordAtEnd(self.dib, storage.raw, md, expr, loc, block.raw);
        }
        self.vars[v as usize].declared = true;
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
            self.llvm_function(f)?;
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
                self.attach_global(g as u32, unsafe { LlvmGlobal::from_raw(raw) })?;
            }
        }
        // Finalized once: `finished` stops every further call, even if the
        // finalize could not run (then the error says why).
        self.finished = true;
        self.finalize_dibuilder()
    }
}
