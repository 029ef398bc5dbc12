//! The frontend's side of the LLVM backend: tying the core's handles to its
//! IR. These are methods of `DebugContext<LlvmBackend>` so that a handle of
//! another `DebugContext` is refused (by the context's public, checked
//! `function_index`/`var_index`/`global_index`) before anything reaches LLVM.

use super::builder::LlvmBuilder;
use super::values::{LlvmBlock, LlvmFunction, LlvmGlobal, LlvmValue};
use super::LlvmBackend;
use crate::context::DebugContext;
use crate::error::{err, ErrorKind, Result};
use crate::handles::{FunctionId, GlobalId, VarId};

impl<'a> DebugContext<LlvmBackend<'a>> {
    /// Hands the backend the builder the frontend emits instructions with:
    /// from now on the backend sets its current debug location (none in the
    /// prologue, then what `set_source_location` says). The builder must be
    /// of the backend's module.
    pub fn set_llvm_builder(&mut self, builder: &'a LlvmBuilder<'a>) -> Result<()> {
        self.live()?;
        let b = self.backend_mut();
        b.live()?;
        if builder.module.as_raw() != b.module.as_raw() {
            return err(
                ErrorKind::ForeignHandle,
                "this builder belongs to another LLVM module than the backend's: create it with the backend's module's create_builder()",
            );
        }
        b.builder = Some(builder);
        b.apply_location()
    }

    /// Attaches `f`'s `DISubprogram` to the LLVM function `func` (of the
    /// backend's module). Optional when `func` is named by `f`'s linkage
    /// name: such functions are found and attached automatically.
    pub fn attach_llvm_function(&mut self, f: FunctionId, func: LlvmFunction<'_>) -> Result<()> {
        let f = self.function_index(f)?;
        self.backend_mut().attach_function(f, func)
    }

    /// Describes where variable `v` lives: `storage` (a pointer, normally
    /// its `alloca`) for its whole scope. Inserts a declare record at the end
    /// of `block` (before its terminator, if any), which must be in the
    /// variable's function.
    pub fn declare_llvm_variable(
        &mut self,
        v: VarId,
        storage: LlvmValue<'_>,
        block: LlvmBlock<'_>,
    ) -> Result<()> {
        let v = self.var_index(v)?;
        self.backend_mut().declare(v, storage, block)
    }

    /// Attaches `g`'s `DIGlobalVariableExpression` to the LLVM global
    /// variable `global`. Optional when `global` is named by `g`'s linkage
    /// name (attached automatically at finish).
    pub fn attach_llvm_global(&mut self, g: GlobalId, global: LlvmGlobal<'_>) -> Result<()> {
        let g = self.global_index(g)?;
        self.backend_mut().attach_global(g, global)
    }
}
