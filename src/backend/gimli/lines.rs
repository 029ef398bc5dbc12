//! The gimli backend's line program: files, and one sequence of rows per
//! function (the rows are decided by the core; see `crate::lines`).

#![forbid(unsafe_code)]

use gimli::write::{Address, LineProgram, LineString};
use gimli::LineEncoding;

use super::{missing, GimliBackend};
use crate::backend::{CodeInfo, FileIdx};
use crate::error::{err, ErrorKind, Result};

impl GimliBackend {
    /// Starts the line program: its compilation directory and primary file.
    pub(super) fn begin_line_program(&mut self, name: &[u8], comp_dir: &[u8]) {
        let wd = self.line_string(comp_dir);
        let file = self.line_string(name);
        self.dwarf.unit.line_program =
            LineProgram::new(self.encoding, LineEncoding::default(), wd, None, file, None);
    }

    pub(super) fn add_file(
        &mut self,
        file: FileIdx,
        dir: &[u8],
        name: &[u8],
        md5: Option<[u8; 16]>,
    ) -> Result<()> {
        if file.index() != self.files.len() {
            return err(
                ErrorKind::InvalidCode,
                "gimli backend: files announced out of order",
            );
        }
        let dir_id = if dir.is_empty() {
            self.dwarf.unit.line_program.default_directory()
        } else {
            let d = self.line_string(dir);
            self.dwarf.unit.line_program.add_directory(d)
        };
        let n = self.line_string(name);
        let prog = &mut self.dwarf.unit.line_program;
        let info = md5.map(|m| {
            prog.file_has_md5 = true;
            gimli::write::FileInfo {
                md5: m,
                ..Default::default()
            }
        });
        let id = prog.add_file(n, dir_id, info);
        self.files.push(id);
        Ok(())
    }

    /// One line-program sequence: the function's rows from its start
    /// address `low`.
    pub(super) fn add_line_sequence(&mut self, low: Address, code: &CodeInfo<'_>) -> Result<()> {
        let files = &self.files;
        let prog = &mut self.dwarf.unit.line_program;
        prog.begin_sequence(Some(low));
        for r in code.rows {
            let file = files
                .get(r.file.index())
                .copied()
                .ok_or_else(|| missing("file", r.file))?;
            let row = prog.row();
            row.address_offset = r.offset;
            row.file = file;
            row.line = r.line.into();
            row.column = r.col.into();
            row.is_statement = r.is_stmt;
            row.prologue_end = r.prologue_end;
            prog.generate_row();
        }
        prog.end_sequence(code.size);
        Ok(())
    }

    fn line_string(&mut self, bytes: &[u8]) -> LineString {
        if self.encoding.version >= 5 {
            LineString::LineStringRef(self.dwarf.line_strings.add(bytes))
        } else {
            LineString::String(bytes.to_vec())
        }
    }
}
