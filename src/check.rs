//! What names and source positions must satisfy before anything is built
//! (shared by the context, the type map and the scopes).

#![forbid(unsafe_code)]

use crate::error::{err, ErrorKind, Result};

/// Names must be non-empty and free of NUL bytes (DWARF strings are
/// NUL-terminated).
pub(crate) fn check_name(what: &str, name: &str) -> Result<()> {
    if name.is_empty() {
        return err(ErrorKind::InvalidName, format!("the {what} is empty"));
    }
    if name.contains('\0') {
        return err(
            ErrorKind::InvalidName,
            format!("the {what} `{}` contains a NUL byte", name.escape_debug()),
        );
    }
    Ok(())
}

/// Like [`check_name`] for byte strings (paths).
pub(crate) fn check_bytes(what: &str, name: &[u8]) -> Result<()> {
    if name.is_empty() {
        return err(ErrorKind::InvalidName, format!("the {what} is empty"));
    }
    if name.contains(&0) {
        return err(
            ErrorKind::InvalidName,
            format!("the {what} contains a NUL byte"),
        );
    }
    Ok(())
}

/// Lines are 1-based; columns 0 (unknown) to 65535 (LLVM's limit).
pub(crate) fn check_line_col(what: &str, line: u32, col: u32) -> Result<()> {
    if line == 0 {
        return err(
            ErrorKind::InvalidLocation,
            format!("{what}: line 0 means 'no source line'; lines are 1-based (use clear_source_location() for compiler-generated code)"),
        );
    }
    if col > u32::from(u16::MAX) {
        return err(
            ErrorKind::InvalidLocation,
            format!("{what}: column {col} is beyond the supported maximum 65535"),
        );
    }
    Ok(())
}
