//! Misuse of the type interface: `TypeSource::describe` returning
//! inconsistent data, panicking, or handles used inconsistently. Each test
//! names the operation, the failure it guards against and the expected
//! result. (Cases 1-13 are in `misuse_core.rs`, 26-39 in `misuse_api.rs`.)

mod common;

use common::*;
use dwarfsmith::{
    BaseEncoding, CompositeDesc, DebugContext, EnumDesc, ErrorKind, FrontendTy, GimliBackend,
    Limits, NominalKey, TaggedUnionDesc, TaggedUnionEncoding, TypeDesc, TypeScope, TypeSource,
    TypedefDesc, VariantDesc,
};

fn i64_table() -> Table {
    let mut t = Table::default();
    t.add(1, base("i64", 8, BaseEncoding::Signed));
    t
}

fn key(def_id: u64) -> NominalKey {
    NominalKey {
        crate_hash: 0xC0FFEE,
        def_id,
    }
}

fn enumeration(names: &[&str], align: u32) -> TypeDesc {
    TypeDesc::Enum(EnumDesc {
        key: key(40),
        generic_args: vec![],
        name: "E".into(),
        scope: TypeScope::Unit,
        underlying: FrontendTy(1),
        size: 8,
        align,
        enumerators: names.iter().map(|n| (n.to_string(), 0)).collect(),
        decl: None,
        enum_class: false,
        opaque: false,
    })
}

fn resolve_err(t: &mut Table, h: u64) -> dwarfsmith::Error {
    context(5).resolve_type(t, FrontendTy(h)).unwrap_err()
}

/// Case 14: `resolve_type` on a struct whose `describe()` gives alignment 3.
/// Guards against: non-power-of-two alignments reaching a backend (LLVM
/// asserts). Expected: `InvalidLayout` naming the alignment; the same for
/// enums (accepted silently before the hardening work), tuples and arrays.
#[test]
fn alignment_not_a_power_of_two() {
    let mut t = i64_table();
    let mut s = strukt(2, "S", 8, vec![field("a", 1, 0)], None);
    if let TypeDesc::Struct(c) = &mut s {
        c.align = 3;
    }
    t.add(2, s);
    t.add(3, enumeration(&["A"], 6));
    for h in [2, 3] {
        let e = resolve_err(&mut t, h);
        assert_eq!(e.kind(), ErrorKind::InvalidLayout, "{e}");
        assert!(e.message().contains("not a power of two"), "{e}");
    }
}

fn tagged(tag_offset: u64, variant: &str) -> TypeDesc {
    TypeDesc::TaggedUnion(TaggedUnionDesc {
        key: key(50),
        generic_args: vec![],
        name: "Opt".into(),
        scope: TypeScope::Unit,
        size: 16,
        align: 8,
        tag: Some(dwarfsmith::TagDesc {
            offset: tag_offset,
            ty: FrontendTy(1),
        }),
        variants: vec![VariantDesc {
            name: variant.into(),
            discriminant: (1).into(),
            fields: vec![field("x", 1, 8)],
            template_params: Vec::new(),
        }],
        encoding: TaggedUnionEncoding::VariantPart,
        decl: None,
        template_params: Vec::new(),
        methods: Vec::new(),
    })
}

/// Case 15: A tagged union whose tag offset lies outside the type (16) or whose
/// tag runs past the end (offset 12, 8-byte tag). Guards against: a
/// discriminant the debugger reads from beyond the object. Expected:
/// `InvalidLayout`.
#[test]
fn tag_offset_outside_the_type() {
    for off in [16, 12] {
        let mut t = i64_table();
        t.add(2, tagged(off, "Some"));
        let e = resolve_err(&mut t, 2);
        assert_eq!(e.kind(), ErrorKind::InvalidLayout, "{e}");
    }
}

/// Case 16: Enumerator, variant and base type names that are empty, and field
/// and type names that contain a NUL byte. Guards against: DWARF strings cut
/// at the NUL, nameless enumerators. Expected: `InvalidName` for each. (An
/// empty field name is an anonymous member and an empty struct name an
/// anonymous struct: both valid C.)
#[test]
fn empty_and_nul_names() {
    let cases: Vec<TypeDesc> = vec![
        enumeration(&[""], 8),
        enumeration(&["A\0B"], 8),
        tagged(0, ""),
        strukt(2, "S", 8, vec![field("a\0", 1, 0)], None),
        strukt(2, "S\0", 8, vec![], None),
        base("", 8, BaseEncoding::Signed),
    ];
    for d in cases {
        let mut t = i64_table();
        t.add(2, d);
        let e = resolve_err(&mut t, 2);
        assert_eq!(e.kind(), ErrorKind::InvalidName, "{e}");
    }
}

/// Case 17: A base type of 17 bytes (a complex float of 33), and two
/// fields of one struct with one name. Guards against: unencodable base
/// types and ambiguous members. Expected: `InvalidLayout`. (A base type of
/// 0 bytes is Rust's `()`; a complex float of 32 is gcc's `_Complex long
/// double`, accepted.)
#[test]
fn impossible_base_sizes_and_duplicate_fields() {
    let mut t = i64_table();
    t.add(
        2,
        base("complex long double", 32, BaseEncoding::ComplexFloat),
    );
    context(5).resolve_type(&mut t, FrontendTy(2)).unwrap();
    for d in [
        base("w", 17, BaseEncoding::Unsigned),
        base("w", 33, BaseEncoding::ComplexFloat),
        strukt(2, "S", 16, vec![field("a", 1, 0), field("a", 1, 8)], None),
    ] {
        let mut t = i64_table();
        t.add(2, d);
        assert_eq!(resolve_err(&mut t, 2).kind(), ErrorKind::InvalidLayout);
    }
}

/// Case 18: `describe()` returns `Err` for a member type. Guards against: a
/// half-described type being emitted. Expected: `DescribeFailed` carrying
/// the frontend's message and naming the struct being completed.
#[test]
fn describe_reports_an_error() {
    let mut t = i64_table();
    t.add(2, strukt(2, "Holder", 8, vec![field("x", 77, 0)], None));
    let e = resolve_err(&mut t, 2);
    assert_eq!(e.kind(), ErrorKind::DescribeFailed);
    assert!(e.message().contains("unknown type #77"), "{e}");
    assert!(e.message().contains("Holder"), "{e}");
}

/// A source that panics when asked for handle 99.
struct Panicking(Table);

impl TypeSource for Panicking {
    fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String> {
        if ty.0 == 99 {
            panic!("frontend bug");
        }
        self.0.describe(ty)
    }
}

/// Case 19: A `TypeSource` that panics while a struct is being completed.
/// Decision: the library does **not** catch frontend panics (a panic is the
/// frontend's bug, and catching it would hide it); it propagates unchanged.
/// Guards against: a context that observed the panic (the frontend caught
/// it with `catch_unwind`) emitting the interrupted struct as if complete.
/// Expected: the panic reaches the caller; afterwards `finish()` is
/// `IncompleteStub` naming the struct.
#[test]
fn a_panicking_type_source_is_not_caught_and_leaves_no_lie() {
    let mut t = i64_table();
    t.add(
        2,
        strukt(2, "Interrupted", 8, vec![field("x", 99, 0)], None),
    );
    let mut src = Panicking(t);
    let mut cx = context(5);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        cx.resolve_type(&mut src, FrontendTy(2))
    }));
    assert!(r.is_err(), "the panic must propagate");
    let e = cx.finish().err().unwrap();
    assert_eq!(e.kind(), ErrorKind::IncompleteStub);
    assert!(e.message().contains("Interrupted"), "{e}");
}

/// Case 20: One `FrontendTy` used with two different `TypeSource`s that give it
/// different meanings (a handle collision in the frontend). Guards against:
/// the library asking twice and mixing descriptions. Documented result:
/// handles are keys of the context; `describe` is called at most once per
/// handle, so the first description wins and the second source is never
/// asked.
#[test]
fn frontend_handle_collision_across_sources() {
    let mut cx = context(5);
    let mut a = i64_table();
    let mut b = Table::default();
    b.add(1, base("u8", 1, BaseEncoding::Unsigned));
    let ta = cx.resolve_type(&mut a, FrontendTy(1)).unwrap();
    let tb = cx.resolve_type(&mut b, FrontendTy(1)).unwrap();
    assert_eq!(ta, tb);
    assert_eq!(cx.type_size(tb).unwrap(), 8);
    assert!(b.describes.is_empty(), "the second source was asked");
}

/// Case 21: Two handles describe one primitive name with different sizes (the
/// unique ID of a primitive is its name). Guards against: `i64` meaning two
/// layouts in one unit. Expected: `ConflictingDescription` naming both
/// handles.
#[test]
fn one_primitive_name_with_two_layouts() {
    let mut cx = context(5);
    let mut t = i64_table();
    t.add(2, base("i64", 4, BaseEncoding::Signed));
    cx.resolve_type(&mut t, FrontendTy(1)).unwrap();
    let e = cx.resolve_type(&mut t, FrontendTy(2)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConflictingDescription);
    assert!(
        e.message().contains("#1") && e.message().contains("#2"),
        "{e}"
    );
}

/// Case 22: A typedef naming itself, and a generic struct that is its own
/// generic argument (`S<S<S<...>>>` through one handle). Guards against:
/// infinite identity recursion. Expected: `CyclicType` naming the chain.
#[test]
fn self_referential_typedef_and_generic_argument() {
    let mut t = Table::default();
    t.add(
        3,
        TypeDesc::Typedef(TypedefDesc {
            key: key(3),
            name: "T".into(),
            scope: TypeScope::Unit,
            target: FrontendTy(3),
            decl: None,
            access: dwarfsmith::Access::Unspecified,
        }),
    );
    t.add(
        4,
        TypeDesc::Struct(CompositeDesc::new(key(4), "S", 0, 1).generic_args(vec![FrontendTy(4)])),
    );
    for h in [3, 4] {
        assert_eq!(resolve_err(&mut t, h).kind(), ErrorKind::CyclicType);
    }
}

/// Case 23: Names of 1 MiB (a struct, its field, a namespace). Guards against:
/// length fields overflowing or quadratic work on long strings. Expected:
/// accepted and emitted verbatim; the object verifies.
#[test]
fn very_long_names() {
    let long = "x".repeat(1 << 20);
    let mut cx = context(5);
    let ns = cx.namespace(None, &long).unwrap();
    let mut t = i64_table();
    let mut s = strukt(2, &long, 8, vec![field(&long, 1, 0)], None);
    if let TypeDesc::Struct(c) = &mut s {
        c.scope = TypeScope::Namespace(ns);
    }
    t.add(2, s);
    cx.resolve_type(&mut t, FrontendTy(2)).unwrap();
    let bytes = object_with(&cx.finish().unwrap(), &[], &[]);
    let s = check_object("long_names.o", &bytes);
    assert!(s.types.iter().any(|(_, n)| n.len() > 2 << 20));
}

/// Case 24: `Limits { max_generic_depth: u32::MAX }` with a type whose members
/// name ever larger instantiations of itself. Guards against: "no limit"
/// meaning "run until memory is exhausted". Expected: the limit is clamped
/// to `Limits::GENERIC_DEPTH_CEILING`; the type ends in a truncated
/// placeholder with one diagnostic.
#[test]
fn an_unbounded_generic_limit_is_clamped() {
    /// `S<T> { next: *S<*T> }`, handle = 2 * depth + (0: arg, 1: S).
    struct Grow;
    impl TypeSource for Grow {
        fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String> {
            let d = ty.0 / 4;
            Ok(match ty.0 % 4 {
                0 if d == 0 => base("i8", 1, BaseEncoding::Signed),
                0 => ptr(ty.0 - 4),
                1 => TypeDesc::Struct(
                    CompositeDesc::new(key(60), format!("S{d}"), 8, 8)
                        .generic_args(vec![FrontendTy(4 * d)])
                        .field("next", FrontendTy(4 * (d + 1) + 2), 0),
                ),
                _ => ptr(ty.0 - 1),
            })
        }
    }
    let b = GimliBackend::new(Default::default()).unwrap();
    let limits = Limits {
        max_generic_depth: u32::MAX,
        ..Default::default()
    };
    let mut cx: DebugContext<GimliBackend> = DebugContext::with_limits(b, &unit(), limits).unwrap();
    cx.resolve_type(&mut Grow, FrontendTy(1)).unwrap();
    assert_eq!(cx.diagnostics().len(), 1);
    let limit = Limits::GENERIC_DEPTH_CEILING.to_string();
    assert!(cx.diagnostics()[0].message.contains(&limit));
    cx.finish().unwrap();
}

/// Case 25: A zero-sized struct, a zero-length array and a 2^40-byte struct
/// holding a 2^40-byte array. Guards against: size arithmetic overflow and
/// zero sizes refused. Expected: accepted; the object verifies.
#[test]
fn zero_sized_and_two_to_the_forty_byte_structs() {
    let mut t = i64_table();
    t.add(2, strukt(2, "Unit", 0, vec![], None));
    t.add(
        3,
        TypeDesc::Array {
            elem: FrontendTy(1),
            len: 1 << 37,
            elem_size: 8,
            align: 8,
        },
    );
    t.add(
        4,
        TypeDesc::Array {
            elem: FrontendTy(2),
            len: 0,
            elem_size: 0,
            align: 1,
        },
    );
    t.add(
        5,
        strukt(
            5,
            "Huge",
            1 << 40,
            vec![
                field("data", 3, 0),
                field("none", 4, 1 << 40),
                field("u", 2, 0),
            ],
            None,
        ),
    );
    let mut cx = context(4);
    let h = cx.resolve_type(&mut t, FrontendTy(5)).unwrap();
    assert_eq!(cx.type_size(h).unwrap(), 1 << 40);
    let bytes = object_with(&cx.finish().unwrap(), &[], &[]);
    check_object("huge_struct.o", &bytes);
}
