//! What a type description is made of: the parts its identity and its
//! node depend on, its fingerprint (to detect conflicting descriptions) and
//! its display name.

#![forbid(unsafe_code)]

use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use crate::desc::{
    FieldDesc, FrontendTy, MethodDesc, NominalKey, TemplateParam, TypeDesc, TypeScope,
};

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
        | TypeDesc::PointerTo(_)
        | TypeDesc::PointerToMember { .. }
        | TypeDesc::Qualified { .. }
        | TypeDesc::Array { .. }
        | TypeDesc::ArrayOf(_)
        | TypeDesc::Structural(_)
        | TypeDesc::Function { .. }
        | TypeDesc::Tuple { .. }
        | TypeDesc::Void
        | TypeDesc::Unspecified { .. } => None,
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
        TypeDesc::PointerTo(p) => std::slice::from_ref(&p.pointee),
        TypeDesc::PointerToMember { pointee, .. } => std::slice::from_ref(pointee),
        TypeDesc::Qualified { target, .. } => std::slice::from_ref(target),
        TypeDesc::Array { elem, .. } => std::slice::from_ref(elem),
        TypeDesc::ArrayOf(a) => std::slice::from_ref(&a.elem),
        TypeDesc::Function { params, .. } => params,
        TypeDesc::Base { .. }
        | TypeDesc::Tuple { .. }
        | TypeDesc::Structural(_)
        | TypeDesc::Void
        | TypeDesc::Unspecified { .. } => &[],
        _ => nominal(d).map_or(&[], |(_, args)| args),
    }
}

/// Extra identity parts not expressible as one slice.
pub(crate) fn identity_extra(d: &TypeDesc) -> impl Iterator<Item = FrontendTy> + '_ {
    let (ret, tuple): (Option<FrontendTy>, &[crate::desc::FieldDesc]) = match d {
        TypeDesc::Function { ret, .. } => (*ret, &[]),
        TypeDesc::Tuple { elems, .. } => (None, elems),
        TypeDesc::Structural(s) => (None, &s.fields),
        TypeDesc::PointerToMember { class, .. } => (Some(*class), &[]),
        _ => (None, &[]),
    };
    ret.into_iter().chain(tuple.iter().map(|f| f.ty))
}

/// The handles whose *nodes* a structural type (or typedef/enum) needs before
/// it can be built.
pub(crate) fn build_parts(d: &TypeDesc) -> Vec<FrontendTy> {
    match d {
        TypeDesc::Pointer { pointee } => vec![*pointee],
        TypeDesc::PointerTo(p) => vec![p.pointee],
        TypeDesc::PointerToMember { pointee, class, .. } => vec![*pointee, *class],
        TypeDesc::Qualified { target, .. } => vec![*target],
        TypeDesc::Array { elem, .. } => vec![*elem],
        TypeDesc::ArrayOf(a) => vec![a.elem],
        TypeDesc::Function { params, ret, .. } => params.iter().copied().chain(*ret).collect(),
        TypeDesc::Typedef(t) => scope_part(t.scope).into_iter().chain([t.target]).collect(),
        TypeDesc::Enum(e) => scope_part(e.scope)
            .into_iter()
            .chain([e.underlying])
            .collect(),
        TypeDesc::Tuple { elems, .. } => elems.iter().map(|f| f.ty).collect(),
        TypeDesc::Structural(s) => s.fields.iter().map(|f| f.ty).collect(),
        TypeDesc::Struct(c) | TypeDesc::Union(c) => scope_part(c.scope).into_iter().collect(),
        TypeDesc::TaggedUnion(t) => scope_part(t.scope).into_iter().collect(),
        TypeDesc::Base { .. } | TypeDesc::Void | TypeDesc::Unspecified { .. } => Vec::new(),
    }
}

/// The enclosing type of a nested type: built before the nested one.
fn scope_part(s: TypeScope) -> Option<FrontendTy> {
    match s {
        TypeScope::Type(t) => Some(t),
        TypeScope::Unit | TypeScope::Namespace(_) => None,
    }
}

/// What the fingerprint sees of a scope: a namespace by its handle, an
/// enclosing type only as "nested" (two handles of one enclosing type are
/// the same scope; the enclosing type's identity is compared through
/// [`visit_refs`]).
fn scope_key(s: TypeScope) -> Option<crate::handles::NamespaceId> {
    match s {
        TypeScope::Namespace(n) => Some(n),
        TypeScope::Unit | TypeScope::Type(_) => None,
    }
}

/// Calls `f` on every type a nominal description refers to besides its
/// identity, in a fixed order: what a second description of the same unique
/// ID must agree on (compared by the unique IDs these resolve to).
pub(crate) fn visit_refs(d: &TypeDesc, f: &mut dyn FnMut(FrontendTy)) {
    let params = param_refs;
    let scope = match d {
        TypeDesc::Struct(c) | TypeDesc::Union(c) => c.scope,
        TypeDesc::TaggedUnion(t) => t.scope,
        TypeDesc::Enum(e) => e.scope,
        TypeDesc::Typedef(t) => t.scope,
        _ => TypeScope::Unit,
    };
    if let Some(t) = scope_part(scope) {
        f(t);
    }
    match d {
        TypeDesc::Struct(c) | TypeDesc::Union(c) => {
            c.fields.iter().for_each(|x| f(x.ty));
            params(f, &c.template_params);
            c.bases.iter().for_each(|b| f(b.ty));
            method_refs(f, &c.methods);
            c.statics.iter().for_each(|s| f(s.ty));
            c.containing_type.into_iter().for_each(&mut *f);
            c.nested.iter().for_each(|t| f(*t));
        }
        TypeDesc::TaggedUnion(t) => {
            t.tag.into_iter().for_each(|t| f(t.ty));
            for var in &t.variants {
                var.fields.iter().for_each(|x| f(x.ty));
                params(f, &var.template_params);
            }
            params(f, &t.template_params);
            method_refs(f, &t.methods);
        }
        TypeDesc::Enum(e) => f(e.underlying),
        TypeDesc::Typedef(t) => f(t.target),
        _ => {}
    }
}

/// The types a method declaration refers to: result, parameters, `this`.
fn method_refs(f: &mut dyn FnMut(FrontendTy), ms: &[MethodDesc]) {
    for m in ms {
        m.ret
            .iter()
            .chain(&m.params)
            .chain(&m.this)
            .for_each(|t| f(*t));
        param_refs(f, &m.template_params);
    }
}

/// The types template parameters refer to.
fn param_refs(f: &mut dyn FnMut(FrontendTy), ps: &[TemplateParam]) {
    for p in ps {
        p.visit_types(f);
    }
}

/// What the fingerprint sees of template parameters: names and values
/// (their types are compared by [`visit_refs`]).
fn hash_params(h: &mut FxHasher, ps: &[TemplateParam]) {
    ps.len().hash(h);
    for p in ps {
        hash_param(h, p);
    }
}

/// What the fingerprint sees of method declarations (their types are
/// compared by [`visit_refs`]).
fn hash_methods(h: &mut FxHasher, ms: &[MethodDesc]) {
    for m in ms {
        (
            &m.name,
            &m.linkage_name,
            m.access,
            m.virtuality,
            m.artificial,
        )
            .hash(h);
        (m.params.len(), m.ret.is_some(), m.this.is_some()).hash(h);
        (m.variadic, &m.artificial_params, m.explicit).hash(h);
        hash_params(h, &m.template_params);
    }
}

/// What the fingerprint sees of a template parameter: its kind, name,
/// value, default mark and a pack's arguments (types are compared by
/// [`visit_refs`]).
fn hash_param(h: &mut FxHasher, p: &TemplateParam) {
    match p {
        TemplateParam::Type { name, .. } => (0u8, name).hash(h),
        TemplateParam::Value { name, value, .. } => (1u8, name, value).hash(h),
        TemplateParam::Pack { name, args } => {
            (2u8, name, args.len()).hash(h);
            args.iter().for_each(|a| hash_param(h, a));
        }
        TemplateParam::Defaulted(inner) => {
            3u8.hash(h);
            hash_param(h, inner);
        }
    }
}

impl TemplateParam {
    /// Calls `f` on the types this parameter refers to, in order.
    fn visit_types(&self, f: &mut dyn FnMut(FrontendTy)) {
        match self {
            TemplateParam::Type { ty, .. } | TemplateParam::Value { ty, .. } => f(*ty),
            TemplateParam::Pack { args, .. } => args.iter().for_each(|a| a.visit_types(f)),
            TemplateParam::Defaulted(inner) => inner.visit_types(f),
        }
    }
}

pub(crate) fn fingerprint(d: &TypeDesc) -> u64 {
    let mut h = FxHasher::default();
    std::mem::discriminant(d).hash(&mut h);
    let fields = |h: &mut FxHasher, fs: &[FieldDesc]| {
        fs.len().hash(h);
        for f in fs {
            (
                &f.name,
                f.offset,
                f.bits,
                f.access,
                f.artificial,
                f.zero_sized,
                f.align,
            )
                .hash(h);
        }
    };
    let params = hash_params;
    match d {
        TypeDesc::Struct(c) | TypeDesc::Union(c) => {
            (
                &c.name,
                c.size,
                c.align,
                c.opaque,
                scope_key(c.scope),
                c.class,
            )
                .hash(&mut h);
            fields(&mut h, &c.fields);
            params(&mut h, &c.template_params);
            for b in &c.bases {
                (b.offset, b.access, b.virtual_offset_offset).hash(&mut h);
            }
            hash_methods(&mut h, &c.methods);
            for s in &c.statics {
                (&s.name, s.access, s.const_value).hash(&mut h);
            }
            (c.bases.len(), c.methods.len(), c.statics.len()).hash(&mut h);
            c.containing_type.is_some().hash(&mut h);
            (&c.linkage_name, c.nested.len()).hash(&mut h);
        }
        TypeDesc::Enum(e) => (
            &e.name,
            e.size,
            &e.enumerators,
            scope_key(e.scope),
            e.enum_class,
        )
            .hash(&mut h),
        TypeDesc::TaggedUnion(t) => {
            (
                &t.name,
                t.size,
                t.align,
                t.tag.map(|t| t.offset),
                t.encoding,
                scope_key(t.scope),
            )
                .hash(&mut h);
            for v in &t.variants {
                (&v.name, &v.discriminant).hash(&mut h);
                fields(&mut h, &v.fields);
                params(&mut h, &v.template_params);
            }
            params(&mut h, &t.template_params);
            hash_methods(&mut h, &t.methods);
            t.methods.len().hash(&mut h);
        }
        TypeDesc::Typedef(t) => (&t.name, scope_key(t.scope)).hash(&mut h),
        TypeDesc::Base { size, encoding, .. } => (size, encoding).hash(&mut h),
        TypeDesc::Array { len, elem_size, .. } => (len, elem_size).hash(&mut h),
        TypeDesc::ArrayOf(a) => (&a.dims, a.elem_size).hash(&mut h),
        TypeDesc::Tuple { size, elems, .. } => {
            size.hash(&mut h);
            fields(&mut h, elems);
        }
        TypeDesc::Structural(s) => {
            s.size.hash(&mut h);
            fields(&mut h, &s.fields);
        }
        TypeDesc::PointerToMember { size, .. } => size.hash(&mut h),
        TypeDesc::Pointer { .. }
        | TypeDesc::PointerTo(_)
        | TypeDesc::Qualified { .. }
        | TypeDesc::Function { .. }
        | TypeDesc::Void
        | TypeDesc::Unspecified { .. } => {}
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
        TypeDesc::PointerTo(p) => p.name.as_deref().unwrap_or("pointer"),
        TypeDesc::Qualified { .. } => "qualified type",
        TypeDesc::PointerToMember { .. } => "pointer to member",
        TypeDesc::Structural(s) => &s.name,
        TypeDesc::Array { .. } | TypeDesc::ArrayOf(_) => "array",
        TypeDesc::Function { .. } => "function type",
        TypeDesc::Tuple { .. } => "tuple",
        TypeDesc::Void => "void",
        TypeDesc::Unspecified { name } => name,
    }
}
