//! Which locals live in SSA values at `-O` (Cranelift path): scalar
//! `let`s that are never assigned after their definition and whose
//! address is never taken. With debug info, the `let` also stores the
//! value into the local's stack slot, its *home*: the store is the
//! `let` line's own instruction (without it a `let` whose value Cranelift
//! folds into a later line has no code, and `break LINE`, `next` and the
//! first line of a function skip it), and nothing else ever writes the
//! home, so from the store on it holds the local's value for the rest of
//! the function, and the debug info places the local there wherever its
//! value is in no register. (Parameters keep their stack slots, so that
//! `bt` shows every frame's arguments, inlined copies' too: Cranelift's
//! value-label ranges end at a value's last use, and a value labelled
//! twice — an argument that is also the caller's variable — often got no
//! range at all.) Such a local has one value for its
//! whole life, so every place Cranelift's register allocator reports for
//! that value (its value-label ranges) holds the local's current value;
//! the debug info describes it with a location list: those places, and
//! the home everywhere else (before the `let` has run, the home holds
//! what an `-O0` slot would: not yet the value). Every other local keeps
//! its stack slot.

use cranelift_codegen::ir::{InstBuilder, StackSlot, Value, ValueLabel};
use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::CompiledCode;
use cranelift_frontend::Variable;
use dwarfsmith::{LocationRange, ValueLocation};

use crate::codegen::cranelift::{clif_type, FnCg};
use crate::codegen::repr::{repr, scalar, Repr};
use crate::front::hir::{
    self, Block, Expr, LocalId, LocalKind, Place, PlaceKind, Program, Stmt, StmtKind,
};

/// Per local of `f`: whether it lives in an SSA value.
pub fn ssa_locals(prog: &Program, f: &hir::Function) -> Vec<bool> {
    let mut ok: Vec<bool> = f
        .locals
        .iter()
        .map(|l| matches!(repr(prog, l.ty), Repr::Scalar(_)) && l.kind == LocalKind::Let)
        .collect();
    block(&f.body, &mut ok);
    ok
}

fn clear(ok: &mut [bool], p: &Place) {
    if let Some(root) = root(p) {
        if let Some(x) = ok.get_mut(root) {
            *x = false;
        }
    }
}

fn root(p: &Place) -> Option<usize> {
    match &p.kind {
        PlaceKind::Local(l) => Some(l.idx()),
        PlaceKind::Field(b, _, _) | PlaceKind::Index(b, _) => root(b),
        PlaceKind::Global(_) | PlaceKind::Deref(_) => None,
    }
}

fn block(b: &Block, ok: &mut [bool]) {
    for s in &b.stmts {
        stmt(s, ok);
    }
}

fn stmt(s: &Stmt, ok: &mut [bool]) {
    match &s.kind {
        StmtKind::Let { init, .. } => expr(init, ok),
        StmtKind::Assign { place, value } => {
            clear(ok, place);
            place_exprs(place, ok);
            expr(value, ok);
        }
        StmtKind::If {
            branches,
            else_block,
        } => {
            for br in branches {
                expr(&br.cond, ok);
                block(&br.block, ok);
            }
            if let Some(b) = else_block {
                block(b, ok);
            }
        }
        StmtKind::While { cond, body } => {
            expr(cond, ok);
            block(body, ok);
        }
        StmtKind::Match {
            scrutinee, arms, ..
        } => {
            expr(scrutinee, ok);
            for a in arms {
                block(&a.block, ok);
            }
        }
        StmtKind::Return(e) => {
            if let Some(e) = e {
                expr(e, ok);
            }
        }
        StmtKind::Block(b) => block(b, ok),
        StmtKind::Expr(e) => expr(e, ok),
    }
}

fn place_exprs(p: &Place, ok: &mut [bool]) {
    match &p.kind {
        PlaceKind::Local(_) | PlaceKind::Global(_) => {}
        PlaceKind::Field(b, _, _) => place_exprs(b, ok),
        PlaceKind::Index(b, i) => {
            place_exprs(b, ok);
            expr(i, ok);
        }
        PlaceKind::Deref(e) => expr(e, ok),
    }
}

fn expr(e: &Expr, ok: &mut [bool]) {
    super::walk::for_each_operand(e, &mut |o| match o {
        super::walk::Operand::Expr(x) => expr(x, ok),
        super::walk::Operand::Place(p) => {
            clear(ok, p);
            place_exprs(p, ok);
        }
    });
}

/// The DWARF numbers of x86-64's caller-saved registers: rax, rdx, rcx,
/// rsi, rdi, r8-r11 and xmm0-15 (System V).
fn caller_saved(reg: u16) -> bool {
    matches!(reg, 0..=2 | 4 | 5 | 8..=11 | 17..=32)
}

/// Where the local whose value is labelled `label` and whose stack home
/// is `home` is over `code`, for the debugger: Cranelift's value-label
/// ranges, except that a range in a caller-saved register leaves out the
/// last byte before each return address inside it (the `pc - 1` a
/// debugger looks up for a caller's frame while the callee runs, when the
/// register holds the callee's data); everywhere else, the home.
pub fn label_locations(
    code: &CompiledCode,
    isa: &dyn TargetIsa,
    label: ValueLabel,
    home: StackSlot,
) -> Result<Vec<LocationRange>, String> {
    let ranges = dwarfsmith::cranelift::value_label_locations(code, isa, label)
        .map_err(|e| format!("debug info: {e}"))?;
    let calls: Vec<u64> = code
        .buffer
        .call_sites()
        .map(|c| u64::from(c.ret_addr))
        .collect();
    let home = dwarfsmith::cranelift::slot_cfa_offset(code, home)
        .map_err(|e| format!("debug info: {e}"))?;
    let size = u64::from(code.buffer.total_size());
    Ok(fill_gaps(cut_at_calls(ranges, &calls), size, home))
}

/// `ranges` (sorted, disjoint) with every gap of `[0, size)` between them
/// described as the frame offset `home`.
fn fill_gaps(ranges: Vec<LocationRange>, size: u64, home: i64) -> Vec<LocationRange> {
    let mut out = Vec::with_capacity(ranges.len() * 2 + 1);
    let mut at = 0;
    let gap = |start: u64, end: u64| LocationRange {
        start,
        end,
        location: ValueLocation::FrameOffset(home),
    };
    for r in ranges {
        if r.start > at {
            out.push(gap(at, r.start));
        }
        at = at.max(r.end);
        out.push(r);
    }
    if size > at {
        out.push(gap(at, size));
    }
    out
}

/// `ranges` without, in caller-saved registers, the byte before each
/// return address in `calls` that falls inside them.
fn cut_at_calls(ranges: Vec<LocationRange>, calls: &[u64]) -> Vec<LocationRange> {
    let mut out = Vec::new();
    for r in ranges {
        let ValueLocation::Register(reg) = r.location else {
            out.push(r);
            continue;
        };
        if !caller_saved(reg) {
            out.push(r);
            continue;
        }
        let mut start = r.start;
        for ra in calls
            .iter()
            .copied()
            .filter(|ra| *ra > r.start && *ra <= r.end)
        {
            if ra - 1 > start {
                out.push(LocationRange {
                    start,
                    end: ra - 1,
                    location: r.location.clone(),
                });
            }
            start = ra;
        }
        if start < r.end {
            out.push(LocationRange {
                start,
                end: r.end,
                location: r.location.clone(),
            });
        }
    }
    out
}

impl<'p> FnCg<'_, 'p> {
    /// The SSA variables of `f`'s locals (none without `-O`), each with
    /// a value label of its own in this function.
    pub(crate) fn ssa_vars(&mut self, f: &'p hir::Function) -> Vec<Option<(Variable, ValueLabel)>> {
        if !self.cx.ssa {
            return Vec::new();
        }
        let prog = self.prog;
        let eligible = ssa_locals(prog, f);
        let mut out = Vec::new();
        for (l, ok) in f.locals.iter().zip(eligible) {
            let ty = match scalar(prog, l.ty) {
                Some(s) if ok => clif_type(s),
                _ => {
                    out.push(None);
                    continue;
                }
            };
            let var = self.b.declare_var(ty);
            let label = ValueLabel::from_u32(self.next_label);
            self.next_label += 1;
            out.push(Some((var, label)));
        }
        out
    }

    /// The SSA variable of local `l` of the current function, if any.
    pub(crate) fn ssa_of(&self, l: LocalId) -> Option<(Variable, ValueLabel)> {
        self.ssa.get(l.idx()).copied().flatten()
    }

    /// Defines SSA variable `var` (labelled `label`) as `v`; with debug
    /// info, also stores `v` into the local's stack home `home` (module
    /// doc).
    pub(crate) fn def_ssa(
        &mut self,
        (var, label): (Variable, ValueLabel),
        v: Value,
        home: StackSlot,
    ) {
        self.b.def_var(var, v);
        if self.dbg.is_some() {
            self.b.set_val_label(v, label);
            self.b
                .ins()
                .stack_store(cranelift_codegen::ir::types::I64, v, home, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(start: u64, end: u64, r: u16) -> LocationRange {
        LocationRange {
            start,
            end,
            location: ValueLocation::Register(r),
        }
    }

    /// rdi (5, caller-saved) over two calls returning at 10 and 20 loses
    /// bytes 9 and 19; rbx (3, callee-saved) and a frame offset keep
    /// their ranges; a call at a range's start or past its end changes
    /// nothing.
    #[test]
    fn caller_saved_ranges_skip_the_byte_before_each_return_address() {
        let calls = [10, 20];
        assert_eq!(
            cut_at_calls(vec![reg(0, 30, 5)], &calls),
            vec![reg(0, 9, 5), reg(10, 19, 5), reg(20, 30, 5)]
        );
        assert_eq!(
            cut_at_calls(vec![reg(0, 30, 3)], &calls),
            vec![reg(0, 30, 3)]
        );
        let slot = LocationRange {
            start: 0,
            end: 30,
            location: ValueLocation::FrameOffset(-16),
        };
        assert_eq!(cut_at_calls(vec![slot.clone()], &calls), vec![slot]);
        assert_eq!(
            cut_at_calls(vec![reg(10, 20, 0)], &calls),
            vec![reg(10, 19, 0)]
        );
        assert_eq!(
            cut_at_calls(vec![reg(21, 40, 17)], &calls),
            vec![reg(21, 40, 17)]
        );
        // A range that is only the byte before a return address vanishes.
        assert_eq!(cut_at_calls(vec![reg(9, 10, 5)], &calls), vec![]);
    }

    fn home(start: u64, end: u64) -> LocationRange {
        LocationRange {
            start,
            end,
            location: ValueLocation::FrameOffset(-24),
        }
    }

    /// The home fills the code before, between and after the register
    /// ranges, and nothing they cover; no ranges: the home everywhere.
    #[test]
    fn the_home_fills_every_gap_between_register_ranges() {
        assert_eq!(
            fill_gaps(vec![reg(4, 9, 0), reg(10, 19, 3), reg(19, 25, 0)], 30, -24),
            vec![
                home(0, 4),
                reg(4, 9, 0),
                home(9, 10),
                reg(10, 19, 3),
                reg(19, 25, 0),
                home(25, 30)
            ]
        );
        assert_eq!(fill_gaps(vec![reg(0, 30, 5)], 30, -24), vec![reg(0, 30, 5)]);
        assert_eq!(fill_gaps(Vec::new(), 30, -24), vec![home(0, 30)]);
    }
}
