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

/// Every source variable has a location, covering all of its parent scope.
pub fn full_coverage(exe: &Path) -> Result<(), String> {
    let json = run(&["--statistics"], exe)?;
    let vars = stat(&json, "#source variables")?;
    let located = stat(&json, "#source variables with location")?;
    let scope = stat(&json, "sum_all_variables(#bytes in parent scope)")?;
    let covered = stat(
        &json,
        "sum_all_variables(#bytes in parent scope covered by DW_AT_location)",
    )?;
    if vars == 0 || vars != located || scope != covered {
        return Err(format!(
            "{}: {located} of {vars} source variables have a location, covering {covered} of {scope} bytes of their scopes (want all, 100%)",
            exe.display()
        ));
    }
    Ok(())
}
