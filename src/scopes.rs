//! [`Scopes`]: namespaces, functions, lexical blocks, parameters/locals and
//! globals of one compile unit. It is handed checked indices by the context
//! and announces each entity to the backend.

#![forbid(unsafe_code)]

use indexmap::IndexSet;
use rustc_hash::{FxBuildHasher, FxHashSet};

use crate::backend::{
    Backend, BlockIdx, BlockParent, DeclSite, FileIdx, FunctionIdx, FunctionInfo, GlobalIdx,
    GlobalInfo, NamespaceIdx, ParentScope, TypeIdx, VarIdx, VarLocation, VariableInfo,
};
use crate::check::check_line_col;
use crate::error::{err, ErrorKind, Result};
use crate::handles::{FileId, NamespaceId, TypeRef};
use crate::id::{Interner, Sym};

/// A function to describe.
#[derive(Debug, Clone, Copy)]
pub struct FunctionDesc<'a> {
    /// Name as the debugger shows it, without the namespace (`push`).
    pub name: &'a str,
    /// The symbol of its code (`util::push`): linkage name, and how the gimli
    /// backend finds its address.
    pub linkage_name: &'a str,
    /// Enclosing namespace.
    pub namespace: Option<NamespaceId>,
    /// File of the definition.
    pub file: FileId,
    /// Line of the definition (the prologue's line).
    pub line: u32,
    /// Return type, `None` if it returns nothing.
    pub ret: Option<TypeRef>,
    /// Parameter types in order.
    pub params: &'a [TypeRef],
    /// Visible outside the compile unit.
    pub external: bool,
    /// The definition of a member function declared in a class or tagged
    /// union: the type and the index of the method in its
    /// [`CompositeDesc::methods`](crate::CompositeDesc::methods) or
    /// [`TaggedUnionDesc::methods`](crate::TaggedUnionDesc::methods).
    pub method_of: Option<(TypeRef, u32)>,
}

/// A global variable to describe.
#[derive(Debug, Clone, Copy)]
pub struct GlobalDesc<'a> {
    /// Name as the debugger shows it, without the namespace.
    pub name: &'a str,
    /// The symbol holding its storage.
    pub linkage_name: &'a str,
    /// Enclosing namespace.
    pub namespace: Option<NamespaceId>,
    /// Type.
    pub ty: TypeRef,
    /// File of the definition.
    pub file: FileId,
    /// Line of the definition.
    pub line: u32,
    /// Visible outside the compile unit.
    pub external: bool,
}

/// A defined function.
pub(crate) struct FunctionEntry {
    name: Sym,
    /// Its outermost scope.
    pub(crate) scope: u32,
    pub(crate) file: FileIdx,
    pub(crate) line: u32,
    code: CodeState,
    /// Size of its code, once reported.
    pub(crate) code_size: Option<u64>,
}

/// What is known of a function's machine code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CodeState {
    /// Not reported yet.
    Unknown,
    /// Reported with `define_function_code`.
    Defined,
    /// Declared to have none in this unit (`define_function_without_code`).
    None,
}

/// A function's outermost scope or a lexical block.
pub(crate) struct ScopeEntry {
    pub(crate) function: FunctionIdx,
    pub(crate) parent: Option<u32>,
    /// Backend block index; `None` for a function's outermost scope.
    pub(crate) block: Option<BlockIdx>,
    pub(crate) file: FileIdx,
    /// Block nesting inside the function (0 for the function's own scope).
    depth: u32,
    /// For the scope of an inlined call: the inlined function.
    pub(crate) inlined: Option<FunctionIdx>,
}

struct VarEntry {
    function: FunctionIdx,
    /// Its name, for error messages.
    name: Sym,
    /// Its type (the size a location's pieces are checked against).
    ty: TypeIdx,
    located: bool,
}

/// The scopes and variables of one compile unit.
pub(crate) struct Scopes {
    names: Interner,
    max_depth: u32,
    namespaces: IndexSet<(Option<NamespaceIdx>, Sym), FxBuildHasher>,
    /// Nesting depth of each namespace (1 for a top-level one).
    namespace_depth: Vec<u32>,
    /// Per namespace: a C++ inline namespace.
    namespace_inline: Vec<bool>,
    functions: Vec<FunctionEntry>,
    scopes: Vec<ScopeEntry>,
    block_count: u32,
    vars: Vec<VarEntry>,
    /// (function or inlined-call scope, argument number) of every declared
    /// parameter.
    arg_numbers: FxHashSet<(u32, u32)>,
    global_count: u32,
}

impl Scopes {
    /// No scopes yet; namespaces and blocks nest at most `max_depth` deep.
    pub(crate) fn new(max_depth: u32) -> Self {
        Scopes {
            names: Interner::default(),
            max_depth,
            namespaces: IndexSet::default(),
            namespace_depth: Vec::new(),
            namespace_inline: Vec::new(),
            functions: Vec::new(),
            scopes: Vec::new(),
            block_count: 0,
            vars: Vec::new(),
            arg_numbers: FxHashSet::default(),
            global_count: 0,
        }
    }

    /// Number of namespaces.
    pub(crate) fn namespace_count(&self) -> usize {
        self.namespaces.len()
    }

    /// Number of functions.
    pub(crate) fn function_count(&self) -> usize {
        self.functions.len()
    }

    /// Number of scopes (function scopes and blocks).
    pub(crate) fn scope_count(&self) -> usize {
        self.scopes.len()
    }

    /// Number of parameters and locals.
    pub(crate) fn var_count(&self) -> usize {
        self.vars.len()
    }

    /// The type of variable `v` (checked by the context).
    pub(crate) fn var_type(&self, v: VarIdx) -> Result<TypeIdx> {
        self.vars.get(v.index()).map(|e| e.ty).ok_or_else(|| {
            crate::error::Error::new(
                ErrorKind::ForeignHandle,
                format!("no variable #{}", v.index()),
            )
        })
    }

    /// Number of globals.
    pub(crate) fn global_count(&self) -> usize {
        self.global_count as usize
    }

    /// A function (`f` was checked against [`function_count`](Self::function_count)).
    pub(crate) fn function(&self, f: FunctionIdx) -> &FunctionEntry {
        &self.functions[f.index()]
    }

    /// A scope (`s` was checked against [`scope_count`](Self::scope_count)).
    pub(crate) fn scope(&self, s: u32) -> &ScopeEntry {
        &self.scopes[s as usize]
    }

    /// A function's name, for messages.
    pub(crate) fn function_name(&self, f: FunctionIdx) -> String {
        self.functions
            .get(f.index())
            .map_or_else(String::new, |e| self.names.get(e.name).to_owned())
    }

    /// What a scope is to the backend: a function or a block.
    pub(crate) fn block_parent(&self, s: u32) -> BlockParent {
        let e = &self.scopes[s as usize];
        match e.block {
            Some(b) => BlockParent::Block(b),
            None => BlockParent::Function(e.function),
        }
    }

    /// While a function is open (`open`), a scope or variable of another
    /// function is refused.
    pub(crate) fn check_in_open_function(
        &self,
        function: FunctionIdx,
        open: Option<FunctionIdx>,
        what: &dyn std::fmt::Display,
    ) -> Result<()> {
        if let Some(open) = open {
            if open != function {
                return err(
                    ErrorKind::WrongFunction,
                    format!(
                        "{what} belongs to function `{}` but function `{}` is open: scopes and variables can only be used inside their own function",
                        self.function_name(function),
                        self.function_name(open)
                    ),
                );
            }
        }
        Ok(())
    }

    /// The namespace `name` inside `parent`; the same pair always gives the
    /// same namespace, which must be inline every time or never.
    pub(crate) fn namespace<B: Backend>(
        &mut self,
        backend: &mut B,
        parent: Option<NamespaceIdx>,
        name: &str,
        inline: bool,
    ) -> Result<NamespaceIdx> {
        let sym = self.names.intern(name);
        if let Some(i) = self.namespaces.get_index_of(&(parent, sym)) {
            if self.namespace_inline.get(i) != Some(&inline) {
                let (was, now) = if inline {
                    ("`namespace`", "`inline_namespace`")
                } else {
                    ("`inline_namespace`", "`namespace`")
                };
                return err(
                    ErrorKind::ConflictingDescription,
                    format!("namespace `{name}` was registered with {was} and now with {now}: a C++ namespace is inline in every declaration or in none; register it the same way every time"),
                );
            }
            return Ok(NamespaceIdx(i as u32));
        }
        let depth = parent.map_or(0, |p| self.namespace_depth[p.index()]) + 1;
        if depth > self.max_depth {
            return err(
                ErrorKind::LimitExceeded,
                format!(
                    "namespace `{name}` would be nested {depth} deep, beyond Limits::max_scope_depth ({}): the DWARF writer recurses once per nesting level",
                    self.max_depth
                ),
            );
        }
        let ns = NamespaceIdx(self.namespaces.len() as u32);
        let p = parent.map_or(ParentScope::Unit, ParentScope::Namespace);
        backend.namespace(ns, p, name, inline)?;
        self.namespaces.insert((parent, sym));
        self.namespace_depth.push(depth);
        self.namespace_inline.push(inline);
        Ok(ns)
    }

    /// The next function index.
    pub(crate) fn next_function(&self) -> FunctionIdx {
        FunctionIdx(self.functions.len() as u32)
    }

    /// Defines the function `info` (checked by the context) as
    /// [`next_function`](Self::next_function).
    pub(crate) fn define_function<B: Backend>(
        &mut self,
        backend: &mut B,
        info: &FunctionInfo<'_>,
    ) -> Result<FunctionIdx> {
        let f = self.next_function();
        backend.function(f, info)?;
        let scope = self.scopes.len() as u32;
        self.scopes.push(ScopeEntry {
            function: f,
            parent: None,
            block: None,
            file: info.decl.file,
            depth: 0,
            inlined: None,
        });
        let name = self.names.intern(info.name);
        self.functions.push(FunctionEntry {
            name,
            scope,
            file: info.decl.file,
            line: info.decl.line,
            code: CodeState::Unknown,
            code_size: None,
        });
        Ok(f)
    }

    /// What is known of `f`'s code.
    pub(crate) fn code_state(&self, f: FunctionIdx) -> CodeState {
        self.functions
            .get(f.index())
            .map_or(CodeState::Unknown, |e| e.code)
    }

    /// Records what is known of `f`'s code.
    pub(crate) fn set_code_state(&mut self, f: FunctionIdx, state: CodeState) {
        if let Some(e) = self.functions.get_mut(f.index()) {
            e.code = state;
        }
    }

    /// Records the size of `f`'s reported code.
    pub(crate) fn set_code_size(&mut self, f: FunctionIdx, size: u64) {
        if let Some(e) = self.functions.get_mut(f.index()) {
            e.code_size = Some(size);
        }
    }

    /// The first function (in definition order) whose code was never
    /// reported nor declared absent, and how many there are.
    pub(crate) fn functions_without_code(&self) -> Option<(FunctionIdx, usize)> {
        let mut missing = self
            .functions
            .iter()
            .enumerate()
            .filter(|(_, e)| e.code == CodeState::Unknown);
        let (first, _) = missing.next()?;
        Some((FunctionIdx(first as u32), 1 + missing.count()))
    }

    /// A lexical block in scope `parent` (checked), at `line:col` of `file`.
    pub(crate) fn lexical_block<B: Backend>(
        &mut self,
        backend: &mut B,
        parent: u32,
        file: FileIdx,
        (line, col): (u32, u32),
        open: Option<FunctionIdx>,
    ) -> Result<u32> {
        check_line_col("lexical_block", line, col)?;
        let (function, depth) = self.nested_in(parent, open, &"the parent scope", &|s, f| {
            format!("a lexical block of `{}`", s.function_name(f))
        })?;
        let b = BlockIdx(self.block_count);
        backend.lexical_block(b, self.block_parent(parent), file, line, col)?;
        Ok(self.push_block(function, parent, b, file, depth, None))
    }

    /// The scope of one inlined call of `callee` (checked) in scope `parent`
    /// (checked), called from `call_file:line:col`. Its file is the callee's:
    /// locations set in it are the callee's lines.
    pub(crate) fn inlined_call<B: Backend>(
        &mut self,
        backend: &mut B,
        parent: u32,
        callee: FunctionIdx,
        call: DeclSite,
        col: u32,
        open: Option<FunctionIdx>,
    ) -> Result<u32> {
        check_line_col("inlined_call", call.line, col)?;
        let (function, depth) =
            self.nested_in(parent, open, &"the inlined call's parent scope", &|s, f| {
                format!(
                    "an inlined call of `{}` in `{}`",
                    s.function_name(callee),
                    s.function_name(f)
                )
            })?;
        let b = BlockIdx(self.block_count);
        backend.inlined_block(b, self.block_parent(parent), callee, call, col)?;
        let file = self.functions[callee.index()].file;
        Ok(self.push_block(function, parent, b, file, depth, Some(callee)))
    }

    /// The function and nesting depth of a block in scope `parent`: the
    /// parent belongs to the open function, and the depth stays within
    /// `Limits::max_scope_depth` (`what` names the block in the message).
    fn nested_in(
        &self,
        parent: u32,
        open: Option<FunctionIdx>,
        parent_what: &dyn std::fmt::Display,
        what: &dyn Fn(&Self, FunctionIdx) -> String,
    ) -> Result<(FunctionIdx, u32)> {
        let function = self.scopes[parent as usize].function;
        self.check_in_open_function(function, open, parent_what)?;
        let depth = self.scopes[parent as usize].depth + 1;
        if depth > self.max_depth {
            return err(
                ErrorKind::LimitExceeded,
                format!(
                    "{} would be nested {depth} deep, beyond Limits::max_scope_depth ({}): the DWARF writer recurses once per nesting level",
                    what(self, function),
                    self.max_depth
                ),
            );
        }
        Ok((function, depth))
    }

    /// Records block `b` (announced to the backend) as a scope.
    fn push_block(
        &mut self,
        function: FunctionIdx,
        parent: u32,
        b: BlockIdx,
        file: FileIdx,
        depth: u32,
        inlined: Option<FunctionIdx>,
    ) -> u32 {
        self.block_count += 1;
        let s = self.scopes.len() as u32;
        self.scopes.push(ScopeEntry {
            function,
            parent: Some(parent),
            block: Some(b),
            file,
            depth,
            inlined,
        });
        s
    }

    /// Checks a parameter's argument number (1-based, once per function);
    /// returns the function's scope.
    pub(crate) fn parameter_scope(&self, f: FunctionIdx, name: &str, arg_no: u32) -> Result<u32> {
        let scope = self.functions[f.index()].scope;
        self.check_arg_no(scope, name, arg_no)?;
        Ok(scope)
    }

    /// Checks a parameter of an inlined call (1-based, once per call).
    pub(crate) fn inlined_parameter_scope(
        &self,
        scope: u32,
        name: &str,
        arg_no: u32,
    ) -> Result<u32> {
        if self.scopes[scope as usize].inlined.is_none() {
            return err(
                ErrorKind::InvalidLocation,
                format!(
                    "parameter `{name}`: declare_inlined_parameter needs the scope of an inlined call (DebugContext::inlined_call); a function's own parameters are declared with declare_parameter"
                ),
            );
        }
        self.check_arg_no(scope, name, arg_no)?;
        Ok(scope)
    }

    fn check_arg_no(&self, scope: u32, name: &str, arg_no: u32) -> Result<()> {
        let f = self.scopes[scope as usize].function;
        if arg_no == 0 {
            return err(
                ErrorKind::InvalidLocation,
                format!("parameter `{name}`: argument numbers are 1-based"),
            );
        }
        if self.arg_numbers.contains(&(scope, arg_no)) {
            return err(
                ErrorKind::InvalidLocation,
                format!(
                    "parameter `{name}`: `{}` already has a parameter number {arg_no}; each argument number is declared once (LLVM rejects duplicates)",
                    self.function_name(f)
                ),
            );
        }
        Ok(())
    }

    /// A parameter (`arg_no`) or local of type `ty` in scope `scope` (both
    /// checked), declared at `line:col`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn declare<B: Backend>(
        &mut self,
        backend: &mut B,
        scope: u32,
        name: &str,
        arg_no: Option<u32>,
        ty: TypeIdx,
        (line, col, artificial): (u32, u32, bool),
        open: Option<FunctionIdx>,
    ) -> Result<VarIdx> {
        let entry = &self.scopes[scope as usize];
        let (function, file) = (entry.function, entry.file);
        // The message is formatted only on error (this is a hot path).
        self.check_in_open_function(function, open, &format_args!("variable `{name}`'s scope"))?;
        let v = VarIdx(self.vars.len() as u32);
        backend.variable(
            v,
            &VariableInfo {
                name,
                ty,
                scope: self.block_parent(scope),
                function,
                arg_no,
                decl: DeclSite { file, line },
                col,
                artificial,
            },
        )?;
        let name = self.names.intern(name);
        self.vars.push(VarEntry {
            function,
            name,
            ty,
            located: false,
        });
        if let Some(a) = arg_no {
            self.arg_numbers.insert((scope, a));
        }
        Ok(v)
    }

    /// Where variable `v` (checked) lives over its whole scope.
    pub(crate) fn locate_variable<B: Backend>(
        &mut self,
        backend: &mut B,
        v: VarIdx,
        loc: VarLocation,
        open: Option<FunctionIdx>,
    ) -> Result<()> {
        let (var, name) = self.unlocated(v)?;
        self.check_in_open_function(var.function, open, &format_args!("variable `{name}`"))?;
        backend.variable_location(v, loc)?;
        self.vars[v.index()].located = true;
        Ok(())
    }

    /// Variable `v` (checked) and its name, if no location was set for it
    /// yet: a variable has one location or one location list.
    fn unlocated(&self, v: VarIdx) -> Result<(&VarEntry, &str)> {
        let var = &self.vars[v.index()];
        let name = self.names.get(var.name);
        if var.located {
            return err(
                ErrorKind::InvalidCode,
                format!("`{name}`'s location was already set (set_variable_location or set_variable_locations are called once per variable)"),
            );
        }
        Ok((var, name))
    }

    /// Where variable `v` (checked) is over ranges of its function's code,
    /// which must have been reported.
    pub(crate) fn locate_variable_ranges<B: Backend>(
        &mut self,
        backend: &mut B,
        v: VarIdx,
        value_size: u64,
        ranges: &[crate::locations::LocationRange],
    ) -> Result<()> {
        let (var, name) = self.unlocated(v)?;
        let f = var.function;
        let func = &self.functions[f.index()];
        let Some(size) = func.code_size else {
            return err(
                ErrorKind::InvalidCode,
                format!(
                    "set_variable_locations for `{name}` of `{}` before its code was reported: location ranges are offsets into the code, call define_function_code first",
                    self.function_name(f)
                ),
            );
        };
        let padded =
            crate::locations::check_ranges(name, &self.function_name(f), size, value_size, ranges)?;
        backend.variable_location_list(v, f, padded.as_deref().unwrap_or(ranges))?;
        self.vars[v.index()].located = true;
        Ok(())
    }

    /// Defines the global `info` (checked by the context).
    pub(crate) fn define_global<B: Backend>(
        &mut self,
        backend: &mut B,
        info: &GlobalInfo<'_>,
    ) -> Result<GlobalIdx> {
        let g = GlobalIdx(self.global_count);
        backend.global(g, info)?;
        self.global_count += 1;
        Ok(g)
    }
}
