//! The type map: frontend handle → unique type ID → type metadata, built
//! exactly once per unique ID.
//!
//! * Fast path: a map keyed by the frontend's handle.
//! * Truth: a map keyed by the interned [`UniqueTypeId`].
//! * Struct, union and tagged-union types are registered as **stubs** before
//!   any member is described; their completion is queued and done before the
//!   outermost `resolve_type` returns. A member naming the type being built
//!   hits the stub.
//! * Pointers, arrays, tuples and function types build their parts first and
//!   then check whether building the parts created the very same type.
//! * Everything runs on explicit stacks and queues: a million-deep chain of
//!   types never recurses natively.

#![forbid(unsafe_code)]

use rustc_hash::FxHashSet;

use crate::backend::{Backend, TypeIdx};
use crate::context::{DebugContext, Diagnostic};
use crate::desc::{BaseEncoding, FrontendTy, NominalKey, TypeDesc, TypeSource};
use crate::error::{err, Error, ErrorKind, Result};
use crate::handles::TypeRef;
use crate::id::{stable_hash64, Sym, UidData, UniqueTypeId};
use crate::type_parts::{
    build_parts, desc_name, fingerprint, identity_extra, identity_parts, is_generic,
};
use crate::validate::validate;

/// One built type.
pub(crate) struct Node {
    pub(crate) uid: UniqueTypeId,
    pub(crate) name: Sym,
    pub(crate) size: u64,
    pub(crate) align: u32,
    pub(crate) complete: bool,
    pub(crate) unsigned: bool,
}

/// A stub waiting for its members.
pub(crate) struct Pending {
    pub(crate) node: TypeIdx,
    pub(crate) desc: TypeDesc,
}

/// Scratch capacity of the resolve walk kept between calls.
const SCRATCH_KEEP: usize = 64;

/// One type on the resolve walk's stack.
pub(crate) struct Frame {
    ty: FrontendTy,
    desc: TypeDesc,
    uid: Option<UniqueTypeId>,
    /// Generic nominal types in this frame's identity run: the chain of
    /// frames, ending here, each waiting for the next one's identity.
    generic_run: u32,
}

impl<B: Backend> DebugContext<B> {
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
        if let Some(&n) = self.by_handle.get(&ty) {
            return Ok(TypeRef::new(self.id, n.index()));
        }
        let n = self.resolve_inner(source, ty)?;
        self.drain_pending(source)?;
        Ok(TypeRef::new(self.id, n.index()))
    }

    /// The unique type ID of a resolved type.
    pub fn unique_type_id(&self, t: TypeRef) -> Result<UniqueTypeId> {
        let i = t.check(self.id, self.nodes.len())?;
        Ok(self.nodes[i].uid)
    }

    /// The stable string of a type's unique ID: the same for the same type in
    /// every compile unit and on every machine (LLVM's ODR identifier).
    pub fn stable_type_id(&self, t: TypeRef) -> Result<String> {
        let uid = self.unique_type_id(t)?;
        Ok(self.uids.stable_string(uid, &self.names))
    }

    /// A 64-bit hash of [`stable_type_id`](Self::stable_type_id) (DWARF type
    /// signatures).
    pub fn type_signature(&self, t: TypeRef) -> Result<u64> {
        Ok(stable_hash64(self.stable_type_id(t)?.as_bytes()))
    }

    /// Size in bytes of a resolved type.
    pub fn type_size(&self, t: TypeRef) -> Result<u64> {
        let i = t.check(self.id, self.nodes.len())?;
        Ok(self.nodes[i].size)
    }

    pub(crate) fn check_type(&self, t: TypeRef) -> Result<TypeIdx> {
        Ok(TypeIdx(t.check(self.id, self.nodes.len())? as u32))
    }

    fn describe(&mut self, source: &mut dyn TypeSource, ty: FrontendTy) -> Result<TypeDesc> {
        let d = source.describe(ty).map_err(|m| {
            Error::new(
                ErrorKind::DescribeFailed,
                format!("describing frontend type #{}: {m}", ty.0),
            )
        })?;
        validate(&d)?;
        Ok(d)
    }

    /// Resolves one handle to a node, building stubs for nominal types (their
    /// completion is queued) and structural types completely.
    fn resolve_inner(&mut self, source: &mut dyn TypeSource, root: FrontendTy) -> Result<TypeIdx> {
        // The walk's stack and on-stack set are kept in the context between
        // calls (most resolutions are one or two frames deep: allocating them
        // each time cost more than the walk); a large one is not kept, so
        // clearing stays cheap.
        let (mut stack, mut on_stack) = std::mem::take(&mut self.resolve_scratch);
        let r = self.resolve_walk(source, root, &mut stack, &mut on_stack);
        stack.clear();
        on_stack.clear();
        if stack.capacity() <= SCRATCH_KEEP && on_stack.capacity() <= SCRATCH_KEEP {
            self.resolve_scratch = (stack, on_stack);
        }
        r
    }

    fn resolve_walk(
        &mut self,
        source: &mut dyn TypeSource,
        root: FrontendTy,
        stack: &mut Vec<Frame>,
        on_stack: &mut FxHashSet<FrontendTy>,
    ) -> Result<TypeIdx> {
        self.push_frame(source, stack, on_stack, root, None)?;
        'outer: while let Some(top) = stack.last() {
            // Phase 1: identity.
            if top.uid.is_none() {
                let parts = identity_parts(&top.desc)
                    .iter()
                    .copied()
                    .chain(identity_extra(&top.desc));
                let mut missing = None;
                for p in parts {
                    if !self.handle_uid.contains_key(&p) {
                        missing = Some(p);
                        break;
                    }
                }
                if let Some(p) = missing {
                    let run = Some(top.generic_run);
                    self.push_frame(source, stack, on_stack, p, run)?;
                    continue 'outer;
                }
                let Some(top) = stack.last_mut() else { break };
                let uid = self.compute_uid(&top.desc)?;
                self.check_conflict(uid, top.ty, &top.desc)?;
                self.handle_uid.insert(top.ty, uid);
                top.uid = Some(uid);
                if let Some(&n) = self.by_uid.get(&uid) {
                    self.by_handle.insert(top.ty, n);
                    on_stack.remove(&top.ty);
                    stack.pop();
                    continue 'outer;
                }
            }
            // Phase 2: build.
            let Some(top) = stack.last() else { break };
            for p in build_parts(&top.desc) {
                if !self.by_handle.contains_key(&p) {
                    self.push_frame(source, stack, on_stack, p, None)?;
                    continue 'outer;
                }
            }
            let Some(frame) = stack.pop() else { break };
            on_stack.remove(&frame.ty);
            let Some(uid) = frame.uid else { break };
            // Building the parts may have created this very type.
            if let Some(&n) = self.by_uid.get(&uid) {
                self.by_handle.insert(frame.ty, n);
                continue;
            }
            let n = self.build(uid, frame.desc)?;
            self.by_handle.insert(frame.ty, n);
        }
        match self.by_handle.get(&root) {
            Some(&n) => Ok(n),
            None => err(
                ErrorKind::CyclicType,
                format!("frontend type #{} could not be resolved", root.0),
            ),
        }
    }

    /// Describes `ty` and pushes it on the resolve stack. `identity_run` is
    /// the pusher's generic run when `ty` is part of its identity, `None`
    /// when the pusher only needs `ty`'s node (a new identity run starts).
    ///
    /// A generic type whose identity run nests generic types more than
    /// `max_generic_depth` deep is not identified further: its generic
    /// arguments become `...` and it is built as a truncated placeholder.
    /// Without this, a frontend whose `S<T>` names `S<S<T>>` as its own
    /// argument (an infinite type) would be described forever.
    fn push_frame(
        &mut self,
        source: &mut dyn TypeSource,
        stack: &mut Vec<Frame>,
        on_stack: &mut FxHashSet<FrontendTy>,
        ty: FrontendTy,
        identity_run: Option<u32>,
    ) -> Result<()> {
        if stack.len() >= self.limits.max_type_nesting as usize {
            return err(
                ErrorKind::LimitExceeded,
                format!(
                    "resolving frontend type #{} needs more than Limits::max_type_nesting ({}) types in progress at once: does the frontend describe an endless chain of types?",
                    stack.first().map_or(ty.0, |f| f.ty.0),
                    self.limits.max_type_nesting
                ),
            );
        }
        if !on_stack.insert(ty) {
            let chain: Vec<String> = stack
                .iter()
                .rev()
                .take(8)
                .map(|f| format!("`{}` (#{})", desc_name(&f.desc), f.ty.0))
                .collect();
            return err(
                ErrorKind::CyclicType,
                format!(
                    "frontend type #{} contains itself without a struct, union or enum in between (through {}): an infinite type; break the cycle with a nominal type",
                    ty.0,
                    chain.join(" <- ")
                ),
            );
        }
        let desc = self.describe(source, ty)?;
        let generic = is_generic(&desc);
        let generic_run = identity_run.unwrap_or(0) + u32::from(generic);
        let mut uid = None;
        if generic && generic_run > self.limits.generic_depth() {
            let data = match &desc {
                TypeDesc::Struct(c) | TypeDesc::Union(c) => (c.key, c.generic_args.len()),
                TypeDesc::Enum(e) => (e.key, e.generic_args.len()),
                TypeDesc::TaggedUnion(t) => (t.key, t.generic_args.len()),
                _ => (
                    NominalKey {
                        crate_hash: 0,
                        def_id: 0,
                    },
                    0,
                ),
            };
            let dots = self.uids.intern(UidData::Truncated);
            let u = self.uids.intern(UidData::Nominal {
                crate_hash: data.0.crate_hash,
                def_id: data.0.def_id,
                args: vec![dots; data.1].into_boxed_slice(),
            });
            // Every instantiation cut off here shares this identity, so their
            // descriptions are not compared.
            self.handle_uid.insert(ty, u);
            uid = Some(u);
        }
        stack.push(Frame {
            ty,
            desc,
            uid,
            generic_run,
        });
        Ok(())
    }

    fn uid_of(&self, ty: FrontendTy) -> Result<UniqueTypeId> {
        match self.handle_uid.get(&ty) {
            Some(u) => Ok(*u),
            None => err(
                ErrorKind::CyclicType,
                format!("frontend type #{} has no identity yet", ty.0),
            ),
        }
    }

    fn compute_uid(&mut self, d: &TypeDesc) -> Result<UniqueTypeId> {
        let uids = |s: &Self, v: &[FrontendTy]| -> Result<Box<[UniqueTypeId]>> {
            v.iter().map(|t| s.uid_of(*t)).collect()
        };
        let data = match d {
            TypeDesc::Base { name, .. } => UidData::Primitive(self.names.intern(name)),
            TypeDesc::Pointer { pointee } => UidData::Pointer(self.uid_of(*pointee)?),
            TypeDesc::Array { elem, len, .. } => UidData::Array(self.uid_of(*elem)?, *len),
            TypeDesc::Function {
                params,
                ret,
                variadic,
            } => UidData::Function {
                params: uids(self, params)?,
                ret: match ret {
                    Some(r) => Some(self.uid_of(*r)?),
                    None => None,
                },
                variadic: *variadic,
            },
            TypeDesc::Tuple { elems, .. } => {
                let v: Vec<FrontendTy> = elems.iter().map(|f| f.ty).collect();
                UidData::Tuple(uids(self, &v)?)
            }
            TypeDesc::Struct(c) | TypeDesc::Union(c) => UidData::Nominal {
                crate_hash: c.key.crate_hash,
                def_id: c.key.def_id,
                args: uids(self, &c.generic_args)?,
            },
            TypeDesc::Enum(e) => UidData::Nominal {
                crate_hash: e.key.crate_hash,
                def_id: e.key.def_id,
                args: uids(self, &e.generic_args)?,
            },
            TypeDesc::TaggedUnion(t) => UidData::Nominal {
                crate_hash: t.key.crate_hash,
                def_id: t.key.def_id,
                args: uids(self, &t.generic_args)?,
            },
            TypeDesc::Typedef(t) => UidData::Nominal {
                crate_hash: t.key.crate_hash,
                def_id: t.key.def_id,
                args: Box::new([]),
            },
        };
        Ok(self.uids.intern(data))
    }

    fn check_conflict(&mut self, uid: UniqueTypeId, ty: FrontendTy, d: &TypeDesc) -> Result<()> {
        let fp = fingerprint(d);
        match self.fingerprints.get(&uid) {
            None => {
                self.fingerprints.insert(uid, (fp, ty));
                Ok(())
            }
            Some(&(old, first)) if old != fp => err(
                ErrorKind::ConflictingDescription,
                format!(
                    "frontend types #{} and #{} have the same unique type ID `{}` but different descriptions (this one is `{}`): one definition must be described the same way every time; give different definitions different NominalKeys",
                    first.0,
                    ty.0,
                    self.uids.stable_string(uid, &self.names),
                    desc_name(d)
                ),
            ),
            Some(_) => Ok(()),
        }
    }

    pub(crate) fn push_node(
        &mut self,
        uid: UniqueTypeId,
        name: &str,
        size: u64,
        align: u32,
    ) -> TypeIdx {
        let n = TypeIdx(self.nodes.len() as u32);
        let name = self.names.intern(name);
        self.nodes.push(Node {
            uid,
            name,
            size,
            align,
            complete: true,
            unsigned: false,
        });
        self.by_uid.insert(uid, n);
        n
    }

    pub(crate) fn node_of(&self, ty: FrontendTy) -> Result<TypeIdx> {
        match self.by_handle.get(&ty) {
            Some(&n) => Ok(n),
            None => err(
                ErrorKind::CyclicType,
                format!("frontend type #{} was not built", ty.0),
            ),
        }
    }

    /// Creates the node for a type whose parts are built (nominal: a stub).
    fn build(&mut self, uid: UniqueTypeId, d: TypeDesc) -> Result<TypeIdx> {
        let ptr = u64::from(self.backend.address_size());
        match d {
            TypeDesc::Base {
                name,
                size,
                encoding,
            } => {
                // The natural alignment: the largest power of two not above the size
                // (a 3-byte base type is not 3-aligned), at most 16.
                let align = 1u32 << (63 - size.clamp(1, 16).leading_zeros());
                let n = self.push_node(uid, &name, size, align);
                self.nodes[n.index()].unsigned = matches!(
                    encoding,
                    BaseEncoding::Unsigned
                        | BaseEncoding::Boolean
                        | BaseEncoding::UnsignedChar
                        | BaseEncoding::Utf
                );
                self.backend.base_type(n, &name, size, encoding)?;
                Ok(n)
            }
            TypeDesc::Pointer { pointee } => {
                let p = self.node_of(pointee)?;
                let name = self.synth_name("*", &[p], "");
                let n = self.push_node(uid, &name, ptr, ptr as u32);
                self.backend.pointer_type(n, p, ptr)?;
                Ok(n)
            }
            TypeDesc::Array {
                elem,
                len,
                elem_size,
                align,
            } => {
                let e = self.node_of(elem)?;
                let size = elem_size.checked_mul(len).ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidLayout,
                        format!(
                            "array of {len} elements of {elem_size} bytes overflows a 64-bit size"
                        ),
                    )
                })?;
                let name = self.synth_name("[", &[e], &format!("; {len}]"));
                let n = self.push_node(uid, &name, size, align);
                self.backend.array_type(n, e, len, size, align)?;
                Ok(n)
            }
            TypeDesc::Function {
                params,
                ret,
                variadic,
            } => {
                let ps = params
                    .iter()
                    .map(|p| self.node_of(*p))
                    .collect::<Result<Vec<TypeIdx>>>()?;
                let r = ret.map(|r| self.node_of(r)).transpose()?;
                let mut name = self.synth_name("fn(", &ps, ")");
                if let Some(r) = r {
                    name = format!("{name} -> {}", self.synth_name("", &[r], ""));
                }
                let n = self.push_node(uid, &name, 0, 0);
                self.backend.subroutine_type(n, &ps, r, variadic)?;
                Ok(n)
            }
            TypeDesc::Typedef(t) => {
                let target = self.node_of(t.target)?;
                let (size, align) = (
                    self.nodes[target.index()].size,
                    self.nodes[target.index()].align,
                );
                let scope = self.type_scope(t.scope)?;
                let decl = self.decl(t.decl)?;
                let n = self.push_node(uid, &t.name, size, align);
                self.backend.typedef(
                    n,
                    &crate::backend::TypedefInfo {
                        name: &t.name,
                        target,
                        scope,
                        decl,
                    },
                )?;
                Ok(n)
            }
            TypeDesc::Enum(e) => self.build_enum(uid, &e),
            TypeDesc::Tuple { elems, size, align } => self.build_tuple(uid, &elems, size, align),
            d @ (TypeDesc::Struct(_) | TypeDesc::Union(_) | TypeDesc::TaggedUnion(_)) => {
                self.build_stub(uid, d)
            }
        }
    }

    /// Completes queued stubs until none is left.
    fn drain_pending(&mut self, source: &mut dyn TypeSource) -> Result<()> {
        while let Some(p) = self.pending.pop_front() {
            let node = p.node;
            if let Err(e) = self.complete(source, p) {
                let name = self.names.get(self.nodes[node.index()].name).to_owned();
                return Err(Error::new(
                    e.kind(),
                    format!("{e} (while completing `{name}`)"),
                ));
            }
        }
        Ok(())
    }

    /// Resolves a member's type while completing a stub.
    pub(crate) fn member_type(
        &mut self,
        source: &mut dyn TypeSource,
        ty: FrontendTy,
    ) -> Result<TypeIdx> {
        if let Some(&n) = self.by_handle.get(&ty) {
            return Ok(n);
        }
        self.resolve_inner(source, ty)
    }

    /// Records that a generic type was cut off (one diagnostic per
    /// definition: every instantiation beyond the limit is cut off too) and
    /// returns the placeholder's name.
    pub(crate) fn truncated(&mut self, name: &str, key: Option<NominalKey>) -> String {
        let first = key.is_none_or(|k| self.truncated_keys.insert((k.crate_hash, k.def_id)));
        if first {
            self.diagnostics.push(Diagnostic {
                message: format!(
                    "type `{name}` nests generic arguments beyond the limit of {}: it is emitted as a member-less placeholder `{name} (truncated)`, as are deeper instantiations of its definition (an expanding, polymorphically recursive type?)",
                    self.limits.generic_depth()
                ),
            });
        }
        format!("{name} (truncated)")
    }
}
