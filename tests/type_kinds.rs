//! Every kind of type the core describes (union, C-like enum, nested
//! namespaces and typedefs, tuples, opaque declarations, variadic function
//! pointers), with both frame sections, in DWARF 4 and 5.

mod common;

use common::*;
use dwarfsmith::{
    CodeRow, CompositeDesc, DebugContext, FrontendTy, FunctionDesc, GimliBackend, NominalKey,
    TypeDesc, TypeScope, VarLocation,
};

/// Every kind of type, in a namespace, with `.debug_frame` CFI and a
/// function whose blocks have several ranges, in DWARF 4 and 5.
fn every_kind(version: u16, frame: dwarfsmith::FrameSection) -> Vec<u8> {
    use dwarfsmith::{EnumDesc, GimliOptions, TypedefDesc};
    use gimli::write::{CallFrameInstruction, CommonInformationEntry, FrameDescriptionEntry};
    let b = GimliBackend::new(GimliOptions {
        dwarf_version: version,
        frame_section: frame,
    })
    .unwrap();
    let mut cx = DebugContext::new(b, &unit()).unwrap();
    let file = cx.file("kinds.c".as_ref()).unwrap();
    let ns = cx.namespace(None, "geo").unwrap();
    let inner = cx.namespace(Some(ns), "units").unwrap();
    let mut t = Table::default();
    prims(&mut t);
    let key = |d| NominalKey {
        crate_hash: 3,
        def_id: d,
    };
    t.add(
        40,
        TypeDesc::Union(
            CompositeDesc::new(key(40), "Bits", 8, 8)
                .scope(TypeScope::Namespace(ns))
                .field("i", FrontendTy(I64), 0)
                .field("f", FrontendTy(F64), 0),
        ),
    );
    t.add(
        41,
        TypeDesc::Enum(EnumDesc {
            key: key(41),
            generic_args: vec![],
            name: "Color".into(),
            scope: TypeScope::Namespace(ns),
            underlying: FrontendTy(U32),
            size: 4,
            align: 4,
            enumerators: vec![("Red".into(), 0), ("Green".into(), 1)],
            decl: None,
            enum_class: false,
            opaque: false,
        }),
    );
    t.add(
        42,
        TypeDesc::Typedef(TypedefDesc {
            key: key(42),
            name: "Meters".into(),
            scope: TypeScope::Namespace(inner),
            target: FrontendTy(F64),
            decl: Some(dwarfsmith::DeclLoc { file, line: 9 }),
            access: dwarfsmith::Access::Unspecified,
        }),
    );
    t.add(
        43,
        TypeDesc::Tuple {
            elems: vec![field("a", I32, 0), field("b", F64, 8)],
            size: 16,
            align: 8,
        },
    );
    t.add(
        44,
        TypeDesc::Struct(CompositeDesc::new(key(44), "Opaque", 0, 0).opaque()),
    );
    t.add(45, ptr(44));
    t.add(
        46,
        TypeDesc::Function {
            params: vec![FrontendTy(I32)],
            ret: None,
            variadic: true,
            artificial_params: Vec::new(),
        },
    );
    t.add(47, ptr(46));
    let mut refs = Vec::new();
    for h in [40, 41, 42, 43, 45, 47] {
        refs.push(cx.resolve_type(&mut t, FrontendTy(h)).unwrap());
    }
    let f = cx
        .define_function(&FunctionDesc {
            name: "area",
            linkage_name: "geo::area",
            namespace: Some(ns),
            file,
            line: 20,
            ret: Some(refs[2]),
            params: &[refs[0]],
            external: true,
            method_of: None,
        })
        .unwrap();
    let fs = cx.function_scope(f).unwrap();
    cx.enter_function(f).unwrap();
    let p = cx.declare_parameter(f, "bits", 1, refs[0], 20, 10).unwrap();
    cx.start_emitting_source_locations().unwrap();
    let a = cx.set_source_location(fs, 21, 5).unwrap();
    let blk = cx.lexical_block(fs, file, 22, 5).unwrap();
    let c = cx.declare_local(blk, "c", refs[1], 23, 9).unwrap();
    let b1 = cx.set_source_location(blk, 23, 9).unwrap();
    cx.set_variable_location(p, VarLocation::FrameOffset(-24))
        .unwrap();
    cx.set_variable_location(c, VarLocation::FrameOffset(-28))
        .unwrap();
    cx.exit_function().unwrap();
    let rows = [
        CodeRow {
            offset: 0,
            loc: None,
        },
        CodeRow { offset: 4, loc: b1 },
        CodeRow { offset: 7, loc: a },
        CodeRow {
            offset: 11,
            loc: b1,
        },
        CodeRow { offset: 14, loc: a },
    ];
    cx.define_function_code(f, 16, &rows).unwrap();
    let enc = gimli::Encoding {
        format: gimli::Format::Dwarf32,
        version: 1,
        address_size: 8,
    };
    let mut cie = CommonInformationEntry::new(enc, 1, -8, gimli::X86_64::RA);
    cie.add_instruction(CallFrameInstruction::Cfa(gimli::X86_64::RSP, 8));
    cie.add_instruction(CallFrameInstruction::Offset(gimli::X86_64::RA, -8));
    cx.backend_mut().set_cie(cie).unwrap();
    cx.backend_mut()
        .add_fde("geo::area", |a| {
            let mut fde = FrameDescriptionEntry::new(a, 16);
            fde.add_instruction(1, CallFrameInstruction::CfaOffset(16));
            fde
        })
        .unwrap();
    object_with(&cx.finish().unwrap(), &["geo::area"], &[])
}

#[test]
fn every_kind_of_type_and_both_frame_sections_verify() {
    for v in [4, 5] {
        for fr in [
            dwarfsmith::FrameSection::EhFrame,
            dwarfsmith::FrameSection::DebugFrame,
        ] {
            let bytes = every_kind(v, fr);
            let s = check_object(&format!("kinds_v{v}_{fr:?}.o"), &bytes);
            for (tag, name) in [
                ("DW_TAG_union_type", "geo::Bits"),
                ("DW_TAG_enumeration_type", "geo::Color"),
                ("DW_TAG_typedef", "geo::units::Meters"),
                ("DW_TAG_structure_type", "(i32, f64)"),
                ("DW_TAG_structure_type", "Opaque"),
            ] {
                assert!(
                    s.types.iter().any(|(t, n)| t == tag && n == name),
                    "{tag} {name} missing in {:?}",
                    s.types
                );
            }
            let file = object::File::parse(&*bytes).unwrap();
            use object::{Object, ObjectSection};
            let want = if fr == dwarfsmith::FrameSection::EhFrame {
                ".eh_frame"
            } else {
                ".debug_frame"
            };
            assert!(
                file.section_by_name(want).is_some_and(|s| s.size() > 0),
                "{want} missing"
            );
            assert!(file.section_by_name(".debug_aranges").is_some());
            assert!(file
                .section_by_name(if v == 5 {
                    ".debug_rnglists"
                } else {
                    ".debug_ranges"
                })
                .is_some());
            assert!(file.section_by_name(".note.GNU-stack").is_some());
        }
    }
}
