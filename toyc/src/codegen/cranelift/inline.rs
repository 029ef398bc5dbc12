//! toyc's own inlining on the Cranelift path (`-O`; LLVM inlines by
//! itself). A call of a small leaf function is replaced by a copy of the
//! callee's body in the caller: the copy's parameters and locals get
//! stack slots of their own in the caller's frame, its `return`s jump to
//! a continuation block that receives the result (with debug info, through
//! the result's stack home: [`InlineExit::result_home`]), and its debug info is an
//! inlined-subroutine scope (`debuginfo/inline.rs`) holding the copy's
//! parameters and locals, its code at the callee's lines.
//!
//! What is inlined ([`inlinable`]): a function other than `main` whose
//! parameters and result are scalars (or unit), whose body holds at most
//! [`MAX_STATEMENTS`] statements in all, no `while` and no `match`, and
//! which calls no Toy function (directly, or through a function value):
//! such a function never recurses, so inlining always ends. The function
//! keeps its out-of-line definition (its address may be taken, and gdb's
//! `break` also binds there).

use cranelift_codegen::ir::types;
use cranelift_codegen::ir::{InstBuilder, MemFlagsData};

use crate::codegen::cranelift::{clif_type, FnCg, R, V};
use crate::codegen::lower::Lower;
use crate::codegen::repr::{repr, Repr};
use crate::front::hir::{
    self, Block, Expr, ExprKind, FnId, Place, PlaceKind, Pos, Program, Stmt, StmtKind,
};

/// The most statements (nested ones included) of an inlined body.
pub const MAX_STATEMENTS: usize = 5;

/// Where the `return`s of the inlined copy being compiled go.
#[derive(Clone, Copy)]
pub struct InlineExit {
    /// The continuation block (one parameter: the result, if scalar and
    /// without a result home).
    pub cont: cranelift_codegen::ir::Block,
    /// With debug info and a scalar result: the result's home, a slot each
    /// `return` stores the result into before it jumps, and the
    /// continuation loads it from. The store keeps the `return` line an
    /// instruction of its own (its jump mostly vanishes: the block falls
    /// through, or the branch is threaded); and no constant result (`return
    /// false`) passes as a block argument, which Cranelift merges with an
    /// equal constant of the caller and places, with the caller's line,
    /// inside the inlined code (a debugger takes such an instruction for
    /// the end of the inlined call).
    pub result_home: Option<cranelift_codegen::ir::StackSlot>,
}

/// Whether each function of `prog` is inlined at its direct calls.
pub fn inlinable(prog: &Program) -> Vec<bool> {
    prog.functions.iter().map(|f| small_leaf(prog, f)).collect()
}

fn small_leaf(prog: &Program, f: &hir::Function) -> bool {
    let scalar_or_unit = |t| matches!(repr(prog, t), Repr::Scalar(_) | Repr::Unit);
    let mut budget = MAX_STATEMENTS;
    !f.is_main
        && scalar_or_unit(f.ret)
        && f.params.iter().all(|p| scalar_or_unit(p.ty))
        && block_ok(&f.body, &mut budget)
}

fn block_ok(b: &Block, budget: &mut usize) -> bool {
    b.stmts.iter().all(|s| stmt_ok(s, budget))
}

fn stmt_ok(s: &Stmt, budget: &mut usize) -> bool {
    let Some(rest) = budget.checked_sub(1) else {
        return false;
    };
    *budget = rest;
    match &s.kind {
        StmtKind::Let { init, .. } => expr_ok(init),
        StmtKind::Assign { place, value } => place_ok(place) && expr_ok(value),
        StmtKind::If {
            branches,
            else_block,
        } => {
            branches
                .iter()
                .all(|br| expr_ok(&br.cond) && block_ok(&br.block, budget))
                && else_block.as_ref().is_none_or(|b| block_ok(b, budget))
        }
        StmtKind::Return(e) => e.as_ref().is_none_or(expr_ok),
        StmtKind::Block(b) => block_ok(b, budget),
        StmtKind::Expr(e) => expr_ok(e),
        StmtKind::While { .. } | StmtKind::Match { .. } => false,
    }
}

fn place_ok(p: &Place) -> bool {
    match &p.kind {
        PlaceKind::Local(_) | PlaceKind::Global(_) => true,
        PlaceKind::Field(base, _, _) => place_ok(base),
        PlaceKind::Index(base, i) => place_ok(base) && expr_ok(i),
        PlaceKind::Deref(e) => expr_ok(e),
    }
}

/// Expressions without Toy calls, function values or aggregate literals.
fn expr_ok(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Int { .. }
        | ExprKind::Float(_)
        | ExprKind::Bool(_)
        | ExprKind::Null
        | ExprKind::Str(_)
        | ExprKind::Local(_)
        | ExprKind::Global(_) => true,
        ExprKind::ExternCall(_, args) | ExprKind::Print(args) => args.iter().all(expr_ok),
        ExprKind::Binary(_, l, r) => expr_ok(l) && expr_ok(r),
        ExprKind::Unary(_, x) | ExprKind::Cast(_, x) | ExprKind::Deref(x) => expr_ok(x),
        ExprKind::Field { base, .. } => expr_ok(base),
        ExprKind::Index { base, index, .. } => expr_ok(base) && expr_ok(index),
        ExprKind::AddrOf(p) => place_ok(p),
        ExprKind::FnRef(_)
        | ExprKind::Call(..)
        | ExprKind::CallIndirect(..)
        | ExprKind::StructLit(..)
        | ExprKind::EnumValue(..)
        | ExprKind::ArrayLit(_)
        | ExprKind::NewStruct(..)
        | ExprKind::NewArray(..) => false,
    }
}

impl<'p> FnCg<'_, 'p> {
    /// Whether a direct call of `callee` is inlined here.
    pub(crate) fn inlines(&self, callee: FnId) -> bool {
        self.cx.inline.get(callee.idx()).copied().unwrap_or(false)
    }

    /// A copy of `callee`'s body in place of the call at `call` with
    /// `args`; its result.
    pub(crate) fn inline_call(&mut self, callee: FnId, args: &'p [Expr], call: Pos) -> R<V> {
        let prog = self.prog;
        let f = prog
            .functions
            .get(callee.idx())
            .ok_or("call of an unknown function")?;
        // The arguments, in the caller, then into the copy's slots.
        let mut values = Vec::new();
        for a in args {
            values.push(self.expr(a)?);
        }
        let slots: Vec<_> = f.locals.iter().map(|l| self.new_slot(l.ty)).collect();
        let ssa = self.ssa_vars(f);
        let mut vi = values.into_iter();
        for p in &f.params {
            let slot = *slots
                .get(p.local.idx())
                .ok_or("internal: no parameter slot")?;
            match (repr(prog, p.ty), vi.next()) {
                (Repr::Scalar(_), Some(V::S(v))) => match ssa.get(p.local.idx()).copied().flatten()
                {
                    Some(var) => self.def_ssa(var, v, slot),
                    None => {
                        let a = self.b.ins().stack_addr(types::I64, slot, 0);
                        self.b.ins().store(MemFlagsData::new(), v, a, 0);
                    }
                },
                (Repr::Unit, _) => {}
                _ => return Err(format!("internal: arguments of `{}`", f.path)),
            }
        }
        let cont = self.b.create_block();
        let result_home = match (repr(prog, f.ret), &self.dbg) {
            (Repr::Scalar(s), Some(_)) => Some((self.new_slot(f.ret), clif_type(s))),
            _ => None,
        };
        let result = match (repr(prog, f.ret), result_home) {
            (Repr::Scalar(s), None) => Some(self.b.append_block_param(cont, clif_type(s))),
            _ => None,
        };
        let callee_sym = self
            .cx
            .fns
            .get(callee.idx())
            .map(|x| x.1.clone())
            .ok_or("call of an unknown function")?;
        let saved_dbg = match self.dbg.as_mut() {
            Some(d) => {
                let fid = d.d.predeclared(&callee_sym)?;
                let (saved, params) = d.enter_inlined(f, fid, call)?;
                for (p, v) in f.params.iter().zip(params) {
                    let Some(v) = v else { continue };
                    let Some(slot) = slots.get(p.local.idx()).copied() else {
                        continue;
                    };
                    match ssa.get(p.local.idx()).copied().flatten() {
                        Some((_, label)) => self.labels.push((v, label, slot)),
                        None => self.vars.push((v, slot)),
                    }
                }
                Some(saved)
            }
            None => None,
        };
        let saved_slots = std::mem::replace(&mut self.slots, slots);
        let saved_ssa = std::mem::replace(&mut self.ssa, ssa);
        let saved_f = std::mem::replace(&mut self.f, f);
        let saved_exit = self.inline_exit.replace(InlineExit {
            cont,
            result_home: result_home.map(|(slot, _)| slot),
        });
        let body = self.block(&f.body, true);
        self.inline_exit = saved_exit;
        self.f = saved_f;
        self.slots = saved_slots;
        self.ssa = saved_ssa;
        if let (Some(d), Some(saved)) = (self.dbg.as_mut(), saved_dbg) {
            d.leave_inlined(saved);
        }
        body?;
        self.b.switch_to_block(cont);
        self.loc(call)?;
        if let Some((slot, ty)) = result_home {
            return Ok(V::S(self.b.ins().stack_load(types::I64, ty, slot, 0)));
        }
        Ok(match result {
            Some(v) => V::S(v),
            None => V::Unit,
        })
    }

    /// A `return` of the inlined copy being compiled: to its continuation.
    pub(crate) fn inline_return(&mut self, exit: InlineExit, v: V) {
        match v {
            V::S(x) => match exit.result_home {
                Some(home) => {
                    self.b.ins().stack_store(types::I64, x, home, 0);
                    self.b.ins().jump(exit.cont, &[])
                }
                None => self.b.ins().jump(exit.cont, &[Self::arg(x)]),
            },
            _ => self.b.ins().jump(exit.cont, &[]),
        };
    }
}

/// Per function: every call of it is inlined and its address is never
/// taken (no `FnRef`; constants cannot hold function pointers), so it
/// needs no out-of-line code (`define_function_without_code`).
pub fn droppable(prog: &Program, inline: &[bool]) -> Vec<bool> {
    let mut referenced = vec![false; prog.functions.len()];
    for f in &prog.functions {
        refs_block(&f.body, &mut referenced);
    }
    inline
        .iter()
        .zip(referenced)
        .map(|(i, r)| *i && !r)
        .collect()
}

fn refs_block(b: &Block, out: &mut [bool]) {
    for s in &b.stmts {
        match &s.kind {
            StmtKind::Let { init: e, .. } | StmtKind::Expr(e) | StmtKind::Return(Some(e)) => {
                refs_expr(e, out)
            }
            StmtKind::Return(None) => {}
            StmtKind::Assign { place, value } => {
                refs_place(place, out);
                refs_expr(value, out);
            }
            StmtKind::If {
                branches,
                else_block,
            } => {
                for br in branches {
                    refs_expr(&br.cond, out);
                    refs_block(&br.block, out);
                }
                if let Some(b) = else_block {
                    refs_block(b, out);
                }
            }
            StmtKind::While { cond, body } => {
                refs_expr(cond, out);
                refs_block(body, out);
            }
            StmtKind::Match {
                scrutinee, arms, ..
            } => {
                refs_expr(scrutinee, out);
                for a in arms {
                    refs_block(&a.block, out);
                }
            }
            StmtKind::Block(b) => refs_block(b, out),
        }
    }
}

fn refs_place(p: &Place, out: &mut [bool]) {
    match &p.kind {
        PlaceKind::Local(_) | PlaceKind::Global(_) => {}
        PlaceKind::Field(b, _, _) => refs_place(b, out),
        PlaceKind::Index(b, i) => {
            refs_place(b, out);
            refs_expr(i, out);
        }
        PlaceKind::Deref(e) => refs_expr(e, out),
    }
}

fn refs_expr(e: &Expr, out: &mut [bool]) {
    if let ExprKind::FnRef(hir::Callee::Fn(f)) = &e.kind {
        if let Some(r) = out.get_mut(f.idx()) {
            *r = true;
        }
    }
    super::walk::for_each_operand(e, &mut |o| match o {
        super::walk::Operand::Expr(x) => refs_expr(x, out),
        super::walk::Operand::Place(p) => refs_place(p, out),
    });
}
