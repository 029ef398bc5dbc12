//! The JIT image builder (feature `jit`): what a built image holds, read
//! back by independent consumers (llvm-dwarfdump-19 --verify, object,
//! gimli), and misuse cases 54-59: each bad input is a typed error from
//! `build`, before any image exists, so nothing can be half-registered.
#![cfg(feature = "jit")]

mod common;

use common::*;
use dwarfsmith::jit::{JitImageBuilder, MAX_ADDRESS};
use dwarfsmith::{DwarfObject, ErrorKind, FrameSection, GimliBackend, GimliOptions};
use gimli::write::{CallFrameInstruction, CommonInformationEntry, FrameDescriptionEntry};
use gimli::UnwindSection as _;
use object::{Object as _, ObjectSection as _, ObjectSymbol as _};

fn cie() -> CommonInformationEntry {
    let encoding = gimli::Encoding {
        format: gimli::Format::Dwarf32,
        version: 1,
        address_size: 8,
    };
    let mut cie = CommonInformationEntry::new(encoding, 1, -8, gimli::X86_64::RA);
    cie.add_instruction(CallFrameInstruction::Cfa(gimli::X86_64::RSP, 8));
    cie
}

/// A unit with one function of 16 bytes (and an FDE) per name.
fn unit_with(names: &[&str], frames: FrameSection) -> DwarfObject {
    let b = GimliBackend::new(GimliOptions {
        dwarf_version: 5,
        frame_section: frames,
    })
    .unwrap();
    let mut cx = dwarfsmith::DebugContext::new(b, &unit()).unwrap();
    cx.backend_mut().set_cie(cie()).unwrap();
    for n in names {
        let f = function(&mut cx, n);
        cx.define_function_code(f, 16, &[]).unwrap();
        cx.backend_mut()
            .add_fde(n, |a| FrameDescriptionEntry::new(a, 16))
            .unwrap();
    }
    cx.finish().unwrap()
}

/// Two units batched into one image: every relocation resolved to the
/// addresses given (symbols, `.text` sections, DW_AT_low_pc, FDEs).
#[test]
fn a_batched_image_has_every_address_resolved() {
    let a = unit_with(&["f", "g"], FrameSection::DebugFrame);
    let b = unit_with(&["h"], FrameSection::DebugFrame);
    let mut builder = JitImageBuilder::new();
    builder
        .add(&a, &[("f", 0x7000_0000), ("g", 0x7000_0010)])
        .add(&b, &[("h", 0x7100_0000), ("unrelated", 1)]);
    let image = builder.build().unwrap();
    verify("jit_batched.elf", image.bytes());
    let names: Vec<_> = image
        .functions()
        .iter()
        .map(|f| (f.name.as_str(), f.address, f.size))
        .collect();
    assert_eq!(
        names,
        [
            ("f", 0x7000_0000, 16),
            ("g", 0x7000_0010, 16),
            ("h", 0x7100_0000, 16)
        ]
    );
    let file = object::File::parse(image.bytes()).unwrap();
    assert_eq!(file.kind(), object::ObjectKind::Dynamic);
    let syms: Vec<_> = file
        .symbols()
        .map(|s| (s.name().unwrap().to_string(), s.address(), s.size()))
        .collect();
    assert_eq!(
        syms,
        [
            ("f".to_string(), 0x7000_0000, 16),
            ("g".to_string(), 0x7000_0010, 16),
            ("h".to_string(), 0x7100_0000, 16)
        ]
    );
    // 0x7000_0020..0x7100_0000 is a gap of 16 MiB - 32: two .text sections.
    let texts: Vec<_> = file
        .sections()
        .filter(|s| s.name() == Ok(".text"))
        .map(|s| (s.address(), s.size(), s.data().unwrap().len()))
        .collect();
    assert_eq!(texts, [(0x7000_0000, 0x20, 0), (0x7100_0000, 0x10, 0)]);
    // Each unit's DW_AT_low_pc/ranges and each FDE carry the addresses.
    let path = save("jit_batched.elf", image.bytes());
    let out = std::process::Command::new("llvm-dwarfdump-19")
        .arg("--debug-info")
        .arg(&path)
        .output()
        .expect("llvm-dwarfdump-19");
    let dump = String::from_utf8_lossy(&out.stdout);
    assert!(
        dump.contains("[0x0000000070000000, 0x0000000070000010)"),
        "{dump}"
    );
    assert!(
        dump.contains("[0x0000000070000010, 0x0000000070000020)"),
        "{dump}"
    );
    assert!(
        dump.contains("DW_AT_low_pc\t(0x0000000071000000)"),
        "{dump}"
    );
    let frame = file.section_by_name(".debug_frame").unwrap();
    let frame = gimli::DebugFrame::new(frame.data().unwrap(), gimli::LittleEndian);
    let bases = gimli::BaseAddresses::default();
    let mut entries = frame.entries(&bases);
    let mut starts = Vec::new();
    while let Some(e) = entries.next().unwrap() {
        if let gimli::CieOrFde::Fde(p) = e {
            let fde = p
                .parse(|s, b, o| s.cie_from_offset(b, o))
                .expect("FDE's CIE resolves");
            starts.push((fde.initial_address(), fde.len()));
        }
    }
    starts.sort();
    assert_eq!(
        starts,
        [(0x7000_0000, 16), (0x7000_0010, 16), (0x7100_0000, 16)]
    );
}

/// Case 54: a function of the debug info without an address. Guards
/// against: an image whose code addresses are 0 (breakpoints at 0).
/// Expected: `InvalidCode` naming the symbol.
#[test]
fn a_function_without_an_address_is_refused() {
    let a = unit_with(&["f", "g"], FrameSection::DebugFrame);
    let e = JitImageBuilder::new()
        .add(&a, &[("f", 0x7000_0000)])
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode);
    assert_eq!(
        e.message(),
        "symbol `g` of unit #0 has no address: pass the address the JIT gave every function and global the debug info names (DwarfObject::symbols)"
    );
}

/// Case 55: two functions whose code overlaps (in one unit or across the
/// units of a batch). Guards against: a debugger resolving an address to
/// two functions. Expected: `InvalidCode` naming both.
#[test]
fn overlapping_functions_are_refused() {
    let a = unit_with(&["f"], FrameSection::DebugFrame);
    let b = unit_with(&["g"], FrameSection::DebugFrame);
    let e = JitImageBuilder::new()
        .add(&a, &[("f", 0x7000_0000)])
        .add(&b, &[("g", 0x7000_0008)])
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode);
    assert_eq!(
        e.message(),
        "the code of `f` (0x70000000..0x70000010) overlaps the code of `g` (from 0x70000008): give each function the address and size of its own code"
    );
}

/// Case 56: an address of 0, one at or past `MAX_ADDRESS`, or code that
/// reaches past it (or wraps around). Guards against: ranges that wrap in
/// `.debug_aranges`/`.debug_rnglists`. Expected: `InvalidLocation`.
#[test]
fn out_of_range_addresses_are_refused() {
    let a = unit_with(&["f"], FrameSection::DebugFrame);
    for (addr, msg) in [
        (0, "symbol `f` has address 0: pass the address the JIT gave it".to_string()),
        (
            MAX_ADDRESS,
            format!("symbol `f` has address {MAX_ADDRESS:#x}, past {MAX_ADDRESS:#x}, the end of the address space: pass the address the JIT gave it"),
        ),
        (
            MAX_ADDRESS - 8,
            format!("function `f` at {:#x} with 16 bytes of code reaches past {MAX_ADDRESS:#x}, the end of the address space: pass the address the JIT gave it", MAX_ADDRESS - 8),
        ),
    ] {
        let e = JitImageBuilder::new()
            .add(&a, &[("f", addr)])
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidLocation, "{addr:#x}");
        assert_eq!(e.message(), msg);
    }
}

/// Case 57: a unit built with `FrameSection::EhFrame`: its FDE addresses
/// are pc-relative relocations, which cannot be resolved without giving
/// `.eh_frame` an address within 2 GiB of the code (and lldb would read a
/// loaded `.eh_frame` from that address). Guards against: an image with
/// wrong CFI, so `bt` stops at the JIT frame. Expected: `Unsupported`.
#[test]
fn unresolvable_eh_frame_relocations_are_refused() {
    let a = unit_with(&["f"], FrameSection::EhFrame);
    let e = JitImageBuilder::new()
        .add(&a, &[("f", 0x7000_0000)])
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unsupported);
    assert!(
        e.message()
            .contains("build the GimliBackend with FrameSection::DebugFrame"),
        "{e}"
    );
}

/// Case 58: one symbol given two different addresses. Guards against:
/// silently using whichever came first. Expected: `InvalidCode` with both.
#[test]
fn two_addresses_for_one_symbol_are_refused() {
    let a = unit_with(&["f"], FrameSection::DebugFrame);
    let e = JitImageBuilder::new()
        .add(&a, &[("f", 0x7000_0000), ("f", 0x7000_1000)])
        .build()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode);
    assert_eq!(
        e.message(),
        "symbol `f` was given two addresses, 0x70000000 and 0x70001000: pass each symbol's final address once"
    );
    // The same address twice is one address.
    let image = JitImageBuilder::new()
        .add(&a, &[("f", 0x7000_0000), ("f", 0x7000_0000)])
        .build()
        .unwrap();
    verify("jit_same_address_twice.elf", image.bytes());
}

/// Case 59: `build` with no unit. Guards against: registering an image with
/// no debug info (a debugger entry that names nothing). Expected:
/// `InvalidCode`.
#[test]
fn an_empty_image_is_refused() {
    let e = JitImageBuilder::new().build().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode);
    assert_eq!(
        e.message(),
        "the JIT image has no debug info: add at least one DwarfObject with JitImageBuilder::add before build"
    );
}

/// Registering and dropping in any order from several threads keeps the
/// process consistent (the list is only changed under the lock); the
/// debugger-visible effect is checked in gdb by toyc's tests.
#[test]
fn registrations_drop_in_any_order_across_threads() {
    let a = unit_with(&["f"], FrameSection::DebugFrame);
    let image = JitImageBuilder::new()
        .add(&a, &[("f", 0x7000_0000)])
        .build()
        .unwrap();
    verify("jit_threads.elf", image.bytes());
    let mut regs: Vec<_> = (0..8).map(|_| image.clone().register().unwrap()).collect();
    let odd: Vec<_> = (0..4).map(|i| regs.remove(i)).collect();
    let t = std::thread::spawn(move || drop(odd));
    assert_eq!(regs[0].bytes(), image.bytes());
    assert_eq!(regs[0].functions(), image.functions());
    drop(regs);
    t.join().unwrap();
}
