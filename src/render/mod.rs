//! A stable, offset-free text rendering of the DWARF in an object file, for
//! snapshot tests.
//!
//! [`render_object`] reads an ELF object (a relocatable `.o` such as
//! `gcc -g -c` produces, or a linked executable), applies the relocations of
//! its debug sections, and renders:
//!
//! 1. every unit of `.debug_info` (and `.debug_types`) as a tree of DIEs;
//! 2. optionally, every unit's line program ([`RenderOptions::line_table`]);
//! 3. optionally, a summary of `.eh_frame`/`.debug_frame`
//!    ([`RenderOptions::call_frames`]).
//!
//! # Format
//!
//! ```text
//! unit #0: compile, DWARF 5
//!   DW_TAG_compile_unit
//!     DW_AT_producer "GNU C17 12.2.0 -mtune=generic -march=x86-64 -g"
//!     DW_AT_language DW_LANG_C11
//!     DW_AT_name "list.c"
//!     DW_AT_comp_dir "$DIR"
//!     DW_AT_low_pc <addr>
//!     DW_AT_high_pc <size>
//!     DW_AT_stmt_list <line program>
//!     DW_TAG_structure_type
//!       DW_AT_name "List"
//!       DW_AT_byte_size 16
//!       ...
//!       DW_TAG_member
//!         DW_AT_name "next"
//!         DW_AT_type -> *List
//! ```
//!
//! Units are numbered in section order (`.debug_info` first). A DIE is its
//! tag name indented by two spaces per depth (the unit DIE at depth 1), with
//! its attributes, in their order in the DIE, one per line two spaces further
//! in, followed by its children. Attribute values are rendered as described
//! in the `attrs` module: strings are quoted, constants are decimal,
//! enumerations use their `DW_*` names, references show the target DIE's
//! qualified name or type description (`-> *List`), expressions are
//! disassembled (`[DW_OP_fbreg -24]`), and addresses, code sizes and section
//! offsets become placeholders (`<addr>`, `<size>`). No section offset or
//! address appears anywhere in the output, and nothing depends on hash order,
//! so the output is identical across runs and machines for identical input.
//!
//! Line programs and call frames are described in the `lines` and `cfi`
//! modules.
//!
//! # Errors
//!
//! Malformed input yields a [`RenderError`] that says what could not be read
//! and where; rendering never panics and always terminates.

#![forbid(unsafe_code)]

mod attrs;
mod cfi;
mod expr;
mod lines;
mod names;
mod reloc;

use std::fmt::{self, Write as _};

/// The reader type used for all sections.
pub(crate) type R<'a> = gimli::EndianSlice<'a, gimli::RunTimeEndian>;
/// A parsed unit.
pub(crate) type Unit<'a> = gimli::Unit<R<'a>>;

/// Maximum indentation depth; deeper DIEs are rendered at this depth.
const MAX_INDENT_DEPTH: usize = 64;

/// What [`render_object`] renders in addition to the DIE tree, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// Render each unit's line program (rows as `file:line:col +offset
    /// flags`). Default: `true`.
    pub line_table: bool,
    /// Render a summary of `.eh_frame` and `.debug_frame` (CIE and FDE
    /// counts and instruction counts). Default: `false`.
    pub call_frames: bool,
    /// `Some((prefix, replacement))`: every rendered string and file path
    /// that starts with `prefix` has that prefix replaced by `replacement`,
    /// e.g. `("/home/me/proj".into(), "$DIR".into())` to make `DW_AT_comp_dir`
    /// machine-independent. The match is a plain string prefix. Default:
    /// `None`.
    pub path_prefix: Option<(String, String)>,
}

impl Default for RenderOptions {
    /// Line tables on, call frames off, no path replacement.
    fn default() -> Self {
        RenderOptions {
            line_table: true,
            call_frames: false,
            path_prefix: None,
        }
    }
}

/// Why an object could not be rendered.
///
/// Its message (from [`Display`](fmt::Display) or [`RenderError::message`])
/// says what is wrong and where: not an object file, no DWARF sections, a
/// relocation or section that cannot be applied or read, or a DWARF read
/// error with the unit and the kind of data being read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderError {
    message: String,
}

impl RenderError {
    pub(crate) fn new(message: impl Into<String>) -> RenderError {
        RenderError {
            message: message.into(),
        }
    }

    /// The human-readable description of the error.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RenderError {}

/// A gimli error with context.
pub(crate) fn gimli_err(context: impl fmt::Display, err: gimli::Error) -> RenderError {
    RenderError::new(format!("DWARF read error ({context}): {err}"))
}

/// The name of a tag, or `DW_TAG_0x..` when gimli does not know it.
pub(crate) fn tag_name(tag: gimli::DwTag) -> String {
    match tag.static_string() {
        Some(s) => s.to_string(),
        None => format!("DW_TAG_{:#x}", tag.0),
    }
}

/// The name of an attribute, or `DW_AT_0x..` when gimli does not know it.
pub(crate) fn at_name(at: gimli::DwAt) -> String {
    match at.static_string() {
        Some(s) => s.to_string(),
        None => format!("DW_AT_{:#x}", at.0),
    }
}

/// What the rendering functions share.
pub(crate) struct Ctx<'a> {
    pub dwarf: &'a gimli::Dwarf<R<'a>>,
    pub index: &'a names::DieIndex,
    pub opts: &'a RenderOptions,
}

impl Ctx<'_> {
    /// Applies [`RenderOptions::path_prefix`] to `s`.
    pub fn replace_prefix(&self, s: &str) -> String {
        match &self.opts.path_prefix {
            Some((prefix, replacement)) if !prefix.is_empty() => match s.strip_prefix(prefix) {
                Some(rest) => format!("{replacement}{rest}"),
                None => s.to_string(),
            },
            _ => s.to_string(),
        }
    }
}

/// Renders the DWARF of the object file `bytes` as described in the module
/// documentation.
///
/// Returns an error when `bytes` is not an object file, has neither
/// `.debug_info` nor `.debug_types`, or contains DWARF that cannot be read.
pub fn render_object(bytes: &[u8], opts: &RenderOptions) -> Result<String, RenderError> {
    let sections = reloc::load_sections(bytes)?;
    if !sections.has(".debug_info") && !sections.has(".debug_types") {
        return Err(RenderError::new(
            "not a DWARF object: no .debug_info or .debug_types section",
        ));
    }
    let endian = if sections.little_endian {
        gimli::RunTimeEndian::Little
    } else {
        gimli::RunTimeEndian::Big
    };
    let load = |id: gimli::SectionId| -> Result<R, RenderError> {
        Ok(gimli::EndianSlice::new(sections.get(id.name()), endian))
    };
    let dwarf = gimli::Dwarf::load(load)?;
    let units = read_units(&dwarf)?;
    let index = names::DieIndex::build(&dwarf, &units)?;
    let ctx = Ctx {
        dwarf: &dwarf,
        index: &index,
        opts,
    };
    let mut out = String::new();
    for (label, unit) in &units {
        render_dies(&ctx, label, unit, &mut out)?;
    }
    if opts.line_table {
        let mut seen = std::collections::BTreeMap::new();
        for (title, unit) in &units {
            let label = title.split(':').next().unwrap_or(title);
            lines::render_line_program(&ctx, label, unit, &mut seen, &mut out)?;
        }
    }
    if opts.call_frames {
        let section = |name: &str| {
            sections
                .has(name)
                .then(|| gimli::EndianSlice::new(sections.get(name), endian))
        };
        cfi::render_call_frames(
            section(".eh_frame"),
            section(".debug_frame"),
            sections.address_size,
            &mut out,
        )?;
    }
    Ok(out)
}

/// Parses all units of `.debug_info` and `.debug_types`, labelled
/// `unit #N: KIND, DWARF V` in section order.
fn read_units<'a>(dwarf: &gimli::Dwarf<R<'a>>) -> Result<Vec<(String, Unit<'a>)>, RenderError> {
    let mut headers = Vec::new();
    let mut iter = dwarf.units();
    loop {
        match iter.next() {
            Ok(Some(header)) => headers.push(header),
            Ok(None) => break,
            Err(e) => {
                let what = format!("reading the header of .debug_info unit #{}", headers.len());
                return Err(gimli_err(what, e));
            }
        }
    }
    let mut iter = dwarf.type_units();
    loop {
        match iter.next() {
            Ok(Some(header)) => headers.push(header),
            Ok(None) => break,
            Err(e) => {
                let what = format!(
                    "reading the header of unit #{} (.debug_types)",
                    headers.len()
                );
                return Err(gimli_err(what, e));
            }
        }
    }
    let mut units = Vec::new();
    for (number, header) in headers.into_iter().enumerate() {
        let kind = match header.type_() {
            gimli::UnitType::Compilation => "compile".to_string(),
            gimli::UnitType::Type { type_signature, .. } => {
                format!("type {:#018x}", type_signature.0)
            }
            gimli::UnitType::Partial => "partial".to_string(),
            gimli::UnitType::Skeleton(id) => format!("skeleton {:#018x}", id.0),
            gimli::UnitType::SplitCompilation(id) => format!("split_compile {:#018x}", id.0),
            gimli::UnitType::SplitType { type_signature, .. } => {
                format!("split_type {:#018x}", type_signature.0)
            }
        };
        let label = format!("unit #{number}");
        let unit = dwarf.unit(header).map_err(|e| {
            gimli_err(
                format!("reading {label} (root DIE, abbreviations, line program header)"),
                e,
            )
        })?;
        let title = format!("{label}: {kind}, DWARF {}", unit.header.version());
        units.push((title, unit));
    }
    Ok(units)
}

/// Appends the DIE tree of `unit` to `out`.
fn render_dies(ctx: &Ctx, title: &str, unit: &Unit, out: &mut String) -> Result<(), RenderError> {
    out.push_str(title);
    out.push('\n');
    let label = title.split(':').next().unwrap_or(title);
    let mut cursor = unit.entries();
    loop {
        let entry = match cursor.next_dfs() {
            Ok(Some(entry)) => entry,
            Ok(None) => break,
            Err(e) => return Err(gimli_err(format!("reading the DIEs of {label}"), e)),
        };
        let depth = usize::try_from(entry.depth())
            .unwrap_or(0)
            .min(MAX_INDENT_DEPTH);
        let indent = "  ".repeat(depth + 1);
        let _ = writeln!(out, "{indent}{}", tag_name(entry.tag()));
        for attr in entry.attrs() {
            let rendered = attrs::render_attr(ctx, unit, attr).map_err(|e| {
                RenderError::new(format!(
                    "{label}, {} {}: {}",
                    tag_name(entry.tag()),
                    at_name(attr.name()),
                    e.message()
                ))
            })?;
            let Some((text, extra)) = rendered else {
                continue;
            };
            let _ = writeln!(out, "{indent}  {} {text}", at_name(attr.name()));
            for line in extra {
                let _ = writeln!(out, "{indent}    {line}");
            }
        }
    }
    Ok(())
}
