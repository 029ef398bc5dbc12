//! Writes an ELF object with one function (real x86-64 code, line rows, a
//! local, call-frame information) and a zoo of recursive types:
//!
//! ```text
//! cargo run --example recursive_types -- OUT.o
//! llvm-dwarfdump-19 --verify OUT.o
//! gdb -batch -ex 'ptype struct Tree' OUT.o
//! ```

use std::path::Path;

use dwarfsmith::{
    BaseEncoding, CodeRow, CompileUnit, CompositeDesc, DebugContext, DwarfObject, FieldDesc,
    FileId, FrontendTy, FunctionDesc, GimliBackend, GimliOptions, Language, NominalKey, TypeDesc,
    TypeSource, VarLocation,
};
use gimli::write::{CallFrameInstruction, CommonInformationEntry, FrameDescriptionEntry};
use object::write::{Symbol, SymbolSection};
use object::{SymbolFlags, SymbolKind, SymbolScope};

/// The example's "frontend": a table of type descriptions by handle.
struct Zoo {
    file: FileId,
}

const I32: u64 = 0;
const I64: u64 = 1;
const LIST: u64 = 10;
const TREE: u64 = 11;
const A: u64 = 12;
const B: u64 = 13;
const C: u64 = 14;
const GRAPH: u64 = 15;
const CALLBACK: u64 = 16;
const PTR: u64 = 100; // PTR + x: pointer to x
const GRAPH_ARRAY: u64 = 200;
const CALLBACK_FN: u64 = 201;
const CALLBACK_FN_PTR: u64 = 202;

fn field(name: &str, ty: u64, offset: u64) -> FieldDesc {
    FieldDesc {
        name: name.into(),
        ty: FrontendTy(ty),
        offset,
        bits: None,
        access: dwarfsmith::Access::Unspecified,
        artificial: false,
        zero_sized: false,
        align: 0,
    }
}

impl Zoo {
    fn strukt(
        &self,
        id: u64,
        name: &str,
        line: u32,
        size: u64,
        fields: Vec<FieldDesc>,
    ) -> TypeDesc {
        TypeDesc::Struct(
            CompositeDesc::new(NominalKey::new(0x5eed, id), name, size, 8)
                .declared_at(self.file, line)
                .members(fields),
        )
    }
}

impl TypeSource for Zoo {
    fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String> {
        let base = |name: &str, size| TypeDesc::Base {
            name: name.into(),
            size,
            encoding: BaseEncoding::Signed,
        };
        Ok(match ty.0 {
            I32 => base("int", 4),
            I64 => base("long", 8),
            LIST => self.strukt(
                LIST,
                "List",
                1,
                16,
                vec![field("value", I64, 0), field("next", PTR + LIST, 8)],
            ),
            TREE => self.strukt(
                TREE,
                "Tree",
                2,
                32,
                vec![
                    field("value", I64, 0),
                    field("left", PTR + TREE, 8),
                    field("right", PTR + TREE, 16),
                    field("parent", PTR + TREE, 24),
                ],
            ),
            A => self.strukt(A, "A", 3, 8, vec![field("b", PTR + B, 0)]),
            B => self.strukt(B, "B", 4, 8, vec![field("c", PTR + C, 0)]),
            C => self.strukt(
                C,
                "C",
                5,
                16,
                vec![field("a", PTR + A, 0), field("v", I32, 8)],
            ),
            GRAPH => self.strukt(GRAPH, "Graph", 6, 32, vec![field("edges", GRAPH_ARRAY, 0)]),
            CALLBACK => self.strukt(
                CALLBACK,
                "Callback",
                7,
                16,
                vec![field("f", CALLBACK_FN_PTR, 0), field("data", I64, 8)],
            ),
            GRAPH_ARRAY => TypeDesc::Array {
                elem: FrontendTy(PTR + GRAPH),
                len: 4,
                elem_size: 8,
                align: 8,
            },
            CALLBACK_FN => TypeDesc::Function {
                params: vec![FrontendTy(PTR + CALLBACK), FrontendTy(I32)],
                ret: Some(FrontendTy(I32)),
                variadic: false,
                artificial_params: Vec::new(),
            },
            CALLBACK_FN_PTR => TypeDesc::Pointer {
                pointee: FrontendTy(CALLBACK_FN),
            },
            p if (PTR..PTR + 100).contains(&p) => TypeDesc::Pointer {
                pointee: FrontendTy(p - PTR),
            },
            other => return Err(format!("no type #{other}")),
        })
    }
}

/// `main`: push rbp; mov rbp,rsp; mov dword [rbp-4],0; mov eax,[rbp-4]; pop rbp; ret
const CODE: [u8; 16] = [
    0x55, 0x48, 0x89, 0xe5, 0xc7, 0x45, 0xfc, 0, 0, 0, 0, 0x8b, 0x45, 0xfc, 0x5d, 0xc3,
];

/// The example's object: the recursive types, `main` with its code, line
/// rows and locals, and its call-frame information.
pub fn build() -> dwarfsmith::Result<Vec<u8>> {
    let backend = GimliBackend::new(GimliOptions::default())?;
    let cu = CompileUnit {
        producer: "dwarfsmith recursive_types example".into(),
        language: Language::C11,
        name: "zoo.c".into(),
        comp_dir: "/tmp".into(),
    };
    let mut cx = DebugContext::new(backend, &cu)?;
    let file = cx.file(Path::new("zoo.c"))?;
    let mut zoo = Zoo { file };
    let mut types = Vec::new();
    for t in [LIST, TREE, A, GRAPH, CALLBACK] {
        types.push(cx.resolve_type(&mut zoo, FrontendTy(t))?);
    }
    let int = cx.resolve_type(&mut zoo, FrontendTy(I32))?;
    let main = cx.define_function(&FunctionDesc {
        name: "main",
        linkage_name: "main",
        namespace: None,
        file,
        line: 9,
        ret: Some(int),
        params: &[],
        external: true,
        method_of: None,
    })?;
    let body = cx.function_scope(main)?;
    cx.enter_function(main)?;
    let x = cx.declare_local(body, "x", int, 10, 9)?;
    // Locals of every recursive type, so a debugger can look at them.
    let names = ["list", "tree", "a", "graph", "callback"];
    let mut locals = Vec::new();
    for (n, t) in names.iter().zip(&types) {
        locals.push(cx.declare_local(body, n, *t, 10, 1)?);
    }
    cx.start_emitting_source_locations()?;
    let l10 = cx.set_source_location(body, 10, 9)?;
    let l11 = cx.set_source_location(body, 11, 12)?;
    let l12 = cx.set_source_location(body, 12, 1)?;
    cx.exit_function()?;
    let rows = [
        CodeRow {
            offset: 0,
            loc: None,
        },
        CodeRow {
            offset: 4,
            loc: l10,
        },
        CodeRow {
            offset: 11,
            loc: l11,
        },
        CodeRow {
            offset: 14,
            loc: l12,
        },
    ];
    cx.define_function_code(main, CODE.len() as u64, &rows)?;
    // CFA = rbp + 16 after the prologue: [rbp-4] is CFA-20.
    cx.enter_function(main)?;
    cx.set_variable_location(x, VarLocation::FrameOffset(-20))?;
    for (i, v) in locals.iter().enumerate() {
        cx.set_variable_location(*v, VarLocation::FrameOffset(-200 - 40 * i as i64))?;
    }
    cx.exit_function()?;
    let encoding = gimli::Encoding {
        format: gimli::Format::Dwarf32,
        version: 1,
        address_size: 8,
    };
    let mut cie = CommonInformationEntry::new(encoding, 1, -8, gimli::X86_64::RA);
    cie.add_instruction(CallFrameInstruction::Cfa(gimli::X86_64::RSP, 8));
    cie.add_instruction(CallFrameInstruction::Offset(gimli::X86_64::RA, -8));
    cx.backend_mut().set_cie(cie)?;
    cx.backend_mut().add_fde("main", |addr| {
        let mut fde = FrameDescriptionEntry::new(addr, CODE.len() as u32);
        fde.add_instruction(1, CallFrameInstruction::CfaOffset(16));
        fde.add_instruction(1, CallFrameInstruction::Offset(gimli::X86_64::RBP, -16));
        fde.add_instruction(4, CallFrameInstruction::CfaRegister(gimli::X86_64::RBP));
        fde
    })?;
    let dwarf = cx.finish()?;
    let mut obj = DwarfObject::new_elf_object();
    let text = obj.section_id(object::write::StandardSection::Text);
    let off = obj.append_section_data(text, &CODE, 16);
    obj.add_symbol(Symbol {
        name: b"main".to_vec(),
        value: off,
        size: CODE.len() as u64,
        kind: SymbolKind::Text,
        scope: SymbolScope::Linkage,
        weak: false,
        section: SymbolSection::Section(text),
        flags: SymbolFlags::None,
    });
    dwarf.write_into(&mut obj)?;
    obj.write()
        .map_err(|e| dwarfsmith::Error::new(dwarfsmith::ErrorKind::Backend, e.to_string()))
}

fn main() {
    let Some(out) = std::env::args_os().nth(1) else {
        eprintln!("usage: recursive_types OUT.o");
        std::process::exit(2);
    };
    match build() {
        Ok(bytes) => {
            if let Err(e) = std::fs::write(&out, bytes) {
                eprintln!("error: cannot write {}: {e}", Path::new(&out).display());
                std::process::exit(1);
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
