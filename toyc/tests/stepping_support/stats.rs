//! Variable-location coverage from `llvm-dwarfdump-19 --statistics`
//! (DEBUGGING.md, "Location coverage"; read by `debugger::dwarf`), its
//! table cells, and the C compiler the toyc objects
//! are compared with.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::debugger::dwarf::Coverage;

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
