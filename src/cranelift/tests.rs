//! Unit tests of the Cranelift glue on functions compiled by Cranelift.
#![forbid(unsafe_code)]

use std::sync::Arc;

use cranelift_codegen::ir::Signature;
use cranelift_codegen::ir::{
    types, AbiParam, Function, InstBuilder, StackSlot, StackSlotData, StackSlotKind, UserFuncName,
};
use cranelift_codegen::isa::{self, CallConv, TargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::{CompiledCode, Context};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

use crate::{
    BaseEncoding, CompileUnit, DebugContext, ErrorKind, FrontendTy, FunctionDesc, GimliBackend,
    GimliOptions, TypeDesc,
};

fn isa(unwind_info: bool) -> Arc<dyn TargetIsa> {
    isa_with(unwind_info, true)
}

fn isa_with(unwind_info: bool, preserve_frame_pointers: bool) -> Arc<dyn TargetIsa> {
    let mut fb = settings::builder();
    for (k, v) in [
        ("preserve_frame_pointers", preserve_frame_pointers),
        ("unwind_info", unwind_info),
    ] {
        fb.set(k, if v { "true" } else { "false" })
            .expect("known Cranelift setting");
    }
    isa::lookup_by_name("x86_64-unknown-linux-gnu")
        .expect("x86-64 is built into cranelift-codegen")
        .finish(settings::Flags::new(fb))
        .expect("valid flags")
}

/// `fn f() -> i64 { a = 1; b = 2; a + b }` with an 8-byte slot for each of
/// `a` and `b`, instructions at the source locations `tokens` (when given).
fn compile(isa: &dyn TargetIsa, tokens: [Option<u32>; 2]) -> (Context, [StackSlot; 2]) {
    let mut func =
        Function::with_name_signature(UserFuncName::user(0, 0), Signature::new(CallConv::SystemV));
    func.signature.returns.push(AbiParam::new(types::I64));
    let mut fbc = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut func, &mut fbc);
    let entry = b.create_block();
    b.switch_to_block(entry);
    let slot = || StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3);
    let slots = [
        b.create_sized_stack_slot(slot()),
        b.create_sized_stack_slot(slot()),
    ];
    b.set_srcloc(super::srcloc(tokens[0].map(crate::LocToken)));
    for (i, s) in slots.iter().enumerate() {
        let v = b.ins().iconst(types::I64, i as i64 + 1);
        b.ins().stack_store(types::I64, v, *s, 0);
    }
    b.set_srcloc(super::srcloc(tokens[1].map(crate::LocToken)));
    let x = b.ins().stack_load(types::I64, types::I64, slots[0], 0);
    let y = b.ins().stack_load(types::I64, types::I64, slots[1], 0);
    let r = b.ins().iadd(x, y);
    b.ins().return_(&[r]);
    b.seal_all_blocks();
    b.finalize(isa.frontend_config());
    let mut ctx = Context::for_function(func);
    ctx.compile(isa, &mut Default::default())
        .expect("the test function compiles");
    (ctx, slots)
}

fn code(ctx: &Context) -> &CompiledCode {
    ctx.compiled_code().expect("compiled")
}

#[test]
fn x86_64_slots_lie_below_the_saved_rbp_at_their_frame_offsets() {
    let isa = isa(true);
    let (ctx, slots) = compile(&*isa, [None, None]);
    let cc = code(&ctx);
    // push rbp; mov rbp, rsp: the CFA (caller's SP) is rbp + 16.
    assert_eq!(super::fp_to_cfa_offset(cc).unwrap(), 16);
    let layout = cc.buffer.frame_layout().unwrap();
    let a = super::slot_cfa_offset(cc, slots[0]).unwrap();
    let b = super::slot_cfa_offset(cc, slots[1]).unwrap();
    // Two 8-byte slots in a 16-byte-aligned area below the saved rbp
    // (CFA-16): the lower one at CFA-32, the upper one at CFA-24.
    assert_eq!(layout.frame_to_fp_offset, 16);
    let mut got = [a, b];
    got.sort();
    assert_eq!(got, [-32, -24]);
}

#[test]
fn a_function_with_slots_has_a_frame_even_without_preserve_frame_pointers() {
    let isa = isa_with(true, false);
    let (ctx, slots) = compile(&*isa, [None, None]);
    let mut got = slots.map(|s| super::slot_cfa_offset(code(&ctx), s).unwrap());
    got.sort();
    assert_eq!(got, [-32, -24]);
}

#[test]
fn code_rows_of_compiled_code_start_unlocated_and_end_inside_the_code() {
    let isa = isa(true);
    let (ctx, _) = compile(&*isa, [Some(5), Some(6)]);
    let (size, rows) = super::code_rows(code(&ctx));
    assert_eq!(size, u64::from(code(&ctx).buffer.total_size()));
    // The prologue (push rbp; mov rbp, rsp) has no location.
    assert_eq!(rows.first().map(|r| (r.offset, r.loc)), Some((0, None)));
    let located: Vec<u32> = rows.iter().filter_map(|r| r.loc.map(|t| t.0)).collect();
    assert_eq!(located, [5, 6]);
    assert!(rows.windows(2).all(|w| w[0].offset < w[1].offset));
    assert!(rows.iter().all(|r| r.offset < size));
}

#[test]
fn a_slot_this_function_does_not_have_is_an_error() {
    use cranelift_codegen::entity::EntityRef;
    let isa = isa(true);
    let (ctx, _) = compile(&*isa, [None, None]);
    let e = super::slot_cfa_offset(code(&ctx), StackSlot::new(7)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode);
    assert!(
        e.message()
            .starts_with("ss7 is not a stack slot of this function"),
        "{e}"
    );
}

#[test]
fn without_unwind_info_slot_offsets_are_an_error_saying_which_setting() {
    let isa = isa(false);
    let (ctx, slots) = compile(&*isa, [None, None]);
    let e = super::slot_cfa_offset(code(&ctx), slots[0]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode);
    assert!(e.message().contains("`unwind_info`"), "{e}");
}

fn context() -> (DebugContext<GimliBackend>, crate::FunctionId, crate::VarId) {
    let backend = GimliBackend::new(GimliOptions::default()).unwrap();
    let mut cx = DebugContext::new(backend, &CompileUnit::new("t.c", "/tmp")).unwrap();
    let file = cx.file("t.c".as_ref()).unwrap();
    let mut types = |_: FrontendTy| Ok(TypeDesc::base("long", 8, BaseEncoding::Signed));
    let long = cx.resolve_type(&mut types, FrontendTy(0)).unwrap();
    let f = cx
        .define_function(&FunctionDesc::new("f", "f_sym", file, 1).returns(long))
        .unwrap();
    let body = cx.function_scope(f).unwrap();
    let v = cx.declare_local(body, "a", long, 2, 1).unwrap();
    (cx, f, v)
}

#[test]
fn a_symbol_other_than_the_linkage_name_is_refused_before_anything_is_defined() {
    let isa = isa(true);
    let (ctx, slots) = compile(&*isa, [None, None]);
    let (mut cx, f, v) = context();
    cx.set_cranelift_cie(&*isa).unwrap();
    let e = cx
        .define_cranelift_function(f, code(&ctx), &*isa, "f", &[(v, slots[0])])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidName);
    assert!(e.message().contains("`f_sym`"), "{e}");
    // Nothing was recorded: the right symbol still works.
    cx.define_cranelift_function(f, code(&ctx), &*isa, "f_sym", &[(v, slots[0])])
        .unwrap();
    cx.finish().unwrap();
}

#[test]
fn without_unwind_info_define_cranelift_function_fails_before_defining_code() {
    let isa_without = isa(false);
    let (ctx, slots) = compile(&*isa_without, [None, None]);
    let (mut cx, f, v) = context();
    cx.set_cranelift_cie(&*isa(true)).unwrap();
    let e = cx
        .define_cranelift_function(f, code(&ctx), &*isa_without, "f_sym", &[(v, slots[0])])
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    assert!(e.message().contains("`unwind_info`"), "{e}");
    // The code was not defined, so a retry with the right ISA succeeds.
    let isa_with = isa(true);
    let (ctx2, slots2) = compile(&*isa_with, [None, None]);
    cx.define_cranelift_function(f, code(&ctx2), &*isa_with, "f_sym", &[(v, slots2[0])])
        .unwrap();
}

/// `fn f(a: i64) -> i64 { a * a }` with `a`'s value labelled 7 and debug
/// info collected.
fn compile_labelled(isa: &dyn TargetIsa) -> Context {
    let mut func =
        Function::with_name_signature(UserFuncName::user(0, 1), Signature::new(CallConv::SystemV));
    func.signature.params.push(AbiParam::new(types::I64));
    func.signature.returns.push(AbiParam::new(types::I64));
    func.collect_debug_info();
    let mut fbc = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut func, &mut fbc);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let a = b.block_params(entry)[0];
    b.set_val_label(a, cranelift_codegen::ir::ValueLabel::from_u32(7));
    let r = b.ins().imul(a, a);
    b.ins().return_(&[r]);
    b.seal_all_blocks();
    b.finalize(isa.frontend_config());
    let mut ctx = Context::for_function(func);
    ctx.compile(isa, &mut Default::default())
        .expect("the test function compiles");
    ctx
}

#[test]
fn value_label_ranges_become_sorted_register_locations() {
    let isa = isa(true);
    let ctx = compile_labelled(&*isa);
    let cc = code(&ctx);
    let label = cranelift_codegen::ir::ValueLabel::from_u32(7);
    let ranges = super::value_label_locations(cc, &*isa, label).unwrap();
    assert!(!ranges.is_empty(), "the labelled parameter has no ranges");
    // The SysV argument register of `a` is rdi, DWARF register 5, where the
    // value is when the body starts.
    assert_eq!(ranges[0].location, crate::ValueLocation::Register(5));
    let size = cc.code_info().total_size as u64;
    let mut prev = 0;
    for r in &ranges {
        assert!(
            r.start >= prev && r.start < r.end && r.end <= size,
            "{ranges:?}"
        );
        prev = r.end;
    }
    // An unknown label has no ranges.
    let none = cranelift_codegen::ir::ValueLabel::from_u32(99);
    assert!(super::value_label_locations(cc, &*isa, none)
        .unwrap()
        .is_empty());
}
