//! The zoo's method classes (end of `tests/data/cxx_zoo.cpp`): a member
//! template's instance with its template parameters, a variadic method and
//! the pointer to it (whose subroutine type has an artificial `this`), a
//! virtual destructor without a vtable slot, and a virtual-base class whose
//! constructor and destructor take g++'s artificial `__in_chrg` and
//! `__vtt_parm`, and a class with an `explicit` constructor and conversion
//! operator. Emitted as an object of their own, so the zoo's snapshot
//! stays what it was.

use dwarfsmith::*;

use super::{gdb, gxx_object, key, lldb, zoo, zoo_object, zoo_unit, INT};
use crate::common::{check_object, save, Table};

const LONG: u64 = 60;
/// The symbol of `Va::sum`.
const SUM: &str = "_ZN2Va3sumEiz";

/// Adds the method classes to the zoo's table.
fn add(t: &mut Table) {
    t.add(LONG, TypeDesc::base("long int", 8, BaseEncoding::Signed));
    // struct Tmpl { int x; template <typename U, int N> U get(U) const; };
    // with the instance get<long, 3>.
    t.add(62, TypeDesc::qualified(Qualifier::Const, FrontendTy(61)));
    t.add(63, TypeDesc::pointer(FrontendTy(62)));
    let get = MethodDesc::new("get<long int, 3>", Some(FrontendTy(63)))
        .linkage_name("_ZNK4Tmpl3getIlLi3EEET_S1_")
        .returns(FrontendTy(LONG))
        .param(FrontendTy(LONG))
        .template_param(TemplateParam::Type {
            name: "U".into(),
            ty: FrontendTy(LONG),
        })
        .template_param(TemplateParam::Value {
            name: "N".into(),
            ty: FrontendTy(INT),
            value: 3,
        });
    let mut tmpl = CompositeDesc::new(key(61), "Tmpl", 4, 4).field("x", FrontendTy(INT), 0);
    tmpl.methods = vec![get];
    t.add(61, TypeDesc::Struct(tmpl));
    // struct Va { int n; int sum(int n, ...); };
    // typedef int (Va::*va_pmf)(int, ...);
    t.add(65, TypeDesc::pointer(FrontendTy(64)));
    let sum = MethodDesc::new("sum", Some(FrontendTy(65)))
        .linkage_name(SUM)
        .returns(FrontendTy(INT))
        .param(FrontendTy(INT))
        .variadic();
    let mut va = CompositeDesc::new(key(64), "Va", 4, 4).field("n", FrontendTy(INT), 0);
    va.methods = vec![sum];
    t.add(64, TypeDesc::Struct(va));
    t.add(
        66,
        TypeDesc::Function {
            params: vec![FrontendTy(65), FrontendTy(INT)],
            ret: Some(FrontendTy(INT)),
            variadic: true,
            artificial_params: vec![0],
        },
    );
    t.add(
        67,
        TypeDesc::PointerToMember {
            pointee: FrontendTy(66),
            class: FrontendTy(64),
            size: 16,
        },
    );
    t.add(
        68,
        TypeDesc::Typedef(TypedefDesc {
            key: key(68),
            name: "va_pmf".into(),
            scope: TypeScope::Unit,
            target: FrontendTy(67),
            decl: None,
            access: Access::Unspecified,
        }),
    );
    // struct VB { int v; virtual ~VB(); };  (_vptr.VB; ~VB(int __in_chrg))
    t.add(70, TypeDesc::pointer(FrontendTy(69)));
    let mut vb = CompositeDesc::new(key(69), "VB", 16, 8)
        .member(FieldDesc::new("_vptr.VB", FrontendTy(22), 0).artificial())
        .field("v", FrontendTy(INT), 8);
    vb.methods = vec![MethodDesc::new("~VB", Some(FrontendTy(70)))
        .linkage_name("_ZN2VBD4Ev")
        .artificial_param(FrontendTy(INT))
        .virtuality(Virtuality::VirtualWithoutSlot)];
    vb.containing_type = Some(FrontendTy(69));
    t.add(69, TypeDesc::Struct(vb));
    // struct VD : virtual VB { int d; VD(); ~VD(); };  both take
    // (int __in_chrg, const void **__vtt_parm).
    t.add(71, TypeDesc::base("void", 0, BaseEncoding::Unsigned));
    t.add(72, TypeDesc::qualified(Qualifier::Const, FrontendTy(71)));
    t.add(73, TypeDesc::pointer(FrontendTy(72)));
    t.add(74, TypeDesc::pointer(FrontendTy(73)));
    t.add(76, TypeDesc::pointer(FrontendTy(75)));
    let structor = |name: &str, symbol: &str| {
        MethodDesc::new(name, Some(FrontendTy(76)))
            .linkage_name(symbol)
            .artificial_param(FrontendTy(INT))
            .artificial_param(FrontendTy(74))
    };
    let mut vd = CompositeDesc::new(key(75), "VD", 32, 8)
        .member(FieldDesc::new("_vptr.VD", FrontendTy(22), 0).artificial())
        .field("d", FrontendTy(INT), 8);
    vd.bases = vec![BaseDesc {
        ty: FrontendTy(69),
        offset: 0,
        access: Access::Public,
        virtual_offset_offset: Some(-24),
    }];
    vd.methods = vec![
        structor("VD", "_ZN2VDC4Ev"),
        structor("~VD", "_ZN2VDD4Ev").virtuality(Virtuality::VirtualWithoutSlot),
    ];
    vd.containing_type = Some(FrontendTy(75));
    t.add(75, TypeDesc::Struct(vd));
    // struct Ex { int v; explicit Ex(int x); explicit operator bool() const; };
    t.add(78, TypeDesc::pointer(FrontendTy(77)));
    t.add(79, TypeDesc::qualified(Qualifier::Const, FrontendTy(77)));
    t.add(80, TypeDesc::pointer(FrontendTy(79)));
    t.add(81, TypeDesc::base("bool", 1, BaseEncoding::Boolean));
    let mut ex = CompositeDesc::new(key(77), "Ex", 4, 4).field("v", FrontendTy(INT), 0);
    ex.methods = vec![
        MethodDesc::new("Ex", Some(FrontendTy(78)))
            .linkage_name("_ZN2ExC4Ei")
            .param(FrontendTy(INT))
            .explicit(),
        MethodDesc::new("operator bool", Some(FrontendTy(80)))
            .linkage_name("_ZNK2ExcvbEv")
            .returns(FrontendTy(81))
            .explicit(),
    ];
    t.add(77, TypeDesc::Struct(ex));
}

/// Globals of the method classes: (name, type handle, size).
const GLOBALS: &[(&str, u64, usize)] = &[
    ("tmpl", 61, 4),
    ("va", 64, 4),
    ("vpm", 68, 16),
    ("vd", 75, 32),
    ("ex", 77, 4),
];

/// The method classes emitted as a C++ unit with one global each.
pub(super) fn emit(version: u16) -> Vec<u8> {
    let mut t = zoo();
    add(&mut t);
    let (mut cx, file) = zoo_unit(version, &mut t, GLOBALS, 40);
    // int Va::sum(int n, ...) { return n; }: the definition of a variadic
    // method is variadic too.
    let va = cx.resolve_type(&mut t, FrontendTy(64)).unwrap();
    let this = cx.resolve_type(&mut t, FrontendTy(65)).unwrap();
    let int = cx.resolve_type(&mut t, FrontendTy(INT)).unwrap();
    let f = cx
        .define_function(
            &FunctionDesc::new("sum", SUM, file, 6)
                .returns(int)
                .method_of(va, 0),
        )
        .unwrap();
    cx.declare_this_parameter(f, this, 6).unwrap();
    cx.declare_parameter(f, "n", 2, int, 6, 1).unwrap();
    cx.define_function_code(f, 16, &[]).unwrap();
    zoo_object(cx, GLOBALS, &[SUM])
}

/// The gdb commands both objects are read with.
pub(super) const PTYPES: &[&str] = &[
    "ptype Tmpl",
    "ptype Va",
    "ptype va_pmf",
    "whatis vpm",
    "ptype VB",
    "ptype VD",
    "ptype Va::sum",
    "ptype Ex",
];

/// The lldb commands both objects are read with.
pub(super) const LOOKUPS: &[&str] = &[
    "type lookup Tmpl",
    "type lookup Va",
    "type lookup va_pmf",
    "type lookup VB",
    "type lookup VD",
    "type lookup Ex",
];

/// Member templates, a variadic method and a pointer to it, virtual
/// destructors without a vtable slot and constructors with artificial
/// parameters read in gdb as g++'s do (`~VB(void)` without `virtual`, no
/// `__in_chrg`, `Va * const` for the pointer's artificial `this`).
#[test]
fn gdb_ptype_matches_gxx_for_method_classes_dwarf5_and_4() {
    let theirs = gdb(&gxx_object(), PTYPES);
    assert!(theirs[2].contains("Va * const, int, ...)"), "{theirs:?}");
    for version in [5, 4] {
        let bytes = emit(version);
        let name = format!("cxx_zoo_methods_v{version}.o");
        check_object(&name, &bytes);
        let ours = gdb(&save(&name, &bytes), PTYPES);
        for ((cmd, a), b) in PTYPES.iter().zip(&ours).zip(&theirs) {
            assert!(b.starts_with("type = "), "g++'s object: `{cmd}` gave {b}");
            assert_eq!(a, b, "DWARF {version}: `{cmd}` differs from g++'s");
        }
    }
}

/// lldb's `type lookup` of the method classes reads as g++'s: the virtual
/// destructors are `virtual`, the constructors show no artificial
/// parameter, the member template's instance is hidden as lldb hides g++'s
/// and the pointer to member function has no `this` parameter, and the
/// `explicit` constructor and conversion operator are `explicit`.
#[test]
fn lldb_type_lookup_matches_gxx_for_method_classes() {
    let theirs = lldb(&gxx_object(), LOOKUPS);
    for want in [
        "virtual ~VB();",
        "VD();",
        "int sum(int, ...);",
        "int (struct Va::*)(int, ...)",
        "explicit Ex(int);",
        "explicit operator bool() const;",
    ] {
        assert!(
            theirs.contains(want),
            "g++'s object in lldb lacks `{want}`:\n{theirs}"
        );
    }
    let ours = lldb(&save("cxx_zoo_methods_lldb.o", &emit(5)), LOOKUPS);
    assert_eq!(ours, theirs);
}
