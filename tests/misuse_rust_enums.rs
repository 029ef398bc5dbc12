//! Misuse of the parts of a tagged union that rustc's enums add to the type
//! model (cases 110-114): template parameters of variant structs and method
//! declarations of the enum. Each test names the operation, the failure it
//! guards against and the expected result.

mod common;

use common::*;
use dwarfsmith::*;

fn key(def_id: u64) -> NominalKey {
    NominalKey::new(0xE1A, def_id)
}

/// `i64` (1), `u8` (2), `f64` (3), `u32` (4), `*const Shape` (5).
fn prim_table() -> Table {
    let mut t = Table::default();
    t.add(1, base("i64", 8, BaseEncoding::Signed));
    t.add(2, base("u8", 1, BaseEncoding::Unsigned));
    t.add(3, base("f64", 8, BaseEncoding::Float));
    t.add(4, base("u32", 4, BaseEncoding::Unsigned));
    t.add(5, TypeDesc::pointer(FrontendTy(10)));
    t
}

/// `fn area(&self) -> f64`, as rustc declares it (no artificial `this`: the
/// `&self` parameter is an ordinary one).
fn area() -> MethodDesc {
    MethodDesc {
        name: "area".into(),
        linkage_name: Some("_ZN5Shape4area".into()),
        ret: Some(FrontendTy(3)),
        params: vec![FrontendTy(5)],
        ..Default::default()
    }
}

/// `enum Shape<T> { Dot, Circle(T) }` with `T = param`, a `u8` tag at 0 and
/// `methods`.
fn shape(param: u64, methods: Vec<MethodDesc>) -> TypeDesc {
    let mut d = TaggedUnionDesc::new(key(10), "Shape<i64>", (16, 8), (0, FrontendTy(2)))
        .variant(VariantDesc::new("Dot", 0).template_type("T", FrontendTy(param)))
        .variant(
            VariantDesc::new("Circle", 1)
                .field("__0", FrontendTy(1), 8)
                .template_type("T", FrontendTy(param)),
        );
    d.methods = methods;
    TypeDesc::TaggedUnion(d)
}

/// Case 110: a method definition naming method 1 of an enum that declares
/// one, and one naming a method of an enum that declares none. Guards
/// against: a `DW_AT_specification` to nowhere. Expected: `InvalidCode`
/// saying how many methods the type declares; method 0 is accepted.
#[test]
fn case_110_method_of_beyond_an_enums_methods() {
    let mut t = prim_table();
    t.add(10, shape(1, vec![area()]));
    t.add(11, {
        let d = TaggedUnionDesc::new(key(11), "Plain", (1, 1), (0, FrontendTy(2)))
            .variant(VariantDesc::new("A", 0));
        TypeDesc::TaggedUnion(d)
    });
    let mut cx = context(5);
    let shape = cx.resolve_type(&mut t, FrontendTy(10)).unwrap();
    let plain = cx.resolve_type(&mut t, FrontendTy(11)).unwrap();
    let file = cx.file("shape.rs".as_ref()).unwrap();
    for (ty, index, declared) in [(shape, 1, "declares 1 method"), (plain, 0, "declares 0")] {
        let e = cx
            .define_function(
                &FunctionDesc::new("area", "_ZN5Shape4area", file, 3).method_of(ty, index),
            )
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidCode, "{e}");
        assert!(e.message().contains(declared), "{e}");
        assert!(e.message().contains("TaggedUnionDesc::methods"), "{e}");
    }
    let f = cx
        .define_function(&FunctionDesc::new("area", "_ZN5Shape4area", file, 3).method_of(shape, 0))
        .unwrap();
    cx.define_function_code(f, 16, &[]).unwrap();
    cx.finish().unwrap();
}

/// Case 110 (continued): a method definition naming a method of an enum
/// whose completion failed (its variant's field has a type the frontend
/// cannot describe), through the handle a second `resolve_type` gives.
/// Guards against: a definition pointing at a declaration the backend
/// never wrote. Expected: `InvalidCode` saying the description was not
/// completed.
#[test]
fn case_110_method_of_an_enum_whose_completion_failed() {
    let mut t = prim_table();
    let TypeDesc::TaggedUnion(mut d) = shape(1, vec![area()]) else {
        unreachable!()
    };
    d.variants[1].fields[0].ty = FrontendTy(99);
    t.add(10, TypeDesc::TaggedUnion(d));
    let mut cx = context(5);
    let e = cx.resolve_type(&mut t, FrontendTy(10)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DescribeFailed, "{e}");
    let shape = cx.resolve_type(&mut t, FrontendTy(10)).unwrap();
    let file = cx.file("shape.rs".as_ref()).unwrap();
    let e = cx
        .define_function(&FunctionDesc::new("area", "_ZN5Shape4area", file, 3).method_of(shape, 0))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode, "{e}");
    assert!(e.message().contains("not completed"), "{e}");
}

/// Case 111: a variant's template parameter whose type the frontend cannot
/// describe, a value parameter of a float type, and one whose value does
/// not fit its type. Guards against: a template parameter DIE without a
/// type, or with a constant no debugger can read. Expected: the source's
/// error (`DescribeFailed`, naming the handle) and `InvalidLayout`.
#[test]
fn case_111_variant_template_params_that_cannot_be_written() {
    let mut t = prim_table();
    t.add(10, shape(99, Vec::new()));
    let e = resolve_all(&mut t, &[10]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DescribeFailed, "{e}");
    assert!(e.message().contains("unknown type #99"), "{e}");
    for (ty, value, needle) in [(3, 1, "not an integer type"), (2, 256, "does not fit")] {
        let mut d = TaggedUnionDesc::new(key(12), "N<1>", (1, 1), (0, FrontendTy(2)));
        let mut v = VariantDesc::new("A", 0);
        v.template_params.push(TemplateParam::Value {
            name: "N".into(),
            ty: FrontendTy(ty),
            value,
        });
        d.variants.push(v);
        t.add(12, TypeDesc::TaggedUnion(d));
        assert_refused(
            resolve_all(&mut t, &[12]),
            ErrorKind::InvalidLayout,
            &[needle],
        );
    }
}

/// Case 112: two handles describe one enum (same key) whose variant
/// `Circle` has the template parameter `T = i64` in one and `T = f64` (or
/// `U = i64`) in the other. Guards against: the second description being
/// accepted because the variants' names, discriminants and fields match,
/// so the debugger shows the first one's parameters. Expected:
/// `ConflictingDescription`.
#[test]
fn case_112_conflicting_variant_template_params() {
    let mut t = prim_table();
    t.add(10, shape(1, Vec::new()));
    t.add(20, shape(3, Vec::new()));
    let TypeDesc::TaggedUnion(mut renamed) = shape(1, Vec::new()) else {
        unreachable!()
    };
    renamed.variants[1].template_params = vec![TemplateParam::Type {
        name: "U".into(),
        ty: FrontendTy(1),
    }];
    t.add(21, TypeDesc::TaggedUnion(renamed));
    for pair in [[10, 20], [10, 21]] {
        assert_refused(
            resolve_all(&mut t, &pair),
            ErrorKind::ConflictingDescription,
            &["same unique type ID"],
        );
    }
    // The same description under two handles is one type.
    t.add(22, shape(1, Vec::new()));
    resolve_all(&mut t, &[10, 22]).unwrap();
}

/// Case 113: two handles describe one enum whose method `area` returns
/// `f64` in one and `u32` in the other, is missing in one, or is named
/// differently. Guards against: a method declaration silently taken from
/// whichever description came first. Expected: `ConflictingDescription`.
#[test]
fn case_113_conflicting_enum_methods() {
    let mut t = prim_table();
    t.add(10, shape(1, vec![area()]));
    t.add(
        20,
        shape(
            1,
            vec![MethodDesc {
                ret: Some(FrontendTy(4)),
                ..area()
            }],
        ),
    );
    t.add(21, shape(1, Vec::new()));
    t.add(
        22,
        shape(
            1,
            vec![MethodDesc {
                name: "perimeter".into(),
                ..area()
            }],
        ),
    );
    for pair in [[10, 20], [10, 21], [10, 22]] {
        assert_refused(
            resolve_all(&mut t, &pair),
            ErrorKind::ConflictingDescription,
            &["same unique type ID"],
        );
    }
}

/// Case 114: an enum method with an empty name, a NUL in its linkage name,
/// or a parameter type the frontend cannot describe. Guards against: a
/// nameless `DW_TAG_subprogram`, a name cut at the NUL, and a declaration
/// referring to no type. Expected: `InvalidName`
/// naming the method name or linkage name; the source's `DescribeFailed`.
#[test]
fn case_114_enum_methods_with_bad_names_or_types() {
    let mut t = prim_table();
    for (m, needle) in [
        (
            MethodDesc {
                name: String::new(),
                ..area()
            },
            "method name is empty",
        ),
        (
            MethodDesc {
                linkage_name: Some("_ZN\0".into()),
                ..area()
            },
            "method linkage name",
        ),
    ] {
        t.add(10, shape(1, vec![m]));
        assert_refused(
            resolve_all(&mut t, &[10]),
            ErrorKind::InvalidName,
            &[needle],
        );
    }
    t.add(
        10,
        shape(
            1,
            vec![MethodDesc {
                params: vec![FrontendTy(5), FrontendTy(77)],
                ..area()
            }],
        ),
    );
    assert_refused(
        resolve_all(&mut t, &[10]),
        ErrorKind::DescribeFailed,
        &["unknown type #77"],
    );
}
