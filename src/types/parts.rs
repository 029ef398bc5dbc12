//! What a type description is made of: the parts its identity and its
//! node depend on, its fingerprint (to detect conflicting descriptions) and
//! its display name.

#![forbid(unsafe_code)]

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use crate::desc::{FrontendTy, NominalKey, TypeDesc};

/// The definition key and generic arguments of a nominal description
/// (struct, union, enum, tagged union; a typedef has no arguments); `None`
/// for structural types. The one place a description's key is read.
pub(crate) fn nominal(d: &TypeDesc) -> Option<(NominalKey, &[FrontendTy])> {
    match d {
        TypeDesc::Struct(c) | TypeDesc::Union(c) => Some((c.key, &c.generic_args)),
        TypeDesc::Enum(e) => Some((e.key, &e.generic_args)),
        TypeDesc::TaggedUnion(t) => Some((t.key, &t.generic_args)),
        TypeDesc::Typedef(t) => Some((t.key, &[])),
        TypeDesc::Base { .. }
        | TypeDesc::Pointer { .. }
        | TypeDesc::Array { .. }
        | TypeDesc::Function { .. }
        | TypeDesc::Tuple { .. } => None,
    }
}

/// Whether a description is a nominal type with generic arguments.
pub(crate) fn is_generic(d: &TypeDesc) -> bool {
    nominal(d).is_some_and(|(_, args)| !args.is_empty())
}

/// The handles a description's identity depends on (with
/// [`identity_extra`]).
pub(crate) fn identity_parts(d: &TypeDesc) -> &[FrontendTy] {
    match d {
        TypeDesc::Pointer { pointee } => std::slice::from_ref(pointee),
        TypeDesc::Array { elem, .. } => std::slice::from_ref(elem),
        TypeDesc::Function { params, .. } => params,
        TypeDesc::Base { .. } | TypeDesc::Tuple { .. } => &[],
        _ => nominal(d).map_or(&[], |(_, args)| args),
    }
}

/// Extra identity parts not expressible as one slice.
pub(crate) fn identity_extra(d: &TypeDesc) -> impl Iterator<Item = FrontendTy> + '_ {
    let (ret, tuple): (Option<FrontendTy>, &[crate::desc::FieldDesc]) = match d {
        TypeDesc::Function { ret, .. } => (*ret, &[]),
        TypeDesc::Tuple { elems, .. } => (None, elems),
        _ => (None, &[]),
    };
    ret.into_iter().chain(tuple.iter().map(|f| f.ty))
}

/// The handles whose *nodes* a structural type (or typedef/enum) needs before
/// it can be built.
pub(crate) fn build_parts(d: &TypeDesc) -> Vec<FrontendTy> {
    match d {
        TypeDesc::Pointer { pointee } => vec![*pointee],
        TypeDesc::Array { elem, .. } => vec![*elem],
        TypeDesc::Function { params, ret, .. } => params.iter().copied().chain(*ret).collect(),
        TypeDesc::Typedef(t) => vec![t.target],
        TypeDesc::Enum(e) => vec![e.underlying],
        TypeDesc::Tuple { elems, .. } => elems.iter().map(|f| f.ty).collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn fingerprint(d: &TypeDesc) -> u64 {
    let mut h = FxHasher::default();
    std::mem::discriminant(d).hash(&mut h);
    let fields = |h: &mut FxHasher, fs: &[crate::desc::FieldDesc]| {
        fs.len().hash(h);
        for f in fs {
            f.name.hash(h);
            f.offset.hash(h);
        }
    };
    match d {
        TypeDesc::Struct(c) | TypeDesc::Union(c) => {
            (&c.name, c.size, c.align, c.opaque, c.scope).hash(&mut h);
            fields(&mut h, &c.fields);
        }
        TypeDesc::Enum(e) => (&e.name, e.size, &e.enumerators, e.scope).hash(&mut h),
        TypeDesc::TaggedUnion(t) => {
            (&t.name, t.size, t.align, t.tag_offset, t.encoding, t.scope).hash(&mut h);
            for v in &t.variants {
                (&v.name, v.discriminant).hash(&mut h);
                fields(&mut h, &v.fields);
            }
        }
        TypeDesc::Typedef(t) => (&t.name, t.scope).hash(&mut h),
        TypeDesc::Base { size, encoding, .. } => (size, encoding).hash(&mut h),
        TypeDesc::Array { len, elem_size, .. } => (len, elem_size).hash(&mut h),
        TypeDesc::Tuple { size, elems, .. } => {
            size.hash(&mut h);
            fields(&mut h, elems);
        }
        TypeDesc::Pointer { .. } | TypeDesc::Function { .. } => {}
    }
    h.finish()
}

pub(crate) fn desc_name(d: &TypeDesc) -> &str {
    match d {
        TypeDesc::Base { name, .. } => name,
        TypeDesc::Struct(c) | TypeDesc::Union(c) => &c.name,
        TypeDesc::Enum(e) => &e.name,
        TypeDesc::TaggedUnion(t) => &t.name,
        TypeDesc::Typedef(t) => &t.name,
        TypeDesc::Pointer { .. } => "pointer",
        TypeDesc::Array { .. } => "array",
        TypeDesc::Function { .. } => "function type",
        TypeDesc::Tuple { .. } => "tuple",
    }
}
