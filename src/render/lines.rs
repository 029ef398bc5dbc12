//! Rendering of line number programs and of file indexes.
//!
//! For each unit with a line program the output is:
//!
//! ```text
//! line program for unit #0 (DWARF 5)
//!   files
//!     0 list.c
//!     1 list.c
//!     2 /usr/include/stdio.h
//!   sequence
//!     list.c:9:1 +0 stmt
//!     list.c:10:12 +8 stmt prologue_end
//!     list.c:11:1 +20 stmt end_sequence
//! ```
//!
//! Each row is `file:line:column`, then the row's address as a byte offset
//! from the start of its sequence (`+N`, decimal), then its flags: `stmt`,
//! `basic_block`, `prologue_end`, `epilogue_begin`, `end_sequence`,
//! `discriminator=N`, `isa=N`, `op_index=N` (the last three only when
//! nonzero). Offsets relative to the sequence start do not depend on where
//! the code is placed, only on the code itself, so they are stable across
//! links and machines. Line 0 and "left edge" column are shown as `0`.
//!
//! A unit whose line program is one already shown (type units share their
//! compile unit's) gets a single line: `line program for unit #1: same as
//! unit #0`.
//!
//! A file is shown as its path: the file name joined to its include
//! directory, except that directory 0 (the compilation directory) is left
//! out, and an absolute file name is used alone. `path_prefix` replacement
//! applies to the resulting path.

#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{gimli_err, Ctx, RenderError, Unit};

/// Renders file `index` of the unit's line program as a path (see the module
/// docs), or `<file N>` when the unit has no such file.
pub(crate) fn file_path(ctx: &Ctx, unit: &Unit, index: u64) -> Result<String, RenderError> {
    let Some(program) = &unit.line_program else {
        return Ok(format!("<file {index}>"));
    };
    let header = program.header();
    let Some(file) = header.file(index) else {
        return Ok(format!("<file {index}>"));
    };
    let name = ctx
        .dwarf
        .attr_string(unit, file.path_name())
        .map_err(|e| gimli_err("reading a file name of the line program header", e))?
        .to_string_lossy()
        .into_owned();
    let mut path = name.clone();
    if !name.starts_with('/') && file.directory_index() != 0 {
        if let Some(dir) = file.directory(header) {
            let dir = ctx
                .dwarf
                .attr_string(unit, dir)
                .map_err(|e| gimli_err("reading a directory of the line program header", e))?;
            let dir = dir.to_string_lossy();
            if !dir.is_empty() {
                path = format!("{}/{name}", dir.trim_end_matches('/'));
            }
        }
    }
    Ok(ctx.replace_prefix(&path))
}

/// Prefixes an error with the unit it occurred in.
fn in_unit(label: &str, err: RenderError) -> RenderError {
    RenderError::new(format!("{label} line program: {}", err.message()))
}

/// Appends the line program of `unit` to `out`, if it has one.
pub(crate) fn render_line_program(
    ctx: &Ctx,
    label: &str,
    unit: &Unit,
    seen: &mut BTreeMap<usize, String>,
    out: &mut String,
) -> Result<(), RenderError> {
    let Some(program) = unit.line_program.clone() else {
        return Ok(());
    };
    let header = program.header();
    // Type units usually share their compile unit's line program.
    let offset = header.offset().0;
    if let Some(first) = seen.get(&offset) {
        let _ = writeln!(out, "line program for {label}: same as {first}");
        return Ok(());
    }
    seen.insert(offset, label.to_string());
    let _ = writeln!(out, "line program for {label} (DWARF {})", header.version());
    out.push_str("  files\n");
    // DWARF 5 numbers files from 0, earlier versions from 1.
    let first = if header.version() >= 5 { 0 } else { 1 };
    for i in 0..header.file_names().len() as u64 {
        let index = i + first;
        let path = file_path(ctx, unit, index).map_err(|e| in_unit(label, e))?;
        let _ = writeln!(out, "    {index} {path}");
    }
    let mut rows = program.rows();
    let mut seq_start: Option<u64> = None;
    let mut last_file: Option<(u64, String)> = None;
    loop {
        let row = match rows.next_row() {
            Ok(Some((_, row))) => *row,
            Ok(None) => break,
            Err(e) => return Err(gimli_err(format!("{label}: reading line program rows"), e)),
        };
        let start = *seq_start.get_or_insert_with(|| {
            out.push_str("  sequence\n");
            row.address()
        });
        let file = match &last_file {
            Some((index, name)) if *index == row.file_index() => name.clone(),
            _ => {
                let name = file_path(ctx, unit, row.file_index()).map_err(|e| in_unit(label, e))?;
                last_file = Some((row.file_index(), name.clone()));
                name
            }
        };
        let line = row.line().map_or(0, |l| l.get());
        let column = match row.column() {
            gimli::ColumnType::LeftEdge => 0,
            gimli::ColumnType::Column(c) => c.get(),
        };
        let offset = row.address().wrapping_sub(start);
        let _ = write!(out, "    {file}:{line}:{column} +{offset}");
        let flags = [
            (row.is_stmt(), "stmt"),
            (row.basic_block(), "basic_block"),
            (row.prologue_end(), "prologue_end"),
            (row.epilogue_begin(), "epilogue_begin"),
            (row.end_sequence(), "end_sequence"),
        ];
        for (set, name) in flags {
            if set {
                out.push(' ');
                out.push_str(name);
            }
        }
        for (value, name) in [
            (row.discriminator(), "discriminator"),
            (row.isa(), "isa"),
            (row.op_index(), "op_index"),
        ] {
            if value != 0 {
                let _ = write!(out, " {name}={value}");
            }
        }
        out.push('\n');
        if row.end_sequence() {
            seq_start = None;
        }
    }
    Ok(())
}
