//! The README's "With Cranelift" steps, written from the README alone (its
//! calls in its order, nothing from the example): a `main` with a local,
//! compiled with Cranelift, linked with `cc`, checked with
//! `llvm-dwarfdump-19 --verify`, run, and looked at in gdb and lldb-19.

#![cfg(feature = "cranelift")]

use std::path::Path;
use std::process::Command;

use cranelift_codegen::ir::{types, AbiParam, InstBuilder, StackSlotData, StackSlotKind};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{default_libcall_names, Linkage, Module};
use cranelift_object::{ObjectBuilder, ObjectModule};
use dwarfsmith::cranelift::{function_symbol, write_into_product};
use dwarfsmith::*;

type R<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// `prog.src`: `fn main() -> int {` / `let x = 40;` / `return x + 2;` / `}`
fn build(dir: &Path) -> R<()> {
    let mut flags = settings::builder();
    flags.set("unwind_info", "true")?;
    flags.set("preserve_frame_pointers", "true")?;
    flags.set("is_pic", "true")?;
    let isa = cranelift_codegen::isa::lookup_by_name("x86_64-unknown-linux-gnu")?
        .finish(settings::Flags::new(flags))?;
    let mut module = ObjectModule::new(ObjectBuilder::new(
        isa.clone(),
        "prog",
        default_libcall_names(),
    )?);

    let backend = GimliBackend::new(GimliOptions::default())?;
    let mut cx = DebugContext::new(backend, &CompileUnit::new("prog.src", dir))?;
    cx.set_cranelift_cie(&*isa)?;
    let file = cx.file(Path::new("prog.src"))?;
    let mut types = |t: FrontendTy| {
        Ok(match t.0 {
            0 => TypeDesc::base("int", 4, BaseEncoding::Signed),
            _ => TypeDesc::base("long", 8, BaseEncoding::Signed),
        })
    };
    let int = cx.resolve_type(&mut types, FrontendTy(0))?;
    let long = cx.resolve_type(&mut types, FrontendTy(1))?;

    let mut sig = module.make_signature();
    sig.returns.push(AbiParam::new(types::I32));
    let id = module.declare_function("main", Linkage::Export, &sig)?;
    let f = cx.define_function(&FunctionDesc::new("main", "main", file, 1).returns(int))?;
    let body = cx.function_scope(f)?;
    let mut ctx = module.make_context();
    ctx.func.signature = sig;
    let mut fbc = FunctionBuilderContext::new();
    let mut builder = FunctionBuilder::new(&mut ctx.func, &mut fbc);
    let entry = builder.create_block();
    builder.switch_to_block(entry);
    cx.enter_function(f)?;
    let x = cx.declare_local(body, "x", long, 2, 9)?;
    let slot =
        builder.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3));
    cx.start_emitting_source_locations()?;
    cx.set_cranelift_srcloc(&mut builder, body, 2, 13)?;
    let forty = builder.ins().iconst(types::I64, 40);
    builder.ins().stack_store(types::I64, forty, slot, 0);
    cx.set_cranelift_srcloc(&mut builder, body, 3, 5)?;
    let v = builder.ins().stack_load(types::I64, types::I64, slot, 0);
    let v = builder.ins().iadd_imm_s(v, 2);
    let v = builder.ins().ireduce(types::I32, v);
    builder.ins().return_(&[v]);
    builder.seal_all_blocks();
    builder.finalize(isa.frontend_config());
    cx.exit_function()?;
    module.define_function(id, &mut ctx)?;
    let code = ctx.compiled_code().ok_or("no compiled code")?;
    cx.define_cranelift_function(f, code, &*isa, &function_symbol(&module, id), &[(x, slot)])?;

    let mut product = module.finish();
    write_into_product(&cx.finish()?, &mut product)?;
    std::fs::write(dir.join("prog.o"), product.object.write()?)?;
    std::fs::write(
        dir.join("prog.src"),
        "fn main() -> int {\n    let x = 40;\n    return x + 2;\n}\n",
    )?;
    let st = Command::new("cc")
        .arg(dir.join("prog.o"))
        .arg("-o")
        .arg(dir.join("prog"))
        .status()?;
    if !st.success() {
        return Err(format!("cc: {st}").into());
    }
    Ok(())
}

fn output(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .expect("run a checking tool (gdb lldb-19 llvm-19-tools)");
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
fn readme_cranelift_steps_give_a_debuggable_program() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cranelift_readme");
    std::fs::create_dir_all(&dir).unwrap();
    build(&dir).unwrap();
    let verify = output(
        Command::new("llvm-dwarfdump-19")
            .arg("--verify")
            .arg(dir.join("prog.o")),
    );
    assert!(verify.contains("No errors."), "{verify}");
    let status = Command::new(dir.join("prog")).status().unwrap();
    assert_eq!(status.code(), Some(42));

    let gdb = output(
        Command::new("timeout")
            .args([
                "60",
                "gdb",
                "-batch",
                "-nx",
                "-ex",
                "break prog.src:3",
                "-ex",
                "run",
            ])
            .args(["-ex", "bt", "-ex", "info locals"])
            .arg(dir.join("prog")),
    );
    for want in [
        "Breakpoint 1, main () at prog.src:3",
        "#0  main () at prog.src:3",
        "x = 40",
    ] {
        assert!(gdb.contains(want), "gdb: `{want}` missing in:\n{gdb}");
    }
    let lldb = output(
        Command::new("timeout")
            .args(["60", "lldb-19", "-b", "--no-lldbinit"])
            .args(["-o", "breakpoint set --file prog.src --line 3", "-o", "run"])
            .args(["-o", "frame variable"])
            .arg(dir.join("prog")),
    );
    for want in ["prog`main at prog.src:3", "(long) x = 40"] {
        assert!(lldb.contains(want), "lldb: `{want}` missing in:\n{lldb}");
    }
}
