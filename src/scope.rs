//! Functions, lexical blocks, variables and globals.

#![forbid(unsafe_code)]

use crate::backend::{
    Backend, BlockIdx, BlockParent, DeclSite, FileIdx, FunctionIdx, FunctionInfo, GlobalIdx,
    GlobalInfo, VarIdx, VariableInfo,
};
use crate::context::{check_name, DebugContext};
use crate::error::{err, ErrorKind, Result};
use crate::handles::{FileId, FunctionId, GlobalId, NamespaceId, ScopeId, TypeRef, VarId};
use crate::id::Sym;

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

pub(crate) struct FunctionEntry {
    pub(crate) name: Sym,
    pub(crate) scope: u32,
    pub(crate) file: FileIdx,
    pub(crate) line: u32,
    pub(crate) code_defined: bool,
}

pub(crate) struct ScopeEntry {
    pub(crate) function: FunctionIdx,
    pub(crate) parent: Option<u32>,
    /// Backend block index; `None` for a function's outermost scope.
    pub(crate) block: Option<BlockIdx>,
    pub(crate) file: FileIdx,
    /// Block nesting inside the function (0 for the function's own scope).
    pub(crate) depth: u32,
}

pub(crate) struct VarEntry {
    pub(crate) function: FunctionIdx,
    pub(crate) located: bool,
}

/// Lines are 1-based; columns 0 (unknown) to 65535 (LLVM's limit).
pub(crate) fn check_line_col(what: &str, line: u32, col: u32) -> Result<()> {
    if line == 0 {
        return err(
            ErrorKind::InvalidLocation,
            format!("{what}: line 0 means 'no source line'; lines are 1-based (use clear_source_location() for compiler-generated code)"),
        );
    }
    if col > u32::from(u16::MAX) {
        return err(
            ErrorKind::InvalidLocation,
            format!("{what}: column {col} is beyond the supported maximum 65535"),
        );
    }
    Ok(())
}

impl<B: Backend> DebugContext<B> {
    /// Describes a function; its outermost scope is
    /// [`function_scope`](Self::function_scope).
    pub fn define_function(&mut self, f: &FunctionDesc<'_>) -> Result<FunctionId> {
        self.live()?;
        check_name("function name", f.name)?;
        check_name("function linkage name", f.linkage_name)?;
        check_line_col("define_function", f.line, 0)?;
        let file = self.check_file(f.file)?;
        let scope = self.parent_of(f.namespace)?;
        let ret = f.ret.map(|t| self.check_type(t)).transpose()?;
        let params = f
            .params
            .iter()
            .map(|t| self.check_type(*t))
            .collect::<Result<Vec<_>>>()?;
        let idx = FunctionIdx(self.functions.len() as u32);
        self.backend.function(
            idx,
            &FunctionInfo {
                name: f.name,
                linkage_name: f.linkage_name,
                scope,
                decl: DeclSite { file, line: f.line },
                ret,
                params: &params,
                external: f.external,
            },
        )?;
        let scope_idx = self.scopes.len() as u32;
        self.scopes.push(crate::scope::ScopeEntry {
            function: idx,
            parent: None,
            block: None,
            file,
            depth: 0,
        });
        let name = self.names.intern(f.name);
        self.functions.push(FunctionEntry {
            name,
            scope: scope_idx,
            file,
            line: f.line,
            code_defined: false,
        });
        Ok(FunctionId::new(self.id, idx.index()))
    }

    /// The outermost scope of a function (its parameters' scope).
    pub fn function_scope(&self, f: FunctionId) -> Result<ScopeId> {
        let i = f.check(self.id, self.functions.len())?;
        Ok(ScopeId::new(self.id, self.functions[i].scope as usize))
    }

    pub(crate) fn function_name(&self, f: FunctionIdx) -> String {
        self.functions
            .get(f.index())
            .map_or_else(String::new, |e| self.names.get(e.name).to_owned())
    }

    pub(crate) fn block_parent(&self, s: u32) -> BlockParent {
        let e = &self.scopes[s as usize];
        match e.block {
            Some(b) => BlockParent::Block(b),
            None => BlockParent::Function(e.function),
        }
    }

    /// While a function is open, a scope or variable of another function is
    /// refused.
    pub(crate) fn check_in_open_function(
        &self,
        function: FunctionIdx,
        what: &dyn std::fmt::Display,
    ) -> Result<()> {
        if let Some(st) = &self.current_fn {
            if st.function != function {
                return err(
                    ErrorKind::WrongFunction,
                    format!(
                        "{what} belongs to function `{}` but function `{}` is open: scopes and variables can only be used inside their own function",
                        self.function_name(function),
                        self.function_name(st.function)
                    ),
                );
            }
        }
        Ok(())
    }

    /// A lexical block nested in `parent`, starting at `line:col` of `file`.
    pub fn lexical_block(
        &mut self,
        parent: ScopeId,
        file: FileId,
        line: u32,
        col: u32,
    ) -> Result<ScopeId> {
        self.live()?;
        let p = parent.check(self.id, self.scopes.len())? as u32;
        let file = self.check_file(file)?;
        check_line_col("lexical_block", line, col)?;
        let function = self.scopes[p as usize].function;
        self.check_in_open_function(function, &"the parent scope")?;
        let depth = self.scopes[p as usize].depth + 1;
        if depth > self.limits.max_scope_depth {
            return err(
                ErrorKind::LimitExceeded,
                format!(
                    "a lexical block of `{}` would be nested {depth} deep, beyond Limits::max_scope_depth ({}): the DWARF writer recurses once per nesting level",
                    self.function_name(function),
                    self.limits.max_scope_depth
                ),
            );
        }
        let b = BlockIdx(self.block_count);
        self.backend
            .lexical_block(b, self.block_parent(p), file, line, col)?;
        self.block_count += 1;
        let s = self.scopes.len();
        self.scopes.push(ScopeEntry {
            function,
            parent: Some(p),
            block: Some(b),
            file,
            depth,
        });
        Ok(ScopeId::new(self.id, s))
    }

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
        let f = FunctionIdx(function.check(self.id, self.functions.len())? as u32);
        if arg_no == 0 {
            return err(
                ErrorKind::InvalidLocation,
                format!("parameter `{name}`: argument numbers are 1-based"),
            );
        }
        if self.arg_numbers.contains(&(f.0, arg_no)) {
            return err(
                ErrorKind::InvalidLocation,
                format!(
                    "parameter `{name}`: `{}` already has a parameter number {arg_no}; each argument number is declared once (LLVM rejects duplicates)",
                    self.function_name(f)
                ),
            );
        }
        let scope = self.functions[f.index()].scope;
        let v = self.declare(scope, name, Some(arg_no), ty, line, col)?;
        self.arg_numbers.insert((f.0, arg_no));
        Ok(v)
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
        let s = scope.check(self.id, self.scopes.len())? as u32;
        self.declare(s, name, None, ty, line, col)
    }

    fn declare(
        &mut self,
        scope: u32,
        name: &str,
        arg_no: Option<u32>,
        ty: TypeRef,
        line: u32,
        col: u32,
    ) -> Result<VarId> {
        self.live()?;
        check_name("variable name", name)?;
        check_line_col("variable declaration", line, col)?;
        let ty = self.check_type(ty)?;
        let entry = &self.scopes[scope as usize];
        let (function, file) = (entry.function, entry.file);
        // The message is formatted only on error (this is a hot path).
        self.check_in_open_function(function, &format_args!("variable `{name}`'s scope"))?;
        let v = VarIdx(self.vars.len() as u32);
        self.backend.variable(
            v,
            &VariableInfo {
                name,
                ty,
                scope: self.block_parent(scope),
                function,
                arg_no,
                decl: DeclSite { file, line },
                col,
            },
        )?;
        self.vars.push(VarEntry {
            function,
            located: false,
        });
        Ok(VarId::new(self.id, v.index()))
    }

    /// A global variable whose storage is the symbol `linkage_name`.
    pub fn define_global(&mut self, g: &GlobalDesc<'_>) -> Result<GlobalId> {
        self.live()?;
        check_name("global name", g.name)?;
        check_name("global linkage name", g.linkage_name)?;
        check_line_col("define_global", g.line, 0)?;
        let ty = self.check_type(g.ty)?;
        let file = self.check_file(g.file)?;
        let scope = self.parent_of(g.namespace)?;
        let i = self.global_count;
        self.backend.global(
            GlobalIdx(i),
            &GlobalInfo {
                name: g.name,
                linkage_name: g.linkage_name,
                scope,
                ty,
                decl: DeclSite { file, line: g.line },
                external: g.external,
            },
        )?;
        self.global_count += 1;
        Ok(GlobalId::new(self.id, i as usize))
    }
}
