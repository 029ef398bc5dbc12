//! C layout of the type table's types: sizes, alignments, struct field
//! offsets and enum layouts, computed iteratively.

use super::{Layout, LayoutError, TypeId, TypeKind, TypeTable, MAX_TYPE_SIZE};
use crate::front::hir::{EnumDef, EnumLayout, StructDef};

impl TypeTable {
    /// Computes the layout of `root` and everything it contains by value,
    /// filling struct field offsets and enum layouts. Iterative.
    pub(crate) fn ensure_layout(
        &mut self,
        root: TypeId,
        structs: &mut [StructDef],
        enums: &mut [EnumDef],
    ) -> Result<(), LayoutError> {
        if self.layout_known(root) {
            return Ok(());
        }
        let mut on_stack = vec![false; self.kinds.len()];
        // (type, cursor a, cursor b)
        let mut stack: Vec<(TypeId, usize, usize)> = vec![(root, 0, 0)];
        if let Some(s) = on_stack.get_mut(root.idx()) {
            *s = true;
        }
        while let Some(top) = stack.last_mut() {
            let (t, a, b) = *top;
            let dep = match self.kind(t) {
                TypeKind::Array(e, _) if a == 0 => {
                    top.1 = 1;
                    Some(*e)
                }
                TypeKind::Alias(al) if a == 0 => {
                    top.1 = 1;
                    Some(self.alias_target(*al))
                }
                TypeKind::Struct(sid) => {
                    let f = structs.get(sid.idx()).and_then(|s| s.fields.get(a));
                    top.1 += 1;
                    f.map(|f| f.ty)
                }
                TypeKind::Enum(eid) => {
                    let mut found = None;
                    if let Some(e) = enums.get(eid.idx()) {
                        let (mut va, mut fb) = (a, b);
                        while let Some(v) = e.variants.get(va) {
                            if let Some(p) = v.payload.get(fb) {
                                found = Some(p.ty);
                                fb += 1;
                                break;
                            }
                            va += 1;
                            fb = 0;
                        }
                        top.1 = va;
                        top.2 = fb;
                    }
                    found
                }
                _ => None,
            };
            if let Some(d) = dep {
                if self.layout_known(d) {
                    continue;
                }
                if on_stack.get(d.idx()).copied().unwrap_or(false) {
                    let start = stack.iter().position(|f| f.0 == d).unwrap_or(0);
                    let mut cyc: Vec<TypeId> = stack.iter().skip(start).map(|f| f.0).collect();
                    cyc.push(d);
                    return Err(LayoutError::Cycle(cyc));
                }
                if on_stack.len() <= d.idx() {
                    on_stack.resize(d.idx() + 1, false);
                }
                on_stack[d.idx()] = true;
                stack.push((d, 0, 0));
                continue;
            }
            let l = self.compute_one(t, structs, enums)?;
            if let Some(slot) = self.layouts.get_mut(t.idx()) {
                *slot = Some(l);
            }
            if let Some(s) = on_stack.get_mut(t.idx()) {
                *s = false;
            }
            stack.pop();
        }
        Ok(())
    }

    fn layout_known(&self, ty: TypeId) -> bool {
        self.layouts.get(ty.idx()).copied().flatten().is_some()
    }

    fn compute_one(
        &self,
        t: TypeId,
        structs: &mut [StructDef],
        enums: &mut [EnumDef],
    ) -> Result<Layout, LayoutError> {
        let too_large = LayoutError::TooLarge(t);
        let l = |size, align| Layout { size, align };
        let layout = match self.kind(t) {
            TypeKind::Unit => l(0, 1),
            TypeKind::Bool => l(1, 1),
            TypeKind::Int { bits, .. } => l(u64::from(*bits / 8), u64::from(*bits / 8)),
            TypeKind::F32 => l(4, 4),
            TypeKind::F64 | TypeKind::Ptr(_) | TypeKind::Fn(..) => l(8, 8),
            TypeKind::Array(e, n) => {
                let el = self.layout(*e);
                let size = el.size.checked_mul(*n).ok_or(too_large.clone())?;
                l(size, el.align)
            }
            TypeKind::Alias(a) => self.layout(self.alias_target(*a)),
            TypeKind::Struct(sid) => {
                let Some(s) = structs.get_mut(sid.idx()) else {
                    return Err(too_large);
                };
                let fields = s.fields.iter_mut().map(|f| (f.ty, &mut f.offset));
                let (off, align) = self.place(0, fields, &too_large)?;
                s.size = round_up(off, align);
                s.align = align;
                l(s.size, align)
            }
            TypeKind::Enum(eid) => {
                let Some(e) = enums.get_mut(eid.idx()) else {
                    return Err(too_large);
                };
                match e.layout {
                    EnumLayout::CLike | EnumLayout::Tagged => self.tagged_layout(e)?,
                    EnumLayout::Niche { .. } | EnumLayout::Single => self.tagless_layout(e)?,
                }
            }
        };
        if layout.size > MAX_TYPE_SIZE {
            return Err(too_large);
        }
        Ok(layout)
    }

    /// Places `members` (type, offset to set) one after the other from
    /// `start`, each at its alignment (C struct layout): the end of the
    /// last and the largest alignment (at least 1).
    fn place<'a>(
        &self,
        start: u64,
        members: impl Iterator<Item = (TypeId, &'a mut u64)>,
        too_large: &LayoutError,
    ) -> Result<(u64, u64), LayoutError> {
        let (mut off, mut align) = (start, 1u64);
        for (ty, offset) in members {
            let l = self.layout(ty);
            off = round_up(off, l.align);
            *offset = off;
            off = off.checked_add(l.size).ok_or_else(|| too_large.clone())?;
            align = align.max(l.align);
        }
        Ok((off, align))
    }

    /// The layout of a C-like enum or a tagged union: a `u32` tag at 0, the
    /// payloads from the first offset aligned for the most-aligned one.
    fn tagged_layout(&self, e: &mut EnumDef) -> Result<Layout, LayoutError> {
        let too_large = LayoutError::TooLarge(e.ty);
        let mut palign = 1u64;
        for v in &e.variants {
            for p in &v.payload {
                palign = palign.max(self.layout(p.ty).align);
            }
        }
        let poff = round_up(4, palign);
        let mut end = 4u64;
        for v in e.variants.iter_mut() {
            let payload = v.payload.iter_mut().map(|p| (p.ty, &mut p.offset));
            end = end.max(self.place(poff, payload, &too_large)?.0);
        }
        let align = palign.max(4);
        e.payload_offset = if e.c_like { 4 } else { poff };
        e.size = round_up(end, align);
        e.align = align;
        Ok(Layout {
            size: e.size,
            align,
        })
    }

    /// The layout of a niche or single-variant enum: no tag, each
    /// variant's payload values in C struct layout from offset 0 (a niche
    /// enum is its pointer: 8 bytes).
    fn tagless_layout(&self, e: &mut EnumDef) -> Result<Layout, LayoutError> {
        let too_large = LayoutError::TooLarge(e.ty);
        let (mut end, mut align) = (0u64, 1u64);
        for v in e.variants.iter_mut() {
            let payload = v.payload.iter_mut().map(|p| (p.ty, &mut p.offset));
            let (off, a) = self.place(0, payload, &too_large)?;
            end = end.max(off);
            align = align.max(a);
        }
        e.payload_offset = 0;
        e.size = round_up(end, align);
        e.align = align;
        Ok(Layout {
            size: e.size,
            align,
        })
    }
}

/// Rounds `v` up to a multiple of `a` (a power of two).
fn round_up(v: u64, a: u64) -> u64 {
    let a = a.max(1);
    v.div_ceil(a).saturating_mul(a)
}
