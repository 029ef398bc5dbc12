//! The LLVM backend's template parameter packs and defaulted template
//! arguments (through the C++ shim: `createTemplateParameterPack`,
//! `isDefault`) read by lldb as g++'s: the types of
//! `tests/data/cxx_templates.cpp` emitted with the LLVM backend in DWARF 5
//! and 4 (`cxx_templates.rs` checks the gimli backend the same way).
#![cfg(any(feature = "llvm19", feature = "llvm22"))]

mod common;
#[path = "cxx_templates/shared.rs"]
mod shared;

use dwarfsmith::backend::llvm::{LlvmBackend, LlvmContext, LlvmOptions};
use dwarfsmith::*;
use shared::{gxx_object, lldb, lldb_types, ty, types, GLOBALS};

fn llvm_object(version: u16) -> Vec<u8> {
    let ctx = LlvmContext::new();
    let module = ctx.create_module("cxx_templates").unwrap();
    let i8t = ctx.int_type(8).unwrap();
    for (name, _, size) in GLOBALS {
        let t = ctx.array_type(i8t, *size as u64).unwrap();
        module.add_global(name, t, None).unwrap();
    }
    let backend = LlvmBackend::new(
        &module,
        LlvmOptions {
            dwarf_version: version,
        },
    )
    .unwrap();
    let cu = CompileUnit::new("cxx_templates.cpp", "/work").language(Language::CPlusPlus14);
    let mut cx = DebugContext::new(backend, &cu).unwrap();
    let file = cx.file("cxx_templates.cpp".as_ref()).unwrap();
    let mut t = types();
    for (name, id, _) in GLOBALS {
        let r = cx.resolve_type(&mut t, ty(*id)).unwrap();
        cx.define_global(&GlobalDesc::new(name, name, r, file, 8))
            .unwrap();
    }
    cx.finish().unwrap();
    module.verify().unwrap();
    module.emit_object().unwrap()
}

/// lldb prints `Def<char>`, `Arr<short>` and `Pack<<int, char>>` from the
/// LLVM backend's object as from g++'s; the objects verify.
#[test]
fn lldb_reads_llvm_defaults_and_packs_as_from_gxx() {
    let theirs = lldb_types(&lldb(&gxx_object()));
    assert!(theirs.iter().any(|l| l == "(Def<char>) df"), "{theirs:?}");
    for version in [5, 4] {
        let name = format!("cxx_templates_llvm_v{version}.o");
        let bytes = llvm_object(version);
        common::verify(&name, &bytes);
        let ours = lldb_types(&lldb(&common::save(&name, &bytes)));
        assert_eq!(
            ours, theirs,
            "DWARF {version}: lldb reads the LLVM backend's types differently"
        );
    }
}
