//! The typed intermediate representation produced by the front end.
//!
//! A codegen walks [`Program::functions`]; each [`Function`] has a body
//! [`Block`] of [`Stmt`]s whose expressions ([`Expr`]) all carry a
//! [`TypeId`] into [`Program::types`] and a source [`Pos`]. Scopes and locals
//! are tables per function, referenced by [`ScopeId`] and [`LocalId`].

pub use crate::front::ast::BinOp;
pub use crate::front::diag::Pos;
pub use crate::front::types::{TypeId, TypeKind, TypeTable};
use std::fmt;

macro_rules! id_type {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            /// The index as usize.
            pub fn idx(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

id_type!(
    /// Index into [`Program::structs`].
    StructId,
    /// Index into [`Program::enums`].
    EnumId,
    /// Index into [`Program::aliases`].
    AliasId,
    /// Index into [`Program::functions`].
    FnId,
    /// Index into [`Program::externs`].
    ExternId,
    /// Index into [`Program::globals`].
    GlobalId,
    /// Index into [`Function::locals`].
    LocalId,
    /// Index into [`Function::scopes`].
    ScopeId,
);

/// The qualified name of an item: module path plus name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ItemPath {
    /// Enclosing modules, outermost first (empty at top level).
    pub module: Vec<String>,
    /// The item's own name.
    pub name: String,
}

impl fmt::Display for ItemPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for m in &self.module {
            write!(f, "{m}::")?;
        }
        write!(f, "{}", self.name)
    }
}

/// A whole checked program.
#[derive(Debug, Clone)]
pub struct Program {
    /// Every type used by the program, with layouts computed.
    pub types: TypeTable,
    /// Struct definitions (`TypeKind::Struct`).
    pub structs: Vec<StructDef>,
    /// Enum definitions (`TypeKind::Enum`).
    pub enums: Vec<EnumDef>,
    /// Type aliases (`TypeKind::Alias`), i.e. typedefs.
    pub aliases: Vec<AliasDef>,
    /// Functions with bodies: top-level items in source order, then each
    /// module's items (modules breadth-first). Same order for all item tables.
    pub functions: Vec<Function>,
    /// `extern fn` declarations.
    pub externs: Vec<ExternFn>,
    /// `const` globals with their evaluated images.
    pub globals: Vec<Global>,
    /// The program's `fn main() -> i32`.
    pub main: FnId,
    /// Every module path declared (for namespaces), outermost first.
    pub modules: Vec<Vec<String>>,
}

impl Program {
    /// Follows aliases until a non-alias type.
    pub fn resolve_alias(&self, ty: TypeId) -> TypeId {
        self.types.resolve_alias(ty)
    }
}

/// A struct definition with C layout.
#[derive(Debug, Clone)]
pub struct StructDef {
    /// Qualified name.
    pub path: ItemPath,
    /// Position of the struct's name.
    pub pos: Pos,
    /// The struct's type.
    pub ty: TypeId,
    /// Fields in declaration order.
    pub fields: Vec<FieldDef>,
    /// Size in bytes.
    pub size: u64,
    /// Alignment in bytes.
    pub align: u64,
}

/// A struct field.
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// Field name.
    pub name: String,
    /// Field type.
    pub ty: TypeId,
    /// Byte offset inside the struct.
    pub offset: u64,
    /// Position of the field name.
    pub pos: Pos,
}

/// How an enum is laid out (LANGUAGE.md, "Items").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumLayout {
    /// No variant has a payload: a bare `u32` tag (size 4).
    CLike,
    /// A `u32` tag at `tag_offset`, payloads from `payload_offset`.
    Tagged,
    /// Two variants, one without payload and one whose payload is a single
    /// `*T`: the pointer alone at offset 0 (8 bytes); null means
    /// `null_variant`, any other value `ptr_variant`.
    Niche {
        /// The variant without payload (the null pointer).
        null_variant: u32,
        /// The variant whose payload is the pointer.
        ptr_variant: u32,
    },
    /// One variant, with a payload: no tag, laid out as the payload (its
    /// values in C struct layout from offset 0).
    Single,
}

/// An enum. C-like enums (no payloads) are a bare `u32` tag (size 4).
/// Tagged unions: tag `u32` at offset 0, payload fields at absolute byte
/// offsets starting at `payload_offset`; niche and single-variant enums
/// have no tag ([`EnumLayout`]).
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// Qualified name.
    pub path: ItemPath,
    /// Position of the enum's name.
    pub pos: Pos,
    /// The enum's type.
    pub ty: TypeId,
    /// Variants in declaration order; variant `i` has tag value `i`.
    pub variants: Vec<VariantDef>,
    /// No variant has a payload.
    pub c_like: bool,
    /// The layout chosen for it.
    pub layout: EnumLayout,
    /// Size in bytes.
    pub size: u64,
    /// Alignment in bytes (at least 4 for C-like and tagged enums).
    pub align: u64,
    /// Offset of the `u32` tag (always 0; meaningless without a tag).
    pub tag_offset: u64,
    /// Offset where payloads start (4 for C-like enums, 0 for niche and
    /// single-variant enums).
    pub payload_offset: u64,
}

/// An enum variant.
#[derive(Debug, Clone)]
pub struct VariantDef {
    /// Variant name.
    pub name: String,
    /// Position of the variant name.
    pub pos: Pos,
    /// Payload values with absolute offsets inside the enum.
    pub payload: Vec<PayloadField>,
}

/// One payload value of a variant.
#[derive(Debug, Clone)]
pub struct PayloadField {
    /// Its type.
    pub ty: TypeId,
    /// Absolute byte offset inside the enum value.
    pub offset: u64,
}

/// A `type Name = T;` alias, kept for typedef debug info.
#[derive(Debug, Clone)]
pub struct AliasDef {
    /// Qualified name.
    pub path: ItemPath,
    /// Position of the alias name.
    pub pos: Pos,
    /// The alias's own type (`TypeKind::Alias`).
    pub ty: TypeId,
    /// The type it names (may be another alias).
    pub target: TypeId,
}

/// An `extern fn` (a C function, symbol = its plain name).
#[derive(Debug, Clone)]
pub struct ExternFn {
    /// Qualified Toy path (the symbol is `path.name`).
    pub path: ItemPath,
    /// Position of the name.
    pub pos: Pos,
    /// Parameter names and types.
    pub params: Vec<(String, TypeId)>,
    /// Return type (`TypeId::UNIT` if none).
    pub ret: TypeId,
    /// The function-pointer type of this function.
    pub fn_ty: TypeId,
}

/// A `const` global.
#[derive(Debug, Clone)]
pub struct Global {
    /// Qualified name (debuggers see it by this path).
    pub path: ItemPath,
    /// Position of the name.
    pub pos: Pos,
    /// Declared type.
    pub ty: TypeId,
    /// Little-endian image of exactly `size_of(ty)` bytes, padding zeroed.
    pub init: Vec<u8>,
}

/// A function with a body.
#[derive(Debug, Clone)]
pub struct Function {
    /// Qualified name (also its symbol, unmangled).
    pub path: ItemPath,
    /// Position of the `fn` keyword.
    pub fn_pos: Pos,
    /// Position of the function's name.
    pub name_pos: Pos,
    /// Parameters, in order.
    pub params: Vec<Param>,
    /// Return type (`TypeId::UNIT` without `->`).
    pub ret: TypeId,
    /// The function-pointer type of this function.
    pub fn_ty: TypeId,
    /// Every local (parameters first), indexed by [`LocalId`].
    pub locals: Vec<Local>,
    /// The scope tree; `ScopeId(0)` is the body block.
    pub scopes: Vec<Scope>,
    /// The body (its scope is `ScopeId(0)`).
    pub body: Block,
    /// Position of the body's `{`.
    pub body_open: Pos,
    /// Position of the body's `}`.
    pub body_close: Pos,
    /// Control may reach the closing `}` (a non-unit function then needs
    /// a fallback return or trap there).
    pub falls_through: bool,
    /// This is the program's `main`.
    pub is_main: bool,
}

/// A function parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Name.
    pub name: String,
    /// Type.
    pub ty: TypeId,
    /// Position of the name.
    pub pos: Pos,
    /// The local that holds it.
    pub local: LocalId,
}

/// How a local came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalKind {
    /// Parameter number `n` (belongs to the function, not a scope).
    Param(u32),
    /// A `let`.
    Let,
    /// A `match` arm binding of payload value `n`.
    MatchBinding(u32),
}

/// A local variable. Shadowing creates a distinct local.
#[derive(Debug, Clone)]
pub struct Local {
    /// Name.
    pub name: String,
    /// Type.
    pub ty: TypeId,
    /// Position of the name at its declaration.
    pub pos: Pos,
    /// Enclosing block scope; `None` for parameters.
    pub scope: Option<ScopeId>,
    /// What declared it.
    pub kind: LocalKind,
}

/// A lexical scope (one per Toy block).
#[derive(Debug, Clone)]
pub struct Scope {
    /// Enclosing scope; `None` for the function body.
    pub parent: Option<ScopeId>,
    /// Position of the block's `{`.
    pub start: Pos,
    /// Position of the block's `}`.
    pub end: Pos,
    /// Locals declared directly in it, in declaration order.
    pub locals: Vec<LocalId>,
}

/// A block of statements (always a scope).
#[derive(Debug, Clone)]
pub struct Block {
    /// Its scope.
    pub scope: ScopeId,
    /// Statements in order.
    pub stmts: Vec<Stmt>,
}

/// A statement with the position of its first token.
#[derive(Debug, Clone)]
pub struct Stmt {
    /// Start position.
    pub pos: Pos,
    /// Kind.
    pub kind: StmtKind,
}

/// One `if`/`else if` branch.
#[derive(Debug, Clone)]
pub struct IfBranch {
    /// Boolean condition.
    pub cond: Expr,
    /// Taken when `cond` is true.
    pub block: Block,
}

/// A `match` arm.
#[derive(Debug, Clone)]
pub struct Arm {
    /// Position of the arm's path.
    pub pos: Pos,
    /// Variant index (= tag value).
    pub variant: u32,
    /// Locals bound to the payload values, in payload order (they live
    /// in `block.scope`).
    pub bindings: Vec<LocalId>,
    /// The arm's block.
    pub block: Block,
}

/// Statement kinds.
#[derive(Debug, Clone)]
pub enum StmtKind {
    /// `let` (the local becomes visible after this statement).
    Let {
        /// The new local.
        local: LocalId,
        /// Its initial value.
        init: Expr,
    },
    /// `place = value;`
    Assign {
        /// Destination.
        place: Place,
        /// Value (same type as the place).
        value: Expr,
    },
    /// `if a {} else if b {} else {}` as a flat chain.
    If {
        /// The `if` and `else if` branches in order.
        branches: Vec<IfBranch>,
        /// The final `else`.
        else_block: Option<Block>,
    },
    /// `while cond { body }`
    While {
        /// Boolean condition.
        cond: Expr,
        /// Body.
        body: Block,
    },
    /// `match scrutinee { arms }`: every variant covered exactly once.
    Match {
        /// The enum value.
        scrutinee: Expr,
        /// Its enum.
        enum_id: EnumId,
        /// Arms in source order.
        arms: Vec<Arm>,
    },
    /// `return e;` / `return;`
    Return(Option<Expr>),
    /// A nested block.
    Block(Block),
    /// An expression evaluated for effect.
    Expr(Expr),
}

/// A typed expression.
#[derive(Debug, Clone)]
pub struct Expr {
    /// Its type.
    pub ty: TypeId,
    /// Position: the operator for binary ops, `as` for casts, `[` for
    /// indexing, the field name for field access, the start otherwise.
    pub pos: Pos,
    /// Kind.
    pub kind: ExprKind,
}

/// What a direct call or function value refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callee {
    /// A Toy function.
    Fn(FnId),
    /// An extern C function.
    Extern(ExternId),
}

/// Unary operators (dereference is [`ExprKind::Deref`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    /// Arithmetic negation (signed ints, floats; wrapping).
    Neg,
    /// Logical not on `bool`, bitwise not on integers.
    Not,
}

/// How a cast converts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CastKind {
    /// Same representation (same type, or ints of equal width).
    Noop,
    /// Integer to a narrower integer (truncate).
    IntTrunc,
    /// Integer to a wider integer, source unsigned (zero-extend).
    IntZext,
    /// Integer to a wider integer, source signed (sign-extend).
    IntSext,
    /// Integer to float; `signed` is the source signedness.
    IntToFloat {
        /// Source is signed.
        signed: bool,
    },
    /// Float to integer (saturating, NaN to 0); `signed` is the target's.
    FloatToInt {
        /// Target is signed.
        signed: bool,
    },
    /// `f32` to `f64`.
    FloatExt,
    /// `f64` to `f32`.
    FloatTrunc,
    /// Pointer to pointer (no-op).
    PtrToPtr,
}

/// Expression kinds.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// Integer literal: `value` is the mathematical value, `bits` its
    /// two's-complement image truncated to 64 bits.
    Int {
        /// Value.
        value: i128,
        /// Bits.
        bits: u64,
    },
    /// Float literal (round to `f32` when the type is `f32`).
    Float(f64),
    /// `true`/`false`.
    Bool(bool),
    /// `null` (the zero pointer).
    Null,
    /// String literal bytes (no terminator); only as a `print` argument.
    /// Its type is `*u8`.
    Str(Vec<u8>),
    /// Read of a local.
    Local(LocalId),
    /// Read of a global.
    Global(GlobalId),
    /// A function used as a value (a function pointer).
    FnRef(Callee),
    /// Direct call of a Toy function.
    Call(FnId, Vec<Expr>),
    /// Call of an extern C function.
    ExternCall(ExternId, Vec<Expr>),
    /// Call through a function-pointer value.
    CallIndirect(Box<Expr>, Vec<Expr>),
    /// Struct value; fields in source (evaluation) order as
    /// (field index, value); every field exactly once.
    StructLit(StructId, Vec<(u32, Expr)>),
    /// Enum value: variant index and payload values.
    EnumValue(EnumId, u32, Vec<Expr>),
    /// Array value.
    ArrayLit(Vec<Expr>),
    /// `new S {..}`: heap-allocated struct, type `*S`.
    NewStruct(StructId, Vec<(u32, Expr)>),
    /// `new [e; n]`: heap array with every element `e` (evaluated once),
    /// type `*[T; n]`.
    NewArray(Box<Expr>, u64),
    /// Binary operation. Operand types are equal except for shifts (the
    /// right operand may be any integer type; the amount is masked to the
    /// width). Comparisons yield `bool`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// Unary operation.
    Unary(UnOp, Box<Expr>),
    /// Field read; `through_ptr` when the base is `*Struct` (auto-deref).
    Field {
        /// Struct or pointer-to-struct value.
        base: Box<Expr>,
        /// The struct.
        struct_id: StructId,
        /// Field index.
        field: u32,
        /// The base is a pointer.
        through_ptr: bool,
    },
    /// Element read; `through_ptr` when the base is `*[T; N]`.
    Index {
        /// Array or pointer-to-array value.
        base: Box<Expr>,
        /// Integer index (any integer type).
        index: Box<Expr>,
        /// The base is a pointer.
        through_ptr: bool,
        /// Array length.
        len: u64,
    },
    /// Conversion to `Expr::ty`.
    Cast(CastKind, Box<Expr>),
    /// `&place`
    AddrOf(Box<Place>),
    /// `*ptr`
    Deref(Box<Expr>),
    /// `print(args)`: strings, integers, floats and bools; type unit.
    Print(Vec<Expr>),
}

/// An assignable location.
#[derive(Debug, Clone)]
pub struct Place {
    /// Type of the location.
    pub ty: TypeId,
    /// Position.
    pub pos: Pos,
    /// Kind.
    pub kind: PlaceKind,
}

/// Place kinds. `p.f` with `p: *S` is `Field(Deref(p), f)`.
#[derive(Debug, Clone)]
pub enum PlaceKind {
    /// A local variable.
    Local(LocalId),
    /// A global (only as `&G` or the base of a read path; never assigned).
    Global(GlobalId),
    /// Field of a struct place.
    Field(Box<Place>, StructId, u32),
    /// Element of an array place.
    Index(Box<Place>, Box<Expr>),
    /// The pointee of a pointer value.
    Deref(Box<Expr>),
}
