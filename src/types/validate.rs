//! Validation of the frontend's type descriptions: what no debugger could
//! show (or a backend could not encode) is refused before anything is built.

#![forbid(unsafe_code)]

use rustc_hash::FxHashSet;

use super::parts::desc_name;
use crate::check::check_name;
use crate::desc::TypeDesc;
use crate::error::{err, ErrorKind, Result};

/// Rejects descriptions no debugger could show.
pub(crate) fn validate(d: &TypeDesc) -> Result<()> {
    let name = desc_name(d);
    match d {
        TypeDesc::Base { name, size, .. } => {
            check_name("base type name", name)?;
            if *size == 0 || *size > 16 {
                return err(
                    ErrorKind::InvalidLayout,
                    format!("base type `{name}` has size {size}; base types are 1 to 16 bytes"),
                );
            }
        }
        TypeDesc::Struct(c) | TypeDesc::Union(c) => {
            check_name("struct/union name", &c.name)?;
            check_fields(name, c.size, &c.fields, matches!(d, TypeDesc::Struct(_)))?;
            check_align(name, c.align)?;
        }
        TypeDesc::Enum(e) => {
            check_name("enum name", &e.name)?;
            check_align(name, e.align)?;
            for (n, _) in &e.enumerators {
                check_name("enumerator name", n)?;
            }
        }
        TypeDesc::TaggedUnion(t) => {
            check_name("tagged union name", &t.name)?;
            check_align(name, t.align)?;
            if t.tag_offset >= t.size.max(1) {
                return err(
                    ErrorKind::InvalidLayout,
                    format!(
                        "tagged union `{name}` has its tag at offset {} outside its size {}",
                        t.tag_offset, t.size
                    ),
                );
            }
            for v in &t.variants {
                check_name("variant name", &v.name)?;
                check_fields(&v.name, t.size, &v.fields, true)?;
            }
        }
        TypeDesc::Typedef(t) => check_name("typedef name", &t.name)?,
        TypeDesc::Tuple { elems, size, align } => {
            check_fields("tuple", *size, elems, true)?;
            check_align("tuple", *align)?;
        }
        TypeDesc::Array { align, .. } => check_align("array", *align)?,
        TypeDesc::Pointer { .. } | TypeDesc::Function { .. } => {}
    }
    Ok(())
}

fn check_align(name: &str, align: u32) -> Result<()> {
    if align != 0 && !align.is_power_of_two() {
        return err(
            ErrorKind::InvalidLayout,
            format!("`{name}` has alignment {align}, which is not a power of two"),
        );
    }
    Ok(())
}

pub(crate) fn check_fields(
    owner: &str,
    size: u64,
    fields: &[crate::desc::FieldDesc],
    is_struct: bool,
) -> Result<()> {
    let mut seen = FxHashSet::default();
    for f in fields {
        check_name("field name", &f.name)?;
        if f.offset > size {
            return err(
                ErrorKind::InvalidLayout,
                format!(
                    "field `{}` of `{owner}` is at offset {} beyond the type's size {size}",
                    f.name, f.offset
                ),
            );
        }
        if is_struct && !seen.insert(f.name.as_str()) {
            return err(
                ErrorKind::InvalidLayout,
                format!("`{owner}` has two fields named `{}`", f.name),
            );
        }
    }
    Ok(())
}
