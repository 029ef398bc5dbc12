//! Struct, class and union types: the stub (registered before any member is
//! described) and its queued completion with members, bases, methods,
//! static members, template parameters and containing type. Tagged unions
//! are completed in `tagged.rs`.

#![forbid(unsafe_code)]

use super::parts::nominal;
use super::{Pending, TypeEnv, TypeMap};
use crate::backend::{
    Backend, BaseInfo, CompositeBody, CompositeInfo, CompositeKind, DeclSite, DiscrValue,
    MemberInfo, ParentScope, StaticMemberInfo, TemplateParamInfo, TypeIdx, VariantPartInfo,
};
use crate::desc::{
    Access, BitField, CompositeDesc, FieldDesc, TemplateParam, TypeDesc, TypeSource,
};
use crate::error::{err, ErrorKind, Result};
use crate::id::UniqueTypeId;

/// A member whose name is owned (synthesised names) or borrowed.
pub(super) struct Member {
    pub(super) name: String,
    pub(super) ty: TypeIdx,
    pub(super) offset: u64,
    pub(super) artificial: bool,
    pub(super) bits: Option<BitField>,
    pub(super) access: Access,
    pub(super) zero_sized: bool,
    pub(super) member_align: u32,
}

impl Member {
    /// A plain member.
    pub(super) fn plain(name: impl Into<String>, ty: TypeIdx, offset: u64) -> Self {
        Member {
            name: name.into(),
            ty,
            offset,
            artificial: false,
            bits: None,
            access: Access::Unspecified,
            zero_sized: false,
            member_align: 0,
        }
    }
}

impl TypeMap {
    /// The unique ID's stable string, when the backend wants identifiers.
    pub(super) fn identifier<B: Backend>(
        &self,
        env: &TypeEnv<'_, B>,
        uid: UniqueTypeId,
    ) -> Option<String> {
        env.backend
            .wants_type_identifiers()
            .then(|| self.uids.stable_string(uid, &self.names))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn stub<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        uid: UniqueTypeId,
        kind: CompositeKind,
        name: &str,
        scope: ParentScope,
        size: u64,
        align: u32,
        decl: Option<DeclSite>,
        (declaration, linkage_name): (bool, Option<&str>),
    ) -> Result<TypeIdx> {
        let n = self.push_node(uid, name, size, align);
        self.nodes[n.index()].complete = false;
        self.nodes[n.index()].scope_ok = true;
        self.nodes[n.index()].parent = super::build::scope_type(scope);
        let id = self.identifier(env, uid);
        env.backend.composite_stub(
            n,
            &CompositeInfo {
                kind,
                name,
                scope,
                size,
                align,
                decl,
                identifier: id.as_deref(),
                declaration,
                linkage_name,
            },
        )?;
        Ok(n)
    }

    /// Hands a completed composite to the backend. `body`'s members and
    /// variant part are replaced by `members` and `vp`.
    pub(super) fn finish_composite<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        n: TypeIdx,
        members: &[Member],
        vp: Option<&VariantPartInfo<'_>>,
        body: CompositeBody<'_>,
    ) -> Result<()> {
        let variants = vp.map_or(&[][..], |vp| vp.variants);
        self.contain(
            n,
            members
                .iter()
                .filter(|m| m.bits.is_none() && !m.zero_sized)
                .map(|m| (m.ty, m.offset))
                .chain(variants.iter().map(|v| (v.member.ty, v.member.offset)))
                .chain(body.bases.iter().map(|b| (b.ty, b.offset))),
        );
        self.check_not_self_containing(n)?;
        let infos: Vec<MemberInfo<'_>> = members.iter().map(|m| self.member_info(m)).collect();
        let body = CompositeBody {
            members: &infos,
            variant_part: vp,
            ..body
        };
        env.backend.composite_complete(n, &body)?;
        self.nodes[n.index()].complete = true;
        Ok(())
    }

    pub(super) fn member_info<'a>(&self, m: &'a Member) -> MemberInfo<'a> {
        let node = &self.nodes[m.ty.index()];
        MemberInfo {
            name: &m.name,
            ty: m.ty,
            offset: m.offset,
            size: node.size,
            align: node.align,
            artificial: m.artificial,
            bits: m.bits,
            access: m.access,
            member_align: m.member_align,
        }
    }

    /// Creates the stub of a struct, union or tagged union and queues its
    /// completion (or completes it at once as a placeholder/declaration).
    pub(super) fn build_stub<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        uid: UniqueTypeId,
        d: TypeDesc,
    ) -> Result<TypeIdx> {
        let linkage = match &d {
            TypeDesc::Struct(c) | TypeDesc::Union(c) => c.linkage_name.as_deref(),
            _ => None,
        };
        let (kind, name, scope, size, align, decl, opaque) = match &d {
            TypeDesc::Struct(c) => (
                if c.class {
                    CompositeKind::Class
                } else {
                    CompositeKind::Struct
                },
                &c.name,
                c.scope,
                c.size,
                c.align,
                c.decl,
                c.opaque,
            ),
            TypeDesc::Union(c) => (
                CompositeKind::Union,
                &c.name,
                c.scope,
                c.size,
                c.align,
                c.decl,
                c.opaque,
            ),
            TypeDesc::TaggedUnion(t) => (
                CompositeKind::Struct,
                &t.name,
                t.scope,
                t.size,
                t.align,
                t.decl,
                false,
            ),
            _ => {
                return err(
                    ErrorKind::InvalidLayout,
                    "internal: build_stub on a non-composite",
                )
            }
        };
        let scope = self.parent_scope(env, scope)?;
        let decl = env.decl(decl)?;
        let too_deep = self.uids.generic_depth(uid) > self.limits.generic_depth();
        let name = if too_deep {
            self.truncated(name, nominal(&d).map(|(key, _)| key))
        } else {
            name.clone()
        };
        let n = self.stub(
            env,
            uid,
            kind,
            &name,
            scope,
            size,
            align,
            decl,
            (opaque, linkage),
        )?;
        if opaque || too_deep {
            self.finish_composite(env, n, &[], None, CompositeBody::default())?;
        } else {
            self.pending.push_back(Pending { node: n, desc: d });
        }
        Ok(n)
    }

    pub(super) fn members<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        fields: &[FieldDesc],
        base: u64,
    ) -> Result<Vec<Member>> {
        let mut out = Vec::with_capacity(fields.len());
        for f in fields {
            let ty = self.member_type(env, source, f.ty)?;
            let bits = f.bits.map(|b| BitField {
                bit_offset: b.bit_offset.saturating_sub(base.saturating_mul(8)),
                bit_size: b.bit_size,
            });
            out.push(Member {
                name: f.name.clone(),
                ty,
                offset: f.offset.saturating_sub(base),
                artificial: f.artificial,
                bits,
                access: f.access,
                zero_sized: f.zero_sized,
                member_align: f.align,
            });
        }
        Ok(out)
    }

    /// Every member must lie inside its owner: it may start at the very
    /// end only (a zero-sized member, or rustc's zero-sized members
    /// described with a non-zero type); a bitfield's bits must lie inside
    /// the owner and fit its type.
    pub(super) fn check_member_layout(
        &self,
        owner: &str,
        size: u64,
        members: &[Member],
    ) -> Result<()> {
        for m in members {
            self.not_void(m.ty, &format!("field `{}` of `{owner}`", m.name))?;
            let msize = self.nodes[m.ty.index()].size;
            if let Some(b) = m.bits {
                let end = b.bit_offset.checked_add(u64::from(b.bit_size));
                if b.bit_size == 0
                    || u64::from(b.bit_size) > msize.saturating_mul(8)
                    || end.is_none_or(|e| e > size.saturating_mul(8))
                {
                    return err(
                        ErrorKind::InvalidLayout,
                        format!(
                            "bitfield `{}` of `{owner}` ({} bits at bit offset {}) must be 1 to {} bits (its type's width) and lie inside the type's {size} bytes",
                            m.name, b.bit_size, b.bit_offset, msize.saturating_mul(8)
                        ),
                    );
                }
                continue;
            }
            let msize = if m.zero_sized { 0 } else { msize };
            match m.offset.checked_add(msize) {
                Some(end) if end <= size || m.offset == size => {}
                _ => {
                    return err(
                        ErrorKind::InvalidLayout,
                        format!("field `{}` of `{owner}` at offset {} with size {msize} ends past the type's size {size} (only a member at the very end, offset {size}, or one marked FieldDesc::zero_sized may extend past it)", m.name, m.offset),
                    )
                }
            }
        }
        Ok(())
    }

    /// Completes a queued stub: describes its members (which may create more
    /// stubs) and hands them to the backend.
    pub(super) fn complete<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        p: Pending,
    ) -> Result<()> {
        let uid = self.nodes[p.node.index()].uid;
        match &p.desc {
            TypeDesc::Struct(c) | TypeDesc::Union(c) => {
                self.complete_struct(env, source, p.node, c)?;
            }
            TypeDesc::TaggedUnion(t) => self.complete_tagged(env, source, p.node, uid, t)?,
            _ => {
                return err(
                    ErrorKind::InvalidLayout,
                    "internal: only composites are queued",
                )
            }
        }
        self.record_deep(uid, &p.desc)
    }

    fn complete_struct<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        n: TypeIdx,
        c: &CompositeDesc,
    ) -> Result<()> {
        let nested = self.nested_types(env, source, n, c)?;
        let members = self.members(env, source, &c.fields, 0)?;
        self.check_member_layout(&c.name, c.size, &members)?;
        let mut bases = Vec::with_capacity(c.bases.len());
        for b in &c.bases {
            let ty = self.member_type(env, source, b.ty)?;
            self.not_void(ty, &format!("a base of `{}`", c.name))?;
            let bsize = self.nodes[ty.index()].size;
            if b.virtual_offset_offset.is_none()
                && b.offset.checked_add(bsize).is_none_or(|e| e > c.size)
            {
                return err(
                    ErrorKind::InvalidLayout,
                    format!(
                        "base `{}` of `{}` at offset {} with size {bsize} ends past the type's size {}",
                        self.names.get(self.nodes[ty.index()].name),
                        c.name,
                        b.offset,
                        c.size
                    ),
                );
            }
            bases.push(BaseInfo {
                ty,
                offset: b.offset,
                access: b.access,
                virtual_offset_offset: b.virtual_offset_offset,
            });
        }
        let methods = self.methods(env, source, n, &c.methods)?;
        let mut statics = Vec::with_capacity(c.statics.len());
        for s in &c.statics {
            let ty = self.member_type(env, source, s.ty)?;
            self.not_void(ty, &format!("static member `{}`", s.name))?;
            let value = s
                .const_value
                .map(|v| self.reduce_value(ty, v, &s.name))
                .transpose()?;
            statics.push((ty, value));
        }
        let params = self.template_params(env, source, &c.template_params)?;
        let containing = c
            .containing_type
            .map(|t| self.member_type(env, source, t))
            .transpose()?;
        let method_tparams = Self::method_template_infos(&c.methods, &methods);
        let method_infos = Self::method_infos(&c.methods, &methods, &method_tparams);
        let static_infos: Vec<StaticMemberInfo<'_>> = c
            .statics
            .iter()
            .zip(&statics)
            .map(|(d, (ty, value))| StaticMemberInfo {
                name: &d.name,
                ty: *ty,
                access: d.access,
                const_value: *value,
                position: d.position,
            })
            .collect();
        let mut static_infos = static_infos;
        static_infos.sort_by_key(|s| s.position);
        let param_infos = Self::template_infos(&c.template_params, &params);
        self.finish_composite(
            env,
            n,
            &members,
            None,
            CompositeBody {
                bases: &bases,
                methods: &method_infos,
                statics: &static_infos,
                template_params: &param_infos,
                containing_type: containing,
                nested: &nested,
                ..CompositeBody::default()
            },
        )
    }

    /// Resolves the types declared in `c` in their declaration order (the
    /// backend writes them in that order); each must be nested in `c`.
    fn nested_types<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        n: TypeIdx,
        c: &CompositeDesc,
    ) -> Result<Vec<TypeIdx>> {
        let mut out = Vec::with_capacity(c.nested.len());
        for &t in &c.nested {
            let x = self.member_type(env, source, t)?;
            out.push(x);
            if self.nodes[x.index()].parent != Some(n) {
                return err(
                    ErrorKind::InvalidLayout,
                    format!(
                        "`{}` lists frontend type #{} (`{}`) in CompositeDesc::nested, but that type is not nested in it: list only types whose scope is TypeScope::Type of this type",
                        c.name,
                        t.0,
                        self.names.get(self.nodes[x.index()].name)
                    ),
                );
            }
        }
        Ok(out)
    }

    /// Resolves template parameters' types and reduces their values: one
    /// entry per type or value parameter, a pack's arguments in its place
    /// (a pack itself has none).
    pub(super) fn template_params<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        ps: &[TemplateParam],
    ) -> Result<Vec<(TypeIdx, Option<DiscrValue>)>> {
        let mut out = Vec::with_capacity(ps.len());
        for p in ps {
            self.template_param(env, source, p, &mut out)?;
        }
        Ok(out)
    }

    fn template_param<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        p: &TemplateParam,
        out: &mut Vec<(TypeIdx, Option<DiscrValue>)>,
    ) -> Result<()> {
        match p {
            TemplateParam::Type { ty, .. } => out.push((self.member_type(env, source, *ty)?, None)),
            TemplateParam::Value { ty, value, name } => {
                let t = self.member_type(env, source, *ty)?;
                out.push((t, Some(self.reduce_value(t, *value, name)?)));
            }
            TemplateParam::Pack { args, .. } => {
                for a in args {
                    self.template_param(env, source, a, out)?;
                }
            }
            TemplateParam::Defaulted(inner) => self.template_param(env, source, inner, out)?,
        }
        Ok(())
    }

    /// The backend's view of resolved template parameters (`resolved` from
    /// [`Self::template_params`] of the same `ps`).
    pub(super) fn template_infos<'a>(
        ps: &'a [TemplateParam],
        resolved: &[(TypeIdx, Option<DiscrValue>)],
    ) -> Vec<TemplateParamInfo<'a>> {
        let mut next = resolved.iter();
        ps.iter()
            .filter_map(|p| Self::template_info(p, false, &mut next))
            .collect()
    }

    fn template_info<'a>(
        p: &'a TemplateParam,
        default: bool,
        next: &mut std::slice::Iter<'_, (TypeIdx, Option<DiscrValue>)>,
    ) -> Option<TemplateParamInfo<'a>> {
        Some(match p {
            TemplateParam::Defaulted(inner) => return Self::template_info(inner, true, next),
            TemplateParam::Pack { name, args } => TemplateParamInfo::Pack {
                name,
                args: args
                    .iter()
                    .filter_map(|a| Self::template_info(a, false, next))
                    .collect(),
            },
            TemplateParam::Value { name, .. } => match next.next()? {
                (ty, Some(value)) => TemplateParamInfo::Value {
                    name,
                    ty: *ty,
                    value: *value,
                    default,
                },
                (ty, None) => TemplateParamInfo::Type {
                    name,
                    ty: *ty,
                    default,
                },
            },
            TemplateParam::Type { name, .. } => TemplateParamInfo::Type {
                name,
                ty: next.next()?.0,
                default,
            },
        })
    }

    /// `v` as a value of integer type `ty`: its bit pattern must fit the
    /// type's width (as a signed or an unsigned number); it is then read
    /// with the type's signedness.
    pub(super) fn reduce_value(&self, ty: TypeIdx, v: i128, what: &str) -> Result<DiscrValue> {
        let node = &self.nodes[ty.index()];
        if !node.integer {
            return err(
                ErrorKind::InvalidLayout,
                format!(
                    "`{what}` has the value {v} of type `{}`, which is not an integer type (an integer, bool or char base type, or a C-like enum)",
                    self.names.get(node.name)
                ),
            );
        }
        reduce(v, node.size, node.unsigned).ok_or_else(|| {
            crate::error::Error::new(
                ErrorKind::InvalidLayout,
                format!(
                    "`{what}` has the value {v}, which does not fit the {}-byte type `{}`",
                    node.size,
                    self.names.get(node.name)
                ),
            )
        })
    }

    /// The parent scope of a type: the unit, a namespace, or an enclosing
    /// composite or enum (built first: it is one of the type's build parts).
    pub(super) fn parent_scope<B>(
        &self,
        env: &TypeEnv<'_, B>,
        s: crate::desc::TypeScope,
    ) -> Result<ParentScope> {
        match s {
            crate::desc::TypeScope::Type(t) => {
                let n = self.node_of(t)?;
                if !self.nodes[n.index()].scope_ok {
                    return err(
                        ErrorKind::InvalidLayout,
                        format!(
                            "a type is nested in `{}` (frontend type #{}), which is not a struct, class, union, enum or tagged union",
                            self.names.get(self.nodes[n.index()].name),
                            t.0
                        ),
                    );
                }
                Ok(ParentScope::Type(n))
            }
            s => env.scope(s),
        }
    }
}

/// `v`'s bit pattern reduced to `size` bytes and read with `unsigned`;
/// `None` when it does not fit (neither sign- nor zero-extends back).
pub(crate) fn reduce(v: i128, size: u64, unsigned: bool) -> Option<DiscrValue> {
    let bits = size.clamp(1, 16) * 8;
    let u = v as u128;
    let (fits_unsigned, fits_signed) = if bits >= 128 {
        (true, true)
    } else {
        (u >> bits == 0, {
            let shift = 128 - bits;
            ((v << shift) >> shift) == v
        })
    };
    if size == 0 || size > 16 || !(fits_unsigned || fits_signed) {
        return None;
    }
    let mask = if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    };
    let pattern = u & mask;
    Some(if unsigned {
        DiscrValue::Unsigned(pattern)
    } else {
        let shift = 128 - bits;
        DiscrValue::Signed(((pattern << shift) as i128) >> shift)
    })
}
