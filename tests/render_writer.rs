//! DWARF written with `gimli::write` into an ELF object with `object::write`,
//! the way dwarfsmith's own backend does it: every cross-section offset and
//! every address is a relocation against a section symbol, with zero in the
//! place and the offset in the RELA addend. Without applying the relocations
//! every string would read as the one at offset 0.

use std::collections::BTreeMap;

use dwarfsmith::render::{render_object, RenderOptions};
use gimli::write::{
    Address, AttributeValue, DwarfUnit, EndianVec, Expression, LineProgram, LineString,
    RelocateWriter, Relocation, RelocationTarget, Sections,
};
use gimli::{constants as dw, Encoding, Format, LineEncoding, LittleEndian, SectionId};
use object::{Object, ObjectSection};

#[derive(Clone)]
struct RelocWriter {
    data: EndianVec<LittleEndian>,
    relocs: Vec<Relocation>,
}

impl RelocateWriter for RelocWriter {
    type Writer = EndianVec<LittleEndian>;

    fn writer(&self) -> &Self::Writer {
        &self.data
    }

    fn writer_mut(&mut self) -> &mut Self::Writer {
        &mut self.data
    }

    fn relocate(&mut self, relocation: Relocation) {
        self.relocs.push(relocation);
    }
}

/// Builds a unit with `struct List { long value; List *next; }` and a
/// function `sum` with a local `total`, and returns the ELF object bytes.
fn build_object(version: u16) -> Vec<u8> {
    build_object_with(version, |_| {})
}

/// Like `build_object`, letting `extra` add DIEs before writing.
fn build_object_with(version: u16, extra: impl FnOnce(&mut DwarfUnit)) -> Vec<u8> {
    let encoding = Encoding {
        format: Format::Dwarf32,
        version,
        address_size: 8,
    };
    let mut dwarf = DwarfUnit::new(encoding);
    let text = Address::Symbol {
        symbol: 0,
        addend: 0,
    };
    let mut program = LineProgram::new(
        encoding,
        LineEncoding::default(),
        LineString::String(b"/home/me/proj".to_vec()),
        None,
        LineString::String(b"list.src".to_vec()),
        None,
    );
    let dir = program.default_directory();
    let file = program.add_file(LineString::String(b"list.src".to_vec()), dir, None);
    program.begin_sequence(Some(text));
    program.row().file = file;
    program.row().line = 5;
    program.row().column = 1;
    program.generate_row();
    program.row().address_offset = 4;
    program.row().line = 6;
    program.row().column = 9;
    program.row().prologue_end = true;
    program.generate_row();
    program.end_sequence(16);
    dwarf.unit.line_program = program;

    let strp = |dwarf: &mut DwarfUnit, s: &str| AttributeValue::StringRef(dwarf.strings.add(s));
    let root = dwarf.unit.root();
    let producer = strp(&mut dwarf, "dwarfsmith test");
    let name = strp(&mut dwarf, "list.src");
    let comp_dir = strp(&mut dwarf, "/home/me/proj");
    let entry = dwarf.unit.get_mut(root);
    entry.set(dw::DW_AT_producer, producer);
    entry.set(
        dw::DW_AT_language,
        AttributeValue::Language(dw::DW_LANG_C11),
    );
    entry.set(dw::DW_AT_name, name);
    entry.set(dw::DW_AT_comp_dir, comp_dir);
    entry.set(dw::DW_AT_low_pc, AttributeValue::Address(text));
    entry.set(dw::DW_AT_high_pc, AttributeValue::Udata(16));

    let long = dwarf.unit.add(root, dw::DW_TAG_base_type);
    let long_name = strp(&mut dwarf, "long");
    let e = dwarf.unit.get_mut(long);
    e.set(dw::DW_AT_name, long_name);
    e.set(dw::DW_AT_byte_size, AttributeValue::Udata(8));
    e.set(
        dw::DW_AT_encoding,
        AttributeValue::Encoding(dw::DW_ATE_signed),
    );

    let list = dwarf.unit.add(root, dw::DW_TAG_structure_type);
    let ptr = dwarf.unit.add(root, dw::DW_TAG_pointer_type);
    let e = dwarf.unit.get_mut(ptr);
    e.set(dw::DW_AT_type, AttributeValue::UnitRef(list));
    e.set(dw::DW_AT_byte_size, AttributeValue::Udata(8));
    let list_name = strp(&mut dwarf, "List");
    let e = dwarf.unit.get_mut(list);
    e.set(dw::DW_AT_name, list_name);
    e.set(dw::DW_AT_byte_size, AttributeValue::Udata(16));
    e.set(dw::DW_AT_decl_file, AttributeValue::FileIndex(Some(file)));
    e.set(dw::DW_AT_decl_line, AttributeValue::Udata(1));
    for (member, ty, offset) in [("value", long, 0), ("next", ptr, 8)] {
        let id = dwarf.unit.add(list, dw::DW_TAG_member);
        let member_name = strp(&mut dwarf, member);
        let e = dwarf.unit.get_mut(id);
        e.set(dw::DW_AT_name, member_name);
        e.set(dw::DW_AT_type, AttributeValue::UnitRef(ty));
        e.set(
            dw::DW_AT_data_member_location,
            AttributeValue::Udata(offset),
        );
    }

    let sum = dwarf.unit.add(root, dw::DW_TAG_subprogram);
    let sum_name = strp(&mut dwarf, "sum");
    let e = dwarf.unit.get_mut(sum);
    e.set(dw::DW_AT_name, sum_name);
    e.set(dw::DW_AT_type, AttributeValue::UnitRef(long));
    e.set(dw::DW_AT_low_pc, AttributeValue::Address(text));
    e.set(dw::DW_AT_high_pc, AttributeValue::Udata(16));
    let mut cfa = Expression::new();
    cfa.op(dw::DW_OP_call_frame_cfa);
    e.set(dw::DW_AT_frame_base, AttributeValue::Exprloc(cfa));
    let total = dwarf.unit.add(sum, dw::DW_TAG_variable);
    let total_name = strp(&mut dwarf, "total");
    let e = dwarf.unit.get_mut(total);
    e.set(dw::DW_AT_name, total_name);
    e.set(dw::DW_AT_type, AttributeValue::UnitRef(long));
    e.set(dw::DW_AT_decl_file, AttributeValue::FileIndex(Some(file)));
    e.set(dw::DW_AT_decl_line, AttributeValue::Udata(6));
    let mut loc = Expression::new();
    loc.op_fbreg(-24);
    e.set(dw::DW_AT_location, AttributeValue::Exprloc(loc));

    extra(&mut dwarf);

    let mut sections = Sections::new(RelocWriter {
        data: EndianVec::new(LittleEndian),
        relocs: Vec::new(),
    });
    dwarf.write(&mut sections).unwrap();

    let mut obj = object::write::Object::new(
        object::BinaryFormat::Elf,
        object::Architecture::X86_64,
        object::Endianness::Little,
    );
    let text_section = obj.add_section(Vec::new(), b".text".to_vec(), object::SectionKind::Text);
    obj.append_section_data(text_section, &[0x90; 16], 16);
    let mut ids: BTreeMap<SectionId, object::write::SectionId> = BTreeMap::new();
    sections
        .for_each(|id, w| {
            if !w.data.slice().is_empty() {
                let s = obj.add_section(
                    Vec::new(),
                    id.name().as_bytes().to_vec(),
                    object::SectionKind::Debug,
                );
                obj.append_section_data(s, w.data.slice(), 1);
                ids.insert(id, s);
            }
            Ok::<_, ()>(())
        })
        .unwrap();
    sections
        .for_each(|id, w| {
            for r in &w.relocs {
                let target = match r.target {
                    RelocationTarget::Section(s) => ids[&s],
                    RelocationTarget::Symbol(_) => text_section,
                };
                let symbol = obj.section_symbol(target);
                obj.add_relocation(
                    ids[&id],
                    object::write::Relocation {
                        offset: r.offset as u64,
                        symbol,
                        addend: r.addend,
                        flags: object::RelocationFlags::Generic {
                            kind: object::RelocationKind::Absolute,
                            encoding: object::RelocationEncoding::Generic,
                            size: r.size * 8,
                        },
                    },
                )
                .unwrap();
            }
            Ok::<_, ()>(())
        })
        .unwrap();
    obj.write().unwrap()
}

#[test]
fn relocations_against_section_symbols_are_applied() {
    for version in [4, 5] {
        let bytes = build_object(version);
        // The premise: .debug_info has relocations and zero-filled places.
        let file = object::File::parse(&*bytes).unwrap();
        let info = file.section_by_name(".debug_info").unwrap();
        assert!(info.relocations().count() >= 10);

        let opts = RenderOptions {
            path_prefix: Some(("/home/me/proj".into(), "$DIR".into())),
            ..RenderOptions::default()
        };
        let text = render_object(&bytes, &opts).unwrap();
        let expected = format!(
            r#"unit #0: compile, DWARF {version}
  DW_TAG_compile_unit
    DW_AT_producer "dwarfsmith test"
    DW_AT_language DW_LANG_C11
    DW_AT_name "list.src"
    DW_AT_comp_dir "$DIR"
    DW_AT_low_pc <addr>
    DW_AT_high_pc <size>
    DW_AT_stmt_list <line program>
    DW_TAG_base_type
      DW_AT_name "long"
      DW_AT_byte_size 8
      DW_AT_encoding DW_ATE_signed
    DW_TAG_structure_type
      DW_AT_name "List"
      DW_AT_byte_size 16
      DW_AT_decl_file "list.src"
      DW_AT_decl_line 1
      DW_TAG_member
        DW_AT_name "value"
        DW_AT_type -> long
        DW_AT_data_member_location 0
      DW_TAG_member
        DW_AT_name "next"
        DW_AT_type -> *List
        DW_AT_data_member_location 8
    DW_TAG_pointer_type
      DW_AT_type -> List
      DW_AT_byte_size 8
    DW_TAG_subprogram
      DW_AT_name "sum"
      DW_AT_type -> long
      DW_AT_low_pc <addr>
      DW_AT_high_pc <size>
      DW_AT_frame_base [DW_OP_call_frame_cfa]
      DW_TAG_variable
        DW_AT_name "total"
        DW_AT_type -> long
        DW_AT_decl_file "list.src"
        DW_AT_decl_line 6
        DW_AT_location [DW_OP_fbreg -24]
"#
        );
        assert!(text.starts_with(&expected), "DWARF {version}:\n{text}");
        assert!(
            text.contains("    list.src:6:9 +4 stmt prologue_end\n"),
            "{text}"
        );
        assert!(
            text.contains("    list.src:6:9 +16 stmt end_sequence\n"),
            "{text}"
        );
    }
}

#[test]
fn reference_cycles_terminate() {
    let bytes = build_object_with(5, |dwarf| {
        let root = dwarf.unit.root();
        // Two unnamed pointer types pointing at each other.
        let a = dwarf.unit.add(root, dw::DW_TAG_pointer_type);
        let b = dwarf.unit.add(root, dw::DW_TAG_const_type);
        dwarf
            .unit
            .get_mut(a)
            .set(dw::DW_AT_type, AttributeValue::UnitRef(b));
        dwarf
            .unit
            .get_mut(b)
            .set(dw::DW_AT_type, AttributeValue::UnitRef(a));
        // A subroutine type whose parameters are pointers to itself: a naive
        // description would be exponential in the depth.
        let f = dwarf.unit.add(root, dw::DW_TAG_subroutine_type);
        let pf = dwarf.unit.add(root, dw::DW_TAG_pointer_type);
        dwarf
            .unit
            .get_mut(pf)
            .set(dw::DW_AT_type, AttributeValue::UnitRef(f));
        dwarf
            .unit
            .get_mut(f)
            .set(dw::DW_AT_type, AttributeValue::UnitRef(pf));
        for _ in 0..16 {
            let p = dwarf.unit.add(f, dw::DW_TAG_formal_parameter);
            dwarf
                .unit
                .get_mut(p)
                .set(dw::DW_AT_type, AttributeValue::UnitRef(pf));
        }
        // Declarations that are their own origin, and an array of itself.
        let s = dwarf.unit.add(root, dw::DW_TAG_subprogram);
        dwarf
            .unit
            .get_mut(s)
            .set(dw::DW_AT_abstract_origin, AttributeValue::UnitRef(s));
        let arr = dwarf.unit.add(root, dw::DW_TAG_array_type);
        dwarf
            .unit
            .get_mut(arr)
            .set(dw::DW_AT_type, AttributeValue::UnitRef(arr));
        let v = dwarf.unit.add(root, dw::DW_TAG_variable);
        let e = dwarf.unit.get_mut(v);
        e.set(dw::DW_AT_type, AttributeValue::UnitRef(a));
        e.set(dw::DW_AT_abstract_origin, AttributeValue::UnitRef(s));
        e.set(dw::DW_AT_specification, AttributeValue::UnitRef(arr));
    });
    let start = std::time::Instant::now();
    let text = render_object(&bytes, &RenderOptions::default()).unwrap();
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    assert!(
        text.contains("DW_AT_type -> const *const *const *"),
        "{text}"
    );
    assert!(text.contains("..."), "{text}");
    assert!(
        text.len() < 200_000,
        "output too large: {} bytes",
        text.len()
    );
    if std::env::var_os("DUMP").is_some() {
        println!("{text}");
    }
    let again = render_object(&bytes, &RenderOptions::default()).unwrap();
    assert_eq!(text, again);
}
