//! Misuse of the real-language type model (cases 75-89): conflicting second
//! descriptions of one unique ID, bad discriminants, bad bitfields,
//! qualifier cycles, bad nesting, bad arrays and bad method definitions.
//! Each test names the operation, the failure it guards against and the
//! expected result.

mod common;

use common::*;
use dwarfsmith::*;

fn key(def_id: u64) -> NominalKey {
    NominalKey::new(0xBAD, def_id)
}

/// `i64` (1), `u8` (2), `f64` (3), `u32` (4).
fn prim_table() -> Table {
    let mut t = Table::default();
    t.add(1, base("i64", 8, BaseEncoding::Signed));
    t.add(2, base("u8", 1, BaseEncoding::Unsigned));
    t.add(3, base("f64", 8, BaseEncoding::Float));
    t.add(4, base("u32", 4, BaseEncoding::Unsigned));
    t
}

fn tagged(id: u64, tag_ty: u64, variants: Vec<VariantDesc>) -> TypeDesc {
    let mut d = TaggedUnionDesc::new(key(id), "T", (16, 8), (0, FrontendTy(tag_ty)));
    d.variants = variants;
    TypeDesc::TaggedUnion(d)
}

/// Case 75: two handles describe one struct (same key) whose member `x` has
/// different types (`i64` and `f64`). Guards against: the second
/// description being accepted because names and offsets match, so the
/// debugger shows the first type for code that uses the second. Expected:
/// `ConflictingDescription` naming both handles.
#[test]
fn conflicting_member_types() {
    let mut t = prim_table();
    t.add(
        10,
        TypeDesc::Struct(CompositeDesc::new(key(1), "S", 8, 8).field("x", FrontendTy(1), 0)),
    );
    t.add(
        11,
        TypeDesc::Struct(CompositeDesc::new(key(1), "S", 8, 8).field("x", FrontendTy(3), 0)),
    );
    assert_refused(
        resolve_all(&mut t, &[10, 11]),
        ErrorKind::ConflictingDescription,
        &["#10 and #11"],
    );
    // The same type under another handle is fine.
    t.add(
        12,
        TypeDesc::Struct(CompositeDesc::new(key(1), "S", 8, 8).field("x", FrontendTy(1), 0)),
    );
    resolve_all(&mut t, &[10, 12]).unwrap();
}

/// Case 76: a typedef, an enum and a tagged union described twice with a
/// different target, underlying type or tag type. Expected:
/// `ConflictingDescription` for each.
#[test]
fn conflicting_typedef_target_enum_underlying_and_tag() {
    let mut t = prim_table();
    let td = |target| {
        TypeDesc::Typedef(TypedefDesc {
            key: key(2),
            name: "Alias".into(),
            scope: TypeScope::Unit,
            target: FrontendTy(target),
            decl: None,
            access: dwarfsmith::Access::Unspecified,
        })
    };
    t.add(10, td(1));
    t.add(11, td(3));
    let en = |u| TypeDesc::Enum(EnumDesc::new(key(3), "E", FrontendTy(u), 4, 4).enumerator("A", 1));
    t.add(12, en(4));
    t.add(13, en(2));
    t.add(14, tagged(4, 2, vec![VariantDesc::new("A", 0)]));
    t.add(15, tagged(4, 4, vec![VariantDesc::new("A", 0)]));
    for pair in [[10, 11], [12, 13], [14, 15]] {
        assert_refused(
            resolve_all(&mut t, &pair),
            ErrorKind::ConflictingDescription,
            &["same unique type ID"],
        );
    }
}

/// Case 77: descriptions that differ in discriminants, qualifiers of a
/// member, template arguments, bitfield widths or `enum class`. Expected:
/// `ConflictingDescription` for each pair.
#[test]
fn conflicting_discriminants_qualifiers_templates_bits_and_scoping() {
    let mut t = prim_table();
    t.add(20, TypeDesc::qualified(Qualifier::Const, FrontendTy(1)));
    t.add(
        10,
        tagged(
            5,
            2,
            vec![VariantDesc::new("A", 0), VariantDesc::new("B", 1)],
        ),
    );
    t.add(
        11,
        tagged(
            5,
            2,
            vec![VariantDesc::new("A", 0), VariantDesc::new("B", 2)],
        ),
    );
    t.add(
        12,
        TypeDesc::Struct(CompositeDesc::new(key(6), "Q", 8, 8).field("x", FrontendTy(1), 0)),
    );
    t.add(
        13,
        TypeDesc::Struct(CompositeDesc::new(key(6), "Q", 8, 8).field("x", FrontendTy(20), 0)),
    );
    t.add(
        14,
        TypeDesc::Struct(
            CompositeDesc::new(key(7), "P<T>", 1, 1).template_type("T", FrontendTy(1)),
        ),
    );
    t.add(
        15,
        TypeDesc::Struct(
            CompositeDesc::new(key(7), "P<T>", 1, 1).template_type("T", FrontendTy(3)),
        ),
    );
    t.add(
        16,
        TypeDesc::Struct(
            CompositeDesc::new(key(8), "B", 4, 4).member(FieldDesc::bitfield(
                "b",
                FrontendTy(4),
                0,
                3,
            )),
        ),
    );
    t.add(
        17,
        TypeDesc::Struct(
            CompositeDesc::new(key(8), "B", 4, 4).member(FieldDesc::bitfield(
                "b",
                FrontendTy(4),
                0,
                4,
            )),
        ),
    );
    let en = |class: bool| {
        let e = EnumDesc::new(key(9), "E", FrontendTy(4), 4, 4).enumerator("A", 1);
        TypeDesc::Enum(if class { e.enum_class() } else { e })
    };
    t.add(18, en(false));
    t.add(19, en(true));
    for pair in [[10, 11], [12, 13], [14, 15], [16, 17], [18, 19]] {
        assert_refused(
            resolve_all(&mut t, &pair),
            ErrorKind::ConflictingDescription,
            &["same unique type ID"],
        );
    }
}

/// Case 78: a tagged union with two variants selected by the same value, by
/// overlapping ranges, or with two default variants. Guards against: a
/// debugger showing an arbitrary one of two variants. Expected:
/// `InvalidLayout` naming both variants.
#[test]
fn duplicate_discriminants() {
    let mut t = prim_table();
    t.add(
        10,
        tagged(
            10,
            2,
            vec![VariantDesc::new("A", 1), VariantDesc::new("B", 1)],
        ),
    );
    t.add(
        11,
        tagged(
            11,
            2,
            vec![
                VariantDesc::new("A", Discriminant::Ranges(vec![(0, 9)])),
                VariantDesc::new("B", Discriminant::Ranges(vec![(5, 20)])),
            ],
        ),
    );
    t.add(
        12,
        tagged(
            12,
            2,
            vec![
                VariantDesc::new("A", Discriminant::Default),
                VariantDesc::new("B", Discriminant::Default),
            ],
        ),
    );
    t.add(
        13,
        tagged(
            13,
            2,
            vec![
                VariantDesc::new("A", 7),
                VariantDesc::new("B", Discriminant::Ranges(vec![(5, 20)])),
            ],
        ),
    );
    for (h, needle) in [
        (10, "two variants with the discriminant 1"),
        (11, "claim the same tag value"),
        (12, "two default variants"),
        (13, "holds another variant's discriminant"),
    ] {
        assert_refused(
            resolve_all(&mut t, &[h]),
            ErrorKind::InvalidLayout,
            &[needle],
        );
    }
}

/// Case 79: discriminants that do not fit the tag (256 for a `u8` tag), a
/// range whose start is above its end, an empty range list. Expected:
/// `InvalidLayout`.
#[test]
fn discriminants_outside_the_tag() {
    let mut t = prim_table();
    t.add(10, tagged(20, 2, vec![VariantDesc::new("A", 256)]));
    t.add(
        11,
        tagged(
            21,
            2,
            vec![VariantDesc::new("A", Discriminant::Ranges(vec![(9, 3)]))],
        ),
    );
    t.add(
        12,
        tagged(
            22,
            2,
            vec![VariantDesc::new("A", Discriminant::Ranges(vec![]))],
        ),
    );
    for (h, needle) in [
        (10, "does not fit the 1-byte type"),
        (11, "start is above its end"),
        (12, "empty list of ranges"),
    ] {
        assert_refused(
            resolve_all(&mut t, &[h]),
            ErrorKind::InvalidLayout,
            &[needle],
        );
    }
    // -1 is the bit pattern 0xff of a u8 tag: accepted.
    t.add(
        13,
        tagged(
            23,
            2,
            vec![VariantDesc::new("A", -1), VariantDesc::new("B", 0)],
        ),
    );
    resolve_all(&mut t, &[13]).unwrap();
}

/// Case 80: a tag of type `f64`, or a struct. Guards against: a
/// discriminant compared as a float. Expected: `InvalidLayout`.
#[test]
fn non_integer_tags() {
    let mut t = prim_table();
    t.add(
        5,
        TypeDesc::Struct(CompositeDesc::new(key(30), "S", 8, 8).field("x", FrontendTy(1), 0)),
    );
    t.add(10, tagged(31, 3, vec![VariantDesc::new("A", 0)]));
    t.add(11, tagged(32, 5, vec![VariantDesc::new("A", 0)]));
    for h in [10, 11] {
        assert_refused(
            resolve_all(&mut t, &[h]),
            ErrorKind::InvalidLayout,
            &["not an integer type"],
        );
    }
}

/// Case 81: a tag-less tagged union with two variants that claim tag
/// values. Guards against: discriminant values nothing can select.
/// Expected: `InvalidLayout`. Two variants without values are rustc's
/// `Result<T, Infallible>` (all but one uninhabited) and are accepted.
#[test]
fn tagless_with_two_valued_variants() {
    let mut t = prim_table();
    let mut d = TaggedUnionDesc::tagless(key(40), "W", (8, 8));
    d.variants = vec![VariantDesc::new("A", 0), VariantDesc::new("B", 1)];
    t.add(10, TypeDesc::TaggedUnion(d));
    assert_refused(
        resolve_all(&mut t, &[10]),
        ErrorKind::InvalidLayout,
        &["no tag but 2 variants"],
    );
    let mut ok = TaggedUnionDesc::tagless(key(41), "R", (8, 8));
    ok.variants = vec![
        VariantDesc::new("Ok", Discriminant::Default).field("__0", FrontendTy(1), 0),
        VariantDesc::new("Err", Discriminant::Default),
    ];
    t.add(11, TypeDesc::TaggedUnion(ok));
    resolve_all(&mut t, &[11]).unwrap();
}

/// Case 81b: a nested type described twice through two handles of its
/// (one) enclosing type is one type; through two different enclosing types
/// it is `ConflictingDescription`. Guards against: scopes compared by
/// handle (reemit found rustc's and g++'s nested types refused).
#[test]
fn nested_types_compare_their_scope_by_identity() {
    let mut t = prim_table();
    let outer = |id: u64| {
        TypeDesc::Struct(CompositeDesc::new(key(id), "Outer", 8, 8).field("x", FrontendTy(1), 0))
    };
    t.add(20, outer(42));
    t.add(21, outer(42));
    t.add(22, outer(43));
    let inner = |scope: u64| {
        TypeDesc::Struct(
            CompositeDesc::new(key(44), "Inner", 1, 1).scope(TypeScope::Type(FrontendTy(scope))),
        )
    };
    t.add(23, inner(20));
    t.add(24, inner(21));
    t.add(25, inner(22));
    resolve_all(&mut t, &[23, 24]).unwrap();
    assert_refused(
        resolve_all(&mut t, &[23, 25]),
        ErrorKind::ConflictingDescription,
        &["same unique type ID"],
    );
}

/// Case 82: bitfields of width 0, wider than their type (9 bits of a `u8`),
/// or reaching past the struct (bit 30 + 4 bits in 4 bytes). Expected:
/// `InvalidLayout` naming the bitfield.
#[test]
fn bad_bitfields() {
    let mut t = prim_table();
    for (h, ty, off, bits) in [(10, 4, 0, 0), (11, 2, 0, 9), (12, 4, 30, 4)] {
        t.add(
            h,
            TypeDesc::Struct(
                CompositeDesc::new(key(h), "B", 4, 4).member(FieldDesc::bitfield(
                    "bad",
                    FrontendTy(ty),
                    off,
                    bits,
                )),
            ),
        );
        assert_refused(
            resolve_all(&mut t, &[h]),
            ErrorKind::InvalidLayout,
            &["bitfield `bad`"],
        );
    }
}

/// Case 83: a qualifier cycle (`const T` whose target is itself through
/// `volatile`). Guards against: an infinite chain of qualified types.
/// Expected: `CyclicType`.
#[test]
fn qualifier_cycle() {
    let mut t = prim_table();
    t.add(10, TypeDesc::qualified(Qualifier::Const, FrontendTy(11)));
    t.add(11, TypeDesc::qualified(Qualifier::Volatile, FrontendTy(10)));
    assert_refused(
        resolve_all(&mut t, &[10]),
        ErrorKind::CyclicType,
        &["contains itself"],
    );
}

/// Case 84: a type nested in a base type. Expected: `InvalidLayout`.
#[test]
fn nested_in_a_base_type() {
    let mut t = prim_table();
    t.add(
        10,
        TypeDesc::Struct(
            CompositeDesc::new(key(50), "In", 1, 1).scope(TypeScope::Type(FrontendTy(1))),
        ),
    );
    assert_refused(
        resolve_all(&mut t, &[10]),
        ErrorKind::InvalidLayout,
        &["not a struct, class, union, enum"],
    );
}

/// Case 85: arrays without dimensions, or with an unknown inner bound.
/// Expected: `InvalidLayout`.
#[test]
fn bad_array_dimensions() {
    let mut t = prim_table();
    let arr = |dims| {
        TypeDesc::ArrayOf(ArrayDesc {
            elem: FrontendTy(1),
            dims,
            elem_size: 8,
            align: 8,
        })
    };
    t.add(10, arr(vec![]));
    t.add(11, arr(vec![Some(2), None]));
    for h in [10, 11] {
        assert_refused(
            resolve_all(&mut t, &[h]),
            ErrorKind::InvalidLayout,
            &["only the first"],
        );
    }
}

/// Case 86: an enumerator whose value does not fit its underlying type
/// (300 in a `u8`). Expected: `InvalidLayout`.
#[test]
fn enumerator_outside_the_underlying_type() {
    let mut t = prim_table();
    t.add(
        10,
        TypeDesc::Enum(EnumDesc::new(key(60), "E", FrontendTy(2), 1, 1).enumerator("Big", 300)),
    );
    assert_refused(
        resolve_all(&mut t, &[10]),
        ErrorKind::InvalidLayout,
        &["does not fit the 1-byte type"],
    );
}

/// Case 87: a method definition naming method 3 of a class that declares
/// one. Guards against: a `DW_AT_specification` to nowhere. Expected:
/// `InvalidCode` saying how many methods the class declares.
#[test]
fn method_of_an_undeclared_method() {
    let mut t = prim_table();
    let mut c = CompositeDesc::new(key(70), "C", 8, 8).class();
    c.methods = vec![MethodDesc {
        name: "get".into(),
        linkage_name: Some("_ZN1C3getEv".into()),
        ret: Some(FrontendTy(1)),
        params: vec![],
        this: None,
        access: Access::Public,
        virtuality: Virtuality::None,
        artificial: false,
        decl: None,
        template_params: Vec::new(),
        variadic: false,
        artificial_params: Vec::new(),
        explicit: false,
    }];
    t.add(10, TypeDesc::Struct(c));
    let mut cx = context(5);
    let class = cx.resolve_type(&mut t, FrontendTy(10)).unwrap();
    let file = cx.file("a.cpp".as_ref()).unwrap();
    let e = cx
        .define_function(&FunctionDesc::new("get", "_ZN1C3getEv", file, 1).method_of(class, 3))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode, "{e}");
    assert!(e.message().contains("declares 1 method"), "{e}");
    cx.define_function(&FunctionDesc::new("get", "_ZN1C3getEv", file, 1).method_of(class, 0))
        .unwrap();
}

/// Case 88: a member at offset 16 of an 8-byte struct with a 8-byte type,
/// and a base class past the end. Guards against: members outside their
/// owner (only a member starting exactly at the end may extend past it, as
/// rustc describes zero-sized members). Expected: `InvalidLayout`.
#[test]
fn members_and_bases_past_the_end() {
    let mut t = prim_table();
    t.add(
        5,
        TypeDesc::Struct(CompositeDesc::new(key(80), "Base", 8, 8).field("x", FrontendTy(1), 0)),
    );
    t.add(
        10,
        TypeDesc::Struct(CompositeDesc::new(key(81), "S", 8, 8).field("x", FrontendTy(1), 4)),
    );
    let mut d = CompositeDesc::new(key(82), "D", 8, 8);
    d.bases = vec![BaseDesc {
        ty: FrontendTy(5),
        offset: 4,
        access: Access::Public,
        virtual_offset_offset: None,
    }];
    t.add(11, TypeDesc::Struct(d));
    for h in [10, 11] {
        assert_refused(
            resolve_all(&mut t, &[h]),
            ErrorKind::InvalidLayout,
            &["ends past the type's size"],
        );
    }
    // rustc's zero-sized member described as a pointer at the very end: accepted.
    t.add(
        12,
        TypeDesc::Struct(CompositeDesc::new(key(83), "Map", 16, 8).field("f", FrontendTy(1), 16)),
    );
    resolve_all(&mut t, &[12]).unwrap();
    // rustc's `TakeWhile<Chars, fn(&char) -> bool>`: a zero-sized function
    // item described as an 8-byte pointer at offset 17 of 24 bytes, accepted
    // when the frontend marks it zero-sized, refused otherwise.
    let take_while = |zero_sized: bool| {
        let mut f = FieldDesc::new("predicate", FrontendTy(1), 17);
        f.zero_sized = zero_sized;
        TypeDesc::Struct(
            CompositeDesc::new(key(84), "TakeWhile", 24, 8)
                .field("iter", FrontendTy(1), 0)
                .field("flag", FrontendTy(2), 16)
                .member(f),
        )
    };
    t.add(13, take_while(true));
    resolve_all(&mut t, &[13]).unwrap();
    t.add(14, take_while(false));
    assert_refused(
        resolve_all(&mut t, &[14]),
        ErrorKind::InvalidLayout,
        &["zero_sized"],
    );
}

/// Case 89: a template value parameter of a non-integer type (`f64`) and
/// one that does not fit (`300` as `u8`). Expected: `InvalidLayout`.
#[test]
fn bad_template_values() {
    let mut t = prim_table();
    for (h, ty, v) in [(10, 3, 1), (11, 2, 300)] {
        let mut c = CompositeDesc::new(key(90 + h), "P", 1, 1);
        c.template_params.push(TemplateParam::Value {
            name: "N".into(),
            ty: FrontendTy(ty),
            value: v,
        });
        t.add(h, TypeDesc::Struct(c));
        assert_refused(
            resolve_all(&mut t, &[h]),
            ErrorKind::InvalidLayout,
            &["`N`"],
        );
    }
}
