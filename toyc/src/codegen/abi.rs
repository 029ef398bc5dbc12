//! How aggregates are returned: as the System V x86-64 C ABI does, so that
//! `finish` in gdb/lldb shows the returned value and `extern fn`s may return
//! small structs. At most 16 bytes: in up to two registers, one per
//! eightbyte (SSE if it holds only floats, else INTEGER); larger: through a
//! hidden pointer passed first and returned in `rax`.

use crate::codegen::repr::{scalar, Scalar};
use crate::front::hir::{EnumLayout, Program, TypeId, TypeKind};

/// How a function returns its result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetAbi {
    /// Nothing (unit).
    None,
    /// One scalar value.
    Scalar(Scalar),
    /// An aggregate in these registers, one per eightbyte.
    Regs(Vec<Eightbyte>),
    /// An aggregate in memory at a hidden pointer (first parameter, returned).
    Memory,
}

/// The register class of one eightbyte of an aggregate result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eightbyte {
    /// INTEGER: a 64-bit general-purpose register (`rax`, `rdx`).
    Int,
    /// SSE: only floats; a double in `xmm0`/`xmm1`.
    Sse,
}

/// Scalar leaves of `t` at byte offsets from `base`: `(offset, is_float)`.
fn leaves(prog: &Program, t: TypeId, base: u64, out: &mut Vec<(u64, bool)>, depth: u32) {
    if depth > 64 || out.len() > 64 {
        out.push((base, false));
        return;
    }
    match prog.types.rkind(t) {
        TypeKind::Unit => {}
        TypeKind::F32 | TypeKind::F64 => out.push((base, true)),
        TypeKind::Struct(s) => {
            if let Some(s) = prog.structs.get(s.idx()) {
                for f in &s.fields {
                    leaves(prog, f.ty, base + f.offset, out, depth + 1);
                }
            }
        }
        TypeKind::Array(e, n) => {
            let esz = prog.types.size_of(*e).max(1);
            for i in 0..(*n).min(16) {
                leaves(prog, *e, base + i * esz, out, depth + 1);
            }
        }
        TypeKind::Enum(e) => match prog.enums.get(e.idx()) {
            Some(d) if !d.c_like => {
                if d.layout == EnumLayout::Tagged {
                    out.push((base + d.tag_offset, false));
                }
                for v in &d.variants {
                    for p in &v.payload {
                        leaves(prog, p.ty, base + p.offset, out, depth + 1);
                    }
                }
            }
            _ => out.push((base, false)),
        },
        _ => out.push((base, false)),
    }
}

/// The return convention of a function returning `t`.
pub fn ret_abi(prog: &Program, t: TypeId) -> RetAbi {
    if let Some(s) = scalar(prog, t) {
        return RetAbi::Scalar(s);
    }
    let size = prog.types.size_of(t);
    if matches!(prog.types.rkind(t), TypeKind::Unit) {
        return RetAbi::None;
    }
    if size == 0 {
        return RetAbi::Regs(vec![]);
    }
    if size > 16 {
        return RetAbi::Memory;
    }
    let mut l = Vec::new();
    leaves(prog, t, 0, &mut l, 0);
    let n = size.div_ceil(8);
    let regs = (0..n)
        .map(|eb| {
            let mut it = l.iter().filter(|(o, _)| o / 8 == eb).peekable();
            if it.peek().is_some() && it.all(|(_, f)| *f) {
                Eightbyte::Sse
            } else {
                Eightbyte::Int
            }
        })
        .collect();
    RetAbi::Regs(regs)
}
