//! The gimli backend's DIE construction: one `Backend` call, one DIE.

#![forbid(unsafe_code)]

use gimli::constants;
use gimli::write::{Address, AttributeValue, Expression, LineString};

use super::{FuncState, GimliBackend};
use crate::backend::{
    Backend, BlockIdx, BlockParent, CodeInfo, CompileUnitInfo, CompositeInfo, CompositeKind,
    EnumInfo, FileIdx, FunctionIdx, FunctionInfo, GlobalIdx, GlobalInfo, MemberInfo, NamespaceIdx,
    ParentScope, TypeIdx, TypedefInfo, VarIdx, VarLocation, VariableInfo, VariantPartInfo,
};
use crate::desc::BaseEncoding;
use crate::error::{err, ErrorKind, Result};

use super::write::DwarfObject;

use super::die_helpers::{encoding, get, missing};

impl Backend for GimliBackend {
    type Output = DwarfObject;

    fn tracks_current_location(&self) -> bool {
        false
    }

    fn address_size(&self) -> u8 {
        self.encoding.address_size
    }

    fn begin(&mut self, cu: &CompileUnitInfo<'_>) -> Result<()> {
        self.begin_unit(cu)
    }

    fn file(
        &mut self,
        file: FileIdx,
        dir: &[u8],
        name: &[u8],
        md5: Option<[u8; 16]>,
    ) -> Result<()> {
        if file.index() != self.files.len() {
            return err(
                ErrorKind::InvalidCode,
                "gimli backend: files announced out of order",
            );
        }
        let prog = &mut self.dwarf.unit.line_program;
        let dir_id = if dir.is_empty() {
            prog.default_directory()
        } else {
            let d = if self.encoding.version >= 5 {
                LineString::LineStringRef(self.dwarf.line_strings.add(dir))
            } else {
                LineString::String(dir.to_vec())
            };
            self.dwarf.unit.line_program.add_directory(d)
        };
        let n = if self.encoding.version >= 5 {
            LineString::LineStringRef(self.dwarf.line_strings.add(name))
        } else {
            LineString::String(name.to_vec())
        };
        let prog = &mut self.dwarf.unit.line_program;
        let info = md5.map(|m| {
            prog.file_has_md5 = true;
            gimli::write::FileInfo {
                md5: m,
                ..Default::default()
            }
        });
        let id = prog.add_file(n, dir_id, info);
        self.files.push(id);
        Ok(())
    }

    fn namespace(&mut self, ns: NamespaceIdx, parent: ParentScope, name: &str) -> Result<()> {
        if ns.index() != self.namespaces.len() {
            return err(
                ErrorKind::InvalidCode,
                "gimli backend: namespaces announced out of order",
            );
        }
        let p = self.parent_die(parent)?;
        let die = self.add(p, constants::DW_TAG_namespace);
        self.set_name(die, name);
        self.namespaces.push(die);
        Ok(())
    }

    fn base_type(&mut self, t: TypeIdx, name: &str, size: u64, enc: BaseEncoding) -> Result<()> {
        let root = self.dwarf.unit.root();
        let die = self.new_type(t, root, constants::DW_TAG_base_type)?;
        self.set_name(die, name);
        self.set(
            die,
            constants::DW_AT_encoding,
            AttributeValue::Encoding(encoding(enc)),
        );
        self.set(die, constants::DW_AT_byte_size, AttributeValue::Udata(size));
        Ok(())
    }

    fn pointer_type(&mut self, t: TypeIdx, pointee: TypeIdx, size: u64) -> Result<()> {
        let root = self.dwarf.unit.root();
        let die = self.new_type(t, root, constants::DW_TAG_pointer_type)?;
        let p = self.type_ref(pointee)?;
        self.set(die, constants::DW_AT_type, p);
        self.set(die, constants::DW_AT_byte_size, AttributeValue::Udata(size));
        Ok(())
    }

    fn array_type(
        &mut self,
        t: TypeIdx,
        elem: TypeIdx,
        len: u64,
        _size: u64,
        _align: u32,
    ) -> Result<()> {
        let root = self.dwarf.unit.root();
        let idx = self.array_index_type();
        let die = self.new_type(t, root, constants::DW_TAG_array_type)?;
        let e = self.type_ref(elem)?;
        self.set(die, constants::DW_AT_type, e);
        let sub = self.add(die, constants::DW_TAG_subrange_type);
        self.set(sub, constants::DW_AT_type, AttributeValue::UnitRef(idx));
        self.set(sub, constants::DW_AT_count, AttributeValue::Udata(len));
        Ok(())
    }

    fn subroutine_type(
        &mut self,
        t: TypeIdx,
        params: &[TypeIdx],
        ret: Option<TypeIdx>,
        variadic: bool,
    ) -> Result<()> {
        let root = self.dwarf.unit.root();
        let die = self.new_type(t, root, constants::DW_TAG_subroutine_type)?;
        self.set(die, constants::DW_AT_prototyped, AttributeValue::Flag(true));
        if let Some(r) = ret {
            let r = self.type_ref(r)?;
            self.set(die, constants::DW_AT_type, r);
        }
        for p in params {
            let pd = self.add(die, constants::DW_TAG_formal_parameter);
            let ty = self.type_ref(*p)?;
            self.set(pd, constants::DW_AT_type, ty);
        }
        if variadic {
            self.add(die, constants::DW_TAG_unspecified_parameters);
        }
        Ok(())
    }

    fn typedef(&mut self, t: TypeIdx, info: &TypedefInfo<'_>) -> Result<()> {
        let p = self.parent_die(info.scope)?;
        let die = self.new_type(t, p, constants::DW_TAG_typedef)?;
        self.set_name(die, info.name);
        let ty = self.type_ref(info.target)?;
        self.set(die, constants::DW_AT_type, ty);
        self.set_decl(die, info.decl)
    }

    fn composite_stub(&mut self, t: TypeIdx, info: &CompositeInfo<'_>) -> Result<()> {
        let p = self.parent_die(info.scope)?;
        let tag = match info.kind {
            CompositeKind::Struct => constants::DW_TAG_structure_type,
            CompositeKind::Union => constants::DW_TAG_union_type,
        };
        let die = self.new_type(t, p, tag)?;
        self.set_name(die, info.name);
        if info.declaration {
            self.set(
                die,
                constants::DW_AT_declaration,
                AttributeValue::Flag(true),
            );
        } else {
            self.set(
                die,
                constants::DW_AT_byte_size,
                AttributeValue::Udata(info.size),
            );
        }
        self.set_decl(die, info.decl)
    }

    fn composite_complete(
        &mut self,
        t: TypeIdx,
        members: &[MemberInfo<'_>],
        vp: Option<&VariantPartInfo<'_>>,
    ) -> Result<()> {
        let die = get(&self.types, "type", t)?;
        let Some(vp) = vp else {
            for m in members {
                self.member(die, m)?;
            }
            return Ok(());
        };
        // rustc's layout: the discriminant member lives inside the variant part.
        let part = self.add(die, constants::DW_TAG_variant_part);
        let mut discr = None;
        for (i, m) in members.iter().enumerate() {
            let parent = if i == vp.discr_member { part } else { die };
            let md = self.member(parent, m)?;
            if i == vp.discr_member {
                discr = Some(md);
            }
        }
        let Some(discr) = discr else {
            return err(
                ErrorKind::InvalidLayout,
                "variant part without its discriminant member",
            );
        };
        self.set(part, constants::DW_AT_discr, AttributeValue::UnitRef(discr));
        for v in vp.variants {
            let vd = self.add(part, constants::DW_TAG_variant);
            self.set(
                vd,
                constants::DW_AT_discr_value,
                AttributeValue::Udata(v.discriminant),
            );
            self.member(vd, &v.member)?;
        }
        Ok(())
    }

    fn enumeration(&mut self, t: TypeIdx, info: &EnumInfo<'_>) -> Result<()> {
        let p = self.parent_die(info.scope)?;
        let die = self.new_type(t, p, constants::DW_TAG_enumeration_type)?;
        self.set_name(die, info.name);
        let u = self.type_ref(info.underlying)?;
        self.set(die, constants::DW_AT_type, u);
        self.set(
            die,
            constants::DW_AT_byte_size,
            AttributeValue::Udata(info.size),
        );
        self.set_decl(die, info.decl)?;
        for (name, value) in info.enumerators {
            let ed = self.add(die, constants::DW_TAG_enumerator);
            self.set_name(ed, name);
            let v = if info.unsigned {
                AttributeValue::Udata(*value as u64)
            } else {
                AttributeValue::Sdata(*value)
            };
            self.set(ed, constants::DW_AT_const_value, v);
        }
        Ok(())
    }

    fn function(&mut self, f: FunctionIdx, info: &FunctionInfo<'_>) -> Result<()> {
        if f.index() != self.functions.len() {
            return err(
                ErrorKind::InvalidCode,
                "gimli backend: functions announced out of order",
            );
        }
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
        });
        Ok(())
    }

    fn lexical_block(
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
        let func = match parent {
            BlockParent::Function(f) => f,
            BlockParent::Block(pb) => self.blocks.get(pb.index()).map_or(FunctionIdx(0), |x| x.1),
        };
        let die = self.add(p, constants::DW_TAG_lexical_block);
        self.blocks.push((die, func));
        Ok(())
    }

    fn variable(&mut self, v: VarIdx, info: &VariableInfo<'_>) -> Result<()> {
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
        self.vars.push(die);
        Ok(())
    }

    fn global(&mut self, _g: GlobalIdx, info: &GlobalInfo<'_>) -> Result<()> {
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

    fn function_code(&mut self, f: FunctionIdx, code: &CodeInfo<'_>) -> Result<()> {
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
        let files = &self.files;
        let prog = &mut self.dwarf.unit.line_program;
        prog.begin_sequence(Some(low));
        for r in code.rows {
            let file = files
                .get(r.file.index())
                .copied()
                .ok_or_else(|| missing("file", r.file))?;
            let row = prog.row();
            row.address_offset = r.offset;
            row.file = file;
            row.line = r.line.into();
            row.column = r.col.into();
            row.is_statement = r.is_stmt;
            row.prologue_end = r.prologue_end;
            prog.generate_row();
        }
        prog.end_sequence(code.size);
        if let Some(func) = self.functions.get_mut(f.index()) {
            func.size = Some(code.size);
        }
        Ok(())
    }

    fn variable_location(&mut self, v: VarIdx, loc: VarLocation) -> Result<()> {
        let die = get(&self.vars, "variable", v)?;
        let mut e = Expression::new();
        match loc {
            VarLocation::FrameOffset(off) => e.op_fbreg(off),
            VarLocation::Register(r) => e.op_reg(gimli::Register(r)),
        }
        self.set(die, constants::DW_AT_location, AttributeValue::Exprloc(e));
        Ok(())
    }

    fn finish(&mut self) -> Result<DwarfObject> {
        self.build_output()
    }
}
