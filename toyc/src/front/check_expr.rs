//! Type checking of expressions and places.

use crate::front::ast::{self, ExprKind as A, UnOp as AUn};
use crate::front::diag::{err, Pos, Res};
use crate::front::hir::*;
use crate::front::resolve::Cx;

fn untyped(e: &ast::Expr) -> bool {
    match &e.kind {
        A::Int(_) | A::Float(_) | A::Null => true,
        A::Unary(AUn::Neg, inner) => matches!(inner.kind, A::Int(_) | A::Float(_)),
        _ => false,
    }
}

fn int_range(signed: bool, bits: u32) -> (i128, i128) {
    if signed {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    }
}

impl Cx<'_> {
    fn mismatch<T>(&self, pos: Pos, expected: TypeId, found: TypeId) -> Res<T> {
        err(
            pos,
            format!(
                "mismatched types: expected `{}`, found `{}`",
                self.types.name(expected),
                self.types.name(found)
            ),
        )
    }

    /// Checks `e` against the expected type `ty`.
    pub fn expr_expect(&mut self, e: &ast::Expr, ty: TypeId) -> Res<Expr> {
        let x = self.expr(e, Some(ty))?;
        if !self.types.same(x.ty, ty) {
            return self.mismatch(e.pos, ty, x.ty);
        }
        Ok(x)
    }

    fn int_lit(&mut self, v: u128, neg: bool, exp: Option<TypeId>, pos: Pos) -> Res<Expr> {
        let target = exp.filter(|t| self.types.is_int(*t) || self.types.is_float(*t));
        let ty = target.unwrap_or(TypeId::I64);
        let text = if neg { format!("-{v}") } else { v.to_string() };
        if self.types.is_float(ty) {
            let f = v as f64;
            return self.float_lit(if neg { -f } else { f }, Some(ty), pos);
        }
        let (signed, bits) = self.types.int_info(ty).unwrap_or((true, 64));
        let (lo, hi) = int_range(signed, bits);
        let value = i128::try_from(v).ok().map(|x| if neg { -x } else { x });
        match value {
            Some(value) if value >= lo && value <= hi => Ok(Expr {
                ty,
                pos,
                kind: ExprKind::Int {
                    value,
                    bits: value as u64,
                },
            }),
            _ => err(
                pos,
                format!(
                    "integer literal `{text}` out of range for `{}`",
                    self.types.name(ty)
                ),
            ),
        }
    }

    fn float_lit(&mut self, v: f64, exp: Option<TypeId>, pos: Pos) -> Res<Expr> {
        let ty = exp
            .filter(|t| self.types.is_float(*t))
            .unwrap_or(TypeId::F64);
        let is32 = matches!(self.types.rkind(ty), TypeKind::F32);
        if !v.is_finite() || (is32 && (v as f32).is_infinite()) {
            return err(
                pos,
                format!("float literal out of range for `{}`", self.types.name(ty)),
            );
        }
        Ok(Expr {
            ty,
            pos,
            kind: ExprKind::Float(v),
        })
    }

    /// Checks an expression; `exp` is the type the context expects (used
    /// to type literals), not enforced here.
    pub fn expr(&mut self, e: &ast::Expr, exp: Option<TypeId>) -> Res<Expr> {
        let pos = e.pos;
        let (ty, kind) = match &e.kind {
            A::Int(v) => return self.int_lit(*v, false, exp, pos),
            A::Float(v) => return self.float_lit(*v, exp, pos),
            A::Unary(AUn::Neg, inner) if matches!(inner.kind, A::Int(_) | A::Float(_)) => {
                return match inner.kind {
                    A::Int(v) => self.int_lit(v, true, exp, pos),
                    A::Float(v) => self.float_lit(-v, exp, pos),
                    _ => err(pos, "internal error"),
                };
            }
            A::Bool(b) => (TypeId::BOOL, ExprKind::Bool(*b)),
            A::Null => match exp {
                Some(t) if self.types.is_ptr(t) => (t, ExprKind::Null),
                Some(t) => {
                    let t = self.types.name(t);
                    return err(
                        pos,
                        format!("mismatched types: expected `{t}`, found `null`"),
                    );
                }
                None => return err(pos, "cannot infer the pointer type of `null`"),
            },
            A::Str(_) => {
                return err(
                    pos,
                    "string literals are only allowed as arguments of `print`",
                )
            }
            A::Path(p) => return self.path_expr(p),
            A::Call(callee, args) => return self.call(callee, args, pos),
            A::StructLit(path, inits) => {
                let (sid, ty, fields) = self.struct_init(path, inits, pos)?;
                (ty, ExprKind::StructLit(sid, fields))
            }
            A::NewStruct(path, inits) => {
                let (sid, ty, fields) = self.struct_init(path, inits, pos)?;
                (self.types.ptr(ty), ExprKind::NewStruct(sid, fields))
            }
            A::Array(elems) => {
                let elem_exp = exp.and_then(|t| match self.types.rkind(t) {
                    TypeKind::Array(e, _) => Some(*e),
                    _ => None,
                });
                let mut out: Vec<Expr> = Vec::new();
                for el in elems {
                    let want = elem_exp.or(out.first().map(|x| x.ty));
                    out.push(match want {
                        Some(t) => self.expr_expect(el, t)?,
                        None => self.expr(el, None)?,
                    });
                }
                let ety = elem_exp
                    .or(out.first().map(|x| x.ty))
                    .unwrap_or(TypeId::I64);
                if self.types.same(ety, TypeId::UNIT) {
                    return err(pos, "array elements must have a value");
                }
                let ty = self.types.intern(TypeKind::Array(ety, out.len() as u64));
                self.layout_at(ty, pos)?;
                (ty, ExprKind::ArrayLit(out))
            }
            A::NewArray(elem, n) => {
                let elem_exp = exp.and_then(|t| match self.types.rkind(t) {
                    TypeKind::Ptr(p) => match self.types.rkind(*p) {
                        TypeKind::Array(e, _) => Some(*e),
                        _ => None,
                    },
                    _ => None,
                });
                let x = match elem_exp {
                    Some(t) => self.expr_expect(elem, t)?,
                    None => self.expr(elem, None)?,
                };
                if self.types.same(x.ty, TypeId::UNIT) {
                    return err(elem.pos, "array elements must have a value");
                }
                let Ok(n) = u64::try_from(*n) else {
                    return err(pos, "array length is too large");
                };
                let arr = self.types.intern(TypeKind::Array(x.ty, n));
                self.layout_at(arr, pos)?;
                (self.types.ptr(arr), ExprKind::NewArray(Box::new(x), n))
            }
            A::Binary(op, l, r) => return self.binary(*op, l, r, exp, pos),
            A::Unary(op, inner) => return self.unary(*op, inner, exp, pos),
            A::AddrOf(inner) => {
                let x = self.expr(inner, None)?;
                let Some(place) = self.to_place(x) else {
                    return err(
                        inner.pos,
                        "cannot take the address of this expression (it is not a place)",
                    );
                };
                (self.types.ptr(place.ty), ExprKind::AddrOf(Box::new(place)))
            }
            A::Field(base, name) => {
                let b = self.expr(base, None)?;
                let (sid, through_ptr) = match self.types.rkind(b.ty) {
                    TypeKind::Struct(s) => (*s, false),
                    TypeKind::Ptr(p) => match self.types.rkind(*p) {
                        TypeKind::Struct(s) => (*s, true),
                        _ => return self.no_field(pos, b.ty, name),
                    },
                    _ => return self.no_field(pos, b.ty, name),
                };
                let def = self.structs.get(sid.idx());
                let found =
                    def.and_then(|d| d.fields.iter().enumerate().find(|(_, f)| f.name == *name));
                let Some((idx, f)) = found else {
                    return self.no_field(pos, b.ty, name);
                };
                let kind = ExprKind::Field {
                    base: Box::new(b),
                    struct_id: sid,
                    field: idx as u32,
                    through_ptr,
                };
                (f.ty, kind)
            }
            A::Index(base, idx) => {
                let b = self.expr(base, None)?;
                let (elem, len, through_ptr) = match self.types.rkind(b.ty) {
                    TypeKind::Array(e, n) => (*e, *n, false),
                    TypeKind::Ptr(p) => match self.types.rkind(*p) {
                        TypeKind::Array(e, n) => (*e, *n, true),
                        _ => return self.no_index(pos, b.ty),
                    },
                    _ => return self.no_index(pos, b.ty),
                };
                let i = self.expr(idx, None)?;
                if !self.types.is_int(i.ty) {
                    let t = self.types.name(i.ty);
                    return err(
                        idx.pos,
                        format!("array index must be an integer, found `{t}`"),
                    );
                }
                if let ExprKind::Int { value, .. } = i.kind {
                    if value < 0 || value >= i128::from(len) {
                        return err(
                            idx.pos,
                            format!("index {value} is out of bounds for an array of length {len}"),
                        );
                    }
                }
                let kind = ExprKind::Index {
                    base: Box::new(b),
                    index: Box::new(i),
                    through_ptr,
                    len,
                };
                (elem, kind)
            }
            A::Cast(inner, te) => {
                let x = self.expr(inner, None)?;
                let target = self.resolve_type(self.fcx.module, te)?;
                self.layout_at(target, te.pos)?;
                let Some(k) = self.cast_kind(x.ty, target) else {
                    let (a, b) = (self.types.name(x.ty), self.types.name(target));
                    return err(pos, format!("cannot cast `{a}` as `{b}`"));
                };
                (target, ExprKind::Cast(k, Box::new(x)))
            }
            A::Print(args) => {
                let mut out = Vec::new();
                for a in args {
                    if let A::Str(s) = &a.kind {
                        let ty = self.types.ptr(TypeId::U8);
                        out.push(Expr {
                            ty,
                            pos: a.pos,
                            kind: ExprKind::Str(s.clone()),
                        });
                        continue;
                    }
                    let x = self.expr(a, None)?;
                    let ok = matches!(
                        self.types.rkind(x.ty),
                        TypeKind::Int { .. } | TypeKind::F32 | TypeKind::F64 | TypeKind::Bool
                    );
                    if !ok {
                        let t = self.types.name(x.ty);
                        return err(a.pos, format!("cannot print a value of type `{t}`"));
                    }
                    out.push(x);
                }
                (TypeId::UNIT, ExprKind::Print(out))
            }
        };
        Ok(Expr { ty, pos, kind })
    }

    fn no_field<T>(&self, pos: Pos, ty: TypeId, name: &str) -> Res<T> {
        let t = self.types.name(ty);
        err(pos, format!("type `{t}` has no field `{name}`"))
    }

    fn no_index<T>(&self, pos: Pos, ty: TypeId) -> Res<T> {
        let t = self.types.name(ty);
        err(pos, format!("cannot index into a value of type `{t}`"))
    }

    fn cast_kind(&mut self, from: TypeId, to: TypeId) -> Option<CastKind> {
        use TypeKind as K;
        let same = self.types.same(from, to);
        let k = match (self.types.rkind(from), self.types.rkind(to)) {
            (K::Int { signed, bits: a }, K::Int { bits: b, .. }) => {
                if a == b {
                    CastKind::Noop
                } else if a > b {
                    CastKind::IntTrunc
                } else if *signed {
                    CastKind::IntSext
                } else {
                    CastKind::IntZext
                }
            }
            (K::Int { signed, .. }, K::F32 | K::F64) => CastKind::IntToFloat { signed: *signed },
            (K::F32 | K::F64, K::Int { signed, .. }) => CastKind::FloatToInt { signed: *signed },
            (K::F32, K::F64) => CastKind::FloatExt,
            (K::F64, K::F32) => CastKind::FloatTrunc,
            (K::F32, K::F32) | (K::F64, K::F64) => CastKind::Noop,
            (K::Ptr(_), K::Ptr(_)) => CastKind::PtrToPtr,
            _ if same => CastKind::Noop,
            _ => return None,
        };
        Some(k)
    }

    fn binary(
        &mut self,
        op: BinOp,
        l: &ast::Expr,
        r: &ast::Expr,
        exp: Option<TypeId>,
        pos: Pos,
    ) -> Res<Expr> {
        use BinOp::*;
        let (lx, rx, ty) = match op {
            And | Or => {
                let lx = self.expr_expect(l, TypeId::BOOL)?;
                let rx = self.expr_expect(r, TypeId::BOOL)?;
                (lx, rx, TypeId::BOOL)
            }
            Shl | Shr => {
                let lx = self.expr(l, exp)?;
                let rx = self.expr(r, None)?;
                for x in [&lx, &rx] {
                    if !self.types.is_int(x.ty) {
                        return self.bad_operand(op, x.ty, pos);
                    }
                }
                let ty = lx.ty;
                (lx, rx, ty)
            }
            _ => {
                let cmp = matches!(op, Eq | Ne | Lt | Le | Gt | Ge);
                let opexp = if cmp { None } else { exp };
                let (lx, rx) = if untyped(l) && !untyped(r) {
                    let rx = self.expr(r, opexp)?;
                    (self.expr_expect(l, rx.ty)?, rx)
                } else {
                    let lx = self.expr(l, opexp)?;
                    let rx = self.expr_expect(r, lx.ty)?;
                    (lx, rx)
                };
                let k = self.types.rkind(lx.ty);
                let num = matches!(k, TypeKind::Int { .. } | TypeKind::F32 | TypeKind::F64);
                let int = matches!(k, TypeKind::Int { .. });
                let ok = match op {
                    Add | Sub | Mul | Div => num,
                    Rem => int,
                    BitAnd | BitOr | BitXor => int || matches!(k, TypeKind::Bool),
                    Lt | Le | Gt | Ge => num,
                    _ => match k {
                        TypeKind::Enum(e) => self.enums.get(e.idx()).is_some_and(|d| d.c_like),
                        TypeKind::Int { .. } | TypeKind::F32 | TypeKind::F64 => true,
                        TypeKind::Bool | TypeKind::Ptr(_) | TypeKind::Fn(..) => true,
                        _ => false,
                    },
                };
                if !ok {
                    return self.bad_operand(op, lx.ty, pos);
                }
                let ty = if cmp { TypeId::BOOL } else { lx.ty };
                (lx, rx, ty)
            }
        };
        Ok(Expr {
            ty,
            pos,
            kind: ExprKind::Binary(op, Box::new(lx), Box::new(rx)),
        })
    }

    fn bad_operand<T>(&self, op: BinOp, ty: TypeId, pos: Pos) -> Res<T> {
        let t = self.types.name(ty);
        err(
            pos,
            format!("operator `{}` cannot be applied to type `{t}`", op.text()),
        )
    }

    fn unary(&mut self, op: AUn, inner: &ast::Expr, exp: Option<TypeId>, pos: Pos) -> Res<Expr> {
        let (ty, kind) = match op {
            AUn::Neg | AUn::Not => {
                let x = self.expr(inner, exp)?;
                let ok = match (op, self.types.rkind(x.ty)) {
                    (AUn::Neg, TypeKind::Int { signed, .. }) => *signed,
                    (AUn::Neg, TypeKind::F32 | TypeKind::F64) => true,
                    (AUn::Not, TypeKind::Int { .. } | TypeKind::Bool) => true,
                    _ => false,
                };
                if !ok {
                    let t = self.types.name(x.ty);
                    let o = if op == AUn::Neg { "-" } else { "!" };
                    return err(
                        pos,
                        format!("operator `{o}` cannot be applied to type `{t}`"),
                    );
                }
                let hop = if op == AUn::Neg { UnOp::Neg } else { UnOp::Not };
                (x.ty, ExprKind::Unary(hop, Box::new(x)))
            }
            AUn::Deref => {
                let x = self.expr(inner, None)?;
                let TypeKind::Ptr(p) = *self.types.rkind(x.ty) else {
                    let t = self.types.name(x.ty);
                    return err(pos, format!("cannot dereference a value of type `{t}`"));
                };
                (p, ExprKind::Deref(Box::new(x)))
            }
        };
        Ok(Expr { ty, pos, kind })
    }

    /// Converts a checked place expression into a [`Place`].
    pub fn to_place(&self, x: Expr) -> Option<Place> {
        let (ty, pos) = (x.ty, x.pos);
        let ptr_base = |b: Box<Expr>| {
            let pointee = match self.types.rkind(b.ty) {
                TypeKind::Ptr(p) => *p,
                _ => b.ty,
            };
            Place {
                ty: pointee,
                pos: b.pos,
                kind: PlaceKind::Deref(b),
            }
        };
        let kind = match x.kind {
            ExprKind::Local(l) => PlaceKind::Local(l),
            ExprKind::Global(g) => PlaceKind::Global(g),
            ExprKind::Deref(e) => PlaceKind::Deref(e),
            ExprKind::Field {
                base,
                struct_id,
                field,
                through_ptr,
            } => {
                let b = if through_ptr {
                    ptr_base(base)
                } else {
                    self.to_place(*base)?
                };
                PlaceKind::Field(Box::new(b), struct_id, field)
            }
            ExprKind::Index {
                base,
                index,
                through_ptr,
                ..
            } => {
                let b = if through_ptr {
                    ptr_base(base)
                } else {
                    self.to_place(*base)?
                };
                PlaceKind::Index(Box::new(b), index)
            }
            _ => return None,
        };
        Some(Place { ty, pos, kind })
    }
}
