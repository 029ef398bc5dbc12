//! Expression parsing (C precedence, `as` binds tighter than binary
//! operators and looser than prefix operators, as in Rust).

use crate::front::ast::*;
use crate::front::diag::{err, Pos, Res, NEST_LIMIT};
use crate::front::lexer::{Kw, Tok};
use crate::front::parser::Parser;

fn binop(t: &Tok) -> Option<(BinOp, u8)> {
    let p = match t {
        Tok::P(p) => *p,
        _ => return None,
    };
    Some(match p {
        "||" => (BinOp::Or, 1),
        "&&" => (BinOp::And, 2),
        "|" => (BinOp::BitOr, 3),
        "^" => (BinOp::BitXor, 4),
        "&" => (BinOp::BitAnd, 5),
        "==" => (BinOp::Eq, 6),
        "!=" => (BinOp::Ne, 6),
        "<" => (BinOp::Lt, 7),
        "<=" => (BinOp::Le, 7),
        ">" => (BinOp::Gt, 7),
        ">=" => (BinOp::Ge, 7),
        "<<" => (BinOp::Shl, 8),
        ">>" => (BinOp::Shr, 8),
        "+" => (BinOp::Add, 9),
        "-" => (BinOp::Sub, 9),
        "*" => (BinOp::Mul, 10),
        "/" => (BinOp::Div, 10),
        "%" => (BinOp::Rem, 10),
        _ => return None,
    })
}

/// Context that forbids a struct literal (`Some("if")` etc.).
type NoStruct = Option<&'static str>;

impl Parser {
    /// Parses an expression.
    pub(crate) fn expr(&mut self) -> Res<Expr> {
        self.expr_ns(None)
    }

    /// Parses an expression; `ns` names the condition context in which a
    /// struct literal is not allowed.
    pub(crate) fn expr_ns(&mut self, ns: NoStruct) -> Res<Expr> {
        let pos = self.pos();
        self.enter(pos, "expression")?;
        let r = self.binary(1, ns);
        self.leave();
        r
    }

    fn mk(&self, pos: Pos, kind: ExprKind, children: &[u32]) -> Res<Expr> {
        let depth = children.iter().copied().max().unwrap_or(0) + 1;
        if depth.saturating_add(self.block_depth) > NEST_LIMIT {
            return err(
                pos,
                format!(
                    "expression nested too deeply (limit {NEST_LIMIT}; each operator of a chain like `a + b + c` nests one level: split long chains with `let`)"
                ),
            );
        }
        Ok(Expr { pos, depth, kind })
    }

    fn binary(&mut self, min: u8, ns: NoStruct) -> Res<Expr> {
        let mut lhs = self.cast(ns)?;
        while let Some((op, prec)) = binop(self.peek()) {
            if prec < min {
                break;
            }
            let pos = self.pos();
            self.bump();
            let rhs = self.binary(prec + 1, ns)?;
            let d = [lhs.depth, rhs.depth];
            lhs = self.mk(pos, ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), &d)?;
        }
        Ok(lhs)
    }

    fn cast(&mut self, ns: NoStruct) -> Res<Expr> {
        let mut e = self.unary(ns)?;
        while self.is_kw(Kw::As) {
            let pos = self.pos();
            self.bump();
            let ty = self.ty()?;
            let d = [e.depth];
            e = self.mk(pos, ExprKind::Cast(Box::new(e), ty), &d)?;
        }
        Ok(e)
    }

    fn unary(&mut self, ns: NoStruct) -> Res<Expr> {
        let pos = self.pos();
        let op = match self.peek() {
            Tok::P("-") => Some(UnOp::Neg),
            Tok::P("!") => Some(UnOp::Not),
            Tok::P("*") => Some(UnOp::Deref),
            Tok::P("&") => None,
            _ => return self.postfix(ns),
        };
        self.bump();
        self.enter(pos, "expression")?;
        let inner = self.unary(ns);
        self.leave();
        let inner = inner?;
        let d = [inner.depth];
        let kind = match op {
            Some(op) => ExprKind::Unary(op, Box::new(inner)),
            None => ExprKind::AddrOf(Box::new(inner)),
        };
        self.mk(pos, kind, &d)
    }

    fn args(&mut self, close: &str) -> Res<Vec<Expr>> {
        let mut args = Vec::new();
        while !self.is_p(close) {
            args.push(self.expr()?);
            if !self.eat_p(",") {
                break;
            }
        }
        self.expect_p(close)?;
        Ok(args)
    }

    fn max_depth(es: &[Expr]) -> u32 {
        es.iter().map(|e| e.depth).max().unwrap_or(0)
    }

    fn postfix(&mut self, ns: NoStruct) -> Res<Expr> {
        let mut e = self.primary(ns)?;
        loop {
            if self.is_p("(") {
                self.bump();
                let args = self.args(")")?;
                let d = [e.depth, Self::max_depth(&args)];
                let pos = e.pos;
                e = self.mk(pos, ExprKind::Call(Box::new(e), args), &d)?;
            } else if self.is_p(".") {
                self.bump();
                let (name, pos) = self.ident("field name")?;
                let d = [e.depth];
                e = self.mk(pos, ExprKind::Field(Box::new(e), name), &d)?;
            } else if self.is_p("[") {
                let pos = self.pos();
                self.bump();
                let idx = self.expr()?;
                self.expect_p("]")?;
                let d = [e.depth, idx.depth];
                e = self.mk(pos, ExprKind::Index(Box::new(e), Box::new(idx)), &d)?;
            } else {
                return Ok(e);
            }
        }
    }

    fn inits(&mut self) -> Res<(Vec<FieldInit>, u32)> {
        self.expect_p("{")?;
        let mut inits = Vec::new();
        let mut depth = 0;
        while !self.is_p("}") {
            let (name, pos) = self.ident("field name")?;
            self.expect_p(":")?;
            let e = self.expr()?;
            depth = depth.max(e.depth);
            inits.push((name, pos, e));
            if !self.eat_p(",") {
                break;
            }
        }
        self.expect_p("}")?;
        Ok((inits, depth))
    }

    fn primary(&mut self, ns: NoStruct) -> Res<Expr> {
        let pos = self.pos();
        let kind = match self.peek().clone() {
            Tok::Int(v) => {
                self.bump();
                ExprKind::Int(v)
            }
            Tok::Float(v) => {
                self.bump();
                ExprKind::Float(v)
            }
            Tok::Str(s) => {
                self.bump();
                ExprKind::Str(s)
            }
            Tok::Kw(Kw::True) => {
                self.bump();
                ExprKind::Bool(true)
            }
            Tok::Kw(Kw::False) => {
                self.bump();
                ExprKind::Bool(false)
            }
            Tok::Kw(Kw::Null) => {
                self.bump();
                ExprKind::Null
            }
            Tok::P("(") => {
                self.bump();
                let e = self.expr()?;
                self.expect_p(")")?;
                return Ok(e);
            }
            Tok::P("[") => {
                self.bump();
                let elems = self.args("]")?;
                if elems.is_empty() {
                    return err(pos, "array literal must have at least one element");
                }
                let d = [Self::max_depth(&elems)];
                return self.mk(pos, ExprKind::Array(elems), &d);
            }
            Tok::Kw(Kw::New) => {
                self.bump();
                if self.eat_p("[") {
                    let e = self.expr()?;
                    self.expect_p(";")?;
                    let n = self.int_lit("array length")?;
                    self.expect_p("]")?;
                    let d = [e.depth];
                    return self.mk(pos, ExprKind::NewArray(Box::new(e), n), &d);
                }
                if !matches!(self.peek(), Tok::Ident(_)) {
                    return self.unexpected("struct name or `[` after `new`");
                }
                let path = self.path()?;
                let (inits, d) = self.inits()?;
                return self.mk(pos, ExprKind::NewStruct(path, inits), &[d]);
            }
            Tok::Ident(name) => {
                if name == "print" && matches!(self.peek_at(1), Tok::P("(")) {
                    self.bump();
                    self.bump();
                    let args = self.args(")")?;
                    let d = [Self::max_depth(&args)];
                    return self.mk(pos, ExprKind::Print(args), &d);
                }
                let path = self.path()?;
                if self.is_p("{") {
                    match ns {
                        None => {
                            let (inits, d) = self.inits()?;
                            return self.mk(pos, ExprKind::StructLit(path, inits), &[d]);
                        }
                        Some(ctx) => {
                            if matches!(self.peek_at(1), Tok::Ident(_))
                                && matches!(self.peek_at(2), Tok::P(":"))
                            {
                                return err(
                                    pos,
                                    format!(
                                        "struct literal is not allowed directly as `{ctx}` \
                                         condition; wrap it in parentheses"
                                    ),
                                );
                            }
                        }
                    }
                }
                ExprKind::Path(path)
            }
            _ => return self.unexpected("expression"),
        };
        self.mk(pos, kind, &[])
    }
}
