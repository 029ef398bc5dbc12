//! Misuse cases 60-64: type descriptions the gimli backend writes but LLVM
//! cannot express, each refused by the LLVM backend with a typed error
//! whose message says why and what to do (never a crash, a silently wrong
//! value, or an unbounded expansion). Each case also shows the gimli
//! backend accepting the same description, so the refusal is LLVM's.
#![cfg(any(feature = "llvm19", feature = "llvm22"))]

mod common;

use dwarfsmith::backend::llvm::{
    LlvmBackend, LlvmContext, LlvmOptions, MAX_EXPANDED_DISCRIMINANTS,
};
use dwarfsmith::{
    BaseEncoding, CompileUnit, DebugContext, Discriminant, Error, ErrorKind, FrontendTy,
    GimliBackend, GimliOptions, Language, NominalKey, TaggedUnionDesc, TypeDesc, VariantDesc,
};

const ROOT: FrontendTy = FrontendTy(100);

fn cu() -> CompileUnit {
    CompileUnit::new("m.rs", "/m").language(Language::Rust)
}

/// The types: 1 `u8`, 2 `i128`, 3 `u128`, and `root` as [`ROOT`].
fn source(root: TypeDesc) -> impl FnMut(FrontendTy) -> Result<TypeDesc, String> {
    move |t: FrontendTy| {
        Ok(match t.0 {
            1 => TypeDesc::base("u8", 1, BaseEncoding::Unsigned),
            2 => TypeDesc::base("i128", 16, BaseEncoding::Signed),
            3 => TypeDesc::base("u128", 16, BaseEncoding::Unsigned),
            100 => root.clone(),
            n => return Err(format!("no type #{n}")),
        })
    }
}

/// Resolves [`ROOT`] with the LLVM backend, finishes the unit and returns
/// the object.
fn with_llvm(root: &TypeDesc) -> Result<Vec<u8>, Error> {
    let ctx = LlvmContext::new();
    let module = ctx.create_module("m").unwrap();
    let backend = LlvmBackend::new(&module, LlvmOptions::default()).unwrap();
    let mut cx = DebugContext::new(backend, &cu()).unwrap();
    cx.resolve_type(&mut source(root.clone()), ROOT)?;
    cx.finish()?;
    module.emit_object()
}

/// Resolves [`ROOT`] with the gimli backend and returns the finished
/// unit's object, checked by `llvm-dwarfdump-19 --verify`.
fn gimli_accepts(name: &str, root: &TypeDesc) {
    let b = GimliBackend::new(GimliOptions::default()).unwrap();
    let mut cx = DebugContext::new(b, &cu()).unwrap();
    cx.resolve_type(&mut source(root.clone()), ROOT).unwrap();
    let dwarf = cx.finish().unwrap();
    common::verify(name, &common::object_with(&dwarf, &[], &[]));
}

/// A 16-byte tagged union whose tag (of type `tag`) is at offset 0.
fn tagged(tag: u64, variants: Vec<VariantDesc>) -> TypeDesc {
    let mut t = TaggedUnionDesc::new(NominalKey::new(9, 100), "T", (16, 16), (0, FrontendTy(tag)));
    t.variants = variants;
    TypeDesc::TaggedUnion(t)
}

/// Case 60: discriminant ranges holding more values than the backend
/// expands (two variants whose ranges hold 200 and 201 values: each alone
/// would fit, the variant part does not). Guards against: LLVM has no
/// `DW_AT_discr_list`, and an unbounded expansion (one member per value)
/// would let one description allocate without limit. Expected:
/// `Unsupported` naming `DW_AT_discr_list`, the count and the limit; at
/// exactly the limit (256 values) the ranges are expanded.
#[test]
fn case_60_range_discriminants_beyond_the_expansion_limit() {
    let ranged = |high: i128| {
        tagged(
            3,
            vec![
                VariantDesc::new("Low", Discriminant::Ranges(vec![(0, 199)])),
                VariantDesc::new("High", Discriminant::Ranges(vec![(200, high)])),
            ],
        )
    };
    assert_eq!(MAX_EXPANDED_DISCRIMINANTS, 256);
    let at_limit = with_llvm(&ranged(255)).unwrap();
    common::verify("misuse60.llvm.o", &at_limit);
    let d = ranged(400);
    gimli_accepts("misuse60.o", &d);
    common::assert_refused(
        with_llvm(&d),
        ErrorKind::Unsupported,
        &[
            "DW_AT_discr_list",
            "401 values",
            "more than 256",
            "gimli backend",
        ],
    );
}

/// Case 61: a range covering every value of a 128-bit signed tag.
/// Guards against: counting its 2^128 values overflowing (a wrong count,
/// or a panic in a debug build) before the limit is checked. Expected:
/// `Unsupported` (saturated count), no allocation.
#[test]
fn case_61_full_128_bit_range() {
    let d = tagged(
        2,
        vec![VariantDesc::new(
            "All",
            Discriminant::Ranges(vec![(i128::MIN, i128::MAX)]),
        )],
    );
    gimli_accepts("misuse61.o", &d);
    common::assert_refused(
        with_llvm(&d),
        ErrorKind::Unsupported,
        &["DW_AT_discr_list", "more than 256"],
    );
}

/// Case 62: a discriminant beyond 64 bits. Guards against: LLVM 19 writes
/// `DW_AT_discr_value` from `getZExtValue`, keeping the low 64 bits (2^100
/// would read as 0: the wrong variant). Expected: with LLVM 19,
/// `Unsupported` naming LLVM 22 and gimli; with LLVM 22 (which writes a
/// 16-byte block) it is accepted and verifies.
#[test]
fn case_62_discriminant_beyond_64_bits() {
    let d = tagged(
        3,
        vec![
            VariantDesc::new("Far", 1u128 << 100),
            VariantDesc::new("Near", 2),
        ],
    );
    gimli_accepts("misuse62.o", &d);
    let r = with_llvm(&d);
    if cfg!(feature = "llvm22") {
        r.unwrap();
    } else {
        common::assert_refused(
            r,
            ErrorKind::Unsupported,
            &["LLVM 19", "low 64 bits", "llvm22", "gimli backend"],
        );
    }
}

/// The rendered DIEs of an object, without line tables.
fn render(bytes: &[u8]) -> String {
    dwarfsmith::render::render_object(
        bytes,
        &dwarfsmith::render::RenderOptions {
            line_table: false,
            ..Default::default()
        },
    )
    .unwrap()
}

/// Case 63: a variant named like the discriminant member (`tag`), next
/// to a variant `A`. Guards against: LLVM uniquing the `DW_TAG_member`s of
/// a type with an identifier by name alone, which silently turned the
/// variant member `tag` into the discriminant member (the variant shown as
/// the tag itself, its discriminant value lost). Expected: accepted, two
/// variants with the values 0 and 1, the object verifies.
#[test]
fn case_63_variant_named_like_the_tag() {
    let d = tagged(
        1,
        vec![
            VariantDesc::new("A", 0).field("a", FrontendTy(1), 1),
            VariantDesc::new("tag", 1),
        ],
    );
    gimli_accepts("misuse63.o", &d);
    let o = with_llvm(&d).unwrap();
    common::verify("misuse63.llvm.o", &o);
    let r = render(&o);
    for v in 0..2 {
        assert_eq!(
            r.matches(&format!("DW_AT_discr_value {v}\n")).count(),
            1,
            "discriminant {v}:\n{r}"
        );
    }
    assert_eq!(r.matches("DW_TAG_variant\n").count(), 2, "{r}");
    assert_eq!(r.matches("DW_AT_type -> T::tag\n").count(), 1, "{r}");
}

/// Case 64: a negative discriminant (-1) of a 128-bit signed tag, and a
/// range of negative values. Guards against: judging "beyond 64 bits" by
/// the tag's width instead of the value (LLVM 19 can write -1: it
/// sign-extends 64 bits), and losing the sign when expanding a range.
/// Expected: accepted with LLVM 19 and 22, the values -1 and -3..=-2 each
/// written once (LLVM 19: one signed byte, LLVM 22: a 16-byte block), the
/// object verifies.
#[test]
fn case_64_negative_discriminants_of_a_128_bit_tag() {
    let d = tagged(
        2,
        vec![
            VariantDesc::new("M", -1i128),
            VariantDesc::new("R", Discriminant::Ranges(vec![(-3, -2)])),
        ],
    );
    gimli_accepts("misuse64.o", &d);
    let o = with_llvm(&d).unwrap();
    common::verify("misuse64.llvm.o", &o);
    let r = render(&o);
    for v in [-1i128, -2, -3] {
        let shown = if cfg!(feature = "llvm22") {
            let bytes: String = v.to_le_bytes().iter().map(|b| format!("{b:02x}")).collect();
            format!("DW_AT_discr_value block 0x{bytes}\n")
        } else {
            // LLVM 19 writes the smallest fixed-size form (data1 0xff for
            // -1), whose sign comes from the tag's type (DWARF 5, 7.5.5);
            // the renderer shows the raw byte.
            format!("DW_AT_discr_value {}\n", v as i8 as u8)
        };
        assert_eq!(r.matches(&shown).count(), 1, "`{shown}` in:\n{r}");
    }
}
