//! The interface between the core and a backend. The core makes every policy
//! decision (caching, stubs, when a location applies, prologue rows, scope
//! ranges); a backend creates exactly the node it is told to, keyed by the
//! dense indices of the core's handles.

mod class_info;
pub mod gimli;
mod index;
#[cfg(any(feature = "llvm19", feature = "llvm22"))]
#[allow(unsafe_code)]
pub mod llvm;

use crate::desc::{Access, BaseEncoding, BitField, PointerKind, Qualifier};
use crate::error::{err, ErrorKind, Result};
use crate::locations::LocationRange;

pub use class_info::{BaseInfo, CompositeBody, MethodInfo, StaticMemberInfo, TemplateParamInfo};
pub use index::{
    BlockIdx, DeclSite, FileIdx, FunctionIdx, GlobalIdx, NamespaceIdx, TypeIdx, VarIdx,
};

/// The source language recorded in the compile unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// C99.
    C99,
    /// C11.
    C11,
    /// C++14 (what Toy uses, so debuggers qualify names by namespace).
    CPlusPlus14,
    /// Rust.
    Rust,
    /// Any other `DW_LANG_*` code.
    Other(u16),
}

impl Language {
    /// The `DW_LANG_*` constant.
    pub fn dwarf_code(self) -> u16 {
        match self {
            Language::C99 => 0x000c,
            Language::C11 => 0x001d,
            Language::CPlusPlus14 => 0x0021,
            Language::Rust => 0x001c,
            Language::Other(c) => c,
        }
    }
}

/// The compile unit, given to [`Backend::begin`].
#[derive(Debug, Clone, Copy)]
pub struct CompileUnitInfo<'a> {
    /// `DW_AT_producer`.
    pub producer: &'a str,
    /// `DW_AT_language`.
    pub language: Language,
    /// Primary source file (`DW_AT_name`), as bytes (paths need not be UTF-8).
    pub name: &'a [u8],
    /// Compilation directory (`DW_AT_comp_dir`).
    pub comp_dir: &'a [u8],
}

/// Where a type, namespace, function or global lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParentScope {
    /// The compile unit.
    Unit,
    /// A namespace.
    Namespace(NamespaceIdx),
    /// A composite type (nested types).
    Type(TypeIdx),
}

/// The parent of a lexical block or variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockParent {
    /// Directly in a function.
    Function(FunctionIdx),
    /// In a lexical block.
    Block(BlockIdx),
}

/// Struct, class or union.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompositeKind {
    /// `DW_TAG_structure_type`.
    Struct,
    /// `DW_TAG_class_type`.
    Class,
    /// `DW_TAG_union_type`.
    Union,
}

/// A struct/union stub: everything but the members.
#[derive(Debug, Clone, Copy)]
pub struct CompositeInfo<'a> {
    /// Struct or union.
    pub kind: CompositeKind,
    /// Name (empty for anonymous).
    pub name: &'a str,
    /// Enclosing scope.
    pub scope: ParentScope,
    /// Size in bytes.
    pub size: u64,
    /// Alignment in bytes (0: unknown).
    pub align: u32,
    /// Where it is defined.
    pub decl: Option<DeclSite>,
    /// The unique ID's stable string, when the backend asked for identifiers.
    pub identifier: Option<&'a str>,
    /// Emit a declaration only (the frontend marked the type opaque).
    pub declaration: bool,
    /// The linkage name of an unnamed type (`DW_AT_linkage_name`).
    pub linkage_name: Option<&'a str>,
}

/// One data member.
#[derive(Debug, Clone, Copy)]
pub struct MemberInfo<'a> {
    /// Name.
    pub name: &'a str,
    /// Type.
    pub ty: TypeIdx,
    /// Byte offset.
    pub offset: u64,
    /// Size of the member's type in bytes.
    pub size: u64,
    /// Alignment of the member's type in bytes.
    pub align: u32,
    /// Compiler-generated (`DW_AT_artificial`), e.g. a variant tag.
    pub artificial: bool,
    /// A bitfield (then `offset` is `bit_offset / 8`, informational).
    pub bits: Option<BitField>,
    /// Accessibility.
    pub access: Access,
    /// The member's own alignment to write (0: none).
    pub member_align: u32,
}

/// Which tag values select a variant, as the core hands them over: values
/// are already reduced to the tag's width and signedness.
#[derive(Debug, Clone, Copy)]
pub enum DiscrInfo<'a> {
    /// One value.
    Value(DiscrValue),
    /// Every value no other variant claims.
    Default,
    /// Inclusive ranges.
    Ranges(&'a [(DiscrValue, DiscrValue)]),
}

/// A tag value: the bit pattern zero- or sign-extended from the tag's width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiscrValue {
    /// From an unsigned tag.
    Unsigned(u128),
    /// From a signed tag.
    Signed(i128),
}

/// One variant of a `DW_TAG_variant_part`.
#[derive(Debug, Clone, Copy)]
pub struct VariantInfo<'a> {
    /// Tag values selecting the variant.
    pub discriminant: DiscrInfo<'a>,
    /// The member (of the variant's struct type) present in this variant.
    pub member: MemberInfo<'a>,
}

/// A variant part: which member is the discriminant and the variants.
#[derive(Debug, Clone, Copy)]
pub struct VariantPartInfo<'a> {
    /// Index into the composite's members of the discriminant member;
    /// `None` for a tag-less variant part (one variant, or none).
    pub discr_member: Option<usize>,
    /// The variants.
    pub variants: &'a [VariantInfo<'a>],
}

/// A C-like enumeration.
#[derive(Debug, Clone, Copy)]
pub struct EnumInfo<'a> {
    /// Name.
    pub name: &'a str,
    /// Enclosing scope.
    pub scope: ParentScope,
    /// Underlying integer type.
    pub underlying: TypeIdx,
    /// Whether the underlying type is unsigned.
    pub unsigned: bool,
    /// Size in bytes.
    pub size: u64,
    /// Alignment in bytes.
    pub align: u32,
    /// Enumerators, reduced to the underlying type's width and signedness.
    pub enumerators: &'a [(&'a str, DiscrValue)],
    /// A scoped enumeration (`DW_AT_enum_class`).
    pub enum_class: bool,
    /// A declaration only (no enumerators, `DW_AT_declaration`).
    pub declaration: bool,
    /// Where it is defined.
    pub decl: Option<DeclSite>,
    /// The unique ID's stable string, when asked for.
    pub identifier: Option<&'a str>,
}

/// A typedef.
#[derive(Debug, Clone, Copy)]
pub struct TypedefInfo<'a> {
    /// Alias name.
    pub name: &'a str,
    /// Target type.
    pub target: TypeIdx,
    /// Enclosing scope.
    pub scope: ParentScope,
    /// Where it is defined.
    pub decl: Option<DeclSite>,
    /// Accessibility (a typedef nested in a class).
    pub access: Access,
}

/// A function definition.
#[derive(Debug, Clone, Copy)]
pub struct FunctionInfo<'a> {
    /// Name as the debugger shows it (without namespace).
    pub name: &'a str,
    /// The symbol (linkage name); also how backends without codegen find its
    /// code address.
    pub linkage_name: &'a str,
    /// Enclosing scope.
    pub scope: ParentScope,
    /// Where it is declared.
    pub decl: DeclSite,
    /// Return type (`None`: returns nothing).
    pub ret: Option<TypeIdx>,
    /// Parameter types.
    pub params: &'a [TypeIdx],
    /// Visible outside the compile unit.
    pub external: bool,
    /// The definition of a member function declared in a class: the class
    /// and the method's index in its [`CompositeBody::methods`]
    /// (`DW_AT_specification`).
    pub specification: Option<(TypeIdx, u32)>,
    /// C variadic (a variadic method's definition).
    pub variadic: bool,
}

/// A parameter or local variable.
#[derive(Debug, Clone, Copy)]
pub struct VariableInfo<'a> {
    /// Name.
    pub name: &'a str,
    /// Type.
    pub ty: TypeIdx,
    /// The function or block it is declared in.
    pub scope: BlockParent,
    /// The function it belongs to.
    pub function: FunctionIdx,
    /// 1-based argument number for parameters.
    pub arg_no: Option<u32>,
    /// Where it is declared.
    pub decl: DeclSite,
    /// Column of the declaration.
    pub col: u32,
    /// Compiler-generated (`this`).
    pub artificial: bool,
}

/// A global variable.
#[derive(Debug, Clone, Copy)]
pub struct GlobalInfo<'a> {
    /// Name as the debugger shows it.
    pub name: &'a str,
    /// The symbol holding its storage.
    pub linkage_name: &'a str,
    /// Enclosing scope.
    pub scope: ParentScope,
    /// Type.
    pub ty: TypeIdx,
    /// Where it is defined.
    pub decl: DeclSite,
    /// Visible outside the compile unit.
    pub external: bool,
}

/// A resolved source location (what a location token stands for).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LineLoc {
    /// The innermost scope.
    pub scope: BlockParent,
    /// File.
    pub file: FileIdx,
    /// 1-based line; 0 for compiler-generated code.
    pub line: u32,
    /// Column (0: unknown).
    pub col: u32,
}

/// One line-table row, decided by the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRowInfo {
    /// Byte offset from the function start.
    pub offset: u64,
    /// File.
    pub file: FileIdx,
    /// Line (0 for code without a source location).
    pub line: u32,
    /// Column.
    pub col: u32,
    /// A recommended breakpoint location (first row of a line).
    pub is_stmt: bool,
    /// First row after the prologue.
    pub prologue_end: bool,
}

/// The code of one function, reported after codegen.
#[derive(Debug, Clone, Copy)]
pub struct CodeInfo<'a> {
    /// Size of the function's code in bytes.
    pub size: u64,
    /// Line rows in address order.
    pub rows: &'a [LineRowInfo],
    /// For each lexical block with code: the block and its sorted,
    /// non-overlapping `[start, end)` byte ranges.
    pub block_ranges: &'a [(BlockIdx, Vec<(u64, u64)>)],
}

/// Where a variable lives for its whole scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VarLocation {
    /// At this byte offset from the canonical frame address (`DW_OP_fbreg`
    /// with a `DW_OP_call_frame_cfa` frame base).
    FrameOffset(i64),
    /// In this DWARF register.
    Register(u16),
}

/// A debug-info backend driven by the core. Entities are named by typed dense
/// indices ([`TypeIdx`], [`FileIdx`], ...); each is announced exactly once, in
/// index order, before it is referenced,
/// except composite types, which may be referenced between `composite_stub`
/// and `composite_complete`.
pub trait Backend {
    /// What [`finish`](Backend::finish) produces.
    type Output;

    /// Whether composite types should carry their unique ID's stable string
    /// (LLVM's ODR identifiers).
    fn wants_type_identifiers(&self) -> bool {
        false
    }
    /// Pointer size in bytes.
    fn address_size(&self) -> u8 {
        8
    }
    /// Starts the compile unit.
    fn begin(&mut self, cu: &CompileUnitInfo<'_>) -> Result<()>;
    /// A source file.
    fn file(&mut self, file: FileIdx, dir: &[u8], name: &[u8], md5: Option<[u8; 16]>)
        -> Result<()>;
    /// A namespace; `inline` (a C++ inline namespace) writes
    /// `DW_AT_export_symbols`.
    fn namespace(
        &mut self,
        ns: NamespaceIdx,
        parent: ParentScope,
        name: &str,
        inline: bool,
    ) -> Result<()>;
    /// A base type.
    fn base_type(
        &mut self,
        t: TypeIdx,
        name: &str,
        size: u64,
        encoding: BaseEncoding,
    ) -> Result<()>;
    /// `void`: a type with no DIE. A pointer, qualified type, typedef or
    /// template type parameter naming it is written without a type (the
    /// core hands it over nowhere else).
    fn void_type(&mut self, t: TypeIdx) -> Result<()>;
    /// A named unspecified type (`DW_TAG_unspecified_type`).
    fn unspecified_type(&mut self, t: TypeIdx, name: &str) -> Result<()>;
    /// A pointer or reference type, named or not.
    fn pointer_type(
        &mut self,
        t: TypeIdx,
        pointee: TypeIdx,
        size: u64,
        kind: PointerKind,
        name: Option<&str>,
    ) -> Result<()>;
    /// A pointer to a member of `class` (`DW_TAG_ptr_to_member_type`).
    fn ptr_to_member_type(
        &mut self,
        t: TypeIdx,
        pointee: TypeIdx,
        class: TypeIdx,
        size: u64,
    ) -> Result<()>;
    /// A qualified type.
    fn qualified_type(&mut self, t: TypeIdx, qualifier: Qualifier, target: TypeIdx) -> Result<()>;
    /// An array type with one subrange per dimension, outermost first
    /// (`None`: unknown bound, first dimension only).
    fn array_type(
        &mut self,
        t: TypeIdx,
        elem: TypeIdx,
        dims: &[Option<u64>],
        size: u64,
        align: u32,
    ) -> Result<()>;
    /// A subroutine type (the pointee of function pointers); `artificial`:
    /// indices of artificial `params`.
    fn subroutine_type(
        &mut self,
        t: TypeIdx,
        params: &[TypeIdx],
        ret: Option<TypeIdx>,
        variadic: bool,
        artificial: &[usize],
    ) -> Result<()>;
    /// A typedef.
    fn typedef(&mut self, t: TypeIdx, info: &TypedefInfo<'_>) -> Result<()>;
    /// A struct/union stub, referable before its members exist.
    fn composite_stub(&mut self, t: TypeIdx, info: &CompositeInfo<'_>) -> Result<()>;
    /// Completes a stub with its members, variant part, bases, methods,
    /// static members, template parameters and containing type.
    fn composite_complete(&mut self, t: TypeIdx, body: &CompositeBody<'_>) -> Result<()>;
    /// A C-like enumeration.
    fn enumeration(&mut self, t: TypeIdx, info: &EnumInfo<'_>) -> Result<()>;
    /// A function.
    fn function(&mut self, f: FunctionIdx, info: &FunctionInfo<'_>) -> Result<()>;
    /// A lexical block.
    fn lexical_block(
        &mut self,
        b: BlockIdx,
        parent: BlockParent,
        file: FileIdx,
        line: u32,
        col: u32,
    ) -> Result<()>;
    /// A parameter or local.
    fn variable(&mut self, v: VarIdx, info: &VariableInfo<'_>) -> Result<()>;
    /// A global variable.
    fn global(&mut self, g: GlobalIdx, info: &GlobalInfo<'_>) -> Result<()>;
    /// The location that applies to code emitted from now on. `None` outside
    /// functions and in the prologue (no location); after
    /// `clear_source_location` it is line 0 in the function's scope
    /// (compiler-generated code). Backends that do codegen themselves (LLVM)
    /// apply it to their instruction builder; others ignore it.
    fn current_location(&mut self, _loc: Option<&LineLoc>) -> Result<()> {
        Ok(())
    }
    /// Whether [`current_location`](Self::current_location) does anything.
    /// Backends that ignore it (no codegen of their own) return `false`, and
    /// the core skips computing the location on every `set_source_location`
    /// (entering and leaving a function still report `None`).
    fn tracks_current_location(&self) -> bool {
        true
    }
    /// The open function was closed (`exit_function`): nothing more will be
    /// emitted into it (LLVM: `DIBuilder::finalizeSubprogram`).
    fn function_end(&mut self, _f: FunctionIdx) -> Result<()> {
        Ok(())
    }
    /// Whether every defined function must be given its code
    /// ([`function_code`](Self::function_code)) or be declared to have none
    /// before `finish`: true for backends without codegen of their own.
    fn needs_function_code(&self) -> bool {
        false
    }
    /// The code of a function, for backends that do not do codegen.
    fn function_code(&mut self, _f: FunctionIdx, _code: &CodeInfo<'_>) -> Result<()> {
        err(
            ErrorKind::Unsupported,
            "this backend derives code placement from its own codegen; define_function_code is for backends without codegen (gimli)",
        )
    }
    /// Where a variable lives, for backends that do not do codegen.
    fn variable_location(&mut self, _v: VarIdx, _loc: VarLocation) -> Result<()> {
        err(
            ErrorKind::Unsupported,
            "this backend takes variable storage from its own codegen; set_variable_location is for backends without codegen (gimli)",
        )
    }
    /// Where a variable is over ranges of its function's (reported) code,
    /// checked by the core, for backends that do not do codegen.
    fn variable_location_list(
        &mut self,
        _v: VarIdx,
        _f: FunctionIdx,
        _ranges: &[LocationRange],
    ) -> Result<()> {
        err(
            ErrorKind::Unsupported,
            "this backend takes variable locations from its own codegen (LLVM: dbg_value records made by its optimizer); set_variable_locations is for backends without codegen (gimli)",
        )
    }
    /// A scope for one inlined call of `callee` inside `parent`, called from
    /// `call` (`DW_TAG_inlined_subroutine`); its code ranges arrive with the
    /// function's code, as a lexical block's do.
    fn inlined_block(
        &mut self,
        _b: BlockIdx,
        _parent: BlockParent,
        _callee: FunctionIdx,
        _call: DeclSite,
        _call_col: u32,
    ) -> Result<()> {
        err(
            ErrorKind::Unsupported,
            "this backend does not describe inlined calls yet",
        )
    }
    /// Ends the compile unit and produces the output.
    fn finish(&mut self) -> Result<Self::Output>;
}
