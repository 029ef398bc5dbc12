//! The gimli backend's optimized-code parts: inlined calls
//! (`DW_TAG_inlined_subroutine` referring to an abstract instance of the
//! callee) and location lists.
//!
//! The abstract instance of an inlined function is a `DW_TAG_subprogram`
//! with `DW_AT_inline` and no code, made at its first inlined call, next to
//! the function's own (out-of-line) DIE, which stays as it is. Variables of
//! an inlined copy refer to the abstract instance's variable of the same
//! name and argument number (made on first use) through
//! `DW_AT_abstract_origin`, so debuggers never mistake the out-of-line
//! copy's variables (and their frame locations) for the inlined copy's.

#![forbid(unsafe_code)]

use gimli::constants;
use gimli::write::{AttributeValue, Expression, Location, LocationList, UnitEntryId};

use super::{get, GimliBackend};
use crate::backend::{BlockIdx, BlockParent, DeclSite, FunctionIdx, VarIdx, VariableInfo};
use crate::error::{err, ErrorKind, Result};
use crate::locations::{LocationRange, ValueLocation};

/// The abstract instance of one inlined function.
#[derive(Default)]
pub(super) struct Abstract {
    die: Option<UnitEntryId>,
    /// Its variables by (name, argument number).
    vars: rustc_hash::FxHashMap<(String, Option<u32>), UnitEntryId>,
}

impl GimliBackend {
    pub(super) fn add_inlined_block(
        &mut self,
        b: BlockIdx,
        parent: BlockParent,
        callee: FunctionIdx,
        call: DeclSite,
        col: u32,
    ) -> Result<()> {
        if b.index() != self.blocks.len() {
            return err(
                ErrorKind::InvalidCode,
                "gimli backend: blocks announced out of order",
            );
        }
        let origin = self.abstract_of(callee)?;
        let p = self.block_parent_die(parent)?;
        let func = self.block_function(parent);
        let die = self.add(p, constants::DW_TAG_inlined_subroutine);
        self.set(
            die,
            constants::DW_AT_abstract_origin,
            AttributeValue::UnitRef(origin),
        );
        let file = self
            .files
            .get(call.file.index())
            .copied()
            .ok_or_else(|| super::missing("file", call.file))?;
        self.set(
            die,
            constants::DW_AT_call_file,
            AttributeValue::FileIndex(Some(file)),
        );
        self.set(
            die,
            constants::DW_AT_call_line,
            AttributeValue::Udata(call.line.into()),
        );
        if col > 0 {
            self.set(
                die,
                constants::DW_AT_call_column,
                AttributeValue::Udata(col.into()),
            );
        }
        self.blocks.push((die, func));
        self.block_inlined.push(Some(callee));
        Ok(())
    }

    /// The function a block parent belongs to.
    pub(super) fn block_function(&self, parent: BlockParent) -> FunctionIdx {
        match parent {
            BlockParent::Function(f) => f,
            BlockParent::Block(pb) => self.blocks.get(pb.index()).map_or(FunctionIdx(0), |x| x.1),
        }
    }

    /// The inlined function whose copy a block parent is in, if any.
    pub(super) fn inlined_in(&self, parent: BlockParent) -> Option<FunctionIdx> {
        match parent {
            BlockParent::Function(_) => None,
            BlockParent::Block(b) => self.block_inlined.get(b.index()).copied().flatten(),
        }
    }

    /// The abstract instance of `f`, made on first use from its DIE's name,
    /// linkage name, declaration, type and external flag.
    fn abstract_of(&mut self, f: FunctionIdx) -> Result<UnitEntryId> {
        if let Some(d) = self.abstracts.get(&f).and_then(|a| a.die) {
            return Ok(d);
        }
        let concrete = self
            .functions
            .get(f.index())
            .map(|x| x.die)
            .ok_or_else(|| super::missing("function", f))?;
        let parent = self
            .dwarf
            .unit
            .get(concrete)
            .parent()
            .unwrap_or(self.dwarf.unit.root());
        let die = self.add(parent, constants::DW_TAG_subprogram);
        for at in [
            constants::DW_AT_name,
            constants::DW_AT_linkage_name,
            constants::DW_AT_specification,
            constants::DW_AT_decl_file,
            constants::DW_AT_decl_line,
            constants::DW_AT_type,
            constants::DW_AT_prototyped,
            constants::DW_AT_external,
        ] {
            if let Some(v) = self.dwarf.unit.get(concrete).get(at).cloned() {
                self.set(die, at, v);
            }
        }
        self.set(
            die,
            constants::DW_AT_inline,
            AttributeValue::Inline(constants::DW_INL_inlined),
        );
        self.abstracts.entry(f).or_default().die = Some(die);
        Ok(die)
    }

    /// A variable of an inlined copy of `callee`: refers to the abstract
    /// instance's variable (made here on first use, with name, type and
    /// declaration) and carries only its location.
    pub(super) fn add_inlined_variable(
        &mut self,
        callee: FunctionIdx,
        parent: UnitEntryId,
        tag: gimli::DwTag,
        info: &VariableInfo<'_>,
    ) -> Result<UnitEntryId> {
        let abs = self.abstract_of(callee)?;
        let key = (info.name.to_owned(), info.arg_no);
        let origin = match self.abstracts.get(&callee).and_then(|a| a.vars.get(&key)) {
            Some(o) => *o,
            None => {
                let o = self.add(abs, tag);
                self.set_name(o, info.name);
                self.set_decl(o, Some(info.decl))?;
                let ty = self.type_ref(info.ty)?;
                self.set(o, constants::DW_AT_type, ty);
                self.abstracts
                    .entry(callee)
                    .or_default()
                    .vars
                    .insert(key, o);
                o
            }
        };
        let die = self.add(parent, tag);
        self.set(
            die,
            constants::DW_AT_abstract_origin,
            AttributeValue::UnitRef(origin),
        );
        Ok(die)
    }

    /// A location list for variable `v` of function `f`.
    pub(super) fn set_location_list(
        &mut self,
        v: VarIdx,
        f: FunctionIdx,
        ranges: &[LocationRange],
    ) -> Result<()> {
        let die = get(&self.vars, "variable", v)?;
        let mut list = Vec::with_capacity(ranges.len());
        for r in ranges {
            list.push(Location::StartLength {
                begin: self.code_address(f, r.start)?,
                length: r.end - r.start,
                data: expression(&r.location),
            });
        }
        let id = self.dwarf.unit.locations.add(LocationList(list));
        self.set(
            die,
            constants::DW_AT_location,
            AttributeValue::LocationListRef(id),
        );
        Ok(())
    }
}

/// The DWARF expression of one location.
fn expression(l: &ValueLocation) -> Expression {
    let mut e = Expression::new();
    push(&mut e, l);
    e
}

fn push(e: &mut Expression, l: &ValueLocation) {
    match l {
        ValueLocation::Register(r) => e.op_reg(gimli::Register(*r)),
        ValueLocation::Memory { register, offset } => {
            e.op_breg(gimli::Register(*register), *offset)
        }
        ValueLocation::FrameOffset(off) => e.op_fbreg(*off),
        ValueLocation::Constant(c) => {
            e.op_consts(*c);
            e.op(constants::DW_OP_stack_value);
        }
        ValueLocation::Bytes(b) => e.op_implicit_value(b.clone().into_boxed_slice()),
        ValueLocation::Pieces(ps) => {
            for p in ps {
                match &p.location {
                    // Up to 8 implicit bytes as a stack value: lldb-19
                    // cannot read `DW_OP_implicit_value` inside a piece
                    // ("failed to read memory DW_OP_piece"); the piece
                    // takes the value's low-order bytes (DWARF 5
                    // 2.6.1.1.4, little-endian here, as the bytes are).
                    Some(ValueLocation::Bytes(b)) if b.len() <= 8 => {
                        let mut v = [0u8; 8];
                        v[..b.len()].copy_from_slice(b);
                        e.op_constu(u64::from_le_bytes(v));
                        e.op(constants::DW_OP_stack_value);
                    }
                    Some(l) => push(e, l),
                    None => {}
                }
                e.op_piece(p.size.into());
            }
        }
    }
}
