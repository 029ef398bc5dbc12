//! Building a JIT image: checking the addresses, merging the units'
//! sections and applying every relocation. The ELF file itself is written
//! by `elf.rs`.

#![forbid(unsafe_code)]

use std::collections::HashMap;

use gimli::write::{Relocation, RelocationTarget};
use gimli::SectionId;

use super::{elf, JitFunction, JitImage, MAX_ADDRESS};
use crate::backend::gimli::DwarfObject;
use crate::error::{err, ErrorKind, Result};

/// A merged debug section: the units' data one after another.
pub(super) struct MergedSection {
    pub id: SectionId,
    pub data: Vec<u8>,
}

/// Where one unit's copy of a section starts in the merged section.
type Bases = HashMap<SectionId, u64>;

/// A global: name, address, size (0: unknown).
pub(super) type DataSymbol = (String, u64, u64);

/// One unit of an image: its debug info and the caller's
/// (symbol, address, size) list.
pub(super) type Unit<'a> = (&'a DwarfObject, Vec<(String, u64, u64)>);

pub(super) fn build(units: &[Unit<'_>]) -> Result<JitImage> {
    if units.is_empty() {
        return err(
            ErrorKind::InvalidCode,
            "the JIT image has no debug info: add at least one DwarfObject with JitImageBuilder::add before build",
        );
    }
    // Each unit's symbol addresses, by the unit's symbol index.
    let mut unit_addrs = Vec::with_capacity(units.len());
    let mut functions = Vec::new();
    let mut data_symbols = Vec::new();
    for (ui, (dwarf, given)) in units.iter().enumerate() {
        let (addrs, sizes) = symbol_addresses(dwarf, given, ui)?;
        let mut is_code = vec![false; addrs.len()];
        for &(sym, size) in dwarf.code_symbols() {
            let (Some(name), Some(&address)) = (dwarf.symbols().get(sym), addrs.get(sym)) else {
                return err(
                    ErrorKind::Backend,
                    "internal: a function's symbol index is out of range",
                );
            };
            if address
                .checked_add(size)
                .is_none_or(|end| end > MAX_ADDRESS)
            {
                return err(
                    ErrorKind::InvalidLocation,
                    format!("function `{name}` at {address:#x} with {size} bytes of code reaches past {MAX_ADDRESS:#x}, the end of the address space: pass the address the JIT gave it"),
                );
            }
            if let Some(c) = is_code.get_mut(sym) {
                *c = true;
            }
            functions.push(JitFunction {
                name: name.clone(),
                address,
                size,
            });
        }
        for (i, name) in dwarf.symbols().iter().enumerate() {
            if !is_code.get(i).copied().unwrap_or(true) {
                let address = addrs.get(i).copied().unwrap_or(0);
                let size = sizes.get(i).copied().unwrap_or(0);
                if address
                    .checked_add(size)
                    .is_none_or(|end| end > MAX_ADDRESS)
                {
                    return err(
                        ErrorKind::InvalidLocation,
                        format!("global `{name}` at {address:#x} with {size} bytes reaches past {MAX_ADDRESS:#x}, the end of the address space: pass the address and size the JIT gave it"),
                    );
                }
                data_symbols.push((name.clone(), address, size));
            }
        }
        unit_addrs.push(addrs);
    }
    functions.sort_by(|a, b| (a.address, &a.name).cmp(&(b.address, &b.name)));
    for pair in functions.windows(2) {
        if let [a, b] = pair {
            if a.address + a.size > b.address {
                return err(
                    ErrorKind::InvalidCode,
                    format!(
                        "the code of `{}` ({:#x}..{:#x}) overlaps the code of `{}` (from {:#x}): give each function the address and size of its own code",
                        a.name, a.address, a.address + a.size, b.name, b.address
                    ),
                );
            }
        }
    }
    data_symbols.sort();
    data_symbols.dedup();
    let (merged, bases) = merge_sections(units)?;
    let mut merged = merged;
    for (((dwarf, _), addrs), bases) in units.iter().zip(&unit_addrs).zip(&bases) {
        for (id, _, relocs) in dwarf.raw_sections() {
            let Some(section) = merged.iter_mut().find(|s| s.id == id) else {
                return err(ErrorKind::Backend, "internal: a merged section is missing");
            };
            let base = bases.get(&id).copied().unwrap_or(0);
            for r in relocs {
                apply(&mut section.data, base, r, addrs, bases)?;
            }
        }
    }
    let bytes = elf::write(&merged, &functions, &data_symbols)?;
    Ok(JitImage { bytes, functions })
}

/// The address and size of each of `dwarf`'s symbols, from the caller's
/// list.
fn symbol_addresses(
    dwarf: &DwarfObject,
    given: &[(String, u64, u64)],
    unit: usize,
) -> Result<(Vec<u64>, Vec<u64>)> {
    let mut map: HashMap<&str, (u64, u64)> = HashMap::with_capacity(given.len());
    for (name, addr, size) in given {
        if let Some((old, _)) = map.insert(name.as_str(), (*addr, *size)) {
            if old != *addr {
                return err(
                    ErrorKind::InvalidCode,
                    format!("symbol `{name}` was given two addresses, {old:#x} and {addr:#x}: pass each symbol's final address once"),
                );
            }
        }
    }
    let addrs = dwarf
        .symbols()
        .iter()
        .map(|name| match map.get(name.as_str()).map(|p| p.0) {
            None => err(
                ErrorKind::InvalidCode,
                format!("symbol `{name}` of unit #{unit} has no address: pass the address the JIT gave every function and global the debug info names (DwarfObject::symbols)"),
            ),
            Some(0) => err(
                ErrorKind::InvalidLocation,
                format!("symbol `{name}` has address 0: pass the address the JIT gave it"),
            ),
            Some(a) if a >= MAX_ADDRESS => err(
                ErrorKind::InvalidLocation,
                format!("symbol `{name}` has address {a:#x}, past {MAX_ADDRESS:#x}, the end of the address space: pass the address the JIT gave it"),
            ),
            Some(a) => Ok(a),
        })
        .collect::<Result<Vec<u64>>>()?;
    let sizes = dwarf
        .symbols()
        .iter()
        .map(|name| map.get(name.as_str()).map_or(0, |p| p.1))
        .collect();
    Ok((addrs, sizes))
}

/// Concatenates each section of all units (in the order the sections first
/// appear); returns the merged sections and each unit's base offsets.
fn merge_sections(units: &[Unit<'_>]) -> Result<(Vec<MergedSection>, Vec<Bases>)> {
    let mut merged: Vec<MergedSection> = Vec::new();
    let mut all_bases = Vec::with_capacity(units.len());
    for (dwarf, _) in units {
        let mut bases = Bases::new();
        for (id, data, _) in dwarf.raw_sections() {
            if id == SectionId::EhFrame {
                return err(
                    ErrorKind::Unsupported,
                    "the debug info was built with FrameSection::EhFrame, whose pc-relative addresses cannot be resolved in a JIT image (its section would need an address within 2 GiB of the code): build the GimliBackend with FrameSection::DebugFrame",
                );
            }
            let section = match merged.iter_mut().find(|s| s.id == id) {
                Some(s) => s,
                None => {
                    merged.push(MergedSection {
                        id,
                        data: Vec::new(),
                    });
                    let Some(s) = merged.last_mut() else {
                        return err(ErrorKind::Backend, "internal: lost a merged section");
                    };
                    s
                }
            };
            // .debug_frame entries are 4-byte aligned; keep every unit's copy so.
            if id == SectionId::DebugFrame {
                while section.data.len() % 8 != 0 {
                    section.data.push(0);
                }
            }
            bases.insert(id, section.data.len() as u64);
            section.data.extend_from_slice(data);
        }
        all_bases.push(bases);
    }
    Ok((merged, all_bases))
}

/// Applies one relocation of a unit whose copy of the section starts at
/// `base` in `data`.
fn apply(data: &mut [u8], base: u64, r: &Relocation, addrs: &[u64], bases: &Bases) -> Result<()> {
    let value: i128 = match r.target {
        RelocationTarget::Symbol(i) => match addrs.get(i) {
            Some(&a) => i128::from(a) + i128::from(r.addend),
            None => {
                return err(
                    ErrorKind::Backend,
                    format!(
                        "a relocation refers to symbol #{i}, which the debug info does not have"
                    ),
                )
            }
        },
        RelocationTarget::Section(id) => match bases.get(&id) {
            Some(&b) => i128::from(b) + i128::from(r.addend),
            None => {
                return err(
                    ErrorKind::Backend,
                    format!(
                        "a relocation refers to section {}, which the debug info does not have",
                        id.name()
                    ),
                )
            }
        },
    };
    if r.eh_pe
        .is_some_and(|pe| pe.application() == gimli::DW_EH_PE_pcrel)
    {
        return err(
            ErrorKind::Unsupported,
            "a pc-relative relocation cannot be resolved in a JIT image: build the GimliBackend with FrameSection::DebugFrame",
        );
    }
    let size = usize::from(r.size);
    let max: i128 = match size {
        1 | 2 | 4 => (1i128 << (8 * size)) - 1,
        8 => i128::from(u64::MAX),
        _ => {
            return err(
                ErrorKind::Backend,
                format!("a relocation of {size} bytes cannot be applied: only 1, 2, 4 and 8"),
            )
        }
    };
    if !(0..=max).contains(&value) {
        return err(
            ErrorKind::Backend,
            format!("a relocation's value {value:#x} does not fit in its {size} bytes"),
        );
    }
    let at = usize::try_from(base)
        .ok()
        .and_then(|b| b.checked_add(r.offset));
    let Some(slot) = at.and_then(|at| data.get_mut(at..at.checked_add(size)?)) else {
        return err(
            ErrorKind::Backend,
            format!(
                "a relocation at offset {} reaches past its section",
                r.offset
            ),
        );
    };
    let bytes = (value as u64).to_le_bytes();
    slot.copy_from_slice(bytes.get(..size).unwrap_or(&[]));
    Ok(())
}
