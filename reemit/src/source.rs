//! The [`TypeSource`] over the input's type DIEs: a frontend handle is a
//! DIE's global offset. Identity, scopes and the small readers every
//! description needs are here; the descriptions themselves are in
//! `describe.rs` (scalars, pointers, arrays, functions, enums, typedefs) and
//! `composite.rs` (structs, classes, unions, Rust enums).

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};

use dwarfsmith::{FrontendTy, NamespaceId, NominalKey, TypeDesc, TypeScope, TypeSource};
use gimli::constants as dw;

use crate::dies::{Die, Dies, Val};

/// Handle of the `void` the input leaves implicit (a pointer or typedef
/// without `DW_AT_type`): no DIE has this offset.
pub const VOID: u64 = u64::MAX;
/// Handles at or above this are synthesized base types (an enum without
/// `DW_AT_type`): `SYNTH + size * 2 + signed`.
pub const SYNTH: u64 = u64::MAX - 1024;

/// The type-DIE source: the DIE table, the namespaces registered for it,
/// and what could not be expressed, counted by reason.
pub struct DieSource<'a> {
    /// The input.
    pub dies: &'a Dies,
    /// Definitions by (kind, qualified name): where a declaration leads.
    defs: HashMap<(char, String), u64>,
    /// Every definition of one identity (kind, qualified name, size), in
    /// file order: one per unit that defines the type.
    copies: HashMap<(char, String, u64, u32), Vec<u64>>,
    /// For a typedef that is not the first of its name among its siblings
    /// (gcc's member alias templates): its rank.
    ordinal: HashMap<u64, u32>,
    /// Namespace DIE offset → registered namespace.
    pub namespaces: HashMap<u64, NamespaceId>,
    /// Parts of accepted types this tool could not express, by reason.
    pub dropped: BTreeMap<String, u64>,
    /// Why `describe` refused a handle (the last refusal per handle).
    pub refused: HashMap<u64, String>,
    /// Type DIEs left out of this pass (they reach a refused type): the
    /// methods and template parameters naming them are left out too.
    pub poisoned: std::collections::HashSet<u64>,
    /// The merged methods of each type, by its first copy.
    pub methods_of: HashMap<u64, Vec<dwarfsmith::MethodDesc>>,
    /// Method DIEs already read (their unexpressed parts counted).
    pub methods_read: std::collections::HashSet<u64>,
    /// Print every refusal to stderr.
    pub verbose: bool,
    /// The backend writes `CompositeDesc::linkage_name` (the LLVM backend
    /// does not: an unnamed struct is then given the name it stands for).
    pub linkage_names: bool,
    /// The last refusal's reason.
    pub last_refusal: Option<String>,
}

/// The identity class of a nominal DIE tag (struct and class are one).
pub fn kind_of(tag: dw::DwTag) -> Option<char> {
    Some(match tag {
        dw::DW_TAG_structure_type | dw::DW_TAG_class_type => 's',
        dw::DW_TAG_union_type => 'u',
        dw::DW_TAG_enumeration_type => 'e',
        dw::DW_TAG_typedef => 't',
        _ => return None,
    })
}

fn hash_of(v: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

impl<'a> DieSource<'a> {
    /// A source over `dies`, indexing every named definition.
    pub fn new(dies: &'a Dies) -> Self {
        let mut s = DieSource {
            dies,
            defs: HashMap::new(),
            copies: HashMap::new(),
            ordinal: HashMap::new(),
            namespaces: HashMap::new(),
            dropped: BTreeMap::new(),
            refused: HashMap::new(),
            last_refusal: None,
            verbose: false,
            linkage_names: true,
            poisoned: std::collections::HashSet::new(),
            methods_read: std::collections::HashSet::new(),
            methods_of: HashMap::new(),
        };
        for &off in &dies.order {
            let Some(d) = dies.map.get(&off) else {
                continue;
            };
            let mut seen: HashMap<(char, &str), u32> = HashMap::new();
            for c in &d.children {
                let Some(cd) = dies.map.get(c) else { continue };
                if cd.flag(dw::DW_AT_declaration) {
                    continue;
                }
                // Only typedefs: gcc writes one per instantiation of a
                // member alias template, same name, other target; a
                // struct written twice in one scope (rustc does) is one.
                if cd.tag != dw::DW_TAG_typedef {
                    continue;
                }
                if let (Some(k), Some(n)) = (kind_of(cd.tag), cd.name()) {
                    let rank = seen.entry((k, n)).or_default();
                    if *rank > 0 {
                        s.ordinal.insert(*c, *rank);
                    }
                    *rank += 1;
                }
            }
            let Some(k) = kind_of(d.tag) else { continue };
            if d.flag(dw::DW_AT_declaration) || d.name().is_none() {
                continue;
            }
            let q = s.qualified(off);
            let size = d.udata(dw::DW_AT_byte_size).unwrap_or(u64::MAX);
            let rank = s.ordinal.get(&off).copied().unwrap_or(0);
            s.copies
                .entry((k, q.clone(), size, rank))
                .or_default()
                .push(off);
            s.defs.entry((k, q)).or_insert(off);
        }
        s
    }

    /// The DIE at `off`.
    pub fn die(&self, off: u64) -> Result<&'a Die, String> {
        self.dies
            .map
            .get(&off)
            .ok_or_else(|| format!("no DIE at offset {off:#x}"))
    }

    /// Counts a part that could not be expressed when `first`.
    pub fn drop_part_if(&mut self, first: bool, reason: impl Into<String>) {
        if first {
            self.drop_part(reason);
        }
    }

    /// Counts a part that could not be expressed.
    pub fn drop_part(&mut self, reason: impl Into<String>) {
        *self.dropped.entry(reason.into()).or_default() += 1;
    }

    /// The DIE whose name and scope `off` has: its `DW_AT_specification`
    /// when it completes an out-of-line declaration.
    fn named(&self, off: u64) -> u64 {
        match self.dies.map.get(&off) {
            Some(d) => d.reference(dw::DW_AT_specification).unwrap_or(off),
            None => off,
        }
    }

    /// `a::b::Name`: the names of the enclosing namespaces and types, then
    /// the DIE's own (`(anonymous)` for unnamed ones).
    pub fn qualified(&self, off: u64) -> String {
        let mut parts = Vec::new();
        let mut cur = Some(self.named(off));
        let mut guard = 0;
        while let Some(o) = cur {
            guard += 1;
            let Some(d) = self.dies.map.get(&o) else {
                break;
            };
            if d.parent.is_none() || guard > 256 {
                break;
            }
            match d.tag {
                dw::DW_TAG_subprogram | dw::DW_TAG_lexical_block => {
                    parts.push(format!("{{fn@{o:#x}}}"));
                    break;
                }
                _ => parts.push(d.name().unwrap_or("(anonymous)").to_string()),
            }
            cur = d.parent.map(|p| self.named(p));
        }
        parts.reverse();
        parts.join("::")
    }

    /// Whether the type at `off` is `void` through typedefs and qualifiers
    /// (it has no values).
    pub fn names_void(&self, off: u64) -> bool {
        let mut cur = off;
        for _ in 0..64 {
            let Some(d) = self.dies.map.get(&cur) else {
                return false;
            };
            match d.tag {
                dw::DW_TAG_typedef
                | dw::DW_TAG_const_type
                | dw::DW_TAG_volatile_type
                | dw::DW_TAG_restrict_type
                | dw::DW_TAG_atomic_type => match d.reference(dw::DW_AT_type) {
                    Some(t) => cur = t,
                    None => return true,
                },
                _ => return false,
            }
        }
        false
    }

    /// Where a type DIE lives.
    pub fn scope(&self, off: u64) -> TypeScope {
        let named = self.named(off);
        let Some(p) = self.dies.map.get(&named).and_then(|d| d.parent) else {
            return TypeScope::Unit;
        };
        let Some(pd) = self.dies.map.get(&p) else {
            return TypeScope::Unit;
        };
        match pd.tag {
            dw::DW_TAG_namespace => self
                .namespaces
                .get(&p)
                .map_or(TypeScope::Unit, |n| TypeScope::Namespace(*n)),
            dw::DW_TAG_structure_type
            | dw::DW_TAG_class_type
            | dw::DW_TAG_union_type
            | dw::DW_TAG_enumeration_type => TypeScope::Type(FrontendTy(self.canonical(p))),
            _ => TypeScope::Unit,
        }
    }

    /// Every unit's definition of the named type defined at `off` (just
    /// `off` for an unnamed one).
    pub fn copies(&self, off: u64) -> Vec<u64> {
        let Some(d) = self.dies.map.get(&off) else {
            return vec![off];
        };
        let (Some(k), Some(_)) = (kind_of(d.tag), d.name()) else {
            return vec![off];
        };
        let size = d.udata(dw::DW_AT_byte_size).unwrap_or(u64::MAX);
        let rank = self.ordinal.get(&off).copied().unwrap_or(0);
        match self.copies.get(&(k, self.qualified(off), size, rank)) {
            Some(v) if v.contains(&off) => v.clone(),
            _ => vec![off],
        }
    }

    /// One handle for every copy of a named type: the first unit's
    /// definition (the library compares a nested type's enclosing type by
    /// unique ID, so any copy would do; one handle resolves it once).
    pub fn canonical(&self, off: u64) -> u64 {
        let def = self.definition_of(off).unwrap_or(off);
        self.copies(def).first().copied().unwrap_or(def)
    }

    /// The definition a declaration stands for, if the input has one.
    pub fn definition_of(&self, off: u64) -> Option<u64> {
        let d = self.dies.map.get(&off)?;
        if !d.flag(dw::DW_AT_declaration) {
            return None;
        }
        let k = kind_of(d.tag)?;
        self.defs.get(&(k, self.qualified(off))).copied()
    }

    /// The identity of a nominal type DIE: its kind, qualified name and
    /// size when named (so every unit's copy is one type); for an unnamed
    /// one, its enclosing scope, source position and member names.
    pub fn key(&self, off: u64, d: &Die) -> NominalKey {
        let kind = kind_of(d.tag).unwrap_or('?');
        let size = d.udata(dw::DW_AT_byte_size).unwrap_or(u64::MAX);
        let q = self.qualified(off);
        if d.name().is_some() {
            let rank = self.ordinal.get(&off).copied().unwrap_or(0);
            return NominalKey::new(hash_of(("named", &q)), hash_of((kind, &q, size, rank)));
        }
        let mut members: Vec<(&str, u64)> = Vec::new();
        for c in &d.children {
            if let Some(cd) = self.dies.map.get(c) {
                members.push((
                    cd.name().unwrap_or(""),
                    cd.udata(dw::DW_AT_data_member_location)
                        .or(cd.udata(dw::DW_AT_const_value))
                        .unwrap_or(0),
                ));
            }
        }
        let pos = (d.udata(dw::DW_AT_decl_line), d.udata(dw::DW_AT_decl_column));
        NominalKey::new(
            hash_of(("anonymous", &q)),
            hash_of((kind, size, pos, members)),
        )
    }

    /// The type named by `DW_AT_type`, `void` when absent.
    pub fn type_or_void(&self, d: &Die) -> FrontendTy {
        FrontendTy(d.reference(dw::DW_AT_type).unwrap_or(VOID))
    }

    /// The type named by `DW_AT_type`, required.
    pub fn type_of(&self, d: &Die, what: &str) -> Result<FrontendTy, String> {
        d.reference(dw::DW_AT_type)
            .map(FrontendTy)
            .ok_or_else(|| format!("{what} without DW_AT_type"))
    }

    /// The size in bytes of the type at `off`, through typedefs,
    /// qualifiers, declarations and arrays.
    pub fn size_of(&self, off: u64) -> Option<u64> {
        let mut cur = off;
        for _ in 0..64 {
            if cur == VOID {
                return Some(0);
            }
            if cur >= SYNTH {
                return Some((cur - SYNTH) / 2);
            }
            let d = self.dies.map.get(&cur)?;
            if let Some(def) = self.definition_of(cur) {
                cur = def;
                continue;
            }
            if let Some(s) = d.udata(dw::DW_AT_byte_size) {
                return Some(s);
            }
            match d.tag {
                dw::DW_TAG_pointer_type
                | dw::DW_TAG_reference_type
                | dw::DW_TAG_rvalue_reference_type => return Some(8),
                dw::DW_TAG_ptr_to_member_type => {
                    let function = d
                        .reference(dw::DW_AT_type)
                        .and_then(|t| self.dies.map.get(&t))
                        .is_some_and(|p| p.tag == dw::DW_TAG_subroutine_type);
                    return Some(if function { 16 } else { 8 });
                }
                dw::DW_TAG_array_type => {
                    let (dims, _) = self.dims(d).ok()?;
                    let elem = self.size_of(d.reference(dw::DW_AT_type)?)?;
                    return dims
                        .iter()
                        .try_fold(elem, |acc, n| acc.checked_mul(n.unwrap_or(0)));
                }
                _ => cur = d.reference(dw::DW_AT_type)?,
            }
        }
        None
    }

    /// Whether the integer type at `off` is signed (through typedefs,
    /// qualifiers and enums).
    pub fn signed(&self, off: u64) -> bool {
        let mut cur = off;
        for _ in 0..64 {
            if cur >= SYNTH {
                return cur != VOID && (cur - SYNTH) % 2 == 1;
            }
            let Some(d) = self.dies.map.get(&cur) else {
                return false;
            };
            if d.tag == dw::DW_TAG_base_type {
                let e = d.udata(dw::DW_AT_encoding).unwrap_or(0) as u8;
                return e == dw::DW_ATE_signed.0 || e == dw::DW_ATE_signed_char.0;
            }
            match d.reference(dw::DW_AT_type) {
                Some(t) => cur = t,
                None => return false,
            }
        }
        false
    }

    /// An array's dimensions, outermost first, and whether it had a bound
    /// this tool could not read.
    pub fn dims(&self, d: &Die) -> Result<(Vec<Option<u64>>, bool), String> {
        let mut dims = Vec::new();
        let mut unreadable = false;
        for c in &d.children {
            let s = self.die(*c)?;
            if s.tag != dw::DW_TAG_subrange_type {
                return Err(format!("array dimension given by {}", s.tag));
            }
            let lower = s.udata(dw::DW_AT_lower_bound).unwrap_or(0);
            let n = match (s.attr(dw::DW_AT_count), s.attr(dw::DW_AT_upper_bound)) {
                (Some(c), _) => match c.udata() {
                    Some(c) => Some(c),
                    None => {
                        unreadable = true;
                        None
                    }
                },
                (None, Some(u)) => match u {
                    Val::Data { v: u64::MAX, .. } | Val::S(-1) => Some(0),
                    v => match v.udata() {
                        Some(u) => Some(u.wrapping_sub(lower).wrapping_add(1)),
                        None => {
                            unreadable = true;
                            None
                        }
                    },
                },
                (None, None) => None,
            };
            dims.push(n);
        }
        if dims.is_empty() {
            dims.push(None);
        }
        Ok((dims, unreadable))
    }

    /// A constant attribute as a bit pattern of a `size`-byte type read
    /// with `signed`ness.
    pub fn bits(v: &Val, signed: bool, size: u64) -> Option<i128> {
        let width = (size.clamp(1, 16) * 8) as u32;
        let (raw, from_bits): (u128, u32) = match v {
            Val::Data { v, bytes } => ((*v).into(), u32::from(*bytes) * 8),
            Val::U(v) => ((*v).into(), 64),
            Val::S(v) => (*v as i128 as u128, 128),
            Val::Wide(v) => (*v, 128),
            Val::Bytes(b) if b.len() <= 16 && !b.is_empty() => {
                let mut le = [0u8; 16];
                le[..b.len()].copy_from_slice(b);
                (u128::from_le_bytes(le), b.len() as u32 * 8)
            }
            _ => return None,
        };
        let w = width.min(from_bits);
        let masked = if w >= 128 {
            raw
        } else {
            raw & ((1u128 << w) - 1)
        };
        if signed && w < 128 {
            let shift = 128 - w;
            Some(((masked << shift) as i128) >> shift)
        } else {
            Some(masked as i128)
        }
    }
}

impl TypeSource for DieSource<'_> {
    fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String> {
        let r = self.describe_die(ty.0);
        if std::env::var("REEMIT_TRACE").is_ok_and(|v| v.split(',').any(|h| h == ty.0.to_string()))
        {
            eprintln!("describe #{}: {r:?}", ty.0);
        }
        if let Err(e) = &r {
            self.refused.insert(ty.0, e.clone());
            self.last_refusal = Some(e.clone());
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_become_bit_patterns_of_the_types_size_and_signedness() {
        let d = |v, bytes| Val::Data { v, bytes };
        // a signed 4-byte enum: data4 0xffffffff is -1
        assert_eq!(DieSource::bits(&d(0xffff_ffff, 4), true, 4), Some(-1));
        // the same bits unsigned stay 4294967295
        assert_eq!(
            DieSource::bits(&d(0xffff_ffff, 4), false, 4),
            Some(0xffff_ffff)
        );
        // sdata -1 for an unsigned 1-byte type is 255
        assert_eq!(DieSource::bits(&Val::S(-1), false, 1), Some(255));
        // data16 u128::MAX, unsigned 16 bytes: the bit pattern (-1 as i128)
        assert_eq!(DieSource::bits(&Val::Wide(u128::MAX), false, 16), Some(-1));
        // a 16-byte block, signed: i128::MIN
        let mut min = vec![0u8; 16];
        min[15] = 0x80;
        assert_eq!(DieSource::bits(&Val::Bytes(min), true, 16), Some(i128::MIN));
        // data1 0x80 for a signed 8-byte type: sign-extended from the form
        assert_eq!(DieSource::bits(&d(0x80, 1), true, 8), Some(-128));
        assert_eq!(DieSource::bits(&Val::Str("x".into()), true, 4), None);
    }
}
