//! Rendering of one attribute value.
//!
//! | value | shown as |
//! | --- | --- |
//! | strings (inline, `.debug_str`, `.debug_line_str`, `strx`) | `"text"`, escaped like a Rust string, `path_prefix` applied |
//! | flags | `true` / `false` |
//! | constants | decimal; `DW_FORM_sdata` signed, other data forms unsigned, `data16` as hex |
//! | enumerations (`DW_AT_encoding`, `DW_AT_language`, `DW_AT_inline`, ...) | constant name: `DW_ATE_signed` |
//! | `DW_AT_decl_file`, `DW_AT_call_file` | the file's path, quoted (see `lines`) |
//! | references to DIEs | `-> ` and the target's description (see `names`) |
//! | type signatures (`DW_AT_signature`) | like references when the object has the type unit, else `-> <type signature 0x...>` |
//! | expressions | disassembly, see `expr` |
//! | location lists | `(location list)`, then one line per entry below: `- [expr]` |
//! | addresses (`DW_AT_low_pc`, `DW_AT_entry_pc`, ...) | `<addr>` |
//! | `DW_AT_high_pc` as a length | `<size>` |
//! | range lists (`DW_AT_ranges`) | `<N ranges>` (entries that are not base addresses) |
//! | other section offsets (`DW_AT_stmt_list`, `*_base`, macros) | `<line program>`, `<section offset>`, `<macros>` |
//! | blocks | `block 0x0102...` |
//! | DWO ids | `0x` and 16 hex digits |
//!
//! `DW_AT_sibling` is not rendered at all: it only encodes the DIE layout.

#![forbid(unsafe_code)]

use gimli::{constants as dw, AttributeValue};

use super::expr::{self, DieRef};
use super::{gimli_err, lines, names, Ctx, RenderError, Unit, R};

/// Renders the value of `attr`, returning the text that follows the
/// attribute name and any extra lines to be indented below it; `None` if the
/// attribute is not shown at all.
pub(crate) fn render_attr(
    ctx: &Ctx,
    unit: &Unit,
    attr: &gimli::Attribute<R>,
) -> Result<Option<(String, Vec<String>)>, RenderError> {
    let name = attr.name();
    if name == dw::DW_AT_sibling {
        return Ok(None);
    }
    let value = attr.value();
    let mut extra = Vec::new();
    let text = match value {
        AttributeValue::Addr(_) | AttributeValue::DebugAddrIndex(_) => "<addr>".to_string(),
        _ if name == dw::DW_AT_high_pc => "<size>".to_string(),
        AttributeValue::String(_)
        | AttributeValue::DebugStrRef(_)
        | AttributeValue::DebugStrRefSup(_)
        | AttributeValue::DebugStrOffsetsIndex(_)
        | AttributeValue::DebugLineStrRef(_) => {
            let s = ctx.dwarf.attr_string(unit, value).map_err(|e| {
                gimli_err(format!("reading the string of {}", super::at_name(name)), e)
            })?;
            quote(&ctx.replace_prefix(&s.to_string_lossy()))
        }
        AttributeValue::Flag(b) => b.to_string(),
        AttributeValue::Data1(v) => v.to_string(),
        AttributeValue::Data2(v) => v.to_string(),
        AttributeValue::Data4(v) => v.to_string(),
        AttributeValue::Data8(v) => v.to_string(),
        AttributeValue::Data16(v) => format!("{v:#034x}"),
        AttributeValue::Sdata(v) => v.to_string(),
        AttributeValue::Udata(v) => v.to_string(),
        AttributeValue::Block(b) => {
            let mut text = String::from("block 0x");
            for byte in b.slice() {
                text.push_str(&format!("{byte:02x}"));
            }
            text
        }
        AttributeValue::Exprloc(e) => {
            expr::disassemble(e.0, unit.encoding(), &|r| resolve_op_ref(ctx, unit, r))
        }
        AttributeValue::UnitRef(_) | AttributeValue::DebugInfoRef(_) => {
            match names::ref_key(unit, &value) {
                Some(key) => format!("-> {}", ctx.index.describe(key)),
                None => "-> <unresolved reference>".to_string(),
            }
        }
        AttributeValue::DebugInfoRefSup(_) => "-> <supplementary file reference>".to_string(),
        AttributeValue::DebugTypesRef(sig) => match ctx.index.describe_signature(sig.0) {
            Some(text) => format!("-> {text}"),
            None => format!("-> <type signature {:#018x}>", sig.0),
        },
        AttributeValue::DwoId(id) => format!("{:#018x}", id.0),
        AttributeValue::LocationListsRef(_) | AttributeValue::DebugLocListsIndex(_) => {
            extra = location_list(ctx, unit, value)?;
            "(location list)".to_string()
        }
        AttributeValue::RangeListsRef(_) | AttributeValue::DebugRngListsIndex(_) => {
            format!("<{} ranges>", count_ranges(ctx, unit, value)?)
        }
        AttributeValue::DebugLineRef(_) => "<line program>".to_string(),
        AttributeValue::DebugMacinfoRef(_) | AttributeValue::DebugMacroRef(_) => {
            "<macros>".to_string()
        }
        AttributeValue::SecOffset(_)
        | AttributeValue::DebugAddrBase(_)
        | AttributeValue::DebugLocListsBase(_)
        | AttributeValue::DebugRngListsBase(_)
        | AttributeValue::DebugStrOffsetsBase(_) => "<section offset>".to_string(),
        AttributeValue::FileIndex(index) => quote(&lines::file_path(ctx, unit, index)?),
        AttributeValue::Encoding(v) => const_name(v.static_string(), "DW_ATE", v.0.into()),
        AttributeValue::DecimalSign(v) => const_name(v.static_string(), "DW_DS", v.0.into()),
        AttributeValue::Endianity(v) => const_name(v.static_string(), "DW_END", v.0.into()),
        AttributeValue::Accessibility(v) => const_name(v.static_string(), "DW_ACCESS", v.0.into()),
        AttributeValue::Visibility(v) => const_name(v.static_string(), "DW_VIS", v.0.into()),
        AttributeValue::Virtuality(v) => const_name(v.static_string(), "DW_VIRTUALITY", v.0.into()),
        AttributeValue::Language(v) => const_name(v.static_string(), "DW_LANG", v.0.into()),
        AttributeValue::AddressClass(v) => const_name(v.static_string(), "DW_ADDR", v.0),
        AttributeValue::IdentifierCase(v) => const_name(v.static_string(), "DW_ID", v.0.into()),
        AttributeValue::CallingConvention(v) => const_name(v.static_string(), "DW_CC", v.0.into()),
        AttributeValue::Inline(v) => const_name(v.static_string(), "DW_INL", v.0.into()),
        AttributeValue::Ordering(v) => const_name(v.static_string(), "DW_ORD", v.0.into()),
    };
    Ok(Some((text, extra)))
}

/// The name of a constant, or `PREFIX_0x..` when gimli does not know it.
fn const_name(name: Option<&'static str>, prefix: &str, value: u64) -> String {
    match name {
        Some(name) => name.to_string(),
        None => format!("{prefix}_{value:#x}"),
    }
}

/// Quotes a string with Rust-like escapes so that every rendered string is
/// on one line.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Describes a DIE referenced from an expression operand.
fn resolve_op_ref(ctx: &Ctx, unit: &Unit, r: DieRef) -> String {
    let key = match r {
        DieRef::Unit(offset) => usize::try_from(offset)
            .ok()
            .map(|o| names::key_in_unit(unit, gimli::UnitOffset(o))),
        DieRef::Info(offset) => usize::try_from(offset).ok().and_then(|o| {
            names::ref_key(
                unit,
                &AttributeValue::DebugInfoRef(gimli::DebugInfoOffset(o)),
            )
        }),
    };
    match key {
        Some(key) => ctx.index.describe(key),
        None => "<unresolved reference>".to_string(),
    }
}

/// One line per location list entry that carries an expression.
fn location_list(
    ctx: &Ctx,
    unit: &Unit,
    value: AttributeValue<R>,
) -> Result<Vec<String>, RenderError> {
    let context = "reading a location list";
    let offset = ctx
        .dwarf
        .attr_locations_offset(unit, value)
        .map_err(|e| gimli_err(context, e))?;
    let Some(offset) = offset else {
        return Ok(Vec::new());
    };
    let mut iter = ctx
        .dwarf
        .raw_locations(unit, offset)
        .map_err(|e| gimli_err(context, e))?;
    let mut lines = Vec::new();
    loop {
        let entry = match iter.next() {
            Ok(Some(entry)) => entry,
            Ok(None) => break,
            Err(e) => return Err(gimli_err(context, e)),
        };
        use gimli::RawLocListEntry::*;
        let (label, data) = match entry {
            BaseAddress { .. } | BaseAddressx { .. } => continue,
            DefaultLocation { data } => ("default ", data),
            AddressOrOffsetPair { data, .. }
            | OffsetPair { data, .. }
            | StartEnd { data, .. }
            | StartLength { data, .. }
            | StartxEndx { data, .. }
            | StartxLength { data, .. } => ("", data),
        };
        let text = expr::disassemble(data.0, unit.encoding(), &|r| resolve_op_ref(ctx, unit, r));
        lines.push(format!("- {label}{text}"));
    }
    Ok(lines)
}

/// The number of range list entries that describe a range.
fn count_ranges(ctx: &Ctx, unit: &Unit, value: AttributeValue<R>) -> Result<usize, RenderError> {
    let context = "reading a range list";
    let offset = ctx
        .dwarf
        .attr_ranges_offset(unit, value)
        .map_err(|e| gimli_err(context, e))?;
    let Some(offset) = offset else {
        return Ok(0);
    };
    let mut iter = ctx
        .dwarf
        .raw_ranges(unit, offset)
        .map_err(|e| gimli_err(context, e))?;
    let mut count = 0;
    loop {
        match iter.next() {
            Ok(Some(gimli::RawRngListEntry::BaseAddress { .. }))
            | Ok(Some(gimli::RawRngListEntry::BaseAddressx { .. })) => {}
            Ok(Some(_)) => count += 1,
            Ok(None) => return Ok(count),
            Err(e) => return Err(gimli_err(context, e)),
        }
    }
}
