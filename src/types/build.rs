//! Building the node of a type whose parts are built: base, pointer, array,
//! function, typedef, enum and tuple types completely; struct, union and
//! tagged union as a stub (`composite.rs`).

#![forbid(unsafe_code)]

use super::composite::Member;
use super::{TypeEnv, TypeMap};
use crate::backend::{Backend, CompositeKind, EnumInfo, ParentScope, TypeIdx, TypedefInfo};
use crate::desc::{BaseEncoding, EnumDesc, FieldDesc, TypeDesc};
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
                env.backend.base_type(n, &name, size, encoding)?;
                Ok(n)
            }
            TypeDesc::Pointer { pointee } => {
                let p = self.node_of(pointee)?;
                let name = self.synth_name("*", &[p], "");
                let n = self.push_node(uid, &name, ptr, ptr as u32);
                env.backend.pointer_type(n, p, ptr)?;
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
                self.contain(n, [(e, 0)]);
                env.backend.array_type(n, e, len, size, align)?;
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
                env.backend.subroutine_type(n, &ps, r, variadic)?;
                Ok(n)
            }
            TypeDesc::Typedef(t) => {
                let target = self.node_of(t.target)?;
                let (size, align) = (
                    self.nodes[target.index()].size,
                    self.nodes[target.index()].align,
                );
                let scope = env.scope(t.scope)?;
                let decl = env.decl(t.decl)?;
                let n = self.push_node(uid, &t.name, size, align);
                self.contain(n, [(target, 0)]);
                env.backend.typedef(
                    n,
                    &TypedefInfo {
                        name: &t.name,
                        target,
                        scope,
                        decl,
                    },
                )?;
                Ok(n)
            }
            TypeDesc::Enum(e) => self.build_enum(env, uid, &e),
            TypeDesc::Tuple { elems, size, align } => {
                self.build_tuple(env, uid, &elems, size, align)
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
            env,
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
        self.finish_composite(env, n, &members, None)?;
        Ok(n)
    }

    pub(super) fn build_enum<B: Backend>(
        &mut self,
        env: &mut TypeEnv<'_, B>,
        uid: UniqueTypeId,
        e: &EnumDesc,
    ) -> Result<TypeIdx> {
        let underlying = self.node_of(e.underlying)?;
        let unsigned = self.nodes[underlying.index()].unsigned;
        let scope = env.scope(e.scope)?;
        let decl = env.decl(e.decl)?;
        let n = self.push_node(uid, &e.name, e.size, e.align);
        self.nodes[n.index()].unsigned = unsigned;
        let id = self.identifier(env, uid);
        let enumerators: Vec<(&str, i64)> = e
            .enumerators
            .iter()
            .map(|(s, v)| (s.as_str(), *v))
            .collect();
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
            },
        )?;
        Ok(n)
    }
}
