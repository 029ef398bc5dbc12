//! Helpers of the gimli backend's DIE construction: attribute setters,
//! parent and reference lookups, code addresses and ranges.

#![forbid(unsafe_code)]

use gimli::write::{Address, AttributeValue, Range, RangeList, UnitEntryId};
use gimli::{constants, DwTag};

use super::GimliBackend;
use crate::backend::{
    BlockParent, CompileUnitInfo, DeclSite, FunctionIdx, MemberInfo, ParentScope, TypeIdx,
};
use crate::desc::BaseEncoding;
use crate::error::{err, Error, ErrorKind, Result};

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

impl GimliBackend {
    pub(super) fn dies_begin(&mut self, cu: &CompileUnitInfo<'_>, comp_dir: &[u8]) -> Result<()> {
        let producer = self.dwarf.strings.add(cu.producer);
        let name = self.dwarf.strings.add(cu.name);
        let dir = self.dwarf.strings.add(comp_dir);
        let root = self.dwarf.unit.root();
        let e = self.dwarf.unit.get_mut(root);
        e.set(
            constants::DW_AT_producer,
            AttributeValue::StringRef(producer),
        );
        e.set(
            constants::DW_AT_language,
            AttributeValue::Language(constants::DwLang(cu.language.dwarf_code())),
        );
        e.set(constants::DW_AT_name, AttributeValue::StringRef(name));
        e.set(constants::DW_AT_comp_dir, AttributeValue::StringRef(dir));
        e.set(constants::DW_AT_stmt_list, AttributeValue::LineProgramRef);
        Ok(())
    }

    pub(super) fn add(&mut self, parent: UnitEntryId, tag: DwTag) -> UnitEntryId {
        self.dwarf.unit.add(parent, tag)
    }

    pub(super) fn set(&mut self, die: UnitEntryId, at: constants::DwAt, v: AttributeValue) {
        self.dwarf.unit.get_mut(die).set(at, v);
    }

    pub(super) fn set_name(&mut self, die: UnitEntryId, name: &str) {
        if !name.is_empty() {
            let s = self.dwarf.strings.add(name);
            self.set(die, constants::DW_AT_name, AttributeValue::StringRef(s));
        }
    }

    pub(super) fn set_decl(&mut self, die: UnitEntryId, decl: Option<DeclSite>) -> Result<()> {
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

    pub(super) fn parent_die(&self, p: ParentScope) -> Result<UnitEntryId> {
        match p {
            ParentScope::Unit => Ok(self.dwarf.unit.root()),
            ParentScope::Namespace(n) => get(&self.namespaces, "namespace", n),
            ParentScope::Type(t) => get(&self.types, "type", t),
        }
    }

    pub(super) fn block_parent_die(&self, p: BlockParent) -> Result<UnitEntryId> {
        match p {
            BlockParent::Function(f) => self
                .functions
                .get(f.index())
                .map(|f| f.die)
                .ok_or_else(|| missing("function", f)),
            BlockParent::Block(b) => self
                .blocks
                .get(b.index())
                .map(|b| b.0)
                .ok_or_else(|| missing("block", b)),
        }
    }

    pub(super) fn new_type(
        &mut self,
        t: TypeIdx,
        parent: UnitEntryId,
        tag: DwTag,
    ) -> Result<UnitEntryId> {
        if t.index() != self.types.len() {
            return err(
                ErrorKind::InvalidCode,
                format!("gimli backend: type {t} announced out of order"),
            );
        }
        let die = self.add(parent, tag);
        self.types.push(die);
        Ok(die)
    }

    pub(super) fn type_ref(&self, t: TypeIdx) -> Result<AttributeValue> {
        Ok(AttributeValue::UnitRef(get(&self.types, "type", t)?))
    }

    pub(super) fn member(
        &mut self,
        parent: UnitEntryId,
        m: &MemberInfo<'_>,
    ) -> Result<UnitEntryId> {
        let die = self.add(parent, constants::DW_TAG_member);
        self.set_name(die, m.name);
        let ty = self.type_ref(m.ty)?;
        self.set(die, constants::DW_AT_type, ty);
        self.set(
            die,
            constants::DW_AT_data_member_location,
            AttributeValue::Udata(m.offset),
        );
        if m.artificial {
            self.set(die, constants::DW_AT_artificial, AttributeValue::Flag(true));
        }
        Ok(die)
    }

    /// The index type of array subranges (clang's `__ARRAY_SIZE_TYPE__`).
    pub(super) fn array_index_type(&mut self) -> UnitEntryId {
        if let Some(t) = self.array_index_type {
            return t;
        }
        let root = self.dwarf.unit.root();
        let die = self.add(root, constants::DW_TAG_base_type);
        self.set_name(die, "__ARRAY_SIZE_TYPE__");
        self.set(
            die,
            constants::DW_AT_encoding,
            AttributeValue::Encoding(constants::DW_ATE_unsigned),
        );
        self.set(die, constants::DW_AT_byte_size, AttributeValue::Udata(8));
        self.array_index_type = Some(die);
        die
    }

    pub(super) fn code_address(&self, f: FunctionIdx, offset: u64) -> Result<Address> {
        let func = self
            .functions
            .get(f.index())
            .ok_or_else(|| missing("function", f))?;
        Ok(Address::Symbol {
            symbol: func.symbol,
            addend: offset as i64,
        })
    }

    pub(super) fn set_ranges(
        &mut self,
        die: UnitEntryId,
        f: FunctionIdx,
        ranges: &[(u64, u64)],
    ) -> Result<()> {
        match ranges {
            [] => {}
            [(start, end)] => {
                let a = self.code_address(f, *start)?;
                self.set(die, constants::DW_AT_low_pc, AttributeValue::Address(a));
                self.set(
                    die,
                    constants::DW_AT_high_pc,
                    AttributeValue::Udata(end - start),
                );
            }
            _ => {
                let list = ranges
                    .iter()
                    .map(|(s, e)| {
                        Ok(Range::StartLength {
                            begin: self.code_address(f, *s)?,
                            length: e - s,
                        })
                    })
                    .collect::<Result<Vec<Range>>>()?;
                let id = self.dwarf.unit.ranges.add(RangeList(list));
                self.set(
                    die,
                    constants::DW_AT_ranges,
                    AttributeValue::RangeListRef(id),
                );
            }
        }
        Ok(())
    }
}

pub(super) fn encoding(e: BaseEncoding) -> constants::DwAte {
    match e {
        BaseEncoding::Signed => constants::DW_ATE_signed,
        BaseEncoding::Unsigned => constants::DW_ATE_unsigned,
        BaseEncoding::Float => constants::DW_ATE_float,
        BaseEncoding::Boolean => constants::DW_ATE_boolean,
        BaseEncoding::SignedChar => constants::DW_ATE_signed_char,
        BaseEncoding::UnsignedChar => constants::DW_ATE_unsigned_char,
        BaseEncoding::Utf => constants::DW_ATE_UTF,
    }
}
