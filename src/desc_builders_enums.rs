//! Constructors and builder methods for tagged unions (variants,
//! discriminants, methods) and C-like enums.

#![forbid(unsafe_code)]

use crate::desc::{
    Discriminant, EnumDesc, FieldDesc, FrontendTy, MethodDesc, NominalKey, TagDesc,
    TaggedUnionDesc, TaggedUnionEncoding, TemplateParam, TypeScope, VariantDesc,
};

impl VariantDesc {
    /// A variant `name` selected by `discriminant` (a tag value, or a
    /// [`Discriminant`]), no fields yet.
    pub fn new(name: impl Into<String>, discriminant: impl Into<Discriminant>) -> Self {
        VariantDesc {
            name: name.into(),
            discriminant: discriminant.into(),
            fields: Vec::new(),
            template_params: Vec::new(),
        }
    }

    /// Appends a payload field.
    pub fn field(mut self, name: impl Into<String>, ty: FrontendTy, offset: u64) -> Self {
        self.fields.push(FieldDesc::new(name, ty, offset));
        self
    }

    /// Appends a template type parameter of the variant's struct.
    pub fn template_type(mut self, name: impl Into<String>, ty: FrontendTy) -> Self {
        self.template_params.push(TemplateParam::Type {
            name: name.into(),
            ty,
        });
        self
    }
}

impl TaggedUnionDesc {
    /// A tagged union `name` (identity `key`) of `size` bytes aligned to
    /// `align` whose tag of type `tag_ty` is at byte `tag_offset`: no
    /// generic arguments, in the unit scope, no variants yet, the
    /// `VariantPart` encoding.
    ///
    /// ```
    /// use dwarfsmith::*;
    /// // enum OptLong { None, Some(long) }: tag at 0, payload at 8.
    /// let (tag, long, opt) = (FrontendTy(0), FrontendTy(1), FrontendTy(2));
    /// let mut types = |t: FrontendTy| {
    ///     Ok(match t.0 {
    ///         0 => TypeDesc::base("u8", 1, BaseEncoding::Unsigned),
    ///         1 => TypeDesc::base("long", 8, BaseEncoding::Signed),
    ///         _ => TypeDesc::TaggedUnion(
    ///             TaggedUnionDesc::new(NominalKey::new(1, 9), "OptLong", (16, 8), (0, tag))
    ///                 .variant(VariantDesc::new("None", 0))
    ///                 .variant(VariantDesc::new("Some", 1).field("0", long, 8)),
    ///         ),
    ///     })
    /// };
    /// let mut cx = DebugContext::new(
    ///     GimliBackend::new(GimliOptions::default())?,
    ///     &CompileUnit::new("opt.rs", "/src").language(Language::Rust),
    /// )?;
    /// let t = cx.resolve_type(&mut types, opt)?;
    /// assert_eq!(cx.type_size(t)?, 16);
    /// cx.finish()?;
    /// # Ok::<(), dwarfsmith::Error>(())
    /// ```
    pub fn new(
        key: NominalKey,
        name: impl Into<String>,
        (size, align): (u64, u32),
        (tag_offset, tag_ty): (u64, FrontendTy),
    ) -> Self {
        TaggedUnionDesc {
            key,
            generic_args: Vec::new(),
            name: name.into(),
            scope: TypeScope::Unit,
            size,
            align,
            tag: Some(TagDesc {
                offset: tag_offset,
                ty: tag_ty,
            }),
            variants: Vec::new(),
            encoding: TaggedUnionEncoding::default(),
            decl: None,
            template_params: Vec::new(),
            methods: Vec::new(),
        }
    }

    /// A tag-less tagged union: one variant laid out as its payload (Rust's
    /// `enum Wrap { W(i64) }`), or none (an uninhabited enum).
    pub fn tagless(key: NominalKey, name: impl Into<String>, (size, align): (u64, u32)) -> Self {
        TaggedUnionDesc {
            tag: None,
            ..TaggedUnionDesc::new(key, name, (size, align), (0, FrontendTy(0)))
        }
    }

    /// Appends a variant.
    pub fn variant(mut self, variant: VariantDesc) -> Self {
        self.variants.push(variant);
        self
    }

    /// Chooses the encoding.
    pub fn encoding(mut self, encoding: TaggedUnionEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Appends a method declaration; its index for
    /// [`FunctionDesc::method_of`](crate::FunctionDesc::method_of) is the number of methods before it.
    pub fn method(mut self, method: MethodDesc) -> Self {
        self.methods.push(method);
        self
    }
}

impl EnumDesc {
    /// A C-like enum `name` (identity `key`) stored as `underlying`, of
    /// `size` bytes aligned to `align`: no generic arguments, in the unit
    /// scope, no enumerators yet.
    pub fn new(
        key: NominalKey,
        name: impl Into<String>,
        underlying: FrontendTy,
        size: u64,
        align: u32,
    ) -> Self {
        EnumDesc {
            key,
            generic_args: Vec::new(),
            name: name.into(),
            scope: TypeScope::Unit,
            underlying,
            size,
            align,
            enumerators: Vec::new(),
            decl: None,
            enum_class: false,
            opaque: false,
        }
    }

    /// Appends an enumerator (its value a bit pattern of the underlying
    /// type).
    pub fn enumerator(mut self, name: impl Into<String>, value: i128) -> Self {
        self.enumerators.push((name.into(), value));
        self
    }

    /// Makes it a scoped enumeration (C++ `enum class`).
    pub fn enum_class(mut self) -> Self {
        self.enum_class = true;
        self
    }
}

impl From<u128> for Discriminant {
    /// The single tag value, as a bit pattern.
    fn from(v: u128) -> Self {
        Discriminant::Value(v as i128)
    }
}
