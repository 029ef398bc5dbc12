//! How a Toy type is represented in generated code, independent of the
//! code generator: both codegens lower [`Repr`] to their own types, so they
//! agree on every value's form and on the calling convention (`abi.rs`).

use crate::front::hir::{Program, TypeId, TypeKind};

/// A first-class machine value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// An integer of this many bits (8, 16, 32 or 64): Toy integers, `bool`
    /// (8) and C-like enums (32).
    Int(u32),
    /// An IEEE single.
    F32,
    /// An IEEE double.
    F64,
    /// A pointer or function pointer (64 bits).
    Ptr,
}

/// How a Toy type is represented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repr {
    /// No value.
    Unit,
    /// A first-class value.
    Scalar(Scalar),
    /// Memory of this size and alignment, handled by address (structs,
    /// arrays, tagged unions).
    Mem { size: u64, align: u64 },
}

/// How a narrow integer argument or result is widened for the C ABI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ext {
    /// Sign-extended (signed integers narrower than 32 bits).
    Sign,
    /// Zero-extended (unsigned integers narrower than 32 bits, `bool`).
    Zero,
}

/// The representation of `t` (aliases resolved).
pub fn repr(prog: &Program, t: TypeId) -> Repr {
    let types = &prog.types;
    match types.rkind(t) {
        TypeKind::Unit => Repr::Unit,
        TypeKind::Bool => Repr::Scalar(Scalar::Int(8)),
        TypeKind::Int { bits, .. } => Repr::Scalar(Scalar::Int(*bits)),
        TypeKind::F32 => Repr::Scalar(Scalar::F32),
        TypeKind::F64 => Repr::Scalar(Scalar::F64),
        TypeKind::Ptr(_) | TypeKind::Fn(..) => Repr::Scalar(Scalar::Ptr),
        TypeKind::Enum(e) if prog.enums.get(e.idx()).is_some_and(|e| e.c_like) => {
            Repr::Scalar(Scalar::Int(32))
        }
        _ => {
            let l = types.layout(t);
            Repr::Mem {
                size: l.size,
                align: l.align.max(1),
            }
        }
    }
}

/// The scalar representation of `t`, if it has one.
pub fn scalar(prog: &Program, t: TypeId) -> Option<Scalar> {
    match repr(prog, t) {
        Repr::Scalar(s) => Some(s),
        _ => None,
    }
}

/// How an argument or result of type `t` is widened, if at all.
pub fn ext(prog: &Program, t: TypeId) -> Option<Ext> {
    match prog.types.int_info(t) {
        Some((true, b)) if b < 32 => Some(Ext::Sign),
        Some((false, b)) if b < 32 => Some(Ext::Zero),
        _ if prog.types.rkind(t) == &TypeKind::Bool => Some(Ext::Zero),
        _ => None,
    }
}
