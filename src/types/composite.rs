//! Struct, union and tagged-union types: the stub (registered before any
//! member is described), its queued completion, and the parts a tagged union
//! synthesises (variant structs, the C++-like tag enum and payload union).

#![forbid(unsafe_code)]

use super::parts::nominal;
use super::{Pending, TypeEnv, TypeMap};
use crate::backend::{
    Backend, CompositeInfo, CompositeKind, DeclSite, EnumInfo, MemberInfo, ParentScope, TypeIdx,
    VariantInfo, VariantPartInfo,
};
use crate::desc::{FieldDesc, TaggedUnionDesc, TaggedUnionEncoding, TypeDesc, TypeSource};
use crate::error::{err, ErrorKind, Result};
use crate::id::{UidData, UniqueTypeId};

/// A member whose name is owned (synthesised names) or borrowed.
pub(super) struct Member {
    pub(super) name: String,
    pub(super) ty: TypeIdx,
    pub(super) offset: u64,
    pub(super) artificial: bool,
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
        declaration: bool,
    ) -> Result<TypeIdx> {
        let n = self.push_node(uid, name, size, align);
        self.nodes[n.index()].complete = false;
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
            },
        )?;
        Ok(n)
    }

    pub(super) fn finish_composite<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        n: TypeIdx,
        members: &[Member],
        vp: Option<&VariantPartInfo<'_>>,
    ) -> Result<()> {
        let variants = vp.map_or(&[][..], |vp| vp.variants);
        self.contain(
            n,
            members
                .iter()
                .map(|m| (m.ty, m.offset))
                .chain(variants.iter().map(|v| (v.member.ty, v.member.offset))),
        );
        self.check_not_self_containing(n)?;
        let infos: Vec<MemberInfo<'_>> = members.iter().map(|m| self.member_info(m)).collect();
        env.backend.composite_complete(n, &infos, vp)?;
        self.nodes[n.index()].complete = true;
        Ok(())
    }

    fn member_info<'a>(&self, m: &'a Member) -> MemberInfo<'a> {
        let node = &self.nodes[m.ty.index()];
        MemberInfo {
            name: &m.name,
            ty: m.ty,
            offset: m.offset,
            size: node.size,
            align: node.align,
            artificial: m.artificial,
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
        let (kind, name, scope, size, align, decl, opaque) = match &d {
            TypeDesc::Struct(c) => (
                CompositeKind::Struct,
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
        let scope = env.scope(scope)?;
        let decl = env.decl(decl)?;
        let too_deep = self.uids.generic_depth(uid) > self.limits.generic_depth();
        let name = if too_deep {
            self.truncated(name, nominal(&d).map(|(key, _)| key))
        } else {
            name.clone()
        };
        let n = self.stub(env, uid, kind, &name, scope, size, align, decl, opaque)?;
        if opaque || too_deep {
            self.finish_composite(env, n, &[], None)?;
        } else {
            self.pending.push_back(Pending { node: n, desc: d });
        }
        Ok(n)
    }

    fn members<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        fields: &[FieldDesc],
        base: u64,
    ) -> Result<Vec<Member>> {
        let mut out = Vec::with_capacity(fields.len());
        for f in fields {
            let ty = self.member_type(env, source, f.ty)?;
            out.push(Member {
                name: f.name.clone(),
                ty,
                offset: f.offset.saturating_sub(base),
                artificial: false,
            });
        }
        Ok(out)
    }

    pub(super) fn check_member_layout(
        &self,
        owner: &str,
        size: u64,
        members: &[Member],
    ) -> Result<()> {
        for m in members {
            let msize = self.nodes[m.ty.index()].size;
            match m.offset.checked_add(msize) {
                Some(end) if end <= size => {}
                _ => {
                    return err(
                        ErrorKind::InvalidLayout,
                        format!("field `{}` of `{owner}` at offset {} with size {msize} ends past the type's size {size}", m.name, m.offset),
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
        match p.desc {
            TypeDesc::Struct(c) | TypeDesc::Union(c) => {
                let members = self.members(env, source, &c.fields, 0)?;
                self.check_member_layout(&c.name, c.size, &members)?;
                self.finish_composite(env, p.node, &members, None)
            }
            TypeDesc::TaggedUnion(t) => match t.encoding {
                TaggedUnionEncoding::VariantPart => {
                    self.complete_variant_part(env, source, p.node, uid, &t)
                }
                TaggedUnionEncoding::CppLike => {
                    self.complete_cpp_like(env, source, p.node, uid, &t)
                }
            },
            _ => err(
                ErrorKind::InvalidLayout,
                "internal: only composites are queued",
            ),
        }
    }

    /// One struct per variant of `size` bytes, nested in the tagged union,
    /// all members at their offsets from `base`.
    fn variant_structs<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        owner: TypeIdx,
        uid: UniqueTypeId,
        t: &TaggedUnionDesc,
        (base, size): (u64, u64),
    ) -> Result<Vec<TypeIdx>> {
        let mut out = Vec::with_capacity(t.variants.len());
        for (i, v) in t.variants.iter().enumerate() {
            let vuid = self.uids.intern(UidData::Derived(uid, 2 + i as u32));
            let n = self.stub(
                env,
                vuid,
                CompositeKind::Struct,
                &v.name,
                ParentScope::Type(owner),
                size,
                t.align,
                None,
                false,
            )?;
            let members = self.members(env, source, &v.fields, base)?;
            self.check_member_layout(&v.name, size, &members)?;
            self.finish_composite(env, n, &members, None)?;
            out.push(n);
        }
        Ok(out)
    }

    fn complete_variant_part<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        n: TypeIdx,
        uid: UniqueTypeId,
        t: &TaggedUnionDesc,
    ) -> Result<()> {
        let tag = self.member_type(env, source, t.tag_ty)?;
        let structs = self.variant_structs(env, source, n, uid, t, (0, t.size))?;
        let members = [Member {
            name: "tag".into(),
            ty: tag,
            offset: t.tag_offset,
            artificial: true,
        }];
        self.check_member_layout(&t.name, t.size, &members)?;
        let vmembers: Vec<Member> = t
            .variants
            .iter()
            .zip(&structs)
            .map(|(v, s)| Member {
                name: v.name.clone(),
                ty: *s,
                offset: 0,
                artificial: false,
            })
            .collect();
        let variants: Vec<VariantInfo<'_>> = t
            .variants
            .iter()
            .zip(&vmembers)
            .map(|(v, m)| VariantInfo {
                discriminant: v.discriminant,
                member: self.member_info(m),
            })
            .collect();
        let vp = VariantPartInfo {
            discr_member: 0,
            variants: &variants,
        };
        let infos: Vec<MemberInfo<'_>> = members.iter().map(|m| self.member_info(m)).collect();
        env.backend.composite_complete(n, &infos, Some(&vp))?;
        self.nodes[n.index()].complete = true;
        Ok(())
    }

    fn complete_cpp_like<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        n: TypeIdx,
        uid: UniqueTypeId,
        t: &TaggedUnionDesc,
    ) -> Result<()> {
        let tag_ty = self.member_type(env, source, t.tag_ty)?;
        let (tag_size, tag_align, unsigned) = {
            let node = &self.nodes[tag_ty.index()];
            (node.size, node.align, node.unsigned)
        };
        // The tag: an enumeration nested in the tagged union, one enumerator
        // per variant, so the debugger prints the active variant by name.
        let tag_uid = self.uids.intern(UidData::Derived(uid, 0));
        let tag_enum = self.push_node(tag_uid, "Tag", tag_size, tag_align);
        self.nodes[tag_enum.index()].unsigned = unsigned;
        let enumerators: Vec<(&str, i64)> = t
            .variants
            .iter()
            .map(|v| (v.name.as_str(), v.discriminant as i64))
            .collect();
        let id = self.identifier(env, tag_uid);
        env.backend.enumeration(
            tag_enum,
            &EnumInfo {
                name: "Tag",
                scope: ParentScope::Type(n),
                underlying: tag_ty,
                unsigned,
                size: tag_size,
                align: tag_align,
                enumerators: &enumerators,
                decl: None,
                identifier: id.as_deref(),
            },
        )?;
        // The payload union starts at the first field of any variant (fields
        // may lie before the tag, or overlap it in niche layouts); without
        // fields, right after the tag.
        let payload_start = t
            .variants
            .iter()
            .flat_map(|v| v.fields.iter().map(|f| f.offset))
            .min()
            .unwrap_or_else(|| t.tag_offset.saturating_add(tag_size))
            .min(t.size);
        let payload_size = t.size - payload_start.min(t.size);
        let union_uid = self.uids.intern(UidData::Derived(uid, 1));
        let union = self.stub(
            env,
            union_uid,
            CompositeKind::Union,
            "",
            ParentScope::Type(n),
            payload_size,
            t.align,
            None,
            false,
        )?;
        let structs =
            self.variant_structs(env, source, n, uid, t, (payload_start, payload_size))?;
        let umembers: Vec<Member> = t
            .variants
            .iter()
            .zip(&structs)
            .map(|(v, s)| Member {
                name: v.name.clone(),
                ty: *s,
                offset: 0,
                artificial: false,
            })
            .collect();
        self.finish_composite(env, union, &umembers, None)?;
        let members = [
            Member {
                name: "tag".into(),
                ty: tag_enum,
                offset: t.tag_offset,
                artificial: false,
            },
            Member {
                name: "payload".into(),
                ty: union,
                offset: payload_start,
                artificial: false,
            },
        ];
        self.check_member_layout(&t.name, t.size, &members)?;
        self.finish_composite(env, n, &members, None)
    }
}
