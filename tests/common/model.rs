//! A backend-neutral model of an object's DWARF, read with gimli (after
//! applying relocations, see `readback.rs`): named types with their
//! members, functions with their parameters, and variables with their
//! enclosing scope. Two objects describing the same program agree on it
//! whatever wrote them — the forms, sections, DIE order and offsets that
//! differ between the gimli and LLVM backends are not part of it.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use gimli::{constants as dw, AttributeValue, EndianSlice, LittleEndian, UnitOffset};

use super::readback::Sections;

/// A named type: its tag, size and members (`name: type @ offset`, or
/// `name = value` for enumerators).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TypeInfo {
    pub tag: String,
    pub size: Option<u64>,
    pub members: Vec<String>,
}

/// A function: linkage name and parameters (`name: type`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FnInfo {
    pub linkage_name: Option<String>,
    pub ret: String,
    pub params: Vec<String>,
}

/// What two backends' objects must agree on.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Model {
    /// Named types by qualified name (`mod::Name`).
    pub types: BTreeMap<String, TypeInfo>,
    /// Defined functions by qualified name.
    pub functions: BTreeMap<String, FnInfo>,
    /// Variables and parameters as `scope path | name: type`, sorted.
    pub variables: Vec<String>,
}

struct Node {
    tag: dw::DwTag,
    name: Option<String>,
    linkage: Option<String>,
    ty: Option<UnitOffset>,
    size: Option<u64>,
    offset: Option<u64>,
    count: Option<u64>,
    value: Option<i64>,
    declaration: bool,
    parent: Option<usize>,
    children: Vec<usize>,
}

struct Tree {
    nodes: Vec<Node>,
    at: HashMap<UnitOffset, usize>,
}

/// Reads the model of an ELF object's DWARF.
pub fn read(bytes: &[u8]) -> Result<Model, String> {
    let sections = Sections::load(bytes)?;
    let dwarf = sections.dwarf();
    let mut model = Model::default();
    let mut units = dwarf.units();
    while let Some(header) = units.next().map_err(|e| e.to_string())? {
        let unit = dwarf.unit(header).map_err(|e| e.to_string())?;
        let tree = load_tree(&dwarf, &unit)?;
        tree.fill(&mut model);
    }
    model.variables.sort();
    Ok(model)
}

fn load_tree(
    dwarf: &gimli::Dwarf<EndianSlice<'_, LittleEndian>>,
    unit: &gimli::Unit<EndianSlice<'_, LittleEndian>>,
) -> Result<Tree, String> {
    let mut tree = Tree {
        nodes: Vec::new(),
        at: HashMap::new(),
    };
    let mut stack: Vec<usize> = Vec::new();
    let mut entries = unit.entries();
    while let Some(e) = entries.next_dfs().map_err(|e| e.to_string())? {
        stack.truncate(e.depth().max(0) as usize);
        let text = |a: gimli::DwAt| -> Result<Option<String>, String> {
            match e.attr_value(a) {
                Some(v) => Ok(Some(
                    dwarf
                        .attr_string(unit, v)
                        .map_err(|e| e.to_string())?
                        .to_string_lossy()
                        .into_owned(),
                )),
                None => Ok(None),
            }
        };
        let udata = |a: gimli::DwAt| e.attr(a).and_then(|x| x.udata_value());
        let node = Node {
            tag: e.tag(),
            name: text(dw::DW_AT_name)?,
            linkage: text(dw::DW_AT_linkage_name)?,
            ty: match e.attr_value(dw::DW_AT_type) {
                Some(AttributeValue::UnitRef(o)) => Some(o),
                _ => None,
            },
            size: udata(dw::DW_AT_byte_size),
            offset: udata(dw::DW_AT_data_member_location),
            count: udata(dw::DW_AT_count).or(udata(dw::DW_AT_upper_bound).map(|u| u + 1)),
            value: e.attr(dw::DW_AT_const_value).and_then(|x| x.sdata_value()),
            declaration: e.attr(dw::DW_AT_declaration).is_some(),
            parent: stack.last().copied(),
            children: Vec::new(),
        };
        let i = tree.nodes.len();
        if let Some(p) = node.parent {
            tree.nodes[p].children.push(i);
        }
        tree.at.insert(e.offset(), i);
        tree.nodes.push(node);
        stack.push(i);
    }
    Ok(tree)
}

fn is_named_type(tag: dw::DwTag) -> bool {
    matches!(
        tag,
        dw::DW_TAG_structure_type
            | dw::DW_TAG_union_type
            | dw::DW_TAG_enumeration_type
            | dw::DW_TAG_typedef
            | dw::DW_TAG_base_type
    )
}

impl Tree {
    /// `a::b::name` through namespaces and types (not functions or the CU).
    fn qualified(&self, i: usize) -> String {
        let mut parts = vec![self.nodes[i].name.clone().unwrap_or_default()];
        let mut cur = self.nodes[i].parent;
        while let Some(p) = cur {
            let n = &self.nodes[p];
            if n.tag == dw::DW_TAG_compile_unit || n.tag == dw::DW_TAG_subprogram {
                break;
            }
            parts.push(n.name.clone().unwrap_or_default());
            cur = n.parent;
        }
        parts.reverse();
        parts.join("::")
    }

    /// A type's name: named types by qualified name, others by structure.
    fn type_name(&self, off: Option<UnitOffset>, depth: u32) -> String {
        let Some(i) = off.and_then(|o| self.at.get(&o)).copied() else {
            return "void".into();
        };
        if depth > 16 {
            return "...".into();
        }
        let n = &self.nodes[i];
        match n.tag {
            t if is_named_type(t) && n.name.is_some() => self.qualified(i),
            dw::DW_TAG_pointer_type => format!("*{}", self.type_name(n.ty, depth + 1)),
            dw::DW_TAG_array_type => {
                let dims: Vec<String> = n
                    .children
                    .iter()
                    .map(|c| self.nodes[*c].count.map_or("?".into(), |c| c.to_string()))
                    .collect();
                format!("{}[{}]", self.type_name(n.ty, depth + 1), dims.join(","))
            }
            dw::DW_TAG_subroutine_type => {
                let params: Vec<String> = n
                    .children
                    .iter()
                    .filter(|c| self.nodes[**c].tag == dw::DW_TAG_formal_parameter)
                    .map(|c| self.type_name(self.nodes[*c].ty, depth + 1))
                    .collect();
                format!(
                    "fn({}) -> {}",
                    params.join(", "),
                    self.type_name(n.ty, depth + 1)
                )
            }
            t => format!("{t}{{{}}}", self.members(i, depth + 1).join("; ")),
        }
    }

    fn members(&self, i: usize, depth: u32) -> Vec<String> {
        let mut out = Vec::new();
        for c in &self.nodes[i].children {
            let m = &self.nodes[*c];
            let name = m.name.clone().unwrap_or_default();
            match m.tag {
                dw::DW_TAG_member => out.push(format!(
                    "{name}: {} @ {}",
                    self.type_name(m.ty, depth),
                    m.offset.unwrap_or(0)
                )),
                dw::DW_TAG_enumerator => out.push(format!("{name} = {}", m.value.unwrap_or(0))),
                _ => {}
            }
        }
        out
    }

    /// `function/block#i/...` of a variable (the CU's or a namespace's
    /// qualified path for globals).
    fn scope_path(&self, i: usize) -> String {
        let mut parts = Vec::new();
        let mut cur = self.nodes[i].parent;
        while let Some(p) = cur {
            let n = &self.nodes[p];
            match n.tag {
                dw::DW_TAG_lexical_block => {
                    let siblings = n.parent.map_or(&[][..], |q| &self.nodes[q].children[..]);
                    let idx = siblings
                        .iter()
                        .filter(|s| self.nodes[**s].tag == dw::DW_TAG_lexical_block)
                        .position(|s| *s == p)
                        .unwrap_or(0);
                    parts.push(format!("block#{idx}"));
                }
                dw::DW_TAG_subprogram => {
                    parts.push(self.qualified(p));
                    break;
                }
                dw::DW_TAG_compile_unit => break,
                _ => parts.push(n.name.clone().unwrap_or_default()),
            }
            cur = n.parent;
        }
        parts.reverse();
        parts.join("/")
    }

    fn fill(&self, m: &mut Model) {
        for (i, n) in self.nodes.iter().enumerate() {
            match n.tag {
                t if is_named_type(t) && n.name.is_some() && !n.declaration => {
                    let info = TypeInfo {
                        tag: t.to_string(),
                        size: n.size,
                        members: self.members(i, 0),
                    };
                    m.types.insert(self.qualified(i), info);
                }
                dw::DW_TAG_subprogram if !n.declaration => {
                    let params = n
                        .children
                        .iter()
                        .filter(|c| self.nodes[**c].tag == dw::DW_TAG_formal_parameter)
                        .map(|c| {
                            let p = &self.nodes[*c];
                            format!(
                                "{}: {}",
                                p.name.clone().unwrap_or_default(),
                                self.type_name(p.ty, 0)
                            )
                        })
                        .collect();
                    let info = FnInfo {
                        linkage_name: n.linkage.clone(),
                        ret: self.type_name(n.ty, 0),
                        params,
                    };
                    m.functions.insert(self.qualified(i), info);
                }
                dw::DW_TAG_variable | dw::DW_TAG_formal_parameter
                    if n.parent
                        .is_some_and(|p| self.nodes[p].tag != dw::DW_TAG_subroutine_type) =>
                {
                    let mut s = String::new();
                    let _ = write!(
                        s,
                        "{} | {}: {}",
                        self.scope_path(i),
                        n.name.clone().unwrap_or_default(),
                        self.type_name(n.ty, 0)
                    );
                    m.variables.push(s);
                }
                _ => {}
            }
        }
    }
}
