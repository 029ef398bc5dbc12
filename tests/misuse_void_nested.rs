//! Misuse cases 115-119 of `void`, unspecified types, the declaration order
//! of nested types (`CompositeDesc::nested`) and linkage names of unnamed
//! types. Each test names the operation, the failure it guards against and
//! the expected result (a typed error whose message says what to fix).

mod common;

use common::*;
use dwarfsmith::*;

fn key(def_id: u64) -> NominalKey {
    NominalKey::new(0x0D0, def_id)
}

/// `int` (1), `void` (2), `const void` (3), `typedef void vt` (4).
fn table() -> Table {
    let mut t = Table::default();
    t.add(1, base("int", 4, BaseEncoding::Signed));
    t.add(2, TypeDesc::Void);
    t.add(3, TypeDesc::qualified(Qualifier::Const, FrontendTy(2)));
    t.add(
        4,
        TypeDesc::Typedef(TypedefDesc {
            key: key(4),
            name: "vt".into(),
            scope: TypeScope::Unit,
            target: FrontendTy(2),
            decl: None,
            access: Access::Unspecified,
        }),
    );
    t
}

/// Case 115: `void` (itself, `const`-qualified or through a typedef) used
/// where a value is: a struct member, an array element, a function type's
/// parameter, an enum's underlying type, a base class, a global and a
/// local variable. Guards against: a 0-byte "value" the debugger would
/// show as a member or variable of type void. Expected: `InvalidLayout`
/// saying the type has no values; `void *`, `const void`, the typedef and
/// a function returning `void` are accepted.
#[test]
fn case_115_void_where_a_value_is_needed() {
    for void in [2, 3, 4] {
        let mut t = table();
        t.add(
            10,
            TypeDesc::Struct(CompositeDesc::new(key(10), "S", 4, 4).field(
                "v",
                FrontendTy(void),
                0,
            )),
        );
        t.add(
            11,
            TypeDesc::Array {
                elem: FrontendTy(void),
                len: 2,
                elem_size: 0,
                align: 1,
            },
        );
        t.add(
            12,
            TypeDesc::Function {
                params: vec![FrontendTy(void)],
                ret: None,
                variadic: false,
                artificial_params: vec![],
            },
        );
        t.add(
            13,
            TypeDesc::Enum(EnumDesc::new(key(13), "E", FrontendTy(void), 4, 4)),
        );
        let mut derived = CompositeDesc::new(key(14), "D", 4, 4);
        derived.bases.push(BaseDesc {
            ty: FrontendTy(void),
            offset: 0,
            access: Access::Public,
            virtual_offset_offset: None,
        });
        t.add(14, TypeDesc::Struct(derived));
        for (h, what) in [
            (10, "field `v` of `S`"),
            (11, "an array's element"),
            (12, "a function type's parameter"),
            (13, "the underlying type of enum `E`"),
            (14, "a base of `D`"),
        ] {
            assert_refused(resolve_all(&mut t, &[h]), ErrorKind::InvalidLayout, &[what]);
        }
        let mut cx = context(5);
        let v = cx.resolve_type(&mut t, FrontendTy(void)).unwrap();
        let file = cx.file("v.c".as_ref()).unwrap();
        let e = cx
            .define_global(&GlobalDesc::new("g", "g", v, file, 1))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidLayout, "{e}");
        assert!(e.message().contains("has no values"), "{e}");
        let f = cx
            .define_function(&FunctionDesc::new("f", "f", file, 1).returns(v))
            .unwrap();
        let scope = cx.function_scope(f).unwrap();
        let e = cx.declare_local(scope, "x", v, 1, 1).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidLayout, "{e}");
        assert!(e.message().contains("variable `x`"), "{e}");
    }
    let mut t = table();
    t.add(20, TypeDesc::pointer(FrontendTy(3)));
    t.add(21, TypeDesc::pointer(FrontendTy(4)));
    resolve_all(&mut t, &[20, 21]).unwrap();
}

/// Case 116: `void` or an unspecified type described in one unit as a
/// base type of the same name (`void`, `decltype(nullptr)`). Guards
/// against: two different DIEs (a base type and no DIE, or an unspecified
/// type) for one name. Expected: `ConflictingDescription`.
#[test]
fn case_116_void_and_unspecified_conflict_with_base_types_of_their_name() {
    let mut t = table();
    t.add(30, base("void", 0, BaseEncoding::Unsigned));
    t.add(31, TypeDesc::unspecified("decltype(nullptr)"));
    t.add(32, base("decltype(nullptr)", 8, BaseEncoding::Unsigned));
    assert_refused(
        resolve_all(&mut t, &[2, 30]),
        ErrorKind::ConflictingDescription,
        &["same unique type ID"],
    );
    assert_refused(
        resolve_all(&mut t, &[31, 32]),
        ErrorKind::ConflictingDescription,
        &["same unique type ID"],
    );
    t.add(33, TypeDesc::unspecified(""));
    assert_refused(
        resolve_all(&mut t, &[33]),
        ErrorKind::InvalidName,
        &["unspecified type name"],
    );
}

/// `class C` (40) with the member typedef `t` (41) and the listed nested
/// types `nested`.
fn class_with(t: &mut Table, nested: &[u64]) {
    let mut c = CompositeDesc::new(key(40), "C", 4, 4)
        .class()
        .field("x", FrontendTy(41), 0);
    c.nested = nested.iter().map(|h| FrontendTy(*h)).collect();
    t.add(40, TypeDesc::Struct(c));
    t.add(
        41,
        TypeDesc::Typedef(TypedefDesc {
            key: key(41),
            name: "t".into(),
            scope: TypeScope::Type(FrontendTy(40)),
            target: FrontendTy(1),
            decl: None,
            access: Access::Public,
        }),
    );
}

/// Case 117: `CompositeDesc::nested` listing a type twice, a type at the
/// unit's scope, one nested in another class, or a pointer. Guards
/// against: an order the backend cannot honour (a type written under a
/// class it does not belong to). Expected: `InvalidLayout` saying to list
/// each nested type once, or that the type is not nested in the class.
#[test]
fn case_117_nested_lists_a_type_twice_or_one_not_nested_in_it() {
    let mut t = table();
    class_with(&mut t, &[41, 41]);
    assert_refused(
        resolve_all(&mut t, &[40]),
        ErrorKind::InvalidLayout,
        &["twice"],
    );
    t.add(
        50,
        TypeDesc::Struct(CompositeDesc::new(key(50), "Other", 4, 4).field("x", FrontendTy(1), 0)),
    );
    t.add(
        51,
        TypeDesc::Struct(
            CompositeDesc::new(key(51), "InOther", 4, 4).scope(TypeScope::Type(FrontendTy(50))),
        ),
    );
    t.add(52, TypeDesc::pointer(FrontendTy(1)));
    for stray in [50, 51, 52] {
        class_with(&mut t, &[41, stray]);
        assert_refused(
            resolve_all(&mut t, &[40]),
            ErrorKind::InvalidLayout,
            &["is not nested in it"],
        );
    }
    class_with(&mut t, &[41]);
    resolve_all(&mut t, &[40]).unwrap();
}

/// Case 118: two descriptions of one class that differ only in their
/// nested types (another type, or one more) or in their linkage name.
/// Guards against: the second description's order or name being dropped
/// silently. Expected: `ConflictingDescription`.
#[test]
fn case_118_conflicting_nested_lists_and_linkage_names() {
    let mut t = table();
    class_with(&mut t, &[41]);
    let second = |t: &mut Table, nested: &[u64], linkage: Option<&str>| {
        let mut c = CompositeDesc::new(key(40), "C", 4, 4)
            .class()
            .field("x", FrontendTy(41), 0);
        c.nested = nested.iter().map(|h| FrontendTy(*h)).collect();
        c.linkage_name = linkage.map(str::to_owned);
        t.add(60, TypeDesc::Struct(c));
    };
    t.add(
        42,
        TypeDesc::Typedef(TypedefDesc {
            key: key(42),
            name: "u".into(),
            scope: TypeScope::Type(FrontendTy(40)),
            target: FrontendTy(1),
            decl: None,
            access: Access::Public,
        }),
    );
    second(&mut t, &[42], None);
    assert_refused(
        resolve_all(&mut t, &[40, 60]),
        ErrorKind::ConflictingDescription,
        &["the types they refer to differ"],
    );
    second(&mut t, &[41, 42], None);
    assert_refused(
        resolve_all(&mut t, &[40, 60]),
        ErrorKind::ConflictingDescription,
        &["same unique type ID"],
    );
    second(&mut t, &[41], Some("1C"));
    assert_refused(
        resolve_all(&mut t, &[40, 60]),
        ErrorKind::ConflictingDescription,
        &["same unique type ID"],
    );
    second(&mut t, &[41], None);
    resolve_all(&mut t, &[40, 60]).unwrap();
}

/// Case 119: an unnamed struct whose linkage name is empty or holds a NUL
/// byte. Guards against: a `DW_AT_linkage_name` no debugger can match to
/// a symbol. Expected: `InvalidName` naming the linkage name.
#[test]
fn case_119_bad_linkage_names() {
    for bad in ["", "5div\0t"] {
        let mut t = table();
        t.add(
            70,
            TypeDesc::Struct(
                CompositeDesc::new(key(70), "", 4, 4)
                    .field("x", FrontendTy(1), 0)
                    .linkage_name(bad),
            ),
        );
        assert_refused(
            resolve_all(&mut t, &[70]),
            ErrorKind::InvalidName,
            &["linkage name"],
        );
    }
}

/// Case 119 (LLVM): the LLVM backend has no linkage name for a type (LLVM's
/// composite types carry none). Guards against: the name being dropped
/// silently. Expected: `Unsupported` naming the linkage name; the gimli
/// backend writes it (case 119 above, `tests/cxx_types.rs`).
#[cfg(any(feature = "llvm19", feature = "llvm22"))]
#[test]
fn case_119_llvm_refuses_linkage_names() {
    use dwarfsmith::backend::llvm::{LlvmBackend, LlvmContext, LlvmOptions};
    let ctx = LlvmContext::new();
    let module = ctx.create_module("m").unwrap();
    let backend = LlvmBackend::new(&module, LlvmOptions::default()).unwrap();
    let mut cx = DebugContext::new(backend, &CompileUnit::new("m.cpp", "/m")).unwrap();
    let mut t = table();
    t.add(
        70,
        TypeDesc::Struct(
            CompositeDesc::new(key(70), "", 4, 4)
                .field("x", FrontendTy(1), 0)
                .linkage_name("5div_t"),
        ),
    );
    let e = cx.resolve_type(&mut t, FrontendTy(70)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported, "{e}");
    assert!(e.message().contains("`5div_t`"), "{e}");
}
