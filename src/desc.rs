//! What the frontend tells the library about its types.
//!
//! The library asks lazily: [`TypeSource::describe`] is called at most once per
//! frontend type handle ([`FrontendTy`]), the first time that handle is
//! resolved. Descriptions name other types by *frontend* handles; the library
//! resolves them itself, with an explicit worklist.

#![forbid(unsafe_code)]

use crate::handles::{FileId, NamespaceId};

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
}

/// One data member of a struct, union or variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDesc {
    /// Member name (for tuple-like fields use `__0`, `__1`, ...).
    pub name: String,
    /// The member's type.
    pub ty: FrontendTy,
    /// Byte offset from the start of the enclosing type.
    pub offset: u64,
}

/// A struct or union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompositeDesc {
    /// Identity of the definition.
    pub key: NominalKey,
    /// Generic arguments: part of the unique ID only. No backend writes them
    /// as template parameters yet; put them in `name` (`Vec<i32>`) for the
    /// debugger to see them.
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
    /// Enumerators: name and value.
    pub enumerators: Vec<(String, i64)>,
    /// Definition site.
    pub decl: Option<DeclLoc>,
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

/// One variant of a tagged union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantDesc {
    /// Variant name.
    pub name: String,
    /// The tag value that selects this variant.
    pub discriminant: u64,
    /// Payload fields; offsets are from the start of the whole tagged union.
    pub fields: Vec<FieldDesc>,
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
    /// Byte offset of the tag.
    pub tag_offset: u64,
    /// The tag's integer type.
    pub tag_ty: FrontendTy,
    /// The variants.
    pub variants: Vec<VariantDesc>,
    /// Encoding chosen by the frontend.
    pub encoding: TaggedUnionEncoding,
    /// Definition site.
    pub decl: Option<DeclLoc>,
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
    /// A pointer (the context's address size).
    Pointer {
        /// The pointee.
        pointee: FrontendTy,
    },
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
}
