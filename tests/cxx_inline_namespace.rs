//! A C++ inline namespace (`DebugContext::inline_namespace`,
//! `DW_AT_export_symbols`), emitted by both backends and compared with
//! g++'s object for `tests/data/cxx_inline_namespace.cpp`: lldb leaves the
//! inline namespace out of type names (`lib::Widget` for
//! `lib::v1::Widget`, as libstdc++'s `std::__cxx11::basic_string` is
//! `std::basic_string`), gdb prints it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{check_object, object_with, render_types, save, snapshot_dir, Table, INSTALL};
use dwarfsmith::*;

/// `Widget` (in `lib::v1`) and `Holder`; `inline` says how `v1` is
/// registered.
fn emit_into<B: Backend>(cx: &mut DebugContext<B>, inline: bool) -> Result<()> {
    let file = cx.file("cxx_inline_namespace.cpp".as_ref())?;
    let lib = cx.namespace(None, "lib")?;
    let v1 = if inline {
        cx.inline_namespace(Some(lib), "v1")?
    } else {
        cx.namespace(Some(lib), "v1")?
    };
    let mut t = Table::default();
    t.add(1, TypeDesc::base("int", 4, BaseEncoding::Signed));
    t.add(
        2,
        TypeDesc::Struct(
            CompositeDesc::new(NominalKey::new(0x1e, 2), "Widget", 4, 4)
                .field("x", FrontendTy(1), 0)
                .scope(TypeScope::Namespace(v1)),
        ),
    );
    t.add(3, TypeDesc::pointer(FrontendTy(2)));
    t.add(
        4,
        TypeDesc::Struct(
            CompositeDesc::new(NominalKey::new(0x1e, 4), "Holder", 16, 8)
                .field("w", FrontendTy(2), 0)
                .field("p", FrontendTy(3), 8),
        ),
    );
    let holder = cx.resolve_type(&mut t, FrontendTy(4))?;
    cx.define_global(&GlobalDesc::new("h", "h", holder, file, 9))?;
    Ok(())
}

fn cu() -> CompileUnit {
    CompileUnit::new("cxx_inline_namespace.cpp", "/work").language(Language::CPlusPlus14)
}

fn gimli_object(version: u16, inline: bool) -> Vec<u8> {
    let b = GimliBackend::new(GimliOptions {
        dwarf_version: version,
        ..Default::default()
    })
    .unwrap();
    let mut cx = DebugContext::new(b, &cu()).unwrap();
    emit_into(&mut cx, inline).unwrap();
    object_with(&cx.finish().unwrap(), &[], &[("h", 16)])
}

/// g++'s object for `tests/data/cxx_inline_namespace.cpp`.
fn gxx_object() -> PathBuf {
    common::compile_data(
        "g++",
        "cxx_inline_namespace.cpp",
        "cxx_inline_namespace_gxx.o",
    )
}

/// lldb's `type lookup` of `Holder` and of `lib::v1::Widget`.
fn lldb(obj: &Path) -> String {
    let out = Command::new("lldb-19")
        .args([
            "-b",
            "-o",
            "type lookup Holder",
            "-o",
            "type lookup lib::v1::Widget",
        ])
        .arg(obj)
        .output()
        .unwrap_or_else(|e| panic!("cannot run lldb-19 ({e}); install it: {INSTALL}"));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with("(lldb)") && !l.starts_with("Current executable"))
        .collect::<Vec<_>>()
        .join("\n")
}

const PTYPES: &[&str] = &["ptype Holder", "ptype h.w", "whatis h.p"];

/// lldb prints `lib::Widget w;` in `Holder`, as for g++'s object, in DWARF
/// 5 and 4 (and `lib::v1::Widget` when `v1` is a plain namespace); gdb's
/// `ptype` agrees with g++'s too.
#[test]
fn lldb_and_gdb_read_the_inline_namespace_as_from_gxx() {
    let theirs = lldb(&gxx_object());
    assert!(theirs.contains("    lib::Widget w;"), "{theirs}");
    let gdb_theirs = common::gdb_answers(&gxx_object(), &[], PTYPES);
    for version in [5, 4] {
        let name = format!("cxx_inline_namespace_v{version}.o");
        let bytes = gimli_object(version, true);
        check_object(&name, &bytes);
        let path = save(&name, &bytes);
        assert_eq!(lldb(&path), theirs, "DWARF {version}");
        assert_eq!(
            common::gdb_answers(&path, &[], PTYPES),
            gdb_theirs,
            "DWARF {version}"
        );
    }
    let plain = save("cxx_plain_namespace.o", &gimli_object(5, false));
    assert!(lldb(&plain).contains("    lib::v1::Widget w;"));
}

/// The LLVM backend (`LLVMDIBuilderCreateNameSpace` with `ExportSymbols`)
/// reads the same in lldb.
#[cfg(any(feature = "llvm19", feature = "llvm22"))]
#[test]
fn llvm_inline_namespace_reads_as_from_gxx() {
    use dwarfsmith::backend::llvm::{LlvmBackend, LlvmContext, LlvmOptions};
    let theirs = lldb(&gxx_object());
    for version in [5, 4] {
        let ctx = LlvmContext::new();
        let module = ctx.create_module("ns").unwrap();
        let t = ctx.array_type(ctx.int_type(8).unwrap(), 16).unwrap();
        module.add_global("h", t, None).unwrap();
        let b = LlvmBackend::new(
            &module,
            LlvmOptions {
                dwarf_version: version,
            },
        )
        .unwrap();
        let mut cx = DebugContext::new(b, &cu()).unwrap();
        emit_into(&mut cx, true).unwrap();
        cx.finish().unwrap();
        let name = format!("cxx_inline_namespace_llvm_v{version}.o");
        let bytes = module.emit_object().unwrap();
        common::verify(&name, &bytes);
        assert_eq!(lldb(&save(&name, &bytes)), theirs, "LLVM, DWARF {version}");
    }
}

/// An inline namespace (`DW_AT_export_symbols`) as the renderer prints it
/// (DWARF 5).
#[test]
fn snapshot_inline_namespace() {
    let text = render_types(&gimli_object(5, true));
    insta::with_settings!({ snapshot_path => snapshot_dir(), prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("cxx_inline_namespace_dwarf5_render", text);
    });
}
