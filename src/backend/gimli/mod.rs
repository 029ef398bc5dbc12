//! The default backend: DWARF 4/5 built with `gimli::write` and written into
//! x86-64 ELF relocatable objects with `object`.
//!
//! Code addresses are symbol-relative (`Address::Symbol`), so every address
//! and every cross-section offset becomes a relocation in the object.

#![forbid(unsafe_code)]

mod classes;
mod inline;
mod lines;
mod object;
mod scopes;
mod types;

use gimli::write::{
    Address, AttributeValue, CieId, CommonInformationEntry, DwarfUnit, FrameDescriptionEntry,
    FrameTable, UnitEntryId,
};
use gimli::{constants, DwTag, Encoding, Format};
use indexmap::IndexSet;
use rustc_hash::FxBuildHasher;

use crate::backend::{
    Backend, BlockIdx, BlockParent, CodeInfo, CompileUnitInfo, CompositeBody, CompositeInfo,
    DeclSite, EnumInfo, FileIdx, FunctionIdx, FunctionInfo, GlobalIdx, GlobalInfo, NamespaceIdx,
    ParentScope, TypeIdx, TypedefInfo, VarIdx, VarLocation, VariableInfo,
};
use crate::desc::{BaseEncoding, PointerKind, Qualifier};
use crate::error::{err, Error, ErrorKind, Result};
use crate::locations::LocationRange;

pub use object::DwarfObject;

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
    /// Gets `DW_TAG_unspecified_parameters` after its other children when
    /// the unit is finished (its parameters are declared after it).
    variadic: bool,
}

/// The gimli backend. Create it, give it to
/// [`DebugContext::new`](crate::DebugContext::new), and get a
/// [`DwarfObject`] from [`DebugContext::finish`](crate::DebugContext::finish).
///
/// ```
/// use dwarfsmith::{CompileUnit, DebugContext, FrameSection, GimliBackend, GimliOptions};
/// let backend = GimliBackend::new(GimliOptions {
///     dwarf_version: 4,
///     frame_section: FrameSection::DebugFrame,
///     ..GimliOptions::default()
/// })?;
/// let cx = DebugContext::new(backend, &CompileUnit::new("a.c", "/src"))?;
/// let dwarf = cx.finish()?;
/// assert!(dwarf.section_sizes().iter().any(|(name, _)| *name == ".debug_info"));
/// # Ok::<(), dwarfsmith::Error>(())
/// ```
pub struct GimliBackend {
    opts: GimliOptions,
    encoding: Encoding,
    dwarf: DwarfUnit,
    files: Vec<gimli::write::FileId>,
    namespaces: Vec<UnitEntryId>,
    types: Vec<UnitEntryId>,
    /// The `void` type: its slot in `types` holds the root, never written.
    void: Option<TypeIdx>,
    functions: Vec<FuncState>,
    blocks: Vec<(UnitEntryId, FunctionIdx)>,
    vars: Vec<UnitEntryId>,
    symbols: IndexSet<String, FxBuildHasher>,
    frames: FrameTable,
    cie: Option<CieId>,
    /// Symbols that have an FDE (one each: two overlap in `.eh_frame_hdr`).
    fde_symbols: rustc_hash::FxHashSet<usize>,
    /// For each block: the inlined function whose copy it is in.
    block_inlined: Vec<Option<FunctionIdx>>,
    /// Abstract instances of inlined functions.
    abstracts: rustc_hash::FxHashMap<FunctionIdx, inline::Abstract>,
    /// Method declaration DIEs per class (for `DW_AT_specification`).
    methods: rustc_hash::FxHashMap<TypeIdx, Vec<UnitEntryId>>,
    /// Composites whose stub is written and completion is not.
    incomplete: rustc_hash::FxHashSet<TypeIdx>,
    /// Typedefs nested in an incomplete composite, by composite: written
    /// at its completion, in its declared order (see `types.rs`).
    deferred: rustc_hash::FxHashMap<TypeIdx, Vec<types::DeferredTypedef>>,
    /// Symbols whose function got its code (one function each: two would
    /// give overlapping address ranges).
    code_symbols: rustc_hash::FxHashSet<usize>,
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
            void: None,
            functions: Vec::new(),
            blocks: Vec::new(),
            vars: Vec::new(),
            symbols: IndexSet::default(),
            frames: FrameTable::default(),
            cie: None,
            fde_symbols: Default::default(),
            code_symbols: Default::default(),
            methods: Default::default(),
            incomplete: Default::default(),
            deferred: Default::default(),
            block_inlined: Vec::new(),
            abstracts: Default::default(),
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

    fn add(&mut self, parent: UnitEntryId, tag: DwTag) -> UnitEntryId {
        self.dwarf.unit.add(parent, tag)
    }

    fn set(&mut self, die: UnitEntryId, at: constants::DwAt, v: AttributeValue) {
        self.dwarf.unit.get_mut(die).set(at, v);
    }

    fn set_name(&mut self, die: UnitEntryId, name: &str) {
        if !name.is_empty() {
            let s = self.dwarf.strings.add(name);
            self.set(die, constants::DW_AT_name, AttributeValue::StringRef(s));
        }
    }

    fn set_decl(&mut self, die: UnitEntryId, decl: Option<DeclSite>) -> Result<()> {
        if let Some(DeclSite { file, line }) = decl {
            let f = self
                .files
                .get(file.index())
                .copied()
                .ok_or_else(|| missing("file", file))?;
            self.set(
                die,
                constants::DW_AT_decl_file,
                AttributeValue::FileIndex(Some(f)),
            );
            self.set(
                die,
                constants::DW_AT_decl_line,
                AttributeValue::Udata(line.into()),
            );
        }
        Ok(())
    }
}

pub(super) fn missing(what: &str, i: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorKind::ForeignHandle,
        format!("gimli backend: {what} {i} was never announced"),
    )
}

/// Entry `i` of a table of DIEs indexed by a typed index.
pub(super) fn get<I: Copy + std::fmt::Display + Into<usize>>(
    v: &[UnitEntryId],
    what: &str,
    i: I,
) -> Result<UnitEntryId> {
    v.get(i.into()).copied().ok_or_else(|| missing(what, i))
}

impl Backend for GimliBackend {
    type Output = DwarfObject;

    fn tracks_current_location(&self) -> bool {
        false
    }

    fn needs_function_code(&self) -> bool {
        true
    }

    fn address_size(&self) -> u8 {
        self.encoding.address_size
    }

    fn begin(&mut self, cu: &CompileUnitInfo<'_>) -> Result<()> {
        let comp_dir: &[u8] = if cu.comp_dir.is_empty() {
            b"."
        } else {
            cu.comp_dir
        };
        self.begin_line_program(cu.name, comp_dir);
        self.add_unit_die(cu, comp_dir)
    }

    fn file(
        &mut self,
        file: FileIdx,
        dir: &[u8],
        name: &[u8],
        md5: Option<[u8; 16]>,
    ) -> Result<()> {
        self.add_file(file, dir, name, md5)
    }

    fn namespace(
        &mut self,
        ns: NamespaceIdx,
        parent: ParentScope,
        name: &str,
        inline: bool,
    ) -> Result<()> {
        self.add_namespace(ns, parent, name, inline)
    }

    fn base_type(&mut self, t: TypeIdx, name: &str, size: u64, enc: BaseEncoding) -> Result<()> {
        self.add_base_type(t, name, size, enc)
    }

    fn void_type(&mut self, t: TypeIdx) -> Result<()> {
        self.add_void_type(t)
    }

    fn unspecified_type(&mut self, t: TypeIdx, name: &str) -> Result<()> {
        self.add_unspecified_type(t, name)
    }

    fn pointer_type(
        &mut self,
        t: TypeIdx,
        pointee: TypeIdx,
        size: u64,
        kind: PointerKind,
        name: Option<&str>,
    ) -> Result<()> {
        self.add_pointer_type(t, pointee, size, kind, name)
    }

    fn ptr_to_member_type(
        &mut self,
        t: TypeIdx,
        pointee: TypeIdx,
        class: TypeIdx,
        _size: u64,
    ) -> Result<()> {
        self.add_ptr_to_member_type(t, pointee, class)
    }

    fn qualified_type(&mut self, t: TypeIdx, q: Qualifier, target: TypeIdx) -> Result<()> {
        self.add_qualified_type(t, q, target)
    }

    fn array_type(
        &mut self,
        t: TypeIdx,
        elem: TypeIdx,
        dims: &[Option<u64>],
        size: u64,
        align: u32,
    ) -> Result<()> {
        self.add_array_type(t, elem, dims, size, align)
    }

    fn subroutine_type(
        &mut self,
        t: TypeIdx,
        params: &[TypeIdx],
        ret: Option<TypeIdx>,
        variadic: bool,
        artificial: &[usize],
    ) -> Result<()> {
        self.add_subroutine_type(t, params, ret, variadic, artificial)
    }

    fn typedef(&mut self, t: TypeIdx, info: &TypedefInfo<'_>) -> Result<()> {
        self.add_typedef(t, info)
    }

    fn composite_stub(&mut self, t: TypeIdx, info: &CompositeInfo<'_>) -> Result<()> {
        self.add_composite_stub(t, info)
    }

    fn composite_complete(&mut self, t: TypeIdx, body: &CompositeBody<'_>) -> Result<()> {
        self.complete_composite(t, body)
    }

    fn enumeration(&mut self, t: TypeIdx, info: &EnumInfo<'_>) -> Result<()> {
        self.add_enumeration(t, info)
    }

    fn function(&mut self, f: FunctionIdx, info: &FunctionInfo<'_>) -> Result<()> {
        self.add_function(f, info)
    }

    fn lexical_block(
        &mut self,
        b: BlockIdx,
        parent: BlockParent,
        file: FileIdx,
        line: u32,
        col: u32,
    ) -> Result<()> {
        self.add_lexical_block(b, parent, file, line, col)
    }

    fn variable(&mut self, v: VarIdx, info: &VariableInfo<'_>) -> Result<()> {
        self.add_variable(v, info)
    }

    fn global(&mut self, g: GlobalIdx, info: &GlobalInfo<'_>) -> Result<()> {
        self.add_global(g, info)
    }

    fn function_code(&mut self, f: FunctionIdx, code: &CodeInfo<'_>) -> Result<()> {
        let symbol = self.functions.get(f.index()).map(|func| func.symbol);
        if let Some(sym) = symbol.filter(|s| self.code_symbols.contains(s)) {
            let name = self.symbols.get_index(sym).map_or("", String::as_str);
            return err(
                ErrorKind::InvalidCode,
                format!(
                    "another function with the symbol `{name}` already has code: each function with code needs a linkage name of its own (two would claim the same addresses)"
                ),
            );
        }
        let low = self.set_code_ranges(f, code)?;
        self.add_line_sequence(low, code)?;
        if let Some(func) = self.functions.get_mut(f.index()) {
            func.size = Some(code.size);
        }
        if let Some(sym) = symbol {
            self.code_symbols.insert(sym);
        }
        Ok(())
    }

    fn variable_location(&mut self, v: VarIdx, loc: VarLocation) -> Result<()> {
        self.set_variable_location(v, loc)
    }

    fn variable_location_list(
        &mut self,
        v: VarIdx,
        f: FunctionIdx,
        ranges: &[LocationRange],
    ) -> Result<()> {
        self.set_location_list(v, f, ranges)
    }

    fn inlined_block(
        &mut self,
        b: BlockIdx,
        parent: BlockParent,
        callee: FunctionIdx,
        call: DeclSite,
        col: u32,
    ) -> Result<()> {
        self.add_inlined_block(b, parent, callee, call, col)
    }

    fn finish(&mut self) -> Result<DwarfObject> {
        self.build_output()
    }
}
