//! Validation of the frontend's type descriptions: what no debugger could
//! show (or a backend could not encode) is refused before anything is built.

#![forbid(unsafe_code)]

use rustc_hash::FxHashSet;

use super::parts::desc_name;
use crate::check::check_name;
use crate::desc::{BaseEncoding, MethodDesc, TemplateParam, TypeDesc, Virtuality};
use crate::error::{err, ErrorKind, Result};

/// Rejects descriptions no debugger could show.
pub(crate) fn validate(d: &TypeDesc) -> Result<()> {
    let name = desc_name(d);
    match d {
        TypeDesc::Base {
            name,
            size,
            encoding,
        } => {
            check_name("base type name", name)?;
            // A complex float is two floats: `_Complex long double` is 32.
            let max = if *encoding == BaseEncoding::ComplexFloat {
                32
            } else {
                16
            };
            if *size > max {
                return err(
                    ErrorKind::InvalidLayout,
                    format!("base type `{name}` has size {size}; base types are 0 (`()`, `!`) to 16 bytes (complex floats to 32)"),
                );
            }
        }
        TypeDesc::Struct(c) | TypeDesc::Union(c) => {
            check_optional_name("struct/union name", &c.name)?;
            check_fields(name, c.size, &c.fields, matches!(d, TypeDesc::Struct(_)))?;
            check_align(name, c.align)?;
            check_params(&c.template_params)?;
            check_methods(name, &c.methods)?;
            for s in &c.statics {
                check_name("static member name", &s.name)?;
            }
            if let Some(l) = &c.linkage_name {
                check_name("linkage name", l)?;
            }
            let mut nested = FxHashSet::default();
            for t in &c.nested {
                if !nested.insert(*t) {
                    return err(
                        ErrorKind::InvalidLayout,
                        format!(
                            "`{name}` lists nested type #{} twice in CompositeDesc::nested: list each nested type once, in declaration order",
                            t.0
                        ),
                    );
                }
            }
        }
        TypeDesc::Enum(e) => {
            check_optional_name("enum name", &e.name)?;
            check_align(name, e.align)?;
            let mut seen = FxHashSet::default();
            for (n, _) in &e.enumerators {
                check_name("enumerator name", n)?;
                if !seen.insert(n.as_str()) {
                    return err(
                        ErrorKind::InvalidLayout,
                        format!("enum `{name}` has two enumerators named `{n}`"),
                    );
                }
            }
        }
        TypeDesc::TaggedUnion(t) => {
            check_name("tagged union name", &t.name)?;
            check_align(name, t.align)?;
            if let Some(tag) = t.tag {
                if tag.offset >= t.size.max(1) {
                    return err(
                        ErrorKind::InvalidLayout,
                        format!(
                            "tagged union `{name}` has its tag at offset {} outside its size {}",
                            tag.offset, t.size
                        ),
                    );
                }
            }
            let mut seen = FxHashSet::default();
            for v in &t.variants {
                check_name("variant name", &v.name)?;
                if !seen.insert(v.name.as_str()) {
                    return err(
                        ErrorKind::InvalidLayout,
                        format!("tagged union `{name}` has two variants named `{}`", v.name),
                    );
                }
                check_fields(&v.name, t.size, &v.fields, true)?;
                check_params(&v.template_params)?;
            }
            check_params(&t.template_params)?;
            check_methods(&t.name, &t.methods)?;
        }
        TypeDesc::Typedef(t) => check_name("typedef name", &t.name)?,
        TypeDesc::Unspecified { name } => check_name("unspecified type name", name)?,
        TypeDesc::Tuple { elems, size, align } => {
            check_fields("tuple", *size, elems, true)?;
            check_align("tuple", *align)?;
        }
        TypeDesc::Structural(s) => {
            check_name("structural type name", &s.name)?;
            check_fields(&s.name, s.size, &s.fields, true)?;
            check_align(&s.name, s.align)?;
        }
        TypeDesc::Array { align, .. } => check_align("array", *align)?,
        TypeDesc::ArrayOf(a) => {
            check_align("array", a.align)?;
            if a.dims.is_empty() || a.dims.iter().skip(1).any(Option::is_none) {
                return err(
                    ErrorKind::InvalidLayout,
                    format!(
                        "array dimensions {:?}: there must be at least one, and only the first (outermost) may be of unknown bound",
                        a.dims
                    ),
                );
            }
        }
        TypeDesc::PointerTo(p) => {
            if let Some(n) = &p.name {
                check_name("pointer name", n)?;
            }
        }
        TypeDesc::Function {
            params,
            artificial_params,
            ..
        } => check_artificial("a function type", artificial_params, params.len())?,
        TypeDesc::Pointer { .. }
        | TypeDesc::Qualified { .. }
        | TypeDesc::PointerToMember { .. }
        | TypeDesc::Void => {}
    }
    Ok(())
}

/// Names that may be empty (anonymous structs, unions and enums) but not
/// hold NUL.
fn check_optional_name(what: &str, name: &str) -> Result<()> {
    if name.is_empty() {
        return Ok(());
    }
    check_name(what, name)
}

fn check_params(ps: &[TemplateParam]) -> Result<()> {
    for p in ps {
        match p {
            TemplateParam::Type { name, .. } | TemplateParam::Value { name, .. } => {
                check_name("template parameter name", name)?
            }
            TemplateParam::Defaulted(inner) => match &**inner {
                TemplateParam::Type { name, .. } | TemplateParam::Value { name, .. } => {
                    check_name("template parameter name", name)?
                }
                TemplateParam::Pack { .. } | TemplateParam::Defaulted(_) => {
                    return err(
                        ErrorKind::InvalidLayout,
                        format!("template parameter {} is marked `Defaulted` but is not a type or value parameter; only a `Type` or `Value` parameter can have a default argument (a pack cannot)", param_name(inner)),
                    )
                }
            },
            TemplateParam::Pack { name, args } => {
                check_optional_name("template parameter pack name", name)?;
                for a in args {
                    match a {
                        TemplateParam::Type { name: n, .. } | TemplateParam::Value { name: n, .. } => {
                            check_optional_name("template parameter name", n)?
                        }
                        TemplateParam::Pack { .. } | TemplateParam::Defaulted(_) => {
                            return err(
                                ErrorKind::InvalidLayout,
                                format!("template parameter pack `{name}` holds {}; a pack's arguments are `Type` or `Value` parameters (packs do not nest and have no default arguments)", param_name(a)),
                            )
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// How a message names a template parameter.
fn param_name(p: &TemplateParam) -> String {
    match p {
        TemplateParam::Type { name, .. } | TemplateParam::Value { name, .. } => format!("`{name}`"),
        TemplateParam::Pack { name, .. } => format!("the pack `{name}`"),
        TemplateParam::Defaulted(inner) => format!("a defaulted {}", param_name(inner)),
    }
}

/// Names, template parameters, artificial parameters and vtable slots of
/// the methods of `owner`.
fn check_methods(owner: &str, ms: &[MethodDesc]) -> Result<()> {
    for m in ms {
        check_name("method name", &m.name)?;
        if let Some(l) = &m.linkage_name {
            check_name("method linkage name", l)?;
        }
        check_params(&m.template_params)?;
        let what = format!("method `{}` of `{owner}`", m.name);
        check_artificial(&what, &m.artificial_params, m.params.len())?;
        if let Virtuality::Virtual(u32::MAX) | Virtuality::PureVirtual(u32::MAX) = m.virtuality {
            return err(
                ErrorKind::InvalidLayout,
                format!("{what} has vtable slot {}, which is reserved; a virtual method without a slot is `Virtuality::VirtualWithoutSlot` (or `PureVirtualWithoutSlot`)", u32::MAX),
            );
        }
    }
    Ok(())
}

/// Artificial parameter indices: strictly increasing, each naming one of
/// the `n` parameters.
fn check_artificial(what: &str, indices: &[usize], n: usize) -> Result<()> {
    let mut prev = None;
    for &i in indices {
        if i >= n {
            return err(
                ErrorKind::InvalidLayout,
                format!("{what} marks parameter {i} artificial but has {n} parameter(s) (`artificial_params` are indices into `params`, `this` not counted for a method)"),
            );
        }
        if prev.is_some_and(|p| p >= i) {
            return err(
                ErrorKind::InvalidLayout,
                format!("{what} lists artificial parameter {i} after {}; `artificial_params` must be strictly increasing", prev.unwrap_or(0)),
            );
        }
        prev = Some(i);
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
        // An anonymous member (C11/C++ anonymous struct or union) has no
        // name; any other name must be valid and unique.
        if f.offset > size {
            return err(
                ErrorKind::InvalidLayout,
                format!(
                    "field `{}` of `{owner}` is at offset {} beyond the type's size {size}",
                    f.name, f.offset
                ),
            );
        }
        if f.name.is_empty() {
            continue;
        }
        check_name("field name", &f.name)?;
        if is_struct && !seen.insert(f.name.as_str()) {
            return err(
                ErrorKind::InvalidLayout,
                format!("`{owner}` has two fields named `{}`", f.name),
            );
        }
    }
    Ok(())
}
