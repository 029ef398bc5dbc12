//! The parts of [`DebugContext`] that declare variables: parameters
//! (including an artificial `this`), locals, globals, and where a variable
//! lives over its whole scope.

#![forbid(unsafe_code)]

use super::DebugContext;
use crate::backend::{Backend, DeclSite, GlobalInfo, VarLocation};
use crate::check::{check_line_col, check_name};
use crate::error::Result;
use crate::handles::{FunctionId, GlobalId, ScopeId, TypeRef, VarId};
use crate::scopes::GlobalDesc;

impl<B: Backend> DebugContext<B> {
    /// A parameter of `function` (`arg_no` is 1-based), declared at `line:col`.
    pub fn declare_parameter(
        &mut self,
        function: FunctionId,
        name: &str,
        arg_no: u32,
        ty: TypeRef,
        line: u32,
        col: u32,
    ) -> Result<VarId> {
        let f = self.function_index(function)?;
        let scope = self.scopes.parameter_scope(f, name, arg_no)?;
        self.declare(scope, name, Some(arg_no), ty, (line, col), false)
    }

    /// The artificial `this` parameter (argument 1) of a member function's
    /// definition (`DW_AT_artificial`; debuggers hide it from the
    /// signature and resolve members through it).
    pub fn declare_this_parameter(
        &mut self,
        function: FunctionId,
        ty: TypeRef,
        line: u32,
    ) -> Result<VarId> {
        let f = self.function_index(function)?;
        let scope = self.scopes.parameter_scope(f, "this", 1)?;
        self.declare(scope, "this", Some(1), ty, (line, 0), true)
    }

    /// A local variable declared in `scope` at `line:col`.
    pub fn declare_local(
        &mut self,
        scope: ScopeId,
        name: &str,
        ty: TypeRef,
        line: u32,
        col: u32,
    ) -> Result<VarId> {
        let s = scope.check(self.id, self.scopes.scope_count())? as u32;
        self.declare(s, name, None, ty, (line, col), false)
    }

    /// Declares a variable in scope `scope` (parameters with `arg_no`);
    /// checked here, recorded by [`Scopes`](crate::scopes::Scopes).
    pub(super) fn declare(
        &mut self,
        scope: u32,
        name: &str,
        arg_no: Option<u32>,
        ty: TypeRef,
        (line, col): (u32, u32),
        artificial: bool,
    ) -> Result<VarId> {
        self.live()?;
        check_name("variable name", name)?;
        check_line_col("variable declaration", line, col)?;
        let ty = self
            .types
            .check_value(ty, self.id, &format!("variable `{name}`"))?;
        let open = self.lines.open_function();
        let v = self.scopes.declare(
            &mut self.backend,
            scope,
            name,
            arg_no,
            ty,
            (line, col, artificial),
            open,
        )?;
        Ok(VarId::new(self.id, v.index()))
    }

    /// A global variable whose storage is the symbol `linkage_name`.
    pub fn define_global(&mut self, g: &GlobalDesc<'_>) -> Result<GlobalId> {
        self.live()?;
        check_name("global name", g.name)?;
        check_name("global linkage name", g.linkage_name)?;
        check_line_col("define_global", g.line, 0)?;
        let ty = self
            .types
            .check_value(g.ty, self.id, &format!("global `{}`", g.name))?;
        let file = self.check_file(g.file)?;
        let scope = self.parent_of(g.namespace)?;
        let info = GlobalInfo {
            name: g.name,
            linkage_name: g.linkage_name,
            scope,
            ty,
            decl: DeclSite { file, line: g.line },
            external: g.external,
        };
        let i = self.scopes.define_global(&mut self.backend, &info)?;
        Ok(GlobalId::new(self.id, i.index()))
    }

    /// Where a variable lives over its whole scope (backends without codegen).
    pub fn set_variable_location(&mut self, var: VarId, loc: VarLocation) -> Result<()> {
        self.live()?;
        let v = self.var_index(var)?;
        let open = self.lines.open_function();
        self.scopes.locate_variable(&mut self.backend, v, loc, open)
    }
}
