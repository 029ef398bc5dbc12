//! The gimli backend's completion of a composite: data members (bitfields,
//! accessibility), the variant part of a tagged union, base classes, member
//! function declarations, static data members, template parameters and the
//! containing type.

#![forbid(unsafe_code)]

use gimli::constants;
use gimli::write::{AttributeValue, Expression, UnitEntryId};

use super::{get, GimliBackend};
use crate::backend::{
    BaseInfo, CompositeBody, DiscrInfo, DiscrValue, MemberInfo, MethodInfo, StaticMemberInfo,
    TemplateParamInfo, TypeIdx, VariantPartInfo,
};
use crate::desc::{Access, Virtuality};
use crate::error::{err, ErrorKind, Result};

impl GimliBackend {
    pub(super) fn complete_composite(
        &mut self,
        t: TypeIdx,
        body: &CompositeBody<'_>,
    ) -> Result<()> {
        let die = get(&self.types, "type", t)?;
        self.incomplete.remove(&t);
        self.place_deferred_typedefs(t, die, body.nested)?;
        if let Some(c) = body.containing_type {
            let c = self.type_ref(c)?;
            self.set(die, constants::DW_AT_containing_type, c);
        }
        for p in body.template_params {
            self.template_param(die, p)?;
        }
        for b in body.bases {
            self.base(die, b)?;
        }
        // Static members interleave with the data members in declaration
        // order (statics are sorted by position).
        let mut statics = body.statics.iter().peekable();
        match body.variant_part {
            None => {
                for (i, m) in body.members.iter().enumerate() {
                    while let Some(s) = statics.next_if(|s| s.position <= i) {
                        self.static_member(die, s)?;
                    }
                    self.member(die, m)?;
                }
            }
            Some(vp) => self.variant_part(die, body.members, vp)?,
        }
        for s in statics {
            self.static_member(die, s)?;
        }
        let mut methods = Vec::with_capacity(body.methods.len());
        for m in body.methods {
            methods.push(self.method(die, m, body.containing_type)?);
        }
        if !methods.is_empty() {
            self.methods.insert(t, methods);
        }
        Ok(())
    }

    fn variant_part(
        &mut self,
        die: UnitEntryId,
        members: &[MemberInfo<'_>],
        vp: &VariantPartInfo<'_>,
    ) -> Result<()> {
        // rustc's layout: the discriminant member lives inside the variant part.
        let part = self.add(die, constants::DW_TAG_variant_part);
        let mut discr = None;
        for (i, m) in members.iter().enumerate() {
            let inside = vp.discr_member == Some(i);
            let md = self.member(if inside { part } else { die }, m)?;
            if inside {
                discr = Some(md);
            }
        }
        match (vp.discr_member, discr) {
            (Some(_), Some(d)) => {
                self.set(part, constants::DW_AT_discr, AttributeValue::UnitRef(d));
            }
            (None, _) => {}
            (Some(_), None) => {
                return err(
                    ErrorKind::InvalidLayout,
                    "variant part without its discriminant member",
                )
            }
        }
        for v in vp.variants {
            let vd = self.add(part, constants::DW_TAG_variant);
            match v.discriminant {
                // A tag-less variant part has a single variant, selected
                // always: no value.
                DiscrInfo::Value(x) if vp.discr_member.is_some() => {
                    let c = self.constant(x);
                    self.set(vd, constants::DW_AT_discr_value, c);
                }
                DiscrInfo::Value(_) | DiscrInfo::Default => {}
                DiscrInfo::Ranges(rs) => {
                    let list = discr_list(rs);
                    self.set(vd, constants::DW_AT_discr_list, AttributeValue::Block(list));
                }
            }
            self.member(vd, &v.member)?;
        }
        Ok(())
    }

    pub(super) fn member(
        &mut self,
        parent: UnitEntryId,
        m: &MemberInfo<'_>,
    ) -> Result<UnitEntryId> {
        let die = self.add(parent, constants::DW_TAG_member);
        if !m.name.is_empty() {
            self.set_name(die, m.name);
        }
        let ty = self.type_ref(m.ty)?;
        self.set(die, constants::DW_AT_type, ty);
        match m.bits {
            Some(b) => {
                self.set(
                    die,
                    constants::DW_AT_data_bit_offset,
                    AttributeValue::Udata(b.bit_offset),
                );
                self.set(
                    die,
                    constants::DW_AT_bit_size,
                    AttributeValue::Udata(b.bit_size.into()),
                );
            }
            None => self.set(
                die,
                constants::DW_AT_data_member_location,
                AttributeValue::Udata(m.offset),
            ),
        }
        self.access(die, m.access);
        if m.artificial {
            self.set(die, constants::DW_AT_artificial, AttributeValue::Flag(true));
        }
        if m.member_align != 0 && self.encoding.version >= 5 {
            self.set(
                die,
                constants::DW_AT_alignment,
                AttributeValue::Udata(m.member_align.into()),
            );
        }
        Ok(die)
    }

    pub(super) fn access(&mut self, die: UnitEntryId, a: Access) {
        let v = match a {
            Access::Unspecified => return,
            Access::Public => constants::DW_ACCESS_public,
            Access::Protected => constants::DW_ACCESS_protected,
            Access::Private => constants::DW_ACCESS_private,
        };
        self.set(
            die,
            constants::DW_AT_accessibility,
            AttributeValue::Accessibility(v),
        );
    }

    fn base(&mut self, die: UnitEntryId, b: &BaseInfo) -> Result<()> {
        let d = self.add(die, constants::DW_TAG_inheritance);
        let ty = self.type_ref(b.ty)?;
        self.set(d, constants::DW_AT_type, ty);
        match b.virtual_offset_offset {
            None => self.set(
                d,
                constants::DW_AT_data_member_location,
                AttributeValue::Udata(b.offset),
            ),
            Some(vo) => {
                // Itanium: the base's offset is read from the vtable at `vo`
                // bytes from the vtable pointer, and added to the object's
                // address (gcc writes the same expression).
                let mut e = Expression::new();
                e.op(constants::DW_OP_dup);
                e.op_deref();
                e.op_consts(vo);
                e.op(constants::DW_OP_plus);
                e.op_deref();
                e.op(constants::DW_OP_plus);
                self.set(
                    d,
                    constants::DW_AT_data_member_location,
                    AttributeValue::Exprloc(e),
                );
                self.set(
                    d,
                    constants::DW_AT_virtuality,
                    AttributeValue::Virtuality(constants::DW_VIRTUALITY_virtual),
                );
            }
        }
        self.access(d, b.access);
        Ok(())
    }

    fn static_member(&mut self, die: UnitEntryId, s: &StaticMemberInfo<'_>) -> Result<()> {
        // DWARF 5 declares a static data member as a variable in the class;
        // DWARF 4 as a member declaration.
        let tag = if self.encoding.version >= 5 {
            constants::DW_TAG_variable
        } else {
            constants::DW_TAG_member
        };
        let d = self.add(die, tag);
        self.set_name(d, s.name);
        let ty = self.type_ref(s.ty)?;
        self.set(d, constants::DW_AT_type, ty);
        self.set(d, constants::DW_AT_external, AttributeValue::Flag(true));
        self.set(d, constants::DW_AT_declaration, AttributeValue::Flag(true));
        self.access(d, s.access);
        if let Some(v) = s.const_value {
            let c = self.constant(v);
            self.set(d, constants::DW_AT_const_value, c);
        }
        Ok(())
    }

    fn method(
        &mut self,
        die: UnitEntryId,
        m: &MethodInfo<'_>,
        containing: Option<TypeIdx>,
    ) -> Result<UnitEntryId> {
        let d = self.add(die, constants::DW_TAG_subprogram);
        self.set_name(d, m.name);
        if let Some(l) = m.linkage_name.filter(|l| *l != m.name) {
            let s = self.dwarf.strings.add(l);
            self.set(
                d,
                constants::DW_AT_linkage_name,
                AttributeValue::StringRef(s),
            );
        }
        self.set_decl(d, m.decl)?;
        if let Some(r) = m.ret {
            let r = self.type_ref(r)?;
            self.set(d, constants::DW_AT_type, r);
        }
        self.set(d, constants::DW_AT_declaration, AttributeValue::Flag(true));
        self.set(d, constants::DW_AT_external, AttributeValue::Flag(true));
        self.access(d, m.access);
        let (virtual_, pure) = (
            constants::DW_VIRTUALITY_virtual,
            constants::DW_VIRTUALITY_pure_virtual,
        );
        let virtuality = match m.virtuality {
            Virtuality::None => None,
            Virtuality::Virtual(i) => Some((virtual_, Some(i))),
            Virtuality::PureVirtual(i) => Some((pure, Some(i))),
            Virtuality::VirtualWithoutSlot => Some((virtual_, None)),
            Virtuality::PureVirtualWithoutSlot => Some((pure, None)),
        };
        if let Some((v, slot)) = virtuality {
            self.set(
                d,
                constants::DW_AT_virtuality,
                AttributeValue::Virtuality(v),
            );
            if let Some(i) = slot {
                // `DW_OP_constu N` exactly (gdb recognises a vtable slot by
                // that opcode; gimli's `op_constu` would shorten it to
                // `DW_OP_litN`).
                let mut bytes = vec![constants::DW_OP_constu.0];
                leb(&mut bytes, DiscrValue::Unsigned(i.into()));
                self.set(
                    d,
                    constants::DW_AT_vtable_elem_location,
                    AttributeValue::Exprloc(Expression::raw(bytes)),
                );
            }
            if let Some(c) = containing {
                let c = self.type_ref(c)?;
                self.set(d, constants::DW_AT_containing_type, c);
            }
        }
        if m.artificial {
            self.set(d, constants::DW_AT_artificial, AttributeValue::Flag(true));
        }
        if m.explicit {
            self.set(d, constants::DW_AT_explicit, AttributeValue::Flag(true));
        }
        // g++'s order: template parameters, `this`, the parameters.
        for p in m.template_params {
            self.template_param(d, p)?;
        }
        if let Some(this) = m.this {
            let p = self.add(d, constants::DW_TAG_formal_parameter);
            let ty = self.type_ref(this)?;
            self.set(p, constants::DW_AT_type, ty);
            self.set(p, constants::DW_AT_artificial, AttributeValue::Flag(true));
            self.set(
                d,
                constants::DW_AT_object_pointer,
                AttributeValue::UnitRef(p),
            );
        }
        self.add_params(d, m.params, m.variadic, m.artificial_params)?;
        Ok(d)
    }

    /// A template parameter under `die`: `DW_TAG_template_type_parameter`,
    /// `DW_TAG_template_value_parameter` (with `DW_AT_default_value` when
    /// the argument is the default) or a `DW_TAG_GNU_template_parameter_pack`
    /// holding its arguments.
    fn template_param(&mut self, die: UnitEntryId, p: &TemplateParamInfo<'_>) -> Result<()> {
        let (tag, name, ty, value, default) = match *p {
            TemplateParamInfo::Type { name, ty, default } => (
                constants::DW_TAG_template_type_parameter,
                name,
                ty,
                None,
                default,
            ),
            TemplateParamInfo::Value {
                name,
                ty,
                value,
                default,
            } => (
                constants::DW_TAG_template_value_parameter,
                name,
                ty,
                Some(value),
                default,
            ),
            TemplateParamInfo::Pack { name, ref args } => {
                let d = self.add(die, constants::DW_TAG_GNU_template_parameter_pack);
                if !name.is_empty() {
                    self.set_name(d, name);
                }
                for a in args {
                    self.template_param(d, a)?;
                }
                return Ok(());
            }
        };
        let d = self.add(die, tag);
        if !name.is_empty() {
            self.set_name(d, name);
        }
        self.set_type(d, ty)?;
        if default {
            self.set(
                d,
                constants::DW_AT_default_value,
                AttributeValue::Flag(true),
            );
        }
        if let Some(v) = value {
            let c = self.constant(v);
            self.set(d, constants::DW_AT_const_value, c);
        }
        Ok(())
    }

    /// The declaration DIE of method `index` of `class`.
    pub(super) fn method_die(&self, class: TypeIdx, index: u32) -> Result<UnitEntryId> {
        self.methods
            .get(&class)
            .and_then(|m| m.get(index as usize))
            .copied()
            .ok_or_else(|| {
                crate::error::Error::new(
                    ErrorKind::InvalidCode,
                    format!("gimli backend: type {class} has no method {index}"),
                )
            })
    }
}

/// A `DW_AT_discr_list` block: `DW_DSC_label` + value or `DW_DSC_range` +
/// low + high, as LEB128 of the tag's signedness.
fn discr_list(rs: &[(DiscrValue, DiscrValue)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rs.len() * 4);
    for &(lo, hi) in rs {
        if lo == hi {
            out.push(constants::DW_DSC_label.0);
            leb(&mut out, lo);
        } else {
            out.push(constants::DW_DSC_range.0);
            leb(&mut out, lo);
            leb(&mut out, hi);
        }
    }
    out
}

/// LEB128 of a 128-bit value, unsigned or signed.
fn leb(out: &mut Vec<u8>, v: DiscrValue) {
    match v {
        DiscrValue::Unsigned(mut u) => loop {
            let byte = (u & 0x7f) as u8;
            u >>= 7;
            if u == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        },
        DiscrValue::Signed(mut s) => loop {
            let byte = (s & 0x7f) as u8;
            s >>= 7;
            let done = (s == 0 && byte & 0x40 == 0) || (s == -1 && byte & 0x40 != 0);
            if done {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// LEB128 against the DWARF 5 specification's examples (Figures 22/23).
    #[test]
    fn leb128_matches_the_dwarf_examples() {
        let enc = |v| {
            let mut o = Vec::new();
            leb(&mut o, v);
            o
        };
        assert_eq!(enc(DiscrValue::Unsigned(127)), [0x7f]);
        assert_eq!(enc(DiscrValue::Unsigned(128)), [0x80, 0x01]);
        assert_eq!(enc(DiscrValue::Unsigned(12857)), [0xb9, 0x64]);
        assert_eq!(enc(DiscrValue::Signed(-2)), [0x7e]);
        assert_eq!(enc(DiscrValue::Signed(-127)), [0x81, 0x7f]);
        assert_eq!(enc(DiscrValue::Signed(-128)), [0x80, 0x7f]);
        assert_eq!(enc(DiscrValue::Signed(129)), [0x81, 0x01]);
        assert_eq!(enc(DiscrValue::Unsigned(u128::MAX)).len(), 19);
    }
}
