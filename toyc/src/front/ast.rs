//! Untyped syntax tree produced by the parser.

use crate::front::diag::Pos;

/// A possibly qualified name `a::b::c`.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// The segments, at least one.
    pub segs: Vec<String>,
    /// Position of the first segment.
    pub pos: Pos,
}

impl Path {
    /// The path in Toy syntax.
    pub fn text(&self) -> String {
        self.segs.join("::")
    }
}

/// A type as written.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeExpr {
    /// What kind of type.
    pub kind: TypeExprKind,
    /// Where it starts.
    pub pos: Pos,
}

/// Kinds of written types.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeExprKind {
    /// A builtin or named type.
    Path(Path),
    /// `*T`
    Ptr(Box<TypeExpr>),
    /// `[T; N]`
    Array(Box<TypeExpr>, u128),
    /// `fn(T, U) -> R`
    Fn(Vec<TypeExpr>, Option<Box<TypeExpr>>),
}

/// A top-level or module item.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The item's name.
    pub name: String,
    /// Position of the name.
    pub pos: Pos,
    /// Position of the introducing keyword.
    pub kw_pos: Pos,
    /// What it is.
    pub kind: ItemKind,
}

/// A parameter `name: T`.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Name.
    pub name: String,
    /// Position of the name.
    pub pos: Pos,
    /// Declared type.
    pub ty: TypeExpr,
}

/// Kinds of items.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// `fn name(params) -> ret { body }`
    Fn {
        /// Parameters.
        params: Vec<Param>,
        /// Return type if any.
        ret: Option<TypeExpr>,
        /// Body.
        body: Block,
    },
    /// `extern fn name(params) -> ret;`
    Extern {
        /// Parameters.
        params: Vec<Param>,
        /// Return type if any.
        ret: Option<TypeExpr>,
    },
    /// `struct name { fields }`
    Struct(Vec<Param>),
    /// `enum name { variants }`
    Enum(Vec<Variant>),
    /// `type name = T;`
    Alias(TypeExpr),
    /// `mod name { items }`
    Mod(Vec<Item>),
    /// `const name: T = e;`
    Const(TypeExpr, Expr),
}

/// An enum variant declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Name.
    pub name: String,
    /// Position of the name.
    pub pos: Pos,
    /// Payload types.
    pub types: Vec<TypeExpr>,
}

/// `{ stmts }`
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Statements.
    pub stmts: Vec<Stmt>,
    /// Position of `{`.
    pub open: Pos,
    /// Position of `}`.
    pub close: Pos,
}

/// A statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    /// Position of its first token.
    pub pos: Pos,
    /// Kind.
    pub kind: StmtKind,
}

/// A `match` arm.
#[derive(Debug, Clone, PartialEq)]
pub struct Arm {
    /// The variant path.
    pub path: Path,
    /// Bound names with positions.
    pub bindings: Vec<(String, Pos)>,
    /// Whether `(...)` was written.
    pub has_parens: bool,
    /// The arm body.
    pub body: Block,
}

/// Kinds of statements.
#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// `let name: T = e;`
    Let {
        /// Name.
        name: String,
        /// Position of the name.
        name_pos: Pos,
        /// Declared type.
        ty: Option<TypeExpr>,
        /// Initialiser.
        init: Expr,
    },
    /// `place = e;`
    Assign(Expr, Expr),
    /// `if c {} else if c {} else {}`
    If(Vec<(Expr, Block)>, Option<Block>),
    /// `while c {}`
    While(Expr, Block),
    /// `match e { arms }`
    Match(Expr, Vec<Arm>),
    /// `return e?;`
    Return(Option<Expr>),
    /// `{ ... }`
    Block(Block),
    /// `e;`
    Expr(Expr),
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `&&`
    And,
    /// `||`
    Or,
    /// `&`
    BitAnd,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
}

impl BinOp {
    /// The operator's spelling.
    pub fn text(self) -> &'static str {
        use BinOp::*;
        match self {
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Rem => "%",
            Eq => "==",
            Ne => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            And => "&&",
            Or => "||",
            BitAnd => "&",
            BitOr => "|",
            BitXor => "^",
            Shl => "<<",
            Shr => ">>",
        }
    }
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnOp {
    /// `-`
    Neg,
    /// `!`
    Not,
    /// `*`
    Deref,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// Position (operator for binary/cast/index, field name for field access,
    /// start otherwise).
    pub pos: Pos,
    /// Height of this tree (1 for leaves).
    pub depth: u32,
    /// Kind.
    pub kind: ExprKind,
}

/// `name: value` in a struct literal, with the name's position.
pub type FieldInit = (String, Pos, Expr);

/// Kinds of expressions.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// Integer literal.
    Int(u128),
    /// Float literal.
    Float(f64),
    /// `true`/`false`
    Bool(bool),
    /// `null`
    Null,
    /// String literal.
    Str(Vec<u8>),
    /// A path (variable, const, function, variant).
    Path(Path),
    /// `callee(args)`
    Call(Box<Expr>, Vec<Expr>),
    /// `Path { inits }`
    StructLit(Path, Vec<FieldInit>),
    /// `new Path { inits }`
    NewStruct(Path, Vec<FieldInit>),
    /// `[a, b]`
    Array(Vec<Expr>),
    /// `new [e; N]`
    NewArray(Box<Expr>, u128),
    /// `a op b`
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `op a`
    Unary(UnOp, Box<Expr>),
    /// `&place`
    AddrOf(Box<Expr>),
    /// `e.name`
    Field(Box<Expr>, String),
    /// `e[i]`
    Index(Box<Expr>, Box<Expr>),
    /// `e as T`
    Cast(Box<Expr>, TypeExpr),
    /// `print(args)`
    Print(Vec<Expr>),
}
