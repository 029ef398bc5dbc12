//! Misuse of the LLVM backend: each case is an operation that would corrupt
//! memory or crash inside LLVM if passed through unchecked, and must be an
//! `Err` instead (seed 000: exception over crash). Each test names the
//! operation, the failure it guards against and the expected result.
#![cfg(any(feature = "llvm19", feature = "llvm22"))]

mod common;

use common::llvm::{cu, table, I32, LIST};
use dwarfsmith::backend::llvm::{LlvmBackend, LlvmContext, LlvmModule, LlvmOptions};
use dwarfsmith::backend::{
    Backend, CompileUnitInfo, CompositeInfo, CompositeKind, Language, ParentScope, TypeIdx,
};
use dwarfsmith::{DebugContext, ErrorKind, FrontendTy, FunctionDesc, FunctionId, TypeRef, VarId};

fn cx<'a>(module: &'a LlvmModule<'a>) -> DebugContext<LlvmBackend<'a>> {
    DebugContext::new(
        LlvmBackend::new(module, LlvmOptions::default()).unwrap(),
        &cu(),
    )
    .unwrap()
}

/// A function `f` in the module and in the context, with one local `v`.
fn one_function<'a>(
    cx: &mut DebugContext<LlvmBackend<'a>>,
    module: &'a LlvmModule<'a>,
) -> (FunctionId, VarId, TypeRef) {
    let ctx = module.context();
    let i32t = ctx.int_type(32).unwrap();
    let f = module
        .add_function("f", ctx.function_type(i32t, &[], false).unwrap())
        .unwrap();
    f.append_block("entry").unwrap();
    let mut t = table();
    let int = cx.resolve_type(&mut t, FrontendTy(I32)).unwrap();
    let file = cx.file("prog.c".as_ref()).unwrap();
    let fid = cx
        .define_function(&FunctionDesc {
            name: "f",
            linkage_name: "f",
            namespace: None,
            file,
            line: 1,
            ret: Some(int),
            params: &[],
            external: true,
            method_of: None,
        })
        .unwrap();
    cx.enter_function(fid).unwrap();
    let v = cx
        .declare_local(cx.function_scope(fid).unwrap(), "v", int, 2, 3)
        .unwrap();
    (fid, v, int)
}

/// OPERATION: declare a variable whose storage is an `alloca` of a module in
/// *another LLVM context*. GUARDS AGAINST: a declare record in module A
/// using a value owned by context B (cross-context use lists: use after
/// free when B is disposed). EXPECTED: `ForeignHandle`.
#[test]
fn storage_from_another_context_is_refused() {
    let (c1, c2) = (LlvmContext::new(), LlvmContext::new());
    let m1 = c1.create_module("a").unwrap();
    let m2 = c2.create_module("b").unwrap();
    let mut cx = cx(&m1);
    let (_, v, _) = one_function(&mut cx, &m1);
    let g = m2
        .add_function("g", c2.function_type(c2.void_type(), &[], false).unwrap())
        .unwrap();
    let gb = g.append_block("entry").unwrap();
    let b2 = m2.create_builder();
    b2.position_at_end(gb).unwrap();
    let foreign = b2.alloca(c2.int_type(32).unwrap(), "x").unwrap();
    let entry = m1.function("f").unwrap().append_block("more").unwrap();
    let e = cx.declare_llvm_variable(v, foreign, entry).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ForeignHandle, "{e}");
    // The builder refuses foreign values too.
    let b1 = m1.create_builder();
    b1.position_at_end(entry).unwrap();
    let e = b1.store(foreign, foreign).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ForeignHandle, "{e}");
    let e = b1.alloca(c2.int_type(8).unwrap(), "t").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ForeignHandle, "{e}");
}

/// OPERATION: attach a `FunctionId` to a function of another module of the
/// same context, and position a builder in another module's block.
/// GUARDS AGAINST: a `DISubprogram` of unit A on a function of module B,
/// and instructions of one module referring to another module's values
/// (dangling uses when that module is dropped). EXPECTED: `ForeignHandle`.
#[test]
fn functions_and_blocks_of_another_module_are_refused() {
    let ctx = LlvmContext::new();
    let m1 = ctx.create_module("a").unwrap();
    let m2 = ctx.create_module("b").unwrap();
    let mut cx = cx(&m1);
    let (fid, _, _) = one_function(&mut cx, &m1);
    let other = m2
        .add_function("f", ctx.function_type(ctx.void_type(), &[], false).unwrap())
        .unwrap();
    let e = cx.attach_llvm_function(fid, other).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ForeignHandle, "{e}");
    let b1 = m1.create_builder();
    let e = b1
        .position_at_end(other.append_block("x").unwrap())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ForeignHandle, "{e}");
    b1.position_at_end(m1.function("f").unwrap().append_block("b").unwrap())
        .unwrap();
    let e = b1.call(other, &[], "").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ForeignHandle, "{e}");
}

/// OPERATION: hand the backend a builder of another module.
/// GUARDS AGAINST: debug locations of unit A set on instructions of module
/// B. EXPECTED: `ForeignHandle`.
#[test]
fn a_builder_of_another_module_is_refused() {
    let ctx = LlvmContext::new();
    let m1 = ctx.create_module("a").unwrap();
    let m2 = ctx.create_module("b").unwrap();
    let b2 = m2.create_builder();
    let mut cx = cx(&m1);
    let e = cx.set_llvm_builder(&b2).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ForeignHandle, "{e}");
}

/// OPERATION: pass a `VarId` made by another `DebugContext` (here a gimli
/// one) to `declare_llvm_variable`. GUARDS AGAINST: indexing this backend's
/// variable table with another context's index (a wrong or missing
/// `DILocalVariable`). EXPECTED: `ForeignHandle`.
#[test]
fn a_var_id_of_another_debug_context_is_refused() {
    let ctx = LlvmContext::new();
    let m = ctx.create_module("a").unwrap();
    let mut cx = cx(&m);
    let (_, _, _) = one_function(&mut cx, &m);
    let mut g = common::context(5);
    let mut t = table();
    let int = g.resolve_type(&mut t, FrontendTy(I32)).unwrap();
    let file = g.file("x.c".as_ref()).unwrap();
    let gf = g
        .define_function(&FunctionDesc {
            name: "h",
            linkage_name: "h",
            namespace: None,
            file,
            line: 1,
            ret: None,
            params: &[],
            external: true,
            method_of: None,
        })
        .unwrap();
    let foreign = g.declare_parameter(gf, "p", 1, int, 1, 1).unwrap();
    let f = m.function("f").unwrap();
    let entry = f.append_block("x").unwrap();
    let b = m.create_builder();
    b.position_at_end(entry).unwrap();
    let slot = b.alloca(ctx.int_type(32).unwrap(), "s").unwrap();
    let e = cx.declare_llvm_variable(foreign, slot, entry).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ForeignHandle, "{e}");
}

/// OPERATION: declare a variable in a block of another function, with
/// storage that is not a pointer, and twice. GUARDS AGAINST: declare records
/// the verifier rejects only at emission (or that codegen mis-handles).
/// EXPECTED: `WrongFunction`, then `InvalidCode` twice.
#[test]
fn declare_records_are_checked() {
    let ctx = LlvmContext::new();
    let m = ctx.create_module("a").unwrap();
    let mut cx = cx(&m);
    let (_, v, _) = one_function(&mut cx, &m);
    let i32t = ctx.int_type(32).unwrap();
    let other = m
        .add_function("other", ctx.function_type(i32t, &[], false).unwrap())
        .unwrap();
    let ob = other.append_block("entry").unwrap();
    let b = m.create_builder();
    b.position_at_end(ob).unwrap();
    let slot = b.alloca(i32t, "s").unwrap();
    let e = cx.declare_llvm_variable(v, slot, ob).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::WrongFunction, "{e}");
    let entry = m.function("f").unwrap().append_block("body").unwrap();
    b.position_at_end(entry).unwrap();
    let slot = b.alloca(i32t, "s").unwrap();
    let e = cx
        .declare_llvm_variable(v, ctx.const_int(i32t, 1).unwrap(), entry)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode, "{e}");
    cx.declare_llvm_variable(v, slot, entry).unwrap();
    let e = cx.declare_llvm_variable(v, slot, entry).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode, "{e}");
}

fn bare_backend<'a>(m: &'a LlvmModule<'a>) -> LlvmBackend<'a> {
    let mut b = LlvmBackend::new(m, LlvmOptions::default()).unwrap();
    b.begin(&CompileUnitInfo {
        producer: "t",
        language: Language::C11,
        name: b"t.c",
        comp_dir: b"/",
    })
    .unwrap();
    b
}

/// OPERATION: complete one stub twice through the `Backend` trait.
/// GUARDS AGAINST: a second RAUW of the temporary, which LLVM deleted at
/// the first completion (use after free). EXPECTED: `InvalidCode`.
#[test]
fn double_completion_is_refused() {
    let ctx = LlvmContext::new();
    let m = ctx.create_module("a").unwrap();
    let mut b = bare_backend(&m);
    let info = CompositeInfo {
        kind: CompositeKind::Struct,
        name: "S",
        scope: ParentScope::Unit,
        size: 0,
        align: 1,
        decl: None,
        identifier: Some("s"),
        declaration: false,
        linkage_name: None,
    };
    b.composite_stub(TypeIdx(0), &info).unwrap();
    b.composite_complete(TypeIdx(0), &Default::default())
        .unwrap();
    let e = b
        .composite_complete(TypeIdx(0), &Default::default())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode, "{e}");
    let e = b
        .composite_complete(TypeIdx(7), &Default::default())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ForeignHandle, "{e}");
}

/// OPERATION: any backend call after `finish`, and `finish` twice.
/// GUARDS AGAINST: using a finalized `DIBuilder` (nodes added after
/// finalize are never resolved). EXPECTED: `Finalized`.
#[test]
fn use_after_finish_is_refused() {
    let ctx = LlvmContext::new();
    let m = ctx.create_module("a").unwrap();
    let mut b = bare_backend(&m);
    b.finish().unwrap();
    let e = b
        .base_type(TypeIdx(0), "int", 4, dwarfsmith::BaseEncoding::Signed)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Finalized, "{e}");
    assert_eq!(b.finish().unwrap_err().kind(), ErrorKind::Finalized);
    assert_eq!(
        b.current_location(None).unwrap_err().kind(),
        ErrorKind::Finalized
    );
}

/// OPERATION: emit an object while the `DebugContext` is still open.
/// GUARDS AGAINST: codegen over unfinalized debug info (temporary nodes),
/// which crashes LLVM. EXPECTED: `Backend` error from the verifier; after
/// `finish` the same module emits.
#[test]
fn emitting_before_finish_is_an_error_not_a_crash() {
    let ctx = LlvmContext::new();
    let m = ctx.create_module("a").unwrap();
    let mut cx = cx(&m);
    let mut t = table();
    cx.resolve_type(&mut t, FrontendTy(LIST)).unwrap();
    let (_, _, _) = one_function(&mut cx, &m);
    let b = m.create_builder();
    b.position_at_end(m.function("f").unwrap().append_block("x").unwrap())
        .unwrap();
    b.ret(Some(
        m.context()
            .const_int(m.context().int_type(32).unwrap(), 0)
            .unwrap(),
    ))
    .unwrap();
    let e = m.emit_object().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Backend, "{e}");
    cx.exit_function().unwrap();
    cx.finish().unwrap();
}

/// OPERATION: drop a `DebugContext` whose stub was never completed (the
/// frontend's describe failed mid-completion). GUARDS AGAINST: a leaked
/// temporary left referenced by the module (codegen crash), or deleting it
/// while in use. EXPECTED: `finish` reports `IncompleteStub`; the dropped
/// backend replaces the stub by a declaration and the module still emits.
#[test]
fn an_interrupted_completion_leaves_a_valid_module() {
    let ctx = LlvmContext::new();
    let m = ctx.create_module("a").unwrap();
    let mut cx = cx(&m);
    let mut t = table();
    t.add(
        50,
        common::strukt(50, "Broken", 8, vec![common::field("x", 999, 0)], None),
    );
    t.add(51, common::ptr(50));
    assert!(cx.resolve_type(&mut t, FrontendTy(51)).is_err());
    assert_eq!(cx.finish().unwrap_err().kind(), ErrorKind::IncompleteStub);
    let ir = m.print_to_string().unwrap();
    assert!(!ir.contains("temporary"), "{ir}");
    let obj = m.emit_object().unwrap();
    common::check_object("llvm_interrupted.o", &obj);
}

/// OPERATION: builder calls that LLVM-C would accept and mis-handle: no
/// insertion point, a parameter index out of range, a call with the wrong
/// argument count, NUL in a name. GUARDS AGAINST: out-of-bounds reads in
/// `LLVMGetParam`, detached (leaked) instructions, malformed calls.
/// EXPECTED: errors.
#[test]
fn builder_misuse_is_an_error() {
    let ctx = LlvmContext::new();
    let m = ctx.create_module("a").unwrap();
    let i32t = ctx.int_type(32).unwrap();
    let f = m
        .add_function("f", ctx.function_type(i32t, &[i32t], false).unwrap())
        .unwrap();
    let b = m.create_builder();
    assert_eq!(
        b.alloca(i32t, "x").unwrap_err().kind(),
        ErrorKind::InvalidCode
    );
    assert!(f.param(1).is_err());
    b.position_at_end(f.append_block("entry").unwrap()).unwrap();
    assert!(b.call(f, &[], "").is_err());
    assert_eq!(
        b.alloca(i32t, "a\0b").unwrap_err().kind(),
        ErrorKind::InvalidName
    );
    assert!(ctx.function_type(i32t, &[ctx.void_type()], false).is_err());
    assert!(ctx.int_type(0).is_err());
}
