//! Parity of the two backends on every type construct of issue 10: the
//! types of `llvm_types_parity/fixture.rs` (a C++ class with accessibility,
//! bitfields, a virtual and a non-virtual base, virtual and static methods,
//! a member template's instance, a variadic method, an `explicit`
//! constructor, a slotless virtual destructor with artificial parameters, a pointer to member function
//! and a `method_of` definition with an artificial `this`, a static const
//! member, template parameters and a containing type; an `enum class` with
//! a 128-bit enumerator; niche, tag-less, 128-bit-tagged and
//! range-discriminated tagged unions, and one whose variant structs have
//! template parameters and whose method is defined with `method_of`;
//! `const volatile int`, references, a named pointer, 2-D and unknown-bound
//! arrays, a structural `&[u8]`, `void *`, `const void *`, a typedef of
//! `void`, `decltype(nullptr)`, a template type parameter of `void`) are
//! emitted with the gimli and the LLVM backend in DWARF 4 and 5. Each object
//! passes `llvm-dwarfdump-19 --verify`; the DIE trees of each named type,
//! rendered by `dwarfsmith::render`, agree after the normalisation of
//! `normalise_attr`, `skipped` and `canonical` in
//! `llvm_types_parity/canonical.rs` (whose comments list every legitimate
//! difference); and gdb's
//! `ptype` of the globals prints the same for both objects linked with a C
//! `main`.
#![cfg(any(feature = "llvm19", feature = "llvm22"))]

#[path = "llvm_types_parity/canonical.rs"]
mod canonical;
mod common;
#[path = "llvm_types_parity/explicit.rs"]
mod explicit;
#[path = "llvm_types_parity/fixture.rs"]
mod fixture;

use canonical::{parse, top_level};
use dwarfsmith::backend::llvm::{LlvmBackend, LlvmContext, LlvmOptions};
use dwarfsmith::render::{render_object, RenderOptions};
use dwarfsmith::{DebugContext, GimliBackend, GimliOptions, VarLocation};
use fixture::{AREA, AREA_LINE, GLOBALS, SHAPE_AREA, SHAPE_AREA_LINE, SUM};

fn gimli_object(version: u16) -> Vec<u8> {
    let b = GimliBackend::new(GimliOptions {
        dwarf_version: version,
        ..Default::default()
    })
    .unwrap();
    let mut cx = DebugContext::new(b, &fixture::cu()).unwrap();
    let d = fixture::describe(&mut cx).unwrap();
    let f = fixture::define_area(&mut cx, &d).unwrap();
    let this = cx
        .declare_this_parameter(f, d.widget_ptr, AREA_LINE)
        .unwrap();
    cx.set_variable_location(this, VarLocation::FrameOffset(-24))
        .unwrap();
    cx.define_function_code(f, common::CODE.len() as u64, &[])
        .unwrap();
    let g = fixture::define_shape_area(&mut cx, &d).unwrap();
    let this = cx
        .declare_parameter(g, "self", 1, d.shape_ptr, SHAPE_AREA_LINE, 0)
        .unwrap();
    cx.set_variable_location(this, VarLocation::FrameOffset(-24))
        .unwrap();
    cx.define_function_code(g, common::CODE.len() as u64, &[])
        .unwrap();
    let s = fixture::define_sum(&mut cx, &d).unwrap();
    cx.define_function_code(s, common::CODE.len() as u64, &[])
        .unwrap();
    let dwarf = cx.finish().unwrap();
    let data: Vec<(&str, usize)> = GLOBALS.iter().map(|(n, _, s)| (*n, *s)).collect();
    common::object_with(&dwarf, &[AREA, SHAPE_AREA, SUM], &data)
}

fn llvm_object(version: u16) -> Vec<u8> {
    let ctx = LlvmContext::new();
    let module = ctx.create_module("widget").unwrap();
    let i8t = ctx.int_type(8).unwrap();
    let i32t = ctx.int_type(32).unwrap();
    let ptr = ctx.ptr_type();
    for (name, _, size) in GLOBALS {
        let ty = ctx.array_type(i8t, *size as u64).unwrap();
        module.add_global(name, ty, None).unwrap();
    }
    let area = module
        .add_function(AREA, ctx.function_type(i32t, &[ptr], false).unwrap())
        .unwrap();
    let builder = module.create_builder();
    let backend = LlvmBackend::new(
        &module,
        LlvmOptions {
            dwarf_version: version,
        },
    )
    .unwrap();
    let mut cx = DebugContext::new(backend, &fixture::cu()).unwrap();
    cx.set_llvm_builder(&builder).unwrap();
    let d = fixture::describe(&mut cx).unwrap();
    let f = fixture::define_area(&mut cx, &d).unwrap();
    cx.attach_llvm_function(f, area).unwrap();
    let fs = cx.function_scope(f).unwrap();
    let entry = area.append_block("entry").unwrap();
    builder.position_at_end(entry).unwrap();
    cx.enter_function(f).unwrap();
    let this = cx
        .declare_this_parameter(f, d.widget_ptr, AREA_LINE)
        .unwrap();
    let slot = builder.alloca(ptr, "this.addr").unwrap();
    builder.store(area.param(0).unwrap(), slot).unwrap();
    cx.declare_llvm_variable(this, slot, entry).unwrap();
    cx.start_emitting_source_locations().unwrap();
    cx.set_source_location(fs, AREA_LINE + 1, 3).unwrap();
    builder.ret(Some(ctx.const_int(i32t, 0).unwrap())).unwrap();
    cx.exit_function().unwrap();
    // Shape<int>::area, the definition of the tagged union's method 0.
    let shape_area = module
        .add_function(SHAPE_AREA, ctx.function_type(i32t, &[ptr], false).unwrap())
        .unwrap();
    let g = fixture::define_shape_area(&mut cx, &d).unwrap();
    cx.attach_llvm_function(g, shape_area).unwrap();
    let gs = cx.function_scope(g).unwrap();
    let entry = shape_area.append_block("entry").unwrap();
    builder.position_at_end(entry).unwrap();
    cx.enter_function(g).unwrap();
    let this = cx
        .declare_parameter(g, "self", 1, d.shape_ptr, SHAPE_AREA_LINE, 0)
        .unwrap();
    let slot = builder.alloca(ptr, "self.addr").unwrap();
    builder.store(shape_area.param(0).unwrap(), slot).unwrap();
    cx.declare_llvm_variable(this, slot, entry).unwrap();
    cx.start_emitting_source_locations().unwrap();
    cx.set_source_location(gs, SHAPE_AREA_LINE + 1, 3).unwrap();
    builder.ret(Some(ctx.const_int(i32t, 0).unwrap())).unwrap();
    cx.exit_function().unwrap();
    let sum = module
        .add_function(SUM, ctx.function_type(i32t, &[ptr, i32t], true).unwrap())
        .unwrap();
    let s = fixture::define_sum(&mut cx, &d).unwrap();
    cx.attach_llvm_function(s, sum).unwrap();
    let entry = sum.append_block("entry").unwrap();
    builder.position_at_end(entry).unwrap();
    cx.enter_function(s).unwrap();
    builder.ret(Some(ctx.const_int(i32t, 0).unwrap())).unwrap();
    cx.exit_function().unwrap();
    cx.finish().unwrap();
    module.verify().unwrap();
    common::save(
        &format!("parity.llvm.v{version}.ll"),
        module.print_to_string().unwrap().as_bytes(),
    );
    module.emit_object().unwrap()
}

fn render(bytes: &[u8]) -> String {
    render_object(
        bytes,
        &RenderOptions {
            line_table: false,
            ..Default::default()
        },
    )
    .unwrap()
}

/// Top-level DIEs the LLVM backend writes and gimli does not, or the other
/// way round, which are not type constructs of the fixture: the base type
/// LLVM gives array subranges (`__ARRAY_SIZE_TYPE__` is gimli's name for
/// the same), and the artificial object pointer type of a method's `this`
/// (LLVM's `createObjectPointerType`; gimli's `this` refers to `Widget *`).
fn backend_specific(key: &str) -> bool {
    key.starts_with("DW_TAG_base_type DW_AT_name \"__ARRAY_SIZE_TYPE__\"")
}

/// Top-level DIEs both objects must have (one per construct).
const EXPECTED: &[&str] = &[
    "DW_TAG_class_type DW_AT_name \"Widget<int, 4>\"",
    "DW_TAG_structure_type DW_AT_name \"Base\"",
    "DW_TAG_structure_type DW_AT_name \"VBase\"",
    "DW_TAG_subprogram DW_AT_specification -> Widget<int, 4>::area",
    "DW_TAG_subprogram DW_AT_specification -> Widget<int, 4>::sum",
    "DW_TAG_enumeration_type DW_AT_name \"Color\"",
    "DW_TAG_structure_type DW_AT_name \"Option<&i32>\"",
    "DW_TAG_structure_type DW_AT_name \"Wrap\"",
    "DW_TAG_structure_type DW_AT_name \"Big\"",
    "DW_TAG_structure_type DW_AT_name \"Ranged\"",
    "DW_TAG_structure_type DW_AT_name \"&[u8]\"",
    "DW_TAG_structure_type DW_AT_name \"Shape<int>\"",
    "DW_TAG_subprogram DW_AT_specification -> Shape<int>::area",
    "DW_TAG_const_type <unnamed> DW_AT_type -> volatile int",
    "DW_TAG_volatile_type <unnamed> DW_AT_type -> int",
    "DW_TAG_pointer_type DW_AT_name \"&i32\"",
    "DW_TAG_reference_type <unnamed> DW_AT_type -> int",
    "DW_TAG_rvalue_reference_type <unnamed> DW_AT_type -> int",
    "DW_TAG_pointer_type DW_AT_name \"*const u8\"",
    "DW_TAG_array_type <unnamed> DW_AT_type -> int",
    "DW_TAG_variable DW_AT_name \"g_matrix\"",
    "DW_TAG_variable DW_AT_name \"g_unbounded\"",
    "DW_TAG_variable DW_AT_name \"g_lref\"",
    "DW_TAG_subroutine_type <unnamed> DW_AT_type -> int",
    "DW_TAG_ptr_to_member_type <unnamed> DW_AT_type -> fn(*Widget<int, 4>, int, ...) -> int",
    "DW_TAG_const_type <unnamed> ",
    "DW_TAG_typedef DW_AT_name \"void_t\"",
    "DW_TAG_unspecified_type DW_AT_name \"decltype(nullptr)\"",
    "DW_TAG_variable DW_AT_name \"g_vp\"",
    "DW_TAG_variable DW_AT_name \"g_cvp\"",
    "DW_TAG_structure_type DW_AT_name \"Holder<void>\"",
];

fn compare(version: u16) -> Vec<String> {
    let g = gimli_object(version);
    let l = llvm_object(version);
    // Deterministic: the same descriptions give byte-identical objects.
    assert!(
        l == llvm_object(version),
        "LLVM object differs between runs"
    );
    assert!(
        g == gimli_object(version),
        "gimli object differs between runs"
    );
    common::verify(&format!("types_parity.gimli.v{version}.o"), &g);
    common::verify(&format!("types_parity.llvm.v{version}.o"), &l);
    let (gt, lt) = (render(&g), render(&l));
    let (gm, lm) = (
        top_level(&parse(&gt), version),
        top_level(&parse(&lt), version),
    );
    // The comparison covers every construct: each is present in both.
    for key in EXPECTED {
        for (which, m) in [("gimli", &gm), ("llvm", &lm)] {
            assert!(
                m.contains_key(*key),
                "DWARF {version}: no `{key}` in the {which} object; it has {:?}",
                m.keys().collect::<Vec<_>>()
            );
        }
    }
    let mut diffs = Vec::new();
    for key in gm.keys().chain(lm.keys()) {
        if backend_specific(key) {
            continue;
        }
        match (gm.get(key), lm.get(key)) {
            (Some(a), Some(b)) if a == b => {}
            (a, b) => diffs.push(format!(
                "DWARF {version}, `{key}`:\n  gimli: {a:?}\n  llvm:  {b:?}"
            )),
        }
    }
    diffs.dedup();
    diffs
}

/// Every named type, global, the method definition and the unnamed types
/// (qualifiers, references, pointers, arrays) agree between the backends.
#[test]
fn backends_write_the_same_types() {
    let mut diffs = compare(5);
    diffs.extend(compare(4));
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}

/// Links `object` with a C `main` into an executable.
fn link_with_main(name: &str, object: &[u8]) -> std::path::PathBuf {
    let o = common::save(&format!("{name}.o"), object);
    let main = common::save(&format!("{name}.main.c"), b"int main(void) { return 0; }\n");
    let exe = o.with_extension("exe");
    let out = std::process::Command::new("cc")
        .arg("-o")
        .arg(&exe)
        .arg(&main)
        .arg(&o)
        .output()
        .expect("run cc");
    assert!(
        out.status.success(),
        "cc failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

/// `ptype` of every global, one gdb run.
fn ptypes(exe: &std::path::Path) -> String {
    let cmds: Vec<String> = GLOBALS
        .iter()
        .map(|(name, _, _)| format!("ptype {name}"))
        .collect();
    let cmds: Vec<&str> = cmds.iter().map(String::as_str).collect();
    common::gdb(exe, &cmds)
}

/// gdb shows every global's type the same for both objects, and reads the
/// class as C++: bases with their access and virtuality, bitfields, a
/// static const member, a virtual and a static method, a member template's
/// instance, a variadic method, a destructor without its artificial
/// parameters, and the artificial `this` of a pointer to member function
/// as `T * const`.
#[test]
fn gdb_ptype_agrees() {
    for version in [4, 5] {
        let g = ptypes(&link_with_main(
            &format!("ptype.gimli.v{version}"),
            &gimli_object(version),
        ));
        let l = ptypes(&link_with_main(
            &format!("ptype.llvm.v{version}"),
            &llvm_object(version),
        ));
        for want in [
            "type = class Widget<int, 4> [with T = int] : public Base, protected virtual VBase {",
            "  protected:\n    T prot;",
            "  private:\n    T priv;",
            "unsigned int lo : 3;",
            "unsigned int hi : 5;",
            "static T limit;",
            "T area();",
            "static T count();",
            "type = enum class Color {Color::Red, Color::Huge",
            "type = const volatile int",
            "type = int &\n",
            "type = int &&",
            "type = int [2][3]",
            "type = int []",
            "type = struct &[u8] {",
            "type = struct Shape<int> {",
            "T get<long, 2>(long);",
            "T sum(T, ...);",
            "    ~Widget();\n",
            "type = int (Widget<int, 4>::*)(class Widget<int, 4> * const, int, ...)",
        ] {
            assert!(
                g.contains(want),
                "gdb (gimli, DWARF {version}) lacks `{want}`:\n{g}"
            );
        }
        // gdb reads a method as virtual only when its
        // DW_AT_vtable_elem_location starts with DW_OP_constu: both
        // backends write that (the gimli backend does not let gimli
        // shorten it to DW_OP_lit0).
        assert!(g.contains("    virtual T area();"), "{g}");
        if g != l {
            let d: Vec<String> = g
                .lines()
                .zip(l.lines())
                .filter(|(a, b)| a != b)
                .map(|(a, b)| format!("  gimli: {a}\n  llvm:  {b}"))
                .collect();
            panic!(
                "gdb ptype differs, DWARF {version}:\n{}\n--- llvm:\n{l}",
                d.join("\n")
            );
        }
    }
}
