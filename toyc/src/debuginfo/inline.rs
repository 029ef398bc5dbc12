//! Debug info of toyc's own inlining (`-O`, Cranelift path): callees are
//! described before any code (an inlined call needs its callee's handle),
//! each inlined copy is a `DW_TAG_inlined_subroutine` scope in the caller
//! holding the copy's parameters and locals.

use dwarfsmith::{Backend, FunctionId, ScopeId, VarId};

use crate::debuginfo::{dcol, ds_err, DebugInfo};
use crate::front::hir::{self, Pos};

impl<B: Backend> DebugInfo<'_, B> {
    /// Describes function `f` (symbol `symbol`) ahead of its code;
    /// [`begin_function`](Self::begin_function) later opens it.
    pub fn predeclare(&mut self, f: &hir::Function, symbol: &str) -> Result<FunctionId, String> {
        if let Some(fid) = self.declared.get(symbol) {
            return Ok(*fid);
        }
        let fid = self.describe_function(f, symbol)?;
        self.declared.insert(symbol.to_string(), fid);
        Ok(fid)
    }

    /// The handle of the predeclared function with symbol `symbol`.
    pub fn predeclared(&self, symbol: &str) -> Result<FunctionId, String> {
        self.declared
            .get(symbol)
            .copied()
            .ok_or_else(|| format!("internal: `{symbol}` was not declared before inlining it"))
    }

    /// The predeclared function `symbol` has no out-of-line code: every
    /// call of it was inlined.
    pub fn without_code(&mut self, symbol: &str) -> Result<(), String> {
        let fid = self.predeclared(symbol)?;
        self.cx.define_function_without_code(fid).map_err(ds_err)
    }

    /// The scope of one inlined copy of `callee` inside `parent`, called
    /// at `call` (in the source file).
    pub fn inlined_call(
        &mut self,
        parent: ScopeId,
        callee: FunctionId,
        call: Pos,
    ) -> Result<ScopeId, String> {
        self.cx
            .inlined_call(parent, callee, self.file, call.line.max(1), dcol(call))
            .map_err(ds_err)
    }

    /// Parameter `arg_no` (1-based) of the inlined copy `call`; `None`
    /// for a unit one.
    pub fn inlined_parameter(
        &mut self,
        call: ScopeId,
        p: &hir::Param,
        arg_no: u32,
    ) -> Result<Option<VarId>, String> {
        let Some(t) = self.ty(p.ty)? else {
            return Ok(None);
        };
        self.cx
            .declare_inlined_parameter(call, &p.name, arg_no, t, p.pos.line.max(1), dcol(p.pos))
            .map(Some)
            .map_err(ds_err)
    }
}
