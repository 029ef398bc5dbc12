//! [`Files`]: the source files of one compile unit, registered once per path.

#![forbid(unsafe_code)]

use std::path::Path;

use indexmap::IndexSet;
use rustc_hash::FxBuildHasher;

use crate::backend::{Backend, FileIdx};
use crate::check::check_bytes;
use crate::error::{err, ErrorKind, Result};

/// The registered files, by path bytes.
#[derive(Default)]
pub(crate) struct Files {
    paths: IndexSet<Vec<u8>, FxBuildHasher>,
}

impl Files {
    /// Number of files.
    pub(crate) fn len(&self) -> usize {
        self.paths.len()
    }

    /// Registers (or finds) `path`, split into directory and file name;
    /// non-UTF-8 paths are kept byte for byte.
    pub(crate) fn add<B: Backend>(
        &mut self,
        backend: &mut B,
        path: &Path,
        md5: Option<[u8; 16]>,
    ) -> Result<FileIdx> {
        let bytes = path_bytes(path);
        if let Some(i) = self.paths.get_index_of(&bytes) {
            return Ok(FileIdx(i as u32));
        }
        let name = path.file_name().map(os_bytes).unwrap_or_default();
        check_bytes("file name", &name)?;
        let dir = path.parent().map(path_bytes).unwrap_or_default();
        if dir.contains(&0) {
            return err(
                ErrorKind::InvalidName,
                "the file's directory contains a NUL byte",
            );
        }
        let f = FileIdx(self.paths.len() as u32);
        backend.file(f, &dir, &name, md5)?;
        self.paths.insert(bytes);
        Ok(f)
    }
}

/// A path as bytes.
pub(crate) fn path_bytes(p: &Path) -> Vec<u8> {
    os_bytes(p.as_os_str())
}

fn os_bytes(s: &std::ffi::OsStr) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        s.as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        s.to_string_lossy().into_owned().into_bytes()
    }
}
