//! JIT debug-info registration at scale (BENCHMARKS.md, "JIT
//! registration"): N functions compiled by cranelift-jit, their debug info
//! made by dwarfsmith's gimli backend in batches of B functions (one
//! DwarfObject and one registered image per batch), then the last function
//! called.
//!
//! ```text
//! cargo bench -p toyc --bench jit_registration                 # the table
//! target/release/deps/jit_registration-* --child N B            # one run
//! ```
//!
//! The table, for N = 10,000 and B = 1, 100, 1,000: the process's own
//! cost (image building, and the registration calls with no debugger
//! attached), and the wall time of `gdb -batch` from its start to the
//! breakpoint on the last function (gdb is killed there), against the same
//! child run without a debugger.

use std::process::Command;
use std::time::{Duration, Instant};

use cranelift_codegen::ir::{types, AbiParam, InstBuilder, UserFuncName};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage, Module};
use dwarfsmith::jit::{JitImageBuilder, JitRegistration};
use dwarfsmith::{
    BaseEncoding, CompileUnit, DebugContext, DwarfObject, FrameSection, FrontendTy, FunctionDesc,
    GimliBackend, GimliOptions, TypeDesc,
};

type Error = Box<dyn std::error::Error>;

/// Timings of one child run.
struct Child {
    images: Duration,
    register: Duration,
}

fn child(n: usize, batch: usize) -> Result<Child, Error> {
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
    let mut fbc = FunctionBuilderContext::new();
    let mut units: Vec<(DwarfObject, Vec<(String, FuncId)>)> = Vec::new();
    let mut next = 0;
    while next < n {
        let end = (next + batch).min(n);
        let backend = GimliBackend::new(GimliOptions {
            dwarf_version: 5,
            frame_section: FrameSection::DebugFrame,
        })?;
        let mut cx = DebugContext::new(backend, &CompileUnit::new("bench.src", "/tmp"))?;
        cx.set_cranelift_cie(&*isa)?;
        let file = cx.file("bench.src".as_ref())?;
        let long = cx.resolve_type(
            &mut |_| Ok(TypeDesc::base("long", 8, BaseEncoding::Signed)),
            FrontendTy(0),
        )?;
        let mut ids = Vec::new();
        for i in next..end {
            let name = format!("f{i}");
            let line = u32::try_from(i + 1)?;
            let f = cx.define_function(&FunctionDesc {
                name: &name,
                linkage_name: &name,
                namespace: None,
                file,
                line,
                ret: Some(long),
                params: &[],
                external: true,
                method_of: None,
            })?;
            let body = cx.function_scope(f)?;
            let mut sig = module.make_signature();
            sig.returns.push(AbiParam::new(types::I64));
            let id = module.declare_function(&name, Linkage::Export, &sig)?;
            let mut ctx = module.make_context();
            ctx.func.signature = sig;
            ctx.func.name = UserFuncName::user(0, id.as_u32());
            let mut b = FunctionBuilder::new(&mut ctx.func, &mut fbc);
            let entry = b.create_block();
            b.switch_to_block(entry);
            cx.enter_function(f)?;
            cx.start_emitting_source_locations()?;
            cx.set_cranelift_srcloc(&mut b, body, line, 5)?;
            let v = b.ins().iconst(types::I64, i64::try_from(i)?);
            b.ins().return_(&[v]);
            b.seal_all_blocks();
            b.finalize(isa.frontend_config());
            cx.exit_function()?;
            module.define_function(id, &mut ctx)?;
            let code = ctx.compiled_code().ok_or("no code")?;
            cx.define_cranelift_function(f, code, &*isa, &name, &[])?;
            ids.push((name, id));
        }
        units.push((cx.finish()?, ids));
        next = end;
    }
    module.finalize_definitions()?;
    let t0 = Instant::now();
    let mut images = Vec::with_capacity(units.len());
    for (dwarf, ids) in &units {
        let addrs: Vec<(&str, u64)> = ids
            .iter()
            .map(|(n, id)| (n.as_str(), module.get_finalized_function(*id) as u64))
            .collect();
        images.push(JitImageBuilder::new().add(dwarf, &addrs).build()?);
    }
    let t1 = Instant::now();
    let regs: Vec<JitRegistration> = images
        .into_iter()
        .map(|i| i.register())
        .collect::<Result<_, _>>()?;
    let t2 = Instant::now();
    let last = units
        .last()
        .and_then(|u| u.1.last())
        .map(|(_, id)| module.get_finalized_function(*id))
        .ok_or("no function")?;
    // SAFETY: `last` is the finalized code of a `fn() -> i64` compiled
    // above with the default calling convention; `module` owns it.
    let f: extern "C" fn() -> i64 = unsafe { std::mem::transmute(last) };
    let r = f();
    if r != i64::try_from(n - 1)? {
        return Err(format!("the last function returned {r}").into());
    }
    drop(regs);
    Ok(Child {
        images: t1 - t0,
        register: t2 - t1,
    })
}

/// Wall time of `gdb -batch` from its start to the stop at `f{n-1}`.
fn gdb_to_breakpoint(n: usize, batch: usize) -> Result<Duration, Error> {
    let me = std::env::current_exe()?;
    let t0 = Instant::now();
    let o = Command::new("gdb")
        .args(["-nx", "-batch", "-ex", "set breakpoint pending on"])
        .args([
            "-ex",
            &format!("break f{}", n - 1),
            "-ex",
            "run",
            "-ex",
            "kill",
        ])
        .arg("--args")
        .arg(me)
        .args(["--child", &n.to_string(), &batch.to_string()])
        .output()?;
    let t = t0.elapsed();
    let out = String::from_utf8_lossy(&o.stdout);
    if !out.contains(&format!("Breakpoint 1, f{} ()", n - 1)) {
        return Err(format!("gdb did not stop at f{}:\n{out}", n - 1).into());
    }
    Ok(t)
}

/// Wall time of the child alone (compile, images, registration, call).
fn child_alone(n: usize, batch: usize) -> Result<Duration, Error> {
    let t0 = Instant::now();
    let s = Command::new(std::env::current_exe()?)
        .args(["--child", &n.to_string(), &batch.to_string()])
        .stdout(std::process::Stdio::null())
        .status()?;
    if !s.success() {
        return Err(format!("the child failed: {s}").into());
    }
    Ok(t0.elapsed())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let n: usize = args.get(i + 1).ok_or("N")?.parse()?;
        let b: usize = args.get(i + 2).ok_or("B")?.parse()?;
        let c = child(n, b)?;
        println!("images {} register {}", ms(c.images), ms(c.register));
        return Ok(());
    }
    if args.iter().any(|a| a == "--list") {
        return Ok(()); // `cargo bench -- --list`: no criterion tests here
    }
    if !args.iter().any(|a| a == "--bench") {
        // `cargo test --all-targets` runs bench binaries without `--bench`:
        // a quick check that the workload runs, not the measurement.
        let c = child(100, 10)?;
        println!(
            "smoke: 100 functions in 10 images built in {}",
            ms(c.images)
        );
        return Ok(());
    }
    let n = 10_000;
    println!("| functions per image | images | build images | register (no debugger) | child alone | gdb start to breakpoint |");
    println!("|---|---|---|---|---|---|");
    for batch in [1_000, 100, 1] {
        let c = child(n, batch)?;
        let alone = child_alone(n, batch)?;
        let gdb = gdb_to_breakpoint(n, batch)?;
        println!(
            "| {batch} | {} | {} | {} | {} | {} |",
            n.div_ceil(batch),
            ms(c.images),
            ms(c.register),
            ms(alone),
            ms(gdb)
        );
    }
    Ok(())
}
