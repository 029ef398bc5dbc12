//! Cranelift codegen of Toy expressions, places, calls and `print`.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{types, AbiParam, InstBuilder, Signature, Type, Value};
use cranelift_module::Module;

use crate::codegen::abi::RetAbi;
use crate::codegen::cranelift::{scalar_type, signature, FnCg, R, V};
use crate::codegen::lower::Lower;
use crate::front::hir::{BinOp, Callee, Expr, ExprKind, TypeId, TypeKind, UnOp};

impl<'a, 'p> FnCg<'a, 'p> {
    /// Evaluates `e` (the kinds both codegens share through
    /// [`Lower::common_expr`], the rest here).
    pub fn expr(&mut self, e: &'p Expr) -> R<V> {
        if let Some(v) = self.common_expr(e)? {
            return Ok(v);
        }
        let prog = self.prog;
        Ok(match &e.kind {
            ExprKind::Int { bits, value } => match scalar_type(prog, e.ty) {
                Some(t) if t.is_float() => self.fconst(t, *value as f64),
                Some(t) => V::S(self.b.ins().iconst(t, mask(*bits, t) as i64)),
                _ => return Err("internal: integer literal of a non-scalar type".into()),
            },
            ExprKind::Float(f) => match scalar_type(prog, e.ty) {
                Some(t) => self.fconst(t, *f),
                _ => return Err("internal: float literal of a non-scalar type".into()),
            },
            ExprKind::Bool(b) => V::S(self.b.ins().iconst(types::I8, i64::from(*b))),
            ExprKind::Null => V::S(self.b.ins().iconst(types::I64, 0)),
            ExprKind::Str(bytes) => V::S(self.string_addr(bytes)?),
            ExprKind::FnRef(c) => {
                let id = self.callee_id(*c)?;
                let fr = self.func_ref(id);
                V::S(self.b.ins().func_addr(types::I64, fr))
            }
            ExprKind::Call(f, args) if self.inlines(*f) => self.inline_call(*f, args, e.pos)?,
            ExprKind::Call(f, args) => {
                let id = self
                    .cx
                    .fns
                    .get(f.idx())
                    .and_then(|x| x.0)
                    .ok_or("call of an unknown function")?;
                let fr = self.func_ref(id);
                let args = self.call_args(args, e.ty)?;
                let inst = self.b.ins().call(fr, &args.0);
                self.call_result(inst, e.ty, args.1)
            }
            ExprKind::ExternCall(x, args) => {
                let (id, _) = self
                    .cx
                    .externs
                    .get(x.idx())
                    .cloned()
                    .ok_or("call of an unknown extern fn")?;
                let fr = self.func_ref(id);
                let args = self.call_args(args, e.ty)?;
                let inst = self.b.ins().call(fr, &args.0);
                self.call_result(inst, e.ty, args.1)
            }
            ExprKind::CallIndirect(fp, args) => {
                let (params, ret) = match prog.types.rkind(fp.ty) {
                    TypeKind::Fn(p, r) => (p.clone(), *r),
                    _ => return Err("call of a value that is not a function pointer".into()),
                };
                let callee = self.scalar(fp)?;
                let sig = signature(prog, &*self.cx.isa, &params, ret, None)?;
                let sr = self.b.import_signature(sig);
                let args = self.call_args(args, e.ty)?;
                let inst = self.b.ins().call_indirect(sr, callee, &args.0);
                self.call_result(inst, e.ty, args.1)
            }
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r)?,
            ExprKind::Unary(op, x) => {
                let v = self.scalar(x)?;
                let t = self.b.func.dfg.value_type(v);
                V::S(match (op, prog.types.rkind(x.ty)) {
                    (UnOp::Neg, TypeKind::F32 | TypeKind::F64) => self.b.ins().fneg(v),
                    (UnOp::Neg, _) => self.b.ins().ineg(v),
                    (UnOp::Not, TypeKind::Bool) => self.b.ins().bxor_imm_s(v, 1),
                    (UnOp::Not, _) if t.is_int() => self.b.ins().bnot(v),
                    _ => return Err("unsupported unary operand".into()),
                })
            }
            _ => return Err("internal: expression kind not lowered".into()),
        })
    }

    fn fconst(&mut self, t: Type, f: f64) -> V {
        V::S(if t == types::F32 {
            self.b.ins().f32const(f as f32)
        } else {
            self.b.ins().f64const(f)
        })
    }

    pub(crate) fn string_addr(&mut self, bytes: &[u8]) -> R<Value> {
        let d = self.cx.string(bytes)?;
        let gv = self.cx.module.declare_data_in_func(d, self.b.func);
        Ok(self.b.ins().symbol_value(types::I64, gv))
    }

    pub(crate) fn global_symbol(&mut self, i: usize) -> R<Value> {
        let d = *self.cx.globals.get(i).ok_or("unknown global")?;
        let gv = self.cx.module.declare_data_in_func(d, self.b.func);
        Ok(self.b.ins().symbol_value(types::I64, gv))
    }

    fn callee_id(&self, c: Callee) -> R<cranelift_module::FuncId> {
        match c {
            Callee::Fn(f) => self.cx.fns.get(f.idx()).and_then(|x| x.0),
            Callee::Extern(x) => self.cx.externs.get(x.idx()).map(|x| x.0),
        }
        .ok_or_else(|| "reference to an unknown function".to_string())
    }

    /// Arguments of a call (aggregates by address), with the hidden result
    /// pointer first when the result is an aggregate (also returned).
    fn call_args(&mut self, args: &'p [Expr], ret: TypeId) -> R<(Vec<Value>, Option<Value>)> {
        let mut out = Vec::new();
        let mut sret = None;
        if self.ret_abi(ret) == RetAbi::Memory {
            let slot = self.new_slot(ret);
            let a = self.b.ins().stack_addr(types::I64, slot, 0);
            out.push(a);
            sret = Some(a);
        }
        for a in args {
            match self.expr(a)? {
                V::S(v) | V::M(v) => out.push(v),
                V::Unit => {}
            }
        }
        Ok((out, sret))
    }

    fn call_result(
        &mut self,
        inst: cranelift_codegen::ir::Inst,
        ret: TypeId,
        sret: Option<Value>,
    ) -> V {
        if let Some(a) = sret {
            return V::M(a);
        }
        let results = self.b.inst_results(inst).to_vec();
        match self.ret_abi(ret) {
            RetAbi::Regs(_) => {
                let slot = self.slot_of_size(16.max(self.prog.types.size_of(ret)), 8);
                for (i, v) in results.iter().enumerate() {
                    self.b.ins().stack_store(types::I64, *v, slot, 8 * i as i32);
                }
                V::M(self.b.ins().stack_addr(types::I64, slot, 0))
            }
            _ => match results.first() {
                Some(v) => V::S(*v),
                None => V::Unit,
            },
        }
    }

    pub(crate) fn malloc(&mut self, size: u64) -> R<Value> {
        let mut sig = Signature::new(self.cx.isa.default_call_conv());
        sig.params.push(AbiParam::new(types::I64));
        sig.returns.push(AbiParam::new(types::I64));
        let n = self.b.ins().iconst(types::I64, size as i64);
        let r = self.call_c("malloc", &sig, &[n])?;
        r.first()
            .copied()
            .ok_or_else(|| "malloc returned nothing".into())
    }

    /// Stores `v` into `n` consecutive elements at `a` (a loop).
    pub(crate) fn fill(&mut self, a: Value, t: TypeId, v: V, esz: u64, n: u64) -> R<()> {
        let head = self.b.create_block();
        let body = self.b.create_block();
        let exit = self.b.create_block();
        self.b.append_block_param(head, types::I64);
        let zero = self.b.ins().iconst(types::I64, 0);
        self.b.ins().jump(head, &[Self::arg(zero)]);
        self.b.switch_to_block(head);
        let i = self.b.block_params(head)[0];
        let c = self
            .b
            .ins()
            .icmp_imm_s(IntCC::UnsignedLessThan, i, n as i64);
        self.b.ins().brif(c, body, &[], exit, &[]);
        self.b.switch_to_block(body);
        let off = self.b.ins().imul_imm_s(i, esz as i64);
        let ea = self.b.ins().iadd(a, off);
        self.store(t, v, ea)?;
        let i2 = self.b.ins().iadd_imm_s(i, 1);
        self.b.ins().jump(head, &[Self::arg(i2)]);
        self.b.switch_to_block(exit);
        Ok(())
    }

    /// `a + index * size_of(elem)`.
    pub(crate) fn element(&mut self, a: Value, index: &'p Expr, elem: TypeId) -> R<Value> {
        let i = self.scalar(index)?;
        let i = self.widen_i64(i, index.ty);
        let off = self
            .b
            .ins()
            .imul_imm_s(i, self.prog.types.size_of(elem) as i64);
        Ok(self.b.ins().iadd(a, off))
    }

    fn widen_i64(&mut self, v: Value, t: TypeId) -> Value {
        let vt = self.b.func.dfg.value_type(v);
        if vt == types::I64 {
            return v;
        }
        match self.prog.types.int_info(t) {
            Some((true, _)) => self.b.ins().sextend(types::I64, v),
            _ => self.b.ins().uextend(types::I64, v),
        }
    }

    fn binary(&mut self, op: BinOp, l: &'p Expr, r: &'p Expr) -> R<V> {
        if matches!(op, BinOp::And | BinOp::Or) {
            let lv = self.scalar(l)?;
            let rhs = self.b.create_block();
            let merge = self.b.create_block();
            let res = self.b.append_block_param(merge, types::I8);
            if op == BinOp::And {
                self.b.ins().brif(lv, rhs, &[], merge, &[Self::arg(lv)]);
            } else {
                self.b.ins().brif(lv, merge, &[Self::arg(lv)], rhs, &[]);
            }
            self.b.switch_to_block(rhs);
            let rv = self.scalar(r)?;
            self.b.ins().jump(merge, &[Self::arg(rv)]);
            self.b.switch_to_block(merge);
            return Ok(V::S(res));
        }
        let a = self.scalar(l)?;
        let mut b = self.scalar(r)?;
        let kind = self.prog.types.rkind(l.ty).clone();
        let v = match kind {
            TypeKind::F32 | TypeKind::F64 => {
                let cc = match op {
                    BinOp::Add => return Ok(V::S(self.b.ins().fadd(a, b))),
                    BinOp::Sub => return Ok(V::S(self.b.ins().fsub(a, b))),
                    BinOp::Mul => return Ok(V::S(self.b.ins().fmul(a, b))),
                    BinOp::Div => return Ok(V::S(self.b.ins().fdiv(a, b))),
                    BinOp::Rem => return self.fmod(a, b, kind == TypeKind::F32),
                    BinOp::Eq => FloatCC::Equal,
                    BinOp::Ne => FloatCC::NotEqual,
                    BinOp::Lt => FloatCC::LessThan,
                    BinOp::Le => FloatCC::LessThanOrEqual,
                    BinOp::Gt => FloatCC::GreaterThan,
                    BinOp::Ge => FloatCC::GreaterThanOrEqual,
                    _ => return Err(format!("operator {op:?} on floats")),
                };
                self.b.ins().fcmp(cc, a, b)
            }
            _ => {
                let signed = matches!(kind, TypeKind::Int { signed: true, .. });
                let t = self.b.func.dfg.value_type(a);
                if matches!(op, BinOp::Shl | BinOp::Shr) {
                    let bt = self.b.func.dfg.value_type(b);
                    if bt.bits() > t.bits() {
                        b = self.b.ins().ireduce(t, b);
                    } else if bt.bits() < t.bits() {
                        b = self.b.ins().uextend(t, b);
                    }
                }
                let cmp = |u: IntCC, s: IntCC| if signed { s } else { u };
                let cc = match op {
                    BinOp::Add => return Ok(V::S(self.b.ins().iadd(a, b))),
                    BinOp::Sub => return Ok(V::S(self.b.ins().isub(a, b))),
                    BinOp::Mul => return Ok(V::S(self.b.ins().imul(a, b))),
                    BinOp::Div | BinOp::Rem => return self.divide(op, a, b, signed),
                    BinOp::BitAnd => return Ok(V::S(self.b.ins().band(a, b))),
                    BinOp::BitOr => return Ok(V::S(self.b.ins().bor(a, b))),
                    BinOp::BitXor => return Ok(V::S(self.b.ins().bxor(a, b))),
                    BinOp::Shl => return Ok(V::S(self.b.ins().ishl(a, b))),
                    BinOp::Shr if signed => return Ok(V::S(self.b.ins().sshr(a, b))),
                    BinOp::Shr => return Ok(V::S(self.b.ins().ushr(a, b))),
                    BinOp::Eq => IntCC::Equal,
                    BinOp::Ne => IntCC::NotEqual,
                    BinOp::Lt => cmp(IntCC::UnsignedLessThan, IntCC::SignedLessThan),
                    BinOp::Le => cmp(IntCC::UnsignedLessThanOrEqual, IntCC::SignedLessThanOrEqual),
                    BinOp::Gt => cmp(IntCC::UnsignedGreaterThan, IntCC::SignedGreaterThan),
                    BinOp::Ge => cmp(
                        IntCC::UnsignedGreaterThanOrEqual,
                        IntCC::SignedGreaterThanOrEqual,
                    ),
                    BinOp::And | BinOp::Or => unreachable_op()?,
                };
                let _ = t;
                self.b.ins().icmp(cc, a, b)
            }
        };
        Ok(V::S(v))
    }
}

fn unreachable_op<T>() -> R<T> {
    Err("internal: short-circuit operator reached the arithmetic path".into())
}

/// An integer literal's bits truncated to `t`'s width.
fn mask(bits: u64, t: Type) -> u64 {
    let w = t.bits();
    if w >= 64 {
        bits
    } else {
        bits & ((1u64 << w) - 1)
    }
}
