//! What a type description is made of: the parts its identity and its
//! node depend on, its fingerprint (to detect conflicting descriptions) and
//! its display name.

#![forbid(unsafe_code)]

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use crate::desc::{FrontendTy, TypeDesc};

/// Whether a description is a nominal type with generic arguments.
pub(crate) fn is_generic(d: &TypeDesc) -> bool {
    !matches!(d, TypeDesc::Typedef(_)) && is_nominal(d) && !identity_parts(d).is_empty()
}

pub(crate) fn is_nominal(d: &TypeDesc) -> bool {
    matches!(
        d,
        TypeDesc::Struct(_)
            | TypeDesc::Union(_)
            | TypeDesc::Enum(_)
            | TypeDesc::TaggedUnion(_)
            | TypeDesc::Typedef(_)
    )
}

/// The handles a description's identity depends on.
pub(crate) fn identity_parts(d: &TypeDesc) -> &[FrontendTy] {
    match d {
        TypeDesc::Base { .. } => &[],
        TypeDesc::Pointer { pointee } => std::slice::from_ref(pointee),
        TypeDesc::Array { elem, .. } => std::slice::from_ref(elem),
        TypeDesc::Function { params, .. } => params,
        TypeDesc::Tuple { .. } => &[],
        TypeDesc::Struct(c) | TypeDesc::Union(c) => &c.generic_args,
        TypeDesc::Enum(e) => &e.generic_args,
        TypeDesc::TaggedUnion(t) => &t.generic_args,
        TypeDesc::Typedef(_) => &[],
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
