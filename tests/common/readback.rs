//! Re-reads an object with gimli (independently of the library's renderer):
//! applies the `.rela.debug_*` relocations, then checks that every type
//! reference resolves and that each named type is defined exactly once.

use std::collections::{BTreeMap, HashMap, HashSet};

use gimli::{EndianSlice, LittleEndian};
use object::{Object, ObjectSection, ObjectSymbol, RelocationTarget};

/// What the read-back saw.
#[derive(Debug, Default)]
pub struct Summary {
    /// DIE count per tag name.
    pub tags: BTreeMap<String, usize>,
    /// Qualified names of every named type DIE, with their tag.
    pub types: Vec<(String, String)>,
    /// Number of line-table rows.
    pub line_rows: usize,
}

pub fn section_data(file: &object::File<'_>, name: &str) -> Result<Vec<u8>, String> {
    let Some(sec) = file.section_by_name(name) else {
        return Ok(Vec::new());
    };
    let mut data = sec
        .uncompressed_data()
        .map_err(|e| e.to_string())?
        .into_owned();
    for (off, rel) in sec.relocations() {
        let sym_value = match rel.target() {
            RelocationTarget::Symbol(i) => file
                .symbol_by_index(i)
                .map_err(|e| e.to_string())?
                .address(),
            RelocationTarget::Section(_) => 0,
            _ => return Err(format!("{name}: unexpected relocation target")),
        };
        let value = (sym_value as i64).wrapping_add(rel.addend());
        let off = off as usize;
        let value = if rel.kind() == object::RelocationKind::Relative {
            value.wrapping_sub(off as i64)
        } else {
            value
        };
        match rel.size() {
            32 => data
                .get_mut(off..off + 4)
                .ok_or("reloc out of range")?
                .copy_from_slice(&(value as u32).to_le_bytes()),
            64 => data
                .get_mut(off..off + 8)
                .ok_or("reloc out of range")?
                .copy_from_slice(&(value as u64).to_le_bytes()),
            s => return Err(format!("{name}: relocation of {s} bits")),
        }
    }
    Ok(data)
}

/// The debug sections of an object, relocations applied, by gimli section id.
pub struct Sections(HashMap<gimli::SectionId, Vec<u8>>);

impl Sections {
    /// Loads and relocates every debug section gimli may ask for.
    pub fn load(bytes: &[u8]) -> Result<Sections, String> {
        let file = object::File::parse(bytes).map_err(|e| e.to_string())?;
        let mut map = HashMap::new();
        for id in [
            gimli::SectionId::DebugAbbrev,
            gimli::SectionId::DebugInfo,
            gimli::SectionId::DebugLine,
            gimli::SectionId::DebugLineStr,
            gimli::SectionId::DebugStr,
            gimli::SectionId::DebugRngLists,
            gimli::SectionId::DebugRanges,
            gimli::SectionId::DebugAranges,
            gimli::SectionId::DebugStrOffsets,
            gimli::SectionId::DebugAddr,
            gimli::SectionId::DebugLocLists,
            gimli::SectionId::DebugLoc,
        ] {
            map.insert(id, section_data(&file, id.name())?);
        }
        Ok(Sections(map))
    }

    /// A gimli reader over the sections.
    pub fn dwarf(&self) -> gimli::Dwarf<EndianSlice<'_, LittleEndian>> {
        gimli::Dwarf::load(|id| -> Result<_, ()> {
            Ok(EndianSlice::new(
                self.0.get(&id).map_or(&[][..], |c| c.as_slice()),
                LittleEndian,
            ))
        })
        .unwrap_or_default()
    }
}

pub fn check(bytes: &[u8]) -> Result<Summary, String> {
    let sections = Sections::load(bytes)?;
    let dwarf = sections.dwarf();
    let mut summary = Summary::default();
    let mut units = dwarf.units();
    let mut seen_types: HashSet<(String, String)> = HashSet::new();
    while let Some(header) = units.next().map_err(|e| e.to_string())? {
        let unit = dwarf.unit(header).map_err(|e| e.to_string())?;
        // Pass 1: all DIE offsets and names.
        let mut offsets = HashSet::new();
        let mut names: HashMap<gimli::UnitOffset, (String, gimli::DwTag)> = HashMap::new();
        let mut parents: HashMap<gimli::UnitOffset, gimli::UnitOffset> = HashMap::new();
        let mut stack: Vec<gimli::UnitOffset> = Vec::new();
        let mut root = None;
        let mut entries = unit.entries();
        while let Some(e) = entries.next_dfs().map_err(|e| e.to_string())? {
            root.get_or_insert(e.offset());
            let depth = e.depth();
            stack.truncate(depth.max(0) as usize);
            if let Some(p) = stack.last() {
                parents.insert(e.offset(), *p);
            }
            stack.push(e.offset());
            offsets.insert(e.offset());
            *summary.tags.entry(e.tag().to_string()).or_default() += 1;
            if let Some(attr) = e.attr_value(gimli::DW_AT_name) {
                let s = dwarf.attr_string(&unit, attr).map_err(|e| e.to_string())?;
                names.insert(e.offset(), (s.to_string_lossy().into_owned(), e.tag()));
            }
        }
        // Pass 2: references resolve; named types are unique.
        let mut entries = unit.entries();
        while let Some(e) = entries.next_dfs().map_err(|e| e.to_string())? {
            for attr in e.attrs() {
                if let gimli::AttributeValue::UnitRef(off) = attr.value() {
                    if !offsets.contains(&off) {
                        return Err(format!(
                            "{} of DIE {:?} points to no DIE ({off:?})",
                            attr.name(),
                            e.offset()
                        ));
                    }
                }
            }
            let is_type = matches!(
                e.tag(),
                gimli::DW_TAG_structure_type
                    | gimli::DW_TAG_union_type
                    | gimli::DW_TAG_enumeration_type
                    | gimli::DW_TAG_typedef
                    | gimli::DW_TAG_base_type
            );
            if let (true, Some((name, _))) = (is_type, names.get(&e.offset())) {
                let mut q = name.clone();
                let mut cur = e.offset();
                while let Some(p) = parents.get(&cur) {
                    if let (Some((pn, _)), false) = (names.get(p), Some(*p) == root) {
                        q = format!("{pn}::{q}");
                    }
                    cur = *p;
                }
                let key = (e.tag().to_string(), q);
                if !seen_types.insert(key.clone()) {
                    return Err(format!("{} `{}` is defined more than once", key.0, key.1));
                }
                summary.types.push(key);
            }
        }
        if let Some(program) = unit.line_program.clone() {
            let mut rows = program.rows();
            while rows.next_row().map_err(|e| e.to_string())?.is_some() {
                summary.line_rows += 1;
            }
        }
    }
    Ok(summary)
}
