//! Template parameter packs (`TemplateParam::Pack`,
//! `DW_TAG_GNU_template_parameter_pack`) and defaulted template arguments
//! (`TemplateParam::Defaulted`, `DW_AT_default_value`) described through
//! `TypeSource` and emitted by the gimli backend.
//!
//! The expectation is independent of this library: `tests/data/cxx_templates.cpp`
//! declares the same types and globals, g++ compiles it, and gdb and lldb
//! must read the same from g++'s object and from ours. lldb is where the two
//! constructs show: it prints a pack's arguments as `Pack<<int, char>>` in
//! `type lookup`, and leaves a defaulted argument out of a variable's type
//! name (`Def<char>` for g++'s `Def<char, int>`).

mod common;
#[path = "cxx_templates/shared.rs"]
mod shared;

use common::{check_object, object_with, render_types, save, snapshot_dir};
use dwarfsmith::*;
use shared::{gxx_object, lldb, lldb_types, ty, types, GLOBALS};

/// The types as a C++ unit with the globals (gimli backend).
fn emit(version: u16) -> Vec<u8> {
    let b = GimliBackend::new(GimliOptions {
        dwarf_version: version,
        ..Default::default()
    })
    .unwrap();
    let cu = CompileUnit::new("cxx_templates.cpp", "/work").language(Language::CPlusPlus14);
    let mut cx = DebugContext::new(b, &cu).unwrap();
    let file = cx.file("cxx_templates.cpp".as_ref()).unwrap();
    let mut t = types();
    for (name, id, _) in GLOBALS {
        let r = cx.resolve_type(&mut t, ty(*id)).unwrap();
        cx.define_global(&GlobalDesc::new(name, name, r, file, 8))
            .unwrap();
    }
    let dwarf = cx.finish().unwrap();
    let data: Vec<(&str, usize)> = GLOBALS.iter().map(|(n, _, s)| (*n, *s)).collect();
    object_with(&dwarf, &[], &data)
}

const PTYPES: &[&str] = &[
    "ptype df",
    "ptype dl",
    "ptype ar",
    "whatis ar",
    "ptype pk",
    "ptype p0",
    "ptype vp",
];

/// gdb (which reads neither packs nor default marks) reads every type as
/// from g++'s object, in DWARF 5 and 4; the objects verify.
#[test]
fn gdb_ptype_matches_gxx_dwarf5_and_4() {
    let theirs = common::gdb_answers(&gxx_object(), &[], PTYPES);
    for version in [5, 4] {
        let name = format!("cxx_templates_v{version}.o");
        let bytes = emit(version);
        check_object(&name, &bytes);
        let ours = common::gdb_answers(&save(&name, &bytes), &[], PTYPES);
        for ((cmd, a), b) in PTYPES.iter().zip(&ours).zip(&theirs) {
            assert!(b.starts_with("type = "), "g++'s object: `{cmd}` gave {b}");
            assert_eq!(a, b, "DWARF {version}: `{cmd}` differs from g++'s");
        }
    }
}

/// lldb hides the defaulted arguments (`Def<char>`, `Arr<short>`) and
/// lists the packs' arguments (`Pack<<int, char>>`), as for g++'s object.
#[test]
fn lldb_reads_defaults_and_packs_as_from_gxx() {
    let theirs = lldb_types(&lldb(&gxx_object()));
    for want in [
        "(Def<char>) df",
        "(Def<char, long>) dl",
        "(Arr<short>) ar",
        "template<> struct Pack<<int, char>> {",
        "template<> struct Pack<<>> {",
        "template<> struct VPack<<1, 2, 3>> {",
    ] {
        assert!(
            theirs.iter().any(|l| l == want),
            "g++'s object: lldb did not print `{want}`: {theirs:?}"
        );
    }
    for version in [5, 4] {
        let name = format!("cxx_templates_lldb_v{version}.o");
        let ours = lldb_types(&lldb(&save(&name, &emit(version))));
        assert_eq!(
            ours, theirs,
            "DWARF {version}: lldb reads our types differently"
        );
    }
}

/// Defaulted template parameters and parameter packs as the renderer
/// prints them (DWARF 5).
#[test]
fn snapshot_cxx_templates() {
    let text = render_types(&emit(5));
    insta::with_settings!({ snapshot_path => snapshot_dir(), prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("cxx_templates_dwarf5_render", text);
    });
}
