//! toyc: compiles a Toy program (the language is described in toyc's
//! README.md) to a native x86-64 Linux executable with Cranelift (or, with
//! the `llvm` feature, LLVM), all debug info through dwarfsmith.
//!
//! ```text
//! toyc build FILE.toy -o OUT [--backend gimli|llvm] [--dwarf 4|5] [--no-debug] [-O]
//! toyc run   FILE.toy [--backend gimli|llvm] [--dwarf 4|5] [-O]
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use toyc::codegen::{self, Backend, Options};
use toyc::{front, link, run as jit};

#[derive(Parser)]
#[command(
    name = "toyc",
    version,
    about = "The Toy compiler (dwarfsmith's reference frontend)"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BackendArg {
    /// Cranelift codegen, gimli DWARF.
    Gimli,
    /// LLVM codegen and DIBuilder (cargo feature `llvm`).
    Llvm,
}

#[derive(Subcommand)]
enum Cmd {
    /// Compile and link one Toy file into an executable.
    Build {
        /// The Toy source file.
        file: PathBuf,
        /// The executable to write.
        #[arg(short = 'o', value_name = "OUT")]
        out: PathBuf,
        /// Code generator and debug-info backend.
        #[arg(long, value_enum, default_value = "gimli")]
        backend: BackendArg,
        /// DWARF version.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(4..=5))]
        dwarf: u16,
        /// Emit no debug info.
        #[arg(long)]
        no_debug: bool,
        /// Optimize: Cranelift `opt_level=speed` (`--backend gimli`) or
        /// LLVM's `-O2` pipeline (`--backend llvm`), with debug info for
        /// optimized code.
        #[arg(short = 'O')]
        optimize: bool,
        /// Also write the relocatable object (before linking) to this path.
        #[arg(long, value_name = "OBJ")]
        save_object: Option<PathBuf>,
    },
    /// Compile one Toy file in memory (with debug info registered for
    /// gdb and lldb) and run its `main`; exits with `main`'s result.
    Run {
        /// The Toy source file.
        file: PathBuf,
        /// Code generator and debug-info backend.
        #[arg(long, value_enum, default_value = "gimli")]
        backend: BackendArg,
        /// DWARF version.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(4..=5))]
        dwarf: u16,
        /// Optimize: Cranelift `opt_level=speed` (`--backend gimli`) or
        /// LLVM's `-O2` pipeline (`--backend llvm`), with debug info for
        /// optimized code.
        #[arg(short = 'O')]
        optimize: bool,
        /// Append the JIT functions to /tmp/perf-PID.map (also with
        /// TOYC_PERF_MAP=1 in the environment).
        #[arg(long)]
        perf_map: bool,
        /// Also write the registered in-memory ELF image to this path.
        #[arg(long, value_name = "ELF")]
        save_image: Option<PathBuf>,
    },
    /// Internal (`run --backend llvm`): compile one Toy file into a
    /// relocatable object with debug info, without linking.
    #[command(hide = true)]
    Object {
        /// The Toy source file.
        file: PathBuf,
        /// The object to write.
        #[arg(short = 'o', value_name = "OUT")]
        out: PathBuf,
        /// Code generator and debug-info backend.
        #[arg(long, value_enum, default_value = "gimli")]
        backend: BackendArg,
        /// DWARF version.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(4..=5))]
        dwarf: u16,
        /// Optimize: Cranelift `opt_level=speed` (`--backend gimli`) or
        /// LLVM's `-O2` pipeline (`--backend llvm`), with debug info for
        /// optimized code.
        #[arg(short = 'O')]
        optimize: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    std::panic::set_hook(Box::new(|info| {
        eprintln!("toyc: internal compiler error: {info}");
    }));
    if matches!(cli.cmd, Cmd::Run { .. }) {
        // `run` stays on the main thread (see jit::raise_stack_limit).
        let big_stack = jit::raise_stack_limit(128 << 20);
        ON_THIS_THREAD.store(big_stack, std::sync::atomic::Ordering::Relaxed);
        let cmd = cli.cmd;
        return ExitCode::from(std::panic::catch_unwind(move || run(cmd)).unwrap_or(1));
    }
    // Deeply nested programs recurse deeply: run on a big stack.
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || run(cli.cmd));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => ExitCode::from(code),
        _ => ExitCode::from(1),
    }
}

/// Runs one command; returns the exit code.
fn run(cmd: Cmd) -> u8 {
    let (file, out, backend, opts, save_object) = match cmd {
        Cmd::Build {
            file,
            out,
            backend,
            dwarf,
            no_debug,
            optimize,
            save_object,
        } => {
            let opts = Options {
                debug: !no_debug,
                dwarf_version: dwarf,
                optimize,
            };
            (file, out, backend, opts, save_object)
        }
        Cmd::Run {
            file,
            backend,
            dwarf,
            optimize,
            perf_map,
            save_image,
        } => {
            let opts = jit::RunOptions {
                dwarf_version: dwarf,
                optimize,
                perf_map: perf_map || std::env::var_os("TOYC_PERF_MAP").is_some_and(|v| v == "1"),
                save_image,
            };
            return run_in_memory(&file, backend, &opts);
        }
        Cmd::Object {
            file,
            out,
            backend,
            dwarf,
            optimize,
        } => {
            let opts = Options {
                debug: true,
                dwarf_version: dwarf,
                optimize,
            };
            return object_only(&file, &out, backend, &opts);
        }
    };
    build(file, out, backend, &opts, save_object)
}

/// Whether the front end runs on the calling thread (`toyc run` with a
/// main-thread stack limit raised far enough) rather than on a thread of
/// its own.
static ON_THIS_THREAD: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Reads and checks `file`; prints the diagnostic on failure.
fn front_end(file: &std::path::Path) -> Option<toyc::front::hir::Program> {
    let src = match std::fs::read(file) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}: error: cannot read the file: {e}", file.display());
            return None;
        }
    };
    let checked = if ON_THIS_THREAD.load(std::sync::atomic::Ordering::Relaxed) {
        front::compile_front_on_this_thread(file, &src)
    } else {
        front::compile_front(file, &src)
    };
    match checked {
        Ok(p) => Some(p),
        Err(d) => {
            eprintln!("{d}");
            None
        }
    }
}

/// `toyc run`: the exit code is `main`'s result (its low 8 bits).
fn run_in_memory(file: &std::path::Path, backend: BackendArg, opts: &jit::RunOptions) -> u8 {
    if backend == BackendArg::Llvm && !cfg!(any(feature = "llvm19", feature = "llvm22")) {
        eprintln!("error: the llvm backend needs the `llvm` cargo feature");
        return 1;
    }
    let Some(prog) = front_end(file) else {
        return 1;
    };
    let result = match backend {
        BackendArg::Gimli => jit::run(&prog, file, opts),
        #[cfg(any(feature = "llvm19", feature = "llvm22"))]
        BackendArg::Llvm => toyc::run_llvm::run(&prog, file, opts),
        #[cfg(not(any(feature = "llvm19", feature = "llvm22")))]
        BackendArg::Llvm => Err("the llvm backend needs the `llvm` cargo feature".into()),
    };
    match result {
        Ok(code) => code as u8,
        Err(e) => {
            eprintln!("{}: error: {e}", file.display());
            1
        }
    }
}

/// `toyc object`: the relocatable object alone.
fn object_only(
    file: &std::path::Path,
    out: &std::path::Path,
    backend: BackendArg,
    opts: &Options,
) -> u8 {
    let Some(prog) = front_end(file) else {
        return 1;
    };
    let backend = match backend {
        BackendArg::Gimli => Backend::Gimli,
        BackendArg::Llvm => Backend::Llvm,
    };
    let written = codegen::compile(backend, &prog, file, opts).and_then(|o| {
        std::fs::write(out, o).map_err(|e| format!("cannot write {}: {e}", out.display()))
    });
    match written {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{}: error: {e}", file.display());
            1
        }
    }
}

fn build(
    file: PathBuf,
    out: PathBuf,
    backend: BackendArg,
    opts: &Options,
    save_object: Option<PathBuf>,
) -> u8 {
    if backend == BackendArg::Llvm && !cfg!(any(feature = "llvm19", feature = "llvm22")) {
        eprintln!("error: the llvm backend needs the `llvm` cargo feature");
        return 1;
    }
    if let (Ok(a), Ok(b)) = (std::fs::canonicalize(&file), std::fs::canonicalize(&out)) {
        if a == b {
            eprintln!(
                "{}: error: the output file is the source file; choose another -o",
                file.display()
            );
            return 1;
        }
    }
    let Some(prog) = front_end(&file) else {
        return 1;
    };
    let backend = match backend {
        BackendArg::Gimli => Backend::Gimli,
        BackendArg::Llvm => Backend::Llvm,
    };
    let object = match codegen::compile(backend, &prog, &file, opts) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{}: error: {e}", file.display());
            return 1;
        }
    };
    if let Some(p) = save_object {
        if let Err(e) = std::fs::write(&p, &object) {
            eprintln!("{}: error: cannot write the object: {e}", p.display());
            return 1;
        }
    }
    match link::link(&object, &out) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
