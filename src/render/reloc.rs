//! Loading DWARF sections out of an object file, with relocations applied.
//!
//! A relocatable object (`.o`) usually stores zeros (or only an implicit
//! addend) in the places of its debug sections that refer to other sections:
//! `.debug_info` refers to `.debug_str`, `.debug_line`, `.debug_abbrev` and to
//! code addresses through `R_X86_64_32`/`R_X86_64_64` relocations against
//! section symbols. The linker would patch those places; since we read the
//! object directly we patch them ourselves, on a private copy of each section.
//!
//! The value written is `S + A` for absolute relocations and `S + A - P` for
//! PC-relative ones, where `S` is the target symbol's value (0 for a section
//! symbol in a `.o`), `A` the addend (explicit for RELA, read from the place for
//! REL) and `P` the place's address (section address + offset). Linked
//! executables carry no relocations for their debug sections, so their
//! sections are used as they are.

#![forbid(unsafe_code)]

use std::collections::BTreeMap;

use object::{Object, ObjectSection, ObjectSymbol, RelocationKind, RelocationTarget};

use super::RenderError;

/// The section data of interest, after relocation, keyed by section name.
pub(crate) struct Sections {
    data: BTreeMap<&'static str, Vec<u8>>,
    /// Whether the object is little-endian.
    pub little_endian: bool,
    /// The address size of the object (4 or 8 bytes).
    pub address_size: u8,
}

impl Sections {
    /// The data of the named section, or an empty slice when it is absent.
    pub fn get(&self, name: &str) -> &[u8] {
        self.data.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Whether the named section was present in the object.
    pub fn has(&self, name: &str) -> bool {
        self.data.contains_key(name)
    }
}

/// How one relocation type is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Apply {
    /// Write `S + A` into a place of the given number of bytes.
    Absolute(usize),
    /// Write `S + A - P` into a place of the given number of bytes.
    Relative(usize),
    /// Leave the place alone (a relocation type we do not understand).
    Skip,
}

/// Section names loaded from the object: every DWARF section gimli reads,
/// plus the two call frame sections.
fn wanted_sections() -> Vec<&'static str> {
    use gimli::SectionId::*;
    let ids = [
        DebugAbbrev,
        DebugAddr,
        DebugAranges,
        DebugFrame,
        EhFrame,
        DebugInfo,
        DebugLine,
        DebugLineStr,
        DebugLoc,
        DebugLocLists,
        DebugMacinfo,
        DebugMacro,
        DebugRanges,
        DebugRngLists,
        DebugStr,
        DebugStrOffsets,
        DebugTypes,
    ];
    ids.iter().map(|id| id.name()).collect()
}

/// Parses `bytes` as an object file and returns its debug sections with all
/// supported relocations applied.
///
/// A relocatable object may hold several sections of the same name (gcc and
/// clang put each type unit of `-fdebug-types-section` in its own COMDAT
/// `.debug_info` or `.debug_types` section). Like a linker, we concatenate
/// them in section-table order; a symbol defined in one of the pieces then
/// has the piece's offset in the concatenation added to its value.
pub(crate) fn load_sections(bytes: &[u8]) -> Result<Sections, RenderError> {
    let file = object::File::parse(bytes)
        .map_err(|e| RenderError::new(format!("not a readable object file: {e}")))?;
    let is_elf = file.format() == object::BinaryFormat::Elf;
    let arch = file.architecture();
    let mut data: BTreeMap<&'static str, Vec<u8>> = BTreeMap::new();
    // Each loaded piece: its section, the name it is loaded under, and its
    // offset in the concatenated data.
    let mut pieces = Vec::new();
    let mut bases: BTreeMap<usize, u64> = BTreeMap::new();
    let wanted = wanted_sections();
    for section in file.sections() {
        let Ok(section_name) = section.name() else {
            continue;
        };
        let Some(&name) = wanted.iter().find(|w| **w == section_name) else {
            continue;
        };
        let contents = section
            .uncompressed_data()
            .map_err(|e| RenderError::new(format!("section {name}: cannot read data: {e}")))?;
        let buffer = data.entry(name).or_default();
        let base = buffer.len();
        buffer.extend_from_slice(&contents);
        bases.insert(section.index().0, base as u64);
        pieces.push((section, name, base, contents.len()));
    }
    if is_elf {
        let symbols = SymbolValues { file: &file, bases };
        for (section, name, base, len) in &pieces {
            let Some(buffer) = data.get_mut(name) else {
                continue;
            };
            let Some(piece) = buffer.get_mut(*base..*base + *len) else {
                continue;
            };
            apply_relocations(&symbols, section, arch, name, *base as u64, piece)?;
        }
    }
    Ok(Sections {
        data,
        little_endian: file.is_little_endian(),
        address_size: if file.is_64() { 8 } else { 4 },
    })
}

/// Computes relocation symbol values (`S`).
struct SymbolValues<'a, 'data> {
    file: &'a object::File<'data>,
    /// Offsets of the loaded debug section pieces, by section index.
    bases: BTreeMap<usize, u64>,
}

impl SymbolValues<'_, '_> {
    /// The value of the relocation's target, or a message saying why it has
    /// none.
    fn value(&self, target: RelocationTarget) -> Result<u64, String> {
        match target {
            RelocationTarget::Symbol(index) => {
                let symbol = self
                    .file
                    .symbol_by_index(index)
                    .map_err(|e| format!("refers to a bad symbol: {e}"))?;
                let base = symbol
                    .section_index()
                    .and_then(|i| self.bases.get(&i.0))
                    .copied()
                    .unwrap_or(0);
                Ok(symbol.address().wrapping_add(base))
            }
            RelocationTarget::Section(index) => {
                let section = self
                    .file
                    .section_by_index(index)
                    .map_err(|e| format!("refers to a bad section: {e}"))?;
                let base = self.bases.get(&index.0).copied().unwrap_or(0);
                Ok(section.address().wrapping_add(base))
            }
            _ => Ok(0),
        }
    }
}

/// Classifies a relocation: by its ELF type on x86-64, by object's generic
/// kind and size on other architectures.
fn classify(reloc: &object::Relocation, arch: object::Architecture) -> Apply {
    use object::elf;
    if arch == object::Architecture::X86_64 {
        if let object::RelocationFlags::Elf { r_type } = reloc.flags() {
            return match r_type {
                elf::R_X86_64_64 | elf::R_X86_64_DTPOFF64 => Apply::Absolute(8),
                elf::R_X86_64_32 | elf::R_X86_64_32S | elf::R_X86_64_DTPOFF32 => Apply::Absolute(4),
                elf::R_X86_64_PC32 => Apply::Relative(4),
                elf::R_X86_64_PC64 => Apply::Relative(8),
                _ => Apply::Skip,
            };
        }
    }
    let size = match reloc.size() {
        32 => 4,
        64 => 8,
        _ => return Apply::Skip,
    };
    match reloc.kind() {
        RelocationKind::Absolute => Apply::Absolute(size),
        RelocationKind::Relative => Apply::Relative(size),
        _ => Apply::Skip,
    }
}

/// Applies the relocations that target `section` to `contents`, the
/// section's data, which was loaded at `base` within its concatenation.
fn apply_relocations(
    symbols: &SymbolValues,
    section: &object::Section,
    arch: object::Architecture,
    name: &str,
    base: u64,
    contents: &mut [u8],
) -> Result<(), RenderError> {
    let little = symbols.file.is_little_endian();
    let section_address = section.address().wrapping_add(base);
    for (offset, reloc) in section.relocations() {
        let apply = classify(&reloc, arch);
        let (size, relative) = match apply {
            Apply::Absolute(n) => (n, false),
            Apply::Relative(n) => (n, true),
            Apply::Skip => continue,
        };
        let symbol_value = symbols.value(reloc.target()).map_err(|e| {
            RenderError::new(format!(
                "section {name}: relocation at offset {offset:#x} {e}"
            ))
        })?;
        let start = usize::try_from(offset).ok();
        let place = start
            .and_then(|s| s.checked_add(size).map(|end| (s, end)))
            .filter(|&(_, end)| end <= contents.len());
        let Some((start, end)) = place else {
            return Err(RenderError::new(format!(
                "section {name}: relocation at offset {offset:#x} (size {size}) is outside the section ({} bytes)",
                contents.len()
            )));
        };
        let bytes = &mut contents[start..end];
        let addend = if reloc.has_implicit_addend() {
            read_place(bytes, little) as i64
        } else {
            reloc.addend()
        };
        let mut value = symbol_value.wrapping_add(addend as u64);
        if relative {
            value = value.wrapping_sub(section_address.wrapping_add(offset));
        }
        write_place(bytes, value, little);
    }
    Ok(())
}

/// Reads a 4- or 8-byte place; a 4-byte place is sign-extended so that an
/// implicit negative addend keeps its meaning.
fn read_place(bytes: &[u8], little: bool) -> u64 {
    match bytes.len() {
        4 => {
            let mut raw = [0u8; 4];
            raw.copy_from_slice(bytes);
            let v = if little {
                u32::from_le_bytes(raw)
            } else {
                u32::from_be_bytes(raw)
            };
            v as i32 as i64 as u64
        }
        8 => {
            let mut raw = [0u8; 8];
            raw.copy_from_slice(bytes);
            if little {
                u64::from_le_bytes(raw)
            } else {
                u64::from_be_bytes(raw)
            }
        }
        _ => 0,
    }
}

/// Writes the low `bytes.len()` bytes (4 or 8) of `value` into the place.
fn write_place(bytes: &mut [u8], value: u64, little: bool) {
    match bytes.len() {
        4 => {
            let v = value as u32;
            let raw = if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            };
            bytes.copy_from_slice(&raw);
        }
        8 => {
            let raw = if little {
                value.to_le_bytes()
            } else {
                value.to_be_bytes()
            };
            bytes.copy_from_slice(&raw);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_round_trip() {
        let mut buf = [0u8; 4];
        write_place(&mut buf, 0x1234_5678, true);
        assert_eq!(buf, [0x78, 0x56, 0x34, 0x12]);
        assert_eq!(read_place(&buf, true), 0x1234_5678);
        write_place(&mut buf, (-4i64) as u64, false);
        assert_eq!(read_place(&buf, false), (-4i64) as u64);
        let mut buf8 = [0u8; 8];
        write_place(&mut buf8, u64::MAX - 1, true);
        assert_eq!(read_place(&buf8, true), u64::MAX - 1);
    }
}
