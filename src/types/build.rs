//! Building the node of a type whose parts are built: base, pointer, array,
//! function, typedef, enum and tuple types completely; struct, union and
//! tagged union as a stub (`composite.rs`).

#![forbid(unsafe_code)]

use super::composite::Member;
use super::{TypeEnv, TypeMap};
use crate::backend::{
    Backend, CompositeBody, CompositeKind, DiscrValue, EnumInfo, ParentScope, TypeIdx, TypedefInfo,
};
use crate::desc::{BaseEncoding, EnumDesc, FieldDesc, PointerKind, Qualifier, TypeDesc};
use crate::error::{Error, ErrorKind, Result};
use crate::id::UniqueTypeId;

impl TypeMap {
    /// Creates the node for a type whose parts are built (nominal: a stub).
    pub(super) fn build<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        uid: UniqueTypeId,
        d: TypeDesc,
    ) -> Result<TypeIdx> {
        let ptr = u64::from(env.backend.address_size());
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
                self.nodes[n.index()].integer = encoding != BaseEncoding::Float && size > 0;
                env.backend.base_type(n, &name, size, encoding)?;
                Ok(n)
            }
            TypeDesc::Void => {
                let n = self.push_node(uid, "void", 0, 1);
                self.nodes[n.index()].is_void = true;
                self.nodes[n.index()].valueless = true;
                env.backend.void_type(n)?;
                Ok(n)
            }
            TypeDesc::Unspecified { name } => {
                let n = self.push_node(uid, &name, ptr, ptr as u32);
                env.backend.unspecified_type(n, &name)?;
                Ok(n)
            }
            TypeDesc::Pointer { pointee } => {
                let p = self.node_of(pointee)?;
                let name = self.synth_name("*", &[p], "");
                let n = self.push_node(uid, &name, ptr, ptr as u32);
                env.backend
                    .pointer_type(n, p, ptr, PointerKind::Pointer, None)?;
                Ok(n)
            }
            TypeDesc::PointerTo(d) => {
                let p = self.node_of(d.pointee)?;
                let sigil = match d.kind {
                    PointerKind::Pointer => "*",
                    PointerKind::Reference => "&",
                    PointerKind::RvalueReference => "&&",
                };
                let name = match &d.name {
                    Some(n) => n.clone(),
                    None => self.synth_name(sigil, &[p], ""),
                };
                let n = self.push_node(uid, &name, ptr, ptr as u32);
                env.backend
                    .pointer_type(n, p, ptr, d.kind, d.name.as_deref())?;
                Ok(n)
            }
            TypeDesc::PointerToMember {
                pointee,
                class,
                size,
            } => {
                let (p, c) = (self.node_of(pointee)?, self.node_of(class)?);
                self.not_void(p, "a pointer to member")?;
                self.not_void(c, "the class of a pointer to member")?;
                let name = self.synth_name("", &[p], "");
                let name = format!("{name} {}::*", self.synth_name("", &[c], ""));
                let n = self.push_node(uid, &name, size, ptr as u32);
                env.backend.ptr_to_member_type(n, p, c, size)?;
                Ok(n)
            }
            TypeDesc::Qualified { qualifier, target } => {
                let t = self.node_of(target)?;
                let word = match qualifier {
                    Qualifier::Const => "const ",
                    Qualifier::Volatile => "volatile ",
                    Qualifier::Restrict => "restrict ",
                    Qualifier::Atomic => "_Atomic ",
                };
                let name = self.synth_name(word, &[t], "");
                let (size, align, unsigned, integer, valueless) = {
                    let x = &self.nodes[t.index()];
                    (x.size, x.align, x.unsigned, x.integer, x.valueless)
                };
                let n = self.push_node(uid, &name, size, align);
                self.nodes[n.index()].unsigned = unsigned;
                self.nodes[n.index()].integer = integer;
                self.nodes[n.index()].valueless = valueless;
                self.contain(n, [(t, 0)]);
                env.backend.qualified_type(n, qualifier, t)?;
                Ok(n)
            }
            TypeDesc::ArrayOf(a) => {
                let e = self.node_of(a.elem)?;
                self.not_void(e, "an array's element")?;
                let mut size = a.elem_size;
                for d in &a.dims {
                    size = size.checked_mul(d.unwrap_or(0)).ok_or_else(|| {
                        Error::new(
                            ErrorKind::InvalidLayout,
                            format!(
                                "array of dimensions {:?} of {}-byte elements overflows a 64-bit size",
                                a.dims, a.elem_size
                            ),
                        )
                    })?;
                }
                let dims: Vec<String> = a
                    .dims
                    .iter()
                    .map(|d| d.map_or_else(String::new, |n| format!("; {n}")))
                    .collect();
                let name = self.synth_name("[", &[e], &format!("{}]", dims.join("][")));
                let n = self.push_node(uid, &name, size, a.align);
                if size > 0 {
                    self.contain(n, [(e, 0)]);
                }
                env.backend.array_type(n, e, &a.dims, size, a.align)?;
                Ok(n)
            }
            TypeDesc::Structural(st) => {
                self.build_tuple(env, uid, &st.fields, (st.size, st.align), Some(&st.name))
            }
            TypeDesc::Array {
                elem,
                len,
                elem_size,
                align,
            } => {
                let e = self.node_of(elem)?;
                self.not_void(e, "an array's element")?;
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
                self.contain(n, [(e, 0)]);
                env.backend.array_type(n, e, &[Some(len)], size, align)?;
                Ok(n)
            }
            TypeDesc::Function {
                params,
                ret,
                variadic,
                artificial_params,
            } => {
                let ps = params
                    .iter()
                    .map(|p| self.node_of(*p))
                    .collect::<Result<Vec<TypeIdx>>>()?;
                for &p in &ps {
                    self.not_void(p, "a function type's parameter")?;
                }
                let r = ret.map(|r| self.node_of(r)).transpose()?;
                let mut name = self.synth_name("fn(", &ps, ")");
                if let Some(r) = r {
                    name = format!("{name} -> {}", self.synth_name("", &[r], ""));
                }
                let n = self.push_node(uid, &name, 0, 0);
                // Returning `void` itself is returning nothing.
                let r = r.filter(|r| !self.nodes[r.index()].is_void);
                env.backend
                    .subroutine_type(n, &ps, r, variadic, &artificial_params)?;
                Ok(n)
            }
            TypeDesc::Typedef(t) => {
                let target = self.node_of(t.target)?;
                let (size, align, unsigned, integer, valueless) = {
                    let x = &self.nodes[target.index()];
                    (x.size, x.align, x.unsigned, x.integer, x.valueless)
                };
                let scope = self.parent_scope(env, t.scope)?;
                let decl = env.decl(t.decl)?;
                let n = self.push_node(uid, &t.name, size, align);
                self.nodes[n.index()].unsigned = unsigned;
                self.nodes[n.index()].integer = integer;
                self.nodes[n.index()].valueless = valueless;
                self.nodes[n.index()].parent = scope_type(scope);
                self.contain(n, [(target, 0)]);
                env.backend.typedef(
                    n,
                    &TypedefInfo {
                        name: &t.name,
                        target,
                        scope,
                        decl,
                        access: t.access,
                    },
                )?;
                self.record_deep(uid, &TypeDesc::Typedef(t))?;
                Ok(n)
            }
            TypeDesc::Enum(e) => {
                let n = self.build_enum(env, uid, &e)?;
                self.record_deep(uid, &TypeDesc::Enum(e))?;
                Ok(n)
            }
            TypeDesc::Tuple { elems, size, align } => {
                self.build_tuple(env, uid, &elems, (size, align), None)
            }
            d @ (TypeDesc::Struct(_) | TypeDesc::Union(_) | TypeDesc::TaggedUnion(_)) => {
                self.build_stub(env, uid, d)
            }
        }
    }

    /// A tuple: an anonymous-identity struct named `(A, B)`, complete at once
    /// (its elements were built first).
    pub(super) fn build_tuple<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        uid: UniqueTypeId,
        elems: &[FieldDesc],
        (size, align): (u64, u32),
        named: Option<&str>,
    ) -> Result<TypeIdx> {
        let mut members = Vec::with_capacity(elems.len());
        let mut parts = Vec::with_capacity(elems.len());
        for (i, f) in elems.iter().enumerate() {
            let ty = self.node_of(f.ty)?;
            parts.push(ty);
            let mut m = Member::plain(
                if named.is_some() {
                    f.name.clone()
                } else {
                    format!("__{i}")
                },
                ty,
                f.offset,
            );
            if named.is_some() {
                (m.bits, m.access, m.artificial) = (f.bits, f.access, f.artificial);
                (m.zero_sized, m.member_align) = (f.zero_sized, f.align);
            }
            members.push(m);
        }
        let name = match named {
            Some(n) => n.to_owned(),
            None => self.synth_name("(", &parts, ")"),
        };
        let n = self.stub(
            env,
            uid,
            CompositeKind::Struct,
            &name,
            ParentScope::Unit,
            size,
            align,
            None,
            (false, None),
        )?;
        self.check_member_layout(&name, size, &members)?;
        self.finish_composite(env, n, &members, None, CompositeBody::default())?;
        Ok(n)
    }

    pub(super) fn build_enum<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        uid: UniqueTypeId,
        e: &EnumDesc,
    ) -> Result<TypeIdx> {
        let underlying = self.node_of(e.underlying)?;
        self.not_void(
            underlying,
            &format!("the underlying type of enum `{}`", e.name),
        )?;
        let unsigned = self.nodes[underlying.index()].unsigned;
        let scope = self.parent_scope(env, e.scope)?;
        let decl = env.decl(e.decl)?;
        let enumerators: Vec<(&str, DiscrValue)> = e
            .enumerators
            .iter()
            .map(|(s, v)| {
                Ok((
                    s.as_str(),
                    self.reduce_value(
                        underlying,
                        *v,
                        &format!("enumerator `{s}` of `{}`", e.name),
                    )?,
                ))
            })
            .collect::<Result<_>>()?;
        let n = self.push_node(uid, &e.name, e.size, e.align);
        self.nodes[n.index()].unsigned = unsigned;
        self.nodes[n.index()].integer = true;
        self.nodes[n.index()].scope_ok = true;
        self.nodes[n.index()].parent = scope_type(scope);
        let id = self.identifier(env, uid);
        env.backend.enumeration(
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
                enum_class: e.enum_class,
                declaration: e.opaque,
            },
        )?;
        Ok(n)
    }
}

/// The enclosing type of a nested type's parent scope.
pub(super) fn scope_type(s: ParentScope) -> Option<TypeIdx> {
    match s {
        ParentScope::Type(t) => Some(t),
        ParentScope::Unit | ParentScope::Namespace(_) => None,
    }
}
