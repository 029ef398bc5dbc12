//! [`DebugContext`]: the per-compile-unit state that owns the backend, the
//! type map, files, scopes and the source-location state.

#![forbid(unsafe_code)]

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use indexmap::IndexSet;
use rustc_hash::{FxBuildHasher, FxHashMap, FxHashSet};

use crate::backend::{
    Backend, CompileUnitInfo, FileIdx, Language, NamespaceIdx, ParentScope, TypeIdx,
};
use crate::desc::{FrontendTy, TypeScope};
use crate::error::{err, Error, ErrorKind, Result};
use crate::handles::{next_context_id, FileId, NamespaceId};
use crate::id::{Interner, Sym, UidTable, UniqueTypeId};
use crate::location::{FnState, LineScratch, LocKey};
use crate::scope::{FunctionEntry, ScopeEntry, VarEntry};
use crate::type_map::{Frame, Node, Pending};

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

/// Tunable limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Generic arguments nested deeper than this (a type whose members name
    /// ever larger instantiations of itself) are cut off: the type is emitted
    /// as a complete, member-less placeholder named `NAME (truncated)` and a
    /// diagnostic is recorded.
    ///
    /// Values above [`Limits::GENERIC_DEPTH_CEILING`] are treated as the
    /// ceiling: an unbounded limit would let an expanding type run until
    /// memory is exhausted.
    pub max_generic_depth: u32,
    /// How deeply namespaces, and lexical blocks inside a function, may nest
    /// (each counted separately). The DWARF writer recurses once per level of
    /// the DIE tree, so unbounded nesting would overflow the stack at
    /// `finish`; deeper nesting is a [`LimitExceeded`](crate::ErrorKind::LimitExceeded)
    /// error. Default 256.
    pub max_scope_depth: u32,
    /// How many types one `resolve_type` may have in progress at once (the
    /// explicit stack of types waiting for their parts: a pointer to a pointer
    /// to ... nests one level per pointer). A frontend whose descriptions
    /// never end (a handle naming a fresh handle forever) is stopped here with
    /// a [`LimitExceeded`](crate::ErrorKind::LimitExceeded) error. Default
    /// 1,000,000.
    pub max_type_nesting: u32,
}

impl Limits {
    /// The largest effective [`max_generic_depth`](Self::max_generic_depth).
    pub const GENERIC_DEPTH_CEILING: u32 = 4096;

    pub(crate) fn generic_depth(&self) -> u32 {
        self.max_generic_depth.min(Self::GENERIC_DEPTH_CEILING)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_generic_depth: 64,
            max_scope_depth: 256,
            max_type_nesting: 1_000_000,
        }
    }
}

/// A non-fatal finding the frontend may want to show its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What happened and what was emitted instead.
    pub message: String,
}

/// The debug-info context of one compile unit, driving one backend `B`.
///
/// All handles it returns are tied to it: passing one to another context is
/// an [`ErrorKind::ForeignHandle`] error. Nothing here panics on misuse.
pub struct DebugContext<B: Backend> {
    pub(crate) id: u32,
    pub(crate) backend: B,
    pub(crate) names: Interner,
    pub(crate) uids: UidTable,
    pub(crate) limits: Limits,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Definitions (crate hash, def id) already reported as truncated.
    pub(crate) truncated_keys: rustc_hash::FxHashSet<(u64, u64)>,
    // Type map.
    pub(crate) nodes: Vec<Node>,
    pub(crate) by_handle: FxHashMap<FrontendTy, TypeIdx>,
    pub(crate) handle_uid: FxHashMap<FrontendTy, UniqueTypeId>,
    pub(crate) by_uid: FxHashMap<UniqueTypeId, TypeIdx>,
    pub(crate) fingerprints: FxHashMap<UniqueTypeId, (u64, FrontendTy)>,
    pub(crate) pending: VecDeque<Pending>,
    // Files and namespaces.
    pub(crate) files: IndexSet<Vec<u8>, FxBuildHasher>,
    pub(crate) namespaces: IndexSet<(Option<u32>, Sym), FxBuildHasher>,
    /// Nesting depth of each namespace (1 for a top-level one).
    pub(crate) namespace_depth: Vec<u32>,
    // Functions, scopes, variables.
    pub(crate) functions: Vec<FunctionEntry>,
    pub(crate) scopes: Vec<ScopeEntry>,
    pub(crate) block_count: u32,
    pub(crate) vars: Vec<VarEntry>,
    /// (function, argument number) of every declared parameter.
    pub(crate) arg_numbers: rustc_hash::FxHashSet<(u32, u32)>,
    pub(crate) global_count: u32,
    // Source locations.
    pub(crate) locs: IndexSet<LocKey, FxBuildHasher>,
    /// Scratch buffer of `define_function_code`: its rows' resolved locations.
    pub(crate) row_keys: Vec<Option<LocKey>>,
    /// Output buffers of `define_function_code`.
    pub(crate) line_scratch: LineScratch,
    /// Scratch stack and on-stack set of `resolve_type`'s walk.
    pub(crate) resolve_scratch: (Vec<Frame>, FxHashSet<FrontendTy>),
    /// Offset of this context's location tokens (see `location::token_base`).
    pub(crate) token_base: u32,
    pub(crate) current_fn: Option<FnState>,
    pub(crate) finalized: bool,
}

pub(crate) fn path_bytes(p: &Path) -> Vec<u8> {
    os_bytes(p.as_os_str())
}

fn os_bytes(s: &std::ffi::OsStr) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        s.as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        s.to_string_lossy().into_owned().into_bytes()
    }
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
            names: Interner::default(),
            uids: UidTable::default(),
            limits,
            diagnostics: Vec::new(),
            truncated_keys: Default::default(),
            nodes: Vec::new(),
            by_handle: FxHashMap::default(),
            handle_uid: FxHashMap::default(),
            by_uid: FxHashMap::default(),
            fingerprints: FxHashMap::default(),
            pending: VecDeque::new(),
            files: IndexSet::default(),
            namespaces: IndexSet::default(),
            namespace_depth: Vec::new(),
            functions: Vec::new(),
            scopes: Vec::new(),
            block_count: 0,
            vars: Vec::new(),
            arg_numbers: Default::default(),
            global_count: 0,
            locs: IndexSet::default(),
            row_keys: Vec::new(),
            line_scratch: LineScratch::default(),
            resolve_scratch: Default::default(),
            token_base: crate::location::token_base(&name, &comp_dir),
            current_fn: None,
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
        &self.diagnostics
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
        let bytes = path_bytes(path);
        if let Some(i) = self.files.get_index_of(&bytes) {
            return Ok(FileId::new(self.id, i));
        }
        let name = path.file_name().map(os_bytes).unwrap_or_default();
        check_bytes("file name", &name)?;
        let dir = path.parent().map(path_bytes).unwrap_or_default();
        if dir.contains(&0) {
            return err(
                ErrorKind::InvalidName,
                "the file's directory contains a NUL byte",
            );
        }
        let i = self.files.len();
        self.backend.file(FileIdx(i as u32), &dir, &name, md5)?;
        self.files.insert(bytes);
        Ok(FileId::new(self.id, i))
    }

    /// The namespace `name` inside `parent` (the compile unit when `None`);
    /// the same pair always gives the same handle.
    pub fn namespace(&mut self, parent: Option<NamespaceId>, name: &str) -> Result<NamespaceId> {
        self.live()?;
        check_name("namespace name", name)?;
        let parent = match parent {
            Some(p) => Some(p.check(self.id, self.namespaces.len())? as u32),
            None => None,
        };
        let sym = self.names.intern(name);
        if let Some(i) = self.namespaces.get_index_of(&(parent, sym)) {
            return Ok(NamespaceId::new(self.id, i));
        }
        let depth = parent.map_or(0, |p| self.namespace_depth[p as usize]) + 1;
        if depth > self.limits.max_scope_depth {
            return err(
                ErrorKind::LimitExceeded,
                format!(
                    "namespace `{name}` would be nested {depth} deep, beyond Limits::max_scope_depth ({}): the DWARF writer recurses once per nesting level",
                    self.limits.max_scope_depth
                ),
            );
        }
        let i = self.namespaces.len();
        let p = parent.map_or(ParentScope::Unit, |p| {
            ParentScope::Namespace(NamespaceIdx(p))
        });
        self.backend.namespace(NamespaceIdx(i as u32), p, name)?;
        self.namespaces.insert((parent, sym));
        self.namespace_depth.push(depth);
        Ok(NamespaceId::new(self.id, i))
    }

    pub(crate) fn check_file(&self, f: FileId) -> Result<FileIdx> {
        Ok(FileIdx(f.check(self.id, self.files.len())? as u32))
    }

    pub(crate) fn type_scope(&self, s: TypeScope) -> Result<ParentScope> {
        Ok(match s {
            TypeScope::Unit => ParentScope::Unit,
            TypeScope::Namespace(ns) => ParentScope::Namespace(NamespaceIdx(
                ns.check(self.id, self.namespaces.len())? as u32,
            )),
        })
    }

    pub(crate) fn parent_of(&self, ns: Option<NamespaceId>) -> Result<ParentScope> {
        self.type_scope(ns.map_or(TypeScope::Unit, TypeScope::Namespace))
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
        if let Some(st) = &self.current_fn {
            let name = self.function_name(st.function);
            return err(
                ErrorKind::FunctionAlreadyOpen,
                format!("function `{name}` is still open at finish: call exit_function() first"),
            );
        }
        let incomplete: Vec<String> = self
            .nodes
            .iter()
            .filter(|n| !n.complete)
            .take(5)
            .map(|n| format!("`{}`", self.names.get(n.name)))
            .collect();
        if !incomplete.is_empty() {
            let total = self.nodes.iter().filter(|n| !n.complete).count();
            return Err(Error::new(
                ErrorKind::IncompleteStub,
                format!(
                    "{total} type stub(s) were never completed ({}{}): an earlier error interrupted their description; fix that error (resolve_type returned it) before finishing, a debugger cannot show an incomplete type",
                    incomplete.join(", "),
                    if total > 5 { ", ..." } else { "" }
                ),
            ));
        }
        self.finalized = true;
        self.backend.finish()
    }
}

/// Names must be non-empty and free of NUL bytes (DWARF strings are
/// NUL-terminated).
pub(crate) fn check_name(what: &str, name: &str) -> Result<()> {
    if name.is_empty() {
        return err(ErrorKind::InvalidName, format!("the {what} is empty"));
    }
    if name.contains('\0') {
        return err(
            ErrorKind::InvalidName,
            format!("the {what} `{}` contains a NUL byte", name.escape_debug()),
        );
    }
    Ok(())
}

fn check_bytes(what: &str, name: &[u8]) -> Result<()> {
    if name.is_empty() {
        return err(ErrorKind::InvalidName, format!("the {what} is empty"));
    }
    if name.contains(&0) {
        return err(
            ErrorKind::InvalidName,
            format!("the {what} contains a NUL byte"),
        );
    }
    Ok(())
}
