//! insta snapshots (in the top-level `snapshots/`) of emitted DWARF: the
//! library's own stable rendering, and `llvm-dwarfdump-19` output with
//! churning offsets filtered.

mod common;

use common::*;
use dwarfsmith::render::{render_object, RenderOptions};
use dwarfsmith::{BaseEncoding, CodeRow, FrontendTy, FunctionDesc, TypeDesc, VarLocation};

/// A small program: `struct List`, a function with a parameter, a nested
/// block with a shadowing local, a global, a namespace, cleared locations.
fn program(version: u16) -> Vec<u8> {
    let mut cx = context(version);
    let mut t = Table::default();
    t.add(1, base("i64", 8, BaseEncoding::Signed));
    t.add(2, ptr(3));
    t.add(
        4,
        TypeDesc::Array {
            elem: FrontendTy(1),
            len: 3,
            elem_size: 8,
            align: 8,
        },
    );
    let file = cx.file("src/list.toy".as_ref()).unwrap();
    t.add(
        3,
        strukt(
            3,
            "List",
            16,
            vec![field("value", 1, 0), field("next", 2, 8)],
            Some(file),
        ),
    );
    let list = cx.resolve_type(&mut t, FrontendTy(3)).unwrap();
    let plist = cx.resolve_type(&mut t, FrontendTy(2)).unwrap();
    let i64t = cx.resolve_type(&mut t, FrontendTy(1)).unwrap();
    let arr = cx.resolve_type(&mut t, FrontendTy(4)).unwrap();
    let ns = cx.namespace(None, "util").unwrap();
    cx.define_global(&dwarfsmith::GlobalDesc {
        name: "TABLE",
        linkage_name: "util::TABLE",
        namespace: Some(ns),
        ty: arr,
        file,
        line: 2,
        external: true,
    })
    .unwrap();
    let f = cx
        .define_function(&FunctionDesc {
            name: "sum",
            linkage_name: "util::sum",
            namespace: Some(ns),
            file,
            line: 5,
            ret: Some(i64t),
            params: &[plist],
            external: true,
            method_of: None,
        })
        .unwrap();
    let fs = cx.function_scope(f).unwrap();
    cx.enter_function(f).unwrap();
    let p = cx.declare_parameter(f, "list", 1, plist, 5, 8).unwrap();
    let total = cx.declare_local(fs, "total", i64t, 6, 9).unwrap();
    cx.start_emitting_source_locations().unwrap();
    let l6 = cx.set_source_location(fs, 6, 5).unwrap();
    let inner = cx.lexical_block(fs, file, 7, 5).unwrap();
    let node = cx.declare_local(inner, "total", list, 8, 13).unwrap();
    let l8 = cx.set_source_location(inner, 8, 9).unwrap();
    cx.clear_source_location().unwrap();
    let l10 = cx.set_source_location(fs, 10, 5).unwrap();
    cx.set_variable_location(p, VarLocation::FrameOffset(-24))
        .unwrap();
    cx.set_variable_location(total, VarLocation::FrameOffset(-32))
        .unwrap();
    cx.set_variable_location(node, VarLocation::Register(3))
        .unwrap();
    cx.exit_function().unwrap();
    let rows = [
        CodeRow {
            offset: 0,
            loc: None,
        },
        CodeRow { offset: 4, loc: l6 },
        CodeRow { offset: 7, loc: l8 },
        CodeRow {
            offset: 9,
            loc: None,
        },
        CodeRow {
            offset: 11,
            loc: l8,
        },
        CodeRow {
            offset: 13,
            loc: l10,
        },
    ];
    cx.define_function_code(f, 16, &rows).unwrap();
    object_with(
        &cx.finish().unwrap(),
        &["util::sum"],
        &[("util::TABLE", 24)],
    )
}

fn render(bytes: &[u8]) -> String {
    render_object(
        bytes,
        &RenderOptions {
            line_table: true,
            call_frames: true,
            path_prefix: None,
        },
    )
    .unwrap()
}

#[test]
fn stable_rendering_dwarf5() {
    let bytes = program(5);
    check_object("snap_v5.o", &bytes);
    insta::with_settings!({ snapshot_path => snapshot_dir(), prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("program_dwarf5_render", render(&bytes));
    });
}

#[test]
fn stable_rendering_dwarf4() {
    let bytes = program(4);
    check_object("snap_v4.o", &bytes);
    insta::with_settings!({ snapshot_path => snapshot_dir(), prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("program_dwarf4_render", render(&bytes));
    });
}

#[test]
fn llvm_dwarfdump_view() {
    let bytes = program(5);
    let text = dwarfdump("snap_dump.o", &bytes, &["--debug-info", "--debug-line"]);
    insta::with_settings!({ snapshot_path => snapshot_dir(), prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("program_dwarf5_llvm_dwarfdump", text);
    });
}

#[test]
fn rendering_is_deterministic() {
    assert_eq!(render(&program(5)), render(&program(5)));
    assert_eq!(program(5), program(5));
}
