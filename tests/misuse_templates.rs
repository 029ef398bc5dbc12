//! Misuse of template parameter packs, defaulted template arguments and
//! inline namespaces (cases 130-134): a defaulted pack, nested packs, a
//! defaulted argument in a pack, a pack value that does not fit its type,
//! second descriptions of one unique ID that differ only in a default mark
//! or a pack's arguments, and a namespace registered inline and not. Each test names the operation, the failure it guards against
//! and the expected result.

mod common;

use common::*;
use dwarfsmith::*;

fn key(def_id: u64) -> NominalKey {
    NominalKey::new(0x7a9c, def_id)
}

/// `i32` (1), `u8` (2), `f64` (3).
fn prim_table() -> Table {
    let mut t = Table::default();
    t.add(1, base("i32", 4, BaseEncoding::Signed));
    t.add(2, base("u8", 1, BaseEncoding::Unsigned));
    t.add(3, base("f64", 8, BaseEncoding::Float));
    t
}

/// `struct S { i32 x; }` with template parameters `ps` (key 1).
fn with_params(ps: Vec<TemplateParam>) -> TypeDesc {
    let mut c = CompositeDesc::new(key(1), "S<..>", 4, 4).field("x", FrontendTy(1), 0);
    c.template_params = ps;
    TypeDesc::Struct(c)
}

fn ty(name: &str, t: u64) -> TemplateParam {
    TemplateParam::ty(name, FrontendTy(t))
}

/// Case 130: a pack, or a parameter already marked, wrapped in
/// `Defaulted`. Guards against: a `DW_AT_default_value` on a pack (which no
/// compiler writes and lldb cannot place) or a mark hiding another. Expected:
/// `InvalidLayout` naming the parameter; the same parameters without the
/// wrong mark are accepted.
#[test]
fn case_130_defaulted_pack_or_twice_defaulted() {
    let mut t = prim_table();
    t.add(
        10,
        with_params(vec![TemplateParam::pack("Ts", vec![ty("", 1)]).defaulted()]),
    );
    t.add(11, with_params(vec![ty("T", 1).defaulted().defaulted()]));
    assert_refused(
        resolve_all(&mut t, &[10]),
        ErrorKind::InvalidLayout,
        &["the pack `Ts`"],
    );
    assert_refused(
        resolve_all(&mut t, &[11]),
        ErrorKind::InvalidLayout,
        &["a defaulted `T`"],
    );
    t.add(12, with_params(vec![ty("T", 1).defaulted()]));
    resolve_all(&mut t, &[12]).unwrap();
}

/// Case 131: a pack holding a pack, or holding a defaulted argument.
/// Guards against: a nested `DW_TAG_GNU_template_parameter_pack` (C++ packs
/// do not nest; debuggers would misread the arguments). Expected:
/// `InvalidLayout` naming the pack; an empty pack and unnamed arguments are
/// accepted.
#[test]
fn case_131_nested_pack_or_defaulted_pack_argument() {
    let mut t = prim_table();
    let inner = TemplateParam::pack("Us", vec![ty("", 1)]);
    t.add(
        10,
        with_params(vec![TemplateParam::pack("Ts", vec![inner])]),
    );
    t.add(
        11,
        with_params(vec![TemplateParam::pack("Ts", vec![ty("", 2).defaulted()])]),
    );
    assert_refused(
        resolve_all(&mut t, &[10]),
        ErrorKind::InvalidLayout,
        &["pack `Ts` holds the pack `Us`"],
    );
    assert_refused(
        resolve_all(&mut t, &[11]),
        ErrorKind::InvalidLayout,
        &["pack `Ts` holds a defaulted"],
    );
    t.add(
        12,
        with_params(vec![
            TemplateParam::pack("", Vec::new()),
            TemplateParam::pack("Ts", vec![ty("", 1), ty("", 2)]),
        ]),
    );
    resolve_all(&mut t, &[12]).unwrap();
}

/// Case 132: a pack's value argument that does not fit its type (300 as a
/// `u8`), or whose type is not an integer (`f64`), and a top-level
/// parameter without a name. Guards against: a pack's values escaping the
/// checks a plain value parameter gets. Expected: `InvalidLayout` for the
/// values, `InvalidName` for the name.
#[test]
fn case_132_bad_pack_values_and_unnamed_parameter() {
    let mut t = prim_table();
    let v = |ty, value| TemplateParam::value("", FrontendTy(ty), value);
    t.add(
        10,
        with_params(vec![TemplateParam::pack("Ns", vec![v(2, 300)])]),
    );
    t.add(
        11,
        with_params(vec![TemplateParam::pack("Ns", vec![v(3, 1)])]),
    );
    t.add(12, with_params(vec![ty("", 1)]));
    assert_refused(
        resolve_all(&mut t, &[10]),
        ErrorKind::InvalidLayout,
        &["300"],
    );
    assert_refused(
        resolve_all(&mut t, &[11]),
        ErrorKind::InvalidLayout,
        &["not an integer type"],
    );
    assert_refused(
        resolve_all(&mut t, &[12]),
        ErrorKind::InvalidName,
        &["template parameter name"],
    );
    t.add(
        13,
        with_params(vec![TemplateParam::pack("Ns", vec![v(2, 255)])]),
    );
    resolve_all(&mut t, &[13]).unwrap();
}

/// Case 133: two handles describe one type (same key) whose parameter `U`
/// is marked defaulted in one and not in the other, or whose pack differs
/// in one argument's type, one argument's value, or the number of
/// arguments. Guards against: the second description accepted because
/// names and types match, so lldb names the type by whichever came first.
/// Expected: `ConflictingDescription` for each (a pack argument's type
/// through the compared references, the rest through the fingerprint); the
/// same description under two handles is one type.
#[test]
fn case_133_conflicting_default_mark_or_pack_arguments() {
    let mut t = prim_table();
    t.add(10, with_params(vec![ty("T", 1), ty("U", 2).defaulted()]));
    t.add(11, with_params(vec![ty("T", 1), ty("U", 2)]));
    t.add(12, with_params(vec![ty("T", 1), ty("U", 2).defaulted()]));
    assert_refused(
        resolve_all(&mut t, &[10, 11]),
        ErrorKind::ConflictingDescription,
        &["same unique type ID"],
    );
    resolve_all(&mut t, &[10, 12]).unwrap();
    let v = |value| TemplateParam::value("", FrontendTy(1), value);
    let pack = |args| with_params(vec![TemplateParam::pack("Ts", args)]);
    t.add(20, pack(vec![ty("", 1), v(7)]));
    t.add(21, pack(vec![ty("", 2), v(7)]));
    t.add(22, pack(vec![ty("", 1), v(8)]));
    t.add(23, pack(vec![ty("", 1), v(7), v(7)]));
    for other in [21, 22, 23] {
        assert_refused(
            resolve_all(&mut t, &[20, other]),
            ErrorKind::ConflictingDescription,
            &["same unique type ID"],
        );
    }
    t.add(24, pack(vec![ty("", 1), v(7)]));
    resolve_all(&mut t, &[20, 24]).unwrap();
}

/// Case 134: one namespace registered with `inline_namespace` and then
/// with `namespace` (or the other way round). Guards against: the second
/// registration silently returning the first's handle, so the types of a
/// frontend that believes the namespace plain are named without it by lldb
/// (or the other way round). Expected: `ConflictingDescription` naming both
/// calls; registering it the same way again gives the same handle.
#[test]
fn case_134_namespace_registered_inline_and_not() {
    let mut cx = context(5);
    let std = cx.namespace(None, "std").unwrap();
    let inline = cx.inline_namespace(Some(std), "__cxx11").unwrap();
    let e = cx
        .namespace(Some(std), "__cxx11")
        .expect_err("plain after inline");
    assert_eq!(e.kind(), ErrorKind::ConflictingDescription, "{e}");
    assert!(
        e.message()
            .contains("`inline_namespace` and now with `namespace`"),
        "{e}"
    );
    let e = cx
        .inline_namespace(None, "std")
        .expect_err("inline after plain");
    assert_eq!(e.kind(), ErrorKind::ConflictingDescription, "{e}");
    assert_eq!(cx.inline_namespace(Some(std), "__cxx11").unwrap(), inline);
    cx.finish().unwrap();
}
