//! LLVM codegen of Toy expressions, places and calls (the counterpart of
//! `codegen/cranelift/expr.rs`).

use crate::codegen::llvm::ir::{IntPredicate as IP, RealPredicate as FP};

use crate::codegen::abi::RetAbi;
use crate::codegen::llvm::ir::{Bin, Conv, Val, R};
use crate::codegen::llvm::{LCg, LRepr, LV};
use crate::codegen::lower::Lower;
use crate::front::hir::{BinOp, Callee, Expr, ExprKind, TypeId, TypeKind, UnOp};

impl<'a, 'm, 'p> LCg<'a, 'm, 'p> {
    /// Evaluates `e` (the kinds both codegens share through
    /// [`Lower::common_expr`], the rest here).
    pub fn expr(&mut self, e: &'p Expr) -> R<LV<'m>> {
        if let Some(v) = self.common_expr(e)? {
            return Ok(v);
        }
        let prog = self.m.prog;
        let ir = self.ir;
        Ok(match &e.kind {
            ExprKind::Int { bits, value } => match self.m.repr(e.ty) {
                LRepr::Scalar(t) if ir.is_float(t) => LV::S(ir.const_float(t, *value as f64)?),
                LRepr::Scalar(t) => LV::S(ir.const_int(t, *bits)?),
                _ => return Err("internal: integer literal of a non-scalar type".into()),
            },
            ExprKind::Float(f) => match self.m.repr(e.ty) {
                LRepr::Scalar(t) if t == ir.f32() => {
                    LV::S(ir.const_float(t, f64::from(*f as f32))?)
                }
                LRepr::Scalar(t) => LV::S(ir.const_float(t, *f)?),
                _ => return Err("internal: float literal of a non-scalar type".into()),
            },
            ExprKind::Bool(b) => LV::S(ir.const_int(ir.int(8), u64::from(*b))?),
            ExprKind::Null => LV::S(ir.null()),
            ExprKind::Str(bytes) => LV::S(self.m.string(bytes)?),
            ExprKind::FnRef(c) => LV::S(
                match c {
                    Callee::Fn(f) => self.m.fns.get(f.idx()).map(|x| x.0),
                    Callee::Extern(x) => self.m.externs.get(x.idx()).map(|x| x.0),
                }
                .ok_or("reference to an unknown function")?,
            ),
            ExprKind::Call(f, args) => {
                let (callee, _, sig) = self
                    .m
                    .fns
                    .get(f.idx())
                    .cloned()
                    .ok_or("call of an unknown function")?;
                self.call(callee, &sig, args, e.ty)?
            }
            ExprKind::ExternCall(x, args) => {
                let (callee, sig) = self
                    .m
                    .externs
                    .get(x.idx())
                    .cloned()
                    .ok_or("call of an unknown extern fn")?;
                self.call(callee, &sig, args, e.ty)?
            }
            ExprKind::CallIndirect(fp, args) => {
                let (params, ret) = match prog.types.rkind(fp.ty) {
                    TypeKind::Fn(p, r) => (p.clone(), *r),
                    _ => return Err("call of a value that is not a function pointer".into()),
                };
                let callee = self.scalar(fp)?;
                let sig = self.m.signature(&params, ret, None)?;
                self.call(callee, &sig, args, e.ty)?
            }
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r)?,
            ExprKind::Unary(op, x) => {
                let v = self.scalar(x)?;
                let t = ir.type_of(v);
                LV::S(match (op, prog.types.rkind(x.ty)) {
                    (UnOp::Neg, TypeKind::F32 | TypeKind::F64) => ir.fneg(v),
                    (UnOp::Neg, _) => ir.bin(Bin::Sub, ir.const_int(t, 0)?, v)?,
                    (UnOp::Not, TypeKind::Bool) => ir.bin(Bin::Xor, v, ir.const_int(t, 1)?)?,
                    (UnOp::Not, _) if ir.int_width(t) > 0 => {
                        ir.bin(Bin::Xor, v, ir.const_int(t, u64::MAX)?)?
                    }
                    _ => return Err("unsupported unary operand".into()),
                })
            }
            _ => return Err("internal: expression kind not lowered".into()),
        })
    }

    /// Evaluates a scalar expression.
    pub fn scalar(&mut self, e: &'p Expr) -> R<Val<'m>> {
        match self.expr(e)? {
            LV::S(v) => Ok(v),
            _ => Err(format!(
                "internal: expected a scalar `{}`",
                self.m.prog.types.name(e.ty)
            )),
        }
    }

    /// A Toy `bool` (`i8`) as an `i1` condition.
    pub fn cond(&mut self, e: &'p Expr) -> R<Val<'m>> {
        let v = self.scalar(e)?;
        let zero = self.ir.const_int(self.ir.type_of(v), 0)?;
        self.ir.icmp(IP::LLVMIntNE, v, zero)
    }

    /// An `i1` as a Toy `bool`.
    pub fn to_bool(&self, c: Val<'m>) -> Val<'m> {
        self.ir.conv(Conv::ZExt, c, self.ir.int(8))
    }

    /// Calls `callee` with signature `sig`: aggregates by address, the
    /// hidden result pointer first when the result is in memory.
    fn call(
        &mut self,
        callee: Val<'m>,
        sig: &crate::codegen::llvm::LSig<'m>,
        args: &'p [Expr],
        ret: TypeId,
    ) -> R<LV<'m>> {
        let mut vals = Vec::new();
        let mut sret = None;
        if sig.ret == RetAbi::Memory {
            let a = self.new_slot(ret);
            vals.push(a);
            sret = Some(a);
        }
        for a in args {
            match self.expr(a)? {
                LV::S(v) | LV::M(v) => vals.push(v),
                LV::Unit => {}
            }
        }
        let r = self.ir.call(sig.fty, callee, &vals)?;
        self.m.sig_attrs(r, sig)?;
        if let Some(a) = sret {
            return Ok(LV::M(a));
        }
        Ok(match &sig.ret {
            RetAbi::Regs(regs) => {
                let size = 16.max(self.m.prog.types.size_of(ret));
                let tmp = self.ir.alloca(size, 8, "");
                match regs.len() {
                    0 => {}
                    1 => self.ir.store(r, tmp)?,
                    n => {
                        for i in 0..n {
                            let v = self.ir.extract(r, i as u32)?;
                            let a = self.ir.offset_c(tmp, 8 * i as u64)?;
                            self.ir.store(v, a)?;
                        }
                    }
                }
                LV::M(tmp)
            }
            RetAbi::None => LV::Unit,
            _ => LV::S(r),
        })
    }

    pub(crate) fn malloc(&mut self, size: u64) -> R<Val<'m>> {
        let ir = self.ir;
        let fty = ir.fn_type(ir.ptr(), &[ir.int(64)], false);
        let n = ir.const_int(ir.int(64), size)?;
        self.call_c("malloc", fty, &[n])
    }

    /// Calls C function `name` of type `fty`.
    pub fn call_c(
        &mut self,
        name: &str,
        fty: crate::codegen::llvm::ir::Ty<'m>,
        args: &[Val<'m>],
    ) -> R<Val<'m>> {
        let f = self.m.import(name, fty)?;
        self.ir.call(fty, f, args)
    }

    /// Stores `v` into `n` consecutive elements at `a` (a loop; the index
    /// lives in a stack slot).
    pub(crate) fn fill(&mut self, a: Val<'m>, t: TypeId, v: LV<'m>, esz: u64, n: u64) -> R<()> {
        let ir = self.ir;
        let i64t = ir.int(64);
        let islot = ir.alloca(8, 8, "i");
        ir.store(ir.const_int(i64t, 0)?, islot)?;
        let head = ir.block(self.func, "fill");
        let body = ir.block(self.func, "fill.body");
        let exit = ir.block(self.func, "fill.end");
        ir.br(head);
        ir.position(head);
        let i = ir.load(i64t, islot, false)?;
        let c = ir.icmp(IP::LLVMIntULT, i, ir.const_int(i64t, n)?)?;
        ir.cond_br(c, body, exit);
        ir.position(body);
        let off = ir.bin(Bin::Mul, i, ir.const_int(i64t, esz)?)?;
        let ea = ir.offset(a, off)?;
        self.store(t, v, ea)?;
        let i2 = ir.bin(Bin::Add, i, ir.const_int(i64t, 1)?)?;
        ir.store(i2, islot)?;
        ir.br(head);
        ir.position(exit);
        Ok(())
    }

    /// `a + index * size_of(elem)`.
    pub(crate) fn element(&mut self, a: Val<'m>, index: &'p Expr, elem: TypeId) -> R<Val<'m>> {
        let i = self.scalar(index)?;
        let i = self.widen_i64(i, index.ty);
        let sz = self
            .ir
            .const_int(self.ir.int(64), self.m.prog.types.size_of(elem))?;
        let off = self.ir.bin(Bin::Mul, i, sz)?;
        self.ir.offset(a, off)
    }

    fn widen_i64(&self, v: Val<'m>, t: TypeId) -> Val<'m> {
        if self.ir.int_width(self.ir.type_of(v)) == 64 {
            return v;
        }
        let c = match self.m.prog.types.int_info(t) {
            Some((true, _)) => Conv::SExt,
            _ => Conv::ZExt,
        };
        self.ir.conv(c, v, self.ir.int(64))
    }

    fn binary(&mut self, op: BinOp, l: &'p Expr, r: &'p Expr) -> R<LV<'m>> {
        let ir = self.ir;
        if matches!(op, BinOp::And | BinOp::Or) {
            let lv = self.scalar(l)?;
            let zero = ir.const_int(ir.int(8), 0)?;
            let c = ir.icmp(IP::LLVMIntNE, lv, zero)?;
            let from = ir.current_block()?;
            let rhs = ir.block(self.func, "rhs");
            let merge = ir.block(self.func, "merge");
            if op == BinOp::And {
                ir.cond_br(c, rhs, merge);
            } else {
                ir.cond_br(c, merge, rhs);
            }
            ir.position(rhs);
            let rv = self.scalar(r)?;
            let rhs_end = ir.current_block()?;
            ir.br(merge);
            ir.position(merge);
            return Ok(LV::S(ir.phi(ir.int(8), &[(lv, from), (rv, rhs_end)])));
        }
        let a = self.scalar(l)?;
        let mut b = self.scalar(r)?;
        let kind = self.m.prog.types.rkind(l.ty).clone();
        if let TypeKind::F32 | TypeKind::F64 = kind {
            let p = match op {
                BinOp::Add => return Ok(LV::S(ir.bin(Bin::FAdd, a, b)?)),
                BinOp::Sub => return Ok(LV::S(ir.bin(Bin::FSub, a, b)?)),
                BinOp::Mul => return Ok(LV::S(ir.bin(Bin::FMul, a, b)?)),
                BinOp::Div => return Ok(LV::S(ir.bin(Bin::FDiv, a, b)?)),
                BinOp::Rem => return self.fmod(a, b),
                BinOp::Eq => FP::LLVMRealOEQ,
                BinOp::Ne => FP::LLVMRealUNE,
                BinOp::Lt => FP::LLVMRealOLT,
                BinOp::Le => FP::LLVMRealOLE,
                BinOp::Gt => FP::LLVMRealOGT,
                BinOp::Ge => FP::LLVMRealOGE,
                _ => return Err(format!("operator {op:?} on floats")),
            };
            return Ok(LV::S(self.to_bool(ir.fcmp(p, a, b)?)));
        }
        let signed = matches!(kind, TypeKind::Int { signed: true, .. });
        let t = ir.type_of(a);
        let w = ir.int_width(t);
        if matches!(op, BinOp::Shl | BinOp::Shr) {
            // The amount in the operand's width, masked (Cranelift's rule).
            let bw = ir.int_width(ir.type_of(b));
            if bw > w {
                b = ir.conv(Conv::Trunc, b, t);
            } else if bw < w {
                b = ir.conv(Conv::ZExt, b, t);
            }
            b = ir.bin(Bin::And, b, ir.const_int(t, u64::from(w.max(1) - 1))?)?;
        }
        let cmp = |u: IP, s: IP| if signed { s } else { u };
        let p = match op {
            BinOp::Add => return Ok(LV::S(ir.bin(Bin::Add, a, b)?)),
            BinOp::Sub => return Ok(LV::S(ir.bin(Bin::Sub, a, b)?)),
            BinOp::Mul => return Ok(LV::S(ir.bin(Bin::Mul, a, b)?)),
            BinOp::Div | BinOp::Rem => return self.divide(op, a, b, signed),
            BinOp::BitAnd => return Ok(LV::S(ir.bin(Bin::And, a, b)?)),
            BinOp::BitOr => return Ok(LV::S(ir.bin(Bin::Or, a, b)?)),
            BinOp::BitXor => return Ok(LV::S(ir.bin(Bin::Xor, a, b)?)),
            BinOp::Shl => return Ok(LV::S(ir.bin(Bin::Shl, a, b)?)),
            BinOp::Shr if signed => return Ok(LV::S(ir.bin(Bin::AShr, a, b)?)),
            BinOp::Shr => return Ok(LV::S(ir.bin(Bin::LShr, a, b)?)),
            BinOp::Eq => IP::LLVMIntEQ,
            BinOp::Ne => IP::LLVMIntNE,
            BinOp::Lt => cmp(IP::LLVMIntULT, IP::LLVMIntSLT),
            BinOp::Le => cmp(IP::LLVMIntULE, IP::LLVMIntSLE),
            BinOp::Gt => cmp(IP::LLVMIntUGT, IP::LLVMIntSGT),
            BinOp::Ge => cmp(IP::LLVMIntUGE, IP::LLVMIntSGE),
            BinOp::And | BinOp::Or => {
                return Err("internal: short-circuit operator reached the arithmetic path".into())
            }
        };
        // Pointers compare as addresses (`ptr` operands of one type).
        Ok(LV::S(self.to_bool(ir.icmp(p, a, b)?)))
    }
}
