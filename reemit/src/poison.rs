//! Which type DIEs reach a refused one: after a pass in which some types
//! were refused, the next pass leaves out every type that refers to one of
//! them, directly or through members, bases, enclosing types or the
//! definition a declaration stands for; methods and template parameters
//! that refer to one are left out of their type's description instead.

use std::collections::{HashMap, HashSet};

use gimli::constants as dw;

use crate::dies::Val;
use crate::emit::is_type;
use crate::source::DieSource;

/// Children a description can do without: methods and template
/// parameters (a member cannot go: it is part of the layout).
pub const SEVERABLE: &[dw::DwTag] = &[
    dw::DW_TAG_subprogram,
    dw::DW_TAG_template_type_parameter,
    dw::DW_TAG_template_value_parameter,
];

/// For each type DIE, the type DIEs that refer to it (not through
/// [`SEVERABLE`] children).
pub fn referrers(src: &DieSource<'_>) -> HashMap<u64, Vec<u64>> {
    let dies = src.dies;
    let mut back: HashMap<u64, Vec<u64>> = HashMap::new();
    for &off in &dies.order {
        let Some(d) = dies.map.get(&off) else {
            continue;
        };
        if !is_type(d.tag) {
            continue;
        }
        let mut targets = Vec::new();
        // The DIE and its non-type descendants.
        let mut stack = vec![off];
        while let Some(o) = stack.pop() {
            let Some(x) = dies.map.get(&o) else { continue };
            for (_, v) in &x.attrs {
                if let Val::Ref(r) = v {
                    targets.push(*r);
                }
            }
            for &c in &x.children {
                // Methods and template parameters that refer to a refused
                // type are left out of the description instead (counted).
                if dies
                    .map
                    .get(&c)
                    .is_some_and(|cd| !is_type(cd.tag) && !SEVERABLE.contains(&cd.tag))
                {
                    stack.push(c);
                }
            }
        }
        if let Some(p) = d.parent {
            targets.push(p);
        }
        if let Some(def) = src.definition_of(off) {
            targets.push(def);
        }
        for copy in src.copies(off) {
            targets.push(copy);
        }
        for t in targets {
            if t != off {
                back.entry(t).or_default().push(off);
            }
        }
    }
    back
}

/// `seeds` and every type DIE that reaches one of them.
pub fn closure(back: &HashMap<u64, Vec<u64>>, seeds: &HashSet<u64>) -> HashSet<u64> {
    let mut out: HashSet<u64> = seeds.clone();
    let mut work: Vec<u64> = seeds.iter().copied().collect();
    while let Some(t) = work.pop() {
        for &r in back.get(&t).into_iter().flatten() {
            if out.insert(r) {
                work.push(r);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closure_follows_referrers_transitively_and_only_them() {
        let back: HashMap<u64, Vec<u64>> = [(1, vec![2]), (2, vec![3]), (9, vec![8])]
            .into_iter()
            .collect();
        let got = closure(&back, &[1].into_iter().collect());
        let want: HashSet<u64> = [1, 2, 3].into_iter().collect();
        assert_eq!(got, want);
    }
}
