//! The input: every DIE of an ELF file's `.debug_info`, read once with
//! gimli into a table keyed by its global offset, keeping the attributes
//! the type descriptions need.

use std::collections::HashMap;

use gimli::{constants as dw, AttributeValue, EndianSlice, RunTimeEndian};
use object::{Object, ObjectSection};

/// An attribute value, detached from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Val {
    /// `DW_FORM_data1..8`: a bit pattern of `bytes` bytes.
    Data { v: u64, bytes: u8 },
    /// `DW_FORM_data16`.
    Wide(u128),
    /// `DW_FORM_udata` (and other unsigned forms).
    U(u64),
    /// `DW_FORM_sdata`.
    S(i64),
    /// A reference to another DIE: its global `.debug_info` offset.
    Ref(u64),
    /// A string.
    Str(String),
    /// A flag.
    Flag(bool),
    /// An expression or block.
    Bytes(Vec<u8>),
    /// A form this tool does not read.
    Other,
}

impl Val {
    /// The value as an unsigned number, if it is one.
    pub fn udata(&self) -> Option<u64> {
        match *self {
            Val::Data { v, .. } | Val::U(v) => Some(v),
            Val::S(v) => u64::try_from(v).ok(),
            _ => None,
        }
    }
}

/// One DIE.
#[derive(Debug, Clone)]
pub struct Die {
    /// `DW_TAG_*`.
    pub tag: dw::DwTag,
    /// The enclosing DIE (`None` for a unit DIE).
    pub parent: Option<u64>,
    /// Children in order.
    pub children: Vec<u64>,
    /// The attributes this tool reads.
    pub attrs: Vec<(dw::DwAt, Val)>,
    /// Index of its unit in [`Dies::units`].
    pub unit: u32,
}

impl Die {
    /// An attribute's value.
    pub fn attr(&self, at: dw::DwAt) -> Option<&Val> {
        self.attrs.iter().find(|(a, _)| *a == at).map(|(_, v)| v)
    }

    /// A string attribute.
    pub fn str(&self, at: dw::DwAt) -> Option<&str> {
        match self.attr(at)? {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// `DW_AT_name`.
    pub fn name(&self) -> Option<&str> {
        self.str(dw::DW_AT_name)
    }

    /// An unsigned constant attribute.
    pub fn udata(&self, at: dw::DwAt) -> Option<u64> {
        self.attr(at)?.udata()
    }

    /// A reference attribute.
    pub fn reference(&self, at: dw::DwAt) -> Option<u64> {
        match self.attr(at)? {
            Val::Ref(r) => Some(*r),
            _ => None,
        }
    }

    /// A flag attribute (absent = false).
    pub fn flag(&self, at: dw::DwAt) -> bool {
        matches!(self.attr(at), Some(Val::Flag(true)))
    }
}

/// One compile unit.
#[derive(Debug, Clone)]
pub struct UnitInfo {
    /// `DW_AT_name`.
    pub name: String,
    /// `DW_AT_language`.
    pub language: u16,
    /// `DW_AT_comp_dir`.
    pub comp_dir: String,
}

/// Every DIE of a file.
#[derive(Debug, Default)]
pub struct Dies {
    /// DIEs by global offset.
    pub map: HashMap<u64, Die>,
    /// Offsets in file order.
    pub order: Vec<u64>,
    /// The units.
    pub units: Vec<UnitInfo>,
    /// The DWARF version of the first unit.
    pub version: u16,
}

/// The attributes kept.
const KEPT: &[dw::DwAt] = &[
    dw::DW_AT_name,
    dw::DW_AT_linkage_name,
    dw::DW_AT_MIPS_linkage_name,
    dw::DW_AT_byte_size,
    dw::DW_AT_bit_size,
    dw::DW_AT_data_bit_offset,
    dw::DW_AT_bit_offset,
    dw::DW_AT_data_member_location,
    dw::DW_AT_type,
    dw::DW_AT_encoding,
    dw::DW_AT_count,
    dw::DW_AT_upper_bound,
    dw::DW_AT_lower_bound,
    dw::DW_AT_const_value,
    dw::DW_AT_discr,
    dw::DW_AT_discr_value,
    dw::DW_AT_discr_list,
    dw::DW_AT_declaration,
    dw::DW_AT_artificial,
    dw::DW_AT_accessibility,
    dw::DW_AT_virtuality,
    dw::DW_AT_vtable_elem_location,
    dw::DW_AT_external,
    dw::DW_AT_enum_class,
    dw::DW_AT_alignment,
    dw::DW_AT_containing_type,
    dw::DW_AT_decl_line,
    dw::DW_AT_decl_column,
    dw::DW_AT_specification,
    dw::DW_AT_GNU_vector,
    dw::DW_AT_language,
    dw::DW_AT_comp_dir,
    dw::DW_AT_object_pointer,
    dw::DW_AT_abstract_origin,
    dw::DW_AT_default_value,
    dw::DW_AT_export_symbols,
    dw::DW_AT_explicit,
];

type R<'a> = EndianSlice<'a, RunTimeEndian>;

/// Reads every unit of `data` (an ELF file).
pub fn load(data: &[u8]) -> Result<Dies, String> {
    let file = object::File::parse(data).map_err(|e| format!("not an object file: {e}"))?;
    let endian = if file.is_little_endian() {
        RunTimeEndian::Little
    } else {
        RunTimeEndian::Big
    };
    let sections = gimli::DwarfSections::load(|id| -> Result<_, String> {
        Ok(match file.section_by_name(id.name()) {
            Some(s) => s
                .uncompressed_data()
                .map_err(|e| format!("section {}: {e}", id.name()))?
                .into_owned(),
            None => Vec::new(),
        })
    })?;
    let dwarf = sections.borrow(|s| EndianSlice::new(s, endian));
    let mut out = Dies::default();
    let mut headers = dwarf.units();
    while let Some(header) = headers.next().map_err(|e| format!("unit header: {e}"))? {
        let unit = dwarf.unit(header).map_err(|e| format!("unit: {e}"))?;
        if out.units.is_empty() {
            out.version = unit.header.version();
        }
        read_unit(&dwarf, &unit, &mut out)?;
    }
    Ok(out)
}

fn read_unit(
    dwarf: &gimli::Dwarf<R<'_>>,
    unit: &gimli::Unit<R<'_>>,
    out: &mut Dies,
) -> Result<(), String> {
    let unit_index = out.units.len() as u32;
    let mut stack: Vec<u64> = Vec::new();
    let mut entries = unit.entries();
    let mut info = UnitInfo {
        name: String::new(),
        language: 0,
        comp_dir: String::new(),
    };
    while let Some(entry) = entries.next_dfs().map_err(|e| format!("DIE: {e}"))? {
        let depth = usize::try_from(entry.depth()).map_err(|_| "negative DIE depth".to_string())?;
        stack.truncate(depth);
        let off = entry
            .offset()
            .to_debug_info_offset(&unit.header)
            .map(|o| o.0 as u64)
            .ok_or("DIE outside .debug_info")?;
        let mut attrs = Vec::new();
        for attr in entry.attrs() {
            if !KEPT.contains(&attr.name()) {
                continue;
            }
            attrs.push((attr.name(), value(dwarf, unit, attr.value())));
        }
        let parent = stack.last().copied();
        if let Some(p) = parent {
            if let Some(d) = out.map.get_mut(&p) {
                d.children.push(off);
            }
        }
        let die = Die {
            tag: entry.tag(),
            parent,
            children: Vec::new(),
            attrs,
            unit: unit_index,
        };
        if depth == 0 {
            info.name = die.name().unwrap_or("").to_string();
            info.comp_dir = die.str(dw::DW_AT_comp_dir).unwrap_or("").to_string();
            info.language = die.udata(dw::DW_AT_language).unwrap_or(0) as u16;
        }
        out.map.insert(off, die);
        out.order.push(off);
        stack.push(off);
    }
    out.units.push(info);
    Ok(())
}

fn value(dwarf: &gimli::Dwarf<R<'_>>, unit: &gimli::Unit<R<'_>>, v: AttributeValue<R<'_>>) -> Val {
    match v {
        AttributeValue::Data1(x) => Val::Data {
            v: x.into(),
            bytes: 1,
        },
        AttributeValue::Data2(x) => Val::Data {
            v: x.into(),
            bytes: 2,
        },
        AttributeValue::Data4(x) => Val::Data {
            v: x.into(),
            bytes: 4,
        },
        AttributeValue::Data8(x) => Val::Data { v: x, bytes: 8 },
        AttributeValue::Data16(x) => Val::Wide(x),
        AttributeValue::Udata(x) => Val::U(x),
        AttributeValue::Sdata(x) => Val::S(x),
        AttributeValue::Flag(f) => Val::Flag(f),
        AttributeValue::Language(l) => Val::U(l.0.into()),
        AttributeValue::Encoding(e) => Val::U(e.0.into()),
        AttributeValue::Accessibility(a) => Val::U(a.0.into()),
        AttributeValue::Virtuality(a) => Val::U(a.0.into()),
        AttributeValue::DecimalSign(_) | AttributeValue::Endianity(_) => Val::Other,
        AttributeValue::FileIndex(x) => Val::U(x),
        AttributeValue::UnitRef(r) => match r.to_debug_info_offset(&unit.header) {
            Some(o) => Val::Ref(o.0 as u64),
            None => Val::Other,
        },
        AttributeValue::DebugInfoRef(r) => Val::Ref(r.0 as u64),
        AttributeValue::Exprloc(e) => Val::Bytes(e.0.slice().to_vec()),
        AttributeValue::Block(b) => Val::Bytes(b.slice().to_vec()),
        other => match dwarf.attr_string(unit, other) {
            Ok(s) => Val::Str(String::from_utf8_lossy(s.slice()).into_owned()),
            Err(_) => Val::Other,
        },
    }
}
