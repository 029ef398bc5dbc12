//! The gimli backend's type DIEs: base, pointer, array, subroutine, typedef,
//! struct/union stubs and their completion (members, variant parts) and
//! enumerations. A stub is a DIE whose `UnitEntryId` exists from the start;
//! completion adds its children.

#![forbid(unsafe_code)]

use gimli::write::{AttributeValue, UnitEntryId};
use gimli::{constants, DwTag};

use super::{get, GimliBackend};
use crate::backend::{
    CompositeInfo, CompositeKind, EnumInfo, MemberInfo, TypeIdx, TypedefInfo, VariantPartInfo,
};
use crate::desc::BaseEncoding;
use crate::error::{err, ErrorKind, Result};

impl GimliBackend {
    pub(super) fn add_base_type(
        &mut self,
        t: TypeIdx,
        name: &str,
        size: u64,
        enc: BaseEncoding,
    ) -> Result<()> {
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

    pub(super) fn add_pointer_type(
        &mut self,
        t: TypeIdx,
        pointee: TypeIdx,
        size: u64,
    ) -> Result<()> {
        let root = self.dwarf.unit.root();
        let die = self.new_type(t, root, constants::DW_TAG_pointer_type)?;
        let p = self.type_ref(pointee)?;
        self.set(die, constants::DW_AT_type, p);
        self.set(die, constants::DW_AT_byte_size, AttributeValue::Udata(size));
        Ok(())
    }

    pub(super) fn add_array_type(
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

    pub(super) fn add_subroutine_type(
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

    pub(super) fn add_typedef(&mut self, t: TypeIdx, info: &TypedefInfo<'_>) -> Result<()> {
        let p = self.parent_die(info.scope)?;
        let die = self.new_type(t, p, constants::DW_TAG_typedef)?;
        self.set_name(die, info.name);
        let ty = self.type_ref(info.target)?;
        self.set(die, constants::DW_AT_type, ty);
        self.set_decl(die, info.decl)
    }

    pub(super) fn add_composite_stub(
        &mut self,
        t: TypeIdx,
        info: &CompositeInfo<'_>,
    ) -> Result<()> {
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

    pub(super) fn complete_composite(
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

    pub(super) fn add_enumeration(&mut self, t: TypeIdx, info: &EnumInfo<'_>) -> Result<()> {
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

    fn new_type(&mut self, t: TypeIdx, parent: UnitEntryId, tag: DwTag) -> Result<UnitEntryId> {
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

    fn member(&mut self, parent: UnitEntryId, m: &MemberInfo<'_>) -> Result<UnitEntryId> {
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
    fn array_index_type(&mut self) -> UnitEntryId {
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
}

fn encoding(e: BaseEncoding) -> constants::DwAte {
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
