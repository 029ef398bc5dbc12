//! The default backend: DWARF 4/5 built with `gimli::write` and written into
//! x86-64 ELF relocatable objects with `object`.
//!
//! Code addresses are symbol-relative (`Address::Symbol`), so every address
//! and every cross-section offset becomes a relocation in the object.

#![forbid(unsafe_code)]

mod die_helpers;
mod dies;
mod write;

use gimli::write::{
    Address, CieId, CommonInformationEntry, DwarfUnit, FrameDescriptionEntry, FrameTable,
    LineProgram, LineString, UnitEntryId,
};
use gimli::{Encoding, Format, LineEncoding};
use indexmap::IndexSet;
use rustc_hash::FxBuildHasher;

use crate::backend::CompileUnitInfo;
use crate::error::{err, ErrorKind, Result};

pub use write::DwarfObject;

/// Where call-frame information goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FrameSection {
    /// `.eh_frame` with pc-relative FDE addresses (links into PIE without
    /// text relocations; what unwinders and debuggers both read).
    #[default]
    EhFrame,
    /// `.debug_frame`.
    DebugFrame,
}

/// Options of the gimli backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GimliOptions {
    /// DWARF version: 4 or 5.
    pub dwarf_version: u16,
    /// Section for call-frame information.
    pub frame_section: FrameSection,
}

impl Default for GimliOptions {
    fn default() -> Self {
        GimliOptions {
            dwarf_version: 5,
            frame_section: FrameSection::EhFrame,
        }
    }
}

struct FuncState {
    die: UnitEntryId,
    symbol: usize,
    size: Option<u64>,
}

/// The gimli backend. Create it, give it to
/// [`DebugContext::new`](crate::DebugContext::new), and get a
/// [`DwarfObject`] from [`DebugContext::finish`](crate::DebugContext::finish).
pub struct GimliBackend {
    opts: GimliOptions,
    encoding: Encoding,
    dwarf: DwarfUnit,
    files: Vec<gimli::write::FileId>,
    namespaces: Vec<UnitEntryId>,
    types: Vec<UnitEntryId>,
    functions: Vec<FuncState>,
    blocks: Vec<(UnitEntryId, usize)>,
    vars: Vec<UnitEntryId>,
    symbols: IndexSet<String, FxBuildHasher>,
    frames: FrameTable,
    cie: Option<CieId>,
    /// Symbols that have an FDE (one each: two overlap in `.eh_frame_hdr`).
    fde_symbols: rustc_hash::FxHashSet<usize>,
    array_index_type: Option<UnitEntryId>,
}

impl GimliBackend {
    /// A backend writing DWARF `opts.dwarf_version` (4 or 5).
    pub fn new(opts: GimliOptions) -> Result<Self> {
        if !(4..=5).contains(&opts.dwarf_version) {
            return err(
                ErrorKind::Unsupported,
                format!(
                    "DWARF version {} is not supported: use 4 or 5",
                    opts.dwarf_version
                ),
            );
        }
        let encoding = Encoding {
            format: Format::Dwarf32,
            version: opts.dwarf_version,
            address_size: 8,
        };
        Ok(GimliBackend {
            opts,
            encoding,
            dwarf: DwarfUnit::new(encoding),
            files: Vec::new(),
            namespaces: Vec::new(),
            types: Vec::new(),
            functions: Vec::new(),
            blocks: Vec::new(),
            vars: Vec::new(),
            symbols: IndexSet::default(),
            frames: FrameTable::default(),
            cie: None,
            fde_symbols: Default::default(),
            array_index_type: None,
        })
    }

    /// The options this backend was made with.
    pub fn options(&self) -> GimliOptions {
        self.opts
    }

    /// The symbol (linkage name) of function `f`, by its dense index.
    #[cfg_attr(not(feature = "cranelift"), allow(dead_code))]
    pub(crate) fn function_symbol(&self, f: u32) -> Option<&str> {
        let func = self.functions.get(f as usize)?;
        self.symbols.get_index(func.symbol).map(String::as_str)
    }

    fn symbol(&mut self, name: &str) -> usize {
        self.symbols.insert_full(name.to_owned()).0
    }

    /// Sets the common information entry for all FDEs (Cranelift:
    /// `isa.create_systemv_cie()`). For `.eh_frame` the FDE address encoding
    /// is made pc-relative.
    pub fn set_cie(&mut self, mut cie: CommonInformationEntry) -> Result<()> {
        if self.cie.is_some() {
            return err(
                ErrorKind::InvalidCode,
                "set_cie was already called: one CIE serves every function",
            );
        }
        if self.opts.frame_section == FrameSection::EhFrame {
            cie.fde_address_encoding = gimli::DW_EH_PE_pcrel | gimli::DW_EH_PE_sdata4;
        }
        self.cie = Some(self.frames.add_cie(cie));
        Ok(())
    }

    /// Adds the frame description of the function whose symbol is
    /// `symbol`; `make` gets the function's start address (Cranelift:
    /// `|a| unwind_info.to_fde(a)`).
    pub fn add_fde(
        &mut self,
        symbol: &str,
        make: impl FnOnce(Address) -> FrameDescriptionEntry,
    ) -> Result<()> {
        let cie = self.check_fde(symbol)?;
        let s = self.symbol(symbol);
        let fde = make(Address::Symbol {
            symbol: s,
            addend: 0,
        });
        self.frames.add_fde(cie, fde);
        self.fde_symbols.insert(s);
        Ok(())
    }

    /// What [`add_fde`](Self::add_fde) checks before it adds anything: a CIE
    /// was set, `symbol` is a usable name without an FDE yet. Returns the CIE.
    pub(crate) fn check_fde(&self, symbol: &str) -> Result<CieId> {
        let Some(cie) = self.cie else {
            return err(
                ErrorKind::InvalidCode,
                "add_fde before set_cie: give the backend the CIE first",
            );
        };
        if symbol.is_empty() || symbol.contains('\0') {
            return err(
                ErrorKind::InvalidName,
                "FDE symbol names must be non-empty and free of NUL bytes",
            );
        }
        let has_fde = self
            .symbols
            .get_index_of(symbol)
            .is_some_and(|i| self.fde_symbols.contains(&i));
        if has_fde {
            return err(
                ErrorKind::InvalidCode,
                format!("add_fde was already called for `{symbol}`: a function has one FDE (two would overlap in the linker's .eh_frame_hdr); call it once per function symbol"),
            );
        }
        Ok(cie)
    }

    fn line_string(&mut self, bytes: &[u8]) -> LineString {
        if self.encoding.version >= 5 {
            LineString::LineStringRef(self.dwarf.line_strings.add(bytes))
        } else {
            LineString::String(bytes.to_vec())
        }
    }

    fn begin_unit(&mut self, cu: &CompileUnitInfo<'_>) -> Result<()> {
        let comp_dir: &[u8] = if cu.comp_dir.is_empty() {
            b"."
        } else {
            cu.comp_dir
        };
        let wd = self.line_string(comp_dir);
        let file = self.line_string(cu.name);
        self.dwarf.unit.line_program =
            LineProgram::new(self.encoding, LineEncoding::default(), wd, None, file, None);
        self.dies_begin(cu, comp_dir)
    }
}
