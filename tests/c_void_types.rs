//! C's `void` described through `TypeSource` (`TypeDesc::Void`): `void *`,
//! `const void *`, `const volatile void *` and `typedef void lock_t`
//! (glibc's `_IO_lock_t`), emitted by the gimli backend as a C11 unit.
//!
//! The expectation is independent of this library: `tests/data/c_void.c`
//! declares the same types, gcc compiles it, and gdb's `ptype`/`whatis` and
//! lldb's `type lookup`/`target variable` must read the same from gcc's
//! object and from ours.

mod common;

use std::process::Command;

use common::{check_object, object_with, render_types, save, snapshot_dir, Table, INSTALL};
use dwarfsmith::*;

/// Globals: (name, type handle).
const GLOBALS: &[(&str, u64)] = &[("lp", 4), ("vp", 5), ("cvp", 7), ("cvvp", 9)];

fn emit(version: u16) -> Vec<u8> {
    let mut t = Table::default();
    t.add(1, TypeDesc::Void);
    t.add(
        2,
        TypeDesc::Typedef(TypedefDesc {
            key: NominalKey::new(0xc, 2),
            name: "lock_t".into(),
            scope: TypeScope::Unit,
            target: FrontendTy(1),
            decl: None,
            access: Access::Unspecified,
        }),
    );
    t.add(4, TypeDesc::pointer(FrontendTy(2)));
    t.add(5, TypeDesc::pointer(FrontendTy(1)));
    t.add(6, TypeDesc::qualified(Qualifier::Const, FrontendTy(1)));
    t.add(7, TypeDesc::pointer(FrontendTy(6)));
    t.add(8, TypeDesc::qualified(Qualifier::Volatile, FrontendTy(6)));
    t.add(9, TypeDesc::pointer(FrontendTy(8)));
    let b = GimliBackend::new(GimliOptions {
        dwarf_version: version,
        ..Default::default()
    })
    .unwrap();
    let cu = CompileUnit::new("c_void.c", "/work").language(Language::C11);
    let mut cx = DebugContext::new(b, &cu).unwrap();
    let file = cx.file("c_void.c".as_ref()).unwrap();
    for (name, ty) in GLOBALS {
        let r = cx.resolve_type(&mut t, FrontendTy(*ty)).unwrap();
        cx.define_global(&GlobalDesc::new(name, name, r, file, 2))
            .unwrap();
    }
    let dwarf = cx.finish().unwrap();
    let data: Vec<(&str, usize)> = GLOBALS.iter().map(|(n, _)| (*n, 8)).collect();
    object_with(&dwarf, &[], &data)
}

/// gcc's object for `tests/data/c_void.c`.
fn gcc_object() -> std::path::PathBuf {
    common::compile_data("gcc", "c_void.c", "c_void_gcc.o")
}

const GDB: &[&str] = &[
    "whatis lock_t",
    "ptype lock_t",
    "whatis lp",
    "ptype lp",
    "ptype vp",
    "whatis cvp",
    "ptype cvp",
    "whatis cvvp",
    "ptype cvvp",
];

fn lldb(obj: &std::path::Path) -> String {
    let out = Command::new("lldb-19")
        .args(["-b", "-o", "type lookup lock_t", "-o"])
        .arg("target variable lp vp cvp cvvp")
        .arg(obj)
        .output()
        .unwrap_or_else(|e| panic!("cannot run lldb-19 ({e}); install it: {INSTALL}"));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let start = text.find("(lldb) type lookup").unwrap_or(0);
    text[start..].to_owned()
}

/// gdb and lldb read gcc's object and ours alike, in DWARF 5 and 4: the
/// `const void` and the typedef of `void` have no `DW_AT_type`.
#[test]
fn gdb_and_lldb_read_void_types_as_from_gcc() {
    let gcc = gcc_object();
    let theirs = common::gdb_answers(&gcc, &[], GDB);
    let lldb_theirs = lldb(&gcc);
    assert!(
        lldb_theirs.contains("(const volatile void *) cvvp"),
        "{lldb_theirs}"
    );
    for version in [5, 4] {
        let bytes = emit(version);
        let name = format!("c_void_v{version}.o");
        check_object(&name, &bytes);
        let p = save(&name, &bytes);
        let ours = common::gdb_answers(&p, &[], GDB);
        for ((cmd, a), b) in GDB.iter().zip(&ours).zip(&theirs) {
            assert!(b.starts_with("type = "), "gcc's object: `{cmd}` gave {b}");
            assert_eq!(a, b, "DWARF {version}: `{cmd}` differs from gcc's");
        }
        assert_eq!(lldb(&p), lldb_theirs, "DWARF {version}: lldb");
    }
}

/// `void *`, `const void *` and `typedef void` as the renderer prints them
/// (DWARF 5): no `DW_AT_type`.
#[test]
fn snapshot_c_void() {
    let text = render_types(&emit(5));
    insta::with_settings!({ snapshot_path => snapshot_dir(), prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("c_void_dwarf5_render", text);
    });
}
