//! Variable-location coverage from `llvm-dwarfdump-19 --statistics`
//! (DEBUGGING.md, "Location coverage"), and the C compiler the toyc objects
//! are compared with.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::debugger::dwarf::{run, stat};

/// The statistics of one object that the coverage table shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    /// `#source variables` (parameters and locals, inlined copies included).
    pub variables: u64,
    /// `#source variables with location`.
    pub with_location: u64,
    /// `sum_all_variables(#bytes in parent scope)`.
    pub scope_bytes: u64,
    /// `sum_all_variables(#bytes in parent scope covered by DW_AT_location)`.
    pub covered_bytes: u64,
}

impl Coverage {
    /// Covered scope bytes in percent.
    pub fn percent(&self) -> f64 {
        if self.scope_bytes == 0 {
            0.0
        } else {
            100.0 * self.covered_bytes as f64 / self.scope_bytes as f64
        }
    }

    /// `with/variables, percent%` for a table cell.
    pub fn cell(&self) -> String {
        format!(
            "{}/{} vars, {}/{} B ({:.1}%)",
            self.with_location,
            self.variables,
            self.covered_bytes,
            self.scope_bytes,
            self.percent()
        )
    }
}

/// Reads the coverage fields out of a statistics JSON.
pub fn parse_coverage(json: &str) -> Result<Coverage, String> {
    Ok(Coverage {
        variables: stat(json, "#source variables")?,
        with_location: stat(json, "#source variables with location")?,
        scope_bytes: stat(json, "sum_all_variables(#bytes in parent scope)")?,
        covered_bytes: stat(
            json,
            "sum_all_variables(#bytes in parent scope covered by DW_AT_location)",
        )?,
    })
}

/// `llvm-dwarfdump-19 --statistics OBJ`, parsed.
pub fn coverage(object: &Path) -> Result<Coverage, String> {
    parse_coverage(&run(&["--statistics"], object)?)
        .map_err(|e| format!("{}: {e}", object.display()))
}

/// The C compiler of the comparison: `clang-19` (scripts/test installs it),
/// else `gcc`; `None` if neither runs.
pub fn c_compiler() -> Option<&'static str> {
    ["clang-19", "gcc"].into_iter().find(|cc| {
        Command::new(cc)
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// `CC -O2 -g -c SRC -o OBJ`.
pub fn compile_c(cc: &str, src: &Path, object: &Path) -> Result<(), String> {
    let out = Command::new(cc)
        .args(["-O2", "-g", "-c"])
        .arg(src)
        .arg("-o")
        .arg(object)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {cc}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cc} -O2 -g -c {} failed: {}",
            src.display(),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}
