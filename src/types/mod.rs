//! The type map: frontend handle → unique type ID → type node, built
//! exactly once per unique ID, emitted to the backend as it is built.
//!
//! * Fast path: a map keyed by the frontend's handle.
//! * Truth: a map keyed by the interned [`UniqueTypeId`].
//! * The walk (`walk.rs`) identifies a type from its parts and builds it:
//!   structural types and enums completely (`build.rs`), struct, union and
//!   tagged-union types as **stubs** whose completion is queued
//!   (`composite.rs`). A member naming a type being built hits the stub.
//! * Before [`TypeMap::resolve`] returns, the queue is drained.
//! * Everything runs on explicit stacks and queues: a million-deep chain of
//!   types never recurses natively.

#![forbid(unsafe_code)]

mod build;
mod composite;
mod containment;
mod methods;
mod names;
mod parts;
mod tagged;
mod validate;
mod walk;

use std::collections::VecDeque;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::backend::{Backend, DeclSite, FileIdx, NamespaceIdx, ParentScope, TypeIdx};
use crate::desc::{DeclLoc, FrontendTy, TypeDesc, TypeScope, TypeSource};
use crate::error::{err, Error, ErrorKind, Result};
use crate::handles::TypeRef;
use crate::id::{Interner, Sym, UidTable, UniqueTypeId};
use crate::limits::{Diagnostic, Limits};

/// One built type.
pub(crate) struct Node {
    pub(crate) uid: UniqueTypeId,
    pub(crate) name: Sym,
    pub(crate) size: u64,
    pub(crate) align: u32,
    pub(crate) complete: bool,
    pub(crate) unsigned: bool,
    /// An integer type (integer, bool or char base type, C-like enum): may
    /// be a tag or a constant's type.
    pub(crate) integer: bool,
    /// May enclose nested types (a composite or an enum).
    pub(crate) scope_ok: bool,
    /// Number of declared methods (a composite or tagged union).
    pub(crate) methods: u32,
    /// `TypeDesc::Void` itself: has no DIE (`DW_AT_type` is left out).
    pub(crate) is_void: bool,
    /// Has no values: `void`, or a qualified `void` or typedef of it.
    pub(crate) valueless: bool,
    /// The type it is nested in (`TypeScope::Type`).
    pub(crate) parent: Option<TypeIdx>,
}

/// A stub waiting for its members.
struct Pending {
    node: TypeIdx,
    desc: TypeDesc,
}

/// A second description of a unique ID whose shape matched the first's:
/// the types it refers to are compared once resolved.
struct Deferred {
    uid: UniqueTypeId,
    first: FrontendTy,
    second: FrontendTy,
    refs: Vec<FrontendTy>,
}

/// What the type map needs of its context while building: the backend it
/// emits to, and how to check the file and namespace handles a description
/// names (the context's id and table sizes).
pub(crate) struct TypeEnv<'a, B> {
    /// The backend that gets every node.
    pub(crate) backend: &'a mut B,
    /// The context's id (handles of other contexts are refused).
    pub(crate) ctx: u32,
    /// Number of registered files.
    pub(crate) files: usize,
    /// Number of registered namespaces.
    pub(crate) namespaces: usize,
}

impl<B> TypeEnv<'_, B> {
    /// The parent scope of a type.
    fn scope(&self, s: TypeScope) -> Result<ParentScope> {
        Ok(match s {
            TypeScope::Unit => ParentScope::Unit,
            TypeScope::Namespace(ns) => {
                ParentScope::Namespace(NamespaceIdx(ns.check(self.ctx, self.namespaces)? as u32))
            }
            // Resolved by the type map (`TypeMap::parent_scope`).
            TypeScope::Type(t) => {
                return err(
                    ErrorKind::InvalidLayout,
                    format!(
                        "internal: nested scope (frontend type #{}) outside the type map",
                        t.0
                    ),
                )
            }
        })
    }

    /// The declaration site of a type.
    fn decl(&self, d: Option<DeclLoc>) -> Result<Option<DeclSite>> {
        d.map(|d| {
            Ok(DeclSite {
                file: FileIdx(d.file.check(self.ctx, self.files)? as u32),
                line: d.line,
            })
        })
        .transpose()
    }
}

/// The type map of one compile unit.
pub(crate) struct TypeMap {
    names: Interner,
    uids: UidTable,
    limits: Limits,
    diagnostics: Vec<Diagnostic>,
    /// Definitions (crate hash, def id) already reported as truncated.
    truncated_keys: FxHashSet<(u64, u64)>,
    nodes: Vec<Node>,
    by_handle: FxHashMap<FrontendTy, TypeIdx>,
    handle_uid: FxHashMap<FrontendTy, UniqueTypeId>,
    by_uid: FxHashMap<UniqueTypeId, TypeIdx>,
    fingerprints: FxHashMap<UniqueTypeId, (u64, FrontendTy)>,
    pending: VecDeque<Pending>,
    /// Second descriptions waiting for their referred types' comparison.
    deferred: Vec<Deferred>,
    /// Per nominal unique ID: a hash of the unique IDs its description
    /// refers to (members, target, tag...), recorded when it is built.
    deep: FxHashMap<UniqueTypeId, u64>,
    /// Scratch stack and on-stack set of the walk, kept between calls.
    scratch: (Vec<walk::Frame>, FxHashSet<FrontendTy>),
    /// By-value containment, to refuse infinitely large types.
    containment: containment::Containment,
    /// The variadic methods (class, index): their definitions are
    /// variadic too.
    variadic_methods: FxHashSet<(TypeIdx, u32)>,
}

impl TypeMap {
    /// An empty type map.
    pub(crate) fn new(limits: Limits) -> Self {
        TypeMap {
            names: Interner::default(),
            uids: UidTable::default(),
            limits,
            diagnostics: Vec::new(),
            truncated_keys: FxHashSet::default(),
            nodes: Vec::new(),
            by_handle: FxHashMap::default(),
            handle_uid: FxHashMap::default(),
            by_uid: FxHashMap::default(),
            fingerprints: FxHashMap::default(),
            pending: VecDeque::new(),
            deferred: Vec::new(),
            deep: FxHashMap::default(),
            scratch: Default::default(),
            containment: Default::default(),
            variadic_methods: FxHashSet::default(),
        }
    }

    /// Resolves a frontend type to its node, describing it (and everything
    /// it reaches) through `source` on first use. When this returns `Ok`,
    /// every type it created is complete.
    pub(crate) fn resolve<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        ty: FrontendTy,
    ) -> Result<TypeIdx> {
        if let Some(&n) = self.by_handle.get(&ty) {
            return Ok(n);
        }
        let n = self.resolve_inner(env, source, ty)?;
        self.drain_pending(env, source)?;
        while let Some(d) = self.deferred.pop() {
            self.check_deferred(env, source, d)?;
            self.drain_pending(env, source)?;
        }
        self.containment.settled = self.nodes.len();
        Ok(n)
    }

    /// A hash of the unique IDs behind the handles `visit` hands over (all
    /// built), without collecting them.
    fn refs_hash(&self, visit: impl FnOnce(&mut dyn FnMut(FrontendTy))) -> Result<u64> {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        let mut unbuilt = None;
        visit(&mut |t| match self.by_handle.get(&t) {
            Some(n) => self.nodes[n.index()].uid.hash(&mut h),
            None => {
                unbuilt.get_or_insert(t);
            }
        });
        if let Some(t) = unbuilt {
            self.node_of(t)?;
        }
        Ok(h.finish())
    }

    /// Records what a built nominal type's description refers to (once per
    /// nominal type: no allocation).
    fn record_deep(&mut self, uid: UniqueTypeId, d: &TypeDesc) -> Result<()> {
        let h = self.refs_hash(|f| parts::visit_refs(d, f))?;
        self.deep.insert(uid, h);
        Ok(())
    }

    /// Resolves a second description's referred types and compares them
    /// with the first's.
    fn check_deferred<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        d: Deferred,
    ) -> Result<()> {
        for &r in &d.refs {
            self.member_type(env, source, r)?;
        }
        let Some(&first) = self.deep.get(&d.uid) else {
            return Ok(());
        };
        if self.refs_hash(|f| d.refs.iter().for_each(|t| f(*t)))? != first {
            return err(
                ErrorKind::ConflictingDescription,
                format!(
                    "frontend types #{} and #{} have the same unique type ID `{}` and the same members, but the types they refer to differ (a member's type, a typedef's target, an enum's underlying type, a tag, a base or a template argument): one definition must be described the same way every time; give different definitions different NominalKeys",
                    d.first.0,
                    d.second.0,
                    self.uids.stable_string(d.uid, &self.names)
                ),
            );
        }
        Ok(())
    }

    /// Checks that `t` is a type of context `ctx`; returns its index.
    pub(crate) fn check(&self, t: TypeRef, ctx: u32) -> Result<TypeIdx> {
        Ok(TypeIdx(t.check(ctx, self.nodes.len())? as u32))
    }

    /// Checks that `t` is a type of context `ctx` that has values (not
    /// `void`): the type of a variable, parameter or member.
    pub(crate) fn check_value(&self, t: TypeRef, ctx: u32, what: &str) -> Result<TypeIdx> {
        let n = self.check(t, ctx)?;
        self.not_void(n, what)?;
        Ok(n)
    }

    /// A function's return type as the backend gets it: `void` itself is
    /// no return type.
    pub(crate) fn check_return(&self, t: TypeRef, ctx: u32) -> Result<Option<TypeIdx>> {
        let n = self.check(t, ctx)?;
        Ok((!self.node(n)?.is_void).then_some(n))
    }

    /// Refuses `void` (or a qualified `void`, a typedef of it) where a type
    /// with values is needed; `what` says where.
    pub(crate) fn not_void(&self, n: TypeIdx, what: &str) -> Result<()> {
        match self.nodes.get(n.index()) {
            Some(x) if x.valueless => err(
                ErrorKind::InvalidLayout,
                format!(
                    "{what} has type `{}`, which has no values (void): only a pointer, a qualifier, a typedef, a return type or a template type parameter may name void",
                    self.names.get(x.name)
                ),
            ),
            _ => Ok(()),
        }
    }

    /// A built node (indices come from [`check`](Self::check) or the walk).
    pub(crate) fn node(&self, t: TypeIdx) -> Result<&Node> {
        self.nodes.get(t.index()).ok_or_else(|| {
            Error::new(
                ErrorKind::ForeignHandle,
                format!("type {t} does not exist in this context"),
            )
        })
    }

    /// The class and method index a member function's definition points
    /// at, checked: the class is a complete composite or tagged union with
    /// that many methods.
    pub(crate) fn method(&self, class: TypeRef, index: u32, ctx: u32) -> Result<(TypeIdx, u32)> {
        let c = self.check(class, ctx)?;
        let node = self.node(c)?;
        if !node.complete {
            return err(
                ErrorKind::InvalidCode,
                format!(
                    "method_of names `{}`, whose description was not completed (an earlier error interrupted it)",
                    self.names.get(node.name)
                ),
            );
        }
        if index >= node.methods {
            return err(
                ErrorKind::InvalidCode,
                format!(
                    "method_of names method {index} of `{}`, which declares {} method(s): describe the method in the type's CompositeDesc::methods or TaggedUnionDesc::methods",
                    self.names.get(node.name),
                    node.methods
                ),
            );
        }
        Ok((c, index))
    }

    /// Whether method `index` of composite `class` is declared variadic.
    pub(crate) fn method_is_variadic(&self, class: TypeIdx, index: u32) -> bool {
        self.variadic_methods.contains(&(class, index))
    }

    /// The stable string of a unique ID (LLVM's ODR identifier).
    pub(crate) fn stable_string(&self, uid: UniqueTypeId) -> String {
        self.uids.stable_string(uid, &self.names)
    }

    /// Non-fatal findings so far.
    pub(crate) fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Refuses to finish while a stub is incomplete (only possible after an
    /// error interrupted a completion), naming up to five of them.
    pub(crate) fn check_complete(&self) -> Result<()> {
        let incomplete: Vec<String> = self
            .nodes
            .iter()
            .filter(|n| !n.complete)
            .take(5)
            .map(|n| format!("`{}`", self.names.get(n.name)))
            .collect();
        if incomplete.is_empty() {
            return Ok(());
        }
        let total = self.nodes.iter().filter(|n| !n.complete).count();
        Err(Error::new(
            ErrorKind::IncompleteStub,
            format!(
                "{total} type stub(s) were never completed ({}{}): an earlier error interrupted their description; fix that error (resolve_type returned it) before finishing, a debugger cannot show an incomplete type",
                incomplete.join(", "),
                if total > 5 { ", ..." } else { "" }
            ),
        ))
    }

    /// Completes queued stubs until none is left.
    fn drain_pending<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
    ) -> Result<()> {
        while let Some(p) = self.pending.pop_front() {
            let node = p.node;
            if let Err(e) = self.complete(env, source, p) {
                let name = self.names.get(self.nodes[node.index()].name).to_owned();
                return Err(Error::new(
                    e.kind(),
                    format!("{e} (while completing `{name}`)"),
                ));
            }
        }
        Ok(())
    }

    /// A new node for `uid`, registered as complete.
    fn push_node(&mut self, uid: UniqueTypeId, name: &str, size: u64, align: u32) -> TypeIdx {
        let n = TypeIdx(self.nodes.len() as u32);
        let name = self.names.intern(name);
        self.nodes.push(Node {
            uid,
            name,
            size,
            align,
            complete: true,
            unsigned: false,
            integer: false,
            scope_ok: false,
            methods: 0,
            is_void: false,
            valueless: false,
            parent: None,
        });
        self.by_uid.insert(uid, n);
        n
    }

    /// The node of a handle whose node was built.
    fn node_of(&self, ty: FrontendTy) -> Result<TypeIdx> {
        match self.by_handle.get(&ty) {
            Some(&n) => Ok(n),
            None => err(
                ErrorKind::CyclicType,
                format!("frontend type #{} was not built", ty.0),
            ),
        }
    }
}
