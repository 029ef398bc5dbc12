//! The variant part of a tagged union (through the C++ shim): the
//! discriminant member, one variant member per variant, and what LLVM cannot
//! write directly: discriminant ranges (expanded, up to a limit) and, with
//! LLVM 19, discriminants beyond 64 bits (refused).

use std::collections::HashSet;

use llvm_sys::prelude::*;

use super::classes::non_null;
use super::types::StubInfo;
use super::{align_bits, bits, ptr, shim, LlvmBackend};
use crate::backend::{DiscrInfo, DiscrValue, MemberInfo, VariantPartInfo};
use crate::error::{err, ErrorKind, Result};

/// LLVM cannot write `DW_AT_discr_list`: a variant selected by ranges of tag
/// values becomes one variant member per value, up to this many values per
/// variant part (beyond, the type is refused with `Unsupported`).
pub const MAX_EXPANDED_DISCRIMINANTS: u128 = 256;

/// The bit pattern of a constant.
pub(super) fn pattern(v: DiscrValue) -> u128 {
    match v {
        DiscrValue::Unsigned(u) => u,
        DiscrValue::Signed(s) => s as u128,
    }
}

/// Every value of the inclusive ranges, if there are at most
/// [`MAX_EXPANDED_DISCRIMINANTS`] - `used` of them.
fn expand(rs: &[(DiscrValue, DiscrValue)], used: u128) -> Result<Vec<DiscrValue>> {
    let mut total = used;
    for &(lo, hi) in rs {
        // Values in one range: hi - lo + 1 (saturating: a full 128-bit
        // range has 2^128), None when lo > hi or the signedness differs.
        let n = match (lo, hi) {
            (DiscrValue::Unsigned(a), DiscrValue::Unsigned(b)) => {
                b.checked_sub(a).map(|d| d.saturating_add(1))
            }
            (DiscrValue::Signed(a), DiscrValue::Signed(b)) if a <= b => {
                Some((b as u128).wrapping_sub(a as u128).saturating_add(1))
            }
            _ => None,
        };
        let Some(n) = n else {
            return err(
                ErrorKind::InvalidLayout,
                format!("discriminant range {lo:?}..={hi:?} is empty or mixes signedness"),
            );
        };
        total = total.saturating_add(n);
    }
    if total > MAX_EXPANDED_DISCRIMINANTS {
        return err(
            ErrorKind::Unsupported,
            format!("the LLVM backend cannot write discriminant ranges (LLVM has no DW_AT_discr_list) and expands them into one variant per value, but this variant part's ranges hold {total} values, more than {MAX_EXPANDED_DISCRIMINANTS}: use the gimli backend, or fewer values"),
        );
    }
    let mut out = Vec::with_capacity((total - used) as usize);
    for &(lo, hi) in rs {
        match (lo, hi) {
            (DiscrValue::Unsigned(a), DiscrValue::Unsigned(b)) => {
                out.extend((a..=b).map(DiscrValue::Unsigned))
            }
            (DiscrValue::Signed(a), DiscrValue::Signed(b)) => {
                out.extend((a..=b).map(DiscrValue::Signed))
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The scope of a data or variant member named `name` of the composite
/// `temp`. LLVM uniques the `DW_TAG_member`s of a type with an identifier by
/// name alone (`isODRMember`), so a second member of the same name (the
/// copies of an expanded discriminant range, a repeated variant or field
/// name) would become the first one, offset and discriminant included.
/// Those repeats are scoped nowhere instead: a data member's scope is not
/// written to the DWARF, its place among the elements is.
pub(super) fn member_scope<'a>(
    seen: &mut HashSet<&'a str>,
    name: &'a str,
    temp: LLVMMetadataRef,
) -> LLVMMetadataRef {
    if name.is_empty() || seen.insert(name) {
        temp
    } else {
        std::ptr::null_mut()
    }
}

/// LLVM 19 writes a `DW_AT_discr_value` with `getZExtValue`/`getSExtValue`,
/// keeping only 64 bits of a wider value (LLVM 22 writes it as a block):
/// with LLVM 19 a value beyond 64 bits is refused rather than written wrong.
fn check_discriminant_width(x: DiscrValue, variant: &str) -> Result<()> {
    let fits = match x {
        DiscrValue::Unsigned(u) => u64::try_from(u).is_ok(),
        DiscrValue::Signed(s) => i64::try_from(s).is_ok(),
    };
    if cfg!(feature = "llvm22") || fits {
        return Ok(());
    }
    err(
        ErrorKind::Unsupported,
        format!("variant `{variant}`: LLVM 19 writes only the low 64 bits of a discriminant, and {x:?} needs more; build dwarfsmith with the llvm22 feature or use the gimli backend"),
    )
}

impl LlvmBackend<'_> {
    /// The variant part of a tagged union: the discriminant member (if any)
    /// and the variant members, all scoped in the (temporary) stub. Ranges
    /// of tag values become one variant member per value.
    pub(super) fn variant_part<'a>(
        &self,
        temp: LLVMMetadataRef,
        info: &StubInfo,
        members: &[MemberInfo<'a>],
        vp: &VariantPartInfo<'a>,
        seen: &mut HashSet<&'a str>,
    ) -> Result<LLVMMetadataRef> {
        let discr = match vp.discr_member {
            None => None,
            Some(i) => match members.get(i) {
                Some(m) => Some(m),
                None => {
                    return err(
                        ErrorKind::InvalidLayout,
                        "the variant part's discriminant is not a member",
                    )
                }
            },
        };
        let (discr_md, tag_bits) = match discr {
            Some(d) => (
                self.member(member_scope(seen, d.name, temp), d)?,
                bits(d.size)?,
            ),
            None => (std::ptr::null_mut(), 0),
        };
        let mut used = 0u128;
        let mut elems = Vec::with_capacity(vp.variants.len());
        for v in vp.variants {
            let values = match (discr, v.discriminant) {
                (None, _) | (_, DiscrInfo::Default) => vec![None],
                (Some(_), DiscrInfo::Value(x)) => vec![Some(x)],
                (Some(_), DiscrInfo::Ranges(rs)) => {
                    let vals = expand(rs, used)?;
                    used += vals.len() as u128;
                    vals.into_iter().map(Some).collect()
                }
            };
            let m = &v.member;
            let ty = self.type_md(m.ty)?;
            let (n, nl) = ptr(m.name);
            let (size, align, offset) = (bits(m.size)?, align_bits(m.align)?, bits(m.offset)?);
            for x in values {
                if let Some(x) = x {
                    check_discriminant_width(x, m.name)?;
                }
                let scope = member_scope(seen, m.name, temp);
                let value = match x {
                    Some(x) => self.const_int(tag_bits, x, m.name)?,
                    None => std::ptr::null_mut(),
                };
                // SAFETY: live DIBuilder and nodes; the discriminant is a
                // ConstantInt of the tag's width or null.
                let md = unsafe {
                    shim::dwarfsmith_di_variant_member(
                        self.dib, scope, n, nl, size, align, offset, value, ty,
                    )
                };
                elems.push(non_null(md, "a variant member")?);
            }
        }
        let id = format!("{}::variant_part", info.identifier);
        let (i, il) = ptr(&id);
        let (size, align) = (bits(info.size)?, align_bits(info.align)?);
        // SAFETY: live DIBuilder and nodes (the discriminator may be null:
        // a tag-less part); the element array is read during the call only.
        let part = unsafe {
            shim::dwarfsmith_di_variant_part(
                self.dib,
                temp,
                std::ptr::null_mut(),
                0,
                size,
                align,
                discr_md,
                elems.as_mut_ptr(),
                elems.len() as u32,
                i,
                il,
            )
        };
        non_null(part, "a variant part")
    }
}
