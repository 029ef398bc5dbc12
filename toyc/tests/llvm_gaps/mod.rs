//! Why some programs' directives are not run at -O with the llvm backend
//! (tests/opt_directives.rs, `LLVM_O_GAPS`), each reason that can be
//! checked on the executable's DWARF checked there, so a gap whose cause
//! LLVM no longer has fails the test instead of hiding a passing program.

use std::path::Path;
use std::process::Command;

/// Why a program's directives cannot pass against its llvm -O executable.
#[derive(Clone, Copy, Debug)]
pub enum Gap {
    /// LLVM evaluated every call of the function at compile time: the
    /// executable's DWARF names no such function (no out-of-line copy, no
    /// inlined copy), so the directives' `break FUNCTION` cannot bind and
    /// the session runs to the end.
    Folded(&'static str),
    /// No row of the executable's line table has this line, so the
    /// directives' `break FILE:LINE` binds at a later line (gdb) or not at
    /// all (lldb).
    NoCodeAtLine(u32),
    /// Another measured reason, not checked mechanically.
    Other(&'static str),
}

impl Gap {
    /// The reason as printed by the test.
    pub fn reason(&self) -> String {
        match self {
            Gap::Folded(f) => format!(
                "`break {f}`: LLVM evaluated every call of {f} at compile time, no code of it is left (checked: the DWARF names no {f})"
            ),
            Gap::NoCodeAtLine(l) => format!(
                "`break FILE:{l}`: line {l} has no code left at -O (checked: no line-table row for line {l})"
            ),
            Gap::Other(why) => (*why).to_string(),
        }
    }

    /// Checks the gap's cause on `exe` (built from a program whose gdb
    /// directives are `gdb_commands`): the directive it names exists and
    /// the DWARF shows the cause.
    pub fn check(&self, exe: &Path, gdb_commands: &[String]) -> Result<(), String> {
        match self {
            Gap::Folded(f) => {
                let directive = format!("break {f}");
                if !gdb_commands.iter().any(|c| c.trim() == directive) {
                    return Err(format!("no `{directive}` directive"));
                }
                let info = dwarfdump("--debug-info", exe)?;
                if !info.contains("DW_TAG_subprogram") {
                    return Err(format!("{} has no subprograms", exe.display()));
                }
                if info.contains(&format!("\"{f}\")")) {
                    return Err(format!(
                        "the DWARF of {} names {f}: LLVM left code for it, remove the gap",
                        exe.display()
                    ));
                }
                Ok(())
            }
            Gap::NoCodeAtLine(line) => {
                let suffix = format!(".toy:{line}");
                if !gdb_commands
                    .iter()
                    .any(|c| c.trim().starts_with("break ") && c.trim().ends_with(&suffix))
                {
                    return Err(format!("no `break FILE{suffix}` directive"));
                }
                let rows = line_rows(&dwarfdump("--debug-line", exe)?);
                if rows.is_empty() {
                    return Err(format!("{} has no line table rows", exe.display()));
                }
                if rows.contains(line) {
                    return Err(format!(
                        "{} has code at line {line}: remove the gap",
                        exe.display()
                    ));
                }
                Ok(())
            }
            Gap::Other(_) => Ok(()),
        }
    }
}

/// The line of every row of `llvm-dwarfdump --debug-line` output (rows
/// are `0xADDRESS LINE COLUMN FILE ...`).
pub fn line_rows(text: &str) -> Vec<u32> {
    text.lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let addr = f.next()?;
            if !addr.starts_with("0x") || addr.ends_with(':') {
                return None;
            }
            f.next()?.parse().ok()
        })
        .collect()
}

fn dwarfdump(what: &str, exe: &Path) -> Result<String, String> {
    let out = Command::new("llvm-dwarfdump-19")
        .arg(what)
        .arg(exe)
        .output()
        .map_err(|e| format!("cannot run llvm-dwarfdump-19: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "llvm-dwarfdump-19 {what} {} failed: {}",
            exe.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
