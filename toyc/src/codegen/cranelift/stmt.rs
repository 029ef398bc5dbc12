//! Cranelift codegen of Toy statements and scopes: blocks (with a debug
//! scope per `let`), `if`, `while`, `match`, `return` and the function end.

use cranelift_codegen::ir::{
    self, types, Block as ClBlock, InstBuilder, MemFlagsData, Signature, TrapCode, Value,
};

use crate::codegen::abi::{ret_abi, RetAbi};
use crate::codegen::cranelift::{repr, FnCg, Repr, R, V};
use crate::front::hir::{self, Block, Pos, Stmt, StmtKind, TypeId};

impl<'a, 'p> FnCg<'a, 'p> {
    /// Declares the pending `let` locals in a new debug block nested in the
    /// current scope (they are visible from the next statement on).
    pub(crate) fn flush_pending(&mut self, pos: Pos) -> R<bool> {
        let Some(d) = self.dbg.as_mut() else {
            return Ok(false);
        };
        let Some(vars) = d.flush(pos)? else {
            return Ok(false);
        };
        for (l, v) in vars {
            self.vars.push((v, self.slots[l.idx()]));
        }
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
            // Give the trailing `let`s' scope some code: a (kept) load at `}`.
            self.loc(end)?;
            if let Some(&(_, slot)) = self.vars.last() {
                let a = self.b.ins().stack_addr(types::I64, slot, 0);
                self.b.ins().load(types::I8, MemFlagsData::new(), a, 0);
            }
        }
        if let (Some(d), Some(saved)) = (self.dbg.as_mut(), saved) {
            d.leave_block(saved);
        }
        Ok(())
    }

    /// The closing `}` of the body: return (unit), `0` (main) or abort.
    pub(crate) fn function_end(&mut self, end: Pos) -> R<()> {
        self.loc(end)?;
        let f = self.f;
        if !f.falls_through {
            // The current block is unreachable.
            self.b.ins().trap(TrapCode::unwrap_user(1));
            return Ok(());
        }
        match repr(self.prog, f.ret) {
            Repr::Unit => {
                self.b.ins().return_(&[]);
            }
            Repr::Scalar(t) if f.is_main => {
                let z = self.b.ins().iconst(t, 0);
                self.b.ins().return_(&[z]);
            }
            _ => {
                self.call_abort()?;
            }
        }
        Ok(())
    }

    /// Calls `abort()` and ends the block.
    /// (`fflush(NULL)` first, so output printed so far is not lost.)
    pub fn call_abort(&mut self) -> R<()> {
        let mut fsig = Signature::new(self.cx.isa.default_call_conv());
        fsig.params.push(ir::AbiParam::new(types::I64));
        fsig.returns.push(ir::AbiParam::new(types::I32));
        let null = self.b.ins().iconst(types::I64, 0);
        self.call_c("fflush", &fsig, &[null])?;
        let sig = Signature::new(self.cx.isa.default_call_conv());
        self.call_c("abort", &sig, &[])?;
        self.b.ins().trap(TrapCode::unwrap_user(1));
        Ok(())
    }

    pub(crate) fn stmt(&mut self, s: &'p Stmt) -> R<()> {
        match &s.kind {
            StmtKind::Let { local, init } => {
                self.loc(s.pos)?;
                let v = self.expr(init)?;
                let slot = self.slots[local.idx()];
                let ty = self.f.locals[local.idx()].ty;
                let a = self.b.ins().stack_addr(types::I64, slot, 0);
                self.store(ty, v, a)?;
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
                let merge = self.b.create_block();
                for (i, br) in branches.iter().enumerate() {
                    self.loc(if i == 0 { s.pos } else { br.cond.pos })?;
                    let c = self.scalar(&br.cond)?;
                    let then = self.b.create_block();
                    let next = self.b.create_block();
                    self.b.ins().brif(c, then, &[], next, &[]);
                    self.b.switch_to_block(then);
                    self.block(&br.block, false)?;
                    self.b.ins().jump(merge, &[]);
                    self.b.switch_to_block(next);
                }
                if let Some(e) = else_block {
                    self.block(e, false)?;
                }
                self.b.ins().jump(merge, &[]);
                self.b.switch_to_block(merge);
            }
            StmtKind::While { cond, body } => {
                let head = self.b.create_block();
                let inner = self.b.create_block();
                let exit = self.b.create_block();
                self.loc(s.pos)?;
                self.b.ins().jump(head, &[]);
                self.b.switch_to_block(head);
                let c = self.scalar(cond)?;
                self.b.ins().brif(c, inner, &[], exit, &[]);
                self.b.switch_to_block(inner);
                self.block(body, false)?;
                // The back edge belongs to the `while` line, not to whatever
                // statement of the body was emitted last (an `else` branch).
                self.loc(s.pos)?;
                self.b.ins().jump(head, &[]);
                self.b.switch_to_block(exit);
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
                    None => V::Unit,
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

    pub(crate) fn match_stmt(
        &mut self,
        pos: Pos,
        scrutinee: &'p hir::Expr,
        enum_id: hir::EnumId,
        arms: &'p [hir::Arm],
    ) -> R<()> {
        self.loc(pos)?;
        let v = self.expr(scrutinee)?;
        let def = self
            .prog
            .enums
            .get(enum_id.idx())
            .ok_or("match on an unknown enum")?;
        let (tag, addr) = match v {
            V::S(t) => (t, None),
            V::M(a) => (
                self.b
                    .ins()
                    .load(types::I32, MemFlagsData::new(), a, def.tag_offset as i32),
                Some(a),
            ),
            V::Unit => return Err("match on a value without a type".into()),
        };
        let merge = self.b.create_block();
        let blocks: Vec<ClBlock> = arms.iter().map(|_| self.b.create_block()).collect();
        for (arm, blk) in arms.iter().zip(&blocks) {
            let next = self.b.create_block();
            let c =
                self.b
                    .ins()
                    .icmp_imm_s(ir::condcodes::IntCC::Equal, tag, i64::from(arm.variant));
            self.b.ins().brif(c, *blk, &[], next, &[]);
            self.b.switch_to_block(next);
        }
        self.b.ins().trap(TrapCode::unwrap_user(2));
        for (arm, blk) in arms.iter().zip(&blocks) {
            self.b.switch_to_block(*blk);
            let mut saved = None;
            if !arm.bindings.is_empty() {
                // The copies into the bindings belong to the enclosing scope,
                // at the arm's pattern: the bindings become visible (and
                // valid) only where the arm's block begins.
                self.loc(arm.pos)?;
                let variant = def
                    .variants
                    .get(arm.variant as usize)
                    .ok_or("match arm of an unknown variant")?;
                let base = addr.ok_or("payload binding of a C-like enum")?;
                for (l, p) in arm.bindings.iter().zip(&variant.payload) {
                    let slot = self.slots[l.idx()];
                    let src = self.b.ins().iadd_imm_s(base, p.offset as i64);
                    let v = self.load(p.ty, src)?;
                    let dst = self.b.ins().stack_addr(types::I64, slot, 0);
                    self.store(p.ty, v, dst)?;
                }
                // The arm's block scope holds its bindings.
                if let Some(d) = self.dbg.as_mut() {
                    let (s, vars) = d.enter_arm(arm)?;
                    saved = Some(s);
                    for (l, v) in vars {
                        self.vars.push((v, self.slots[l.idx()]));
                    }
                }
            }
            self.block(&arm.block, false)?;
            if let (Some(d), Some(s)) = (self.dbg.as_mut(), saved) {
                d.leave_arm(s);
            }
            self.b.ins().jump(merge, &[]);
        }
        self.b.switch_to_block(merge);
        Ok(())
    }

    /// The return convention for a result of type `t`.
    pub fn ret_abi(&self, t: TypeId) -> RetAbi {
        let s = match repr(self.prog, t) {
            Repr::Scalar(x) => Some(x),
            _ => None,
        };
        ret_abi(self.prog, t, s)
    }

    /// Returns `v` from the function.
    pub(crate) fn ret(&mut self, v: V) -> R<()> {
        let (size, align) = match repr(self.prog, self.f.ret) {
            Repr::Mem { size, align } => (size, align),
            _ => (0, 1),
        };
        match (self.ret_abi(self.f.ret), v) {
            (RetAbi::Scalar(_), V::S(x)) => {
                self.b.ins().return_(&[x]);
            }
            (RetAbi::Memory, V::M(src)) => {
                let dst = self.sret.ok_or("internal: no result pointer")?;
                self.copy(dst, src, size, align);
                self.b.ins().return_(&[dst]);
            }
            (RetAbi::Regs(regs), V::M(src)) => {
                let slot = self.slot_of_size(16, 8);
                let tmp = self.b.ins().stack_addr(types::I64, slot, 0);
                self.copy(tmp, src, size, align);
                let vals: Vec<Value> = regs
                    .iter()
                    .enumerate()
                    .map(|(i, t)| self.b.ins().stack_load(types::I64, *t, slot, 8 * i as i32))
                    .collect();
                self.b.ins().return_(&vals);
            }
            (RetAbi::None, _) => {
                self.b.ins().return_(&[]);
            }
            _ => return Err("internal: returned value does not match the result type".into()),
        }
        Ok(())
    }
}
