//! Type graphs on the LLVM backend: the recursive zoo of tests/type_graphs.rs
//! (List, Tree, mutually recursive A/B/C, a struct with an array of pointers
//! to itself, a function-pointer member taking its own struct), tagged
//! unions in both encodings (the variant part through the C++ shim), and
//! ODR identifiers. Each object passes llvm-dwarfdump --verify and the gimli
//! read-back; gdb prints the definitions.
#![cfg(any(feature = "llvm19", feature = "llvm22"))]

mod common;

use common::*;
use dwarfsmith::backend::llvm::{LlvmBackend, LlvmContext, LlvmModule, LlvmOptions};
use dwarfsmith::{DebugContext, FrontendTy, FunctionDesc, TaggedUnionEncoding};

fn zoo(t: &mut Table) -> Vec<(FrontendTy, u64)> {
    common::zoo(t);
    for (id, enc) in [
        (30, TaggedUnionEncoding::VariantPart),
        (31, TaggedUnionEncoding::CppLike),
    ] {
        let name = if enc == TaggedUnionEncoding::VariantPart {
            "Shape"
        } else {
            "CShape"
        };
        t.add(id, common::shape(id, name, enc));
    }
    vec![
        (FrontendTy(10), 16),
        (FrontendTy(11), 32),
        (FrontendTy(12), 16),
        (FrontendTy(15), 40),
        (FrontendTy(16), 16),
        (FrontendTy(30), 24),
        (FrontendTy(31), 24),
    ]
}

/// `main` with one zero-initialised local per zoo type.
fn fill_zoo(module: &LlvmModule<'_>, version: u16) -> Vec<u8> {
    let ctx = module.context();
    let i8t = ctx.int_type(8).unwrap();
    let i32t = ctx.int_type(32).unwrap();
    let main = module
        .add_function("main", ctx.function_type(i32t, &[], false).unwrap())
        .unwrap();
    let builder = module.create_builder();
    let backend = LlvmBackend::new(
        module,
        LlvmOptions {
            dwarf_version: version,
        },
    )
    .unwrap();
    let mut cx = DebugContext::new(backend, &llvm::cu()).unwrap();
    cx.set_llvm_builder(&builder).unwrap();
    let file = cx.file("zoo.c".as_ref()).unwrap();
    let mut t = Table::default();
    let roots = zoo(&mut t);
    let int = cx.resolve_type(&mut t, FrontendTy(I32)).unwrap();
    let f = cx
        .define_function(&FunctionDesc {
            name: "main",
            linkage_name: "main",
            namespace: None,
            file,
            line: 3,
            ret: Some(int),
            params: &[],
            external: true,
            method_of: None,
        })
        .unwrap();
    let scope = cx.function_scope(f).unwrap();
    let entry = main.append_block("entry").unwrap();
    builder.position_at_end(entry).unwrap();
    cx.enter_function(f).unwrap();
    cx.start_emitting_source_locations().unwrap();
    cx.set_source_location(scope, 4, 3).unwrap();
    for (i, (ty, size)) in roots.iter().enumerate() {
        let r = cx.resolve_type(&mut t, *ty).unwrap();
        let slot_ty = ctx.array_type(i8t, *size).unwrap();
        let slot = builder.alloca(slot_ty, "").unwrap();
        builder
            .store(ctx.const_zero(slot_ty).unwrap(), slot)
            .unwrap();
        let v = cx
            .declare_local(scope, &format!("v{i}"), r, 4 + i as u32, 5)
            .unwrap();
        cx.declare_llvm_variable(v, slot, entry).unwrap();
    }
    builder.ret(Some(ctx.const_int(i32t, 0).unwrap())).unwrap();
    cx.exit_function().unwrap();
    cx.finish().unwrap();
    module.emit_object().unwrap()
}

fn emit_zoo(version: u16) -> (Vec<u8>, String) {
    let ctx = LlvmContext::new();
    let module = ctx.create_module("zoo").unwrap();
    let obj = fill_zoo(&module, version);
    (obj, module.print_to_string().unwrap())
}

#[test]
fn recursive_zoo_verifies_and_defines_each_type_once() {
    for v in [4, 5] {
        let (obj, _) = emit_zoo(v);
        let s = check_object(&format!("llvm_zoo_v{v}.o"), &obj);
        for name in [
            "List", "Tree", "A", "B", "C", "Graph", "Callback", "Shape", "CShape",
        ] {
            let n = s
                .types
                .iter()
                .filter(|(tag, q)| tag == "DW_TAG_structure_type" && q == name)
                .count();
            assert_eq!(n, 1, "struct {name} in DWARF {v}: {:?}", s.types);
        }
        assert_eq!(s.tags.get("DW_TAG_variant_part"), Some(&1), "{:?}", s.tags);
        assert_eq!(s.tags.get("DW_TAG_variant"), Some(&3), "{:?}", s.tags);
        assert!(s
            .types
            .iter()
            .any(|(tag, n)| tag == "DW_TAG_enumeration_type" && n == "CShape::Tag"));
        assert!(s
            .types
            .iter()
            .any(|(tag, n)| tag == "DW_TAG_structure_type" && n == "Shape::Rect"));
    }
}

#[test]
fn composites_carry_their_unique_id_as_odr_identifier() {
    let (_, ir) = emit_zoo(5);
    assert!(
        ir.contains("name: \"List\"") && ir.contains("identifier: \"0000000000c0ffee:a\""),
        "{ir}"
    );
    assert!(
        ir.contains("identifier: \"0000000000000001:1e::variant_part\""),
        "{ir}"
    );
    // No temporary node survives in the finished module.
    assert!(!ir.contains("temporary"), "{ir}");
}

#[test]
fn zoo_objects_are_byte_identical_when_emitted_twice() {
    assert!(emit_zoo(5).0 == emit_zoo(5).0);
    assert!(emit_zoo(4).0 == emit_zoo(4).0);
}

#[test]
fn gdb_prints_the_whole_recursive_definitions() {
    let p = save("llvm_zoo_gdb.o", &emit_zoo(5).0);
    let out = common::gdb(
        &p,
        &[
            "ptype struct Tree",
            "ptype struct Callback",
            "ptype struct Graph",
            "ptype struct B",
            "ptype struct CShape",
        ],
    );
    for want in [
        "type = struct Tree {\n    i64 value;\n    struct Tree *left;\n    struct Tree *right;\n    struct Tree *parent;\n}",
        "type = struct Callback {\n    i32 (*f)(struct Callback *, i32);\n    i64 data;\n}",
        "type = struct Graph {\n    struct Graph *edges[4];\n    i64 id;\n}",
        "type = struct B {\n    struct C *c;\n}",
        "enum Tag tag;",
        "struct Rect Rect;",
    ] {
        assert!(out.contains(want), "gdb output lacks\n{want}\n--- got:\n{out}");
    }
}

/// A static const member of type `const int` and a template value parameter
/// of a typedef of `int` (g++'s `static const size_t _M_max_size`): LLVM
/// gives qualified and typedef nodes size 0, so the constants' width is
/// their target's (reemit found these refused as a 0-bit constant). The
/// object verifies and carries both values.
#[test]
fn constants_of_qualified_and_typedef_types_take_their_targets_width() {
    use dwarfsmith::{
        CompositeDesc, GlobalDesc, NominalKey, Qualifier, StaticMemberDesc, TemplateParam,
        TypeDesc, TypedefDesc,
    };
    let key = |d| NominalKey::new(7, d);
    let mut t = Table::default();
    t.add(1, base("int", 4, dwarfsmith::BaseEncoding::Signed));
    t.add(
        2,
        TypeDesc::Qualified {
            qualifier: Qualifier::Const,
            target: FrontendTy(1),
        },
    );
    t.add(
        3,
        TypeDesc::Typedef(TypedefDesc {
            key: key(3),
            name: "size_type".into(),
            scope: dwarfsmith::TypeScope::Unit,
            target: FrontendTy(1),
            decl: None,
            access: dwarfsmith::Access::Unspecified,
        }),
    );
    let mut c = CompositeDesc::new(key(4), "Holder", 4, 4).field("x", FrontendTy(1), 0);
    c.statics.push(StaticMemberDesc {
        name: "limit".into(),
        ty: FrontendTy(2),
        access: dwarfsmith::Access::Unspecified,
        const_value: Some(-3),
        position: 1,
    });
    c.template_params.push(TemplateParam::Value {
        name: "N".into(),
        ty: FrontendTy(3),
        value: 16,
    });
    t.add(4, TypeDesc::Struct(c));
    for version in [4, 5] {
        let ctx = LlvmContext::new();
        let module = ctx.create_module("consts").unwrap();
        let backend = LlvmBackend::new(
            &module,
            LlvmOptions {
                dwarf_version: version,
            },
        )
        .unwrap();
        let mut cx = DebugContext::new(backend, &llvm::cu()).unwrap();
        let file = cx.file("c.cpp".as_ref()).unwrap();
        let ty = cx.resolve_type(&mut t, FrontendTy(4)).unwrap();
        let i8t = ctx.int_type(8).unwrap();
        module
            .add_global("holder", ctx.array_type(i8t, 4).unwrap(), None)
            .unwrap();
        cx.define_global(&GlobalDesc::new("holder", "holder", ty, file, 1))
            .unwrap();
        cx.finish().unwrap();
        let obj = module.emit_object().unwrap();
        verify(&format!("llvm_consts_v{version}.o"), &obj);
        let dump = dwarfdump(&format!("llvm_consts_v{version}.o"), &obj, &[]);
        assert!(dump.contains("DW_AT_const_value\t(-3)"), "{dump}");
        assert!(dump.contains("DW_AT_const_value\t(16)"), "{dump}");
    }
}
