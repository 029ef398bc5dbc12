//! Building and completing struct, union, tuple, enum and tagged-union types
//! (the stub half of the type map).

#![forbid(unsafe_code)]

use crate::backend::{
    Backend, CompositeInfo, CompositeKind, DeclSite, EnumInfo, MemberInfo, ParentScope, TypeIdx,
    VariantInfo, VariantPartInfo,
};
use crate::context::DebugContext;
use crate::desc::{
    DeclLoc, EnumDesc, FieldDesc, NominalKey, TaggedUnionDesc, TaggedUnionEncoding, TypeDesc,
    TypeSource,
};
use crate::error::{err, ErrorKind, Result};
use crate::id::{UidData, UniqueTypeId};
use crate::type_map::Pending;

/// Longest name synthesised for a structural type before it is cut with
/// `...`. Such names contain their parts' names, so tuples of tuples sharing
/// parts would otherwise have names of exponential length (and a pointer
/// chain quadratic memory).
const MAX_SYNTH_NAME: usize = 128;

/// The definition key of a nominal description.
fn desc_key(d: &TypeDesc) -> Option<NominalKey> {
    match d {
        TypeDesc::Struct(c) | TypeDesc::Union(c) => Some(c.key),
        TypeDesc::TaggedUnion(t) => Some(t.key),
        TypeDesc::Enum(e) => Some(e.key),
        TypeDesc::Typedef(t) => Some(t.key),
        _ => None,
    }
}

/// A member whose name is owned (synthesised names) or borrowed.
struct Member {
    name: String,
    ty: TypeIdx,
    offset: u64,
    artificial: bool,
}

impl<B: Backend> DebugContext<B> {
    /// The name of a structural type: `open`, the parts' names separated by
    /// `, `, `close` (`*T`, `[T; 4]`, `(A, B)`, `fn(A) -> R`), cut at
    /// [`MAX_SYNTH_NAME`] bytes.
    pub(crate) fn synth_name(&self, open: &str, parts: &[TypeIdx], close: &str) -> String {
        let mut name = String::from(open);
        for (i, p) in parts.iter().enumerate() {
            if name.len() > MAX_SYNTH_NAME {
                break;
            }
            if i > 0 {
                name.push_str(", ");
            }
            let part = self
                .nodes
                .get(p.index())
                .map_or("?", |n| self.names.get(n.name));
            name.push_str(part);
        }
        if name.len() > MAX_SYNTH_NAME {
            let mut cut = MAX_SYNTH_NAME;
            while !name.is_char_boundary(cut) {
                cut -= 1;
            }
            name.truncate(cut);
            name.push_str("...");
        }
        name.push_str(close);
        name
    }

    pub(crate) fn decl(&self, d: Option<DeclLoc>) -> Result<Option<DeclSite>> {
        d.map(|d| {
            Ok(DeclSite {
                file: self.check_file(d.file)?,
                line: d.line,
            })
        })
        .transpose()
    }

    fn identifier(&self, uid: UniqueTypeId) -> Option<String> {
        self.backend
            .wants_type_identifiers()
            .then(|| self.uids.stable_string(uid, &self.names))
    }

    #[allow(clippy::too_many_arguments)]
    fn stub(
        &mut self,
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
        let id = self.identifier(uid);
        self.backend.composite_stub(
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

    fn finish_composite(
        &mut self,
        n: TypeIdx,
        members: &[Member],
        vp: Option<&VariantPartInfo<'_>>,
    ) -> Result<()> {
        let infos: Vec<MemberInfo<'_>> = members.iter().map(|m| self.member_info(m)).collect();
        self.backend.composite_complete(n, &infos, vp)?;
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
    pub(crate) fn build_stub(&mut self, uid: UniqueTypeId, d: TypeDesc) -> Result<TypeIdx> {
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
        let scope = self.type_scope(scope)?;
        let decl = self.decl(decl)?;
        let too_deep = self.uids.generic_depth(uid) > self.limits.generic_depth();
        let name = if too_deep {
            self.truncated(name, desc_key(&d))
        } else {
            name.clone()
        };
        let n = self.stub(uid, kind, &name, scope, size, align, decl, opaque)?;
        if opaque || too_deep {
            self.finish_composite(n, &[], None)?;
        } else {
            self.pending.push_back(Pending { node: n, desc: d });
        }
        Ok(n)
    }

    /// A tuple: an anonymous-identity struct named `(A, B)`, complete at once
    /// (its elements were built first).
    pub(crate) fn build_tuple(
        &mut self,
        uid: UniqueTypeId,
        elems: &[FieldDesc],
        size: u64,
        align: u32,
    ) -> Result<TypeIdx> {
        let mut members = Vec::with_capacity(elems.len());
        let mut parts = Vec::with_capacity(elems.len());
        for (i, f) in elems.iter().enumerate() {
            let ty = self.node_of(f.ty)?;
            parts.push(ty);
            members.push(Member {
                name: format!("__{i}"),
                ty,
                offset: f.offset,
                artificial: false,
            });
        }
        let name = self.synth_name("(", &parts, ")");
        let n = self.stub(
            uid,
            CompositeKind::Struct,
            &name,
            ParentScope::Unit,
            size,
            align,
            None,
            false,
        )?;
        self.check_member_layout(&name, size, &members)?;
        self.finish_composite(n, &members, None)?;
        Ok(n)
    }

    pub(crate) fn build_enum(&mut self, uid: UniqueTypeId, e: &EnumDesc) -> Result<TypeIdx> {
        let underlying = self.node_of(e.underlying)?;
        let unsigned = self.nodes[underlying.index()].unsigned;
        let scope = self.type_scope(e.scope)?;
        let decl = self.decl(e.decl)?;
        let n = self.push_node(uid, &e.name, e.size, e.align);
        self.nodes[n.index()].unsigned = unsigned;
        let id = self.identifier(uid);
        let enumerators: Vec<(&str, i64)> = e
            .enumerators
            .iter()
            .map(|(s, v)| (s.as_str(), *v))
            .collect();
        self.backend.enumeration(
            n,
            &EnumInfo {
                name: &e.name,
                scope,
                underlying,
                unsigned,
                size: e.size,
                align: e.align,
                enumerators: &enumerators,
                decl,
                identifier: id.as_deref(),
            },
        )?;
        Ok(n)
    }

    fn members(
        &mut self,
        source: &mut dyn TypeSource,
        fields: &[FieldDesc],
        base: u64,
    ) -> Result<Vec<Member>> {
        let mut out = Vec::with_capacity(fields.len());
        for f in fields {
            let ty = self.member_type(source, f.ty)?;
            out.push(Member {
                name: f.name.clone(),
                ty,
                offset: f.offset.saturating_sub(base),
                artificial: false,
            });
        }
        Ok(out)
    }

    fn check_member_layout(&self, owner: &str, size: u64, members: &[Member]) -> Result<()> {
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
    pub(crate) fn complete(&mut self, source: &mut dyn TypeSource, p: Pending) -> Result<()> {
        let uid = self.nodes[p.node.index()].uid;
        match p.desc {
            TypeDesc::Struct(c) | TypeDesc::Union(c) => {
                let members = self.members(source, &c.fields, 0)?;
                self.check_member_layout(&c.name, c.size, &members)?;
                self.finish_composite(p.node, &members, None)
            }
            TypeDesc::TaggedUnion(t) => match t.encoding {
                TaggedUnionEncoding::VariantPart => {
                    self.complete_variant_part(source, p.node, uid, &t)
                }
                TaggedUnionEncoding::CppLike => self.complete_cpp_like(source, p.node, uid, &t),
            },
            _ => err(
                ErrorKind::InvalidLayout,
                "internal: only composites are queued",
            ),
        }
    }

    /// One struct per variant, nested in the tagged union, all members at
    /// their offsets from `base`.
    fn variant_structs(
        &mut self,
        source: &mut dyn TypeSource,
        owner: TypeIdx,
        uid: UniqueTypeId,
        t: &TaggedUnionDesc,
        base: u64,
        size: u64,
    ) -> Result<Vec<TypeIdx>> {
        let mut out = Vec::with_capacity(t.variants.len());
        for (i, v) in t.variants.iter().enumerate() {
            let vuid = self.uids.intern(UidData::Derived(uid, 2 + i as u32));
            let n = self.stub(
                vuid,
                CompositeKind::Struct,
                &v.name,
                ParentScope::Type(owner),
                size,
                t.align,
                None,
                false,
            )?;
            let members = self.members(source, &v.fields, base)?;
            self.check_member_layout(&v.name, size, &members)?;
            self.finish_composite(n, &members, None)?;
            out.push(n);
        }
        Ok(out)
    }

    fn complete_variant_part(
        &mut self,
        source: &mut dyn TypeSource,
        n: TypeIdx,
        uid: UniqueTypeId,
        t: &TaggedUnionDesc,
    ) -> Result<()> {
        let tag = self.member_type(source, t.tag_ty)?;
        let structs = self.variant_structs(source, n, uid, t, 0, t.size)?;
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
        self.backend.composite_complete(n, &infos, Some(&vp))?;
        self.nodes[n.index()].complete = true;
        Ok(())
    }

    fn complete_cpp_like(
        &mut self,
        source: &mut dyn TypeSource,
        n: TypeIdx,
        uid: UniqueTypeId,
        t: &TaggedUnionDesc,
    ) -> Result<()> {
        let tag_ty = self.member_type(source, t.tag_ty)?;
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
        let id = self.identifier(tag_uid);
        self.backend.enumeration(
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
            union_uid,
            CompositeKind::Union,
            "",
            ParentScope::Type(n),
            payload_size,
            t.align,
            None,
            false,
        )?;
        let structs = self.variant_structs(source, n, uid, t, payload_start, payload_size)?;
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
        self.finish_composite(union, &umembers, None)?;
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
        self.finish_composite(n, &members, None)
    }
}
