//! The immediate operands of an expression, for the analyses of `-O`
//! (`inline.rs`: which functions are referenced as values; `ssa.rs`: which
//! locals have their address taken).

use crate::front::hir::{Expr, ExprKind, Place};

/// An immediate operand: a sub-expression, or the place of `&place`.
pub(super) enum Operand<'a> {
    /// A sub-expression.
    Expr(&'a Expr),
    /// The place whose address `&place` takes.
    Place(&'a Place),
}

/// Calls `f` on each immediate operand of `e`.
pub(super) fn for_each_operand<'a>(e: &'a Expr, f: &mut dyn FnMut(Operand<'a>)) {
    let mut sub = |x: &'a Expr| f(Operand::Expr(x));
    match &e.kind {
        ExprKind::Int { .. }
        | ExprKind::Float(_)
        | ExprKind::Bool(_)
        | ExprKind::Null
        | ExprKind::Str(_)
        | ExprKind::Local(_)
        | ExprKind::Global(_)
        | ExprKind::FnRef(_) => {}
        ExprKind::Call(_, args)
        | ExprKind::ExternCall(_, args)
        | ExprKind::ArrayLit(args)
        | ExprKind::Print(args)
        | ExprKind::EnumValue(_, _, args) => args.iter().for_each(sub),
        ExprKind::CallIndirect(callee, args) => {
            sub(callee);
            args.iter().for_each(sub);
        }
        ExprKind::StructLit(_, inits) | ExprKind::NewStruct(_, inits) => {
            inits.iter().for_each(|(_, a)| sub(a));
        }
        ExprKind::NewArray(x, _)
        | ExprKind::Unary(_, x)
        | ExprKind::Cast(_, x)
        | ExprKind::Deref(x) => sub(x),
        ExprKind::Binary(_, l, r) => {
            sub(l);
            sub(r);
        }
        ExprKind::Field { base, .. } => sub(base),
        ExprKind::Index { base, index, .. } => {
            sub(base);
            sub(index);
        }
        ExprKind::AddrOf(p) => f(Operand::Place(p)),
    }
}
