//! `reemit IN_ELF -o OUT.o [--backend gimli|llvm] [--dwarf 4|5]`: reads
//! every type DIE of an ELF file's DWARF, describes each through
//! dwarfsmith's `TypeSource`, re-emits them with a global of each named
//! type into a relocatable object, and prints what could not be expressed,
//! counted by reason. Exit status: 0 when nothing was refused, 1 when
//! something was, 2 when the input could not be read or the output written.

mod composite;
mod describe;
mod dies;
mod emit;
mod list;
#[cfg(any(feature = "llvm19", feature = "llvm22"))]
mod llvm;
mod methods;
mod poison;
mod source;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, ValueEnum};
use dwarfsmith::{DebugContext, DwarfObject, GimliBackend, GimliOptions};
use object::write::{Symbol, SymbolSection};
use object::{SymbolFlags, SymbolKind, SymbolScope};

use emit::Summary;

/// Which backend writes the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BackendChoice {
    /// gimli::write (pure Rust).
    Gimli,
    /// LLVM's DIBuilder (needs the llvm19 or llvm22 feature).
    Llvm,
}

/// Command line.
#[derive(Debug, Parser)]
#[command(about = "Re-emit an ELF file's DWARF types through dwarfsmith")]
struct Cli {
    /// The ELF file to read (an executable or shared library).
    input: PathBuf,
    /// The relocatable object to write.
    #[arg(short = 'o')]
    output: PathBuf,
    /// The backend.
    #[arg(long, value_enum, default_value = "gimli")]
    backend: BackendChoice,
    /// The DWARF version written.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(4..=5))]
    dwarf: u16,
    /// Also write the input's named types to this file, one per line, as
    /// a debugger looks them up.
    #[arg(long)]
    list: Option<PathBuf>,
    /// Print every refusal's full message to stderr.
    #[arg(long, short = 'v')]
    verbose: bool,
}

/// A relocatable object with `dwarf` and a zeroed data symbol per global.
fn gimli_object(dwarf: &DwarfObject, globals: &[(String, u64)]) -> Result<Vec<u8>, String> {
    let mut obj = DwarfObject::new_elf_object();
    let data = obj.section_id(object::write::StandardSection::Data);
    for (name, size) in globals {
        let len = usize::try_from(*size).map_err(|_| format!("global {name} too large"))?;
        let off = obj.append_section_data(data, &vec![0; len], 16);
        obj.add_symbol(Symbol {
            name: name.as_bytes().to_vec(),
            value: off,
            size: *size,
            kind: SymbolKind::Data,
            scope: SymbolScope::Linkage,
            weak: false,
            section: SymbolSection::Section(data),
            flags: SymbolFlags::None,
        });
    }
    dwarf.write_into(&mut obj).map_err(|e| e.to_string())?;
    obj.write().map_err(|e| e.to_string())
}

fn run_gimli(dies: &dies::Dies, version: u16, verbose: bool) -> (Result<Vec<u8>, String>, Summary) {
    let opts = GimliOptions {
        dwarf_version: version,
        ..GimliOptions::default()
    };
    let (dwarf, sum) = emit::reemit(
        dies,
        (verbose, true),
        &mut |cu| DebugContext::new(GimliBackend::new(opts)?, cu),
        &mut |_, _, _| Ok(()),
    );
    match dwarf {
        Ok(dwarf) => match gimli_object(&dwarf, &sum.globals) {
            Ok(bytes) => (Ok(bytes), sum),
            Err(e) => (Err(e), sum),
        },
        Err(e) => (Err(format!("re-emission failed: {e}")), sum),
    }
}

#[cfg(any(feature = "llvm19", feature = "llvm22"))]
fn run_llvm(dies: &dies::Dies, version: u16, verbose: bool) -> (Result<Vec<u8>, String>, Summary) {
    llvm::run(dies, version, verbose)
}

#[cfg(not(any(feature = "llvm19", feature = "llvm22")))]
fn run_llvm(_: &dies::Dies, _: u16, _: bool) -> (Result<Vec<u8>, String>, Summary) {
    let e = "this reemit was built without LLVM: rebuild with --features llvm19 or llvm22";
    (Err(e.into()), Summary::default())
}

fn print(sum: &Summary, secs: f64) {
    println!("DIEs read:            {}", sum.dies);
    println!("type DIEs:            {}", sum.type_dies);
    println!("types described:      {}", sum.described);
    println!("named types emitted:  {}", sum.emitted);
    println!("passes:               {}", sum.passes);
    println!("skipped (refer to a refused type): {}", sum.skipped);
    println!(
        "not re-emitted (units of another language than the output unit's): {}",
        sum.other_language
    );
    println!(
        "throughput:           {:.0} DIEs/s ({secs:.3} s)",
        sum.dies as f64 / secs.max(1e-9)
    );
    println!("refused, by reason:   {}", sum.errors.values().sum::<u64>());
    for (r, n) in &sum.errors {
        println!("  {n:>7}  {r}");
    }
    println!(
        "not expressed (parts of accepted types), by reason: {}",
        sum.dropped.values().sum::<u64>()
    );
    for (r, n) in &sum.dropped {
        println!("  {n:>7}  {r}");
    }
    for s in &sum.samples {
        println!("example: {s}");
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let start = Instant::now();
    let data = match std::fs::read(&cli.input) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("reemit: cannot read {}: {e}", cli.input.display());
            return ExitCode::from(2);
        }
    };
    let dies = match dies::load(&data) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("reemit: {}: {e}", cli.input.display());
            return ExitCode::from(2);
        }
    };
    if let Some(path) = &cli.list {
        let mut text = list::named_types(&dies).join("\n");
        text.push('\n');
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("reemit: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    let result = match cli.backend {
        BackendChoice::Gimli => run_gimli(&dies, cli.dwarf, cli.verbose),
        BackendChoice::Llvm => run_llvm(&dies, cli.dwarf, cli.verbose),
    };
    let (result, sum) = result;
    let bytes = match result {
        Ok(r) => r,
        Err(e) => {
            print(&sum, start.elapsed().as_secs_f64());
            eprintln!("reemit: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::write(&cli.output, bytes) {
        eprintln!("reemit: cannot write {}: {e}", cli.output.display());
        return ExitCode::from(2);
    }
    print(&sum, start.elapsed().as_secs_f64());
    if sum.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
