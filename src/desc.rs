//! What the frontend tells the library about its types.
//!
//! The library asks lazily: [`TypeSource::describe`] is called at most once per
//! frontend type handle ([`FrontendTy`]), the first time that handle is
//! resolved. Descriptions name other types by *frontend* handles; the library
//! resolves them itself, with an explicit worklist.

#![forbid(unsafe_code)]

use crate::handles::{FileId, NamespaceId};

pub use crate::desc_class::{
    Access, BaseDesc, BitField, MethodDesc, StaticMemberDesc, TemplateParam, Virtuality,
};

/// The frontend's own handle for one of its types (an index, an interned
/// pointer...). Many handles may describe the same unique type (rustc's
/// lifetimes): the unique ID decides identity, the handle is only the
/// fast-path cache key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FrontendTy(pub u64);

/// Implemented by the frontend: describes one of its types on request.
///
/// `describe` is called at most once per handle, only for handles the
/// context has not seen; the parts a description names (fields, pointees,
/// generic arguments) are described in turn, through the same source.
///
/// ```
/// use dwarfsmith::*;
///
/// /// A frontend's type table: `Int` or a pointer to another entry.
/// enum Ty { Int, Ptr(u64) }
/// struct Table(Vec<Ty>);
///
/// impl TypeSource for Table {
///     fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String> {
///         match self.0.get(ty.0 as usize) {
///             Some(Ty::Int) => Ok(TypeDesc::base("int", 4, BaseEncoding::Signed)),
///             Some(Ty::Ptr(to)) => Ok(TypeDesc::pointer(FrontendTy(*to))),
///             None => Err(format!("no type #{}", ty.0)),
///         }
///     }
/// }
///
/// let mut cx = DebugContext::new(GimliBackend::new(GimliOptions::default())?,
///                                &CompileUnit::new("a.c", "/src"))?;
/// let mut table = Table(vec![Ty::Int, Ty::Ptr(0), Ty::Ptr(1)]);
/// let pp = cx.resolve_type(&mut table, FrontendTy(2))?;
/// assert_eq!(cx.stable_type_id(pp)?, "**int");
/// let e = cx.resolve_type(&mut table, FrontendTy(7)).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::DescribeFailed);
/// # Ok::<(), dwarfsmith::Error>(())
/// ```
pub trait TypeSource {
    /// Describes the type behind `ty`. An `Err` message is reported back as an
    /// [`ErrorKind::DescribeFailed`](crate::ErrorKind::DescribeFailed) error.
    fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String>;
}

/// Identity of a nominal type: the hash of the crate or module that defines
/// it and the id of the definition inside it (rustc: SVH + `DefId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NominalKey {
    /// Hash of the defining crate/module; stable across compile units.
    pub crate_hash: u64,
    /// The definition's id inside that crate/module.
    pub def_id: u64,
}

/// How a base type's bits are interpreted (`DW_ATE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BaseEncoding {
    /// Two's-complement signed integer.
    Signed,
    /// Unsigned integer.
    Unsigned,
    /// IEEE float.
    Float,
    /// Boolean (0 or 1).
    Boolean,
    /// Signed character.
    SignedChar,
    /// Unsigned character (UTF-8 code unit).
    UnsignedChar,
    /// A Unicode code point (`char` in Rust).
    Utf,
    /// A complex floating-point number (C `_Complex double`).
    ComplexFloat,
}

/// Where a definition is in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeclLoc {
    /// The file, from [`DebugContext::file`](crate::DebugContext::file).
    pub file: FileId,
    /// 1-based line.
    pub line: u32,
}

/// Where a named type lives: at the top level or in a namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TypeScope {
    /// Directly in the compile unit.
    #[default]
    Unit,
    /// In a namespace.
    Namespace(NamespaceId),
    /// Nested in a struct, union, class, enum or tagged union (C++ nested
    /// types, Rust's variant structs): the enclosing type's handle.
    Type(FrontendTy),
}

/// One data member of a struct, union or variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDesc {
    /// Member name (for tuple-like fields use `__0`, `__1`, ...); empty for
    /// an anonymous struct or union member (C11, C++), whose members the
    /// debugger shows as the enclosing type's.
    pub name: String,
    /// The member's type.
    pub ty: FrontendTy,
    /// Byte offset from the start of the enclosing type (for a bitfield:
    /// ignored, see `bits`).
    pub offset: u64,
    /// A bitfield: its bit offset and width.
    pub bits: Option<BitField>,
    /// Accessibility (C++); [`Access::Unspecified`] writes none.
    pub access: Access,
    /// Compiler-generated (`DW_AT_artificial`), e.g. a vtable pointer.
    pub artificial: bool,
    /// The member occupies no bytes although its type has a size: rustc
    /// describes zero-sized members (function items) with an 8-byte pointer
    /// type, placed after the other members, even where that reaches past
    /// the struct. Such a member only has to start inside the struct.
    pub zero_sized: bool,
    /// The member's alignment in bytes, written as `DW_AT_alignment` in
    /// DWARF 5 (rustc writes it on every member); 0: not written.
    pub align: u32,
}

/// A struct or union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompositeDesc {
    /// Identity of the definition.
    pub key: NominalKey,
    /// Generic arguments: part of the unique ID only. The debugger sees the
    /// name (`Vec<i32>`) and `template_params`.
    pub generic_args: Vec<FrontendTy>,
    /// Name as the debugger shows it (without namespace).
    pub name: String,
    /// Enclosing namespace.
    pub scope: TypeScope,
    /// Size in bytes.
    pub size: u64,
    /// Alignment in bytes (a power of two, or 0 if unknown).
    pub align: u32,
    /// Definition site.
    pub decl: Option<DeclLoc>,
    /// Data members in declaration order.
    pub fields: Vec<FieldDesc>,
    /// Emit only a declaration (`DW_AT_declaration`): the frontend does not
    /// know the definition (an opaque/extern type).
    pub opaque: bool,
    /// A C++ `class` (`DW_TAG_class_type`) rather than a `struct`; ignored
    /// for unions.
    pub class: bool,
    /// Template parameters, written as `DW_TAG_template_*_parameter`.
    pub template_params: Vec<TemplateParam>,
    /// Base classes (C++ inheritance), in declaration order.
    pub bases: Vec<BaseDesc>,
    /// Member functions, declared inside the type.
    pub methods: Vec<MethodDesc>,
    /// Static data members.
    pub statics: Vec<StaticMemberDesc>,
    /// The type whose vtable this type's vtable pointer points into
    /// (`DW_AT_containing_type`): a C++ dynamic class names itself or its
    /// primary base; rustc's vtable types name the implementing type.
    pub containing_type: Option<FrontendTy>,
    /// The symbol name of an unnamed type named for linkage by a typedef
    /// (g++'s `typedef struct {..} div_t` is `5div_t`), written as
    /// `DW_AT_linkage_name`; gdb names such a type by it.
    pub linkage_name: Option<String>,
    /// The types declared inside this one (each with
    /// `TypeScope::Type` of this type), in declaration order: resolved in
    /// this order when this type is completed, before its members' types,
    /// so they are written in it in this order (gdb lists member typedefs
    /// in that order). A nested type resolved before this type is
    /// completed keeps the place it was written in. Listing a type that is
    /// not nested in this one, or one twice, is an error.
    pub nested: Vec<FrontendTy>,
}

/// A C-like enumeration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumDesc {
    /// Identity of the definition.
    pub key: NominalKey,
    /// Generic arguments (identity only).
    pub generic_args: Vec<FrontendTy>,
    /// Name.
    pub name: String,
    /// Enclosing namespace.
    pub scope: TypeScope,
    /// The underlying integer type.
    pub underlying: FrontendTy,
    /// Size in bytes.
    pub size: u64,
    /// Alignment in bytes.
    pub align: u32,
    /// Enumerators: name and value. The value is read as a bit pattern of
    /// the underlying type's size and signedness (`-1` for an unsigned
    /// 128-bit underlying type is `u128::MAX`).
    pub enumerators: Vec<(String, i128)>,
    /// Definition site.
    pub decl: Option<DeclLoc>,
    /// A scoped enumeration (C++ `enum class`, `DW_AT_enum_class`).
    pub enum_class: bool,
    /// Emit only a declaration (`DW_AT_declaration`, C++'s opaque
    /// `enum class E : int;`): no enumerators.
    pub opaque: bool,
}

/// How a tagged union is encoded in the debug info.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TaggedUnionEncoding {
    /// DWARF 5 `DW_TAG_variant_part` (what rustc emits; gdb understands it,
    /// lldb only for Rust compile units).
    #[default]
    VariantPart,
    /// A struct holding `tag` (an enumeration named after the variants) and
    /// `payload` (a union of one struct per variant): shown by every debugger
    /// that understands C++.
    CppLike,
}

/// Which tag values select a variant. Values are bit patterns of the tag's
/// size, read with the tag's signedness (as enumerators are).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Discriminant {
    /// Exactly this tag value (`DW_AT_discr_value`).
    Value(i128),
    /// Every value no other variant claims (no `DW_AT_discr_value`): the
    /// payload-carrying variant of a niche layout (`Some` of
    /// `Option<&T>`). At most one per tagged union.
    Default,
    /// Any value in these inclusive ranges (`DW_AT_discr_list`; a range
    /// `(v, v)` is a single value).
    Ranges(Vec<(i128, i128)>),
}

/// Where a tagged union's tag is and what type it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TagDesc {
    /// Byte offset from the start of the tagged union. In a niche layout
    /// the tag lies inside a variant's payload (the pointer of
    /// `Option<&T>`), overlapping that variant's fields.
    pub offset: u64,
    /// The tag's integer type (a base type with an integer encoding or a
    /// C-like enum), 1 to 16 bytes.
    pub ty: FrontendTy,
}

/// One variant of a tagged union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantDesc {
    /// Variant name.
    pub name: String,
    /// The tag values that select this variant.
    pub discriminant: Discriminant,
    /// Payload fields; offsets are from the start of the whole tagged union.
    pub fields: Vec<FieldDesc>,
    /// Template parameters of the variant's struct (rustc repeats the
    /// enum's generic parameters on every variant struct: `T = u32` in
    /// `Option<u32>::Some`).
    pub template_params: Vec<TemplateParam>,
}

/// A tagged union (an enum with payloads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaggedUnionDesc {
    /// Identity of the definition.
    pub key: NominalKey,
    /// Generic arguments (identity only).
    pub generic_args: Vec<FrontendTy>,
    /// Name.
    pub name: String,
    /// Enclosing namespace.
    pub scope: TypeScope,
    /// Size in bytes.
    pub size: u64,
    /// Alignment in bytes.
    pub align: u32,
    /// The tag; `None` for a tag-less layout: a single variant laid out as
    /// its payload, or no variant at all (an uninhabited enum).
    pub tag: Option<TagDesc>,
    /// The variants.
    pub variants: Vec<VariantDesc>,
    /// Encoding chosen by the frontend.
    pub encoding: TaggedUnionEncoding,
    /// Definition site.
    pub decl: Option<DeclLoc>,
    /// Template parameters (rustc writes the generic arguments as these).
    pub template_params: Vec<TemplateParam>,
    /// Member functions, declared inside the type (rustc declares an enum's
    /// methods in its struct); a definition names one with
    /// [`FunctionDesc::method_of`](crate::FunctionDesc::method_of).
    pub methods: Vec<MethodDesc>,
}

/// A typedef / type alias (nominal: it has its own name and identity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedefDesc {
    /// Identity of the alias definition.
    pub key: NominalKey,
    /// Alias name.
    pub name: String,
    /// Enclosing namespace.
    pub scope: TypeScope,
    /// The aliased type.
    pub target: FrontendTy,
    /// Definition site.
    pub decl: Option<DeclLoc>,
    /// Accessibility of a typedef nested in a class (C++ member typedefs).
    pub access: Access,
}

/// What kind of pointer a [`PointerDesc`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PointerKind {
    /// `DW_TAG_pointer_type` (`*T`, `*const T`, `Box<T>`).
    #[default]
    Pointer,
    /// `DW_TAG_reference_type` (C++ `T&`).
    Reference,
    /// `DW_TAG_rvalue_reference_type` (C++ `T&&`).
    RvalueReference,
}

/// A pointer-sized pointer or reference with an optional name of its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PointerDesc {
    /// Pointer, reference or rvalue reference.
    pub kind: PointerKind,
    /// The pointee.
    pub pointee: FrontendTy,
    /// The name the debugger shows (`&u32`, `*const u8`, `Box<Node>`);
    /// `None` leaves the pointer unnamed (C's `T *`). Part of the identity:
    /// `&T` and `*const T` are different types.
    pub name: Option<String>,
}

/// A type qualifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Qualifier {
    /// `const`.
    Const,
    /// `volatile`.
    Volatile,
    /// `restrict`.
    Restrict,
    /// C11 `_Atomic`.
    Atomic,
}

/// An array of one or more dimensions, the outermost possibly of unknown
/// bound.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ArrayDesc {
    /// Element type.
    pub elem: FrontendTy,
    /// Element counts, outermost first (`int a[2][3]` is `[Some(2),
    /// Some(3)]`); `None` (only first) is an unknown bound: a C flexible
    /// array member or `extern int a[]`, of size 0.
    pub dims: Vec<Option<u64>>,
    /// Size of one element in bytes.
    pub elem_size: u64,
    /// Alignment in bytes.
    pub align: u32,
}

/// A struct whose identity is its name and its members' types, not a
/// definition: rustc's fat pointers (`&[T]`, `&str`, `&dyn Trait`) and other
/// named structural types. Field names are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StructuralDesc {
    /// The name the debugger shows, e.g. `&[u8]`.
    pub name: String,
    /// Members with names, types and offsets.
    pub fields: Vec<FieldDesc>,
    /// Size in bytes.
    pub size: u64,
    /// Alignment in bytes.
    pub align: u32,
}

/// A description of one type, as the frontend gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeDesc {
    /// A primitive: identified by name.
    Base {
        /// Name, e.g. `i64`.
        name: String,
        /// Size in bytes.
        size: u64,
        /// Encoding.
        encoding: BaseEncoding,
    },
    /// An unnamed pointer (the context's address size); the same type as
    /// a [`TypeDesc::PointerTo`] of kind `Pointer` without a name.
    Pointer {
        /// The pointee.
        pointee: FrontendTy,
    },
    /// A pointer or reference, possibly named.
    PointerTo(PointerDesc),
    /// A pointer to a data member or member function of `class` (C++
    /// `int C::*`), pointer-sized for data members.
    PointerToMember {
        /// The member's type.
        pointee: FrontendTy,
        /// The class.
        class: FrontendTy,
        /// Size in bytes (8 for data members, 16 for member functions on
        /// x86-64).
        size: u64,
    },
    /// A qualified type (`const T`, ...).
    Qualified {
        /// The qualifier.
        qualifier: Qualifier,
        /// The qualified type.
        target: FrontendTy,
    },
    /// A multi-dimensional array or one of unknown bound; a one-dimensional
    /// `[Some(n)]` is the same type as [`TypeDesc::Array`] of `n`.
    ArrayOf(ArrayDesc),
    /// A named struct with structural identity (fat pointers).
    Structural(StructuralDesc),
    /// A fixed-size array.
    Array {
        /// Element type.
        elem: FrontendTy,
        /// Number of elements.
        len: u64,
        /// Size of one element in bytes.
        elem_size: u64,
        /// Alignment in bytes.
        align: u32,
    },
    /// A function type (the target of a function pointer).
    Function {
        /// Parameter types.
        params: Vec<FrontendTy>,
        /// Return type; `None` for no value.
        ret: Option<FrontendTy>,
        /// C variadic.
        variadic: bool,
        /// Indices into `params` of artificial parameters, strictly
        /// increasing: the object pointer (`this`) of a pointer to member
        /// function's subroutine type, which gdb shows as `T * const`.
        artificial_params: Vec<usize>,
    },
    /// A tuple: structural, emitted as an anonymous struct named `(A, B)`.
    Tuple {
        /// Elements with their types and offsets (names ignored: `__0`...).
        elems: Vec<FieldDesc>,
        /// Size in bytes.
        size: u64,
        /// Alignment in bytes.
        align: u32,
    },
    /// A struct.
    Struct(CompositeDesc),
    /// A union.
    Union(CompositeDesc),
    /// A C-like enum.
    Enum(EnumDesc),
    /// A tagged union.
    TaggedUnion(TaggedUnionDesc),
    /// A typedef.
    Typedef(TypedefDesc),
    /// C's `void`: no DIE of its own. A pointer to it, a qualified `void`
    /// or a typedef of it is written without `DW_AT_type` (as compilers
    /// write `void *`, `const void` and `typedef void T`); a function or
    /// method returning it returns nothing; a template type parameter of
    /// it has no type. It has no values: a member, element, parameter,
    /// variable, base, tag or underlying type of `void` is an error.
    Void,
    /// A type the language leaves unspecified (`DW_TAG_unspecified_type`,
    /// C++'s `decltype(nullptr)`), pointer-sized, identified by its name.
    Unspecified {
        /// The name, e.g. `decltype(nullptr)`.
        name: String,
    },
}
