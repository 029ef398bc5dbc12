//! Cranelift codegen of Toy operators that need more than one instruction:
//! integer division, `%` on floats, casts and `print`.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, AbiParam, InstBuilder, Signature, Value};

use crate::codegen::cranelift::{scalar_type, FnCg, R, V};
use crate::front::hir::{BinOp, CastKind, Expr, ExprKind, TypeId, TypeKind};

impl<'a, 'p> FnCg<'a, 'p> {
    /// Integer `/` and `%`: division by zero aborts; `MIN / -1` wraps.
    pub(crate) fn divide(&mut self, op: BinOp, a: Value, b: Value, signed: bool) -> R<V> {
        let t = self.b.func.dfg.value_type(a);
        let zero = self.b.ins().icmp_imm_s(IntCC::Equal, b, 0);
        let bad = self.b.create_block();
        let ok = self.b.create_block();
        self.b.ins().brif(zero, bad, &[], ok, &[]);
        self.b.switch_to_block(bad);
        self.b.set_cold_block(bad);
        self.call_abort()?;
        self.b.switch_to_block(ok);
        let v = if signed {
            let m1 = self.b.ins().icmp_imm_s(IntCC::Equal, b, -1);
            let one = self.b.ins().iconst(t, 1);
            let safe = self.b.ins().select(m1, one, b);
            if op == BinOp::Div {
                let q = self.b.ins().sdiv(a, safe);
                let n = self.b.ins().ineg(a);
                self.b.ins().select(m1, n, q)
            } else {
                let r = self.b.ins().srem(a, safe);
                let z = self.b.ins().iconst(t, 0);
                self.b.ins().select(m1, z, r)
            }
        } else if op == BinOp::Div {
            self.b.ins().udiv(a, b)
        } else {
            self.b.ins().urem(a, b)
        };
        Ok(V::S(v))
    }

    pub(crate) fn fmod(&mut self, a: Value, b: Value, f32: bool) -> R<V> {
        let t = if f32 { types::F32 } else { types::F64 };
        let mut sig = Signature::new(self.cx.isa.default_call_conv());
        sig.params.push(AbiParam::new(t));
        sig.params.push(AbiParam::new(t));
        sig.returns.push(AbiParam::new(t));
        let r = self.call_c(if f32 { "fmodf" } else { "fmod" }, &sig, &[a, b])?;
        r.first()
            .copied()
            .map(V::S)
            .ok_or_else(|| "fmod returned nothing".into())
    }

    pub(crate) fn cast(&mut self, kind: CastKind, v: Value, from: TypeId, to: TypeId) -> R<Value> {
        let Some(tt) = scalar_type(self.prog, to) else {
            return Err("cast to a non-scalar type".into());
        };
        let ft = self.b.func.dfg.value_type(v);
        Ok(match kind {
            CastKind::FloatExt => self.b.ins().fpromote(tt, v),
            CastKind::FloatTrunc => self.b.ins().fdemote(tt, v),
            CastKind::IntToFloat { signed } => {
                let w = if ft.bits() < 32 {
                    if signed {
                        self.b.ins().sextend(types::I32, v)
                    } else {
                        self.b.ins().uextend(types::I32, v)
                    }
                } else {
                    v
                };
                if signed {
                    self.b.ins().fcvt_from_sint(tt, w)
                } else {
                    self.b.ins().fcvt_from_uint(tt, w)
                }
            }
            CastKind::FloatToInt { signed } => {
                if tt.bits() >= 32 {
                    if signed {
                        self.b.ins().fcvt_to_sint_sat(tt, v)
                    } else {
                        self.b.ins().fcvt_to_uint_sat(tt, v)
                    }
                } else {
                    // Saturate through i32, then clamp to the narrow range.
                    let bits = tt.bits();
                    let (lo, hi) = if signed {
                        (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1)
                    } else {
                        (0, (1i64 << bits) - 1)
                    };
                    let w = self.b.ins().fcvt_to_sint_sat(types::I32, v);
                    let lo = self.b.ins().iconst(types::I32, lo);
                    let hi = self.b.ins().iconst(types::I32, hi);
                    let w = self.b.ins().smax(w, lo);
                    let w = self.b.ins().smin(w, hi);
                    self.b.ins().ireduce(tt, w)
                }
            }
            _ => {
                // Integer/pointer/bool conversions by width.
                let signed = self.prog.types.int_info(from).is_some_and(|x| x.0);
                if ft == tt {
                    v
                } else if ft.bits() > tt.bits() {
                    self.b.ins().ireduce(tt, v)
                } else if signed && kind != CastKind::IntZext {
                    self.b.ins().sextend(tt, v)
                } else {
                    self.b.ins().uextend(tt, v)
                }
            }
        })
    }

    /// `print(...)`: one `printf` with a format built here. Floats are
    /// formatted by `strfromd` into stack buffers (Cranelift cannot set
    /// `%al` for variadic float arguments), bools as "true"/"false".
    pub(crate) fn print(&mut self, args: &'p [Expr]) -> R<()> {
        let mut fmt: Vec<u8> = Vec::new();
        let mut vals: Vec<Value> = Vec::new();
        for a in args {
            if let ExprKind::Str(bytes) = &a.kind {
                for &c in bytes {
                    if c == b'%' {
                        fmt.push(b'%');
                    }
                    fmt.push(c);
                }
                continue;
            }
            let v = self.scalar(a)?;
            match self.prog.types.rkind(a.ty).clone() {
                TypeKind::Bool => {
                    let t = self.string_addr(b"true")?;
                    let f = self.string_addr(b"false")?;
                    vals.push(self.b.ins().select(v, t, f));
                    fmt.extend_from_slice(b"%s");
                }
                TypeKind::Int { signed, bits } => {
                    let v = if bits < 32 {
                        if signed {
                            self.b.ins().sextend(types::I32, v)
                        } else {
                            self.b.ins().uextend(types::I32, v)
                        }
                    } else {
                        v
                    };
                    vals.push(v);
                    let spec: &[u8] = match (signed, bits == 64) {
                        (true, true) => b"%ld",
                        (true, false) => b"%d",
                        (false, true) => b"%lu",
                        (false, false) => b"%u",
                    };
                    fmt.extend_from_slice(spec);
                }
                TypeKind::F32 | TypeKind::F64 => {
                    let d = if self.b.func.dfg.value_type(v) == types::F32 {
                        self.b.ins().fpromote(types::F64, v)
                    } else {
                        v
                    };
                    let slot = self.slot_of_size(64, 8);
                    let buf = self.b.ins().stack_addr(types::I64, slot, 0);
                    let n = self.b.ins().iconst(types::I64, 64);
                    let g = self.string_addr(b"%g")?;
                    let mut sig = Signature::new(self.cx.isa.default_call_conv());
                    for t in [types::I64, types::I64, types::I64, types::F64] {
                        sig.params.push(AbiParam::new(t));
                    }
                    sig.returns.push(AbiParam::new(types::I32));
                    self.call_c("strfromd", &sig, &[buf, n, g, d])?;
                    vals.push(buf);
                    fmt.extend_from_slice(b"%s");
                }
                TypeKind::Enum(_) => {
                    vals.push(v);
                    fmt.extend_from_slice(b"%u");
                }
                _ => {
                    vals.push(v);
                    fmt.extend_from_slice(b"%p");
                }
            }
        }
        fmt.push(b'\n');
        let f = self.string_addr(&fmt)?;
        let mut sig = Signature::new(self.cx.isa.default_call_conv());
        sig.params.push(AbiParam::new(types::I64));
        for v in &vals {
            sig.params
                .push(AbiParam::new(self.b.func.dfg.value_type(*v)));
        }
        sig.returns.push(AbiParam::new(types::I32));
        let mut all = vec![f];
        all.extend(vals);
        self.call_c("printf", &sig, &all)?;
        Ok(())
    }
}
