//! `DebugContext::function_index`, `var_index` and `global_index`: the
//! checked way for backend-specific code (the LLVM backend's `attach.rs`) to
//! turn a handle into the typed dense index the backend was given. A handle
//! of another context is refused, never read as an index of this one.

mod common;

use common::{context, function, prims, Table, I32};
use dwarfsmith::backend::{FunctionIdx, GlobalIdx, VarIdx};
use dwarfsmith::{ErrorKind, FrontendTy, GlobalDesc};

/// Two functions, a local of the second and two globals in one context.
fn populate(
    cx: &mut dwarfsmith::DebugContext<dwarfsmith::GimliBackend>,
) -> (
    dwarfsmith::FunctionId,
    dwarfsmith::VarId,
    dwarfsmith::GlobalId,
) {
    let mut t = Table::default();
    prims(&mut t);
    let int = cx.resolve_type(&mut t, FrontendTy(I32)).unwrap();
    function(cx, "first");
    let f = function(cx, "second");
    let scope = cx.function_scope(f).unwrap();
    let v = cx.declare_local(scope, "x", int, 2, 1).unwrap();
    let file = cx.file("a.c".as_ref()).unwrap();
    let mut global = |name| {
        cx.define_global(&GlobalDesc {
            name,
            linkage_name: name,
            namespace: None,
            ty: int,
            file,
            line: 1,
            external: true,
        })
        .unwrap()
    };
    global("g0");
    let g = global("g1");
    (f, v, g)
}

#[test]
fn own_handles_give_the_dense_index_the_backend_was_given() {
    let mut cx = context(5);
    let (f, v, g) = populate(&mut cx);
    assert_eq!(cx.function_index(f).unwrap(), FunctionIdx(1));
    assert_eq!(cx.var_index(v).unwrap(), VarIdx(0));
    assert_eq!(cx.global_index(g).unwrap(), GlobalIdx(1));
    assert_eq!(cx.function_index(f).unwrap().index(), f.index() as usize);
}

#[test]
fn handles_of_another_context_are_refused() {
    let mut a = context(5);
    let mut b = context(5);
    let (fa, va, ga) = populate(&mut a);
    populate(&mut b);
    // Same dense indices exist in `b`, so only the context check can refuse them.
    assert_eq!(
        b.function_index(fa).unwrap_err().kind(),
        ErrorKind::ForeignHandle
    );
    assert_eq!(
        b.var_index(va).unwrap_err().kind(),
        ErrorKind::ForeignHandle
    );
    assert_eq!(
        b.global_index(ga).unwrap_err().kind(),
        ErrorKind::ForeignHandle
    );
}
