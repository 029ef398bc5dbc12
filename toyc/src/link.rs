//! Linking with the system `cc`: the object goes into a private temporary
//! directory, the executable is linked to a temporary name beside `OUT` and
//! renamed into place, so a failed link never leaves a partial `OUT`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A directory removed (with its contents) when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, String> {
        let base = std::env::temp_dir();
        let pid = std::process::id();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        for i in 0..100u32 {
            let p = base.join(format!("toyc-{pid}-{nanos}-{i}"));
            match std::fs::create_dir(&p) {
                Ok(()) => return Ok(TempDir(p)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(format!(
                        "cannot create a temporary directory in {}: {e}",
                        base.display()
                    ))
                }
            }
        }
        Err("cannot create a temporary directory".into())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Links `object` (ELF relocatable bytes) into the executable `out`.
pub fn link(object: &[u8], out: &Path) -> Result<(), String> {
    let dir = TempDir::new()?;
    let obj = dir.0.join("toy.o");
    std::fs::write(&obj, object).map_err(|e| format!("cannot write {}: {e}", obj.display()))?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = out
        .file_name()
        .ok_or_else(|| format!("invalid output path {}", out.display()))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".toyc-tmp-{}", std::process::id()));
    let tmp = parent.join(tmp_name);
    let cc = std::env::var_os("CC").unwrap_or_else(|| "cc".into());
    let res = Command::new(&cc).arg("-o").arg(&tmp).arg(&obj).output();
    let result = match res {
        Err(e) => Err(format!(
            "cannot run the linker `{}`: {e}",
            cc.to_string_lossy()
        )),
        Ok(o) if !o.status.success() => Err(format!(
            "linking failed ({}):\n{}",
            o.status,
            String::from_utf8_lossy(&o.stderr).trim_end()
        )),
        Ok(_) => {
            std::fs::rename(&tmp, out).map_err(|e| format!("cannot write {}: {e}", out.display()))
        }
    };
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
