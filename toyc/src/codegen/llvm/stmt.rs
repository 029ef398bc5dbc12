//! LLVM codegen of Toy statements and scopes (the counterpart of
//! `codegen/cranelift/stmt.rs`, with the same debug scopes from `debuginfo/scopes.rs`)
//! and of the operators that need more than one instruction (the
//! counterpart of `codegen/cranelift/ops.rs`).

use crate::codegen::llvm::ir::IntPredicate as IP;

use crate::codegen::llvm::ir::{Bin, Conv, Val, R};
use crate::codegen::llvm::{LCg, LRepr, LV};
use crate::front::hir::{
    self, BinOp, Block, CastKind, Expr, ExprKind, Pos, Stmt, StmtKind, TypeId, TypeKind,
};

impl<'a, 'm, 'p> LCg<'a, 'm, 'p> {
    /// Declares the pending `let` locals in a new debug block nested in the
    /// current scope (they are visible from the next statement on).
    fn flush_pending(&mut self, pos: Pos) -> R<bool> {
        let Some(d) = self.dbg.as_mut() else {
            return Ok(false);
        };
        let Some(vars) = d.flush(pos)? else {
            return Ok(false);
        };
        self.bind_vars(vars)?;
        Ok(true)
    }

    /// A Toy block: a scope; each `let` opens a nested debug block that
    /// lasts to the end of the Toy block.
    pub fn block(&mut self, blk: &'p Block, is_body: bool) -> R<()> {
        let saved = self.dbg.as_mut().map(|d| d.enter_block());
        for s in &blk.stmts {
            self.flush_pending(s.pos)?;
            self.stmt(s)?;
        }
        let end = self
            .f
            .scopes
            .get(blk.scope.idx())
            .map_or(self.f.body_close, |s| s.end);
        let opened = self.flush_pending(end)?;
        if is_body {
            self.function_end(end)?;
        } else if opened {
            // Give the trailing `let`s' scope some code: a kept load at `}`
            // (LLVM drops lexical blocks without instructions).
            self.loc(end)?;
            if let Some(&(_, slot)) = self.vars.last() {
                self.ir.load(self.ir.int(8), slot, true)?;
            }
        }
        if let (Some(d), Some(saved)) = (self.dbg.as_mut(), saved) {
            d.leave_block(saved);
        }
        Ok(())
    }

    /// The closing `}` of the body: return (unit), `0` (main) or abort.
    fn function_end(&mut self, end: Pos) -> R<()> {
        self.loc(end)?;
        let f = self.f;
        if !f.falls_through {
            // The current block is unreachable.
            return self.trap();
        }
        match self.m.repr(f.ret) {
            LRepr::Unit => self.ir.ret(None),
            LRepr::Scalar(t) if f.is_main => self.ir.ret(Some(self.ir.const_int(t, 0)?)),
            _ => self.call_abort()?,
        }
        Ok(())
    }

    /// `llvm.trap` and `unreachable` (Cranelift's `trap`).
    fn trap(&mut self) -> R<()> {
        let fty = self.ir.fn_type(self.ir.void(), &[], false);
        let f = self.ir.function("llvm.trap", fty, true)?;
        self.ir.call(fty, f, &[])?;
        self.ir.unreachable();
        Ok(())
    }

    /// Calls `abort()` (after `fflush(NULL)`) and ends the block.
    pub fn call_abort(&mut self) -> R<()> {
        let ir = self.ir;
        let fty = ir.fn_type(ir.int(32), &[ir.ptr()], false);
        self.call_c("fflush", fty, &[ir.null()])?;
        self.call_c("abort", ir.fn_type(ir.void(), &[], false), &[])?;
        ir.unreachable();
        Ok(())
    }

    fn stmt(&mut self, s: &'p Stmt) -> R<()> {
        let ir = self.ir;
        match &s.kind {
            StmtKind::Let { local, init } => {
                self.loc(s.pos)?;
                let v = self.expr(init)?;
                let slot = *self.slots.get(local.idx()).ok_or("unknown local")?;
                let ty = self.f.locals[local.idx()].ty;
                self.store(ty, v, slot)?;
                if let Some(d) = self.dbg.as_mut() {
                    d.push_let(*local);
                }
            }
            StmtKind::Assign { place, value } => {
                self.loc(s.pos)?;
                let v = self.expr(value)?;
                let a = self.place(place)?;
                self.store(place.ty, v, a)?;
            }
            StmtKind::If {
                branches,
                else_block,
            } => {
                let merge = ir.block(self.func, "if.end");
                for (i, br) in branches.iter().enumerate() {
                    self.loc(if i == 0 { s.pos } else { br.cond.pos })?;
                    let c = self.cond(&br.cond)?;
                    let then = ir.block(self.func, "then");
                    let next = ir.block(self.func, "else");
                    ir.cond_br(c, then, next);
                    ir.position(then);
                    self.block(&br.block, false)?;
                    ir.br(merge);
                    ir.position(next);
                }
                if let Some(e) = else_block {
                    self.block(e, false)?;
                }
                ir.br(merge);
                ir.position(merge);
            }
            StmtKind::While { cond, body } => {
                let head = ir.block(self.func, "while");
                let inner = ir.block(self.func, "while.body");
                let exit = ir.block(self.func, "while.end");
                self.loc(s.pos)?;
                ir.br(head);
                ir.position(head);
                let c = self.cond(cond)?;
                ir.cond_br(c, inner, exit);
                ir.position(inner);
                self.block(body, false)?;
                // The back edge belongs to the `while` line (see codegen_stmt).
                self.loc(s.pos)?;
                ir.br(head);
                ir.position(exit);
            }
            StmtKind::Match {
                scrutinee,
                enum_id,
                arms,
            } => self.match_stmt(s.pos, scrutinee, *enum_id, arms)?,
            StmtKind::Return(e) => {
                self.loc(s.pos)?;
                let v = match e {
                    Some(e) => self.expr(e)?,
                    None => LV::Unit,
                };
                self.ret(v)?;
                self.after_terminator();
            }
            StmtKind::Block(b) => self.block(b, false)?,
            StmtKind::Expr(e) => {
                self.loc(s.pos)?;
                self.expr(e)?;
            }
        }
        Ok(())
    }

    fn match_stmt(
        &mut self,
        pos: Pos,
        scrutinee: &'p Expr,
        enum_id: hir::EnumId,
        arms: &'p [hir::Arm],
    ) -> R<()> {
        let ir = self.ir;
        self.loc(pos)?;
        let v = self.expr(scrutinee)?;
        let def = self
            .m
            .prog
            .enums
            .get(enum_id.idx())
            .ok_or("match on an unknown enum")?;
        let (tag, addr) = match v {
            LV::S(t) => (t, None),
            LV::M(a) => (
                ir.load(ir.int(32), ir.offset_c(a, def.tag_offset)?, false)?,
                Some(a),
            ),
            LV::Unit => return Err("match on a value without a type".into()),
        };
        let merge = ir.block(self.func, "match.end");
        let blocks: Vec<_> = arms.iter().map(|_| ir.block(self.func, "arm")).collect();
        for (arm, blk) in arms.iter().zip(&blocks) {
            let next = ir.block(self.func, "match.next");
            let c = ir.icmp(
                IP::LLVMIntEQ,
                tag,
                ir.const_int(ir.int(32), u64::from(arm.variant))?,
            )?;
            ir.cond_br(c, *blk, next);
            ir.position(next);
        }
        self.trap()?;
        for (arm, blk) in arms.iter().zip(&blocks) {
            ir.position(*blk);
            let mut saved = None;
            if !arm.bindings.is_empty() {
                // The copies into the bindings belong to the enclosing scope
                // (see codegen_stmt); the arm's block scope starts after them.
                self.loc(arm.pos)?;
                let variant = def
                    .variants
                    .get(arm.variant as usize)
                    .ok_or("match arm of an unknown variant")?;
                let base = addr.ok_or("payload binding of a C-like enum")?;
                for (l, p) in arm.bindings.iter().zip(&variant.payload) {
                    let slot = *self.slots.get(l.idx()).ok_or("unknown local")?;
                    let src = ir.offset_c(base, p.offset)?;
                    let v = self.load(p.ty, src)?;
                    self.store(p.ty, v, slot)?;
                }
                // The arm's block scope holds its bindings.
                if let Some(d) = self.dbg.as_mut() {
                    let (s, vars) = d.enter_arm(arm)?;
                    saved = Some(s);
                    self.bind_vars(vars)?;
                }
            }
            self.block(&arm.block, false)?;
            if let (Some(d), Some(s)) = (self.dbg.as_mut(), saved) {
                d.leave_arm(s);
            }
            ir.br(merge);
        }
        ir.position(merge);
        Ok(())
    }

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
