//! perf's map files for JIT code: `/tmp/perf-PID.map`, one line per
//! function, `START SIZE NAME` with START and SIZE in hex (no `0x`), so
//! `perf report` names JIT functions.

#![forbid(unsafe_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use super::JitFunction;
use crate::error::{Error, ErrorKind, Result};

/// An append-only perf map file.
#[derive(Debug)]
pub struct PerfMap {
    path: PathBuf,
    file: std::fs::File,
}

fn io_err(path: &Path, e: std::io::Error) -> Error {
    Error::new(
        ErrorKind::Backend,
        format!("cannot write the perf map {}: {e}", path.display()),
    )
}

impl PerfMap {
    /// Opens (appending) `/tmp/perf-PID.map` of this process, where perf
    /// looks for it.
    pub fn for_this_process() -> Result<PerfMap> {
        PerfMap::open(format!("/tmp/perf-{}.map", std::process::id()))
    }

    /// Opens (appending, creating) the map at `path`.
    pub fn open(path: impl Into<PathBuf>) -> Result<PerfMap> {
        let path = path.into();
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| io_err(&path, e))?;
        Ok(PerfMap { path, file })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line per function and flushes. Names with a newline get
    /// it replaced by a space (a line is one entry).
    pub fn write_functions(&mut self, functions: &[JitFunction]) -> Result<()> {
        let mut text = String::new();
        for f in functions {
            text.push_str(&format!(
                "{:x} {:x} {}\n",
                f.address,
                f.size,
                f.name.replace(['\n', '\r'], " ")
            ));
        }
        self.file
            .write_all(text.as_bytes())
            .and_then(|()| self.file.flush())
            .map_err(|e| io_err(&self.path, e))
    }
}
