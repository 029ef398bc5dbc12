//! Optimized code through the gimli backend: an inlined call
//! (`DW_TAG_inlined_subroutine` with an abstract instance), a parameter of
//! the inlined copy living in a register for part of the code, a local that
//! is first a constant and then in a register, and a value split in pieces;
//! written as location lists in DWARF 5 (`.debug_loclists`) and DWARF 4
//! (`.debug_loc`). gdb runs the linked program: it stops at `break square`
//! in the inlined copy, shows it as a frame of its own with its argument,
//! and prints each variable's value where it has one, `<optimized out>`
//! elsewhere.

mod common;

use std::process::Command;

use common::{check_object, gdb, lldb, save};
use dwarfsmith::*;
use gimli::write::{CallFrameInstruction, CommonInformationEntry, FrameDescriptionEntry};
use object::write::{Object, Symbol, SymbolSection};
use object::{SymbolFlags, SymbolKind, SymbolScope};

/// `main` after inlining `square(5)`:
/// ```text
///  0: mov edi, 5      ; a.c:6  (main)      k = 7 (a constant)
///  5: imul edi, edi   ; a.c:2  (square)    x in rdi
///  8: mov eax, edi    ; a.c:7  (main)      k: low half in edi, high half 1
///                                          (pieces), p.lo in edi, p.hi gone
///  a: ret
/// ```
const MAIN: [u8; 11] = [0xbf, 5, 0, 0, 0, 0x0f, 0xaf, 0xff, 0x89, 0xf8, 0xc3];

fn emit(version: u16) -> Vec<u8> {
    let mut b = GimliBackend::new(GimliOptions {
        dwarf_version: version,
        frame_section: FrameSection::DebugFrame,
    })
    .unwrap();
    // x86-64 CIE: CFA = rsp + 8, return address at CFA - 8.
    let mut cie = CommonInformationEntry::new(
        gimli::Encoding {
            format: gimli::Format::Dwarf32,
            version: 1,
            address_size: 8,
        },
        1,
        -8,
        gimli::X86_64::RA,
    );
    cie.add_instruction(CallFrameInstruction::Cfa(gimli::X86_64::RSP, 8));
    cie.add_instruction(CallFrameInstruction::Offset(gimli::X86_64::RA, -8));
    b.set_cie(cie).unwrap();
    b.add_fde("main", |a| FrameDescriptionEntry::new(a, MAIN.len() as u32))
        .unwrap();
    let mut cx = DebugContext::new(b, &CompileUnit::new("a.c", "/work")).unwrap();
    let file = cx.file("a.c".as_ref()).unwrap();
    let mut types = |t: FrontendTy| {
        Ok(match t.0 {
            0 => TypeDesc::base("long", 8, BaseEncoding::Signed),
            1 => TypeDesc::base("int", 4, BaseEncoding::Signed),
            _ => TypeDesc::Struct(
                CompositeDesc::new(NominalKey::new(1, 1), "pair", 8, 4)
                    .field("lo", FrontendTy(1), 0)
                    .field("hi", FrontendTy(1), 4),
            ),
        })
    };
    let long = cx.resolve_type(&mut types, FrontendTy(0)).unwrap();
    let pair = cx.resolve_type(&mut types, FrontendTy(2)).unwrap();
    // `long square(long x)`, line 1; only inlined here.
    let params = [long];
    let square = cx
        .define_function(
            &FunctionDesc::new("square", "square", file, 1)
                .returns(long)
                .params(&params)
                .local(),
        )
        .unwrap();
    cx.define_function_without_code(square).unwrap();
    let main = cx
        .define_function(&FunctionDesc::new("main", "main", file, 5).returns(long))
        .unwrap();
    cx.enter_function(main).unwrap();
    cx.start_emitting_source_locations().unwrap();
    let body = cx.function_scope(main).unwrap();
    let k = cx.declare_local(body, "k", long, 6, 5).unwrap();
    let p = cx.declare_local(body, "p", pair, 6, 12).unwrap();
    let call = cx.inlined_call(body, square, file, 6, 9).unwrap();
    let x = cx
        .declare_inlined_parameter(call, "x", 1, long, 1, 20)
        .unwrap();
    let l6 = cx.set_source_location(body, 6, 3).unwrap();
    let l2 = cx.set_source_location(call, 2, 10).unwrap();
    let l7 = cx.set_source_location(body, 7, 3).unwrap();
    cx.exit_function().unwrap();
    let rows = [
        CodeRow { offset: 0, loc: l6 },
        CodeRow { offset: 5, loc: l2 },
        CodeRow { offset: 8, loc: l7 },
    ];
    cx.define_function_code(main, MAIN.len() as u64, &rows)
        .unwrap();
    cx.set_variable_locations(
        x,
        &[LocationRange {
            start: 5,
            end: 8,
            location: ValueLocation::Register(5),
        }],
    )
    .unwrap();
    cx.set_variable_locations(
        k,
        &[
            LocationRange {
                start: 0,
                end: 5,
                location: ValueLocation::Constant(7),
            },
            LocationRange {
                start: 8,
                end: 11,
                location: ValueLocation::Pieces(vec![
                    Piece {
                        location: Some(ValueLocation::Register(5)),
                        size: 4,
                    },
                    Piece {
                        location: Some(ValueLocation::Bytes(vec![1, 0, 0, 0])),
                        size: 4,
                    },
                ]),
            },
        ],
    )
    .unwrap();
    // `p.lo` in edi at line 7, `p.hi` nowhere: the one piece given covers
    // 4 of the 8 bytes, and the library ends the list with an empty piece
    // for the rest.
    cx.set_variable_locations(
        p,
        &[LocationRange {
            start: 8,
            end: 11,
            location: ValueLocation::Pieces(vec![Piece {
                location: Some(ValueLocation::Register(5)),
                size: 4,
            }]),
        }],
    )
    .unwrap();
    let dwarf = cx.finish().unwrap();
    let mut obj: Object<'static> = DwarfObject::new_elf_object();
    let text = obj.section_id(object::write::StandardSection::Text);
    let off = obj.append_section_data(text, &MAIN, 16);
    obj.add_symbol(Symbol {
        name: b"main".to_vec(),
        value: off,
        size: MAIN.len() as u64,
        kind: SymbolKind::Text,
        scope: SymbolScope::Linkage,
        weak: false,
        section: SymbolSection::Section(text),
        flags: SymbolFlags::None,
    });
    dwarf.write_into(&mut obj).unwrap();
    obj.write().unwrap()
}

fn link(name: &str, obj: &[u8]) -> std::path::PathBuf {
    let o = save(&format!("{name}.o"), obj);
    let exe = o.with_extension("");
    let st = Command::new("cc")
        .arg(&o)
        .arg("-o")
        .arg(&exe)
        .status()
        .expect("cc");
    assert!(st.success(), "linking {} failed", o.display());
    exe
}

/// Also the regression test of a DWARF 4 bug: with one function in the
/// unit, the unit's `DW_AT_low_pc` was that function's address, and DWARF 4
/// location and range lists are relative to it, while gimli writes them
/// with absolute relocated addresses: in the linked program every range was
/// shifted by the function's address (gdb: `k = <optimized out>`). A DWARF 4
/// unit now always has base address 0 (`DW_AT_low_pc 0` + `DW_AT_ranges`).
#[test]
fn gdb_stops_in_the_inlined_copy_and_reads_location_lists() {
    for version in [5, 4] {
        let bytes = emit(version);
        let name = format!("optimized_v{version}");
        check_object(&format!("{name}.o"), &bytes);
        let exe = link(&name, &bytes);
        let out = gdb(
            &exe,
            &[
                "break main",
                "run",
                "print k",
                "break square",
                "continue",
                "bt",
                "print x",
                "info frame",
                "stepi",
                "print k",
                "print p",
                "info locals",
            ],
        );
        for want in [
            "$1 = 7",
            "square (x=5) at a.c:2",
            "#1  main () at a.c:6",
            "$2 = 5",
            "inlined into frame 1",
            "main () at a.c:7",
            "$3 = 4294967321",
            "$4 = {lo = 25, hi = <optimized out>}",
        ] {
            assert!(
                out.contains(want),
                "DWARF {version}: gdb output lacks `{want}`:\n{out}"
            );
        }
    }
}

/// lldb-19 reads the pieces: a register piece and a piece of implicit bytes
/// (written as a stack value: lldb cannot read `DW_OP_implicit_value`
/// inside a piece, "failed to read memory DW_OP_piece(4)"), and `p.lo`.
/// `p.hi`, which the library ends with an empty piece, lldb-19 shows as 0
/// (it fills an empty piece with zeros), so it is not checked.
#[test]
fn lldb_reads_pieces_with_implicit_bytes() {
    for version in [5, 4] {
        let bytes = emit(version);
        let exe = link(&format!("optimized_lldb_v{version}"), &bytes);
        let out = lldb(
            &exe,
            &[
                "breakpoint set --name main",
                "run",
                "thread step-inst",
                "thread step-inst",
                "frame variable k p",
            ],
        );
        for want in ["(long) k = 4294967321", "(pair) p = (lo = 25, "] {
            assert!(
                out.contains(want),
                "DWARF {version}: lldb output lacks `{want}`:\n{out}"
            );
        }
    }
}
