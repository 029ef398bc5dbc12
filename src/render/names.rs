//! Offset-free names for DIEs, used wherever one DIE refers to another.
//!
//! Before rendering, every DIE of every unit is recorded in a [`DieIndex`]
//! (tag, name, parent, type and a few attributes needed to describe types).
//! A reference is then shown as a description of its target:
//!
//! * named DIEs by their qualified name: the names of the enclosing
//!   namespaces, types and subprograms joined by `::` (`util::List`,
//!   `main::count`); a DIE with `DW_AT_specification` or
//!   `DW_AT_abstract_origin` is named like its origin (an out-of-line member
//!   function definition is `util::List::sum`), and an unnamed declaration
//!   with `DW_AT_signature` like the type unit's type DIE;
//! * unnamed type modifiers structurally: `*T` (pointer, `*void` without a
//!   type), `&T`, `&&T`, `const T`, `volatile T`, `restrict T`, `_Atomic T`,
//!   `[T; N]` (arrays, outermost dimension first: `int a[2][3]` is
//!   `[[int; 3]; 2]`; `[T]` without a bound, `[T; ?]` for a non-constant
//!   bound), `fn(A, B, ...) -> R` (subroutine types), `T C::*` (pointers to
//!   members). Modifiers are prefixes that apply to everything after them:
//!   `const *const T` is a const pointer to a const `T`;
//! * other unnamed DIEs by tag and declaration line, or, without a line, by
//!   their 1-based position among the siblings with the same tag:
//!   `<anon structure_type line 12>`, `<anon lexical_block #2>`; qualified by
//!   their scope like named ones.
//!
//! Descriptions stop at named types, so recursive types (a struct holding a
//! pointer to itself) terminate naturally; a depth limit and a work budget
//! guard against malformed cycles and exponential blow-up, printing `...`.

#![forbid(unsafe_code)]

use std::collections::BTreeMap;

use gimli::constants as dw;

use super::{gimli_err, RenderError, Unit, R};

/// Maximum nesting of a description before it is cut with `...`.
const MAX_DEPTH: usize = 16;
/// Maximum number of DIEs visited for one description.
const BUDGET: usize = 256;

/// Identifies a DIE independently of its unit: section (0 = `.debug_info`,
/// 1 = `.debug_types`) and offset within that section. Offsets are used only
/// as keys, never printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct DieKey(u8, usize);

/// The bound of one array dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bound {
    /// No bound given.
    None,
    /// A constant number of elements.
    Known(u64),
    /// A bound given by an expression or a reference.
    Dynamic,
}

/// What the index keeps of one DIE.
#[derive(Debug)]
struct DieInfo {
    tag: gimli::DwTag,
    name: Option<String>,
    parent: Option<DieKey>,
    type_ref: Option<DieKey>,
    origin: Option<DieKey>,
    signature: Option<u64>,
    containing: Option<DieKey>,
    decl_line: Option<u64>,
    bound: Bound,
    children: Vec<DieKey>,
}

/// All DIEs of the object, keyed by [`DieKey`].
#[derive(Debug, Default)]
pub(crate) struct DieIndex {
    dies: BTreeMap<DieKey, DieInfo>,
    /// The type DIE of each type unit, by type signature.
    signatures: BTreeMap<u64, DieKey>,
}

/// The key of the DIE at `offset` within `unit`.
pub(crate) fn key_in_unit(unit: &Unit, offset: gimli::UnitOffset) -> DieKey {
    let section = u8::from(unit.header.section() == gimli::SectionId::DebugTypes);
    DieKey(section, offset.to_unit_section_offset(&unit.header).0)
}

/// The key a reference attribute value points at, if it is a reference
/// within `.debug_info` or the current unit.
pub(crate) fn ref_key(unit: &Unit, value: &gimli::AttributeValue<R>) -> Option<DieKey> {
    match *value {
        gimli::AttributeValue::UnitRef(offset) => Some(key_in_unit(unit, offset)),
        gimli::AttributeValue::DebugInfoRef(offset) => Some(DieKey(0, offset.0)),
        _ => None,
    }
}

/// Reads a constant attribute value as a signed number.
fn signed_value(value: &gimli::AttributeValue<R>) -> Option<i128> {
    use gimli::AttributeValue::*;
    Some(match *value {
        Sdata(v) => i128::from(v),
        Udata(v) | Data8(v) => i128::from(v),
        Data1(v) => i128::from(v),
        Data2(v) => i128::from(v),
        Data4(v) => i128::from(v),
        _ => return None,
    })
}

impl DieIndex {
    /// Records every DIE of `units`.
    pub(crate) fn build(
        dwarf: &gimli::Dwarf<R>,
        units: &[(String, Unit)],
    ) -> Result<DieIndex, RenderError> {
        let mut index = DieIndex::default();
        for (title, unit) in units {
            let label = title.split(':').next().unwrap_or(title);
            index.add_unit(dwarf, label, unit)?;
        }
        Ok(index)
    }

    fn add_unit(
        &mut self,
        dwarf: &gimli::Dwarf<R>,
        label: &str,
        unit: &Unit,
    ) -> Result<(), RenderError> {
        match unit.header.type_() {
            gimli::UnitType::Type {
                type_signature,
                type_offset,
            }
            | gimli::UnitType::SplitType {
                type_signature,
                type_offset,
            } => {
                let key = key_in_unit(unit, type_offset);
                self.signatures.entry(type_signature.0).or_insert(key);
            }
            _ => {}
        }
        let mut stack: Vec<DieKey> = Vec::new();
        let mut cursor = unit.entries();
        loop {
            let entry = match cursor.next_dfs() {
                Ok(Some(entry)) => entry,
                Ok(None) => break,
                Err(e) => return Err(gimli_err(format!("{label}: reading DIEs"), e)),
            };
            let key = key_in_unit(unit, entry.offset());
            let depth = usize::try_from(entry.depth()).unwrap_or(0);
            stack.truncate(depth);
            let parent = stack.last().copied();
            stack.push(key);
            let mut info = DieInfo {
                tag: entry.tag(),
                name: None,
                parent,
                type_ref: None,
                origin: None,
                signature: None,
                containing: None,
                decl_line: None,
                bound: Bound::None,
                children: Vec::new(),
            };
            let mut lower: i128 = 0;
            let mut upper: Option<Option<i128>> = None;
            for attr in entry.attrs() {
                let value = attr.value();
                match attr.name() {
                    dw::DW_AT_name => {
                        // An unreadable name is reported when the DIE is
                        // rendered; here it only makes the DIE anonymous.
                        if let Ok(s) = dwarf.attr_string(unit, value) {
                            info.name = Some(s.to_string_lossy().into_owned());
                        }
                    }
                    dw::DW_AT_type => info.type_ref = ref_key(unit, &value),
                    dw::DW_AT_specification | dw::DW_AT_abstract_origin => {
                        info.origin = info.origin.or(ref_key(unit, &value))
                    }
                    dw::DW_AT_containing_type => info.containing = ref_key(unit, &value),
                    dw::DW_AT_signature => {
                        if let gimli::AttributeValue::DebugTypesRef(sig) = value {
                            info.signature = Some(sig.0);
                        }
                    }
                    dw::DW_AT_decl_line => info.decl_line = attr.udata_value(),
                    dw::DW_AT_lower_bound => lower = signed_value(&value).unwrap_or(0),
                    dw::DW_AT_count => {
                        info.bound = match signed_value(&value) {
                            Some(n) => Bound::Known(u64::try_from(n).unwrap_or(0)),
                            None => Bound::Dynamic,
                        }
                    }
                    dw::DW_AT_upper_bound => {
                        upper = Some(match value {
                            // gcc writes -1 as data8 for zero-length arrays.
                            gimli::AttributeValue::Data8(u64::MAX) => Some(-1),
                            ref v => signed_value(v),
                        })
                    }
                    _ => {}
                }
            }
            if let (Bound::None, Some(upper)) = (info.bound, upper) {
                info.bound = match upper {
                    Some(u) => {
                        Bound::Known(u64::try_from((u - lower + 1).max(0)).unwrap_or(u64::MAX))
                    }
                    None => Bound::Dynamic,
                };
            }
            if let Some(parent) = parent {
                if let Some(p) = self.dies.get_mut(&parent) {
                    p.children.push(key);
                }
            }
            self.dies.insert(key, info);
        }
        Ok(())
    }

    /// Describes the type DIE of the type unit with signature `sig`, if the
    /// object has that type unit.
    pub(crate) fn describe_signature(&self, sig: u64) -> Option<String> {
        self.signatures.get(&sig).map(|key| self.describe(*key))
    }

    /// Describes the DIE at `key`, as explained in the module docs.
    pub(crate) fn describe(&self, key: DieKey) -> String {
        let mut budget = BUDGET;
        self.describe_at(key, 0, &mut budget)
    }

    fn describe_at(&self, key: DieKey, depth: usize, budget: &mut usize) -> String {
        if depth > MAX_DEPTH || *budget == 0 {
            return "...".to_string();
        }
        *budget -= 1;
        let Some(die) = self.dies.get(&key) else {
            return "<unresolved reference>".to_string();
        };
        if die.name.is_some() {
            return self.qualified(key, depth, budget);
        }
        let target = |budget: &mut usize| match die.type_ref {
            Some(t) => self.describe_at(t, depth + 1, budget),
            None => "void".to_string(),
        };
        match die.tag {
            dw::DW_TAG_pointer_type => format!("*{}", target(budget)),
            dw::DW_TAG_reference_type => format!("&{}", target(budget)),
            dw::DW_TAG_rvalue_reference_type => format!("&&{}", target(budget)),
            dw::DW_TAG_const_type => format!("const {}", target(budget)),
            dw::DW_TAG_volatile_type => format!("volatile {}", target(budget)),
            dw::DW_TAG_restrict_type => format!("restrict {}", target(budget)),
            dw::DW_TAG_atomic_type => format!("_Atomic {}", target(budget)),
            dw::DW_TAG_ptr_to_member_type => {
                let class = match die.containing {
                    Some(c) => self.describe_at(c, depth + 1, budget),
                    None => "?".to_string(),
                };
                format!("{} {class}::*", target(budget))
            }
            dw::DW_TAG_array_type => self.describe_array(die, depth, budget),
            dw::DW_TAG_subroutine_type => self.describe_subroutine(die, depth, budget),
            _ => self.qualified(key, depth, budget),
        }
    }

    fn describe_array(&self, die: &DieInfo, depth: usize, budget: &mut usize) -> String {
        let mut text = match die.type_ref {
            Some(t) => self.describe_at(t, depth + 1, budget),
            None => "void".to_string(),
        };
        let dims: Vec<Bound> = die
            .children
            .iter()
            .filter_map(|c| self.dies.get(c))
            .filter(|c| c.tag == dw::DW_TAG_subrange_type)
            .map(|c| c.bound)
            .collect();
        if dims.is_empty() {
            return format!("[{text}]");
        }
        for bound in dims.iter().rev() {
            text = match bound {
                Bound::Known(n) => format!("[{text}; {n}]"),
                Bound::Dynamic => format!("[{text}; ?]"),
                Bound::None => format!("[{text}]"),
            };
        }
        text
    }

    fn describe_subroutine(&self, die: &DieInfo, depth: usize, budget: &mut usize) -> String {
        let mut params = Vec::new();
        for child in die.children.iter().filter_map(|c| self.dies.get(c)) {
            match child.tag {
                dw::DW_TAG_formal_parameter => params.push(match child.type_ref {
                    Some(t) => self.describe_at(t, depth + 1, budget),
                    None => "?".to_string(),
                }),
                dw::DW_TAG_unspecified_parameters => params.push("...".to_string()),
                _ => {}
            }
        }
        let mut text = format!("fn({})", params.join(", "));
        if let Some(t) = die.type_ref {
            text.push_str(" -> ");
            text.push_str(&self.describe_at(t, depth + 1, budget));
        }
        text
    }

    /// The scope-qualified name of a DIE (anonymous DIEs get a tag-based
    /// placeholder).
    fn qualified(&self, key: DieKey, depth: usize, budget: &mut usize) -> String {
        if depth > MAX_DEPTH || *budget == 0 {
            return "...".to_string();
        }
        *budget -= 1;
        let Some(die) = self.dies.get(&key) else {
            return "<unresolved reference>".to_string();
        };
        // A definition is named like the declaration it completes, and an
        // abstract or type-unit declaration like the DIE it stands for.
        let origin = die.origin.or_else(|| {
            die.signature
                .and_then(|sig| self.signatures.get(&sig).copied())
                .filter(|_| die.name.is_none())
        });
        if let Some(origin) = origin {
            return self.qualified(origin, depth + 1, budget);
        }
        let base = match &die.name {
            Some(name) => name.clone(),
            None if die.tag == dw::DW_TAG_namespace => "(anonymous namespace)".into(),
            None => {
                let tag = super::tag_name(die.tag);
                let tag = tag.strip_prefix("DW_TAG_").unwrap_or(&tag).to_string();
                match die.decl_line {
                    Some(line) => format!("<anon {tag} line {line}>"),
                    None => match self.sibling_number(key, die) {
                        Some(n) => format!("<anon {tag} #{n}>"),
                        None => format!("<anon {tag}>"),
                    },
                }
            }
        };
        match self.scope_of(die) {
            Some(scope) => format!("{}::{base}", self.qualified(scope, depth + 1, budget)),
            None => base,
        }
    }

    /// The 1-based position of `key` among its parent's children with the
    /// same tag.
    fn sibling_number(&self, key: DieKey, die: &DieInfo) -> Option<usize> {
        let parent = self.dies.get(&die.parent?)?;
        let same_tag = parent
            .children
            .iter()
            .filter(|c| self.dies.get(c).is_some_and(|c| c.tag == die.tag));
        same_tag
            .enumerate()
            .find(|(_, c)| **c == key)
            .map(|(n, _)| n + 1)
    }

    /// The nearest enclosing DIE that contributes to qualified names:
    /// lexical blocks and other unnamed non-type scopes are skipped, unit
    /// DIEs end the walk.
    fn scope_of(&self, die: &DieInfo) -> Option<DieKey> {
        let mut current = die.parent;
        // Parents always precede their children, so this walk terminates;
        // the step limit only bounds the work on pathological nesting.
        for _ in 0..64 {
            let key = current?;
            let parent = self.dies.get(&key)?;
            match parent.tag {
                dw::DW_TAG_compile_unit
                | dw::DW_TAG_type_unit
                | dw::DW_TAG_partial_unit
                | dw::DW_TAG_skeleton_unit => return None,
                dw::DW_TAG_lexical_block
                | dw::DW_TAG_try_block
                | dw::DW_TAG_catch_block
                | dw::DW_TAG_common_block => current = parent.parent,
                _ => return Some(key),
            }
        }
        None
    }
}
