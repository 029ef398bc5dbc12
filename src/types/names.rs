//! Names the type map makes up: structural types' names from their parts'
//! (`*T`, `[T; 4]`, `(A, B)`, `fn(A) -> R`), and the placeholder name of a
//! type cut off by `Limits::max_generic_depth`.

#![forbid(unsafe_code)]

use super::TypeMap;
use crate::backend::TypeIdx;
use crate::desc::NominalKey;
use crate::limits::Diagnostic;

/// Longest name synthesised for a structural type before it is cut with
/// `...`. Such names contain their parts' names, so tuples of tuples sharing
/// parts would otherwise have names of exponential length (and a pointer
/// chain quadratic memory).
const MAX_SYNTH_NAME: usize = 128;

impl TypeMap {
    /// The name of a structural type: `open`, the parts' names separated by
    /// `, `, `close` (`*T`, `[T; 4]`, `(A, B)`, `fn(A) -> R`), cut at
    /// [`MAX_SYNTH_NAME`] bytes.
    pub(super) fn synth_name(&self, open: &str, parts: &[TypeIdx], close: &str) -> String {
        let mut name = String::from(open);
        for (i, p) in parts.iter().enumerate() {
            if name.len() > MAX_SYNTH_NAME {
                break;
            }
            if i > 0 {
                name.push_str(", ");
            }
            let part = self
                .nodes
                .get(p.index())
                .map_or("?", |n| self.names.get(n.name));
            name.push_str(part);
        }
        if name.len() > MAX_SYNTH_NAME {
            let mut cut = MAX_SYNTH_NAME;
            while !name.is_char_boundary(cut) {
                cut -= 1;
            }
            name.truncate(cut);
            name.push_str("...");
        }
        name.push_str(close);
        name
    }

    /// Records that a generic type was cut off (one diagnostic per
    /// definition: every instantiation beyond the limit is cut off too) and
    /// returns the placeholder's name.
    pub(super) fn truncated(&mut self, name: &str, key: Option<NominalKey>) -> String {
        let first = key.is_none_or(|k| self.truncated_keys.insert((k.crate_hash, k.def_id)));
        if first {
            self.diagnostics.push(Diagnostic {
                message: format!(
                    "type `{name}` nests generic arguments beyond the limit of {}: it is emitted as a member-less placeholder `{name} (truncated)`, as are deeper instantiations of its definition (an expanding, polymorphically recursive type?)",
                    self.limits.generic_depth()
                ),
            });
        }
        format!("{name} (truncated)")
    }
}
