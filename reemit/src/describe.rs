//! Descriptions of scalar, pointer, array, function, enum and typedef DIEs.

use dwarfsmith::{
    ArrayDesc, BaseEncoding, EnumDesc, FrontendTy, PointerDesc, PointerKind, Qualifier, TypeDesc,
    TypedefDesc,
};
use gimli::constants as dw;

use crate::dies::Die;
use crate::source::{DieSource, SYNTH, VOID};

impl DieSource<'_> {
    /// Describes the type DIE at `off` (or the implicit `void` or a
    /// synthesized base type).
    pub fn describe_die(&mut self, off: u64) -> Result<TypeDesc, String> {
        if off == VOID {
            return Ok(TypeDesc::Void);
        }
        if off >= SYNTH {
            return Ok(synthesized(off - SYNTH));
        }
        let def = self.definition_of(off);
        let off = def.unwrap_or(off);
        let d = self.die(off)?;
        match d.tag {
            dw::DW_TAG_base_type => base(d),
            dw::DW_TAG_pointer_type => Ok(self.pointer(d, PointerKind::Pointer)),
            dw::DW_TAG_reference_type => Ok(self.pointer(d, PointerKind::Reference)),
            dw::DW_TAG_rvalue_reference_type => Ok(self.pointer(d, PointerKind::RvalueReference)),
            dw::DW_TAG_const_type => Ok(self.qualifier(d, Qualifier::Const)),
            dw::DW_TAG_volatile_type => Ok(self.qualifier(d, Qualifier::Volatile)),
            dw::DW_TAG_restrict_type => Ok(self.qualifier(d, Qualifier::Restrict)),
            dw::DW_TAG_atomic_type => Ok(self.qualifier(d, Qualifier::Atomic)),
            dw::DW_TAG_typedef => Ok(TypeDesc::Typedef(TypedefDesc {
                key: self.key(off, d),
                name: d.name().ok_or("typedef without a name")?.to_string(),
                scope: self.scope(off),
                target: self.type_or_void(d),
                decl: None,
                access: crate::composite::access(d),
            })),
            dw::DW_TAG_array_type => self.array(d),
            dw::DW_TAG_subroutine_type => self.function(d),
            dw::DW_TAG_enumeration_type => self.enumeration(off, d),
            dw::DW_TAG_structure_type | dw::DW_TAG_class_type | dw::DW_TAG_union_type => {
                self.composite(off, d)
            }
            dw::DW_TAG_ptr_to_member_type => {
                let pointee = self.type_of(d, "pointer to member")?;
                let class = d
                    .reference(dw::DW_AT_containing_type)
                    .ok_or("pointer to member without DW_AT_containing_type")?;
                // A pointer to a member function is two words (Itanium).
                let function = self
                    .dies
                    .map
                    .get(&pointee.0)
                    .is_some_and(|p| p.tag == dw::DW_TAG_subroutine_type);
                let size = d
                    .udata(dw::DW_AT_byte_size)
                    .unwrap_or(if function { 16 } else { 8 });
                Ok(TypeDesc::PointerToMember {
                    pointee,
                    class: FrontendTy(class),
                    size,
                })
            }
            dw::DW_TAG_unspecified_type => {
                let name = d.name().ok_or("unnamed DW_TAG_unspecified_type")?;
                if d.udata(dw::DW_AT_byte_size).is_some_and(|s| s != 8) {
                    self.drop_part("DW_TAG_unspecified_type DW_AT_byte_size other than 8");
                }
                Ok(TypeDesc::unspecified(name))
            }
            t => Err(format!("unsupported type DIE {t}")),
        }
    }

    fn pointer(&mut self, d: &Die, kind: PointerKind) -> TypeDesc {
        if d.udata(dw::DW_AT_byte_size).is_some_and(|s| s != 8) {
            self.drop_part("pointer DW_AT_byte_size other than 8");
        }
        TypeDesc::PointerTo(PointerDesc {
            kind,
            pointee: self.type_or_void(d),
            name: d.name().map(str::to_string),
        })
    }

    fn qualifier(&mut self, d: &Die, qualifier: Qualifier) -> TypeDesc {
        TypeDesc::Qualified {
            qualifier,
            target: self.type_or_void(d),
        }
    }

    fn array(&mut self, d: &Die) -> Result<TypeDesc, String> {
        let elem = self.type_of(d, "array")?;
        let (dims, unreadable) = self.dims(d)?;
        if unreadable && dims.iter().skip(1).any(Option::is_none) {
            return Err("array with a run-time bound in an inner dimension".into());
        }
        if unreadable {
            self.drop_part("array run-time bound (written as unknown)");
        }
        if dims.iter().skip(1).any(Option::is_none) {
            return Err("array with an unknown inner bound".into());
        }
        if d.flag(dw::DW_AT_GNU_vector) {
            self.drop_part("DW_AT_GNU_vector (written as a plain array)");
        }
        let elem_size = self
            .size_of(elem.0)
            .ok_or("array element of unknown size")?;
        Ok(TypeDesc::ArrayOf(ArrayDesc {
            elem,
            dims,
            elem_size,
            align: d.udata(dw::DW_AT_alignment).unwrap_or(0) as u32,
        }))
    }

    fn function(&mut self, d: &Die) -> Result<TypeDesc, String> {
        let mut params = Vec::new();
        let mut variadic = false;
        let mut artificial_params = Vec::new();
        for c in &d.children {
            let p = self.die(*c)?;
            match p.tag {
                dw::DW_TAG_formal_parameter => {
                    if p.flag(dw::DW_AT_artificial) {
                        // g++'s pointer-to-member-function types: gdb
                        // shows an artificial `this` as `T * const`.
                        artificial_params.push(params.len());
                    }
                    params.push(self.type_of(p, "parameter")?)
                }
                dw::DW_TAG_unspecified_parameters => variadic = true,
                t => self.drop_part(format!("subroutine type child {t}")),
            }
        }
        Ok(TypeDesc::Function {
            params,
            ret: d.reference(dw::DW_AT_type).map(FrontendTy),
            variadic,
            artificial_params,
        })
    }

    fn enumeration(&mut self, off: u64, d: &Die) -> Result<TypeDesc, String> {
        // A declaration without a definition in the input (C++'s opaque
        // `enum class E : int;`) is written as a declaration.
        let opaque = d.flag(dw::DW_AT_declaration);
        let size = match d.udata(dw::DW_AT_byte_size) {
            Some(s) => s,
            None if opaque => d
                .reference(dw::DW_AT_type)
                .and_then(|t| self.size_of(t))
                .unwrap_or(4),
            None => return Err("enum without DW_AT_byte_size".into()),
        };
        let values: Vec<&Die> = d
            .children
            .iter()
            .filter_map(|c| self.dies.map.get(c))
            .filter(|c| c.tag == dw::DW_TAG_enumerator)
            .collect();
        let underlying = match d.reference(dw::DW_AT_type) {
            Some(t) => FrontendTy(t),
            None if opaque => FrontendTy(SYNTH + size * 2 + 1),
            None => {
                self.drop_part("enum without DW_AT_type (underlying type synthesized)");
                let negative = values.iter().any(|v| {
                    matches!(v.attr(dw::DW_AT_const_value), Some(crate::dies::Val::S(x)) if *x < 0)
                });
                FrontendTy(SYNTH + size * 2 + u64::from(negative))
            }
        };
        let signed = self.signed(underlying.0);
        let mut enumerators = Vec::new();
        for v in values {
            let name = v.name().ok_or("enumerator without a name")?;
            let c = v
                .attr(dw::DW_AT_const_value)
                .and_then(|c| DieSource::bits(c, signed, size))
                .ok_or_else(|| format!("enumerator `{name}` without a readable value"))?;
            enumerators.push((name.to_string(), c));
        }
        Ok(TypeDesc::Enum(EnumDesc {
            key: self.key(off, d),
            generic_args: Vec::new(),
            name: d.name().unwrap_or("").to_string(),
            scope: self.scope(off),
            underlying,
            size,
            align: d.udata(dw::DW_AT_alignment).unwrap_or(0) as u32,
            enumerators,
            decl: None,
            enum_class: d.flag(dw::DW_AT_enum_class),
            opaque,
        }))
    }
}

/// A base type DIE.
fn base(d: &Die) -> Result<TypeDesc, String> {
    let name = d.name().ok_or("base type without a name")?;
    let size = d
        .udata(dw::DW_AT_byte_size)
        .ok_or("base type without DW_AT_byte_size")?;
    let e = d.udata(dw::DW_AT_encoding).unwrap_or(0) as u8;
    let encoding = match dw::DwAte(e) {
        dw::DW_ATE_signed => BaseEncoding::Signed,
        dw::DW_ATE_unsigned => BaseEncoding::Unsigned,
        dw::DW_ATE_float => BaseEncoding::Float,
        dw::DW_ATE_boolean => BaseEncoding::Boolean,
        dw::DW_ATE_signed_char => BaseEncoding::SignedChar,
        dw::DW_ATE_unsigned_char => BaseEncoding::UnsignedChar,
        dw::DW_ATE_UTF => BaseEncoding::Utf,
        dw::DW_ATE_complex_float => BaseEncoding::ComplexFloat,
        other => return Err(format!("base type encoding {other}")),
    };
    Ok(TypeDesc::base(name, size, encoding))
}

/// The base type standing in for a missing enum underlying type:
/// `code = size * 2 + signed`, named as C names it.
fn synthesized(code: u64) -> TypeDesc {
    let (size, signed) = (code / 2, code % 2 == 1);
    let name = match (size, signed) {
        (1, true) => "signed char",
        (1, false) => "unsigned char",
        (2, true) => "short int",
        (2, false) => "short unsigned int",
        (4, true) => "int",
        (4, false) => "unsigned int",
        (8, true) => "long int",
        (8, false) => "long unsigned int",
        (_, true) => "__int128",
        (_, false) => "__int128 unsigned",
    };
    let encoding = if signed {
        BaseEncoding::Signed
    } else {
        BaseEncoding::Unsigned
    };
    TypeDesc::base(name, size, encoding)
}
