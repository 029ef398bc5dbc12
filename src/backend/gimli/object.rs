//! The gimli backend's output: the unit's sections as bytes with
//! relocations (plus `.debug_aranges`, which gimli does not write), and
//! their writing into an `object` ELF file.

#![forbid(unsafe_code)]

use gimli::write::{
    Address, AttributeValue, EndianVec, Range, RangeList, RelocateWriter, Relocation,
    RelocationTarget, Sections, UnitEntryId, Writer,
};
use gimli::{constants, LittleEndian, SectionId};
use object::write::{Object, StandardSection, SymbolId, SymbolSection};
use object::{RelocationEncoding, RelocationFlags, RelocationKind, SectionKind};
use std::sync::atomic::{AtomicBool, Ordering};

use super::{FrameSection, GimliBackend};
use crate::error::{Error, ErrorKind, Result};

fn gimli_err(e: gimli::write::Error) -> Error {
    Error::new(
        ErrorKind::Backend,
        format!("gimli could not write the DWARF: {e}"),
    )
}

fn object_err(e: object::write::Error) -> Error {
    Error::new(
        ErrorKind::Backend,
        format!("object could not write the ELF file: {e}"),
    )
}

/// A section being written, with the relocations it needs.
#[derive(Clone)]
struct RelocSection {
    data: EndianVec<LittleEndian>,
    relocs: Vec<Relocation>,
}

impl RelocateWriter for RelocSection {
    type Writer = EndianVec<LittleEndian>;
    fn writer(&self) -> &Self::Writer {
        &self.data
    }
    fn writer_mut(&mut self) -> &mut Self::Writer {
        &mut self.data
    }
    fn relocate(&mut self, r: Relocation) {
        self.relocs.push(r);
    }
}

/// One finished section.
struct OutSection {
    id: SectionId,
    data: Vec<u8>,
    relocs: Vec<Relocation>,
}

/// The finished DWARF of one compile unit: section bytes plus relocations
/// against symbols (functions, globals) and other sections. Write it into an
/// object that defines those symbols with [`write_into`](Self::write_into).
pub struct DwarfObject {
    sections: Vec<OutSection>,
    symbols: Vec<String>,
    /// (symbol index, code size) of every function with code.
    functions: Vec<(usize, u64)>,
    /// Set by the first `write_into` that changed an object.
    written: AtomicBool,
}

impl GimliBackend {
    pub(super) fn build_output(&mut self) -> Result<DwarfObject> {
        // Taken, so a second call does not add them twice.
        let variadic: Vec<UnitEntryId> = self
            .functions
            .iter_mut()
            .filter_map(|f| std::mem::take(&mut f.variadic).then_some(f.die))
            .collect();
        for die in variadic {
            self.add(die, constants::DW_TAG_unspecified_parameters);
        }
        let funcs: Vec<(usize, u64)> = self
            .functions
            .iter()
            .filter_map(|f| f.size.map(|s| (f.symbol, s)))
            .collect();
        let root = self.dwarf.unit.root();
        // DWARF 4 location and range lists are relative to the unit's base
        // address (its `DW_AT_low_pc`) and gimli writes them with absolute,
        // relocated addresses: the base must be 0, so a DWARF 4 unit always
        // gets `DW_AT_low_pc 0` and `DW_AT_ranges`. (DWARF 5 lists use
        // `DW_RLE/DW_LLE_start_length`, which need no base.)
        let v5 = self.encoding.version >= 5;
        match funcs.as_slice() {
            [] => {}
            [(sym, size)] if v5 => {
                let e = self.dwarf.unit.get_mut(root);
                e.set(
                    constants::DW_AT_low_pc,
                    AttributeValue::Address(Address::Symbol {
                        symbol: *sym,
                        addend: 0,
                    }),
                );
                e.set(constants::DW_AT_high_pc, AttributeValue::Udata(*size));
            }
            many => {
                let list = many
                    .iter()
                    .map(|(s, l)| Range::StartLength {
                        begin: Address::Symbol {
                            symbol: *s,
                            addend: 0,
                        },
                        length: *l,
                    })
                    .collect();
                let id = self.dwarf.unit.ranges.add(RangeList(list));
                let e = self.dwarf.unit.get_mut(root);
                e.set(
                    constants::DW_AT_low_pc,
                    AttributeValue::Address(Address::Constant(0)),
                );
                e.set(constants::DW_AT_ranges, AttributeValue::RangeListRef(id));
            }
        }
        let mut sections = Sections::new(RelocSection {
            data: EndianVec::new(LittleEndian),
            relocs: Vec::new(),
        });
        self.dwarf.write(&mut sections).map_err(gimli_err)?;
        if self.frames.fde_count() > 0 {
            match self.opts.frame_section {
                FrameSection::EhFrame => self.frames.write_eh_frame(&mut sections.eh_frame),
                FrameSection::DebugFrame => {
                    self.frames.write_debug_frame(&mut sections.debug_frame)
                }
            }
            .map_err(gimli_err)?;
        }
        let mut out = Vec::new();
        // Move the buffers out rather than copying them: at this point the
        // DIE tree is still alive, so a copy would add a full output size to
        // the peak memory.
        sections.for_each_mut(|id, s| -> Result<()> {
            if !s.data.slice().is_empty() {
                out.push(OutSection {
                    id,
                    data: s.data.take(),
                    relocs: std::mem::take(&mut s.relocs),
                });
            }
            Ok(())
        })?;
        if !funcs.is_empty() {
            out.push(aranges(&funcs)?);
        }
        Ok(DwarfObject {
            sections: out,
            symbols: self.symbols.iter().cloned().collect(),
            functions: funcs,
            written: AtomicBool::new(false),
        })
    }
}

/// `.debug_aranges`: one set for the unit at `.debug_info` offset 0.
fn aranges(funcs: &[(usize, u64)]) -> Result<OutSection> {
    let mut w = RelocSection {
        data: EndianVec::new(LittleEndian),
        relocs: Vec::new(),
    };
    let res: gimli::write::Result<()> = (|| {
        w.write_u32(0)?; // unit_length, patched below
        w.write_u16(2)?;
        w.write_offset(0, SectionId::DebugInfo, 4)?;
        w.write_u8(8)?;
        w.write_u8(0)?;
        w.write(&[0; 4])?; // pad the 12-byte header to 16 (2 * address size)
        for (sym, len) in funcs {
            w.write_address(
                Address::Symbol {
                    symbol: *sym,
                    addend: 0,
                },
                8,
            )?;
            w.write_u64(*len)?;
        }
        w.write_u64(0)?;
        w.write_u64(0)?;
        let len = (w.len() - 4) as u32;
        w.write_u32_at(0, len)
    })();
    res.map_err(gimli_err)?;
    Ok(OutSection {
        id: SectionId::DebugAranges,
        data: w.data.into_vec(),
        relocs: w.relocs,
    })
}

impl DwarfObject {
    /// The sections and their sizes in bytes, in output order.
    pub fn section_sizes(&self) -> Vec<(&'static str, usize)> {
        self.sections
            .iter()
            .map(|s| (s.id.name(), s.data.len()))
            .collect()
    }

    /// The symbols the debug info refers to (functions and globals).
    pub fn symbols(&self) -> &[String] {
        &self.symbols
    }

    /// The code size the debug info gives the function whose symbol is
    /// `symbol` (`None` for globals and functions without code): the
    /// symbol in the object must be at least that large (one function per
    /// symbol has code: a second is refused by `define_function_code`).
    pub fn code_size(&self, symbol: &str) -> Option<u64> {
        self.functions
            .iter()
            .find(|&&(sym, _)| self.symbols.get(sym).is_some_and(|s| s == symbol))
            .map(|&(_, size)| size)
    }

    /// Each section's id, bytes and relocations, in output order (for the
    /// JIT image builder, which applies the relocations itself).
    #[cfg(feature = "jit")]
    pub(crate) fn raw_sections(&self) -> impl Iterator<Item = (SectionId, &[u8], &[Relocation])> {
        self.sections
            .iter()
            .map(|s| (s.id, s.data.as_slice(), s.relocs.as_slice()))
    }

    /// (symbol index, code size) of every function with code.
    #[cfg(feature = "jit")]
    pub(crate) fn code_symbols(&self) -> &[(usize, u64)] {
        &self.functions
    }

    /// An empty x86-64 little-endian ELF relocatable object.
    pub fn new_elf_object() -> Object<'static> {
        Object::new(
            object::BinaryFormat::Elf,
            object::Architecture::X86_64,
            object::Endianness::Little,
        )
    }

    /// Writes the sections into `obj`, which must define every symbol of
    /// [`symbols`](Self::symbols). Adds an empty `.note.GNU-stack`
    /// (non-executable stack). Call it once: a second call is an error, as
    /// is a function whose code size reaches past its symbol's size or its
    /// section's end, and `.eh_frame` data already in the object when this
    /// writes `.eh_frame` (the object is unchanged then).
    pub fn write_into(&self, obj: &mut Object<'_>) -> Result<()> {
        if self.written.load(Ordering::Relaxed) {
            return Err(Error::new(
                ErrorKind::InvalidCode,
                "write_into was already called on this DwarfObject: its sections go into one object once (a second copy duplicates .debug_info and the FDEs); finish another DebugContext for another object",
            ));
        }
        // Only symbols the sections relocate against (and functions with
        // code) must exist: a function without code (every call inlined)
        // needs no symbol.
        let mut used = vec![false; self.symbols.len()];
        for s in &self.sections {
            for r in &s.relocs {
                if let RelocationTarget::Symbol(i) = r.target {
                    if let Some(u) = used.get_mut(i) {
                        *u = true;
                    }
                }
            }
        }
        for &(sym, _) in &self.functions {
            if let Some(u) = used.get_mut(sym) {
                *u = true;
            }
        }
        let mut syms = Vec::with_capacity(self.symbols.len());
        for (s, used) in self.symbols.iter().zip(used) {
            match obj.symbol_id(s.as_bytes()) {
                Some(id) => syms.push(Some(id)),
                None if !used => syms.push(None),
                None => {
                    return Err(Error::new(
                        ErrorKind::Backend,
                        format!("symbol `{s}` is referenced by the debug info but not defined in the object: add the function's or global's symbol before writing the DWARF"),
                    ))
                }
            }
        }
        for &(sym, size) in &self.functions {
            check_code_size(obj, sym_at(&syms, sym)?, size)?;
        }
        if self.sections.iter().any(|s| s.id == SectionId::EhFrame) {
            // Creates the (empty) section when missing: it is written below.
            let eh = obj.section_id(StandardSection::EhFrame);
            if !obj.section(eh).data().is_empty() {
                return Err(Error::new(
                    ErrorKind::InvalidCode,
                    "the object already has .eh_frame data (cranelift-object writes its own when ObjectBuilder::unwind_info is on): turn that off, or use FrameSection::DebugFrame, so each function has one FDE",
                ));
            }
        }
        self.written.store(true, Ordering::Relaxed);
        let mut placed = Vec::with_capacity(self.sections.len());
        for s in &self.sections {
            let (sid, align) = if s.id == SectionId::EhFrame {
                (obj.section_id(StandardSection::EhFrame), 8)
            } else {
                (
                    obj.add_section(
                        Vec::new(),
                        s.id.name().as_bytes().to_vec(),
                        SectionKind::Debug,
                    ),
                    1,
                )
            };
            let base = obj.append_section_data(sid, &s.data, align);
            placed.push((s.id, sid, base));
        }
        for (s, &(_, sid, base)) in self.sections.iter().zip(&placed) {
            for r in &s.relocs {
                let (symbol, addend) = match r.target {
                    RelocationTarget::Symbol(i) => (sym_at(&syms, i)?, r.addend),
                    RelocationTarget::Section(target) => {
                        let Some(&(_, tsid, tbase)) = placed.iter().find(|p| p.0 == target) else {
                            return Err(Error::new(
                                ErrorKind::Backend,
                                format!(
                                    "internal: relocation against missing section {}",
                                    target.name()
                                ),
                            ));
                        };
                        (obj.section_symbol(tsid), r.addend + tbase as i64)
                    }
                };
                let pcrel = r
                    .eh_pe
                    .is_some_and(|pe| pe.application() == gimli::DW_EH_PE_pcrel);
                let kind = if pcrel {
                    RelocationKind::Relative
                } else {
                    RelocationKind::Absolute
                };
                obj.add_relocation(
                    sid,
                    object::write::Relocation {
                        offset: base + r.offset as u64,
                        symbol,
                        addend,
                        flags: RelocationFlags::Generic {
                            kind,
                            encoding: RelocationEncoding::Generic,
                            size: r.size * 8,
                        },
                    },
                )
                .map_err(object_err)?;
            }
        }
        obj.add_section(
            Vec::new(),
            b".note.GNU-stack".to_vec(),
            SectionKind::Elf(object::elf::SHT_PROGBITS),
        );
        Ok(())
    }
}

/// A function's code size must fit in its symbol (when the object gives the
/// symbol a size) and in its section: otherwise its address ranges overlap
/// the next function's.
fn check_code_size(obj: &Object<'_>, id: SymbolId, size: u64) -> Result<()> {
    let sym = obj.symbol(id);
    let name = String::from_utf8_lossy(&sym.name);
    if sym.size != 0 && size > sym.size {
        return Err(Error::new(
            ErrorKind::InvalidCode,
            format!("the debug info gives `{name}` {size} bytes of code but its symbol in the object has {} bytes: pass define_function_code the function's own code size", sym.size),
        ));
    }
    if let SymbolSection::Section(sec) = sym.section {
        let section = obj.section(sec);
        let len = section.data().len() as u64;
        if !section.is_bss() && sym.value.checked_add(size).is_none_or(|end| end > len) {
            return Err(Error::new(
                ErrorKind::InvalidCode,
                format!("the debug info gives `{name}` {size} bytes of code from offset {} but its section has only {len} bytes: pass define_function_code the function's own code size, and add the code to the object before writing the DWARF", sym.value),
            ));
        }
    }
    Ok(())
}

fn sym_at(syms: &[Option<SymbolId>], i: usize) -> Result<SymbolId> {
    syms.get(i).copied().flatten().ok_or_else(|| {
        Error::new(
            ErrorKind::Backend,
            format!("internal: relocation against unknown symbol #{i}"),
        )
    })
}
