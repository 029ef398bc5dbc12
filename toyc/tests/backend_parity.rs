//! Backend parity: every Toy sample program compiled by toyc with
//! `--backend gimli` (Cranelift + dwarfsmith's gimli backend) and with
//! `--backend llvm` (LLVM + dwarfsmith's LLVM backend), in DWARF 4 and 5,
//! must describe the same program: the same named types (tag, size,
//! members with their types and offsets, enumerators), the same functions
//! (name, linkage name, result and parameters with types) and the same
//! variables (name, type, enclosing scope path). Both objects are read with
//! gimli (tests/common/model.rs); what legitimately differs (sections,
//! forms, DIE order, which anonymous types exist) is listed in DESIGN.md,
//! "Inherent differences from the gimli backend's output".
//!
//! toyc: `$TOYC`, or built like tests/toy_debuggers.rs does.
#![cfg(any(feature = "llvm19", feature = "llvm22"))]

#[path = "../../tests/common/mod.rs"]
mod common;
#[allow(dead_code)]
mod debugger;

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::model::{self, Model};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn work_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("backend_parity")
}

/// Compiles `src` with `backend` and DWARF `version`; returns the object.
fn object(toyc: &Path, src: &Path, backend: &str, version: u16) -> Vec<u8> {
    let stem = src
        .file_stem()
        .map_or("prog".into(), |s| s.to_string_lossy());
    let dir = work_dir().join(format!("{stem}.{backend}.v{version}"));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let exe = dir.join(&*stem);
    let obj = exe.with_extension("o");
    let out = Command::new(toyc)
        .arg("build")
        .arg(src)
        .arg("-o")
        .arg(&exe)
        .args(["--backend", backend, "--dwarf", &version.to_string()])
        .arg("--save-object")
        .arg(&obj)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", toyc.display()));
    assert!(
        out.status.success(),
        "toyc --backend {backend} --dwarf {version} {} failed:\n{}",
        src.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(&obj).unwrap_or_else(|e| panic!("{}: {e}", obj.display()))
}

fn diff_maps<V: Debug + PartialEq>(
    what: &str,
    a: &BTreeMap<String, V>,
    b: &BTreeMap<String, V>,
    out: &mut Vec<String>,
) {
    for (k, va) in a {
        match b.get(k) {
            None => out.push(format!("{what} `{k}` only with gimli: {va:?}")),
            Some(vb) if va != vb => out.push(format!(
                "{what} `{k}` differs:\n      gimli: {va:?}\n      llvm:  {vb:?}"
            )),
            _ => {}
        }
    }
    for (k, vb) in b {
        if !a.contains_key(k) {
            out.push(format!("{what} `{k}` only with llvm: {vb:?}"));
        }
    }
}

/// Toy's primitive types: each is a typedef and a base type of the same
/// name (DESIGN.md, "toyc"), which the name-keyed model cannot tell apart
/// (it keeps whichever DIE comes last); `primitives_are_typedefs_of_base_types`
/// checks them instead.
const PRIMITIVES: [&str; 10] = [
    "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f32", "f64",
];

fn differences(g: &Model, l: &Model) -> Vec<String> {
    let mut out = Vec::new();
    let named = |m: &Model| {
        let mut t = m.types.clone();
        t.retain(|k, _| !PRIMITIVES.contains(&k.as_str()));
        t
    };
    diff_maps("type", &named(g), &named(l), &mut out);
    diff_maps("function", &g.functions, &l.functions, &mut out);
    let (mut gv, mut lv) = (g.variables.clone(), l.variables.clone());
    gv.retain(|v| match lv.iter().position(|x| x == v) {
        Some(i) => {
            lv.remove(i);
            false
        }
        None => true,
    });
    out.extend(gv.iter().map(|v| format!("variable only with gimli: {v}")));
    out.extend(lv.iter().map(|v| format!("variable only with llvm: {v}")));
    out
}

fn parity(version: u16) {
    let toyc = debugger::toyc_path(manifest_dir()).unwrap_or_else(|e| panic!("{e}"));
    let mut failures = Vec::new();
    let progs = debugger::example_programs();
    assert!(progs.len() >= 13, "sample programs missing: {progs:?}");
    for src in &progs {
        let g = model::read(&object(&toyc, src, "gimli", version));
        let l = model::read(&object(&toyc, src, "llvm", version));
        let (g, l) = match (g, l) {
            (Ok(g), Ok(l)) => (g, l),
            (g, l) => {
                failures.push(format!("{}: read errors {g:?} / {l:?}", src.display()));
                continue;
            }
        };
        assert!(
            !g.types.is_empty() && !g.functions.is_empty() && !g.variables.is_empty(),
            "{}: the gimli object's model is empty: {g:?}",
            src.display()
        );
        let d = differences(&g, &l);
        if !d.is_empty() {
            failures.push(format!(
                "==== {} (DWARF {version}) ====\n  {}",
                src.display(),
                d.join("\n  ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "the backends disagree:\n{}",
        failures.join("\n")
    );
}

#[test]
fn backends_agree_on_types_functions_and_variables_dwarf5() {
    parity(5);
}

#[test]
fn backends_agree_on_types_functions_and_variables_dwarf4() {
    parity(4);
}

/// The model sees what it should: a tagged union's parts, namespaced
/// functions, shadowed variables in nested blocks.
#[test]
fn model_reads_structure() {
    let toyc = debugger::toyc_path(manifest_dir()).unwrap_or_else(|e| panic!("{e}"));
    let src = manifest_dir().join("../examples/programs/shadowing.toy");
    for backend in ["gimli", "llvm"] {
        let m = model::read(&object(&toyc, &src, backend, 5)).unwrap();
        let xs: Vec<&String> = m
            .variables
            .iter()
            .filter(|v| v.starts_with("scale") && v.ends_with("| x: i64"))
            .collect();
        assert_eq!(xs.len(), 4, "{backend}: {:#?}", m.variables);
        assert!(
            xs.iter().any(|v| v.matches("block#").count() >= 3),
            "{backend}: nested blocks expected: {xs:?}"
        );
        let scale = m.functions.get("scale").expect("scale");
        assert_eq!(scale.params, ["factor: i64", "base: i64"], "{backend}");
        assert_eq!(scale.ret, "i64", "{backend}");
    }
}

/// The comparison is not blind: one changed member offset, one renamed
/// parameter and one variable moved to another scope are all reported.
#[test]
fn a_changed_model_is_reported() {
    let toyc = debugger::toyc_path(manifest_dir()).unwrap_or_else(|e| panic!("{e}"));
    let src = manifest_dir().join("../examples/programs/shapes.toy");
    let g = model::read(&object(&toyc, &src, "gimli", 5)).unwrap();
    let mut l = model::read(&object(&toyc, &src, "gimli", 5)).unwrap();
    assert!(differences(&g, &l).is_empty());
    let rect = l.types.get_mut("geometry::Shape::Rect").expect("Rect");
    rect.members[1] = rect.members[1].replace("@ 8", "@ 4");
    let area = l.functions.get_mut("geometry::area").expect("area");
    area.params[0] = area.params[0].replace("s:", "t:");
    let v = l
        .variables
        .iter_mut()
        .find(|v| v.contains("| r: f64"))
        .expect("r");
    *v = v.replace("block#0", "block#1");
    let d = differences(&g, &l);
    assert_eq!(d.len(), 4, "{d:#?}");
}

/// Both backends describe each Toy primitive as a typedef of its name over
/// a base type of the same name and size (lldb then shows the Toy name; gdb
/// shows it either way), as llvm-dwarfdump-19 reads them.
#[test]
fn primitives_are_typedefs_of_base_types() {
    let toyc = debugger::toyc_path(manifest_dir()).unwrap_or_else(|e| panic!("{e}"));
    let src = manifest_dir().join("../examples/programs/inventory.toy");
    for backend in ["gimli", "llvm"] {
        let obj = work_dir().join(format!("inventory.{backend}.prims.o"));
        std::fs::write(&obj, object(&toyc, &src, backend, 5)).expect("write object");
        let out = Command::new(debugger::DWARFDUMP)
            .args(["--debug-info", "--show-form"])
            .arg(&obj)
            .output()
            .expect("run llvm-dwarfdump-19");
        let dump = String::from_utf8_lossy(&out.stdout);
        // DIEs as (tag, name, referenced type name, byte size).
        let dies: Vec<(String, String, String, String)> = dump
            .split("\n\n")
            .map(|die| {
                let tag = die
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or_default()
                    .to_string();
                let attr = |a: &str| {
                    die.lines()
                        .find(|l| l.trim_start().starts_with(a))
                        .and_then(|l| l.rsplit('(').next())
                        .map(|v| {
                            let v = v.trim_end_matches(')');
                            v.split('"').nth(1).unwrap_or(v).to_string()
                        })
                        .unwrap_or_default()
                };
                (
                    tag,
                    attr("DW_AT_name"),
                    attr("DW_AT_type"),
                    attr("DW_AT_byte_size"),
                )
            })
            .collect();
        // Sizes print as `(0x04)` in data1 form, `(4)` in udata form.
        let size_is = |v: &str, n: u64| match v.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).ok() == Some(n),
            None => v.parse().ok() == Some(n),
        };
        for (name, size) in [("i32", 4), ("i64", 8)] {
            assert!(
                dies.iter()
                    .any(|d| d.0 == "DW_TAG_typedef" && d.1 == name && d.2 == name),
                "{backend}: no typedef {name} of a type named {name}:\n{dump}"
            );
            assert!(
                dies.iter()
                    .any(|d| d.0 == "DW_TAG_base_type" && d.1 == name && size_is(&d.3, size)),
                "{backend}: no base type {name} of {size} bytes:\n{dump}"
            );
        }
    }
}
