//! Rust types as rustc describes them, written by a frontend through
//! `TypeSource` (the recipes of DESIGN.md "Describing Rust types"):
//! niche-encoded `Option<&u32>` and `Option<NonZero<u32>>`, `&str` and
//! `&[i32]` fat pointers, a tag-less single-variant enum, an uninhabited
//! enum, a `repr(u128)` C-like enum, `u128`, a trait object's vtable, a
//! closure environment, `Option<u32>` (variant structs with template
//! parameters) and an enum with a method and its definition.
//!
//! The expectation comes from rustc: `tests/data/rust_recipes.rs` declares
//! the same types, rustc compiles it, and gdb's `ptype` of each (and lldb's
//! `type lookup` of the enums) must read the same from rustc's executable
//! and from our object; gdb prints values from our object's data (with the
//! active variant only).

mod common;

use std::process::Command;

use common::{check_object, save, snapshot_dir, Table, INSTALL};
use dwarfsmith::*;
use object::write::{Object, Symbol, SymbolSection};
use object::{SymbolFlags, SymbolKind, SymbolScope};

const U8: u64 = 1;
const U32: u64 = 2;
const U64: u64 = 3;
const I32: u64 = 4;
const I64: u64 = 5;
const USIZE: u64 = 6;
const U128: u64 = 7;
const F64: u64 = 8;
const UNIT: u64 = 9;

/// The namespaces the recipes live in.
struct Scopes {
    option: NamespaceId,
    nonzero: NamespaceId,
    niche: NamespaceId,
    recipes: NamespaceId,
}

fn key(id: u64) -> NominalKey {
    NominalKey::new(0x5eed, id)
}

fn recipes(ns: &Scopes) -> Table {
    let mut t = Table::default();
    let base = |n: &str, s, e| TypeDesc::base(n, s, e);
    t.add(U8, base("u8", 1, BaseEncoding::Unsigned));
    t.add(U32, base("u32", 4, BaseEncoding::Unsigned));
    t.add(U64, base("u64", 8, BaseEncoding::Unsigned));
    t.add(I32, base("i32", 4, BaseEncoding::Signed));
    t.add(I64, base("i64", 8, BaseEncoding::Signed));
    t.add(USIZE, base("usize", 8, BaseEncoding::Unsigned));
    t.add(U128, base("u128", 16, BaseEncoding::Unsigned));
    t.add(F64, base("f64", 8, BaseEncoding::Float));
    // `()`: a zero-sized base type.
    t.add(UNIT, base("()", 0, BaseEncoding::Unsigned));
    let ns_scope = TypeScope::Namespace;
    // Option<&u32>: the pointer is the niche. `None` is tag value 0, `Some`
    // every other value (Discriminant::Default); the tag is the pointer's
    // 8 bytes read as a u64, overlapping `Some`'s payload.
    t.add(
        20,
        TypeDesc::pointer_named(PointerKind::Pointer, FrontendTy(U32), "&u32"),
    );
    t.add(
        21,
        TypeDesc::TaggedUnion(TaggedUnionDesc {
            scope: ns_scope(ns.option),
            template_params: vec![TemplateParam::Type {
                name: "T".into(),
                ty: FrontendTy(20),
            }],
            ..TaggedUnionDesc::new(key(21), "Option<&u32>", (8, 8), (0, FrontendTy(U64)))
                .variant(VariantDesc::new("None", 0))
                .variant(VariantDesc::new("Some", Discriminant::Default).field(
                    "__0",
                    FrontendTy(20),
                    0,
                ))
        }),
    );
    // NonZero<u32> (core::num::nonzero) around NonZeroU32Inner
    // (core::num::niche_types) around u32; Option<NonZero<u32>> uses the
    // zero value as `None`.
    // rustc writes each member's alignment (DW_AT_alignment, DWARF 5).
    let mut inner = FieldDesc::new("__0", FrontendTy(U32), 0);
    inner.align = 4;
    t.add(
        22,
        TypeDesc::Struct(
            CompositeDesc::new(key(22), "NonZeroU32Inner", 4, 4)
                .member(inner)
                .scope(ns_scope(ns.niche)),
        ),
    );
    t.add(
        23,
        TypeDesc::Struct(
            CompositeDesc::new(key(23), "NonZero<u32>", 4, 4)
                .field("__0", FrontendTy(22), 0)
                .template_type("T", FrontendTy(U32))
                .scope(ns_scope(ns.nonzero)),
        ),
    );
    t.add(
        24,
        TypeDesc::TaggedUnion(TaggedUnionDesc {
            scope: ns_scope(ns.option),
            ..TaggedUnionDesc::new(
                key(24),
                "Option<core::num::nonzero::NonZero<u32>>",
                (4, 4),
                (0, FrontendTy(U32)),
            )
            .variant(VariantDesc::new("None", 0))
            .variant(VariantDesc::new("Some", Discriminant::Default).field(
                "__0",
                FrontendTy(23),
                0,
            ))
        }),
    );
    // &str and &[i32]: structural fat pointers.
    t.add(25, TypeDesc::pointer(FrontendTy(U8)));
    t.add(
        26,
        TypeDesc::Structural(StructuralDesc {
            name: "&str".into(),
            fields: vec![
                FieldDesc::new("data_ptr", FrontendTy(25), 0),
                FieldDesc::new("length", FrontendTy(USIZE), 8),
            ],
            size: 16,
            align: 8,
        }),
    );
    t.add(27, TypeDesc::pointer(FrontendTy(I32)));
    t.add(
        28,
        TypeDesc::Structural(StructuralDesc {
            name: "&[i32]".into(),
            fields: vec![
                FieldDesc::new("data_ptr", FrontendTy(27), 0),
                FieldDesc::new("length", FrontendTy(USIZE), 8),
            ],
            size: 16,
            align: 8,
        }),
    );
    // enum Wrap { W(i64) }: one variant, no tag.
    t.add(
        29,
        TypeDesc::TaggedUnion(TaggedUnionDesc {
            scope: ns_scope(ns.recipes),
            ..TaggedUnionDesc::tagless(key(29), "Wrap", (8, 8)).variant(
                VariantDesc::new("W", Discriminant::Default).field("__0", FrontendTy(I64), 0),
            )
        }),
    );
    // enum Void {}: uninhabited.
    t.add(
        30,
        TypeDesc::TaggedUnion(TaggedUnionDesc {
            scope: ns_scope(ns.recipes),
            ..TaggedUnionDesc::tagless(key(30), "Void", (0, 1))
        }),
    );
    // #[repr(u128)] enum Big { A = 0, B = 0xffff_ffff_ffff_ffff_ffff }
    t.add(
        31,
        TypeDesc::Enum(EnumDesc {
            scope: ns_scope(ns.recipes),
            ..EnumDesc::new(key(31), "Big", FrontendTy(U128), 16, 16)
                .enumerator("A", 0)
                .enumerator("B", 0xffff_ffff_ffff_ffff_ffff)
                .enum_class()
        }),
    );
    // Box<dyn Shape>: a data pointer and a pointer to the vtable of
    // `<Sq as Shape>`, a struct whose DW_AT_containing_type is `Sq`.
    t.add(
        32,
        TypeDesc::Struct(
            CompositeDesc::new(key(32), "Sq", 8, 8)
                .field("__0", FrontendTy(F64), 0)
                .scope(ns_scope(ns.recipes)),
        ),
    );
    t.add(33, TypeDesc::pointer(FrontendTy(UNIT)));
    let mut vtable = CompositeDesc::new(
        key(34),
        "<recipes::Sq as recipes::Shape>::{vtable_type}",
        32,
        8,
    )
    .field("drop_in_place", FrontendTy(33), 0)
    .field("size", FrontendTy(USIZE), 8)
    .field("align", FrontendTy(USIZE), 16)
    .field("__method3", FrontendTy(33), 24);
    vtable.containing_type = Some(FrontendTy(32));
    t.add(34, TypeDesc::Struct(vtable));
    t.add(
        35,
        TypeDesc::pointer_named(PointerKind::Pointer, FrontendTy(34), "&[usize; 4]"),
    );
    t.add(
        36,
        TypeDesc::Structural(StructuralDesc {
            name: "Box<dyn recipes::Shape, alloc::alloc::Global>".into(),
            fields: vec![
                FieldDesc::new("pointer", FrontendTy(33), 0),
                FieldDesc::new("vtable", FrontendTy(35), 8),
            ],
            size: 16,
            align: 8,
        }),
    );
    // A closure capturing `k: &i32`: a struct named by rustc's convention,
    // nested in the function that defines it.
    t.add(
        37,
        TypeDesc::pointer_named(PointerKind::Pointer, FrontendTy(I32), "&i32"),
    );
    t.add(
        38,
        TypeDesc::Struct(
            CompositeDesc::new(key(38), "{closure_env#0}", 8, 8)
                .field("_ref__k", FrontendTy(37), 0)
                .scope(ns_scope(ns.recipes)),
        ),
    );
    // Option<u32>: a u32 tag at 0, `Some`'s payload at 4. rustc repeats the
    // generic parameter `T = u32` on each variant's struct.
    t.add(
        39,
        TypeDesc::TaggedUnion(TaggedUnionDesc {
            scope: ns_scope(ns.option),
            ..TaggedUnionDesc::new(key(39), "Option<u32>", (8, 4), (0, FrontendTy(U32)))
                .variant(VariantDesc::new("None", 0).template_type("T", FrontendTy(U32)))
                .variant(
                    VariantDesc::new("Some", 1)
                        .field("__0", FrontendTy(U32), 4)
                        .template_type("T", FrontendTy(U32)),
                )
        }),
    );
    // enum Light { Off, On(u8) } with `fn level(&self) -> u8` declared in
    // the enum's struct (rustc's `&self` is an ordinary parameter).
    t.add(
        40,
        TypeDesc::TaggedUnion(TaggedUnionDesc {
            scope: ns_scope(ns.recipes),
            ..TaggedUnionDesc::new(key(40), "Light", (2, 1), (0, FrontendTy(U8)))
                .variant(VariantDesc::new("Off", 0))
                .variant(VariantDesc::new("On", 1).field("__0", FrontendTy(U8), 1))
                .method(MethodDesc {
                    name: "level".into(),
                    linkage_name: Some(LEVEL.into()),
                    ret: Some(FrontendTy(U8)),
                    params: vec![FrontendTy(41)],
                    ..Default::default()
                })
        }),
    );
    t.add(
        41,
        TypeDesc::pointer_named(PointerKind::Pointer, FrontendTy(40), "&recipes::Light"),
    );
    t
}

/// The symbol of `Light::level`'s definition.
const LEVEL: &str = "_ZN7recipes5Light5level";

/// Globals with their initial bytes: (name, type, bytes).
fn globals() -> Vec<(&'static str, u64, Vec<u8>)> {
    vec![
        ("OPT_NONE", 21, vec![0; 8]),
        ("OPT_SOME", 21, 0x1000u64.to_le_bytes().to_vec()),
        ("NZ", 24, 5u32.to_le_bytes().to_vec()),
        ("NZ_NONE", 24, vec![0; 4]),
        ("W", 29, 9i64.to_le_bytes().to_vec()),
        (
            "BIGV",
            31,
            0xffff_ffff_ffff_ffff_ffffu128.to_le_bytes().to_vec(),
        ),
        ("U", U128, u128::MAX.to_le_bytes().to_vec()),
        ("STR", 26, vec![0; 16]),
        ("SLICE", 28, vec![0; 16]),
        ("BOXED", 36, vec![0; 16]),
        ("CLOSURE", 38, vec![0; 8]),
        ("OPT_U32", 39, vec![1, 0, 0, 0, 4, 0, 0, 0]),
        ("LIGHT", 40, vec![1, 3]),
    ]
}

/// A Rust unit with one global per recipe, in the object with its bytes.
fn emit(version: u16) -> Vec<u8> {
    let b = GimliBackend::new(GimliOptions {
        dwarf_version: version,
        ..Default::default()
    })
    .unwrap();
    let cu = CompileUnit::new("recipes.rs", "/work").language(Language::Rust);
    let mut cx = DebugContext::new(b, &cu).unwrap();
    let file = cx.file("recipes.rs".as_ref()).unwrap();
    let core = cx.namespace(None, "core").unwrap();
    let num = cx.namespace(Some(core), "num").unwrap();
    let ns = Scopes {
        option: cx.namespace(Some(core), "option").unwrap(),
        nonzero: cx.namespace(Some(num), "nonzero").unwrap(),
        niche: cx.namespace(Some(num), "niche_types").unwrap(),
        recipes: cx.namespace(None, "recipes").unwrap(),
    };
    let mut t = recipes(&ns);
    for (name, ty, _) in globals() {
        let r = cx.resolve_type(&mut t, FrontendTy(ty)).unwrap();
        cx.define_global(&GlobalDesc::new(name, name, r, file, 1).namespace(ns.recipes))
            .unwrap();
    }
    // Types without a global are emitted when resolved.
    cx.resolve_type(&mut t, FrontendTy(30)).unwrap();
    // `Light::level`: the definition of the enum's method 0.
    let light = cx.resolve_type(&mut t, FrontendTy(40)).unwrap();
    let this = cx.resolve_type(&mut t, FrontendTy(41)).unwrap();
    let u8t = cx.resolve_type(&mut t, FrontendTy(U8)).unwrap();
    let level = cx
        .define_function(
            &FunctionDesc::new("level", LEVEL, file, 9)
                .returns(u8t)
                .params(&[this])
                .method_of(light, 0),
        )
        .unwrap();
    cx.declare_parameter(level, "self", 1, this, 9, 19).unwrap();
    cx.define_function_code(level, common::CODE.len() as u64, &[])
        .unwrap();
    let dwarf = cx.finish().unwrap();
    let mut obj: Object<'static> = DwarfObject::new_elf_object();
    let text = obj.section_id(object::write::StandardSection::Text);
    let off = obj.append_section_data(text, &common::CODE, 16);
    obj.add_symbol(Symbol {
        name: LEVEL.as_bytes().to_vec(),
        value: off,
        size: common::CODE.len() as u64,
        kind: SymbolKind::Text,
        scope: SymbolScope::Linkage,
        weak: false,
        section: SymbolSection::Section(text),
        flags: SymbolFlags::None,
    });
    let data = obj.section_id(object::write::StandardSection::Data);
    for (name, _, bytes) in globals() {
        let off = obj.append_section_data(data, &bytes, 16);
        obj.add_symbol(Symbol {
            name: name.as_bytes().to_vec(),
            value: off,
            size: bytes.len() as u64,
            kind: SymbolKind::Data,
            scope: SymbolScope::Linkage,
            weak: false,
            section: SymbolSection::Section(data),
            flags: SymbolFlags::None,
        });
    }
    dwarf.write_into(&mut obj).unwrap();
    obj.write().unwrap()
}

fn gdb(obj: &std::path::Path, cmds: &[&str]) -> Vec<String> {
    // No frame selects the language in an object without `main`.
    let prelude = [
        "-iex",
        "set auto-load python-scripts off",
        "-ex",
        "set language rust",
    ];
    common::gdb_answers(obj, &prelude, cmds)
}

/// rustc's executable for `tests/data/rust_recipes.rs` (built once).
fn rustc_binary() -> std::path::PathBuf {
    static BIN: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let src =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rust_recipes.rs");
        let out = save("rust_recipes_rustc", b"");
        let st = Command::new("rustc")
            .args(["-g", "-C", "opt-level=0", "--crate-name", "recipes", "-o"])
            .arg(&out)
            .arg(&src)
            .status()
            .expect("rustc is needed for this test");
        assert!(st.success(), "rustc failed on {}", src.display());
        out
    })
    .clone()
}

/// The ptype commands compared with rustc's own description.
const PTYPES: &[&str] = &[
    "ptype recipes::OPT_SOME",
    "ptype recipes::NZ",
    "ptype recipes::STR",
    "ptype recipes::SLICE",
    "ptype recipes::W",
    "ptype recipes::BIGV",
    "ptype recipes::U",
    "ptype recipes::Void",
    "ptype recipes::OPT_U32",
    "ptype recipes::LIGHT",
];

#[test]
fn gdb_ptype_matches_rustc_dwarf5_and_4() {
    let theirs = gdb(&rustc_binary(), PTYPES);
    for version in [5, 4] {
        let bytes = emit(version);
        let name = format!("rust_recipes_v{version}.o");
        check_object(&name, &bytes);
        let ours = gdb(&save(&name, &bytes), PTYPES);
        for ((cmd, a), b) in PTYPES.iter().zip(&ours).zip(&theirs) {
            assert!(b.starts_with("type = "), "rustc's binary: `{cmd}` gave {b}");
            assert_eq!(a, b, "DWARF {version}: `{cmd}` differs from rustc's");
        }
    }
}

/// What the enums' new parts show in gdb, the same from rustc's binary and
/// from our object: the method definition is named after the enum that
/// declares it (`recipes::Light::level`, through `DW_AT_specification`;
/// without it gdb finds no such function), and a variant struct's template
/// argument.
#[test]
fn gdb_reads_enum_methods_and_variant_template_params_as_rustc() {
    let cmds = [
        "ptype recipes::Light::level",
        "python print(gdb.lookup_type('core::option::Option<u32>::Some').template_argument(0))",
        "python print(gdb.lookup_type('core::option::Option<u32>::None').template_argument(0))",
    ];
    let theirs = gdb(&rustc_binary(), &cmds);
    let want = ["type = fn (*mut recipes::Light) -> u8", "u32", "u32"];
    for version in [5, 4] {
        let name = format!("rust_recipes_enums_v{version}.o");
        let ours = gdb(&save(&name, &emit(version)), &cmds);
        for ((cmd, a), (b, w)) in cmds.iter().zip(&ours).zip(theirs.iter().zip(want)) {
            assert_eq!(b, w, "rustc's binary: `{cmd}`");
            assert_eq!(a, b, "DWARF {version}: `{cmd}` differs from rustc's");
        }
    }
}

/// lldb's `type lookup` of an enum with a method and of an enum whose
/// variant structs have template parameters (shown as `template<> struct
/// Some<unsigned int>`) reads the same from rustc's binary and our object.
#[test]
fn lldb_type_lookup_of_enums_matches_rustc() {
    let cmds = [
        "type lookup recipes::Light",
        "type lookup core::option::Option<u32>",
    ];
    let lookup = |p: &std::path::Path| {
        let mut c = Command::new("lldb-19");
        c.arg("-b");
        for cmd in cmds {
            c.args(["-o", cmd]);
        }
        let out = c
            .arg(p)
            .output()
            .unwrap_or_else(|e| panic!("cannot run lldb-19 ({e}); install it: {INSTALL}"));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        // Everything after the target line: one answer per command.
        text.split("(lldb) ")
            .skip(2)
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let theirs = lookup(&rustc_binary());
    assert_eq!(theirs.len(), cmds.len(), "{theirs:?}");
    assert!(
        theirs[0].contains("static unsigned char level(recipes::Light *);"),
        "{}",
        theirs[0]
    );
    assert!(
        theirs[1].contains("template<> struct Some<unsigned int> {"),
        "{}",
        theirs[1]
    );
    for version in [5, 4] {
        let ours = lookup(&save(
            &format!("rust_recipes_lldb_v{version}.o"),
            &emit(version),
        ));
        assert_eq!(ours, theirs, "DWARF {version}");
    }
}

/// gdb prints the active variant only, by name, chosen by the niche.
#[test]
fn gdb_prints_the_active_variant_of_niche_and_tagless_enums() {
    let p = save("rust_recipes_print.o", &emit(5));
    let cmds = [
        "print recipes::OPT_NONE",
        "print recipes::OPT_SOME",
        "print recipes::NZ",
        "print recipes::NZ_NONE",
        "print recipes::W",
        "print recipes::U",
        "print sizeof(recipes::OPT_SOME)",
        "print sizeof(recipes::W)",
    ];
    let out = gdb(&p, &cmds);
    let want = [
        "$1 = core::option::Option<&u32>::None",
        "$2 = core::option::Option<&u32>::Some(0x1000)",
        "$3 = core::option::Option<core::num::nonzero::NonZero<u32>>::Some(core::num::nonzero::NonZero<u32> (core::num::niche_types::NonZeroU32Inner (5)))",
        "$4 = core::option::Option<core::num::nonzero::NonZero<u32>>::None",
        "$5 = recipes::Wrap::W(9)",
        "$6 = 340282366920938463463374607431768211455",
        "$7 = 8",
        "$8 = 8",
    ];
    for ((cmd, got), want) in cmds.iter().zip(&out).zip(want) {
        assert_eq!(got, want, "`{cmd}`");
    }
}

/// lldb (no Rust plugin) reads the variant parts as unions of variants and
/// finds the values; the type keeps the frontend's name.
#[test]
fn lldb_reads_the_recipes() {
    let p = save("rust_recipes_lldb.o", &emit(5));
    let out = Command::new("lldb-19")
        .args(["-b", "-o", "target variable NZ OPT_SOME W U"])
        .arg(&p)
        .output()
        .unwrap_or_else(|e| panic!("cannot run lldb-19 ({e}); install it: {INSTALL}"));
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "(core::option::Option<core::num::nonzero::NonZero<u32>>) NZ = {",
        "__0 = (__0 = 5)",
        // lldb renders the name of `Option<&u32>` itself
        // (`Option<unsigned int *>`).
        ") OPT_SOME = {",
        "__0 = 0x0000000000001000",
        "(recipes::Wrap) W = {",
        "value = (__0 = 9)",
        "U = 340282366920938463463374607431768211455",
    ] {
        assert!(text.contains(want), "lldb output lacks `{want}`:\n{text}");
    }
    assert!(!text.contains("unsupported DW_FORM"), "{text}");
}

/// The recipes as the stable renderer prints them (DWARF 5).
#[test]
fn snapshot_rust_recipes() {
    let text = dwarfsmith::render::render_object(
        &emit(5),
        &dwarfsmith::render::RenderOptions {
            line_table: false,
            call_frames: false,
            path_prefix: None,
        },
    )
    .unwrap();
    insta::with_settings!({ snapshot_path => snapshot_dir(), prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("rust_recipes_dwarf5_render", text);
    });
}
