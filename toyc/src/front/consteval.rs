//! Constant evaluation of `const` initialisers into little-endian byte
//! images. Integer arithmetic wraps, shift amounts are masked to the
//! width, float-to-int casts saturate (NaN becomes 0).

use crate::front::diag::{err, Pos, Res};
use crate::front::hir::*;

/// Largest constant image accepted (16 MiB).
const MAX_CONST: u64 = 16 << 20;

/// Collects the globals referenced by `e` (recursion bounded by the
/// expression nesting limit).
pub fn global_refs(e: &Expr, out: &mut Vec<usize>) {
    match &e.kind {
        ExprKind::Global(g) => out.push(g.idx()),
        ExprKind::Binary(_, a, b) => {
            global_refs(a, out);
            global_refs(b, out);
        }
        ExprKind::Unary(_, a) | ExprKind::Cast(_, a) | ExprKind::Deref(a) => global_refs(a, out),
        ExprKind::Field { base, .. } => global_refs(base, out),
        ExprKind::Index { base, index, .. } => {
            global_refs(base, out);
            global_refs(index, out);
        }
        ExprKind::StructLit(_, fs) | ExprKind::NewStruct(_, fs) => {
            fs.iter().for_each(|(_, x)| global_refs(x, out))
        }
        ExprKind::EnumValue(_, _, xs)
        | ExprKind::ArrayLit(xs)
        | ExprKind::Print(xs)
        | ExprKind::Call(_, xs)
        | ExprKind::ExternCall(_, xs) => xs.iter().for_each(|x| global_refs(x, out)),
        ExprKind::CallIndirect(c, xs) => {
            global_refs(c, out);
            xs.iter().for_each(|x| global_refs(x, out));
        }
        ExprKind::NewArray(x, _) => global_refs(x, out),
        _ => {}
    }
}

struct Ev<'a> {
    types: &'a TypeTable,
    structs: &'a [StructDef],
    enums: &'a [EnumDef],
    images: &'a [Vec<u8>],
}

fn put(buf: &mut [u8], off: u64, bytes: &[u8]) {
    let off = off as usize;
    if let Some(dst) = buf.get_mut(off..off + bytes.len()) {
        dst.copy_from_slice(bytes);
    }
}

/// Evaluates a checked constant expression to its byte image.
pub fn eval(
    types: &TypeTable,
    structs: &[StructDef],
    enums: &[EnumDef],
    images: &[Vec<u8>],
    e: &Expr,
) -> Res<Vec<u8>> {
    Ev {
        types,
        structs,
        enums,
        images,
    }
    .eval(e)
}

impl Ev<'_> {
    fn size(&self, ty: TypeId, pos: Pos) -> Res<usize> {
        let s = self.types.size_of(ty);
        if s > MAX_CONST {
            return err(pos, "constant value is too large");
        }
        Ok(s as usize)
    }

    fn int_bytes(&self, ty: TypeId, v: i128) -> Vec<u8> {
        let n = self.types.size_of(ty) as usize;
        v.to_le_bytes().iter().take(n).copied().collect()
    }

    fn to_int(&self, ty: TypeId, b: &[u8]) -> i128 {
        let (signed, bits) = self.types.int_info(ty).unwrap_or((false, 8));
        let mut raw = [0u8; 16];
        let n = (bits / 8) as usize;
        for (d, s) in raw.iter_mut().zip(b.iter().take(n)) {
            *d = *s;
        }
        let v = u128::from_le_bytes(raw);
        let shift = 128 - bits;
        if signed {
            ((v << shift) as i128) >> shift
        } else {
            v as i128
        }
    }

    fn to_float(&self, ty: TypeId, b: &[u8]) -> f64 {
        let mut raw = [0u8; 8];
        for (d, s) in raw.iter_mut().zip(b.iter()) {
            *d = *s;
        }
        match self.types.rkind(ty) {
            TypeKind::F32 => f64::from(f32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]])),
            _ => f64::from_le_bytes(raw),
        }
    }

    fn float_bytes(&self, ty: TypeId, v: f64) -> Vec<u8> {
        match self.types.rkind(ty) {
            TypeKind::F32 => (v as f32).to_le_bytes().to_vec(),
            _ => v.to_le_bytes().to_vec(),
        }
    }

    fn eval(&self, e: &Expr) -> Res<Vec<u8>> {
        let pos = e.pos;
        let size = self.size(e.ty, pos)?;
        let out = match &e.kind {
            ExprKind::Int { value, .. } => self.int_bytes(e.ty, *value),
            ExprKind::Float(v) => self.float_bytes(e.ty, *v),
            ExprKind::Bool(b) => vec![u8::from(*b)],
            ExprKind::Null => vec![0; 8],
            ExprKind::Global(g) => self.images.get(g.idx()).cloned().unwrap_or_default(),
            ExprKind::StructLit(sid, fields) => {
                let mut buf = vec![0u8; size];
                for (fi, x) in fields {
                    let off = self
                        .structs
                        .get(sid.idx())
                        .and_then(|s| s.fields.get(*fi as usize))
                        .map_or(0, |f| f.offset);
                    put(&mut buf, off, &self.eval(x)?);
                }
                buf
            }
            ExprKind::EnumValue(eid, v, args) => {
                let mut buf = vec![0u8; size];
                let def = self.enums.get(eid.idx());
                // Niche and single-variant enums have no tag: the null
                // variant of a niche enum is all zeros.
                if def.is_none_or(|d| matches!(d.layout, EnumLayout::CLike | EnumLayout::Tagged)) {
                    put(&mut buf, 0, &v.to_le_bytes());
                }
                let var = def.and_then(|d| d.variants.get(*v as usize));
                for (i, x) in args.iter().enumerate() {
                    let off = var.and_then(|v| v.payload.get(i)).map_or(0, |p| p.offset);
                    put(&mut buf, off, &self.eval(x)?);
                }
                buf
            }
            ExprKind::ArrayLit(xs) => {
                let mut buf = vec![0u8; size];
                let mut off = 0u64;
                for x in xs {
                    let img = self.eval(x)?;
                    put(&mut buf, off, &img);
                    off += self.types.size_of(x.ty);
                }
                buf
            }
            ExprKind::Field {
                base,
                struct_id,
                field,
                through_ptr: false,
            } => {
                let b = self.eval(base)?;
                let off = self
                    .structs
                    .get(struct_id.idx())
                    .and_then(|s| s.fields.get(*field as usize))
                    .map_or(0, |f| f.offset as usize);
                b.get(off..off + size)
                    .map(<[u8]>::to_vec)
                    .unwrap_or_default()
            }
            ExprKind::Index {
                base,
                index,
                through_ptr: false,
                len,
            } => {
                let b = self.eval(base)?;
                let i = self.eval(index)?;
                let i = self.to_int(index.ty, &i);
                if i < 0 || i >= i128::from(*len) {
                    return err(
                        index.pos,
                        format!("index {i} is out of bounds for an array of length {len}"),
                    );
                }
                let off = (i as usize).saturating_mul(size);
                b.get(off..off + size)
                    .map(<[u8]>::to_vec)
                    .unwrap_or_default()
            }
            ExprKind::Unary(op, x) => {
                let v = self.eval(x)?;
                match (op, self.types.rkind(x.ty)) {
                    (UnOp::Not, TypeKind::Bool) => vec![u8::from(v.first() == Some(&0))],
                    (UnOp::Neg, TypeKind::F32 | TypeKind::F64) => {
                        self.float_bytes(x.ty, -self.to_float(x.ty, &v))
                    }
                    (UnOp::Neg, _) => self.int_bytes(x.ty, self.to_int(x.ty, &v).wrapping_neg()),
                    (UnOp::Not, _) => self.int_bytes(x.ty, !self.to_int(x.ty, &v)),
                }
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, e.ty, pos)?,
            ExprKind::Cast(k, x) => {
                let v = self.eval(x)?;
                match k {
                    CastKind::Noop | CastKind::PtrToPtr => v,
                    CastKind::IntTrunc | CastKind::IntZext | CastKind::IntSext => {
                        self.int_bytes(e.ty, self.to_int(x.ty, &v))
                    }
                    CastKind::IntToFloat { .. } => {
                        let i = self.to_int(x.ty, &v);
                        match self.types.rkind(e.ty) {
                            TypeKind::F32 => (i as f32).to_le_bytes().to_vec(),
                            _ => (i as f64).to_le_bytes().to_vec(),
                        }
                    }
                    CastKind::FloatToInt { .. } => {
                        let f = self.to_float(x.ty, &v);
                        let (signed, bits) = self.types.int_info(e.ty).unwrap_or((true, 64));
                        let (lo, hi) = if signed {
                            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
                        } else {
                            (0, (1i128 << bits) - 1)
                        };
                        let i = if f.is_nan() {
                            0
                        } else {
                            (f as i128).clamp(lo, hi)
                        };
                        self.int_bytes(e.ty, i)
                    }
                    CastKind::FloatExt | CastKind::FloatTrunc => {
                        self.float_bytes(e.ty, self.to_float(x.ty, &v))
                    }
                }
            }
            ExprKind::FnRef(_) => {
                return err(pos, "function pointers are not allowed in constants")
            }
            _ => return err(pos, "this expression is not allowed in a constant"),
        };
        let mut out = out;
        out.resize(size, 0);
        Ok(out)
    }

    fn binary(&self, op: BinOp, a: &Expr, b: &Expr, ty: TypeId, pos: Pos) -> Res<Vec<u8>> {
        use BinOp::*;
        let x = self.eval(a)?;
        if matches!(op, And | Or) {
            let lv = x.first() == Some(&1);
            if (op == And && !lv) || (op == Or && lv) {
                return Ok(vec![u8::from(lv)]);
            }
            return Ok(vec![u8::from(self.eval(b)?.first() == Some(&1))]);
        }
        let y = self.eval(b)?;
        let oty = a.ty;
        if matches!(op, Eq | Ne) && !self.types.is_float(oty) {
            return Ok(vec![u8::from((x == y) == (op == Eq))]);
        }
        if self.types.is_float(oty) {
            let (p, q) = (self.to_float(oty, &x), self.to_float(oty, &y));
            let bool_of = |c: bool| Ok(vec![u8::from(c)]);
            return match op {
                Eq => bool_of(p == q),
                Ne => bool_of(p != q),
                Lt => bool_of(p < q),
                Le => bool_of(p <= q),
                Gt => bool_of(p > q),
                Ge => bool_of(p >= q),
                Add => Ok(self.float_bytes(ty, p + q)),
                Sub => Ok(self.float_bytes(ty, p - q)),
                Mul => Ok(self.float_bytes(ty, p * q)),
                Div => Ok(self.float_bytes(ty, p / q)),
                _ => err(pos, "unsupported float operation in constant"),
            };
        }
        if matches!(self.types.rkind(oty), TypeKind::Bool) {
            let (p, q) = (x.first() == Some(&1), y.first() == Some(&1));
            let r = match op {
                BitAnd => p & q,
                BitOr => p | q,
                _ => p ^ q,
            };
            return Ok(vec![u8::from(r)]);
        }
        let (p, q) = (self.to_int(oty, &x), self.to_int(b.ty, &y));
        let bits = self.types.int_info(oty).map_or(64, |i| i.1);
        let r = match op {
            Add => p.wrapping_add(q),
            Sub => p.wrapping_sub(q),
            Mul => p.wrapping_mul(q),
            Div | Rem if q == 0 => return err(pos, "division by zero in constant expression"),
            Div => p.wrapping_div(q),
            Rem => p.wrapping_rem(q),
            BitAnd => p & q,
            BitOr => p | q,
            BitXor => p ^ q,
            Shl => p.wrapping_shl((q as u32) & (bits - 1)),
            Shr => p.wrapping_shr((q as u32) & (bits - 1)),
            Lt => return Ok(vec![u8::from(p < q)]),
            Le => return Ok(vec![u8::from(p <= q)]),
            Gt => return Ok(vec![u8::from(p > q)]),
            Ge => return Ok(vec![u8::from(p >= q)]),
            _ => return err(pos, "unsupported operation in constant"),
        };
        Ok(self.int_bytes(ty, r))
    }
}
