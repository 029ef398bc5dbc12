//! A complete Cranelift frontend with debug info, small enough to read in
//! one go: the program in `SOURCE` (a recursive `struct Node`, a function
//! with parameters and a local in a nested block, a call) compiled with
//! Cranelift into `OUT_DIR/list.o`, then linked with `cc` into
//! `OUT_DIR/list`.
//!
//! ```text
//! cargo run --example cranelift_list --features cranelift -- /tmp/cl
//! gdb -batch -ex 'break list.src:7' -ex run -ex bt -ex 'info locals' /tmp/cl/list
//! ```

use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;

use cranelift_codegen::ir::{types, AbiParam, InstBuilder, MemFlagsData, StackSlot};
use cranelift_codegen::ir::{StackSlotData, StackSlotKind, Type, Value};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{default_libcall_names, FuncId, Linkage, Module};
use cranelift_object::{ObjectBuilder, ObjectModule};
use dwarfsmith::cranelift::{function_symbol, write_into_product};
use dwarfsmith::{
    BaseEncoding, CompileUnit, CompositeDesc, DebugContext, FrontendTy, FunctionDesc, FunctionId,
    GimliBackend, GimliOptions, NominalKey, TypeDesc, VarId,
};

/// The program, line by line (only its lines and names matter here).
pub const SOURCE: &str = "struct Node { value: long, next: *Node }

fn sum(list: *Node, bias: long) -> long {
    let total = bias;
    {
        let doubled = list.value * 2;
        total = total + doubled;
    }
    return total;
}

fn main() -> int {
    let a = Node { value: 20, next: null };
    let b = Node { value: 1, next: &a };
    let r = sum(&b, 5);
    return 0;
}
";

// The frontend's type handles.
const LONG: FrontendTy = FrontendTy(0);
const INT: FrontendTy = FrontendTy(1);
const NODE: FrontendTy = FrontendTy(2);
const NODE_PTR: FrontendTy = FrontendTy(3);

/// Describes the frontend's types on request.
fn describe(t: FrontendTy) -> Result<TypeDesc, String> {
    Ok(match t {
        LONG => TypeDesc::base("long", 8, BaseEncoding::Signed),
        INT => TypeDesc::base("int", 4, BaseEncoding::Signed),
        NODE => TypeDesc::Struct(
            CompositeDesc::new(NominalKey::new(1, 2), "Node", 16, 8)
                .field("value", LONG, 0)
                .field("next", NODE_PTR, 8),
        ),
        NODE_PTR => TypeDesc::pointer(NODE),
        other => return Err(format!("no type {other:?}")),
    })
}

const I64: Type = types::I64;

fn slot(b: &mut FunctionBuilder, size: u32) -> StackSlot {
    b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, size, 3))
}

fn store(b: &mut FunctionBuilder, v: Value, s: StackSlot, offset: i32) {
    b.ins().stack_store(I64, v, s, offset);
}

fn load(b: &mut FunctionBuilder, s: StackSlot) -> Value {
    b.ins().stack_load(I64, I64, s, 0)
}

/// Cranelift compiles the built function `id`; the debug info gets its code
/// rows, its variables' stack slots and its FDE.
fn define(
    module: &mut ObjectModule,
    ctx: &mut Context,
    cx: &mut DebugContext<GimliBackend>,
    (id, f): (FuncId, FunctionId),
    slots: &[(VarId, StackSlot)],
) -> Result<(), Box<dyn Error>> {
    module.define_function(id, ctx)?;
    let code = ctx.compiled_code().ok_or("no compiled code")?;
    let isa = module.isa();
    cx.define_cranelift_function(f, code, isa, &function_symbol(module, id), slots)?;
    module.clear_context(ctx);
    Ok(())
}

/// Compiles `SOURCE` into `out_dir/list.o`, writes `out_dir/list.src` and links
/// `out_dir/list` with `cc`; returns the executable's path.
pub fn build(out_dir: &Path) -> Result<PathBuf, Box<dyn Error>> {
    let mut flags = settings::builder();
    for k in ["is_pic", "preserve_frame_pointers", "unwind_info"] {
        flags.set(k, "true")?;
    }
    let isa = cranelift_codegen::isa::lookup_by_name("x86_64-unknown-linux-gnu")?
        .finish(settings::Flags::new(flags))?;
    let builder = ObjectBuilder::new(isa.clone(), "list", default_libcall_names())?;
    let mut module = ObjectModule::new(builder);

    let backend = GimliBackend::new(GimliOptions::default())?;
    let mut cx = DebugContext::new(backend, &CompileUnit::new("list.src", out_dir))?;
    cx.set_cranelift_cie(&*isa)?;
    let file = cx.file(Path::new("list.src"))?;
    let mut types = describe;
    let long = cx.resolve_type(&mut types, LONG)?;
    let node = cx.resolve_type(&mut types, NODE)?;
    let node_ptr = cx.resolve_type(&mut types, NODE_PTR)?;
    let mut fbc = FunctionBuilderContext::new();

    // fn sum(list: *Node, bias: long) -> long
    let mut ctx = module.make_context();
    ctx.func.signature.params.extend([AbiParam::new(I64); 2]);
    ctx.func.signature.returns.push(AbiParam::new(I64));
    let sum_id = module.declare_function("sum", Linkage::Local, &ctx.func.signature)?;
    let params = [node_ptr, long];
    let desc = FunctionDesc::new("sum", "sum", file, 3)
        .returns(long)
        .params(&params);
    let sum = cx.define_function(&desc)?;
    let body = cx.function_scope(sum)?;
    let mut b = FunctionBuilder::new(&mut ctx.func, &mut fbc);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    cx.enter_function(sum)?;
    // Prologue: parameters spilled to their slots, without a location.
    let list = cx.declare_parameter(sum, "list", 1, node_ptr, 3, 8)?;
    let bias = cx.declare_parameter(sum, "bias", 2, long, 3, 20)?;
    let total = cx.declare_local(body, "total", long, 4, 9)?;
    let block = cx.lexical_block(body, file, 5, 5)?;
    let doubled = cx.declare_local(block, "doubled", long, 6, 13)?;
    let s = [8; 4].map(|size| slot(&mut b, size));
    for (p, sl) in b.block_params(entry).to_vec().into_iter().zip(s) {
        store(&mut b, p, sl, 0);
    }
    cx.start_emitting_source_locations()?;
    cx.set_cranelift_srcloc(&mut b, body, 4, 17)?; // let total = bias;
    let v = load(&mut b, s[1]);
    store(&mut b, v, s[2], 0);
    cx.set_cranelift_srcloc(&mut b, block, 6, 23)?; // let doubled = list.value * 2;
    let p = load(&mut b, s[0]);
    let value = b.ins().load(I64, MemFlagsData::trusted(), p, 0);
    let d = b.ins().imul_imm_s(value, 2);
    store(&mut b, d, s[3], 0);
    cx.set_cranelift_srcloc(&mut b, block, 7, 9)?; // total = total + doubled;
    let (t, d) = (load(&mut b, s[2]), load(&mut b, s[3]));
    let t = b.ins().iadd(t, d);
    store(&mut b, t, s[2], 0);
    cx.set_cranelift_srcloc(&mut b, body, 9, 5)?; // return total;
    let t = load(&mut b, s[2]);
    b.ins().return_(&[t]);
    b.seal_all_blocks();
    b.finalize(isa.frontend_config());
    cx.exit_function()?;
    let slots = [(list, s[0]), (bias, s[1]), (total, s[2]), (doubled, s[3])];
    define(&mut module, &mut ctx, &mut cx, (sum_id, sum), &slots)?;

    // fn main() -> int
    ctx.func.signature.returns.push(AbiParam::new(types::I32));
    let main_id = module.declare_function("main", Linkage::Export, &ctx.func.signature)?;
    let int = cx.resolve_type(&mut types, INT)?;
    let main = cx.define_function(&FunctionDesc::new("main", "main", file, 12).returns(int))?;
    let body = cx.function_scope(main)?;
    let sum_ref = module.declare_func_in_func(sum_id, &mut ctx.func);
    let mut b = FunctionBuilder::new(&mut ctx.func, &mut fbc);
    let entry = b.create_block();
    b.switch_to_block(entry);
    cx.enter_function(main)?;
    let a = cx.declare_local(body, "a", node, 13, 9)?;
    let bv = cx.declare_local(body, "b", node, 14, 9)?;
    let r = cx.declare_local(body, "r", long, 15, 9)?;
    let s = [16, 16, 8].map(|size| slot(&mut b, size));
    cx.start_emitting_source_locations()?;
    cx.set_cranelift_srcloc(&mut b, body, 13, 13)?; // let a = Node { value: 20, next: null };
    for (value, offset) in [(20, 0), (0, 8)] {
        let v = b.ins().iconst(I64, value);
        store(&mut b, v, s[0], offset);
    }
    cx.set_cranelift_srcloc(&mut b, body, 14, 13)?; // let b = Node { value: 1, next: &a };
    let one = b.ins().iconst(I64, 1);
    store(&mut b, one, s[1], 0);
    let pa = b.ins().stack_addr(I64, s[0], 0);
    store(&mut b, pa, s[1], 8);
    cx.set_cranelift_srcloc(&mut b, body, 15, 13)?; // let r = sum(&b, 5);
    let pb = b.ins().stack_addr(I64, s[1], 0);
    let five = b.ins().iconst(I64, 5);
    let call = b.ins().call(sum_ref, &[pb, five]);
    let res = b.inst_results(call)[0];
    store(&mut b, res, s[2], 0);
    cx.set_cranelift_srcloc(&mut b, body, 16, 5)?; // return 0;
    let zero = b.ins().iconst(types::I32, 0);
    b.ins().return_(&[zero]);
    b.seal_all_blocks();
    b.finalize(isa.frontend_config());
    cx.exit_function()?;
    let slots = [(a, s[0]), (bv, s[1]), (r, s[2])];
    define(&mut module, &mut ctx, &mut cx, (main_id, main), &slots)?;

    // The object, the source next to it, and the executable.
    let mut product = module.finish();
    write_into_product(&cx.finish()?, &mut product)?;
    std::fs::write(out_dir.join("list.o"), product.object.write()?)?;
    std::fs::write(out_dir.join("list.src"), SOURCE)?;
    let exe = out_dir.join("list");
    let o = out_dir.join("list.o");
    let status = Command::new("cc").arg(o).arg("-o").arg(&exe).status()?;
    if !status.success() {
        return Err(format!("cc failed: {status}").into());
    }
    Ok(exe)
}

fn main() -> Result<(), Box<dyn Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .ok_or("usage: cranelift_list OUT_DIR")?;
    std::fs::create_dir_all(&dir)?;
    println!("{}", build(Path::new(&dir))?.display());
    Ok(())
}
