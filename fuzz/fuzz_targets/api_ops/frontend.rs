//! The fuzzer's frontend: a table of type templates decoded from the
//! input, described to dwarfsmith as a [`TypeSource`] (see the target's
//! module comment for how handles name instantiations).

use dwarfsmith::{
    BaseEncoding, CompositeDesc, DeclLoc, EnumDesc, FieldDesc, FileId, FrontendTy, NamespaceId,
    NominalKey, TaggedUnionDesc, TaggedUnionEncoding, TypeDesc, TypeScope, TypeSource, TypedefDesc,
    VariantDesc,
};

use crate::bytes::{Bytes, ALIGNS, NAMES, OFFSETS, SIZES};

/// A reference from a template: depth delta (0 or +1) and template index.
#[derive(Clone, Copy)]
pub(crate) struct Ref(u8, u8);

/// A variant of a tagged union: name, discriminant, fields (name, type,
/// offset).
pub(crate) type VariantTemplate = (&'static str, u64, Vec<(&'static str, Ref, u64)>);

#[derive(Clone)]
pub(crate) enum Template {
    Base(&'static str, u64, BaseEncoding),
    Pointer(Ref),
    Array(Ref, u64, u64, u32),
    Function(Vec<Ref>, Option<Ref>, bool),
    Tuple(Vec<(Ref, u64)>, u64, u32),
    Struct(
        bool,
        u8,
        Vec<Ref>,
        &'static str,
        u64,
        u32,
        Vec<(&'static str, Ref, u64)>,
        bool,
    ),
    Enum(u8, &'static str, Ref, u64, u32, Vec<(&'static str, i64)>),
    Tagged(
        u8,
        &'static str,
        u64,
        u32,
        u64,
        Ref,
        Vec<VariantTemplate>,
        bool,
    ),
    Typedef(u8, &'static str, Ref),
}

pub(crate) struct Frontend {
    pub(crate) templates: Vec<Template>,
    pub(crate) file: Option<FileId>,
    pub(crate) namespace: Option<NamespaceId>,
    /// Stop describing after this many calls (bounds each run's work).
    pub(crate) budget: u32,
}

fn refs(b: &mut Bytes, n: u8) -> Vec<Ref> {
    (0..b.u8() % 4).map(|_| rref(b, n)).collect()
}

fn rref(b: &mut Bytes, n: u8) -> Ref {
    let x = b.u8();
    // Mostly same depth; one in four references goes one instantiation deeper.
    Ref(u8::from(x & 3 == 0), (x >> 2) % (n + 1))
}

fn fields(b: &mut Bytes, n: u8) -> Vec<(&'static str, Ref, u64)> {
    (0..b.u8() % 4)
        .map(|_| (b.pick(NAMES), rref(b, n), b.pick(OFFSETS)))
        .collect()
}

pub(crate) fn template(b: &mut Bytes, n: u8) -> Template {
    let enc = [
        BaseEncoding::Signed,
        BaseEncoding::Unsigned,
        BaseEncoding::Float,
        BaseEncoding::Boolean,
        BaseEncoding::Utf,
    ];
    match b.u8() % 10 {
        0 | 1 => Template::Base(b.pick(NAMES), b.pick(SIZES), b.pick(&enc)),
        2 => Template::Pointer(rref(b, n)),
        3 => Template::Array(rref(b, n), b.pick(SIZES), b.pick(SIZES), b.pick(ALIGNS)),
        4 => Template::Function(
            refs(b, n),
            (b.u8() & 1 == 0).then(|| rref(b, n)),
            b.u8() & 1 == 0,
        ),
        5 => Template::Tuple(
            (0..b.u8() % 4)
                .map(|_| (rref(b, n), b.pick(OFFSETS)))
                .collect(),
            b.pick(SIZES),
            b.pick(ALIGNS),
        ),
        6 => Template::Struct(
            b.u8() & 1 == 0,
            b.u8() % 6,
            refs(b, n),
            b.pick(NAMES),
            b.pick(SIZES),
            b.pick(ALIGNS),
            fields(b, n),
            b.u8().is_multiple_of(8),
        ),
        7 => Template::Enum(
            b.u8() % 6,
            b.pick(NAMES),
            rref(b, n),
            b.pick(SIZES),
            b.pick(ALIGNS),
            (0..b.u8() % 4)
                .map(|_| (b.pick(NAMES), i64::from(b.u8() as i8)))
                .collect(),
        ),
        8 => Template::Tagged(
            b.u8() % 6,
            b.pick(NAMES),
            b.pick(SIZES),
            b.pick(ALIGNS),
            b.pick(OFFSETS),
            rref(b, n),
            (0..b.u8() % 4)
                .map(|_| (b.pick(NAMES), u64::from(b.u8()), fields(b, n)))
                .collect(),
            b.u8() & 1 == 0,
        ),
        _ => Template::Typedef(b.u8() % 6, b.pick(NAMES), rref(b, n)),
    }
}

impl Frontend {
    fn key(def: u8) -> NominalKey {
        NominalKey {
            crate_hash: 0xF022,
            def_id: u64::from(def),
        }
    }
}

impl TypeSource for Frontend {
    fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String> {
        if self.budget == 0 {
            return Err("describe budget exhausted".into());
        }
        self.budget -= 1;
        let (depth, idx) = (ty.0 >> 8, (ty.0 & 0xff) as usize);
        let t = self.templates.get(idx).ok_or("no such template")?.clone();
        let at = |r: Ref| FrontendTy(((depth + u64::from(r.0)) << 8) | u64::from(r.1));
        let fs = |v: &[(&str, Ref, u64)]| -> Vec<FieldDesc> {
            v.iter()
                .map(|(n, r, o)| FieldDesc::new(*n, at(*r), *o))
                .collect()
        };
        let decl = self.file.map(|file| DeclLoc { file, line: 3 });
        let scope = self.namespace.map_or(TypeScope::Unit, TypeScope::Namespace);
        Ok(match t {
            Template::Base(name, size, encoding) => TypeDesc::Base {
                name: name.into(),
                size,
                encoding,
            },
            Template::Pointer(p) => TypeDesc::Pointer { pointee: at(p) },
            Template::Array(e, len, elem_size, align) => TypeDesc::Array {
                elem: at(e),
                len,
                elem_size,
                align,
            },
            Template::Function(ps, ret, variadic) => TypeDesc::Function {
                params: ps.into_iter().map(at).collect(),
                ret: ret.map(at),
                variadic,
                artificial_params: Vec::new(),
            },
            Template::Tuple(es, size, align) => TypeDesc::Tuple {
                elems: es
                    .into_iter()
                    .map(|(r, o)| FieldDesc::new("_", at(r), o))
                    .collect(),
                size,
                align,
            },
            Template::Struct(is_struct, def, args, name, size, align, f, opaque) => {
                let c = CompositeDesc::new(Self::key(def), name, size, align)
                    .generic_args(args.into_iter().map(at).collect())
                    .scope(scope)
                    .decl(decl)
                    .members(fs(&f));
                let c = if opaque { c.opaque() } else { c };
                if is_struct {
                    TypeDesc::Struct(c)
                } else {
                    TypeDesc::Union(c)
                }
            }
            Template::Enum(def, name, u, size, align, es) => TypeDesc::Enum(EnumDesc {
                key: Self::key(def),
                generic_args: vec![],
                name: name.into(),
                scope,
                underlying: at(u),
                size,
                align,
                enumerators: es
                    .into_iter()
                    .map(|(n, v)| (n.into(), i128::from(v)))
                    .collect(),
                decl,
                enum_class: false,
                opaque: false,
            }),
            Template::Tagged(def, name, size, align, tag_offset, tag, vs, cpp) => {
                TypeDesc::TaggedUnion(TaggedUnionDesc {
                    key: Self::key(def),
                    generic_args: vec![],
                    name: name.into(),
                    scope,
                    size,
                    align,
                    tag: Some(dwarfsmith::TagDesc {
                        offset: tag_offset,
                        ty: at(tag),
                    }),
                    variants: vs
                        .into_iter()
                        .map(|(n, d, f)| VariantDesc {
                            name: n.into(),
                            discriminant: (d).into(),
                            fields: fs(&f),
                            template_params: Vec::new(),
                        })
                        .collect(),
                    encoding: if cpp {
                        TaggedUnionEncoding::CppLike
                    } else {
                        TaggedUnionEncoding::VariantPart
                    },
                    decl,
                    template_params: Vec::new(),
                    methods: Vec::new(),
                })
            }
            Template::Typedef(def, name, target) => TypeDesc::Typedef(TypedefDesc {
                key: Self::key(def),
                name: name.into(),
                scope,
                target: at(target),
                decl,
                access: dwarfsmith::Access::Unspecified,
            }),
        })
    }
}
