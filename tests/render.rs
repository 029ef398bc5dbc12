//! Renders committed object files (built by `tests/data/build.sh` with gcc 12
//! and clang 19) and checks key lines, determinism and golden renderings.

use std::path::PathBuf;

use dwarfsmith::render::{render_object, RenderError, RenderOptions};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(data(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn opts() -> RenderOptions {
    RenderOptions {
        line_table: true,
        call_frames: true,
        path_prefix: Some(("/build/fixtures".to_string(), "$DIR".to_string())),
    }
}

fn render(name: &str) -> String {
    render_object(&read(name), &opts()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Asserts that `text` contains `lines` as consecutive lines (compared after
/// trimming indentation on both sides, indentation must still match
/// relative to the first line).
#[track_caller]
fn assert_block(text: &str, block: &str) {
    let want: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
    let have: Vec<&str> = text.lines().collect();
    let strip = |l: &str| l.len() - l.trim_start().len();
    let base_want = strip(want[0]);
    'outer: for start in 0..have.len() {
        if have[start].trim() != want[0].trim() {
            continue;
        }
        let base_have = strip(have[start]);
        for (i, w) in want.iter().enumerate() {
            let Some(h) = have.get(start + i) else {
                continue 'outer;
            };
            if h.trim() != w.trim() || strip(h) + base_want != strip(w) + base_have {
                continue 'outer;
            }
        }
        return;
    }
    panic!("block not found:\n{block}\n--- in rendering:\n{text}");
}

const FIXTURES: &[&str] = &[
    "list.gcc.dwarf4.o",
    "list.gcc.dwarf5.o",
    "list.clang.dwarf4.o",
    "list.clang.dwarf5.o",
    "types.gcc.dwarf4.o",
    "types.gcc.dwarf5.o",
    "types.gcc.O2.dwarf4.o",
    "types.gcc.O2.dwarf5.o",
    "types.clang.O2.dwarf4.o",
    "types.clang.O2.dwarf5.o",
    "util.gcc.dwarf5.o",
    "util.clang.dwarf5.o",
    "list.gcc.exe",
    "util.gcc.types.dwarf5.o",
    "util.gcc.types.dwarf4.o",
    "util.clang.types.dwarf5.o",
];

#[test]
fn recursive_struct_with_pointer_member() {
    for name in ["list.gcc.dwarf5.o", "list.gcc.dwarf4.o"] {
        let text = render(name);
        assert_block(
            &text,
            r#"
    DW_TAG_structure_type
      DW_AT_name "List"
      DW_AT_byte_size 16
      DW_AT_decl_file "list.c"
      DW_AT_decl_line 1
      DW_AT_decl_column 8
      DW_TAG_member
        DW_AT_name "value"
        DW_AT_decl_file "list.c"
        DW_AT_decl_line 2
        DW_AT_decl_column 9
        DW_AT_type -> int
        DW_AT_data_member_location 0
      DW_TAG_member
        DW_AT_name "next"
        DW_AT_decl_file "list.c"
        DW_AT_decl_line 3
        DW_AT_decl_column 18
        DW_AT_type -> *List
        DW_AT_data_member_location 8
"#,
        );
        assert_block(
            &text,
            r#"
      DW_TAG_variable
        DW_AT_name "total"
        DW_AT_decl_file "list.c"
        DW_AT_decl_line 7
        DW_AT_decl_column 9
        DW_AT_type -> int
        DW_AT_location [DW_OP_fbreg -20]
"#,
        );
        assert!(text.contains("    DW_AT_comp_dir \"$DIR\"\n"), "{text}");
        assert!(text.contains("      DW_AT_frame_base [DW_OP_call_frame_cfa]\n"));
        assert!(text.contains("    DW_AT_producer \"GNU C17 12.2.0 "));
    }
}

#[test]
fn unit_header_and_language() {
    let text = render("list.gcc.dwarf5.o");
    assert!(text.starts_with("unit #0: compile, DWARF 5\n  DW_TAG_compile_unit\n"));
    assert!(text.contains("    DW_AT_language DW_LANG_C11\n"));
    assert!(text.contains("    DW_AT_low_pc <addr>\n    DW_AT_high_pc <size>\n"));
    let text = render("list.gcc.dwarf4.o");
    assert!(text.starts_with("unit #0: compile, DWARF 4\n"));
    assert!(text.contains("      DW_AT_encoding DW_ATE_signed\n"));
}

#[test]
fn clang_dwarf5_strx_addrx() {
    let text = render("list.clang.dwarf5.o");
    assert!(text.contains("    DW_AT_producer \"Debian clang version 19.1.7"));
    assert!(text.contains("    DW_AT_str_offsets_base <section offset>\n"));
    assert!(text.contains("      DW_AT_frame_base [DW_OP_reg6]\n"));
    assert_block(
        &text,
        r#"
      DW_TAG_formal_parameter
        DW_AT_location [DW_OP_fbreg -8]
        DW_AT_name "head"
        DW_AT_decl_file "list.c"
        DW_AT_decl_line 6
        DW_AT_type -> *List
"#,
    );
    let types = render("types.clang.O2.dwarf5.o");
    assert!(
        types.contains("DW_AT_location [DW_OP_addrx <addr>]"),
        "{types}"
    );
}

#[test]
fn line_table_rows() {
    let text = render("list.clang.dwarf5.o");
    assert_block(
        &text,
        r#"
line program for unit #0 (DWARF 5)
  files
    0 list.c
  sequence
    list.c:6:0 +0 stmt
    list.c:7:9 +8 stmt prologue_end
    list.c:8:5 +15 stmt
"#,
    );
    assert!(text.contains("    list.c:12:5 +51 epilogue_begin\n"));
    assert!(text.contains("    list.c:12:5 +53 end_sequence\n"));
    let gcc = render("list.gcc.dwarf4.o");
    assert_block(
        &gcc,
        r#"
line program for unit #0 (DWARF 4)
  files
    1 list.c
  sequence
    list.c:6:28 +0 stmt
"#,
    );
    let types = render("types.gcc.dwarf5.o");
    assert!(types.contains("    2 /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h\n"));
    assert!(types.contains(" stmt discriminator=1\n"));
}

#[test]
fn type_descriptions() {
    let text = render("types.gcc.dwarf5.o");
    for line in [
        "DW_AT_type -> [*Node; 4]",
        "DW_AT_type -> [[double; 3]; 2]",
        "DW_AT_type -> *volatile const int",
        "DW_AT_type -> callback",
        "DW_AT_type -> *fn(*Node, *const char, ...) -> int",
        "DW_AT_type -> <anon union_type line 16>",
        "DW_AT_type -> [char]",
        "DW_AT_type -> get_cb::Local",
        "DW_AT_decl_file \"/usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h\"",
        "DW_AT_const_value -1",
        "DW_AT_location [DW_OP_const8u 0, DW_OP_form_tls_address]",
    ] {
        assert!(text.contains(line), "missing {line}");
    }
}

#[test]
fn optimized_code_location_lists() {
    let text = render("types.gcc.O2.dwarf5.o");
    assert_block(
        &text,
        r#"
      DW_TAG_formal_parameter
        DW_AT_abstract_origin -> count::n
        DW_AT_location (location list)
          - [DW_OP_reg5]
          - [DW_OP_entry_value [DW_OP_reg5], DW_OP_stack_value]
          - [DW_OP_reg5]
        DW_AT_GNU_locviews <section offset>
"#,
    );
    assert!(text.contains("DW_AT_abstract_origin -> count::<anon lexical_block #1>"));
    assert!(text.contains("DW_AT_ranges <3 ranges>"));
    let v4 = render("types.gcc.O2.dwarf4.o");
    assert!(v4.contains("- [DW_OP_GNU_entry_value [DW_OP_reg5], DW_OP_stack_value]"));
    let clang = render("types.clang.O2.dwarf5.o");
    assert!(clang.contains("DW_AT_location (location list)"));
}

#[test]
fn cplusplus_qualified_names() {
    for name in ["util.gcc.dwarf5.o", "util.clang.dwarf5.o"] {
        let text = render(name);
        for line in [
            "DW_AT_type -> *util::List",
            "DW_AT_type -> &&util::List",
            "DW_AT_type -> &util::List",
            "DW_AT_type -> *const util::List",
            "DW_AT_specification -> util::List::sum",
            "DW_AT_object_pointer -> util::List::sum::this",
            "DW_AT_language DW_LANG_C_plus_plus_14",
        ] {
            assert!(text.contains(line), "{name}: missing {line}\n{text}");
        }
    }
    let gcc = render("util.gcc.dwarf5.o");
    assert!(gcc.contains("DW_AT_specification -> (anonymous namespace)::hidden"));
    assert!(gcc.contains("DW_AT_type -> long int util::List::*"));
}

#[test]
fn type_units_in_comdat_sections() {
    for (name, type_unit, compile_unit) in [
        ("util.gcc.types.dwarf5.o", 0, 1),
        ("util.gcc.types.dwarf4.o", 1, 0),
        ("util.clang.types.dwarf5.o", 0, 1),
    ] {
        let text = render(name);
        let version = if name.contains("dwarf4") { 4 } else { 5 };
        let tu = format!("unit #{type_unit}: type ");
        let cu = format!("unit #{compile_unit}: compile, DWARF {version}\n");
        assert!(text.contains(&tu), "{name}:\n{text}");
        assert!(text.contains(&cu), "{name}:\n{text}");
        assert!(text.contains("DW_AT_signature -> util::List\n"), "{name}");
        assert!(text.contains("DW_AT_type -> *util::List\n"), "{name}");
        assert!(
            text.contains("DW_AT_specification -> util::List::sum\n"),
            "{name}"
        );
        assert!(!text.contains("<anon structure_type"), "{name}:\n{text}");
        let same = format!("line program for unit #{type_unit}: same as unit #{compile_unit}");
        let same_rev = format!("line program for unit #{compile_unit}: same as unit #{type_unit}");
        assert!(
            text.contains(&same) || text.contains(&same_rev),
            "{name}:\n{text}"
        );
    }
}

#[test]
fn linked_executable() {
    let text = render("list.gcc.exe");
    assert!(text.contains("unit #0: compile, DWARF 5\n"));
    assert!(text.contains("unit #1: compile, DWARF 5\n"));
    assert!(text.contains("      DW_AT_name \"main\"\n"));
    assert!(text.contains("        DW_AT_type -> *List\n"));
    assert!(text.contains("line program for unit #1 (DWARF 5)\n"));
}

#[test]
fn call_frame_summary() {
    let text = render("list.gcc.dwarf5.o");
    assert_block(
        &text,
        r#"
call frame info
  .eh_frame: 1 CIE, 1 FDE
    CIE #0: version 1, code_align 1, data_align -8, return_address_register 16, 4 instructions
    FDE (CIE #0): 10 instructions
  .debug_frame: absent
"#,
    );
}

#[test]
fn options_select_sections() {
    let bytes = read("list.gcc.dwarf5.o");
    let plain = RenderOptions {
        line_table: false,
        call_frames: false,
        path_prefix: None,
    };
    let text = render_object(&bytes, &plain).unwrap();
    assert!(!text.contains("line program for"));
    assert!(!text.contains("call frame info"));
    assert!(text.contains("DW_AT_comp_dir \"/build/fixtures\""));
    let gcc_dir = RenderOptions {
        path_prefix: Some(("/usr/lib/gcc".to_string(), "$GCC".to_string())),
        ..RenderOptions::default()
    };
    let types = render_object(&read("types.gcc.dwarf5.o"), &gcc_dir).unwrap();
    assert!(types.contains("    2 $GCC/x86_64-linux-gnu/12/include/stddef.h\n"));
    assert!(types.contains("DW_AT_decl_file \"$GCC/x86_64-linux-gnu/12/include/stddef.h\"\n"));
    let default = render_object(&bytes, &RenderOptions::default()).unwrap();
    assert!(default.contains("line program for"));
    assert!(!default.contains("call frame info"));
}

#[test]
fn no_offsets_or_addresses() {
    for name in FIXTURES {
        let text = render(name);
        // Type signatures are content hashes, the only hex numbers shown.
        let hex = text
            .lines()
            .filter(|l| l.contains("0x") && !l.starts_with("unit #"))
            .count();
        assert_eq!(hex, 0, "{name} shows a hex number:\n{text}");
    }
}

#[test]
fn deterministic() {
    for name in FIXTURES {
        let bytes = read(name);
        let a = render_object(&bytes, &opts()).unwrap();
        let b = render_object(&bytes.clone(), &opts()).unwrap();
        assert_eq!(a, b, "{name}");
    }
}

#[test]
fn golden_renderings() {
    for name in [
        "list.gcc.dwarf5.o",
        "list.clang.dwarf5.o",
        "util.gcc.dwarf5.o",
    ] {
        let text = render(name);
        let golden = data(&format!("{name}.txt"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, &text).unwrap();
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        assert_eq!(text, want, "{name}: rerun with UPDATE_GOLDEN=1 to update");
    }
}

#[test]
fn errors_say_what_is_wrong() {
    let err: RenderError = render_object(b"hello", &opts()).unwrap_err();
    assert!(
        err.message().contains("not a readable object file"),
        "{err}"
    );
    // A valid ELF object without debug info.
    let obj = object::write::Object::new(
        object::BinaryFormat::Elf,
        object::Architecture::X86_64,
        object::Endianness::Little,
    );
    let err = render_object(&obj.write().unwrap(), &opts()).unwrap_err();
    assert!(err.to_string().contains("not a DWARF object"), "{err}");
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    assert!(!boxed.to_string().is_empty());
}
