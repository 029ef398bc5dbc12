//! The DWARF gates every compiled Toy program passes: `llvm-dwarfdump-19
//! --verify` on its object, and `--statistics` on its executable showing
//! every source variable with a location over 100% of its parent scope.

use std::path::Path;
use std::process::{Command, Stdio};

use super::{require_tool, DWARFDUMP};

/// `llvm-dwarfdump-19 ARGS FILE`: its output (stdout and stderr), or why it
/// could not run or failed.
pub fn run(args: &[&str], file: &Path) -> Result<String, String> {
    require_tool(DWARFDUMP)?;
    let output = Command::new(DWARFDUMP)
        .args(args)
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {DWARFDUMP}: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        Ok(text)
    } else {
        Err(format!(
            "`{DWARFDUMP} {} {}` failed ({}):\n{text}",
            args.join(" "),
            file.display(),
            output.status
        ))
    }
}

/// `llvm-dwarfdump-19 --verify OBJ` reports no errors (objects, not linked
/// executables: GNU ld's string merging upsets the verifier).
pub fn verify_object(obj: &Path) -> Result<(), String> {
    let text = run(&["--verify"], obj)?;
    if text.contains("No errors.") {
        Ok(())
    } else {
        Err(format!(
            "`{DWARFDUMP} --verify {}` found errors:\n{text}",
            obj.display()
        ))
    }
}

/// The integer value of `"key": N` in the statistics JSON.
pub fn stat(json: &str, key: &str) -> Result<u64, String> {
    let pat = format!("\"{key}\":");
    let at = json
        .find(&pat)
        .ok_or_else(|| format!("statistics lack `{key}`"))?;
    let digits: String = json[at + pat.len()..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .map_err(|_| format!("statistics value of `{key}` is not a number"))
}

/// The variable-location statistics of one file (`llvm-dwarfdump-19
/// --statistics`) that the gates and the coverage table read.
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

/// `llvm-dwarfdump-19 --statistics FILE`, parsed.
pub fn coverage(file: &Path) -> Result<Coverage, String> {
    parse_coverage(&run(&["--statistics"], file)?).map_err(|e| format!("{}: {e}", file.display()))
}

/// Every source variable has a location, covering all of its parent scope.
pub fn full_coverage(exe: &Path) -> Result<(), String> {
    let c = coverage(exe)?;
    if c.variables == 0 || c.variables != c.with_location || c.scope_bytes != c.covered_bytes {
        return Err(format!(
            "{}: {} of {} source variables have a location, covering {} of {} bytes of their scopes (want all, 100%)",
            exe.display(),
            c.with_location,
            c.variables,
            c.covered_bytes,
            c.scope_bytes
        ));
    }
    Ok(())
}
