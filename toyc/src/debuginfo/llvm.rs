//! The LLVM side of the debug info: the compile unit on dwarfsmith's LLVM
//! backend (which sets the builder's debug locations itself), subprograms
//! tied to LLVM functions and variables to their `alloca`s. Every decision
//! (types, scopes, variables, locations) is made by the shared
//! `debuginfo/mod.rs` and `debuginfo/scopes.rs`, as for the Cranelift path.

use std::path::Path;

use dwarfsmith::backend::llvm::{
    LlvmBackend, LlvmBlock, LlvmBuilder, LlvmFunction, LlvmModule, LlvmOptions, LlvmValue,
};
use dwarfsmith::{FunctionId, VarId};

use crate::debuginfo::{ds_err, DebugInfo};
use crate::front::hir::Program;

impl<'p, 'm> DebugInfo<'p, LlvmBackend<'m>> {
    /// Starts the compile unit in `module`; `builder` is the one toyc emits
    /// function bodies with (the backend drives its debug location).
    pub fn new_llvm(
        prog: &'p Program,
        src: &Path,
        dwarf_version: u16,
        module: &'m LlvmModule<'m>,
        builder: &'m LlvmBuilder<'m>,
    ) -> Result<Self, String> {
        let backend = LlvmBackend::new(module, LlvmOptions { dwarf_version }).map_err(ds_err)?;
        let mut d = DebugInfo::start(prog, src, backend, "LLVM")?;
        d.cx.set_llvm_builder(builder).map_err(ds_err)?;
        Ok(d)
    }

    /// Ties function `fid`'s subprogram to its LLVM function.
    pub fn attach_function(&mut self, fid: FunctionId, f: LlvmFunction<'_>) -> Result<(), String> {
        self.cx.attach_llvm_function(fid, f).map_err(ds_err)
    }

    /// Variable `v` lives in `slot` (its `alloca`) for its whole scope: a
    /// declare record at the end of `entry`.
    pub fn declare(
        &mut self,
        v: VarId,
        slot: LlvmValue<'_>,
        entry: LlvmBlock<'_>,
    ) -> Result<(), String> {
        self.cx
            .declare_llvm_variable(v, slot, entry)
            .map_err(ds_err)
    }
}
