//! Tagged unions: the discriminants checked and reduced to the tag's width,
//! then either a `DW_TAG_variant_part` (one struct per variant) or the
//! C++-like encoding (a tag enumeration and a payload union); either way
//! the variant structs carry their template parameters and the outer
//! struct the methods.

#![forbid(unsafe_code)]

use rustc_hash::FxHashSet;

use super::composite::Member;
use super::{TypeEnv, TypeMap};
use crate::backend::{
    Backend, CompositeBody, CompositeKind, DiscrInfo, DiscrValue, EnumInfo, ParentScope, TypeIdx,
    VariantInfo, VariantPartInfo,
};
use crate::desc::{Discriminant, TaggedUnionDesc, TaggedUnionEncoding, TypeSource};
use crate::error::{err, ErrorKind, Result};
use crate::id::{UidData, UniqueTypeId};

/// A variant's discriminant, reduced to the tag's width and signedness.
enum Discr {
    Value(DiscrValue),
    Default,
    Ranges(Vec<(DiscrValue, DiscrValue)>),
}

/// The ordering key of a reduced value (for duplicate and range checks).
fn key(v: DiscrValue) -> i128 {
    match v {
        DiscrValue::Signed(s) => s,
        // Unsigned values above i128::MAX only occur for 128-bit tags;
        // they order after every other value.
        DiscrValue::Unsigned(u) => i128::try_from(u).unwrap_or(i128::MAX),
    }
}

impl TypeMap {
    /// The tag's node (checked to be an integer type) and the variants'
    /// reduced discriminants, checked for duplicates.
    fn discriminants<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        t: &TaggedUnionDesc,
    ) -> Result<(Option<TypeIdx>, Vec<Discr>)> {
        let Some(tag) = t.tag else {
            // Without a tag no value can select a variant: a single variant
            // is always active; several are what rustc writes when all but
            // one are uninhabited (`Result<T, Infallible>`), and then none
            // may claim a value.
            if t.variants.len() > 1 {
                if let Some(v) = t
                    .variants
                    .iter()
                    .find(|v| v.discriminant != Discriminant::Default)
                {
                    return err(
                        ErrorKind::InvalidLayout,
                        format!(
                            "tagged union `{}` has no tag but {} variants, and variant `{}` has a discriminant value: without a tag nothing selects a variant; give a tag, or describe every variant with Discriminant::Default (rustc's layout when all but one variant are uninhabited)",
                            t.name,
                            t.variants.len(),
                            v.name
                        ),
                    );
                }
            }
            return Ok((None, t.variants.iter().map(|_| Discr::Default).collect()));
        };
        let tag_ty = self.member_type(env, source, tag.ty)?;
        let node = &self.nodes[tag_ty.index()];
        if !node.integer || node.size == 0 || node.size > 16 {
            return err(
                ErrorKind::InvalidLayout,
                format!(
                    "the tag of tagged union `{}` has type `{}`, which is not an integer type of 1 to 16 bytes",
                    t.name,
                    self.names.get(node.name)
                ),
            );
        }
        if tag.offset.checked_add(node.size).is_none_or(|e| e > t.size) {
            return err(
                ErrorKind::InvalidLayout,
                format!(
                    "the tag of tagged union `{}` at offset {} with size {} ends past the type's size {}",
                    t.name, tag.offset, node.size, t.size
                ),
            );
        }
        let mut out = Vec::with_capacity(t.variants.len());
        let mut values = FxHashSet::default();
        let mut ranges: Vec<(i128, i128, &str)> = Vec::new();
        let mut default: Option<&str> = None;
        for v in &t.variants {
            let what = format!("discriminant of variant `{}` of `{}`", v.name, t.name);
            let d = match &v.discriminant {
                Discriminant::Value(x) => Discr::Value(self.reduce_value(tag_ty, *x, &what)?),
                Discriminant::Default => {
                    if let Some(other) = default.replace(&v.name) {
                        return err(
                            ErrorKind::InvalidLayout,
                            format!(
                                "tagged union `{}` has two default variants, `{other}` and `{}`: at most one variant may go without a discriminant value",
                                t.name, v.name
                            ),
                        );
                    }
                    Discr::Default
                }
                Discriminant::Ranges(rs) => {
                    if rs.is_empty() {
                        return err(
                            ErrorKind::InvalidLayout,
                            format!("{what} is an empty list of ranges"),
                        );
                    }
                    let mut out = Vec::with_capacity(rs.len());
                    for &(lo, hi) in rs {
                        let (l, h) = (
                            self.reduce_value(tag_ty, lo, &what)?,
                            self.reduce_value(tag_ty, hi, &what)?,
                        );
                        if key(l) > key(h) {
                            return err(
                                ErrorKind::InvalidLayout,
                                format!("{what} has the range {lo}..={hi}, whose start is above its end"),
                            );
                        }
                        out.push((l, h));
                    }
                    Discr::Ranges(out)
                }
            };
            // Duplicates: single values against each other, ranges against
            // everything.
            let claim = |ranges: &[(i128, i128, &str)], lo: i128, hi: i128| -> Result<()> {
                if let Some((_, _, other)) = ranges.iter().find(|(l, h, _)| lo <= *h && *l <= hi) {
                    return err(
                        ErrorKind::InvalidLayout,
                        format!(
                            "variants `{other}` and `{}` of tagged union `{}` claim the same tag value(s) {lo}..={hi}: every tag value selects at most one variant",
                            v.name, t.name
                        ),
                    );
                }
                Ok(())
            };
            match &d {
                Discr::Value(x) => {
                    let k = key(*x);
                    claim(&ranges, k, k)?;
                    if !values.insert(k) {
                        return err(
                            ErrorKind::InvalidLayout,
                            format!(
                                "tagged union `{}` has two variants with the discriminant {k} (the second is `{}`): every tag value selects at most one variant",
                                t.name, v.name
                            ),
                        );
                    }
                }
                Discr::Ranges(rs) => {
                    for &(l, h) in rs {
                        let (l, h) = (key(l), key(h));
                        claim(&ranges, l, h)?;
                        if values.iter().any(|x| (l..=h).contains(x)) {
                            return err(
                                ErrorKind::InvalidLayout,
                                format!(
                                    "variant `{}` of tagged union `{}` claims the range {l}..={h}, which holds another variant's discriminant",
                                    v.name, t.name
                                ),
                            );
                        }
                        ranges.push((l, h, &v.name));
                    }
                }
                Discr::Default => {}
            }
            out.push(d);
        }
        Ok((Some(tag_ty), out))
    }

    /// Completes a tagged union in the encoding its description asks for.
    pub(super) fn complete_tagged<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        n: TypeIdx,
        uid: UniqueTypeId,
        t: &TaggedUnionDesc,
    ) -> Result<()> {
        let (tag, discrs) = self.discriminants(env, source, t)?;
        match t.encoding {
            TaggedUnionEncoding::VariantPart => {
                self.complete_variant_part(env, source, n, uid, t, tag, &discrs)
            }
            TaggedUnionEncoding::CppLike => {
                self.complete_cpp_like(env, source, n, uid, t, tag, &discrs)
            }
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
                (false, None),
            )?;
            let members = self.members(env, source, &v.fields, base)?;
            self.check_member_layout(&v.name, size, &members)?;
            let resolved = self.template_params(env, source, &v.template_params)?;
            let params = Self::template_infos(&v.template_params, &resolved);
            let body = CompositeBody {
                template_params: &params,
                ..CompositeBody::default()
            };
            self.finish_composite(env, n, &members, None, body)?;
            out.push(n);
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn complete_variant_part<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        n: TypeIdx,
        uid: UniqueTypeId,
        t: &TaggedUnionDesc,
        tag: Option<TypeIdx>,
        discrs: &[Discr],
    ) -> Result<()> {
        let structs = self.variant_structs(env, source, n, uid, t, (0, t.size))?;
        let members: Vec<Member> = match (tag, t.tag) {
            (Some(ty), Some(d)) => vec![Member {
                artificial: true,
                ..Member::plain("tag", ty, d.offset)
            }],
            _ => Vec::new(),
        };
        let vmembers: Vec<Member> = t
            .variants
            .iter()
            .zip(&structs)
            .map(|(v, s)| Member::plain(v.name.clone(), *s, 0))
            .collect();
        let variants: Vec<VariantInfo<'_>> = discrs
            .iter()
            .zip(&vmembers)
            .map(|(d, m)| VariantInfo {
                discriminant: match d {
                    Discr::Value(v) => DiscrInfo::Value(*v),
                    Discr::Default => DiscrInfo::Default,
                    Discr::Ranges(r) => DiscrInfo::Ranges(r),
                },
                member: self.member_info(m),
            })
            .collect();
        let vp = VariantPartInfo {
            discr_member: tag.map(|_| 0),
            variants: &variants,
        };
        let resolved = self.template_params(env, source, &t.template_params)?;
        let params = Self::template_infos(&t.template_params, &resolved);
        let methods = self.methods(env, source, n, &t.methods)?;
        let method_tparams = Self::method_template_infos(&t.methods, &methods);
        let method_infos = Self::method_infos(&t.methods, &methods, &method_tparams);
        let body = CompositeBody {
            template_params: &params,
            methods: &method_infos,
            ..CompositeBody::default()
        };
        self.finish_composite(env, n, &members, Some(&vp), body)
    }

    #[allow(clippy::too_many_arguments)]
    fn complete_cpp_like<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        source: &mut dyn TypeSource,
        n: TypeIdx,
        uid: UniqueTypeId,
        t: &TaggedUnionDesc,
        tag: Option<TypeIdx>,
        discrs: &[Discr],
    ) -> Result<()> {
        let mut members = Vec::with_capacity(2);
        if let (Some(tag_ty), Some(tag)) = (tag, t.tag) {
            let (tag_size, tag_align, unsigned) = {
                let node = &self.nodes[tag_ty.index()];
                (node.size, node.align, node.unsigned)
            };
            // The tag: an enumeration nested in the tagged union, one
            // enumerator per variant with a single value, so the debugger
            // prints the active variant by name.
            let tag_uid = self.uids.intern(UidData::Derived(uid, 0));
            let tag_enum = self.push_node(tag_uid, "Tag", tag_size, tag_align);
            self.nodes[tag_enum.index()].unsigned = unsigned;
            self.nodes[tag_enum.index()].integer = true;
            let enumerators: Vec<(&str, DiscrValue)> = t
                .variants
                .iter()
                .zip(discrs)
                .filter_map(|(v, d)| match d {
                    Discr::Value(x) => Some((v.name.as_str(), *x)),
                    Discr::Default | Discr::Ranges(_) => None,
                })
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
                    enum_class: false,
                    declaration: false,
                },
            )?;
            members.push(Member::plain("tag", tag_enum, tag.offset));
        }
        // The payload union starts at the first field of any variant (fields
        // may lie before the tag, or overlap it in niche layouts); without
        // fields, right after the tag.
        let after_tag = t.tag.map_or(0, |d| {
            d.offset
                .saturating_add(tag.map_or(0, |x| self.nodes[x.index()].size))
        });
        let payload_start = t
            .variants
            .iter()
            .flat_map(|v| v.fields.iter().map(|f| f.offset))
            .min()
            .unwrap_or(after_tag)
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
            (false, None),
        )?;
        let structs =
            self.variant_structs(env, source, n, uid, t, (payload_start, payload_size))?;
        let umembers: Vec<Member> = t
            .variants
            .iter()
            .zip(&structs)
            .map(|(v, s)| Member::plain(v.name.clone(), *s, 0))
            .collect();
        self.finish_composite(env, union, &umembers, None, CompositeBody::default())?;
        members.push(Member::plain("payload", union, payload_start));
        self.check_member_layout(&t.name, t.size, &members)?;
        let resolved = self.template_params(env, source, &t.template_params)?;
        let params = Self::template_infos(&t.template_params, &resolved);
        let methods = self.methods(env, source, n, &t.methods)?;
        let method_tparams = Self::method_template_infos(&t.methods, &methods);
        let method_infos = Self::method_infos(&t.methods, &methods, &method_tparams);
        let body = CompositeBody {
            template_params: &params,
            methods: &method_infos,
            ..CompositeBody::default()
        };
        self.finish_composite(env, n, &members, None, body)
    }
}
