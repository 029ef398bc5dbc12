//! Descriptions of struct, class and union DIEs (members, bitfields, bases,
//! methods, static members, template parameters) and of Rust enums (a
//! struct holding a `DW_TAG_variant_part`).

use dwarfsmith::{
    Access, BaseDesc, BitField, CompositeDesc, Discriminant, FieldDesc, FrontendTy,
    StaticMemberDesc, TagDesc, TaggedUnionDesc, TaggedUnionEncoding, TypeDesc, VariantDesc,
};
use gimli::constants as dw;

use crate::dies::{Die, Val};
use crate::source::DieSource;

/// `DW_AT_accessibility`.
pub fn access(d: &Die) -> Access {
    match d.udata(dw::DW_AT_accessibility) {
        Some(1) => Access::Public,
        Some(2) => Access::Protected,
        Some(3) => Access::Private,
        _ => Access::Unspecified,
    }
}

/// Reads an unsigned LEB128 at `*i`.
pub(crate) fn uleb(b: &[u8], i: &mut usize) -> Option<u128> {
    let mut v: u128 = 0;
    let mut shift = 0;
    loop {
        let byte = *b.get(*i)?;
        *i += 1;
        if shift < 128 {
            v |= u128::from(byte & 0x7f) << shift;
        }
        shift += 7;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
}

/// Reads a signed LEB128 at `*i`.
fn sleb(b: &[u8], i: &mut usize) -> Option<i128> {
    let mut v: i128 = 0;
    let mut shift = 0;
    loop {
        let byte = *b.get(*i)?;
        *i += 1;
        if shift < 128 {
            v |= i128::from(byte & 0x7f) << shift;
        }
        shift += 7;
        if byte & 0x80 == 0 {
            if shift < 128 && byte & 0x40 != 0 {
                v |= -1i128 << shift;
            }
            return Some(v);
        }
    }
}

/// A member's byte offset: a constant or `DW_OP_plus_uconst N`.
fn member_offset(d: &Die) -> Result<u64, String> {
    match d.attr(dw::DW_AT_data_member_location) {
        None => Ok(0),
        Some(Val::Bytes(b)) => {
            let mut i = 1;
            match b.first() {
                Some(&op) if op == dw::DW_OP_plus_uconst.0 => uleb(b, &mut i)
                    .and_then(|v| u64::try_from(v).ok())
                    .filter(|_| i == b.len())
                    .ok_or_else(|| "malformed DW_OP_plus_uconst member location".to_string()),
                _ => Err("member location expression other than DW_OP_plus_uconst".into()),
            }
        }
        Some(v) => v
            .udata()
            .ok_or_else(|| "member location of an unreadable form".into()),
    }
}

/// The Itanium virtual-base location `DW_OP_dup, DW_OP_deref, DW_OP_constu
/// N, DW_OP_minus, DW_OP_deref, DW_OP_plus`: `-N`.
fn vbase_offset(b: &[u8]) -> Option<i64> {
    let rest = b.strip_prefix(&[dw::DW_OP_dup.0, dw::DW_OP_deref.0])?;
    let mut i = 1;
    let n = match *rest.first()? {
        op if op == dw::DW_OP_constu.0 => i64::try_from(uleb(rest, &mut i)?).ok()?,
        op if (dw::DW_OP_lit0.0..=dw::DW_OP_lit31.0).contains(&op) => {
            i64::from(op - dw::DW_OP_lit0.0)
        }
        _ => return None,
    };
    let tail = rest.get(i..)?;
    (tail == [dw::DW_OP_minus.0, dw::DW_OP_deref.0, dw::DW_OP_plus.0]).then_some(-n)
}

impl DieSource<'_> {
    /// A struct, class or union DIE; a Rust enum when it holds a variant
    /// part.
    pub fn composite(&mut self, off: u64, d: &Die) -> Result<TypeDesc, String> {
        // g++'s unnamed struct named by a typedef for linkage (`typedef
        // struct {..} div_t`) has `DW_AT_linkage_name("5div_t")`, by which
        // gdb names it.
        let mut linkage_name = None;
        let name = match (d.name(), d.str(dw::DW_AT_linkage_name)) {
            (Some(n), _) => n.to_string(),
            (None, Some(l)) if self.linkage_names => {
                linkage_name = Some(l.to_string());
                String::new()
            }
            (None, Some(l)) => match source_name(l) {
                Some(n) => {
                    self.drop_part("linkage name of an unnamed struct (written as its name)");
                    n.to_string()
                }
                None => {
                    self.drop_part("linkage name of an unnamed struct");
                    String::new()
                }
            },
            (None, None) => String::new(),
        };
        let key = self.key(off, d);
        let opaque = d.flag(dw::DW_AT_declaration);
        let size = match d.udata(dw::DW_AT_byte_size) {
            Some(s) => s,
            None if opaque => 0,
            None => return Err("struct definition without DW_AT_byte_size".into()),
        };
        let mut c = CompositeDesc::new(key, name, size, 0);
        c.align = d.udata(dw::DW_AT_alignment).unwrap_or(0) as u32;
        c.scope = self.scope(off);
        c.opaque = opaque;
        c.class = d.tag == dw::DW_TAG_class_type;
        c.containing_type = d.reference(dw::DW_AT_containing_type).map(FrontendTy);
        c.linkage_name = linkage_name;
        let mut variant_part = None;
        for &co in &d.children {
            let m = self.die(co)?;
            match m.tag {
                dw::DW_TAG_member
                    if m.flag(dw::DW_AT_external) || m.flag(dw::DW_AT_declaration) =>
                {
                    c.statics.push(self.static_member(m, c.fields.len())?)
                }
                dw::DW_TAG_member => c.fields.push(self.field(m, 0)?),
                dw::DW_TAG_variable => c.statics.push(self.static_member(m, c.fields.len())?),
                dw::DW_TAG_inheritance => c.bases.push(self.base(m)?),
                dw::DW_TAG_subprogram if m.name().is_none() => {
                    self.drop_part("method code instance inside a class (not a declaration)")
                }
                dw::DW_TAG_subprogram => {}
                dw::DW_TAG_template_type_parameter
                | dw::DW_TAG_template_value_parameter
                | dw::DW_TAG_GNU_template_parameter_pack => {
                    if let Some(p) = self.template_param(m, true)? {
                        c.template_params.push(p);
                    }
                }
                dw::DW_TAG_variant_part => variant_part = Some(co),
                // Nested types, in declaration order (those this pass
                // leaves out, and declarations standing for a definition
                // elsewhere, are not listed).
                // `using Base::f;`: neither gdb nor lldb reads it (REEMIT.md).
                dw::DW_TAG_imported_declaration => {
                    self.drop_part("using-declaration in a class (read by no debugger)")
                }
                t if crate::emit::is_type(t) => {
                    if crate::source::kind_of(t).is_some()
                        && !self.poisoned.contains(&co)
                        && self.definition_of(co).is_none()
                    {
                        c.nested.push(FrontendTy(co));
                    }
                }
                t => self.drop_part(format!("{} child {t}", d.tag)),
            }
        }
        c.methods = self.methods(off)?;
        self.mark_zero_sized(&mut c.fields, c.size);
        match variant_part {
            None if d.tag == dw::DW_TAG_union_type => Ok(TypeDesc::Union(c)),
            None => Ok(TypeDesc::Struct(c)),
            Some(vp) => self.tagged(c, vp),
        }
    }

    /// rustc describes zero-sized members (function items) with a pointer
    /// type after the other members, reaching past the struct: such a
    /// member (starting inside the type, ending past it) is marked
    /// `zero_sized`, as rustc's frontend would describe it.
    fn mark_zero_sized(&self, fields: &mut [FieldDesc], size: u64) {
        for f in fields.iter_mut().filter(|f| f.bits.is_none()) {
            let Some(fsize) = self.size_of(f.ty.0) else {
                continue;
            };
            if f.offset < size && f.offset.saturating_add(fsize) > size {
                f.zero_sized = true;
            }
        }
    }

    /// A data member, its offset moved by `base` bytes.
    fn field(&mut self, m: &Die, base: u64) -> Result<FieldDesc, String> {
        let name = m.name().unwrap_or("");
        let ty = self.type_of(m, "member")?;
        let offset = member_offset(m)?
            .checked_add(base)
            .ok_or("member offset overflows")?;
        let mut f = FieldDesc::new(name, ty, offset).access(access(m));
        f.align = m.udata(dw::DW_AT_alignment).unwrap_or(0) as u32;
        f.artificial = m.flag(dw::DW_AT_artificial);
        if let Some(bit_size) = m.udata(dw::DW_AT_bit_size) {
            let bit_size = u32::try_from(bit_size).map_err(|_| "bitfield too wide")?;
            let bit_offset = match m.udata(dw::DW_AT_data_bit_offset) {
                Some(b) => b.checked_add(base * 8).ok_or("bit offset overflows")?,
                None => {
                    // DWARF 4: DW_AT_bit_offset counts from the storage
                    // unit's most significant bit.
                    let old = m.udata(dw::DW_AT_bit_offset).unwrap_or(0);
                    let storage = m
                        .udata(dw::DW_AT_byte_size)
                        .or_else(|| self.size_of(ty.0))
                        .ok_or("bitfield storage of unknown size")?;
                    (offset * 8 + storage * 8)
                        .checked_sub(old + u64::from(bit_size))
                        .ok_or("DW_AT_bit_offset past its storage unit")?
                }
            };
            f.offset = bit_offset / 8;
            f.bits = Some(BitField {
                bit_offset,
                bit_size,
            });
        }
        Ok(f)
    }

    /// A static member declared before data member number `position`.
    fn static_member(&mut self, m: &Die, position: usize) -> Result<StaticMemberDesc, String> {
        let ty = self.type_of(m, "static member")?;
        let size = self.size_of(ty.0).unwrap_or(8);
        let signed = self.signed(ty.0);
        Ok(StaticMemberDesc {
            name: m.name().ok_or("static member without a name")?.to_string(),
            ty,
            access: access(m),
            const_value: m
                .attr(dw::DW_AT_const_value)
                .and_then(|v| DieSource::bits(v, signed, size)),
            position,
        })
    }

    fn base(&mut self, m: &Die) -> Result<BaseDesc, String> {
        let ty = self.type_of(m, "base class")?;
        let (offset, virtual_offset_offset) = match m.attr(dw::DW_AT_data_member_location) {
            Some(Val::Bytes(b)) if b.first() != Some(&dw::DW_OP_plus_uconst.0) => (
                0,
                Some(vbase_offset(b).ok_or("virtual base location expression not understood")?),
            ),
            _ => (member_offset(m)?, None),
        };
        Ok(BaseDesc {
            ty,
            offset,
            access: access(m),
            virtual_offset_offset,
        })
    }

    /// A Rust enum: `c`'s identity, the variants of the variant part `vp`.
    fn tagged(&mut self, c: CompositeDesc, vp: u64) -> Result<TypeDesc, String> {
        if !c.fields.is_empty() || !c.bases.is_empty() {
            return Err("variant part next to other members".into());
        }
        let part = self.die(vp)?;
        let tag = match part.reference(dw::DW_AT_discr) {
            None => None,
            Some(m) => {
                let md = self.die(m)?;
                Some(TagDesc {
                    offset: member_offset(md)?,
                    ty: self.type_of(md, "discriminant member")?,
                })
            }
        };
        let (signed, size) = match tag {
            Some(t) => (self.signed(t.ty.0), self.size_of(t.ty.0).unwrap_or(8)),
            None => (false, 8),
        };
        let mut variants = Vec::new();
        for &vo in &part.children {
            let v = self.die(vo)?;
            if v.tag != dw::DW_TAG_variant {
                if Some(vo) != part.reference(dw::DW_AT_discr) {
                    self.drop_part(format!("variant part child {}", v.tag));
                }
                continue;
            }
            let discriminant = if let Some(x) = v.attr(dw::DW_AT_discr_value) {
                Discriminant::Value(
                    DieSource::bits(x, signed, size).ok_or("unreadable DW_AT_discr_value")?,
                )
            } else if let Some(Val::Bytes(b)) = v.attr(dw::DW_AT_discr_list) {
                Discriminant::Ranges(discr_list(b, signed).ok_or("malformed DW_AT_discr_list")?)
            } else {
                Discriminant::Default
            };
            let members: Vec<u64> = v.children.clone();
            let [mo] = members[..] else {
                return Err(format!("variant with {} members", members.len()));
            };
            let m = self.die(mo)?;
            let name = m.name().ok_or("variant member without a name")?.to_string();
            let at = member_offset(m)?;
            let st = self.die(self.type_of(m, "variant member")?.0)?;
            let mut fields = Vec::new();
            let mut template_params = Vec::new();
            for &fo in &st.children {
                let f = self.die(fo)?;
                match f.tag {
                    dw::DW_TAG_member => fields.push(self.field(f, at)?),
                    // rustc repeats the enum's parameters on each variant
                    // struct.
                    dw::DW_TAG_template_type_parameter | dw::DW_TAG_template_value_parameter => {
                        template_params.extend(self.template_param(f, true)?)
                    }
                    t => self.drop_part(format!("variant struct child {t}")),
                }
            }
            self.mark_zero_sized(&mut fields, c.size);
            variants.push(VariantDesc {
                name,
                discriminant,
                fields,
                template_params,
            });
        }
        Ok(TypeDesc::TaggedUnion(TaggedUnionDesc {
            key: c.key,
            generic_args: Vec::new(),
            name: c.name,
            scope: c.scope,
            size: c.size,
            align: c.align,
            tag,
            variants,
            encoding: TaggedUnionEncoding::VariantPart,
            decl: None,
            template_params: c.template_params,
            methods: c.methods,
        }))
    }
}

/// The identifier of an Itanium `<source-name>` (`5div_t` → `div_t`), if
/// the mangled name is just that.
fn source_name(mangled: &str) -> Option<&str> {
    let digits = mangled.bytes().take_while(u8::is_ascii_digit).count();
    let len: usize = mangled.get(..digits)?.parse().ok()?;
    let rest = mangled.get(digits..)?;
    (rest.len() == len && len > 0).then_some(rest)
}

/// `DW_AT_discr_list`: labels (`DW_DSC_label`) and ranges (`DW_DSC_range`).
fn discr_list(b: &[u8], signed: bool) -> Option<Vec<(i128, i128)>> {
    let mut out = Vec::new();
    let mut i = 0;
    let read = |i: &mut usize| {
        if signed {
            sleb(b, i)
        } else {
            uleb(b, i).map(|v| v as i128)
        }
    };
    while i < b.len() {
        let kind = *b.get(i)?;
        i += 1;
        let lo = read(&mut i)?;
        let hi = if kind == dw::DW_DSC_range.0 {
            read(&mut i)?
        } else {
            lo
        };
        out.push((lo, hi));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn itanium_virtual_base_locations_give_the_negative_vtable_offset() {
        // gcc: DW_OP_dup, DW_OP_deref, DW_OP_lit24, DW_OP_minus, DW_OP_deref, DW_OP_plus
        assert_eq!(
            vbase_offset(&[0x12, 0x06, 0x48, 0x1c, 0x06, 0x22]),
            Some(-24)
        );
        // the same with DW_OP_constu 200 (two-byte ULEB128)
        assert_eq!(
            vbase_offset(&[0x12, 0x06, 0x10, 0xc8, 0x01, 0x1c, 0x06, 0x22]),
            Some(-200)
        );
        // anything else is not understood
        assert_eq!(vbase_offset(&[0x12, 0x06, 0x48, 0x1c, 0x06]), None);
        assert_eq!(vbase_offset(&[0x23, 0x08]), None);
    }

    #[test]
    fn source_names_are_read_only_when_the_whole_mangled_name_is_one() {
        assert_eq!(source_name("5div_t"), Some("div_t"));
        assert_eq!(source_name("11__mbstate_t"), Some("__mbstate_t"));
        assert_eq!(source_name("N3foo5div_tE"), None);
        assert_eq!(source_name("6div_t"), None);
        assert_eq!(source_name("0"), None);
    }

    #[test]
    fn discriminant_lists_read_labels_and_ranges_with_the_tags_signedness() {
        // DW_DSC_label 5, DW_DSC_range 7..9
        assert_eq!(
            discr_list(&[0, 5, 1, 7, 9], false),
            Some(vec![(5, 5), (7, 9)])
        );
        // signed: DW_DSC_range -2..-1 (SLEB128 0x7e, 0x7f)
        assert_eq!(discr_list(&[1, 0x7e, 0x7f], true), Some(vec![(-2, -1)]));
        // unsigned 0x7f is 127, not -1
        assert_eq!(discr_list(&[0, 0x7f], false), Some(vec![(127, 127)]));
        // truncated
        assert_eq!(discr_list(&[1, 5], false), None);
    }

    #[test]
    fn member_locations_are_constants_or_plus_uconst() {
        let die = |v: Val| Die {
            tag: dw::DW_TAG_member,
            parent: None,
            children: Vec::new(),
            attrs: vec![(dw::DW_AT_data_member_location, v)],
            unit: 0,
        };
        assert_eq!(member_offset(&die(Val::Data { v: 12, bytes: 1 })), Ok(12));
        assert_eq!(
            member_offset(&die(Val::Bytes(vec![0x23, 0x90, 0x01]))),
            Ok(144)
        );
        assert!(member_offset(&die(Val::Bytes(vec![0x12]))).is_err());
    }
}
