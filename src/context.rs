//! [`DebugContext`]: the public API of one compile unit. It checks every
//! handle the frontend passes (context and range) and hands typed indices to
//! the parts that own the state — [`Files`], [`TypeMap`], [`Scopes`],
//! [`Lines`] — which announce what they create to the backend.

#![forbid(unsafe_code)]

mod namespaces;
mod optimized;
mod variables;

use std::path::{Path, PathBuf};

use crate::backend::{
    Backend, CompileUnitInfo, DeclSite, FileIdx, FunctionIdx, FunctionInfo, GlobalIdx, Language,
    NamespaceIdx, ParentScope, TypeIdx, VarIdx,
};
use crate::check::{check_bytes, check_line_col, check_name};
use crate::desc::{FrontendTy, TypeSource};
use crate::error::{err, ErrorKind, Result};
use crate::files::{path_bytes, Files};
use crate::handles::{
    next_context_id, FileId, FunctionId, GlobalId, LocToken, NamespaceId, ScopeId, TypeRef, VarId,
};
use crate::id::{stable_hash64, UniqueTypeId};
use crate::limits::{Diagnostic, Limits};
use crate::lines::{CodeRow, Lines};
use crate::scopes::{CodeState, FunctionDesc, Scopes};
use crate::types::{TypeEnv, TypeMap};

/// Describes the compile unit.
#[derive(Debug, Clone)]
pub struct CompileUnit {
    /// `DW_AT_producer`: the compiler's name and version.
    pub producer: String,
    /// Source language.
    pub language: Language,
    /// The primary source file.
    pub name: PathBuf,
    /// The compilation directory.
    pub comp_dir: PathBuf,
}

/// The debug-info context of one compile unit, driving one backend `B`.
///
/// All handles it returns are tied to it: passing one to another context is
/// an [`ErrorKind::ForeignHandle`] error. Nothing here panics on misuse.
///
/// A whole unit: a recursive struct, a function with a parameter and its
/// 16 bytes of code, written into an ELF object.
///
/// ```
/// use dwarfsmith::*;
/// use std::path::Path;
///
/// let backend = GimliBackend::new(GimliOptions::default())?;
/// let mut cx = DebugContext::new(backend, &CompileUnit::new("list.c", "/src"))?;
/// let file = cx.file(Path::new("list.c"))?;
///
/// // Handles: 0 = long, 1 = struct Node { long value; Node *next; }, 2 = Node *.
/// let mut types = |h: FrontendTy| Ok(match h.0 {
///     0 => TypeDesc::base("long", 8, BaseEncoding::Signed),
///     1 => TypeDesc::Struct(
///         CompositeDesc::new(NominalKey::new(1, 1), "Node", 16, 8)
///             .field("value", FrontendTy(0), 0)
///             .field("next", FrontendTy(2), 8),
///     ),
///     _ => TypeDesc::pointer(FrontendTy(1)),
/// });
/// let node_ptr = cx.resolve_type(&mut types, FrontendTy(2))?; // the stub breaks the cycle
/// let long = cx.resolve_type(&mut types, FrontendTy(0))?;
///
/// let params = [node_ptr];
/// let f = cx.define_function(&FunctionDesc::new("len", "len", file, 3).returns(long).params(&params))?;
/// let body = cx.function_scope(f)?;
/// cx.enter_function(f)?;
/// let list = cx.declare_parameter(f, "list", 1, node_ptr, 3, 16)?;
/// cx.start_emitting_source_locations()?; // the prologue ends here
/// let line4 = cx.set_source_location(body, 4, 5)?;
/// cx.exit_function()?;
/// cx.define_function_code(f, 16, &[
///     CodeRow { offset: 0, loc: None },   // the prologue
///     CodeRow { offset: 4, loc: line4 },
/// ])?;
/// cx.set_variable_location(list, VarLocation::FrameOffset(-24))?;
///
/// let dwarf = cx.finish()?;
/// let mut obj = DwarfObject::new_elf_object();
/// let text = obj.section_id(object::write::StandardSection::Text);
/// let off = obj.append_section_data(text, &[0xc3; 16], 16);
/// obj.add_symbol(object::write::Symbol {
///     name: b"len".to_vec(), value: off, size: 16,
///     kind: object::SymbolKind::Text, scope: object::SymbolScope::Linkage, weak: false,
///     section: object::write::SymbolSection::Section(text), flags: object::SymbolFlags::None,
/// });
/// dwarf.write_into(&mut obj)?;
/// assert!(obj.write().is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct DebugContext<B: Backend> {
    id: u32,
    backend: B,
    files: Files,
    types: TypeMap,
    scopes: Scopes,
    lines: Lines,
    finalized: bool,
}

impl<B: Backend> DebugContext<B> {
    /// Starts a compile unit on `backend`.
    pub fn new(backend: B, cu: &CompileUnit) -> Result<Self> {
        Self::with_limits(backend, cu, Limits::default())
    }

    /// Like [`new`](Self::new), with explicit limits.
    pub fn with_limits(mut backend: B, cu: &CompileUnit, limits: Limits) -> Result<Self> {
        let name = path_bytes(&cu.name);
        let comp_dir = path_bytes(&cu.comp_dir);
        check_bytes("compile unit name", &name)?;
        if comp_dir.contains(&0) {
            return err(
                ErrorKind::InvalidName,
                "the compilation directory contains a NUL byte",
            );
        }
        if cu.producer.contains('\0') {
            return err(
                ErrorKind::InvalidName,
                "the producer string contains a NUL byte",
            );
        }
        backend.begin(&CompileUnitInfo {
            producer: &cu.producer,
            language: cu.language,
            name: &name,
            comp_dir: &comp_dir,
        })?;
        Ok(DebugContext {
            id: next_context_id(),
            backend,
            files: Files::default(),
            types: TypeMap::new(limits),
            scopes: Scopes::new(limits.max_scope_depth),
            lines: Lines::new(&name, &comp_dir),
            finalized: false,
        })
    }

    /// The backend, for backend-specific operations (e.g. call-frame
    /// information for the gimli backend, instruction builders for LLVM).
    pub fn backend_mut(&mut self) -> &mut B {
        &mut self.backend
    }

    /// The backend.
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// Non-fatal findings so far (e.g. truncated expanding generic types).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        self.types.diagnostics()
    }

    pub(crate) fn live(&self) -> Result<()> {
        if self.finalized {
            return err(
                ErrorKind::Finalized,
                "this DebugContext was already finalized; start a new one for another compile unit",
            );
        }
        Ok(())
    }

    /// Registers (or finds) a source file. The path is split into directory
    /// and file name; non-UTF-8 paths are kept byte for byte.
    pub fn file(&mut self, path: &Path) -> Result<FileId> {
        self.file_with_md5(path, None)
    }

    /// Like [`file`](Self::file), recording an MD5 checksum of the contents
    /// (DWARF 5). The checksum of the first registration wins.
    pub fn file_with_md5(&mut self, path: &Path, md5: Option<[u8; 16]>) -> Result<FileId> {
        self.live()?;
        let f = self.files.add(&mut self.backend, path, md5)?;
        Ok(FileId::new(self.id, f.index()))
    }

    /// The namespace `name` inside `parent` (the compile unit when `None`);
    /// the same pair always gives the same handle.
    pub fn namespace(&mut self, parent: Option<NamespaceId>, name: &str) -> Result<NamespaceId> {
        self.namespace_with(parent, name, false)
    }

    /// Resolves a frontend type to its debug-info metadata, describing it
    /// (and everything it reaches) through `source` on first use. When this
    /// returns `Ok`, every type it created is complete.
    ///
    /// Re-entering `resolve_type` from inside [`TypeSource::describe`] is
    /// impossible: the context is mutably borrowed for the whole call, so a
    /// source holding the context does not compile.
    ///
    /// ```compile_fail,E0499
    /// use dwarfsmith::{DebugContext, FrontendTy, GimliBackend, TypeDesc, TypeSource};
    /// struct Reentrant<'a>(&'a mut DebugContext<GimliBackend>);
    /// impl TypeSource for Reentrant<'_> {
    ///     fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String> {
    ///         unimplemented!()
    ///     }
    /// }
    /// fn misuse(cx: &mut DebugContext<GimliBackend>) {
    ///     let mut source = Reentrant(cx);
    ///     cx.resolve_type(&mut source, FrontendTy(0)); // cx is already borrowed
    /// }
    /// ```
    pub fn resolve_type(&mut self, source: &mut dyn TypeSource, ty: FrontendTy) -> Result<TypeRef> {
        self.live()?;
        let mut env = TypeEnv {
            backend: &mut self.backend,
            ctx: self.id,
            files: self.files.len(),
            namespaces: self.scopes.namespace_count(),
        };
        let n = self.types.resolve(&mut env, source, ty)?;
        Ok(TypeRef::new(self.id, n.index()))
    }

    /// The unique type ID of a resolved type.
    pub fn unique_type_id(&self, t: TypeRef) -> Result<UniqueTypeId> {
        let t = self.types.check(t, self.id)?;
        Ok(self.types.node(t)?.uid)
    }

    /// The stable string of a type's unique ID: the same for the same type in
    /// every compile unit and on every machine (LLVM's ODR identifier).
    pub fn stable_type_id(&self, t: TypeRef) -> Result<String> {
        let uid = self.unique_type_id(t)?;
        Ok(self.types.stable_string(uid))
    }

    /// A 64-bit hash of [`stable_type_id`](Self::stable_type_id) (DWARF type
    /// signatures).
    pub fn type_signature(&self, t: TypeRef) -> Result<u64> {
        Ok(stable_hash64(self.stable_type_id(t)?.as_bytes()))
    }

    /// Alignment in bytes of a resolved type (what backends get with members).
    #[cfg(test)]
    pub(crate) fn type_align(&self, t: TypeRef) -> Result<u32> {
        let t = self.types.check(t, self.id)?;
        Ok(self.types.node(t)?.align)
    }

    /// Size in bytes of a resolved type.
    pub fn type_size(&self, t: TypeRef) -> Result<u64> {
        let t = self.types.check(t, self.id)?;
        Ok(self.types.node(t)?.size)
    }

    /// Describes a function; its outermost scope is
    /// [`function_scope`](Self::function_scope).
    pub fn define_function(&mut self, f: &FunctionDesc<'_>) -> Result<FunctionId> {
        self.live()?;
        check_name("function name", f.name)?;
        check_name("function linkage name", f.linkage_name)?;
        check_line_col("define_function", f.line, 0)?;
        let file = self.check_file(f.file)?;
        let scope = self.parent_of(f.namespace)?;
        let ret = match f.ret {
            Some(t) => self.types.check_return(t, self.id)?,
            None => None,
        };
        let params = f
            .params
            .iter()
            .map(|t| self.types.check_value(*t, self.id, "a function parameter"))
            .collect::<Result<Vec<TypeIdx>>>()?;
        let specification = f
            .method_of
            .map(|(class, index)| self.types.method(class, index, self.id))
            .transpose()?;
        let info = FunctionInfo {
            name: f.name,
            linkage_name: f.linkage_name,
            scope,
            decl: DeclSite { file, line: f.line },
            ret,
            params: &params,
            external: f.external,
            specification,
            variadic: specification.is_some_and(|(c, i)| self.types.method_is_variadic(c, i)),
        };
        let idx = self.scopes.define_function(&mut self.backend, &info)?;
        Ok(FunctionId::new(self.id, idx.index()))
    }

    /// The outermost scope of a function (its parameters' scope).
    pub fn function_scope(&self, f: FunctionId) -> Result<ScopeId> {
        let f = self.function_index(f)?;
        Ok(ScopeId::new(
            self.id,
            self.scopes.function(f).scope as usize,
        ))
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
        let p = parent.check(self.id, self.scopes.scope_count())? as u32;
        let file = self.check_file(file)?;
        let open = self.lines.open_function();
        let s = self
            .scopes
            .lexical_block(&mut self.backend, p, file, (line, col), open)?;
        Ok(ScopeId::new(self.id, s as usize))
    }

    /// Opens `function`: locations are suppressed until
    /// [`start_emitting_source_locations`](Self::start_emitting_source_locations).
    pub fn enter_function(&mut self, function: FunctionId) -> Result<()> {
        self.live()?;
        let f = self.function_index(function)?;
        self.lines
            .enter_function(&mut self.backend, &self.scopes, f)
    }

    /// Closes the open function.
    pub fn exit_function(&mut self) -> Result<()> {
        self.lines.exit_function(&mut self.backend, &self.scopes)
    }

    /// Ends the prologue: from now on, set locations apply.
    pub fn start_emitting_source_locations(&mut self) -> Result<()> {
        self.lines.start_emitting(&mut self.backend, &self.scopes)
    }

    /// Sets the location for code emitted from now on, in `scope` (a scope of
    /// the open function) at `line:col` of the scope's file. Returns the
    /// token to attach to instructions, or `None` while still in the prologue.
    pub fn set_source_location(
        &mut self,
        scope: ScopeId,
        line: u32,
        col: u32,
    ) -> Result<Option<LocToken>> {
        let s = scope.check(self.id, self.scopes.scope_count())? as u32;
        let file = self.scopes.scope(s).file;
        self.lines
            .set_location(&mut self.backend, &self.scopes, s, file, (line, col))
    }

    /// Like [`set_source_location`](Self::set_source_location) for code that
    /// comes from another file than its scope's (macros, includes).
    pub fn set_source_location_in(
        &mut self,
        scope: ScopeId,
        file: FileId,
        line: u32,
        col: u32,
    ) -> Result<Option<LocToken>> {
        let s = scope.check(self.id, self.scopes.scope_count())? as u32;
        let file = self.check_file(file)?;
        self.lines
            .set_location(&mut self.backend, &self.scopes, s, file, (line, col))
    }

    /// Code emitted from now on has no source location.
    pub fn clear_source_location(&mut self) -> Result<()> {
        self.lines.clear_location(&mut self.backend, &self.scopes)
    }

    /// The token that applies to code emitted now: `None` outside a function,
    /// in the prologue, or after `clear_source_location`.
    pub fn current_location(&self) -> Option<LocToken> {
        self.lines.current_location()
    }

    /// Reports a function's machine code after codegen (backends without
    /// codegen, e.g. gimli): its size and the location of each code range.
    /// The core turns this into line rows (a prologue row at the function's
    /// line, `prologue_end` on the first located row, line 0 for cleared
    /// locations, `is_stmt` on the first row of each line) and into the
    /// address ranges of every lexical block.
    pub fn define_function_code(
        &mut self,
        function: FunctionId,
        size: u64,
        rows: &[CodeRow],
    ) -> Result<()> {
        self.live()?;
        let f = self.function_index(function)?;
        self.check_code_unknown(f)?;
        self.lines
            .function_code(&mut self.backend, &self.scopes, f, size, rows)?;
        self.scopes.set_code_state(f, CodeState::Defined);
        self.scopes.set_code_size(f, size);
        Ok(())
    }

    /// Says that `function` has no machine code in this unit (it was
    /// discarded, or every call was inlined): it is emitted without
    /// addresses. Backends without codegen (gimli) otherwise refuse to
    /// [`finish`](Self::finish) while a defined function has no code, since
    /// a debugger could not break in it or show its frames.
    ///
    /// ```
    /// # use dwarfsmith::*;
    /// # use std::path::Path;
    /// let mut cx = DebugContext::new(GimliBackend::new(GimliOptions::default())?,
    ///                                &CompileUnit::new("a.c", "/src"))?;
    /// let file = cx.file(Path::new("a.c"))?;
    /// let f = cx.define_function(&FunctionDesc::new("unused", "unused", file, 3))?;
    /// assert!(cx.define_function_without_code(f).is_ok());
    /// cx.finish()?;
    /// # Ok::<(), dwarfsmith::Error>(())
    /// ```
    pub fn define_function_without_code(&mut self, function: FunctionId) -> Result<()> {
        let f = self.function_index(function)?;
        self.check_code_unknown(f)?;
        self.scopes.set_code_state(f, CodeState::None);
        Ok(())
    }

    fn check_code_unknown(&self, f: FunctionIdx) -> Result<()> {
        let what = match self.scopes.code_state(f) {
            CodeState::Unknown => return Ok(()),
            CodeState::Defined => "was already defined",
            CodeState::None => "was declared absent (define_function_without_code)",
        };
        err(
            ErrorKind::InvalidCode,
            format!("the code of `{}` {what}", self.scopes.function_name(f)),
        )
    }

    /// Checks that `f` is a function of this context (not finished); returns
    /// its dense index. For backend-specific operations on the function
    /// (e.g. the LLVM backend's `attach_llvm_function`).
    pub fn function_index(&self, f: FunctionId) -> Result<FunctionIdx> {
        self.live()?;
        Ok(FunctionIdx(
            f.check(self.id, self.scopes.function_count())? as u32
        ))
    }

    /// Checks that `v` is a variable of this context (not finished); returns
    /// its dense index (e.g. for the LLVM backend's `declare_llvm_variable`).
    pub fn var_index(&self, v: VarId) -> Result<VarIdx> {
        self.live()?;
        Ok(VarIdx(v.check(self.id, self.scopes.var_count())? as u32))
    }

    /// Checks that `g` is a global of this context (not finished); returns its
    /// dense index (e.g. for the LLVM backend's `attach_llvm_global`).
    pub fn global_index(&self, g: GlobalId) -> Result<GlobalIdx> {
        self.live()?;
        Ok(GlobalIdx(
            g.check(self.id, self.scopes.global_count())? as u32
        ))
    }

    fn check_file(&self, f: FileId) -> Result<FileIdx> {
        Ok(FileIdx(f.check(self.id, self.files.len())? as u32))
    }

    fn parent_of(&self, ns: Option<NamespaceId>) -> Result<ParentScope> {
        Ok(match ns {
            None => ParentScope::Unit,
            Some(ns) => ParentScope::Namespace(NamespaceIdx(
                ns.check(self.id, self.scopes.namespace_count())? as u32,
            )),
        })
    }

    /// Ends the compile unit: checks that every stub was completed and every
    /// function closed, then lets the backend produce its output.
    ///
    /// `finish` takes the context by value: using it afterwards does not
    /// compile (there is no run-time "use after finish").
    ///
    /// ```compile_fail,E0382
    /// use dwarfsmith::{DebugContext, GimliBackend};
    /// fn misuse(cx: DebugContext<GimliBackend>) {
    ///     let _out = cx.finish();
    ///     let _ = cx.diagnostics(); // cx was moved by finish
    /// }
    /// ```
    pub fn finish(mut self) -> Result<B::Output> {
        self.live()?;
        if let Some(f) = self.lines.open_function() {
            let name = self.scopes.function_name(f);
            return err(
                ErrorKind::FunctionAlreadyOpen,
                format!("function `{name}` is still open at finish: call exit_function() first"),
            );
        }
        self.types.check_complete()?;
        if self.backend.needs_function_code() {
            if let Some((f, n)) = self.scopes.functions_without_code() {
                let name = self.scopes.function_name(f);
                let others = if n > 1 {
                    format!(" (and {} other function(s))", n - 1)
                } else {
                    String::new()
                };
                return err(
                    ErrorKind::InvalidCode,
                    format!(
                        "function `{name}`{others} was defined but never given code: call define_function_code() with its code after codegen, or define_function_without_code() if it has none in this unit"
                    ),
                );
            }
        }
        self.finalized = true;
        self.backend.finish()
    }
}
