//! **Stack overflow in `LLVMDIBuilderFinalize` on a deep type chain.**
//!
//! OPERATION. A 200,000-deep chain of structs held by value
//! (`S0 { next: S1 }`, `S1 { next: S2 }`, ...) resolved through the LLVM
//! backend, the unit finished, the module verified and compiled to an
//! object, all from a default test thread (2 MiB stack).
//!
//! ROOT CAUSE. The core builds the chain iteratively, but LLVM walks
//! metadata recursively, one or more native frames per level of nesting:
//! `DIBuilder::finalize` resolves the unit's retained types through
//! `MDNode::resolveCycles` (recursive over unresolved operands), the
//! verifier's `visitMDNode` recurses over operands, and the code
//! generator's `DwarfUnit::getOrCreateTypeDIE` recurses through member
//! types. At 200,000 levels the finalize overflowed the caller's stack
//! (SIGSEGV), whatever the frontend did.
//!
//! EXPECTED. Every LLVM call that walks the metadata graph (finalize, also
//! from the backend's `Drop`; `verify`; `emit_object`) runs on a thread of
//! its own whose stack is sized from the number of metadata nodes the
//! backend made (an upper bound on any chain's depth); the caller blocks on
//! it. The object passes `llvm-dwarfdump-19 --verify` and has every struct.
//! Graphs needing more stack than the documented limit are refused with
//! `LimitExceeded` instead (see DESIGN.md, "LLVM backend"). A 200,000-struct
//! ring through pointers (stubs completed while others are still
//! temporary, the cycle left for the finalize) works the same way, and so
//! does verifying the deep unit before `finish` (an error, not an overflow:
//! that walk overflowed the runner's base stack until the levels were
//! recorded on every backend call rather than at finalize).
#![cfg(any(feature = "llvm19", feature = "llvm22"))]

mod common;

use common::{base, check_object, field, ptr, strukt, Table, I64};
use dwarfsmith::backend::llvm::{LlvmBackend, LlvmContext, LlvmModule, LlvmOptions};
use dwarfsmith::{BaseEncoding, DebugContext, ErrorKind, FrontendTy, FunctionDesc, TypeRef};

/// `n` structs, each holding the next by value; the last holds an `i64`.
fn chain(t: &mut Table, n: u64) -> FrontendTy {
    t.add(I64, base("long", 8, BaseEncoding::Signed));
    for i in 0..n {
        let inner = if i + 1 == n { I64 } else { 10_000 + i + 1 };
        t.add(
            10_000 + i,
            strukt(
                10_000 + i,
                &format!("S{i}"),
                8,
                vec![field("next", inner, 0)],
                None,
            ),
        );
    }
    FrontendTy(10_000)
}

/// `n` structs in a ring through pointers: `R_i { next: *R_(i+1) }`, the
/// last pointing at the first (every struct a stub while the others are
/// resolved, completed innermost first, cycles left for the finalize).
fn ring(t: &mut Table, n: u64) -> FrontendTy {
    const R: u64 = 2_000_000;
    const P: u64 = 4_000_000;
    for i in 0..n {
        t.add(P + i, ptr(R + (i + 1) % n));
        t.add(
            R + i,
            strukt(
                R + i,
                &format!("R{i}"),
                8,
                vec![field("next", P + i, 0)],
                None,
            ),
        );
    }
    FrontendTy(R)
}

/// The chain's depth: `DWARFSMITH_DEEP` or 200,000.
fn depth() -> u64 {
    std::env::var("DWARFSMITH_DEEP")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000)
}

/// Resolves the chain and finishes the unit; `finish` false leaves the
/// finalize to the backend's `Drop`.
fn build(module: &LlvmModule<'_>, n: u64, finish: bool) {
    let backend = LlvmBackend::new(module, LlvmOptions::default()).unwrap();
    let mut cx = DebugContext::new(backend, &common::llvm::cu()).unwrap();
    let mut t = Table::default();
    let root = chain(&mut t, n);
    let r = cx.resolve_type(&mut t, root).unwrap();
    assert_eq!(cx.type_size(r).unwrap(), 8);
    if finish {
        cx.finish().unwrap();
    }
}

#[test]
fn a_200000_deep_chain_finalizes_verifies_and_emits_on_a_default_thread() {
    let n = depth();
    let ctx = LlvmContext::new();
    let module = ctx.create_module("deep").unwrap();
    let start = std::time::Instant::now();
    build(&module, n, true);
    let built = start.elapsed();
    module.verify().unwrap();
    let bytes = module.emit_object().unwrap();
    eprintln!(
        "deep chain {n}: resolve+finish {built:?}, total with verify+emit {:?}, object {} bytes",
        start.elapsed(),
        bytes.len()
    );
    let s = check_object("llvm_deep_chain.o", &bytes);
    assert_eq!(
        s.tags.get("DW_TAG_structure_type").copied(),
        Some(n as usize)
    );
}

#[test]
fn a_deep_chain_dropped_unfinished_is_finalized_without_overflow() {
    let ctx = LlvmContext::new();
    let module = ctx.create_module("deep_drop").unwrap();
    build(&module, depth(), false);
    // The backend's Drop finalized the unit: the module verifies, and its
    // IR text (LLVM's slot tracker walks the metadata too) has every struct.
    module.verify().unwrap();
    let ir = module.print_to_string().unwrap();
    assert_eq!(
        ir.matches("DICompositeType(tag: DW_TAG_structure_type")
            .count(),
        depth() as usize
    );
}

#[test]
fn a_200000_struct_ring_through_pointers_finalizes_and_emits() {
    let n = depth();
    let ctx = LlvmContext::new();
    let module = ctx.create_module("ring").unwrap();
    {
        let backend = LlvmBackend::new(&module, LlvmOptions::default()).unwrap();
        let mut cx = DebugContext::new(backend, &common::llvm::cu()).unwrap();
        let mut t = Table::default();
        let root = ring(&mut t, n);
        cx.resolve_type(&mut t, root).unwrap();
        cx.finish().unwrap();
    }
    let bytes = module.emit_object().unwrap();
    let s = check_object("llvm_deep_ring.o", &bytes);
    assert_eq!(
        s.tags.get("DW_TAG_structure_type").copied(),
        Some(n as usize)
    );
}

/// Verifying and emitting before `finish` walk the deep graph too (the
/// function's subprogram names the chain): an error (the unit is not
/// finalized), not an overflow.
#[test]
fn verifying_and_emitting_a_deep_unit_before_finish_is_an_error_not_an_overflow() {
    let ctx = LlvmContext::new();
    let module = ctx.create_module("deep_early").unwrap();
    let i32t = ctx.int_type(32).unwrap();
    let f = module
        .add_function("f", ctx.function_type(i32t, &[], false).unwrap())
        .unwrap();
    let builder = module.create_builder();
    let backend = LlvmBackend::new(&module, LlvmOptions::default()).unwrap();
    let mut cx = DebugContext::new(backend, &common::llvm::cu()).unwrap();
    let file = cx.file("deep.c".as_ref()).unwrap();
    let mut t = Table::default();
    let root = chain(&mut t, depth());
    let r = cx.resolve_type(&mut t, root).unwrap();
    let params: &'static [TypeRef] = Box::leak(Box::new([r]));
    let id = cx
        .define_function(&FunctionDesc {
            name: "f",
            linkage_name: "f",
            namespace: None,
            file,
            line: 1,
            ret: None,
            params,
            external: true,
            method_of: None,
        })
        .unwrap();
    cx.attach_llvm_function(id, f).unwrap();
    builder
        .position_at_end(f.append_block("entry").unwrap())
        .unwrap();
    builder.ret(Some(ctx.const_int(i32t, 0).unwrap())).unwrap();
    let e = module.verify().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Backend, "{e}");
    let e = module.emit_object().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Backend, "{e}");
    cx.finish().unwrap();
    module.verify().unwrap();
}
