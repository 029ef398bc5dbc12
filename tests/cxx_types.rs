//! C and C++ types described through `TypeSource` (classes with access
//! sections, a vtable pointer, virtual and static methods and a method
//! definition, static members, single and virtual inheritance, bitfields,
//! an anonymous union, a flexible array, a nested type, `enum class`,
//! template parameters, qualifiers, references, multi-dimensional arrays
//! and a variadic function pointer), emitted by the gimli backend.
//!
//! The expectation is independent of this library: `tests/data/cxx_zoo.cpp`
//! declares the same types, g++ compiles it, and gdb's `ptype` of every type
//! must read the same from g++'s object and from ours. lldb's `type lookup`
//! is checked too.

mod common;
#[path = "cxx_types/methods.rs"]
mod methods;
#[path = "cxx_types/misc.rs"]
mod misc;

use std::process::Command;

use common::{check_object, object_with, render_types, save, snapshot_dir, Table, INSTALL};
use dwarfsmith::*;

const INT: u64 = 1;
const UINT: u64 = 2;
const FLOAT: u64 = 3;
const DOUBLE: u64 = 4;
const UCHAR: u64 = 5;

fn key(id: u64) -> NominalKey {
    NominalKey::new(0xc0ffee, id)
}

fn method(name: &str, linkage: &str, ret: u64, this: u64) -> MethodDesc {
    MethodDesc {
        name: name.into(),
        linkage_name: Some(linkage.into()),
        ret: Some(FrontendTy(ret)),
        params: Vec::new(),
        this: Some(FrontendTy(this)),
        access: Access::Public,
        virtuality: Virtuality::Virtual(0),
        artificial: false,
        decl: None,
        template_params: Vec::new(),
        variadic: false,
        artificial_params: Vec::new(),
        explicit: false,
    }
}

/// The zoo's types; globals name the ones without a name of their own.
fn zoo() -> Table {
    let mut t = Table::default();
    t.add(INT, TypeDesc::base("int", 4, BaseEncoding::Signed));
    t.add(
        UINT,
        TypeDesc::base("unsigned int", 4, BaseEncoding::Unsigned),
    );
    t.add(FLOAT, TypeDesc::base("float", 4, BaseEncoding::Float));
    t.add(DOUBLE, TypeDesc::base("double", 8, BaseEncoding::Float));
    t.add(
        UCHAR,
        TypeDesc::base("unsigned char", 1, BaseEncoding::UnsignedChar),
    );
    // struct Flags { unsigned a : 3; unsigned b : 5; int c; };
    t.add(
        10,
        TypeDesc::Struct(
            CompositeDesc::new(key(10), "Flags", 8, 4)
                .member(FieldDesc::bitfield("a", FrontendTy(UINT), 0, 3))
                .member(FieldDesc::bitfield("b", FrontendTy(UINT), 3, 5))
                .field("c", FrontendTy(INT), 4),
        ),
    );
    // struct WithAnon { int tag; union { int i; float f; }; };
    t.add(
        11,
        TypeDesc::Union(
            CompositeDesc::new(key(11), "", 4, 4)
                .field("i", FrontendTy(INT), 0)
                .field("f", FrontendTy(FLOAT), 0)
                .scope(TypeScope::Type(FrontendTy(12))),
        ),
    );
    t.add(
        12,
        TypeDesc::Struct(
            CompositeDesc::new(key(12), "WithAnon", 8, 4)
                .field("tag", FrontendTy(INT), 0)
                .field("", FrontendTy(11), 4),
        ),
    );
    // struct Flex { int n; int data[]; };
    t.add(
        13,
        TypeDesc::ArrayOf(ArrayDesc {
            elem: FrontendTy(INT),
            dims: vec![None],
            elem_size: 4,
            align: 4,
        }),
    );
    t.add(
        14,
        TypeDesc::Struct(
            CompositeDesc::new(key(14), "Flex", 4, 4)
                .field("n", FrontendTy(INT), 0)
                .field("data", FrontendTy(13), 4),
        ),
    );
    // struct Outer { struct Inner { int x; }; Inner in; };
    t.add(
        15,
        TypeDesc::Struct(
            CompositeDesc::new(key(15), "Inner", 4, 4)
                .field("x", FrontendTy(INT), 0)
                .scope(TypeScope::Type(FrontendTy(16))),
        ),
    );
    t.add(
        16,
        TypeDesc::Struct(CompositeDesc::new(key(16), "Outer", 4, 4).field("in", FrontendTy(15), 0)),
    );
    // enum class Color : unsigned char { Red = 1, Green = 2 };
    t.add(
        17,
        TypeDesc::Enum(
            EnumDesc::new(key(17), "Color", FrontendTy(UCHAR), 1, 1)
                .enumerator("Red", 1)
                .enumerator("Green", 2)
                .enum_class(),
        ),
    );
    // class Shape { _vptr; public: virtual double area(); static int count;
    // int id; protected: int prot; private: int priv; };
    let fnty = t.add(
        20,
        TypeDesc::Function {
            params: vec![],
            ret: Some(FrontendTy(INT)),
            variadic: true,
            artificial_params: Vec::new(),
        },
    );
    let fnptr = t.add(21, TypeDesc::pointer(fnty));
    let vptr = t.add(22, TypeDesc::pointer(fnptr));
    t.add(23, TypeDesc::pointer(FrontendTy(24)));
    let mut shape = CompositeDesc::new(key(24), "Shape", 24, 8).class();
    shape.fields = vec![
        FieldDesc::new("_vptr.Shape", vptr, 0).artificial(),
        FieldDesc::new("id", FrontendTy(INT), 8).access(Access::Public),
        FieldDesc::new("prot", FrontendTy(INT), 12).access(Access::Protected),
        FieldDesc::new("priv", FrontendTy(INT), 16).access(Access::Private),
    ];
    shape.statics = vec![StaticMemberDesc {
        name: "count".into(),
        ty: FrontendTy(INT),
        access: Access::Public,
        const_value: None,
        position: 1,
    }];
    shape.methods = vec![method("area", "_ZN5Shape4areaEv", DOUBLE, 23)];
    shape.containing_type = Some(FrontendTy(24));
    t.add(24, TypeDesc::Struct(shape));
    // class Circle : public Shape { public: double r; double area(); };
    // `this` of Circle's methods: `Circle * const`.
    t.add(38, TypeDesc::pointer(FrontendTy(26)));
    t.add(25, TypeDesc::qualified(Qualifier::Const, FrontendTy(38)));
    let mut circle = CompositeDesc::new(key(26), "Circle", 32, 8)
        .class()
        .member(FieldDesc::new("r", FrontendTy(DOUBLE), 24).access(Access::Public));
    circle.bases = vec![BaseDesc {
        ty: FrontendTy(24),
        offset: 0,
        access: Access::Public,
        virtual_offset_offset: None,
    }];
    circle.methods = vec![method("area", "_ZN6Circle4areaEv", DOUBLE, 38)];
    circle.containing_type = Some(FrontendTy(24));
    t.add(26, TypeDesc::Struct(circle));
    // struct V { int v; }; struct D : virtual V { int d; };
    t.add(
        27,
        TypeDesc::Struct(CompositeDesc::new(key(27), "V", 4, 4).field("v", FrontendTy(INT), 0)),
    );
    let mut d = CompositeDesc::new(key(28), "D", 16, 8)
        .member(FieldDesc::new("_vptr.D", vptr, 0).artificial())
        .member(FieldDesc::new("d", FrontendTy(INT), 8).access(Access::Public));
    d.bases = vec![BaseDesc {
        ty: FrontendTy(27),
        offset: 0,
        access: Access::Public,
        virtual_offset_offset: Some(-24),
    }];
    d.containing_type = Some(FrontendTy(28));
    t.add(28, TypeDesc::Struct(d));
    // template <typename T, int N> struct Arr { T items[N]; };  Arr<int, 4>
    t.add(
        29,
        TypeDesc::Array {
            elem: FrontendTy(INT),
            len: 4,
            elem_size: 4,
            align: 4,
        },
    );
    let mut arr = CompositeDesc::new(key(30), "Arr<int, 4>", 16, 4)
        .field("items", FrontendTy(29), 0)
        .template_type("T", FrontendTy(INT))
        .generic_args(vec![FrontendTy(INT)]);
    arr.template_params.push(TemplateParam::Value {
        name: "N".into(),
        ty: FrontendTy(INT),
        value: 4,
    });
    t.add(30, TypeDesc::Struct(arr));
    // const volatile int; int [2][3]; int (*)(int, ...); int &; int &&.
    t.add(
        31,
        TypeDesc::qualified(Qualifier::Volatile, FrontendTy(INT)),
    );
    t.add(32, TypeDesc::qualified(Qualifier::Const, FrontendTy(31)));
    t.add(
        33,
        TypeDesc::ArrayOf(ArrayDesc {
            elem: FrontendTy(INT),
            dims: vec![Some(2), Some(3)],
            elem_size: 4,
            align: 4,
        }),
    );
    let vfn = t.add(
        34,
        TypeDesc::Function {
            params: vec![FrontendTy(INT)],
            ret: Some(FrontendTy(INT)),
            variadic: true,
            artificial_params: Vec::new(),
        },
    );
    t.add(35, TypeDesc::pointer(vfn));
    t.add(
        36,
        TypeDesc::PointerTo(PointerDesc {
            kind: PointerKind::Reference,
            pointee: FrontendTy(INT),
            name: None,
        }),
    );
    t.add(
        37,
        TypeDesc::PointerTo(PointerDesc {
            kind: PointerKind::RvalueReference,
            pointee: FrontendTy(INT),
            name: None,
        }),
    );
    // class Holder { public: typedef int count_t; count_t c;
    //                private: typedef double real_t; real_t r; };
    let member_typedef = |id: u64, name: &str, target: u64, access: Access| {
        TypeDesc::Typedef(TypedefDesc {
            key: key(id),
            name: name.into(),
            scope: TypeScope::Type(FrontendTy(42)),
            target: FrontendTy(target),
            decl: None,
            access,
        })
    };
    t.add(40, member_typedef(40, "count_t", INT, Access::Public));
    t.add(41, member_typedef(41, "real_t", DOUBLE, Access::Private));
    t.add(
        42,
        TypeDesc::Struct(
            CompositeDesc::new(key(42), "Holder", 16, 8)
                .class()
                .member(FieldDesc::new("c", FrontendTy(40), 0).access(Access::Public))
                .member(FieldDesc::new("r", FrontendTy(41), 8).access(Access::Private)),
        ),
    );
    // int Shape::*; enum class Opaque : int; (declared only); complex double.
    t.add(
        43,
        TypeDesc::PointerToMember {
            pointee: FrontendTy(INT),
            class: FrontendTy(24),
            size: 8,
        },
    );
    t.add(
        44,
        TypeDesc::Enum(EnumDesc {
            opaque: true,
            ..EnumDesc::new(key(44), "Opaque", FrontendTy(INT), 4, 4).enum_class()
        }),
    );
    t.add(45, TypeDesc::pointer(FrontendTy(44)));
    t.add(
        46,
        TypeDesc::base("complex double", 16, BaseEncoding::ComplexFloat),
    );
    misc::add(&mut t);
    t
}

/// Globals of the zoo: (name, type handle, size).
const GLOBALS: &[(&str, u64, usize)] = &[
    ("flags", 10, 8),
    ("wa", 12, 8),
    ("flex", 14, 4),
    ("outer", 16, 4),
    ("color", 17, 1),
    ("circle", 26, 32),
    ("dd", 28, 16),
    ("arr", 30, 16),
    ("cvi", 32, 4),
    ("grid", 33, 24),
    ("vf", 35, 8),
    ("ref", 36, 8),
    ("rref", 37, 8),
    ("holder", 42, 16),
    ("pm", 43, 8),
    ("op", 45, 8),
    ("cd", 46, 16),
    ("vp", 48, 8),
    ("cvp", 50, 8),
    ("vtp", 52, 8),
    ("np", 53, 8),
    ("dl", 55, 8),
    ("ob", 58, 8),
    ("order", 56, 16),
];

/// The zoo emitted as a C++ unit with one global per type and the
/// definition of `Circle::area` (with its `this`).
fn emit(version: u16) -> Vec<u8> {
    let mut t = zoo();
    let (mut cx, file) = zoo_unit(version, &mut t, GLOBALS, 30);
    let circle = cx.resolve_type(&mut t, FrontendTy(26)).unwrap();
    let this = cx.resolve_type(&mut t, FrontendTy(25)).unwrap();
    let double = cx.resolve_type(&mut t, FrontendTy(DOUBLE)).unwrap();
    let f = cx
        .define_function(
            &FunctionDesc::new("area", "_ZN6Circle4areaEv", file, 18)
                .returns(double)
                .method_of(circle, 0),
        )
        .unwrap();
    cx.declare_this_parameter(f, this, 18).unwrap();
    let scope = cx.function_scope(f).unwrap();
    let scale = cx.declare_local(scope, "scale", double, 18, 1).unwrap();
    cx.set_variable_location(scale, VarLocation::FrameOffset(-24))
        .unwrap();
    cx.define_function_code(f, 16, &[]).unwrap();
    zoo_object(cx, GLOBALS, &["_ZN6Circle4areaEv"])
}

/// A C++ unit of `cxx_zoo.cpp` (gimli backend, DWARF `version`) with a
/// global, declared at `line`, of each of `globals` (name, type handle,
/// size) described by `t`; and the unit's file.
fn zoo_unit(
    version: u16,
    t: &mut Table,
    globals: &[(&str, u64, usize)],
    line: u32,
) -> (DebugContext<GimliBackend>, FileId) {
    let b = GimliBackend::new(GimliOptions {
        dwarf_version: version,
        ..Default::default()
    })
    .unwrap();
    let cu = CompileUnit::new("cxx_zoo.cpp", "/work").language(Language::CPlusPlus14);
    let mut cx = DebugContext::new(b, &cu).unwrap();
    let file = cx.file("cxx_zoo.cpp".as_ref()).unwrap();
    for (name, ty, _) in globals {
        let r = cx.resolve_type(t, FrontendTy(*ty)).unwrap();
        cx.define_global(&GlobalDesc::new(name, name, r, file, line))
            .unwrap();
    }
    (cx, file)
}

/// The relocatable object of a finished zoo unit: the code symbols `code`
/// and the storage of `globals`.
fn zoo_object(
    cx: DebugContext<GimliBackend>,
    globals: &[(&str, u64, usize)],
    code: &[&str],
) -> Vec<u8> {
    let dwarf = cx.finish().unwrap();
    let data: Vec<(&str, usize)> = globals.iter().map(|(n, _, s)| (*n, *s)).collect();
    object_with(&dwarf, code, &data)
}

/// The gdb commands both objects are read with.
const PTYPES: &[&str] = &[
    "ptype Flags",
    "ptype WithAnon",
    "ptype Flex",
    "ptype Outer",
    "ptype Outer::Inner",
    "ptype Color",
    "ptype Shape",
    "ptype Circle",
    "ptype D",
    "ptype arr",
    "ptype cvi",
    "whatis cvi",
    "ptype grid",
    "ptype vf",
    "ptype ref",
    "ptype rref",
    "ptype Holder",
    "ptype pm",
    "ptype op",
    "ptype cd",
    "ptype vp",
    "ptype cvp",
    "whatis cvp",
    "ptype vtp",
    "whatis vtp",
    "whatis vtype",
    "ptype np",
    "whatis np",
    "ptype dl",
    "ptype div_like",
    "ptype Order",
    "whatis ob",
];

fn gdb(obj: &std::path::Path, cmds: &[&str]) -> Vec<String> {
    common::gdb_answers(obj, &[], cmds)
}

/// g++'s object for `tests/data/cxx_zoo.cpp` (compiled once per run).
fn gxx_object() -> std::path::PathBuf {
    common::compile_data("g++", "cxx_zoo.cpp", "cxx_zoo_gxx.o")
}

#[test]
fn gdb_ptype_matches_gxx_for_every_type_dwarf5_and_4() {
    let theirs = gdb(&gxx_object(), PTYPES);
    for version in [5, 4] {
        let bytes = emit(version);
        check_object(&format!("cxx_zoo_v{version}.o"), &bytes);
        let ours = gdb(&save(&format!("cxx_zoo_v{version}.o"), &bytes), PTYPES);
        for ((cmd, a), b) in PTYPES.iter().zip(&ours).zip(&theirs) {
            assert!(b.starts_with("type = "), "g++'s object: `{cmd}` gave {b}");
            assert_eq!(a, b, "DWARF {version}: `{cmd}` differs from g++'s");
        }
    }
}

/// lldb-19's answers to `cmds`, without the lines naming the file.
fn lldb(obj: &std::path::Path, cmds: &[&str]) -> String {
    let mut c = Command::new("lldb-19");
    c.arg("-b");
    for cmd in cmds {
        c.args(["-o", cmd]);
    }
    let out = c
        .arg(obj)
        .output()
        .unwrap_or_else(|e| panic!("cannot run lldb-19 ({e}); install it: {INSTALL}"));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.contains("target create") && !l.starts_with("Current executable"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The method definition points at its declaration: gdb finds `Circle::area`
/// by its qualified name and shows `this` as the artificial first argument.
#[test]
fn method_definition_resolves_through_its_specification() {
    let p = save("cxx_zoo_method.o", &emit(5));
    let out = gdb(&p, &["info scope Circle::area", "ptype Circle::area"]);
    assert!(
        out[0].contains("Symbol this is") && out[0].contains("Symbol scale is"),
        "{}",
        out[0]
    );
    assert_eq!(out[1], "type = double (class Circle * const)");
}

/// lldb reads the classes, the bitfields and the enum class too.
#[test]
fn lldb_type_lookup_reads_classes_and_bitfields() {
    let p = save("cxx_zoo_lldb.o", &emit(5));
    let out = Command::new("lldb-19")
        .args([
            "-b",
            "-o",
            "type lookup Circle",
            "-o",
            "type lookup Flags",
            "-o",
            "type lookup Color",
        ])
        .arg(&p)
        .output()
        .unwrap_or_else(|e| panic!("cannot run lldb-19 ({e}); install it: {INSTALL}"));
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "class Circle : public Shape {",
        "double r;",
        "virtual double area();",
        "unsigned int a : 3;",
        "unsigned int b : 5;",
        "enum class Color {",
    ] {
        assert!(text.contains(want), "lldb output lacks `{want}`:\n{text}");
    }
}

/// lldb reads `void *`, `const void *`, `typedef void`, `decltype(nullptr)`,
/// the unnamed struct named for linkage and the member typedefs' order the
/// same from our object as from g++'s (DWARF 5 and 4).
#[test]
fn lldb_reads_void_nullptr_linkage_name_and_typedef_order_as_from_gxx() {
    let cmds = [
        "type lookup Order",
        "type lookup div_like",
        "type lookup vtype",
        "target variable vp cvp vtp np dl ob",
    ];
    let lldb = |obj: &std::path::Path| {
        let mut c = Command::new("lldb-19");
        c.arg("-b");
        for cmd in cmds {
            c.args(["-o", cmd]);
        }
        let out = c
            .arg(obj)
            .output()
            .unwrap_or_else(|e| panic!("cannot run lldb-19 ({e}); install it: {INSTALL}"));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        // From the first command on (the header names the file).
        let start = text.find("(lldb) type lookup Order").unwrap_or(0);
        text[start..].to_owned()
    };
    let theirs = lldb(&gxx_object());
    for want in [
        "(const void *) cvp",
        "(std::nullptr_t) np",
        "typedef double b_t;",
    ] {
        assert!(
            theirs.contains(want),
            "g++'s object: lldb lacks `{want}`:\n{theirs}"
        );
    }
    for version in [5, 4] {
        let p = save(&format!("cxx_zoo_lldb_misc_v{version}.o"), &emit(version));
        assert_eq!(lldb(&p), theirs, "DWARF {version}");
    }
}

/// The C++ zoo as the library's stable renderer prints it (DWARF 5).
#[test]
fn snapshot_cxx_zoo() {
    let bytes = emit(5);
    let text = dwarfsmith::render::render_object(
        &bytes,
        &dwarfsmith::render::RenderOptions {
            line_table: false,
            call_frames: false,
            path_prefix: None,
        },
    )
    .unwrap();
    insta::with_settings!({ snapshot_path => snapshot_dir(), prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("cxx_zoo_dwarf5_render", text);
    });
}

/// The method classes (member template instance, variadic method,
/// slotless virtual destructor, artificial `__in_chrg`/`__vtt_parm`, a
/// pointer to a variadic member function) as the renderer prints them
/// (DWARF 5).
#[test]
fn snapshot_cxx_methods() {
    let text = render_types(&methods::emit(5));
    insta::with_settings!({ snapshot_path => snapshot_dir(), prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("cxx_methods_dwarf5_render", text);
    });
}
