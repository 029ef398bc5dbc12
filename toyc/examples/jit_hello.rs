//! A Cranelift JIT with source-level debugging: `answer() -> i64` is
//! compiled in memory by cranelift-jit, its debug info (line rows, CFI) made
//! by dwarfsmith's gimli backend and registered with gdb and lldb through
//! `dwarfsmith::jit`, then called.
//!
//! ```text
//! cargo run -p toyc --example jit_hello            # prints: answer() = 42
//! gdb -batch -ex 'set breakpoint pending on' -ex 'break answer' -ex run \
//!     -ex bt target/debug/examples/jit_hello       # stops in answer.src:2
//! ```
//!
//! The source the debug info names, `answer.src`, is written to
//! `$TMPDIR/dwarfsmith-jit-hello/` so the debugger can list it.

use cranelift_codegen::ir::{types, AbiParam, InstBuilder, UserFuncName};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module};
use dwarfsmith::jit::{JitImage, JitImageBuilder};
use dwarfsmith::{
    CompileUnit, DebugContext, FrameSection, FunctionDesc, GimliBackend, GimliOptions,
};

type Error = Box<dyn std::error::Error>;

/// Compiles `answer`, registers its debug info, calls it; returns its
/// result and the image that was registered.
pub fn run() -> Result<(i64, JitImage), Error> {
    // 1. A Cranelift ISA as cranelift-jit needs it (not PIC), with the
    //    unwind info and frame pointers the CFI is made from.
    let mut flags = settings::builder();
    flags.set("is_pic", "false")?;
    flags.set("unwind_info", "true")?;
    flags.set("preserve_frame_pointers", "true")?;
    let isa = cranelift_codegen::isa::lookup_by_name("x86_64-unknown-linux-gnu")?
        .finish(settings::Flags::new(flags))?;
    let mut module = JITModule::new(JITBuilder::with_isa(
        isa.clone(),
        cranelift_module::default_libcall_names(),
    ));

    // 2. The debug info: gimli backend, CFI in .debug_frame (a JIT image
    //    has no place for .eh_frame's pc-relative addresses).
    let backend = GimliBackend::new(GimliOptions {
        dwarf_version: 5,
        frame_section: FrameSection::DebugFrame,
    })?;
    let dir = std::env::temp_dir().join("dwarfsmith-jit-hello");
    std::fs::create_dir_all(&dir)?;
    let mut cx = DebugContext::new(backend, &CompileUnit::new("answer.src", dir.clone()))?;
    cx.set_cranelift_cie(&*isa)?;
    if !dir.join("answer.src").exists() {
        std::fs::write(
            dir.join("answer.src"),
            "fn answer() -> i64 {\n    return 42;\n}\n",
        )?;
    }
    let file = cx.file("answer.src".as_ref())?;
    let long = cx.resolve_type(
        &mut |_| {
            Ok(dwarfsmith::TypeDesc::base(
                "long",
                8,
                dwarfsmith::BaseEncoding::Signed,
            ))
        },
        dwarfsmith::FrontendTy(0),
    )?;
    let f = cx.define_function(&FunctionDesc {
        name: "answer",
        linkage_name: "answer",
        namespace: None,
        file,
        line: 1,
        ret: Some(long),
        params: &[],
        external: true,
        method_of: None,
    })?;
    let body = cx.function_scope(f)?;

    // 3. The function, with a source location on its instructions.
    let mut sig = module.make_signature();
    sig.returns.push(AbiParam::new(types::I64));
    let id = module.declare_function("answer", Linkage::Export, &sig)?;
    let mut ctx = module.make_context();
    ctx.func.signature = sig;
    ctx.func.name = UserFuncName::user(0, id.as_u32());
    let mut fbc = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut ctx.func, &mut fbc);
    let entry = b.create_block();
    b.switch_to_block(entry);
    cx.enter_function(f)?;
    cx.start_emitting_source_locations()?;
    cx.set_cranelift_srcloc(&mut b, body, 2, 5)?;
    let v = b.ins().iconst(types::I64, 42);
    b.ins().return_(&[v]);
    b.seal_all_blocks();
    b.finalize(isa.frontend_config());
    cx.exit_function()?;
    module.define_function(id, &mut ctx)?;
    let code = ctx.compiled_code().ok_or("no compiled code")?;
    cx.define_cranelift_function(f, code, &*isa, "answer", &[])?;
    module.finalize_definitions()?;
    let address = module.get_finalized_function(id);

    // 4. The image: debug info + the address the JIT gave each symbol.
    let dwarf = cx.finish()?;
    let image = JitImageBuilder::new()
        .add(&dwarf, &[("answer", address as u64)])
        .build()?;
    let registration = image.clone().register()?;

    // SAFETY: `address` is the finalized code of `answer`, compiled with
    // the default calling convention as `fn() -> i64`; `module` owns it
    // and outlives the call.
    let answer: extern "C" fn() -> i64 = unsafe { std::mem::transmute(address) };
    let result = answer();
    // 5. Unregister before the code goes away.
    drop(registration);
    Ok((result, image))
}

#[allow(dead_code)] // also compiled into toyc's tests, which call `run`
fn main() -> Result<(), Error> {
    let (result, _) = run()?;
    println!("answer() = {result}");
    Ok(())
}
