//! The resolve walk: describe a handle, identify it from its parts' unique
//! IDs (pushing unidentified parts first), then build it from its parts'
//! nodes (pushing unbuilt parts first), on an explicit stack.

#![forbid(unsafe_code)]

use rustc_hash::FxHashSet;

use super::parts::{
    build_parts, desc_name, fingerprint, identity_extra, identity_parts, is_generic, nominal,
    visit_refs,
};
use super::validate::validate;
use super::{TypeEnv, TypeMap};
use crate::backend::{Backend, TypeIdx};
use crate::desc::{FrontendTy, PointerKind, TypeDesc, TypeSource};
use crate::error::{err, Error, ErrorKind, Result};
use crate::id::{UidData, UniqueTypeId};

/// Scratch capacity of the walk kept between calls.
const SCRATCH_KEEP: usize = 64;

/// One type on the walk's stack.
pub(super) struct Frame {
    ty: FrontendTy,
    desc: TypeDesc,
    uid: Option<UniqueTypeId>,
    /// Generic nominal types in this frame's identity run: the chain of
    /// frames, ending here, each waiting for the next one's identity.
    generic_run: u32,
}

impl TypeMap {
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
    pub(super) fn resolve_inner<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        root: FrontendTy,
    ) -> Result<TypeIdx> {
        // The walk's stack and on-stack set are kept in the type map between
        // calls (most resolutions are one or two frames deep: allocating them
        // each time cost more than the walk); a large one is not kept, so
        // clearing stays cheap.
        let (mut stack, mut on_stack) = std::mem::take(&mut self.scratch);
        let r = self.resolve_walk(env, source, root, &mut stack, &mut on_stack);
        stack.clear();
        on_stack.clear();
        if stack.capacity() <= SCRATCH_KEEP && on_stack.capacity() <= SCRATCH_KEEP {
            self.scratch = (stack, on_stack);
        }
        r
    }

    fn resolve_walk<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
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
            let n = self.build(env, uid, frame.desc)?;
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
        let cut = generic && generic_run > self.limits.generic_depth();
        if let Some((key, args)) = nominal(&desc).filter(|_| cut) {
            let dots = self.uids.intern(UidData::Truncated);
            let u = self.uids.intern(UidData::Nominal {
                crate_hash: key.crate_hash,
                def_id: key.def_id,
                args: vec![dots; args.len()].into_boxed_slice(),
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
            // `void` and unspecified types are identified by name, as base
            // types are (a base type of the same name conflicts).
            TypeDesc::Base { name, .. } | TypeDesc::Unspecified { name } => {
                UidData::Primitive(self.names.intern(name))
            }
            TypeDesc::Void => UidData::Primitive(self.names.intern("void")),
            TypeDesc::Pointer { pointee } => UidData::Pointer(self.uid_of(*pointee)?),
            TypeDesc::PointerTo(p) => {
                let pointee = self.uid_of(p.pointee)?;
                match (p.kind, &p.name) {
                    (PointerKind::Pointer, None) => UidData::Pointer(pointee),
                    (kind, name) => UidData::PointerKind(
                        pointee,
                        kind as u8,
                        name.as_deref().map(|n| self.names.intern(n)),
                    ),
                }
            }
            TypeDesc::PointerToMember { pointee, class, .. } => {
                UidData::MemberPointer(self.uid_of(*pointee)?, self.uid_of(*class)?)
            }
            TypeDesc::Qualified { qualifier, target } => {
                UidData::Qualified(self.uid_of(*target)?, *qualifier as u8)
            }
            TypeDesc::Array { elem, len, .. } => UidData::Array(self.uid_of(*elem)?, *len),
            TypeDesc::ArrayOf(a) => match a.dims[..] {
                [Some(len)] => UidData::Array(self.uid_of(a.elem)?, len),
                _ => UidData::ArrayDims(self.uid_of(a.elem)?, a.dims.clone().into_boxed_slice()),
            },
            TypeDesc::Structural(st) => {
                let v: Vec<FrontendTy> = st.fields.iter().map(|f| f.ty).collect();
                let elems = uids(self, &v)?;
                let fields = st
                    .fields
                    .iter()
                    .map(|f| self.names.intern(&f.name))
                    .collect();
                UidData::Structural(self.names.intern(&st.name), elems, fields)
            }
            TypeDesc::Function {
                params,
                ret,
                variadic,
                artificial_params,
            } => UidData::Function {
                params: uids(self, params)?,
                ret: match ret {
                    Some(r) => Some(self.uid_of(*r)?),
                    None => None,
                },
                variadic: *variadic,
                artificial: artificial_params.clone().into_boxed_slice(),
            },
            TypeDesc::Tuple { elems, .. } => {
                let v: Vec<FrontendTy> = elems.iter().map(|f| f.ty).collect();
                UidData::Tuple(uids(self, &v)?)
            }
            TypeDesc::Struct(_)
            | TypeDesc::Union(_)
            | TypeDesc::Enum(_)
            | TypeDesc::TaggedUnion(_)
            | TypeDesc::Typedef(_) => match nominal(d) {
                Some((key, args)) => UidData::Nominal {
                    crate_hash: key.crate_hash,
                    def_id: key.def_id,
                    args: uids(self, args)?,
                },
                None => {
                    return err(
                        ErrorKind::InvalidLayout,
                        "internal: a nominal type without a key",
                    )
                }
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
            Some(&(_, first)) => {
                // Same shape: the types it refers to must resolve to the
                // same unique IDs; checked once they are resolved.
                if first != ty && nominal(d).is_some() {
                    let mut refs = Vec::new();
                    visit_refs(d, &mut |t| refs.push(t));
                    if !refs.is_empty() {
                        self.deferred.push(super::Deferred {
                            uid,
                            first,
                            second: ty,
                            refs,
                        });
                    }
                }
                Ok(())
            }
        }
    }

    /// Resolves a member's type while completing a stub.
    pub(super) fn member_type<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        ty: FrontendTy,
    ) -> Result<TypeIdx> {
        if let Some(&n) = self.by_handle.get(&ty) {
            return Ok(n);
        }
        self.resolve_inner(env, source, ty)
    }
}
