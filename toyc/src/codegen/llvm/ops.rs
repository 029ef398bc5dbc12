//! LLVM codegen of the operators that need more than one instruction:
//! integer division, `%` on floats, casts and `print` (the counterpart of
//! `codegen/cranelift/ops.rs`).

use crate::codegen::llvm::ir::IntPredicate as IP;

use crate::codegen::llvm::ir::{Bin, Conv, Val, R};
use crate::codegen::llvm::{LCg, LRepr, LV};
use crate::front::hir::{BinOp, CastKind, Expr, ExprKind, TypeId, TypeKind};

impl<'a, 'm, 'p> LCg<'a, 'm, 'p> {
    /// Integer `/` and `%`: division by zero aborts; `MIN / -1` wraps.
    pub fn divide(&mut self, op: BinOp, a: Val<'m>, b: Val<'m>, signed: bool) -> R<LV<'m>> {
        let ir = self.ir;
        let t = ir.type_of(a);
        let zero = ir.icmp(IP::LLVMIntEQ, b, ir.const_int(t, 0)?)?;
        let bad = ir.block(self.func, "div.zero");
        let ok = ir.block(self.func, "div.ok");
        ir.cond_br(zero, bad, ok);
        ir.position(bad);
        self.call_abort()?;
        ir.position(ok);
        let v = if signed {
            let m1 = ir.icmp(IP::LLVMIntEQ, b, ir.const_int(t, u64::MAX)?)?;
            let safe = ir.select(m1, ir.const_int(t, 1)?, b);
            if op == BinOp::Div {
                let q = ir.bin(Bin::SDiv, a, safe)?;
                let n = ir.bin(Bin::Sub, ir.const_int(t, 0)?, a)?;
                ir.select(m1, n, q)
            } else {
                let r = ir.bin(Bin::SRem, a, safe)?;
                ir.select(m1, ir.const_int(t, 0)?, r)
            }
        } else if op == BinOp::Div {
            ir.bin(Bin::UDiv, a, b)?
        } else {
            ir.bin(Bin::URem, a, b)?
        };
        Ok(LV::S(v))
    }

    /// `%` on floats: libc's `fmod`/`fmodf`.
    pub fn fmod(&mut self, a: Val<'m>, b: Val<'m>) -> R<LV<'m>> {
        let t = self.ir.type_of(a);
        let name = if t == self.ir.f32() { "fmodf" } else { "fmod" };
        let fty = self.ir.fn_type(t, &[t, t], false);
        Ok(LV::S(self.call_c(name, fty, &[a, b])?))
    }

    /// `v as to` (from `from`).
    pub fn cast(&mut self, kind: CastKind, v: Val<'m>, from: TypeId, to: TypeId) -> R<Val<'m>> {
        let ir = self.ir;
        let LRepr::Scalar(tt) = self.m.repr(to) else {
            return Err("cast to a non-scalar type".into());
        };
        let ft = ir.type_of(v);
        Ok(match kind {
            CastKind::FloatExt => ir.conv(Conv::FpExt, v, tt),
            CastKind::FloatTrunc => ir.conv(Conv::FpTrunc, v, tt),
            CastKind::IntToFloat { signed } => {
                ir.conv(if signed { Conv::SiToFp } else { Conv::UiToFp }, v, tt)
            }
            CastKind::FloatToInt { signed } => {
                // Saturating, NaN to 0: the `fpto[su]i.sat` intrinsics.
                let name = format!(
                    "llvm.fpto{}i.sat.i{}.{}",
                    if signed { 's' } else { 'u' },
                    ir.int_width(tt),
                    if ft == ir.f32() { "f32" } else { "f64" }
                );
                let fty = ir.fn_type(tt, &[ft], false);
                let f = ir.function(&name, fty, true)?;
                ir.call(fty, f, &[v])?
            }
            _ if ft == tt => v,
            _ => {
                // Integer/bool conversions by width.
                let (fw, tw) = (ir.int_width(ft), ir.int_width(tt));
                if fw == 0 || tw == 0 {
                    return Err("internal: conversion between pointers and integers".into());
                }
                let signed = self.m.prog.types.int_info(from).is_some_and(|x| x.0);
                if fw > tw {
                    ir.conv(Conv::Trunc, v, tt)
                } else if signed && kind != CastKind::IntZext {
                    ir.conv(Conv::SExt, v, tt)
                } else {
                    ir.conv(Conv::ZExt, v, tt)
                }
            }
        })
    }

    /// `print(...)`: one `printf` with a format built here; floats as `%g`
    /// of a `double`, bools as "true"/"false" (the output of the Cranelift
    /// path, which formats floats with `strfromd`).
    pub fn print(&mut self, args: &'p [Expr]) -> R<()> {
        let ir = self.ir;
        let mut fmt: Vec<u8> = Vec::new();
        let mut vals: Vec<Val<'m>> = Vec::new();
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
            match self.m.prog.types.rkind(a.ty).clone() {
                TypeKind::Bool => {
                    let t = self.m.string(b"true")?;
                    let f = self.m.string(b"false")?;
                    let c = ir.icmp(IP::LLVMIntNE, v, ir.const_int(ir.int(8), 0)?)?;
                    vals.push(ir.select(c, t, f));
                    fmt.extend_from_slice(b"%s");
                }
                TypeKind::Int { signed, bits } => {
                    let v = if bits < 32 {
                        ir.conv(if signed { Conv::SExt } else { Conv::ZExt }, v, ir.int(32))
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
                    let d = if ir.type_of(v) == ir.f32() {
                        ir.conv(Conv::FpExt, v, ir.f64())
                    } else {
                        v
                    };
                    vals.push(d);
                    fmt.extend_from_slice(b"%g");
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
        let f = self.m.string(&fmt)?;
        let fty = ir.fn_type(ir.int(32), &[ir.ptr()], true);
        let mut all = vec![f];
        all.extend(vals);
        self.call_c("printf", fty, &all)?;
        Ok(())
    }
}
