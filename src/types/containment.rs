//! By-value containment: a type that contains itself by value (directly,
//! through other structs, typedefs, tuples, one-element arrays or variants)
//! would be infinitely large, and a debugger printing it would never stop.
//!
//! Only *equal-size, offset-0* containment edges can be part of such a
//! cycle: along a cycle every member ends inside its owner, so the sizes
//! cannot grow and every offset is 0. Those are the only edges recorded.
//! A cycle can only be closed by completing a stub, and the last node of a
//! cycle to be completed was the target of an edge recorded while it was a
//! stub; so the search runs only when such a node is completed, and only
//! over nodes created since the last successful `resolve_type` (everything
//! older is complete and reaches nothing newer).

#![forbid(unsafe_code)]

use rustc_hash::FxHashSet;

use super::TypeMap;
use crate::backend::TypeIdx;
use crate::error::{err, ErrorKind, Result};

/// Containment edges kept by the type map.
#[derive(Default)]
pub(super) struct Containment {
    /// `(start, len)` into `targets` of each node's out-edges, by node.
    out: rustc_hash::FxHashMap<TypeIdx, (u32, u32)>,
    targets: Vec<TypeIdx>,
    /// Nodes that got an edge while they were still stubs.
    into_stubs: FxHashSet<TypeIdx>,
    /// Nodes below this index were complete at the end of the last
    /// successful resolve: they cannot reach newer nodes.
    pub(super) settled: usize,
}

impl TypeMap {
    /// Records that `owner` contains `member` by value at `offset`.
    pub(super) fn contain(
        &mut self,
        owner: TypeIdx,
        members: impl IntoIterator<Item = (TypeIdx, u64)>,
    ) {
        let size = self.nodes[owner.index()].size;
        let start = self.containment.targets.len();
        for (m, offset) in members {
            let node = &self.nodes[m.index()];
            if offset == 0 && node.size == size {
                if !node.complete {
                    self.containment.into_stubs.insert(m);
                }
                self.containment.targets.push(m);
            }
        }
        let len = self.containment.targets.len() - start;
        if len > 0 {
            self.containment
                .out
                .insert(owner, (start as u32, len as u32));
        }
    }

    /// After `owner` (a stub) got its members: refuses a by-value cycle
    /// through it, naming the types on the cycle.
    pub(super) fn check_not_self_containing(&self, owner: TypeIdx) -> Result<()> {
        if !self.containment.into_stubs.contains(&owner) {
            return Ok(());
        }
        // Iterative DFS from `owner`, remembering each node's parent.
        let mut parent: rustc_hash::FxHashMap<TypeIdx, TypeIdx> = Default::default();
        let mut stack = vec![owner];
        while let Some(n) = stack.pop() {
            for &t in self.edges(n) {
                if t == owner {
                    return err(ErrorKind::CyclicType, self.cycle_message(owner, n, &parent));
                }
                if t.index() >= self.containment.settled && !parent.contains_key(&t) {
                    parent.insert(t, n);
                    stack.push(t);
                }
            }
        }
        Ok(())
    }

    fn edges(&self, n: TypeIdx) -> &[TypeIdx] {
        match self.containment.out.get(&n) {
            Some(&(s, l)) => &self.containment.targets[s as usize..(s + l) as usize],
            None => &[],
        }
    }

    fn cycle_message(
        &self,
        owner: TypeIdx,
        last: TypeIdx,
        parent: &rustc_hash::FxHashMap<TypeIdx, TypeIdx>,
    ) -> String {
        let name = |t: TypeIdx| self.names.get(self.nodes[t.index()].name).to_owned();
        // Walk back from the last node to the owner's first member.
        let mut back = Vec::new();
        let mut n = last;
        while n != owner {
            back.push(name(n));
            match parent.get(&n) {
                Some(&p) => n = p,
                None => break,
            }
        }
        let mut path = vec![name(owner)];
        path.extend(back.into_iter().rev());
        path.push(name(owner));
        let shown: Vec<&str> = path.iter().take(8).map(String::as_str).collect();
        format!(
            "`{}` contains itself by value ({}{}): the type would be infinitely large; make one of these members a pointer or reference",
            path[0],
            shown.join(" -> "),
            if path.len() > 8 { " -> ..." } else { "" }
        )
    }
}
