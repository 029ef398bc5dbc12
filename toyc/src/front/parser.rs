//! Parser: items, types, blocks and statements (expressions live in
//! `parser_expr.rs`). Nesting is bounded by [`NEST_LIMIT`].

use crate::front::ast::*;
use crate::front::diag::{err, Pos, Res, NEST_LIMIT};
use crate::front::lexer::{Kw, Tok, Token};

static EOF_TOK: Tok = Tok::Eof;

/// Recursive-descent parser over a token vector.
pub struct Parser {
    toks: Vec<Token>,
    i: usize,
    /// Native recursion depth (blocks, modules, nested expressions).
    pub(crate) depth: u32,
    /// Block/module nesting depth.
    pub(crate) block_depth: u32,
    type_depth: u32,
}

/// Parses a whole file.
pub fn parse_program(toks: Vec<Token>) -> Res<Vec<Item>> {
    let mut p = Parser {
        toks,
        i: 0,
        depth: 0,
        block_depth: 0,
        type_depth: 0,
    };
    p.items(false)
}

impl Parser {
    pub(crate) fn peek(&self) -> &Tok {
        self.peek_at(0)
    }
    pub(crate) fn peek_at(&self, k: usize) -> &Tok {
        match self.toks.get(self.i + k) {
            Some(t) => &t.tok,
            None => &EOF_TOK,
        }
    }
    pub(crate) fn pos(&self) -> Pos {
        match self.toks.get(self.i).or(self.toks.last()) {
            Some(t) => t.pos,
            None => Pos::new(1, 1),
        }
    }
    pub(crate) fn bump(&mut self) -> Tok {
        let t = self.peek().clone();
        if self.i < self.toks.len() {
            self.i += 1;
        }
        t
    }
    pub(crate) fn is_p(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::P(q) if *q == p)
    }
    pub(crate) fn is_kw(&self, k: Kw) -> bool {
        matches!(self.peek(), Tok::Kw(q) if *q == k)
    }
    pub(crate) fn eat_p(&mut self, p: &str) -> bool {
        if self.is_p(p) {
            self.bump();
            true
        } else {
            false
        }
    }
    pub(crate) fn unexpected<T>(&self, what: &str) -> Res<T> {
        err(
            self.pos(),
            format!("expected {what}, found {}", self.peek()),
        )
    }
    pub(crate) fn expect_p(&mut self, p: &str) -> Res<Pos> {
        let pos = self.pos();
        if self.eat_p(p) {
            Ok(pos)
        } else {
            self.unexpected(&format!("`{p}`"))
        }
    }
    pub(crate) fn ident(&mut self, what: &str) -> Res<(String, Pos)> {
        let pos = self.pos();
        if let Tok::Ident(s) = self.peek() {
            let s = s.clone();
            self.bump();
            Ok((s, pos))
        } else {
            self.unexpected(what)
        }
    }
    pub(crate) fn int_lit(&mut self, what: &str) -> Res<u128> {
        if let Tok::Int(v) = self.peek() {
            let v = *v;
            self.bump();
            Ok(v)
        } else {
            self.unexpected(what)
        }
    }
    /// Enters one level of native recursion.
    pub(crate) fn enter(&mut self, pos: Pos, what: &str) -> Res<()> {
        self.depth += 1;
        if self.depth > NEST_LIMIT {
            return err(
                pos,
                format!("{what} nested too deeply (limit {NEST_LIMIT})"),
            );
        }
        Ok(())
    }
    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn items(&mut self, in_mod: bool) -> Res<Vec<Item>> {
        let mut items = Vec::new();
        loop {
            match self.peek() {
                Tok::Eof if !in_mod => return Ok(items),
                Tok::P("}") if in_mod => return Ok(items),
                _ => items.push(self.item()?),
            }
        }
    }

    fn item(&mut self) -> Res<Item> {
        let kw_pos = self.pos();
        let kw = match self.peek() {
            Tok::Kw(k) => *k,
            _ => return self.unexpected("item"),
        };
        match kw {
            Kw::Fn => {
                self.bump();
                let (name, pos) = self.ident("function name")?;
                let (params, ret) = self.signature()?;
                let body = self.block()?;
                let kind = ItemKind::Fn { params, ret, body };
                Ok(Item {
                    name,
                    pos,
                    kw_pos,
                    kind,
                })
            }
            Kw::Extern => {
                self.bump();
                if !self.is_kw(Kw::Fn) {
                    return self.unexpected("`fn`");
                }
                self.bump();
                let (name, pos) = self.ident("function name")?;
                let (params, ret) = self.signature()?;
                self.expect_p(";")?;
                let kind = ItemKind::Extern { params, ret };
                Ok(Item {
                    name,
                    pos,
                    kw_pos,
                    kind,
                })
            }
            Kw::Struct => {
                self.bump();
                let (name, pos) = self.ident("struct name")?;
                self.expect_p("{")?;
                let mut fields = Vec::new();
                while !self.is_p("}") {
                    let (fname, fpos) = self.ident("field name")?;
                    self.expect_p(":")?;
                    let ty = self.ty()?;
                    fields.push(Param {
                        name: fname,
                        pos: fpos,
                        ty,
                    });
                    if !self.eat_p(",") {
                        break;
                    }
                }
                self.expect_p("}")?;
                Ok(Item {
                    name,
                    pos,
                    kw_pos,
                    kind: ItemKind::Struct(fields),
                })
            }
            Kw::Enum => {
                self.bump();
                let (name, pos) = self.ident("enum name")?;
                self.expect_p("{")?;
                let mut variants = Vec::new();
                while !self.is_p("}") {
                    let (vname, vpos) = self.ident("variant name")?;
                    let mut types = Vec::new();
                    if self.eat_p("(") {
                        loop {
                            types.push(self.ty()?);
                            if !self.eat_p(",") || self.is_p(")") {
                                break;
                            }
                        }
                        self.expect_p(")")?;
                    }
                    variants.push(Variant {
                        name: vname,
                        pos: vpos,
                        types,
                    });
                    if !self.eat_p(",") {
                        break;
                    }
                }
                self.expect_p("}")?;
                Ok(Item {
                    name,
                    pos,
                    kw_pos,
                    kind: ItemKind::Enum(variants),
                })
            }
            Kw::Type => {
                self.bump();
                let (name, pos) = self.ident("type name")?;
                self.expect_p("=")?;
                let ty = self.ty()?;
                self.expect_p(";")?;
                Ok(Item {
                    name,
                    pos,
                    kw_pos,
                    kind: ItemKind::Alias(ty),
                })
            }
            Kw::Mod => {
                self.bump();
                let (name, pos) = self.ident("module name")?;
                let open = self.expect_p("{")?;
                self.enter(open, "modules")?;
                self.block_depth += 1;
                let items = self.items(true)?;
                self.block_depth -= 1;
                self.leave();
                self.expect_p("}")?;
                Ok(Item {
                    name,
                    pos,
                    kw_pos,
                    kind: ItemKind::Mod(items),
                })
            }
            Kw::Const => {
                self.bump();
                let (name, pos) = self.ident("constant name")?;
                self.expect_p(":")?;
                let ty = self.ty()?;
                self.expect_p("=")?;
                let init = self.expr()?;
                self.expect_p(";")?;
                Ok(Item {
                    name,
                    pos,
                    kw_pos,
                    kind: ItemKind::Const(ty, init),
                })
            }
            _ => self.unexpected("item"),
        }
    }

    fn signature(&mut self) -> Res<(Vec<Param>, Option<TypeExpr>)> {
        self.expect_p("(")?;
        let mut params = Vec::new();
        while !self.is_p(")") {
            let (name, pos) = self.ident("parameter name")?;
            self.expect_p(":")?;
            let ty = self.ty()?;
            params.push(Param { name, pos, ty });
            if !self.eat_p(",") {
                break;
            }
        }
        self.expect_p(")")?;
        let ret = if self.eat_p("->") {
            Some(self.ty()?)
        } else {
            None
        };
        Ok((params, ret))
    }

    /// Parses a type.
    pub(crate) fn ty(&mut self) -> Res<TypeExpr> {
        let pos = self.pos();
        self.type_depth += 1;
        if self.type_depth > NEST_LIMIT {
            return err(pos, format!("type nested too deeply (limit {NEST_LIMIT})"));
        }
        let r = self.ty_inner(pos);
        self.type_depth -= 1;
        r
    }

    fn ty_inner(&mut self, pos: Pos) -> Res<TypeExpr> {
        let kind = if self.eat_p("*") {
            TypeExprKind::Ptr(Box::new(self.ty()?))
        } else if self.eat_p("[") {
            let elem = self.ty()?;
            self.expect_p(";")?;
            let n = self.int_lit("array length")?;
            self.expect_p("]")?;
            TypeExprKind::Array(Box::new(elem), n)
        } else if self.is_kw(Kw::Fn) {
            self.bump();
            self.expect_p("(")?;
            let mut params = Vec::new();
            while !self.is_p(")") {
                params.push(self.ty()?);
                if !self.eat_p(",") {
                    break;
                }
            }
            self.expect_p(")")?;
            let ret = if self.eat_p("->") {
                Some(Box::new(self.ty()?))
            } else {
                None
            };
            TypeExprKind::Fn(params, ret)
        } else if matches!(self.peek(), Tok::Ident(_)) {
            TypeExprKind::Path(self.path()?)
        } else {
            return self.unexpected("type");
        };
        Ok(TypeExpr { kind, pos })
    }

    /// Parses `IDENT (:: IDENT)*`.
    pub(crate) fn path(&mut self) -> Res<Path> {
        let (first, pos) = self.ident("identifier")?;
        let mut segs = vec![first];
        while self.eat_p("::") {
            segs.push(self.ident("identifier")?.0);
        }
        Ok(Path { segs, pos })
    }

    /// Parses `{ stmt* }`.
    pub(crate) fn block(&mut self) -> Res<Block> {
        let open = self.expect_p("{")?;
        self.enter(open, "blocks")?;
        self.block_depth += 1;
        let mut stmts = Vec::new();
        let r = loop {
            if self.is_p("}") {
                break Ok(());
            }
            if matches!(self.peek(), Tok::Eof) {
                break self.unexpected("`}`");
            }
            match self.stmt() {
                Ok(s) => stmts.push(s),
                Err(e) => break Err(e),
            }
        };
        self.block_depth -= 1;
        self.leave();
        r?;
        let close = self.expect_p("}")?;
        Ok(Block { stmts, open, close })
    }

    fn stmt(&mut self) -> Res<Stmt> {
        let pos = self.pos();
        let kind = match self.peek() {
            Tok::Kw(Kw::Let) => {
                self.bump();
                let (name, name_pos) = self.ident("variable name")?;
                let ty = if self.eat_p(":") {
                    Some(self.ty()?)
                } else {
                    None
                };
                self.expect_p("=")?;
                let init = self.expr()?;
                self.expect_p(";")?;
                StmtKind::Let {
                    name,
                    name_pos,
                    ty,
                    init,
                }
            }
            Tok::Kw(Kw::If) => {
                self.bump();
                let mut branches = Vec::new();
                let mut els = None;
                loop {
                    let cond = self.expr_ns(Some("if"))?;
                    let body = self.block()?;
                    branches.push((cond, body));
                    if !self.is_kw(Kw::Else) {
                        break;
                    }
                    self.bump();
                    if self.is_kw(Kw::If) {
                        self.bump();
                        continue;
                    }
                    els = Some(self.block()?);
                    break;
                }
                StmtKind::If(branches, els)
            }
            Tok::Kw(Kw::While) => {
                self.bump();
                let cond = self.expr_ns(Some("while"))?;
                let body = self.block()?;
                StmtKind::While(cond, body)
            }
            Tok::Kw(Kw::Match) => {
                self.bump();
                let scrut = self.expr_ns(Some("match"))?;
                self.expect_p("{")?;
                let mut arms = Vec::new();
                while !self.is_p("}") {
                    let path = self.path()?;
                    let mut bindings = Vec::new();
                    let has_parens = self.eat_p("(");
                    if has_parens {
                        loop {
                            bindings.push(self.ident("binding name")?);
                            if !self.eat_p(",") || self.is_p(")") {
                                break;
                            }
                        }
                        self.expect_p(")")?;
                    }
                    self.expect_p("=>")?;
                    let body = self.block()?;
                    self.eat_p(",");
                    arms.push(Arm {
                        path,
                        bindings,
                        has_parens,
                        body,
                    });
                }
                self.expect_p("}")?;
                StmtKind::Match(scrut, arms)
            }
            Tok::Kw(Kw::Return) => {
                self.bump();
                if self.eat_p(";") {
                    StmtKind::Return(None)
                } else {
                    let e = self.expr()?;
                    self.expect_p(";")?;
                    StmtKind::Return(Some(e))
                }
            }
            Tok::P("{") => StmtKind::Block(self.block()?),
            _ => {
                let e = self.expr()?;
                if self.eat_p("=") {
                    let v = self.expr()?;
                    self.expect_p(";")?;
                    StmtKind::Assign(e, v)
                } else {
                    self.expect_p(";")?;
                    StmtKind::Expr(e)
                }
            }
        };
        Ok(Stmt { pos, kind })
    }
}
