//! Cycle detection over declarations: alias cycles and by-value type
//! cycles (through layout computation). Both are iterative.

use crate::front::diag::{err, Pos, Res};
use crate::front::hir::*;
use crate::front::resolve::Cx;
use crate::front::types::LayoutError;

impl Cx<'_> {
    /// Computes the layout of `ty`, reporting failures at `pos`.
    pub fn layout_at(&mut self, ty: TypeId, pos: Pos) -> Res<()> {
        match self
            .types
            .ensure_layout(ty, &mut self.structs, &mut self.enums)
        {
            Ok(()) => Ok(()),
            Err(LayoutError::TooLarge(t)) => {
                err(pos, format!("type `{}` is too large", self.types.name(t)))
            }
            Err(LayoutError::Cycle(cyc)) => {
                let named: Vec<TypeId> = cyc
                    .iter()
                    .copied()
                    .filter(|t| {
                        matches!(self.types.kind(*t), TypeKind::Struct(_) | TypeKind::Enum(_))
                    })
                    .collect();
                let first = named.first().copied().unwrap_or(ty);
                let (kw, at) = match self.types.kind(first) {
                    TypeKind::Struct(s) => {
                        ("struct", self.structs.get(s.idx()).map_or(pos, |d| d.pos))
                    }
                    TypeKind::Enum(e) => ("enum", self.enums.get(e.idx()).map_or(pos, |d| d.pos)),
                    _ => ("type", pos),
                };
                let names: Vec<String> = named.iter().map(|t| self.types.name(*t)).collect();
                err(
                    at,
                    format!(
                        "{kw} {} contains itself by value: {}",
                        self.types.name(first),
                        names.join(" -> ")
                    ),
                )
            }
        }
    }

    /// Rejects aliases that refer to themselves (directly or through other
    /// aliases, pointers, arrays or function types). Iterative DFS.
    pub(crate) fn check_alias_cycles(&mut self) -> Res<()> {
        let n = self.aliases.len();
        let mut deps: Vec<Vec<u32>> = Vec::with_capacity(n);
        for a in &self.aliases {
            let mut out = Vec::new();
            let mut stack = vec![a.target];
            while let Some(t) = stack.pop() {
                match self.types.kind(t) {
                    TypeKind::Alias(x) => out.push(x.0),
                    TypeKind::Ptr(e) | TypeKind::Array(e, _) => stack.push(*e),
                    TypeKind::Fn(ps, r) => {
                        stack.extend(ps.iter().copied());
                        stack.push(*r);
                    }
                    _ => {}
                }
            }
            deps.push(out);
        }
        // 0 = unvisited, 1 = on stack, 2 = done
        let mut state = vec![0u8; n];
        for root in 0..n {
            if state.get(root).copied() != Some(0) {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
            if let Some(s) = state.get_mut(root) {
                *s = 1;
            }
            while let Some(top) = stack.last_mut() {
                let (a, k) = *top;
                let next = deps.get(a).and_then(|d| d.get(k)).copied();
                top.1 += 1;
                match next {
                    Some(d) => {
                        let d = d as usize;
                        match state.get(d).copied() {
                            Some(0) => {
                                if let Some(s) = state.get_mut(d) {
                                    *s = 1;
                                }
                                stack.push((d, 0));
                            }
                            Some(1) => {
                                let start = stack.iter().position(|f| f.0 == d).unwrap_or(0);
                                let mut names: Vec<String> = stack
                                    .iter()
                                    .skip(start)
                                    .filter_map(|f| {
                                        self.aliases.get(f.0).map(|x| x.path.to_string())
                                    })
                                    .collect();
                                let first = self.aliases.get(d);
                                names.push(first.map(|x| x.path.to_string()).unwrap_or_default());
                                let pos = first.map_or(Pos::default(), |x| x.pos);
                                let nm = names.first().cloned().unwrap_or_default();
                                return err(
                                    pos,
                                    format!(
                                        "type alias `{nm}` refers to itself: {}",
                                        names.join(" -> ")
                                    ),
                                );
                            }
                            _ => {}
                        }
                    }
                    None => {
                        if let Some(s) = state.get_mut(a) {
                            *s = 2;
                        }
                        stack.pop();
                    }
                }
            }
        }
        Ok(())
    }
}
