//! Constructors and builder methods for the descriptions a frontend writes,
//! so that only what differs from the common case has to be spelled out.
//! Every field stays public; these only fill in defaults.

#![forbid(unsafe_code)]

use std::path::PathBuf;

use crate::backend::Language;
use crate::context::CompileUnit;
use crate::desc::{
    Access, BaseEncoding, BitField, CompositeDesc, DeclLoc, Discriminant, FieldDesc, FrontendTy,
    NominalKey, PointerDesc, PointerKind, Qualifier, TemplateParam, TypeDesc, TypeScope,
    TypeSource,
};
use crate::handles::{FileId, NamespaceId, TypeRef};
use crate::scopes::{FunctionDesc, GlobalDesc};

/// A closure describing types is a [`TypeSource`] (small frontends, tests).
///
/// ```
/// use dwarfsmith::*;
/// let mut cx = DebugContext::new(
///     GimliBackend::new(GimliOptions::default())?,
///     &CompileUnit::new("a.c", "/tmp"),
/// )?;
/// let mut types = |_: FrontendTy| Ok(TypeDesc::base("long", 8, BaseEncoding::Signed));
/// let long = cx.resolve_type(&mut types, FrontendTy(0))?;
/// assert_eq!(cx.type_size(long)?, 8);
/// # Ok::<(), dwarfsmith::Error>(())
/// ```
impl<F> TypeSource for F
where
    F: FnMut(FrontendTy) -> Result<TypeDesc, String>,
{
    fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String> {
        self(ty)
    }
}

impl CompileUnit {
    /// A compile unit for the primary source file `name` compiled in
    /// `comp_dir`, language C11, producer `dwarfsmith VERSION`; change them
    /// with [`language`](Self::language) and [`producer`](Self::producer).
    pub fn new(name: impl Into<PathBuf>, comp_dir: impl Into<PathBuf>) -> Self {
        CompileUnit {
            producer: concat!("dwarfsmith ", env!("CARGO_PKG_VERSION")).to_owned(),
            language: Language::C11,
            name: name.into(),
            comp_dir: comp_dir.into(),
        }
    }

    /// Sets `DW_AT_language` (`CPlusPlus14` makes debuggers qualify names by
    /// namespace).
    pub fn language(mut self, language: Language) -> Self {
        self.language = language;
        self
    }

    /// Sets `DW_AT_producer`.
    pub fn producer(mut self, producer: impl Into<String>) -> Self {
        self.producer = producer.into();
        self
    }
}

impl<'a> FunctionDesc<'a> {
    /// A function `name` whose code has the symbol `linkage_name`, defined
    /// at `file:line`: no namespace, no return value, no parameters,
    /// external. Add the rest with the builder methods.
    ///
    /// ```
    /// use dwarfsmith::*;
    /// let mut cx = DebugContext::new(
    ///     GimliBackend::new(GimliOptions::default())?,
    ///     &CompileUnit::new("list.c", "/src"),
    /// )?;
    /// let file = cx.file("list.c".as_ref())?;
    /// let mut types = |_: FrontendTy| Ok(TypeDesc::base("int", 4, BaseEncoding::Signed));
    /// let int = cx.resolve_type(&mut types, FrontendTy(0))?;
    /// let params = [int, int];
    /// let f = cx.define_function(
    ///     &FunctionDesc::new("add", "add", file, 3).returns(int).params(&params).local(),
    /// )?;
    /// cx.function_scope(f)?;
    /// # Ok::<(), dwarfsmith::Error>(())
    /// ```
    pub fn new(name: &'a str, linkage_name: &'a str, file: FileId, line: u32) -> Self {
        FunctionDesc {
            name,
            linkage_name,
            namespace: None,
            file,
            line,
            ret: None,
            params: &[],
            external: true,
            method_of: None,
        }
    }

    /// Makes this the definition of method number `index` of `class`, a
    /// struct, class, union or tagged union (`DW_AT_specification`).
    pub fn method_of(mut self, class: TypeRef, index: u32) -> Self {
        self.method_of = Some((class, index));
        self
    }

    /// Sets the return type.
    pub fn returns(mut self, ty: TypeRef) -> Self {
        self.ret = Some(ty);
        self
    }

    /// Sets the parameter types, in order.
    pub fn params(mut self, params: &'a [TypeRef]) -> Self {
        self.params = params;
        self
    }

    /// Puts the function in a namespace.
    pub fn namespace(mut self, ns: NamespaceId) -> Self {
        self.namespace = Some(ns);
        self
    }

    /// Marks the function as not visible outside the compile unit.
    pub fn local(mut self) -> Self {
        self.external = false;
        self
    }
}

impl<'a> GlobalDesc<'a> {
    /// A global `name` of type `ty` stored at symbol `linkage_name`, defined
    /// at `file:line`: no namespace, external.
    pub fn new(name: &'a str, linkage_name: &'a str, ty: TypeRef, file: FileId, line: u32) -> Self {
        GlobalDesc {
            name,
            linkage_name,
            namespace: None,
            ty,
            file,
            line,
            external: true,
        }
    }

    /// Puts the global in a namespace.
    pub fn namespace(mut self, ns: NamespaceId) -> Self {
        self.namespace = Some(ns);
        self
    }

    /// Marks the global as not visible outside the compile unit.
    pub fn local(mut self) -> Self {
        self.external = false;
        self
    }
}

impl NominalKey {
    /// The definition `def_id` of the crate or module hashed to `crate_hash`.
    pub fn new(crate_hash: u64, def_id: u64) -> Self {
        NominalKey { crate_hash, def_id }
    }
}

impl FieldDesc {
    /// A field `name` of type `ty` at byte `offset`.
    pub fn new(name: impl Into<String>, ty: FrontendTy, offset: u64) -> Self {
        FieldDesc {
            name: name.into(),
            ty,
            offset,
            bits: None,
            access: Access::Unspecified,
            artificial: false,
            zero_sized: false,
            align: 0,
        }
    }

    /// A bitfield `name` of type `ty`, `bit_size` bits wide starting
    /// `bit_offset` bits into the enclosing type.
    pub fn bitfield(
        name: impl Into<String>,
        ty: FrontendTy,
        bit_offset: u64,
        bit_size: u32,
    ) -> Self {
        FieldDesc {
            bits: Some(BitField {
                bit_offset,
                bit_size,
            }),
            ..FieldDesc::new(name, ty, bit_offset / 8)
        }
    }

    /// Sets the accessibility.
    pub fn access(mut self, access: Access) -> Self {
        self.access = access;
        self
    }

    /// Marks the member compiler-generated.
    pub fn artificial(mut self) -> Self {
        self.artificial = true;
        self
    }
}

impl CompositeDesc {
    /// A struct or union `name` (identity `key`) of `size` bytes aligned to
    /// `align`: no generic arguments, in the unit scope, no declaration
    /// location, no fields yet, not opaque.
    ///
    /// ```
    /// use dwarfsmith::*;
    /// // struct Node { long value; struct Node *next; }
    /// let (long, node, node_ptr) = (FrontendTy(0), FrontendTy(1), FrontendTy(2));
    /// let desc = CompositeDesc::new(NominalKey::new(1, 1), "Node", 16, 8)
    ///     .field("value", long, 0)
    ///     .field("next", node_ptr, 8);
    /// let mut types = |t: FrontendTy| {
    ///     Ok(match t {
    ///         t if t == long => TypeDesc::base("long", 8, BaseEncoding::Signed),
    ///         t if t == node => TypeDesc::Struct(desc.clone()),
    ///         _ => TypeDesc::pointer(node),
    ///     })
    /// };
    /// let mut cx = DebugContext::new(
    ///     GimliBackend::new(GimliOptions::default())?,
    ///     &CompileUnit::new("node.c", "/src"),
    /// )?;
    /// let t = cx.resolve_type(&mut types, node)?;
    /// assert_eq!(cx.type_size(t)?, 16);
    /// # Ok::<(), dwarfsmith::Error>(())
    /// ```
    pub fn new(key: NominalKey, name: impl Into<String>, size: u64, align: u32) -> Self {
        CompositeDesc {
            key,
            generic_args: Vec::new(),
            name: name.into(),
            scope: TypeScope::Unit,
            size,
            align,
            decl: None,
            fields: Vec::new(),
            opaque: false,
            class: false,
            template_params: Vec::new(),
            bases: Vec::new(),
            methods: Vec::new(),
            statics: Vec::new(),
            containing_type: None,
            linkage_name: None,
            nested: Vec::new(),
        }
    }

    /// Appends a field described in full (bitfields, accessibility).
    pub fn member(mut self, field: FieldDesc) -> Self {
        self.fields.push(field);
        self
    }

    /// Appends fields described in full, in order (a frontend's own member
    /// list mapped to [`FieldDesc`]s).
    pub fn members(mut self, fields: impl IntoIterator<Item = FieldDesc>) -> Self {
        self.fields.extend(fields);
        self
    }

    /// Sets where the type is declared, `None` when the frontend does not
    /// know; [`declared_at`](Self::declared_at) for a place always known.
    pub fn decl(mut self, decl: Option<DeclLoc>) -> Self {
        self.decl = decl;
        self
    }

    /// Makes the type a C++ `class`.
    pub fn class(mut self) -> Self {
        self.class = true;
        self
    }

    /// Appends a template type parameter.
    pub fn template_type(mut self, name: impl Into<String>, ty: FrontendTy) -> Self {
        self.template_params.push(TemplateParam::Type {
            name: name.into(),
            ty,
        });
        self
    }

    /// Appends a field.
    pub fn field(mut self, name: impl Into<String>, ty: FrontendTy, offset: u64) -> Self {
        self.fields.push(FieldDesc::new(name, ty, offset));
        self
    }

    /// Sets the generic arguments (part of the type's identity).
    pub fn generic_args(mut self, args: Vec<FrontendTy>) -> Self {
        self.generic_args = args;
        self
    }

    /// Sets the linkage name of an unnamed type (`DW_AT_linkage_name`).
    pub fn linkage_name(mut self, name: impl Into<String>) -> Self {
        self.linkage_name = Some(name.into());
        self
    }

    /// Appends a nested type, after the ones listed before (declaration
    /// order).
    pub fn nested(mut self, ty: FrontendTy) -> Self {
        self.nested.push(ty);
        self
    }

    /// Sets the enclosing scope.
    pub fn scope(mut self, scope: TypeScope) -> Self {
        self.scope = scope;
        self
    }

    /// Sets where the type is declared.
    pub fn declared_at(mut self, file: FileId, line: u32) -> Self {
        self.decl = Some(DeclLoc { file, line });
        self
    }

    /// Makes the type opaque: a declaration without members.
    pub fn opaque(mut self) -> Self {
        self.opaque = true;
        self
    }
}

impl TypeDesc {
    /// A primitive type.
    pub fn base(name: impl Into<String>, size: u64, encoding: BaseEncoding) -> Self {
        TypeDesc::Base {
            name: name.into(),
            size,
            encoding,
        }
    }

    /// A pointer to `pointee`.
    pub fn pointer(pointee: FrontendTy) -> Self {
        TypeDesc::Pointer { pointee }
    }

    /// A pointer or reference of `kind` to `pointee`, named `name` (`&T`).
    pub fn pointer_named(kind: PointerKind, pointee: FrontendTy, name: impl Into<String>) -> Self {
        TypeDesc::PointerTo(PointerDesc {
            kind,
            pointee,
            name: Some(name.into()),
        })
    }

    /// `target` with `qualifier`.
    pub fn qualified(qualifier: Qualifier, target: FrontendTy) -> Self {
        TypeDesc::Qualified { qualifier, target }
    }

    /// A type the language leaves unspecified, named `name`
    /// (`decltype(nullptr)`).
    pub fn unspecified(name: impl Into<String>) -> Self {
        TypeDesc::Unspecified { name: name.into() }
    }
}

macro_rules! discriminant_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Discriminant {
            /// The single tag value.
            fn from(v: $t) -> Self {
                Discriminant::Value(v as i128)
            }
        }
    )*};
}
discriminant_from!(i32, u32, i64, u64, i128);

impl TemplateParam {
    /// A type parameter `name = ty`.
    pub fn ty(name: impl Into<String>, ty: FrontendTy) -> Self {
        TemplateParam::Type {
            name: name.into(),
            ty,
        }
    }

    /// A constant parameter `name = value` of type `ty`.
    pub fn value(name: impl Into<String>, ty: FrontendTy, value: i128) -> Self {
        TemplateParam::Value {
            name: name.into(),
            ty,
            value,
        }
    }

    /// A parameter pack `name...` of the arguments `args`.
    pub fn pack(name: impl Into<String>, args: Vec<TemplateParam>) -> Self {
        TemplateParam::Pack {
            name: name.into(),
            args,
        }
    }

    /// This parameter, marked as having its default argument.
    pub fn defaulted(self) -> Self {
        TemplateParam::Defaulted(Box::new(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::desc::{EnumDesc, TagDesc, TaggedUnionDesc, TaggedUnionEncoding, VariantDesc};

    #[test]
    fn builders_fill_every_field() {
        let d = CompositeDesc::new(NominalKey::new(1, 2), "S", 8, 4)
            .field("a", FrontendTy(3), 4)
            .generic_args(vec![FrontendTy(9)])
            .members([FieldDesc::new("b", FrontendTy(4), 6)])
            .decl(Some(DeclLoc {
                file: FileId::new(1, 7),
                line: 3,
            }))
            .opaque();
        assert_eq!(
            d.key,
            NominalKey {
                crate_hash: 1,
                def_id: 2
            }
        );
        assert_eq!((d.size, d.align, d.opaque), (8, 4, true));
        assert_eq!(
            d.fields,
            [
                FieldDesc::new("a", FrontendTy(3), 4),
                FieldDesc::new("b", FrontendTy(4), 6)
            ]
        );
        assert_eq!(
            d.decl,
            Some(DeclLoc {
                file: FileId::new(1, 7),
                line: 3
            })
        );
        assert_eq!(d.clone().decl(None).decl, None);
        assert_eq!(d.generic_args, [FrontendTy(9)]);
        let cu = CompileUnit::new("a.c", "/d")
            .language(Language::Rust)
            .producer("p");
        assert_eq!((cu.producer.as_str(), cu.language), ("p", Language::Rust));
        let e = EnumDesc::new(NominalKey::new(1, 3), "E", FrontendTy(0), 4, 4).enumerator("A", -1);
        assert_eq!(e.enumerators, [("A".to_owned(), -1)]);
        let v = VariantDesc::new("Some", 1).field("0", FrontendTy(0), 8);
        assert_eq!(
            (v.discriminant.clone(), v.fields.len()),
            (Discriminant::Value(1), 1)
        );
        let u = TaggedUnionDesc::new(NominalKey::new(1, 4), "Opt", (16, 8), (0, FrontendTy(5)))
            .variant(v.clone())
            .encoding(TaggedUnionEncoding::CppLike);
        assert_eq!(
            (u.size, u.align, u.tag),
            (
                16,
                8,
                Some(TagDesc {
                    offset: 0,
                    ty: FrontendTy(5)
                })
            )
        );
        assert_eq!(
            (u.variants, u.encoding),
            (vec![v], TaggedUnionEncoding::CppLike)
        );
    }
}
