//! Type graphs through the public API: recursive, mutually recursive and
//! self-referencing types, the fast path, both tagged-union encodings, deep
//! chains. Every object is verified by llvm-dwarfdump and re-read by gimli.

mod common;

use common::*;
use dwarfsmith::{
    BaseEncoding, CodeRow, CompositeDesc, DebugContext, FrontendTy, FunctionDesc, GimliBackend,
    MethodDesc, NominalKey, TaggedUnionEncoding, TemplateParam, TypeDesc, VarLocation,
};

fn emit_zoo(version: u16) -> Vec<u8> {
    let mut cx = context(version);
    let mut t = Table::default();
    let roots = zoo(&mut t);
    let file = cx.file("test.c".as_ref()).unwrap();
    let mut refs = Vec::new();
    for r in &roots {
        refs.push(cx.resolve_type(&mut t, *r).unwrap());
    }
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
    cx.enter_function(f).unwrap();
    let mut vars = Vec::new();
    for (i, r) in refs.iter().enumerate() {
        vars.push(cx.declare_local(scope, &format!("v{i}"), *r, 4, 5).unwrap());
    }
    cx.start_emitting_source_locations().unwrap();
    let l = cx.set_source_location(scope, 4, 5).unwrap();
    for (i, v) in vars.iter().enumerate() {
        cx.set_variable_location(*v, VarLocation::FrameOffset(-64 - 48 * i as i64))
            .unwrap();
    }
    cx.exit_function().unwrap();
    cx.define_function_code(
        f,
        16,
        &[
            CodeRow {
                offset: 0,
                loc: None,
            },
            CodeRow { offset: 4, loc: l },
        ],
    )
    .unwrap();
    // Each frontend handle was described exactly once.
    assert!(
        t.describes.values().all(|&n| n == 1),
        "describe called more than once: {:?}",
        t.describes
    );
    object_with(&cx.finish().unwrap(), &["main"], &[])
}

#[test]
fn recursive_zoo_verifies_and_defines_each_type_once() {
    for v in [4, 5] {
        let bytes = emit_zoo(v);
        let s = check_object(&format!("zoo_v{v}.o"), &bytes);
        for name in ["List", "Tree", "A", "B", "C", "Graph", "Callback"] {
            let n = s
                .types
                .iter()
                .filter(|(tag, q)| tag == "DW_TAG_structure_type" && q == name)
                .count();
            assert_eq!(n, 1, "struct {name} in DWARF {v}");
        }
        assert_eq!(
            s.tags.get("DW_TAG_pointer_type"),
            Some(&8),
            "one pointer type per pointee, plus the fn pointer"
        );
    }
}

#[test]
fn zoo_is_byte_identical_when_emitted_twice() {
    assert_eq!(emit_zoo(5), emit_zoo(5));
    assert_eq!(emit_zoo(4), emit_zoo(4));
}

#[test]
fn gdb_prints_the_whole_recursive_definitions() {
    let p = save("zoo_gdb.o", &emit_zoo(5));
    let out = std::process::Command::new("gdb")
        .args([
            "-batch",
            "-nx",
            "-ex",
            "ptype struct Tree",
            "-ex",
            "ptype struct Callback",
            "-ex",
            "ptype struct Graph",
            "-ex",
            "ptype struct B",
        ])
        .arg(&p)
        .output()
        .unwrap_or_else(|e| panic!("cannot run gdb ({e}); install it: {INSTALL}"));
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "type = struct Tree {\n    i64 value;\n    struct Tree *left;\n    struct Tree *right;\n    struct Tree *parent;\n}",
        "type = struct Callback {\n    i32 (*f)(struct Callback *, i32);\n    i64 data;\n}",
        "type = struct Graph {\n    struct Graph *edges[4];\n    i64 id;\n}",
        "type = struct B {\n    struct C *c;\n}",
    ] {
        assert!(text.contains(want), "gdb output lacks\n{want}\n--- got:\n{text}");
    }
}

#[test]
fn many_frontend_handles_share_one_unique_type() {
    let mut cx = context(5);
    let mut t = Table::default();
    prims(&mut t);
    // Handles 100..110 are the same struct (rustc: one struct, many lifetimes).
    for h in 100..110 {
        t.add(h, strukt(7, "Same", 8, vec![field("x", I64, 0)], None));
    }
    let first = cx.resolve_type(&mut t, FrontendTy(100)).unwrap();
    for h in 101..110 {
        assert_eq!(cx.resolve_type(&mut t, FrontendTy(h)).unwrap(), first);
    }
    // Fast path: a second resolve of a handle does not describe again.
    cx.resolve_type(&mut t, FrontendTy(105)).unwrap();
    assert_eq!(t.describes[&105], 1);
    let stable = cx.stable_type_id(first).unwrap();
    assert_eq!(stable, "0000000000c0ffee:7");
    // The signature is FNV-1a-64 of the stable string, computed here by an
    // independent implementation (Python's, when this test was written).
    assert_eq!(cx.type_signature(first).unwrap(), 0x40fd_6910_bec4_3923);
    let s = check_object("same.o", &object_with(&cx.finish().unwrap(), &[], &[]));
    assert_eq!(s.types.iter().filter(|(_, n)| n == "Same").count(), 1);
}

#[test]
fn structural_ids_are_stable_strings() {
    let mut cx = context(5);
    let mut t = zoo_table();
    let cb = cx.resolve_type(&mut t, FrontendTy(22)).unwrap();
    assert_eq!(
        cx.stable_type_id(cb).unwrap(),
        "*fn(*0000000000c0ffee:10,i32)->i32"
    );
    let arr = cx.resolve_type(&mut t, FrontendTy(20)).unwrap();
    assert_eq!(cx.stable_type_id(arr).unwrap(), "[*0000000000c0ffee:f;4]");
}

fn zoo_table() -> Table {
    let mut t = Table::default();
    zoo(&mut t);
    t
}

fn tagged(encoding: TaggedUnionEncoding) -> Vec<u8> {
    let mut cx = context(5);
    let mut t = Table::default();
    prims(&mut t);
    t.add(30, shape(30, "Shape", encoding));
    cx.resolve_type(&mut t, FrontendTy(30)).unwrap();
    object_with(&cx.finish().unwrap(), &[], &[])
}

#[test]
fn tagged_unions_in_both_encodings_verify() {
    let vp = check_object("tagged_vp.o", &tagged(TaggedUnionEncoding::VariantPart));
    assert_eq!(vp.tags.get("DW_TAG_variant"), Some(&3));
    assert_eq!(vp.tags.get("DW_TAG_variant_part"), Some(&1));
    let cpp = check_object("tagged_cpp.o", &tagged(TaggedUnionEncoding::CppLike));
    assert_eq!(cpp.tags.get("DW_TAG_union_type"), Some(&1));
    assert!(cpp
        .types
        .iter()
        .any(|(tag, n)| tag == "DW_TAG_enumeration_type" && n == "Shape::Tag"));
    assert!(cpp
        .types
        .iter()
        .any(|(tag, n)| tag == "DW_TAG_structure_type" && n == "Shape::Rect"));
}

/// A variant's template parameters are written on its struct and the
/// methods in the tagged union's struct in both encodings: one
/// `DW_TAG_template_type_parameter` per variant struct, one method
/// declaration, and the objects verify.
#[test]
fn tagged_unions_keep_variant_template_params_and_methods_in_both_encodings() {
    for (name, encoding) in [
        ("tagged_parts_vp.o", TaggedUnionEncoding::VariantPart),
        ("tagged_parts_cpp.o", TaggedUnionEncoding::CppLike),
    ] {
        let TypeDesc::TaggedUnion(mut d) = shape(30, "Shape", encoding) else {
            unreachable!("shape() is a tagged union")
        };
        for v in &mut d.variants {
            v.template_params.push(TemplateParam::Type {
                name: "T".into(),
                ty: FrontendTy(F64),
            });
        }
        d.methods.push(MethodDesc {
            name: "area".into(),
            ret: Some(FrontendTy(F64)),
            ..Default::default()
        });
        let mut cx = context(5);
        let mut t = Table::default();
        prims(&mut t);
        t.add(30, TypeDesc::TaggedUnion(d));
        cx.resolve_type(&mut t, FrontendTy(30)).unwrap();
        let bytes = object_with(&cx.finish().unwrap(), &[], &[]);
        let s = check_object(name, &bytes);
        assert_eq!(
            s.tags.get("DW_TAG_template_type_parameter"),
            Some(&3),
            "{name}"
        );
        assert_eq!(s.tags.get("DW_TAG_subprogram"), Some(&1), "{name}");
        let rect = dwarfdump(name, &bytes, &["--name=Rect", "--show-children"]);
        assert!(rect.contains("DW_TAG_template_type_parameter"), "{rect}");
        let area = dwarfdump(name, &bytes, &["--name=area", "--show-parents"]);
        let parent = area.split("DW_TAG_subprogram").next().unwrap_or("");
        assert!(parent.contains("(\"Shape\")"), "{area}");
    }
}

/// A chain `S0 { next: S1 }`, `S1 { next: S2 }`... by value, `n` deep; the
/// last holds an i64. Returns the root's handle.
fn chain(t: &mut Table, n: u64) -> FrontendTy {
    prims(t);
    for i in 0..n {
        let size = 8;
        let inner = if i + 1 == n { I64 } else { 10_000 + i + 1 };
        t.add(
            10_000 + i,
            strukt(
                10_000 + i,
                &format!("S{i}"),
                size,
                vec![field("next", inner, 0)],
                None,
            ),
        );
    }
    FrontendTy(10_000)
}

#[test]
fn a_million_deep_by_value_chain_completes_without_stack_overflow() {
    let n: u64 = std::env::var("DWARFSMITH_DEEP")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut cx: DebugContext<GimliBackend> = context(5);
    let mut t = Table::default();
    let root = chain(&mut t, n);
    let r = cx.resolve_type(&mut t, root).unwrap();
    assert_eq!(cx.type_size(r).unwrap(), 8);
    let out = cx.finish().unwrap();
    let bytes = object_with(&out, &[], &[]);
    let s = check_object("million_deep.o", &bytes);
    assert_eq!(
        s.tags.get("DW_TAG_structure_type").copied(),
        Some(n as usize)
    );
}

#[test]
fn a_deep_pointer_chain_resolves_iteratively() {
    let mut cx = context(5);
    let mut t = Table::default();
    prims(&mut t);
    let n = 200_000;
    t.add(50_000, ptr(I64));
    for i in 1..n {
        t.add(50_000 + i, ptr(50_000 + i - 1));
    }
    let r = cx.resolve_type(&mut t, FrontendTy(50_000 + n - 1)).unwrap();
    assert_eq!(cx.type_size(r).unwrap(), 8);
    let bytes = object_with(&cx.finish().unwrap(), &[], &[]);
    let s = check_object("deep_pointers.o", &bytes);
    assert_eq!(s.tags.get("DW_TAG_pointer_type").copied(), Some(n as usize));
}

#[test]
fn expanding_generic_recursion_is_cut_off_with_a_diagnostic() {
    // S<T> { next: *S<Wrap<T>> }: each instantiation names a bigger one.
    // Handle encoding: 1_000_000 * depth + kind.
    struct Expanding;
    impl dwarfsmith::TypeSource for Expanding {
        fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String> {
            let (depth, kind) = (ty.0 / 1_000_000, ty.0 % 1_000_000);
            let at = |d: u64, k: u64| FrontendTy(d * 1_000_000 + k);
            Ok(match kind {
                0 if depth == 0 => TypeDesc::Base {
                    name: "i32".into(),
                    size: 4,
                    encoding: BaseEncoding::Signed,
                },
                // Wrap<arg at depth-1>
                0 => TypeDesc::Struct(
                    CompositeDesc::new(NominalKey::new(9, 2), format!("Wrap{depth}"), 4, 4)
                        .generic_args(vec![at(depth - 1, 0)]),
                ),
                // S<arg at depth>
                1 => TypeDesc::Struct(
                    CompositeDesc::new(NominalKey::new(9, 1), format!("S{depth}"), 8, 8)
                        .generic_args(vec![at(depth, 0)])
                        .field("next", at(depth + 1, 2), 0),
                ),
                // *S<arg at depth-1> ... pointer to S at this depth
                2 => TypeDesc::Pointer {
                    pointee: at(depth, 1),
                },
                _ => return Err("bad".into()),
            })
        }
    }
    let b = GimliBackend::new(Default::default()).unwrap();
    let mut cx = DebugContext::with_limits(
        b,
        &unit(),
        dwarfsmith::Limits {
            max_generic_depth: 16,
            ..Default::default()
        },
    )
    .unwrap();
    cx.resolve_type(&mut Expanding, FrontendTy(1)).unwrap();
    assert_eq!(cx.diagnostics().len(), 1, "{:?}", cx.diagnostics());
    assert!(cx.diagnostics()[0]
        .message
        .contains("beyond the limit of 16"));
    let bytes = object_with(&cx.finish().unwrap(), &[], &[]);
    let s = check_object("expanding.o", &bytes);
    assert!(s.types.iter().any(|(_, n)| n.ends_with("(truncated)")));
}
