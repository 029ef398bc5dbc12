//! Debug info for JIT code (cargo feature `jit`): the gimli backend's
//! output, with the addresses a JIT gave each function and global, becomes
//! an in-memory ELF image that gdb and lldb read through the GDB JIT
//! interface.
//!
//! * [`JitImageBuilder`] takes one or more finished [`DwarfObject`]s
//!   (built with [`FrameSection::DebugFrame`](crate::FrameSection)) and the
//!   final address of every symbol they name, checks them, and builds a
//!   [`JitImage`]: every relocation applied, `.text` as `SHT_NOBITS`
//!   sections at the code's real addresses, a symbol table, the debug
//!   sections and `.debug_frame` (so debuggers unwind through JIT frames).
//! * [`JitImage::register`] hands it to the debuggers; the returned
//!   [`JitRegistration`] unregisters it when dropped.
//! * [`PerfMap`] writes `/tmp/perf-PID.map` so `perf report` names JIT code.
//!
//! Batching: a debugger re-reads its list of JIT images as they come and go,
//! and per image it pays a fixed cost (an object file to open, a symbol
//! table, section tables); put every function of one compilation batch into
//! one image (one `DwarfObject` with many functions, or several objects in
//! one builder). BENCHMARKS.md has the measurements.
//!
//! ```no_run
//! # fn demo(dwarf: &dwarfsmith::DwarfObject, answer_addr: u64) -> dwarfsmith::Result<()> {
//! use dwarfsmith::jit::JitImageBuilder;
//! let mut builder = JitImageBuilder::new();
//! builder.add(dwarf, &[("answer", answer_addr)]);
//! let registration = builder.build()?.register()?;
//! // ... run the JIT code; gdb and lldb see `answer` ...
//! drop(registration); // the debuggers forget it
//! # Ok(())
//! # }
//! ```

// `deny`, not `forbid`: gdb_interface.rs, the one file with `unsafe`,
// allows it; every other file of the module forbids it.
#![deny(unsafe_code)]

mod elf;
mod gdb_interface;
mod image;
mod perf_map;

pub use perf_map::PerfMap;

use crate::backend::gimli::DwarfObject;
use crate::error::Result;

/// The highest address (exclusive) a JIT symbol may have: the end of the
/// x86-64 user address space with 5-level paging.
pub const MAX_ADDRESS: u64 = 1 << 56;

/// One function with code in a [`JitImage`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JitFunction {
    /// Its symbol (the `FunctionDesc` linkage name).
    pub name: String,
    /// Its first byte's address.
    pub address: u64,
    /// Its code size in bytes (as the debug info gives it).
    pub size: u64,
}

/// Collects finished debug info and the JIT's addresses for one image.
#[derive(Default)]
pub struct JitImageBuilder<'a> {
    units: Vec<image::Unit<'a>>,
}

impl<'a> JitImageBuilder<'a> {
    /// An empty builder.
    pub fn new() -> Self {
        JitImageBuilder::default()
    }

    /// Adds one compile unit's debug info and the final address of every
    /// symbol it names ([`DwarfObject::symbols`]: functions and globals).
    /// Addresses of other symbols are ignored. Nothing is checked until
    /// [`build`](Self::build).
    pub fn add(&mut self, dwarf: &'a DwarfObject, addresses: &[(&str, u64)]) -> &mut Self {
        let addrs = addresses
            .iter()
            .map(|&(n, a)| (n.to_string(), a, 0))
            .collect();
        self.units.push((dwarf, addrs));
        self
    }

    /// As [`add`](Self::add), with each symbol's size in bytes: the sizes
    /// of globals go into the symbol table (so gdb prints `<name>` after a
    /// pointer into them); functions keep the code size of the debug info.
    pub fn add_sized(&mut self, dwarf: &'a DwarfObject, symbols: &[(&str, u64, u64)]) -> &mut Self {
        let addrs = symbols
            .iter()
            .map(|&(n, a, s)| (n.to_string(), a, s))
            .collect();
        self.units.push((dwarf, addrs));
        self
    }

    /// Checks everything and builds the image. Errors (nothing is built
    /// then): no unit was added; a symbol of the debug info has no address
    /// or two different ones; an address is 0 or a function reaches
    /// [`MAX_ADDRESS`]; two functions' code overlaps; a unit was built with
    /// `.eh_frame` (its pc-relative addresses need a section address within
    /// ±2 GiB of the code: use `FrameSection::DebugFrame`); a relocation
    /// cannot be applied.
    pub fn build(&self) -> Result<JitImage> {
        image::build(&self.units)
    }
}

/// An in-memory ELF image of debug info for JIT code, ready to register.
#[derive(Debug, Clone)]
pub struct JitImage {
    bytes: Vec<u8>,
    functions: Vec<JitFunction>,
}

impl JitImage {
    /// The ELF file (write it out to inspect it with `llvm-dwarfdump`).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Its functions, by address.
    pub fn functions(&self) -> &[JitFunction] {
        &self.functions
    }

    /// Registers the image with debuggers attached now or later (the GDB
    /// JIT interface: gdb, and lldb with `settings set
    /// plugin.jit-loader.gdb.enable on`). Dropping the result unregisters
    /// it.
    pub fn register(self) -> Result<JitRegistration> {
        let entry = gdb_interface::Registered::new(self.bytes.into_boxed_slice())?;
        Ok(JitRegistration {
            entry,
            functions: self.functions,
        })
    }
}

/// For a process that also runs another JIT which registers through the
/// GDB JIT interface on its own (LLVM's ORC with its GDB registration
/// listener, from a shared libLLVM): when this crate's exported
/// `__jit_debug_descriptor` interposes the other library's, the other JIT
/// links its entries into this list but calls its own
/// `__jit_debug_register_code`, which gdb follows and lldb does not. This
/// announces every entry not registered through this module (and not
/// announced before) through this module's function; returns how many.
/// Call it after the other JIT registered, while it is not registering
/// (its changes to the list are not under this module's lock).
pub fn announce_foreign_registrations() -> usize {
    gdb_interface::announce_foreign_entries()
}

/// A registered [`JitImage`]; dropping it unregisters the image (the
/// debuggers forget its functions). Unregister before freeing the code.
pub struct JitRegistration {
    entry: gdb_interface::Registered,
    functions: Vec<JitFunction>,
}

impl JitRegistration {
    /// The registered functions, by address.
    pub fn functions(&self) -> &[JitFunction] {
        &self.functions
    }

    /// The registered ELF image.
    pub fn bytes(&self) -> &[u8] {
        self.entry.bytes()
    }
}

impl std::fmt::Debug for JitRegistration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JitRegistration")
            .field("functions", &self.functions)
            .finish_non_exhaustive()
    }
}
