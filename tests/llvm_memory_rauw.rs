//! Memory safety of stub completion on the LLVM backend (seed 000: every
//! crash hazard gets a standalone regression test with its root cause).
//!
//! OPERATION. A struct/union stub is a *temporary* `DICompositeType`
//! (`LLVMDIBuilderCreateReplaceableCompositeType`). Completion creates the
//! final node and calls `LLVMMetadataReplaceAllUsesWith(temp, full)`, which
//! rewrites every *tracked* use (operands of other metadata) and then
//! **deletes** the temporary.
//!
//! ROOT CAUSE GUARDED AGAINST. Any copy of the temporary's pointer kept
//! outside LLVM's tracked operands — the backend's type table, a scope cached
//! for a nested type, a member list built before completion — dangles after
//! the RAUW. The next node created from it reads freed memory: a segfault
//! inside LLVM, or silently corrupt metadata that crashes codegen later.
//!
//! EXPECTED. The backend keeps metadata pointers only in its tables, looks
//! them up at the moment of use (never caching a scope or member node), and
//! overwrites a stub's slot in the same step as its RAUW. Every node made
//! after completion uses the final node; the module verifies, llvm-dwarfdump
//! verifies the object and gdb prints the types.
//!
//! SECOND HAZARD: re-uniquing. A uniqued node that pointed at the temporary
//! (a pointer type) is re-uniqued by the RAUW; if an identical node already
//! exists in the `LLVMContext`, LLVM RAUWs and *deletes* the re-uniqued one,
//! and the table slot holding it dangles. Within one compile unit the final
//! node is always new (its ODR identifier is unique to its unit's type
//! table, which completes a stub once), so no such twin exists. A second
//! unit in the same context could build a twin (same identifier, and for a
//! member-less struct the same content), so the backend allows one
//! dwarfsmith compile unit per `LlvmContext`:
//! `a_second_unit_in_one_context_is_refused` guards that, and
//! `two_units_in_two_contexts_*` shows the supported way.
#![cfg(any(feature = "llvm19", feature = "llvm22"))]

mod common;

use common::llvm::{cu, fill_program, table, LIST, LIST_PTR};
use common::{check_object, save};
use dwarfsmith::backend::llvm::{LlvmBackend, LlvmContext, LlvmModule, LlvmOptions};
use dwarfsmith::backend::{
    Backend, CompileUnitInfo, CompositeInfo, CompositeKind, DeclSite, FileIdx, FunctionIdx,
    FunctionInfo, GlobalIdx, GlobalInfo, Language, MemberInfo, ParentScope, TypeIdx, TypedefInfo,
};
use dwarfsmith::{BaseEncoding, DebugContext, ErrorKind, FrontendTy, FunctionDesc};

fn stub(name: &str, scope: ParentScope, id: &str) -> CompositeInfo<'static> {
    CompositeInfo {
        kind: CompositeKind::Struct,
        name: Box::leak(name.to_owned().into_boxed_str()),
        scope,
        size: 16,
        align: 8,
        decl: Some(DeclSite {
            file: FileIdx(0),
            line: 1,
        }),
        identifier: Some(Box::leak(id.to_owned().into_boxed_str())),
        declaration: false,
        linkage_name: None,
    }
}

fn member(name: &'static str, ty: u32, offset: u64) -> MemberInfo<'static> {
    MemberInfo {
        name,
        ty: TypeIdx(ty),
        offset,
        size: 8,
        align: 8,
        artificial: false,
        bits: None,
        access: dwarfsmith::Access::Unspecified,
        member_align: 0,
    }
}

/// Drives the backend directly, in the order that exposes stale pointers:
/// nodes referring to `List` made while it is a stub (a pointer, a nested
/// stub scoped in it) and after its completion (typedef, nested completion,
/// function parameter, global).
fn direct_calls(module: &LlvmModule<'_>) {
    let mut b = LlvmBackend::new(module, LlvmOptions::default()).unwrap();
    b.begin(&CompileUnitInfo {
        producer: "rauw test",
        language: Language::C11,
        name: b"rauw.c",
        comp_dir: b"/work",
    })
    .unwrap();
    b.file(FileIdx(0), b"/work", b"rauw.c", None).unwrap();
    b.base_type(TypeIdx(0), "long", 8, BaseEncoding::Signed)
        .unwrap();
    b.composite_stub(TypeIdx(1), &stub("List", ParentScope::Unit, "t:List"))
        .unwrap();
    b.pointer_type(
        TypeIdx(2),
        TypeIdx(1),
        8,
        dwarfsmith::PointerKind::Pointer,
        None,
    )
    .unwrap(); // refers to the temporary
    b.composite_stub(
        TypeIdx(3),
        &stub("Node", ParentScope::Type(TypeIdx(1)), "t:List::Node"),
    )
    .unwrap();
    b.composite_complete(
        TypeIdx(1),
        &dwarfsmith::backend::CompositeBody {
            members: &[member("value", 0, 0), member("next", 2, 8)],
            ..Default::default()
        },
    )
    .unwrap();
    // After the RAUW: every use must see the final `List`.
    b.composite_complete(
        TypeIdx(3),
        &dwarfsmith::backend::CompositeBody {
            members: &[member("list", 2, 0), member("id", 0, 8)],
            ..Default::default()
        },
    )
    .unwrap();
    b.typedef(
        TypeIdx(4),
        &TypedefInfo {
            name: "ListAlias",
            target: TypeIdx(1),
            scope: ParentScope::Unit,
            decl: Some(DeclSite {
                file: FileIdx(0),
                line: 2,
            }),
            access: dwarfsmith::Access::Unspecified,
        },
    )
    .unwrap();
    b.pointer_type(
        TypeIdx(5),
        TypeIdx(3),
        8,
        dwarfsmith::PointerKind::Pointer,
        None,
    )
    .unwrap();
    b.function(
        FunctionIdx(0),
        &FunctionInfo {
            name: "walk",
            linkage_name: "walk",
            scope: ParentScope::Unit,
            decl: DeclSite {
                file: FileIdx(0),
                line: 3,
            },
            ret: None,
            params: &[TypeIdx(2), TypeIdx(5)],
            external: true,
            specification: None,
            variadic: false,
        },
    )
    .unwrap();
    b.global(
        GlobalIdx(0),
        &GlobalInfo {
            name: "head",
            linkage_name: "head",
            scope: ParentScope::Unit,
            ty: TypeIdx(4),
            decl: DeclSite {
                file: FileIdx(0),
                line: 2,
            },
            external: true,
        },
    )
    .unwrap();
    b.global(
        GlobalIdx(1),
        &GlobalInfo {
            name: "node_ptr",
            linkage_name: "node_ptr",
            scope: ParentScope::Unit,
            ty: TypeIdx(5),
            decl: DeclSite {
                file: FileIdx(0),
                line: 4,
            },
            external: true,
        },
    )
    .unwrap();
    b.finish().unwrap();
}

/// Every node made after completion names the final node: the module
/// verifies, the object verifies and gdb prints `List`, the nested `Node`
/// and the typedef with their members.
#[test]
fn uses_of_a_completed_stub_see_the_final_node() {
    let ctx = LlvmContext::new();
    let module = ctx.create_module("rauw").unwrap();
    let i8t = ctx.int_type(8).unwrap();
    module
        .add_global("head", ctx.array_type(i8t, 16).unwrap(), None)
        .unwrap();
    let (ptr_t, void) = (ctx.ptr_type(), ctx.void_type());
    module.add_global("node_ptr", ptr_t, None).unwrap();
    let walk_t = ctx.function_type(void, &[ptr_t, ptr_t], false).unwrap();
    let walk = module.add_function("walk", walk_t).unwrap();
    let b = module.create_builder();
    b.position_at_end(walk.append_block("entry").unwrap())
        .unwrap();
    b.ret(None).unwrap();
    direct_calls(&module);
    let ir = module.print_to_string().unwrap();
    assert!(!ir.contains("temporary"), "{ir}");
    assert!(ir.contains("name: \"Node\", scope: !"), "{ir}");
    let obj = module.emit_object().unwrap();
    check_object("llvm_rauw.o", &obj);
    let out = common::gdb(
        &save("llvm_rauw_gdb.o", &obj),
        &["ptype ListAlias", "ptype node_ptr", "ptype head"],
    );
    assert!(out.contains("long value;\n    struct List *next;"), "{out}");
    assert!(out.contains("struct List *list;\n    long id;"), "{out}");
    assert!(out.contains("long id;\n} *"), "{out}");
}

/// OPERATION: a second `LlvmBackend` in an `LlvmContext` that already
/// holds a dwarfsmith compile unit. FAILURE GUARDED AGAINST: the
/// re-uniquing collision above (use after free of a pointer-type slot).
/// EXPECTED: `ErrorKind::Unsupported`, before any metadata is made; the
/// first unit is unaffected.
#[test]
fn a_second_unit_in_one_context_is_refused() {
    let ctx = LlvmContext::new();
    let m1 = ctx.create_module("one").unwrap();
    let m2 = ctx.create_module("two").unwrap();
    let a = fill_program(&m1, 5);
    let e = LlvmBackend::new(&m2, LlvmOptions::default())
        .err()
        .expect("refused");
    assert_eq!(e.kind(), ErrorKind::Unsupported, "{e}");
    check_object("llvm_unit_one.o", &a);
}

/// Two compile units in two contexts, alive at once and interleaved: the
/// same recursive types completed in each, then used through the pointer
/// slot made while `List` was a stub.
#[test]
fn two_units_in_two_contexts_interleaved() {
    let (c1, c2) = (LlvmContext::new(), LlvmContext::new());
    let m1 = c1.create_module("one").unwrap();
    let m2 = c2.create_module("two").unwrap();
    let mut cx1 = DebugContext::new(
        LlvmBackend::new(&m1, LlvmOptions::default()).unwrap(),
        &cu(),
    )
    .unwrap();
    let mut cx2 = DebugContext::new(
        LlvmBackend::new(&m2, LlvmOptions::default()).unwrap(),
        &cu(),
    )
    .unwrap();
    let (mut t1, mut t2) = (table(), table());
    cx1.resolve_type(&mut t1, FrontendTy(LIST)).unwrap();
    cx2.resolve_type(&mut t2, FrontendTy(LIST)).unwrap();
    use_list_ptr(&mut cx1, &m1, &mut t1, "f1");
    use_list_ptr(&mut cx2, &m2, &mut t2, "f2");
    cx1.finish().unwrap();
    cx2.finish().unwrap();
    check_object("llvm_inter_one.o", &m1.emit_object().unwrap());
    check_object("llvm_inter_two.o", &m2.emit_object().unwrap());
}

/// A function `name` with one local of type `*List`, resolved *after*
/// `List` was completed.
fn use_list_ptr(
    cx: &mut DebugContext<LlvmBackend<'_>>,
    module: &LlvmModule<'_>,
    t: &mut common::Table,
    name: &str,
) {
    let ctx = module.context();
    let ptr_t = ctx.ptr_type();
    let f = module
        .add_function(
            name,
            ctx.function_type(ctx.void_type(), &[], false).unwrap(),
        )
        .unwrap();
    let file = cx.file("prog.c".as_ref()).unwrap();
    let fid = cx
        .define_function(&FunctionDesc {
            name,
            linkage_name: name,
            namespace: None,
            file,
            line: 20,
            ret: None,
            params: &[],
            external: true,
            method_of: None,
        })
        .unwrap();
    let lp = cx.resolve_type(t, FrontendTy(LIST_PTR)).unwrap();
    let entry = f.append_block("entry").unwrap();
    let builder = module.create_builder();
    builder.position_at_end(entry).unwrap();
    cx.enter_function(fid).unwrap();
    let slot = builder.alloca(ptr_t, "p").unwrap();
    let v = cx
        .declare_local(cx.function_scope(fid).unwrap(), "p", lp, 21, 3)
        .unwrap();
    cx.declare_llvm_variable(v, slot, entry).unwrap();
    builder.ret(None).unwrap();
    cx.exit_function().unwrap();
}
