//! Regression tests for the bugs the hardening work ("never crash, never
//! hang, never lie") found in the library. Each test is named for its bug;
//! its doc comment gives the root cause and the fix.

mod common;

use common::*;
use dwarfsmith::render::{render_object, RenderOptions};
use dwarfsmith::{
    BaseEncoding, CodeRow, CompileUnit, CompositeDesc, DebugContext, ErrorKind, FieldDesc,
    FrontendTy, GimliBackend, Limits, NominalKey, TaggedUnionDesc, TaggedUnionEncoding, TypeDesc,
    TypeScope, TypeSource, VariantDesc,
};

fn with_limits(limits: Limits) -> DebugContext<GimliBackend> {
    DebugContext::with_limits(
        GimliBackend::new(Default::default()).unwrap(),
        &unit(),
        limits,
    )
    .unwrap()
}

fn generic(def_id: u64, name: &str, args: Vec<FrontendTy>, fields: Vec<FieldDesc>) -> TypeDesc {
    TypeDesc::Struct(
        CompositeDesc::new(NominalKey::new(77, def_id), name, 8, 8)
            .generic_args(args)
            .members(fields),
    )
}

/// **Stack overflow at `finish` with deeply nested namespaces or blocks.**
/// Root cause: `gimli::write` writes the DIE tree recursively, one native
/// frame per nesting level; 3,000 nested namespaces overflowed a 2 MiB test
/// thread (SIGABRT) in `finish`. Fix: `Limits::max_scope_depth` (256) bounds
/// namespace nesting and block nesting; deeper is `LimitExceeded`.
#[test]
fn deep_namespace_and_block_nesting_overflowed_the_writer_stack() {
    let mut cx = context(5);
    let mut ns = None;
    for _ in 0..256 {
        ns = Some(cx.namespace(ns, "n").unwrap());
    }
    let e = cx.namespace(ns, "n").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::LimitExceeded, "{e}");
    let f = function(&mut cx, "f");
    let file = cx.file("a.c".as_ref()).unwrap();
    let mut s = cx.function_scope(f).unwrap();
    for _ in 0..256 {
        s = cx.lexical_block(s, file, 2, 1).unwrap();
    }
    let e = cx.lexical_block(s, file, 2, 1).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::LimitExceeded, "{e}");
    // Only the DIE nesting matters here, not the code.
    cx.define_function_without_code(f).unwrap();
    let bytes = object_with(&cx.finish().unwrap(), &["f"], &[]);
    check_object("deep_nesting.o", &bytes);
}

/// An expanding type `S<T> { next: *S<WRAP(T)> }` where WRAP is a
/// structural type constructor (handle = depth * 10 + kind).
struct Expanding {
    /// 0: `*T`, 1: `(T, T)`, 2: `fn(T)`, 3: `[T; 1]`.
    wrap: u64,
}

impl TypeSource for Expanding {
    fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String> {
        let (d, kind) = (ty.0 / 10, ty.0 % 10);
        let at = |d: u64, k: u64| FrontendTy(d * 10 + k);
        Ok(match kind {
            // The argument at depth d: i32 at 0, WRAP(argument at d-1) above.
            0 if d == 0 => base("i32", 4, BaseEncoding::Signed),
            0 => match self.wrap {
                0 => TypeDesc::Pointer {
                    pointee: at(d - 1, 0),
                },
                1 => TypeDesc::Tuple {
                    elems: vec![
                        field("a", (d - 1) * 10, 0),
                        field("b", (d - 1) * 10, 4 << (d - 1)),
                    ],
                    size: 4 << d,
                    align: 4,
                },
                2 => TypeDesc::Function {
                    params: vec![at(d - 1, 0)],
                    ret: None,
                    variadic: false,
                    artificial_params: Vec::new(),
                },
                _ => TypeDesc::Array {
                    elem: at(d - 1, 0),
                    len: 1,
                    elem_size: 4,
                    align: 4,
                },
            },
            // S<argument at d> { next: *S<argument at d+1> }
            1 => generic(
                1,
                &format!("S{d}"),
                vec![at(d, 0)],
                vec![field("next", (d + 1) * 10 + 2, 0)],
            ),
            2 => TypeDesc::Pointer { pointee: at(d, 1) },
            _ => return Err("no such type".into()),
        })
    }
}

/// **Hang: polymorphic recursion through pointers, tuples, function or
/// array types was never cut off.** Root cause: the generic depth of a
/// unique ID counted only nominal types with generic arguments, so
/// `S<*T>`, `S<(T, T)>`, `S<fn(T)>`, `S<[T; 1]>` all had depth 1 and the
/// expansion `S<i32> -> S<*i32> -> S<**i32> ...` created stubs forever
/// (until memory ran out). Fix: every type constructor adds one level.
#[test]
fn expanding_recursion_through_structural_types_was_never_cut_off() {
    for wrap in 0..4 {
        let mut cx = with_limits(Limits {
            max_generic_depth: 12,
            ..Default::default()
        });
        cx.resolve_type(&mut Expanding { wrap }, FrontendTy(1))
            .unwrap();
        assert_eq!(cx.diagnostics().len(), 1, "{:?}", cx.diagnostics());
        let bytes = object_with(&cx.finish().unwrap(), &[], &[]);
        let s = check_object(&format!("expanding_{wrap}.o"), &bytes);
        assert!(s.types.iter().any(|(_, n)| n.ends_with("(truncated)")));
    }
}

/// `S<h>`: handle h is `S` whose only generic argument is handle h+1 — the
/// infinite type `S<S<S<...>>>`, each level a fresh handle.
struct InfiniteArgs;

impl TypeSource for InfiniteArgs {
    fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String> {
        Ok(generic(
            5,
            &format!("S{}", ty.0),
            vec![FrontendTy(ty.0 + 1)],
            vec![],
        ))
    }
}

/// **Hang: an infinite generic identity was described forever.** Root
/// cause: to identify `S<X>` the resolver first identifies `X`; when `X` is
/// `S<Y>` with a fresh handle `Y`, and so on, the explicit stack grew
/// without end (no generic-depth check happens before a unique ID exists).
/// Fix: a generic type whose identity run nests generic types beyond
/// `max_generic_depth` is identified as `S<...>` and built as a truncated
/// placeholder with a diagnostic.
#[test]
fn infinite_generic_identity_was_described_forever() {
    let mut cx = context(5);
    cx.resolve_type(&mut InfiniteArgs, FrontendTy(0)).unwrap();
    assert_eq!(cx.diagnostics().len(), 1, "{:?}", cx.diagnostics());
    let bytes = object_with(&cx.finish().unwrap(), &[], &[]);
    let s = check_object("infinite_identity.o", &bytes);
    assert!(s.types.iter().any(|(_, n)| n.ends_with("(truncated)")));
}

/// **Hang: an endless chain of pointer descriptions.** Root cause: nothing
/// bounded the resolver's explicit stack, so a frontend whose pointer `h`
/// points to a fresh pointer `h+1` forever was described until memory ran
/// out. Fix: `Limits::max_type_nesting` bounds the types in progress; beyond
/// it `resolve_type` returns `LimitExceeded`.
#[test]
fn endless_pointer_chain_was_described_until_memory_ran_out() {
    struct Endless;
    impl TypeSource for Endless {
        fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String> {
            Ok(ptr(ty.0 + 1))
        }
    }
    let mut cx = with_limits(Limits {
        max_type_nesting: 10_000,
        ..Default::default()
    });
    let e = cx.resolve_type(&mut Endless, FrontendTy(0)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::LimitExceeded, "{e}");
    cx.finish().unwrap();
}

/// **Exponential time and memory: stable IDs and tuple names of shared
/// parts.** Root cause: `stable_type_id` printed the ID tree, and a tuple's
/// name contained its elements' names; with `T(k+1) = (Tk, Tk)` both double
/// per level (2^64 characters at level 64). Fix: repeated compound parts of
/// a stable ID are back-references `^N`; synthesised names are cut at 128
/// bytes.
#[test]
fn stable_ids_and_names_of_shared_tuples_were_exponential() {
    let mut t = Table::default();
    t.add(0, base("i8", 1, BaseEncoding::Signed));
    for k in 1..=64 {
        t.add(
            k,
            TypeDesc::Tuple {
                elems: vec![field("a", k - 1, 0), field("b", k - 1, 0)],
                size: 1,
                align: 1,
            },
        );
    }
    let mut cx = context(5);
    let top = cx.resolve_type(&mut t, FrontendTy(64)).unwrap();
    let id = cx.stable_type_id(top).unwrap();
    assert!(id.len() < 2_000, "{} bytes", id.len());
    let two = cx.resolve_type(&mut t, FrontendTy(2)).unwrap();
    assert_eq!(cx.stable_type_id(two).unwrap(), "((i8,i8),^1)");
    cx.type_signature(top).unwrap();
    let bytes = object_with(&cx.finish().unwrap(), &[], &[]);
    let s = check_object("shared_tuples.o", &bytes);
    assert!(s.types.iter().all(|(_, n)| n.len() <= 140));
}

/// A C++-like tagged union whose tag lies after the payload (`size` 16, tag
/// at 8, the only variant's field at 0).
fn tag_after_payload(tag_offset: u64, field_offset: u64) -> Table {
    let mut t = Table::default();
    t.add(1, base("u64", 8, BaseEncoding::Unsigned));
    t.add(2, base("u32", 4, BaseEncoding::Unsigned));
    t.add(
        3,
        TypeDesc::TaggedUnion(TaggedUnionDesc {
            key: NominalKey {
                crate_hash: 1,
                def_id: 3,
            },
            generic_args: vec![],
            name: "E".into(),
            scope: TypeScope::Unit,
            size: 16,
            align: 8,
            tag: Some(dwarfsmith::TagDesc {
                offset: tag_offset,
                ty: FrontendTy(1),
            }),
            variants: vec![VariantDesc {
                name: "A".into(),
                discriminant: (0).into(),
                fields: vec![field("x", 2, field_offset)],
                template_params: Vec::new(),
            }],
            encoding: TaggedUnionEncoding::CppLike,
            decl: None,
            template_params: Vec::new(),
            methods: Vec::new(),
        }),
    );
    t
}

/// **Valid C++-like tagged unions refused or misplaced.** Root cause: the
/// payload union was placed at `max(first field, end of tag)`, and fields
/// were made relative to it with a saturating subtraction: a layout with
/// the tag after the payload (tag at 8, field at 0) was refused as
/// `InvalidLayout`, and a field overlapping the tag (niche layouts, field
/// at 4 inside an 8-byte tag at 0) was silently moved to offset 8. Fix: the
/// payload starts at the first field of any variant.
#[test]
fn cpp_like_payload_before_or_inside_the_tag_was_refused_or_moved() {
    for (tag, fieldoff) in [(8, 0), (0, 4)] {
        let mut cx = context(5);
        cx.resolve_type(&mut tag_after_payload(tag, fieldoff), FrontendTy(3))
            .unwrap();
        let bytes = object_with(&cx.finish().unwrap(), &[], &[]);
        check_object("cpp_like_layout.o", &bytes);
        let text = render_object(&bytes, &RenderOptions::default()).unwrap();
        // payload at the field's offset, the field at 0 inside it.
        let payload = text.find("DW_AT_name \"payload\"").unwrap();
        assert!(
            text[payload..].contains(&format!("DW_AT_data_member_location {fieldoff}")),
            "{text}"
        );
    }
}

/// **Tokens of another context were accepted.** Root cause: a `LocToken`
/// was the bare index of the interned location, so a token of another
/// context's function was read as whatever location this context has at
/// that index (wrong lines, silently). Fix: tokens are offset by a base
/// hashed from the compile unit's name and directory; a foreign token falls
/// outside the table and is `ForeignHandle`.
#[test]
fn location_tokens_of_another_context_were_accepted() {
    let mut a = context(5);
    let cu_b = CompileUnit {
        name: "other.c".into(),
        ..unit()
    };
    let mut b = DebugContext::new(GimliBackend::new(Default::default()).unwrap(), &cu_b).unwrap();
    let fa = function(&mut a, "f");
    let fb = function(&mut b, "f");
    let mut toks = Vec::new();
    for (cx, f) in [(&mut a, fa), (&mut b, fb)] {
        let s = cx.function_scope(f).unwrap();
        cx.enter_function(f).unwrap();
        cx.start_emitting_source_locations().unwrap();
        toks.push(cx.set_source_location(s, 2, 1).unwrap());
        cx.exit_function().unwrap();
    }
    let e = b
        .define_function_code(
            fb,
            16,
            &[CodeRow {
                offset: 0,
                loc: toks[0],
            }],
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ForeignHandle, "{e}");
    b.define_function_code(
        fb,
        16,
        &[CodeRow {
            offset: 0,
            loc: toks[1],
        }],
    )
    .unwrap();
    assert_ne!(toks[1], Some(dwarfsmith::LocToken(u32::MAX)));
}

/// **Two parameters with one argument number were accepted.** Root cause:
/// only `arg_no == 0` was checked; LLVM's DIBuilder treats a second
/// parameter with the same number as conflicting debug info (an assertion
/// in LLVM), and debuggers show a garbled parameter list. Fix: each
/// (function, argument number) is declared once; a repeat is
/// `InvalidLocation`.
#[test]
fn duplicate_argument_numbers_were_accepted() {
    let mut cx = context(5);
    let mut t = Table::default();
    t.add(1, base("i64", 8, BaseEncoding::Signed));
    let ty = cx.resolve_type(&mut t, FrontendTy(1)).unwrap();
    let f = function(&mut cx, "f");
    cx.declare_parameter(f, "a", 1, ty, 1, 1).unwrap();
    let e = cx.declare_parameter(f, "b", 1, ty, 1, 1).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidLocation, "{e}");
    cx.declare_parameter(f, "b", 2, ty, 1, 1).unwrap();
}

/// **Code sizes above 2^63 became negative addresses.** Root cause: code
/// offsets become `i64` relocation addends (`offset as i64`), so a function
/// of more than `i64::MAX` bytes got negative block addresses. Fix: sizes
/// above `i64::MAX` are `InvalidCode`.
#[test]
fn code_sizes_beyond_i64_became_negative_addends() {
    let mut cx = context(5);
    let f = function(&mut cx, "f");
    let e = cx.define_function_code(f, u64::MAX, &[]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode, "{e}");
    cx.define_function_code(f, 16, &[]).unwrap();
}

/// **`prologue_end` lost when two rows share an offset.** Root cause: a
/// row at the offset of the previous row replaced it after its flags were
/// decided, so when the first located row (the one carrying
/// `prologue_end`) was followed by another row at the same offset, no row
/// of the function had `prologue_end` and gdb's breakpoint on the function
/// landed in the prologue. Also, the replaced row left an empty range on
/// its block. Fix: the replacing row inherits `prologue_end`, and `is_stmt`
/// is decided against the row before; empty block ranges are dropped.
#[test]
fn rows_at_one_offset_lost_prologue_end() {
    let mut cx = context(5);
    let f = function(&mut cx, "f");
    let s = cx.function_scope(f).unwrap();
    let file = cx.file("a.c".as_ref()).unwrap();
    let blk = cx.lexical_block(s, file, 3, 1).unwrap();
    cx.enter_function(f).unwrap();
    cx.start_emitting_source_locations().unwrap();
    let a = cx.set_source_location(blk, 3, 5).unwrap();
    let b = cx.set_source_location(s, 4, 1).unwrap();
    cx.exit_function().unwrap();
    let rows = [
        CodeRow {
            offset: 0,
            loc: None,
        },
        CodeRow { offset: 4, loc: a },
        CodeRow { offset: 4, loc: b },
    ];
    cx.define_function_code(f, 16, &rows).unwrap();
    let bytes = object_with(&cx.finish().unwrap(), &["f"], &[]);
    check_object("same_offset_rows.o", &bytes);
    let text = render_object(&bytes, &RenderOptions::default()).unwrap();
    assert!(text.contains("a.c:4:1 +4 stmt prologue_end"), "{text}");
}
