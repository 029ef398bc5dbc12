//! Misuse of the method parts of the type model (cases 105-109): artificial
//! parameter indices, the reserved vtable slot, method template parameters
//! and second descriptions of a class that differ only in them. Each test
//! names the operation, the failure it guards against and the expected
//! result.

mod common;

use common::*;
use dwarfsmith::*;

fn key(def_id: u64) -> NominalKey {
    NominalKey::new(0x3E7, def_id)
}

/// `int` (1), `double` (2), `C *` (3) where `C` is handle 10, `unsigned
/// char` (4).
fn prims() -> Table {
    let mut t = Table::default();
    t.add(1, base("int", 4, BaseEncoding::Signed));
    t.add(2, base("double", 8, BaseEncoding::Float));
    t.add(3, TypeDesc::pointer(FrontendTy(10)));
    t.add(4, base("unsigned char", 1, BaseEncoding::UnsignedChar));
    t
}

/// Class `C` (key 10) at handle `h` declaring `m`.
fn class_with(t: &mut Table, h: u64, m: MethodDesc) {
    let mut c = CompositeDesc::new(key(10), "C", 4, 4)
        .class()
        .field("x", FrontendTy(1), 0);
    c.methods = vec![m];
    t.add(h, TypeDesc::Struct(c));
}

/// A method `f(int, int)` of `C`.
fn f() -> MethodDesc {
    MethodDesc::new("f", Some(FrontendTy(3)))
        .param(FrontendTy(1))
        .param(FrontendTy(1))
}

fn function(params: Vec<u64>, artificial_params: Vec<usize>) -> TypeDesc {
    TypeDesc::Function {
        params: params.into_iter().map(FrontendTy).collect(),
        ret: None,
        variadic: false,
        artificial_params,
    }
}

/// Case 105: an artificial parameter index past the parameters (index 2 of
/// a method with two parameters; index 1 of a function type with one).
/// Guards against: an index the backends would skip silently, so the
/// frontend's `__in_chrg` shows up as a visible parameter. Expected:
/// `InvalidLayout` saying how many parameters there are.
#[test]
fn artificial_parameter_index_out_of_range() {
    let mut t = prims();
    let mut m = f();
    m.artificial_params = vec![2];
    class_with(&mut t, 10, m);
    assert_refused(
        resolve_all(&mut t, &[10]),
        ErrorKind::InvalidLayout,
        &["marks parameter 2 artificial but has 2 parameter(s)"],
    );
    t.add(20, function(vec![1], vec![1]));
    assert_refused(
        resolve_all(&mut t, &[20]),
        ErrorKind::InvalidLayout,
        &["a function type marks parameter 1"],
    );
    // In range: accepted.
    t.add(21, function(vec![1], vec![0]));
    resolve_all(&mut t, &[21]).unwrap();
}

/// Case 106: artificial parameter indices repeated or out of order
/// (`[0, 0]` for a method, `[1, 0]` for a function type). Guards against:
/// two descriptions of one signature that differ only in how the indices
/// are listed getting different unique IDs. Expected: `InvalidLayout`
/// saying they must be strictly increasing.
#[test]
fn artificial_parameter_indices_not_increasing() {
    let mut t = prims();
    let mut m = f();
    m.artificial_params = vec![0, 0];
    class_with(&mut t, 10, m);
    assert_refused(
        resolve_all(&mut t, &[10]),
        ErrorKind::InvalidLayout,
        &["strictly increasing"],
    );
    t.add(20, function(vec![1, 1], vec![1, 0]));
    assert_refused(
        resolve_all(&mut t, &[20]),
        ErrorKind::InvalidLayout,
        &["strictly increasing"],
    );
}

/// Case 107: a virtual or pure virtual method in vtable slot `u32::MAX`.
/// Guards against: the LLVM backend reading that index as "no slot" while
/// the gimli backend writes it, so one description reads differently in
/// the two objects. Expected: `InvalidLayout` naming
/// `Virtuality::VirtualWithoutSlot`; the slotless variants are accepted.
#[test]
fn reserved_vtable_slot() {
    for (h, v) in [
        (10, Virtuality::Virtual(u32::MAX)),
        (11, Virtuality::PureVirtual(u32::MAX)),
    ] {
        let mut t = prims();
        class_with(&mut t, h, f().virtuality(v));
        assert_refused(
            resolve_all(&mut t, &[h]),
            ErrorKind::InvalidLayout,
            &["VirtualWithoutSlot"],
        );
    }
    for v in [
        Virtuality::VirtualWithoutSlot,
        Virtuality::PureVirtualWithoutSlot,
    ] {
        let mut t = prims();
        class_with(&mut t, 10, f().virtuality(v));
        resolve_all(&mut t, &[10]).unwrap();
    }
}

/// Case 108: method template parameters that cannot be written: a type the
/// frontend cannot describe (handle 99), a value parameter of type
/// `double`, the value 300 as `unsigned char`, an empty parameter name.
/// Guards against: a member template's instance declared with a dangling
/// or wrong `DW_AT_const_value`. Expected: `DescribeFailed` naming the
/// handle, `InvalidLayout` naming the parameter, `InvalidName`.
#[test]
fn bad_method_template_parameters() {
    let value = |ty: u64, value: i128| TemplateParam::Value {
        name: "N".into(),
        ty: FrontendTy(ty),
        value,
    };
    let cases = [
        (
            TemplateParam::Type {
                name: "U".into(),
                ty: FrontendTy(99),
            },
            ErrorKind::DescribeFailed,
            "99",
        ),
        (value(2, 1), ErrorKind::InvalidLayout, "`N`"),
        (value(4, 300), ErrorKind::InvalidLayout, "`N`"),
        (
            TemplateParam::Type {
                name: String::new(),
                ty: FrontendTy(1),
            },
            ErrorKind::InvalidName,
            "template parameter name",
        ),
    ];
    for (p, kind, needle) in cases {
        let mut t = prims();
        class_with(&mut t, 10, f().template_param(p));
        assert_refused(resolve_all(&mut t, &[10]), kind, &[needle]);
    }
    let mut t = prims();
    class_with(&mut t, 10, f().template_param(value(4, 255)));
    resolve_all(&mut t, &[10]).unwrap();
}

/// Case 109: a second description of class `C` (same key) whose method
/// differs only in a template parameter's value or type, the variadic
/// flag, which parameters are artificial, a vtable slot against none, or
/// `explicit`.
/// Guards against: the second copy (another unit's) being taken for the
/// first, so the debugger shows one signature for code built with the
/// other. Expected: `ConflictingDescription` naming both handles; the same
/// description under another handle is accepted. Function types that
/// differ only in their artificial parameters are two types (their unique
/// IDs differ).
#[test]
fn conflicting_method_descriptions() {
    let with_n = |ty: u64, v: i128| {
        f().template_param(TemplateParam::Value {
            name: "N".into(),
            ty: FrontendTy(ty),
            value: v,
        })
    };
    let mut artificial = f();
    artificial.artificial_params = vec![0];
    let pairs = [
        (with_n(1, 3), with_n(1, 4)),
        (with_n(1, 3), with_n(4, 3)),
        (f(), f().variadic()),
        (f(), artificial),
        (
            f().virtuality(Virtuality::Virtual(2)),
            f().virtuality(Virtuality::VirtualWithoutSlot),
        ),
        (f(), f().explicit()),
    ];
    for (a, b) in pairs {
        let mut t = prims();
        class_with(&mut t, 10, a.clone());
        class_with(&mut t, 11, b);
        assert_refused(
            resolve_all(&mut t, &[10, 11]),
            ErrorKind::ConflictingDescription,
            &["#10 and #11"],
        );
        class_with(&mut t, 12, a);
        resolve_all(&mut t, &[10, 12]).unwrap();
    }
    // Function types are structural: differing only in which parameter is
    // artificial, they are two types, not a conflict.
    let mut t = prims();
    t.add(20, function(vec![1, 1], vec![]));
    t.add(21, function(vec![1, 1], vec![0]));
    t.add(22, function(vec![1, 1], vec![0]));
    let mut cx = context(5);
    let ids: Vec<String> = [20, 21, 22]
        .iter()
        .map(|h| {
            let r = cx.resolve_type(&mut t, FrontendTy(*h)).unwrap();
            cx.stable_type_id(r).unwrap()
        })
        .collect();
    assert_ne!(ids[0], ids[1]);
    assert_eq!(ids[1], ids[2]);
}

/// Case 105b (LLVM backend): an artificial parameter of class type. LLVM
/// marks a parameter artificial by cloning its type with the flag, which
/// for a class would be a second definition of it. Expected: `Unsupported`
/// saying which types can be marked; the gimli backend writes it.
#[cfg(any(feature = "llvm19", feature = "llvm22"))]
#[test]
fn llvm_refuses_an_artificial_parameter_of_class_type() {
    use dwarfsmith::backend::llvm::{LlvmBackend, LlvmContext, LlvmOptions};
    let mut t = prims();
    t.add(
        30,
        TypeDesc::Struct(CompositeDesc::new(key(30), "Tag", 1, 1)),
    );
    let mut m = f().param(FrontendTy(30));
    m.artificial_params = vec![2];
    class_with(&mut t, 10, m);
    resolve_all(&mut t, &[10]).unwrap();
    let ctx = LlvmContext::new();
    let module = ctx.create_module("m").unwrap();
    let backend = LlvmBackend::new(&module, LlvmOptions::default()).unwrap();
    let mut cx = DebugContext::new(backend, &unit()).unwrap();
    let e = cx.resolve_type(&mut t, FrontendTy(10)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported, "{e}");
    assert!(e.message().contains("artificial parameter 2"), "{e}");
}
