//! The parts of [`DebugContext`] for optimized code: inlined calls and
//! variable locations that change over the code.

#![forbid(unsafe_code)]

use super::DebugContext;
use crate::backend::{Backend, DeclSite};
use crate::error::Result;
use crate::handles::{FileId, FunctionId, ScopeId, TypeRef, VarId};
use crate::locations::LocationRange;

impl<B: Backend> DebugContext<B> {
    /// The scope of one inlined call of `callee` inside `parent` (a scope of
    /// the open function), called from `call_file:call_line:call_col`
    /// (`DW_TAG_inlined_subroutine`). Locations set in it are the callee's
    /// lines (in the callee's file); its code ranges come from the code rows
    /// whose tokens are in it, as for a lexical block; parameters of the
    /// inlined copy are declared with
    /// [`declare_inlined_parameter`](Self::declare_inlined_parameter),
    /// locals with [`declare_local`](Self::declare_local). Inlined calls nest
    /// (a call inlined into an inlined copy), and a chain of them cannot
    /// loop: each scope's parent exists before it.
    ///
    /// ```
    /// use dwarfsmith::*;
    /// let mut cx = DebugContext::new(GimliBackend::new(GimliOptions::default())?,
    ///                                &CompileUnit::new("a.c", "/src"))?;
    /// let file = cx.file("a.c".as_ref())?;
    /// let mut types = |_: FrontendTy| Ok(TypeDesc::base("int", 4, BaseEncoding::Signed));
    /// let int = cx.resolve_type(&mut types, FrontendTy(0))?;
    /// let sq = cx.define_function(&FunctionDesc::new("square", "square", file, 1).returns(int))?;
    /// cx.define_function_without_code(sq)?;
    /// let main = cx.define_function(&FunctionDesc::new("main", "main", file, 5).returns(int))?;
    /// cx.enter_function(main)?;
    /// cx.start_emitting_source_locations()?;
    /// let body = cx.function_scope(main)?;
    /// let call = cx.inlined_call(body, sq, file, 6, 12)?;
    /// let x = cx.declare_inlined_parameter(call, "x", 1, int, 1, 0)?;
    /// let at_call = cx.set_source_location(body, 6, 3)?;
    /// let inside = cx.set_source_location(call, 2, 5)?; // square's line 2
    /// cx.exit_function()?;
    /// let rows = [CodeRow { offset: 0, loc: at_call }, CodeRow { offset: 4, loc: inside }];
    /// cx.define_function_code(main, 12, &rows)?;
    /// cx.set_variable_locations(x, &[LocationRange { start: 4, end: 12,
    ///     location: ValueLocation::Register(5) }])?;
    /// cx.finish()?;
    /// # Ok::<(), dwarfsmith::Error>(())
    /// ```
    pub fn inlined_call(
        &mut self,
        parent: ScopeId,
        callee: FunctionId,
        call_file: FileId,
        call_line: u32,
        call_col: u32,
    ) -> Result<ScopeId> {
        self.live()?;
        let p = parent.check(self.id, self.scopes.scope_count())? as u32;
        let callee = self.function_index(callee)?;
        let file = self.check_file(call_file)?;
        let open = self.lines.open_function();
        let s = self.scopes.inlined_call(
            &mut self.backend,
            p,
            callee,
            DeclSite {
                file,
                line: call_line,
            },
            call_col,
            open,
        )?;
        Ok(ScopeId::new(self.id, s as usize))
    }

    /// Parameter `arg_no` (1-based) of the inlined copy whose scope is
    /// `call` (from [`inlined_call`](Self::inlined_call)), declared at
    /// `line:col` of the callee.
    pub fn declare_inlined_parameter(
        &mut self,
        call: ScopeId,
        name: &str,
        arg_no: u32,
        ty: TypeRef,
        line: u32,
        col: u32,
    ) -> Result<VarId> {
        let s = call.check(self.id, self.scopes.scope_count())? as u32;
        let scope = self.scopes.inlined_parameter_scope(s, name, arg_no)?;
        self.declare(scope, name, Some(arg_no), ty, (line, col), false)
    }

    /// Where `var` is over ranges of its function's code (byte offsets from
    /// the function start, sorted, non-overlapping, inside the code reported
    /// with [`define_function_code`](Self::define_function_code), which
    /// must come first). Outside every range the variable has no location:
    /// debuggers show it as optimized out. Backends without codegen
    /// (gimli) write a location list; LLVM derives locations from its own
    /// optimizer and refuses this with `Unsupported`.
    pub fn set_variable_locations(&mut self, var: VarId, ranges: &[LocationRange]) -> Result<()> {
        self.live()?;
        let v = self.var_index(var)?;
        let value_size = self.types.node(self.scopes.var_type(v)?)?.size;
        self.scopes
            .locate_variable_ranges(&mut self.backend, v, value_size, ranges)
    }
}
