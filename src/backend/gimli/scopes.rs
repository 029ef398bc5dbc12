//! The gimli backend's scope DIEs: the compile unit, namespaces,
//! subprograms (with their code ranges), lexical blocks, parameters and
//! locals (with their locations) and globals.

#![forbid(unsafe_code)]

use gimli::constants;
use gimli::write::{Address, AttributeValue, Expression, Range, RangeList, UnitEntryId};

use super::{get, missing, FuncState, GimliBackend};
use crate::backend::{
    BlockIdx, BlockParent, CodeInfo, CompileUnitInfo, FileIdx, FunctionIdx, FunctionInfo,
    GlobalIdx, GlobalInfo, NamespaceIdx, ParentScope, VarIdx, VarLocation, VariableInfo,
};
use crate::error::{err, ErrorKind, Result};

impl GimliBackend {
    pub(super) fn add_unit_die(&mut self, cu: &CompileUnitInfo<'_>, comp_dir: &[u8]) -> Result<()> {
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

    pub(super) fn add_namespace(
        &mut self,
        ns: NamespaceIdx,
        parent: ParentScope,
        name: &str,
        inline: bool,
    ) -> Result<()> {
        if ns.index() != self.namespaces.len() {
            return err(
                ErrorKind::InvalidCode,
                "gimli backend: namespaces announced out of order",
            );
        }
        let p = self.parent_die(parent)?;
        let die = self.add(p, constants::DW_TAG_namespace);
        self.set_name(die, name);
        if inline {
            self.set(
                die,
                constants::DW_AT_export_symbols,
                AttributeValue::Flag(true),
            );
        }
        self.namespaces.push(die);
        Ok(())
    }

    pub(super) fn add_function(&mut self, f: FunctionIdx, info: &FunctionInfo<'_>) -> Result<()> {
        if f.index() != self.functions.len() {
            return err(
                ErrorKind::InvalidCode,
                "gimli backend: functions announced out of order",
            );
        }
        let die = match info.specification {
            // A member function's definition: at the unit level, pointing at
            // its declaration in the class, which holds the name and type.
            Some((class, index)) => {
                let decl = self.method_die(class, index)?;
                let root = self.dwarf.unit.root();
                let die = self.add(root, constants::DW_TAG_subprogram);
                self.set(
                    die,
                    constants::DW_AT_specification,
                    AttributeValue::UnitRef(decl),
                );
                self.set_decl(die, Some(info.decl))?;
                die
            }
            None => {
                let p = self.parent_die(info.scope)?;
                let die = self.add(p, constants::DW_TAG_subprogram);
                self.set_name(die, info.name);
                if info.linkage_name != info.name {
                    let s = self.dwarf.strings.add(info.linkage_name);
                    self.set(
                        die,
                        constants::DW_AT_linkage_name,
                        AttributeValue::StringRef(s),
                    );
                }
                self.set_decl(die, Some(info.decl))?;
                if let Some(r) = info.ret {
                    let r = self.type_ref(r)?;
                    self.set(die, constants::DW_AT_type, r);
                }
                self.set(die, constants::DW_AT_prototyped, AttributeValue::Flag(true));
                if info.external {
                    self.set(die, constants::DW_AT_external, AttributeValue::Flag(true));
                }
                die
            }
        };
        let mut fb = Expression::new();
        fb.op(constants::DW_OP_call_frame_cfa);
        self.set(
            die,
            constants::DW_AT_frame_base,
            AttributeValue::Exprloc(fb),
        );
        let symbol = self.symbol(info.linkage_name);
        self.functions.push(FuncState {
            die,
            symbol,
            size: None,
            variadic: info.variadic,
        });
        Ok(())
    }

    pub(super) fn add_lexical_block(
        &mut self,
        b: BlockIdx,
        parent: BlockParent,
        _file: FileIdx,
        _line: u32,
        _col: u32,
    ) -> Result<()> {
        if b.index() != self.blocks.len() {
            return err(
                ErrorKind::InvalidCode,
                "gimli backend: blocks announced out of order",
            );
        }
        let p = self.block_parent_die(parent)?;
        let func = self.block_function(parent);
        let die = self.add(p, constants::DW_TAG_lexical_block);
        self.blocks.push((die, func));
        let inlined = self.inlined_in(parent);
        self.block_inlined.push(inlined);
        Ok(())
    }

    pub(super) fn add_variable(&mut self, v: VarIdx, info: &VariableInfo<'_>) -> Result<()> {
        if v.index() != self.vars.len() {
            return err(
                ErrorKind::InvalidCode,
                "gimli backend: variables announced out of order",
            );
        }
        let p = self.block_parent_die(info.scope)?;
        let tag = if info.arg_no.is_some() {
            constants::DW_TAG_formal_parameter
        } else {
            constants::DW_TAG_variable
        };
        if let Some(callee) = self.inlined_in(info.scope) {
            let die = self.add_inlined_variable(callee, p, tag, info)?;
            self.vars.push(die);
            return Ok(());
        }
        let die = self.add(p, tag);
        self.set_name(die, info.name);
        self.set_decl(die, Some(info.decl))?;
        if info.col > 0 {
            self.set(
                die,
                constants::DW_AT_decl_column,
                AttributeValue::Udata(info.col.into()),
            );
        }
        let ty = self.type_ref(info.ty)?;
        self.set(die, constants::DW_AT_type, ty);
        if info.artificial {
            self.set(die, constants::DW_AT_artificial, AttributeValue::Flag(true));
            if info.arg_no.is_some() {
                if let Some(f) = self.functions.get(info.function.index()) {
                    let fdie = f.die;
                    self.set(
                        fdie,
                        constants::DW_AT_object_pointer,
                        AttributeValue::UnitRef(die),
                    );
                }
            }
        }
        self.vars.push(die);
        Ok(())
    }

    pub(super) fn add_global(&mut self, _g: GlobalIdx, info: &GlobalInfo<'_>) -> Result<()> {
        let p = self.parent_die(info.scope)?;
        let die = self.add(p, constants::DW_TAG_variable);
        self.set_name(die, info.name);
        if info.linkage_name != info.name {
            let s = self.dwarf.strings.add(info.linkage_name);
            self.set(
                die,
                constants::DW_AT_linkage_name,
                AttributeValue::StringRef(s),
            );
        }
        let ty = self.type_ref(info.ty)?;
        self.set(die, constants::DW_AT_type, ty);
        self.set_decl(die, Some(info.decl))?;
        if info.external {
            self.set(die, constants::DW_AT_external, AttributeValue::Flag(true));
        }
        let symbol = self.symbol(info.linkage_name);
        let mut loc = Expression::new();
        loc.op_addr(Address::Symbol { symbol, addend: 0 });
        self.set(die, constants::DW_AT_location, AttributeValue::Exprloc(loc));
        Ok(())
    }

    pub(super) fn set_variable_location(&mut self, v: VarIdx, loc: VarLocation) -> Result<()> {
        let die = get(&self.vars, "variable", v)?;
        let mut e = Expression::new();
        match loc {
            VarLocation::FrameOffset(off) => e.op_fbreg(off),
            VarLocation::Register(r) => e.op_reg(gimli::Register(r)),
        }
        self.set(die, constants::DW_AT_location, AttributeValue::Exprloc(e));
        Ok(())
    }

    /// The function's `low_pc`/`high_pc` and its blocks' ranges; returns the
    /// function's start address.
    pub(super) fn set_code_ranges(
        &mut self,
        f: FunctionIdx,
        code: &CodeInfo<'_>,
    ) -> Result<Address> {
        let func = self
            .functions
            .get(f.index())
            .ok_or_else(|| missing("function", f))?;
        let (die, symbol) = (func.die, func.symbol);
        let low = Address::Symbol { symbol, addend: 0 };
        self.set(die, constants::DW_AT_low_pc, AttributeValue::Address(low));
        self.set(
            die,
            constants::DW_AT_high_pc,
            AttributeValue::Udata(code.size),
        );
        for (b, ranges) in code.block_ranges {
            let bd = self
                .blocks
                .get(b.index())
                .map(|x| x.0)
                .ok_or_else(|| missing("block", *b))?;
            self.set_ranges(bd, f, ranges)?;
        }
        Ok(low)
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

    fn set_ranges(
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
