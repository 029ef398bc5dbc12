//! `--list FILE`: the named types of the input, one per line, as a
//! debugger looks them up (`struct tm` in C, `std::vector<int>` in C++,
//! `core::option::Option<u32>` in Rust), for comparing the input with the
//! re-emitted object type by type.

use std::collections::BTreeSet;

use gimli::constants as dw;

use crate::dies::Dies;
use crate::source::DieSource;

/// `DW_LANG_*` codes of C.
const C_LANGS: &[u16] = &[0x0001, 0x0002, 0x000c, 0x001d, 0x002c];

/// The lookup expressions of every named type defined in `dies` (sorted,
/// each once): its unit's language decides whether a C tag is prefixed.
/// Types inside functions and anonymous scopes, and names that are not
/// paths (`&str`, tuples), are left out: a debugger cannot look them up.
pub fn named_types(dies: &Dies) -> Vec<String> {
    let src = DieSource::new(dies);
    let mut out = BTreeSet::new();
    for &off in &dies.order {
        let Some(d) = dies.map.get(&off) else {
            continue;
        };
        if d.name().is_none() || d.flag(dw::DW_AT_declaration) {
            continue;
        }
        let prefix = match d.tag {
            dw::DW_TAG_structure_type | dw::DW_TAG_class_type => "struct ",
            dw::DW_TAG_union_type => "union ",
            dw::DW_TAG_enumeration_type => "enum ",
            dw::DW_TAG_typedef | dw::DW_TAG_base_type => "",
            _ => continue,
        };
        let q = src.qualified(off);
        if q.contains("{fn@") || q.contains("(anonymous") {
            continue;
        }
        let lang = dies.units.get(d.unit as usize).map_or(0, |u| u.language);
        // gdb parses a name as an expression: Rust's `&str`, `(u8, u16)`,
        // `[T]` and `!` are not paths (and `ptype &[u64]` crashes gdb 13).
        if !q.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            continue;
        }
        if C_LANGS.contains(&lang) {
            out.insert(format!("{prefix}{q}"));
        } else {
            out.insert(q);
        }
    }
    out.into_iter().collect()
}
