//! The synthetic benchmark program, shared by `examples/bench_emit`, the
//! criterion benches and the baseline-equivalence test.
//!
//! One scale knob `N`:
//!
//! * `N` functions `bench::f{i}` in namespace `bench`, each with two
//!   parameters, four locals, two nested lexical blocks and 20 code rows (19
//!   located, one prologue row, one row with a cleared location), reported
//!   with `define_function_code`; every variable gets `set_variable_location`;
//! * `groups(N) = ceil(N / 14)` groups of seven types, about `N / 2` types:
//!   a recursive struct `S{g}` (pointing at itself and at `S{g-1}`), a
//!   pointer to it, an array `[*S{g}; 4]`, a function type and a pointer to
//!   it, a tagged union `Opt{g}` (variant-part encoding for even groups,
//!   C++-like for odd ones) and a generic-like instantiation `Vec<S{g}>`;
//! * every type has [`ALIASES`] frontend handles that describe it identically
//!   (rustc's lifetimes), so most `resolve_type` calls take the fast path or
//!   meet an existing unique ID.
//!
//! Everything is computed from the handle or index on demand: the workload
//! itself allocates nothing that grows with `N`, so peak-RSS growth is the
//! emitter's.

#![allow(dead_code)]

use std::path::Path;

use dwarfsmith::{
    BaseEncoding, CodeRow, CompileUnit, CompositeDesc, DebugContext, DeclLoc, FieldDesc, FileId,
    FrontendTy, FunctionDesc, GimliBackend, GimliOptions, Language, NominalKey, TaggedUnionDesc,
    TaggedUnionEncoding, TypeDesc, TypeScope, TypeSource, VarLocation, VariantDesc,
};

/// Frontend handles per unique type.
pub const ALIASES: u64 = 4;
/// Type kinds per group.
pub const KINDS: u64 = 7;
/// Kinds inside a group (handle layout: `BASE_END + (g*KINDS + kind)*ALIASES + alias`).
pub const K_STRUCT: u64 = 0;
/// `*S{g}`.
pub const K_PTR: u64 = 1;
/// `[*S{g}; 4]`.
pub const K_ARRAY: u64 = 2;
/// `fn(*S{g}, i32) -> i64`.
pub const K_FN: u64 = 3;
/// `*fn(...)`.
pub const K_FNPTR: u64 = 4;
/// `Opt{g}`.
pub const K_TAGGED: u64 = 5;
/// `Vec<S{g}>`.
pub const K_GENERIC: u64 = 6;
/// Base types, in resolution order: name, size, encoding.
pub const BASES: [(&str, u64, BaseEncoding); 6] = [
    ("i64", 8, BaseEncoding::Signed),
    ("i32", 4, BaseEncoding::Signed),
    ("u8", 1, BaseEncoding::Unsigned),
    ("u64", 8, BaseEncoding::Unsigned),
    ("f64", 8, BaseEncoding::Float),
    ("bool", 1, BaseEncoding::Boolean),
];
/// Base-type indices into [`BASES`].
pub const B_I64: u64 = 0;
/// `i32`.
pub const B_I32: u64 = 1;
/// `u8`.
pub const B_U8: u64 = 2;
/// `u64`.
pub const B_U64: u64 = 3;
/// First handle of the type groups.
pub const BASE_END: u64 = 64;
/// The defining "crate" of every nominal type.
pub const CRATE: u64 = 0xbe9c_0000_0000_0001;
/// The definition id of `Vec`.
pub const VEC_DEF: u64 = u64::MAX;
/// Source files the functions are spread over.
pub const FILES: u64 = 4;
/// Bytes of code per function: an 8-byte prologue and 19 rows of 4 bytes.
pub const CODE_SIZE: u64 = 8 + 19 * 4;
/// Compile-unit name, directory and producer.
pub const CU_NAME: &str = "bench.toy";
/// `DW_AT_comp_dir`.
pub const COMP_DIR: &str = "/tmp/bench";
/// `DW_AT_producer`.
pub const PRODUCER: &str = "dwarfsmith bench_emit";

/// Number of type groups at scale `n`.
pub fn groups(n: u64) -> u64 {
    n.div_ceil(14).max(1)
}

/// Handle of base type `b` (alias `a`).
pub fn base(b: u64, a: u64) -> FrontendTy {
    FrontendTy(b * ALIASES + a % ALIASES)
}

/// Handle of `kind` in group `g` (alias `a`).
pub fn ty(g: u64, kind: u64, a: u64) -> FrontendTy {
    FrontendTy(BASE_END + (g * KINDS + kind) * ALIASES + a % ALIASES)
}

/// Path of source file `k`.
pub fn file_path(k: u64) -> String {
    format!("bench/f{k}.toy")
}

/// Declaration line of group `g`'s types.
pub fn type_line(g: u64) -> u32 {
    (g % 1_000_000) as u32 + 1
}

/// Line of function `i`'s definition; its rows use the following lines.
pub fn fn_line(i: u64) -> u32 {
    (i % 100_000) as u32 * 20 + 1
}

/// Where one code row's location comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowScope {
    /// Prologue: no location.
    Prologue,
    /// The function's outermost scope.
    Body,
    /// The outer lexical block.
    Block1,
    /// The inner lexical block (inside `Block1`).
    Block2,
    /// `clear_source_location`: compiler-generated code.
    Cleared,
}

/// The 20 code rows of every function: offset and scope. Rows `j >= 1` are
/// at line `fn_line + 1 + j / 2`, column `5 + (j % 2) * 4`.
pub fn row_scope(j: u64) -> RowScope {
    match j {
        0 => RowScope::Prologue,
        6..=8 | 11..=12 | 15..=16 => RowScope::Block1,
        9..=10 => RowScope::Block2,
        17 => RowScope::Cleared,
        _ => RowScope::Body,
    }
}

/// Number of code rows per function.
pub const ROWS: u64 = 20;

/// Byte offset of row `j`.
pub fn row_offset(j: u64) -> u64 {
    if j == 0 {
        0
    } else {
        8 + (j - 1) * 4
    }
}

/// Line and column of located row `j` of function `i`.
pub fn row_line_col(i: u64, j: u64) -> (u32, u32) {
    (fn_line(i) + 1 + (j / 2) as u32, 5 + (j % 2) as u32 * 4)
}

/// One parameter or local of a workload function.
#[derive(Debug, Clone, Copy)]
pub struct Var {
    /// Name.
    pub name: &'static str,
    /// Type handle (an alias chosen by the function's index).
    pub ty: FrontendTy,
    /// Argument number for parameters.
    pub arg: Option<u32>,
    /// Declaring scope.
    pub scope: RowScope,
    /// Declaration line, relative to the function's line.
    pub line: u32,
    /// Declaration column.
    pub col: u32,
    /// Storage.
    pub loc: VarLocation,
}

/// The variables of function `i` at scale `n`: two parameters, then the
/// locals.
pub fn variables(i: u64, n: u64) -> [Var; 6] {
    let gs = groups(n);
    let (g, g2) = (i % gs, (i * 7 + 3) % gs);
    let v = |name, ty, arg, scope, line, col, loc| Var {
        name,
        ty,
        arg,
        scope,
        line,
        col,
        loc,
    };
    use RowScope::{Block1, Block2, Body};
    use VarLocation::{FrameOffset, Register};
    [
        v("this", ty(g, K_PTR, i), Some(1), Body, 0, 5, Register(5)),
        v(
            "opt",
            ty(g2, K_TAGGED, i / 4),
            Some(2),
            Body,
            0,
            15,
            FrameOffset(-24),
        ),
        v("acc", base(B_I64, i), None, Body, 1, 9, FrameOffset(-32)),
        v(
            "items",
            ty(g, K_ARRAY, i + 1),
            None,
            Block1,
            3,
            9,
            FrameOffset(-64),
        ),
        v(
            "cb",
            ty(g2, K_FNPTR, i + 2),
            None,
            Block1,
            3,
            13,
            Register(3),
        ),
        v(
            "v",
            ty(g, K_GENERIC, i + 3),
            None,
            Block2,
            5,
            13,
            FrameOffset(-96),
        ),
    ]
}

/// Return type of every function.
pub fn ret_ty(i: u64) -> FrontendTy {
    base(B_I64, i + 1)
}

/// The workload's `TypeSource`: descriptions computed from the handle.
pub struct Types {
    /// The file types are declared in.
    pub file: FileId,
}

fn field(name: &str, ty: FrontendTy, offset: u64) -> FieldDesc {
    FieldDesc::new(name, ty, offset)
}

/// Description of kind `kind` of group `g`, as data shared with the raw
/// baseline: struct fields `(name, handle, offset)`.
pub fn struct_fields(g: u64) -> [(&'static str, FrontendTy, u64); 4] {
    [
        ("value", base(B_I64, g), 0),
        ("next", ty(g, K_PTR, g + 1), 8),
        ("up", ty(g.saturating_sub(1), K_PTR, g + 2), 16),
        ("count", base(B_I32, g + 3), 24),
    ]
}

/// Fields of `Vec<S{g}>`.
pub fn vec_fields(g: u64) -> [(&'static str, FrontendTy, u64); 3] {
    [
        ("ptr", ty(g, K_PTR, 0), 0),
        ("len", base(B_U64, g), 8),
        ("cap", base(B_U64, g + 1), 16),
    ]
}

/// Whether group `g`'s tagged union uses the C++-like encoding.
pub fn cpp_like(g: u64) -> bool {
    g % 2 == 1
}

impl Types {
    fn describe_kind(&self, g: u64, kind: u64) -> TypeDesc {
        let decl = Some(DeclLoc {
            file: self.file,
            line: type_line(g),
        });
        let key = NominalKey {
            crate_hash: CRATE,
            def_id: g * KINDS + kind,
        };
        let fields = |fs: &[(&str, FrontendTy, u64)]| {
            fs.iter()
                .map(|(n, t, o)| field(n, *t, *o))
                .collect::<Vec<_>>()
        };
        match kind {
            K_STRUCT => TypeDesc::Struct(
                CompositeDesc::new(key, format!("S{g}"), 32, 8)
                    .decl(decl)
                    .members(fields(&struct_fields(g))),
            ),
            K_PTR => TypeDesc::Pointer {
                pointee: ty(g, K_STRUCT, g),
            },
            K_ARRAY => TypeDesc::Array {
                elem: ty(g, K_PTR, 2),
                len: 4,
                elem_size: 8,
                align: 8,
            },
            K_FN => TypeDesc::Function {
                params: vec![ty(g, K_PTR, 3), base(B_I32, 0)],
                ret: Some(base(B_I64, 0)),
                variadic: false,
                artificial_params: Vec::new(),
            },
            K_FNPTR => TypeDesc::Pointer {
                pointee: ty(g, K_FN, 0),
            },
            K_TAGGED => TypeDesc::TaggedUnion(TaggedUnionDesc {
                key,
                generic_args: vec![],
                name: format!("Opt{g}"),
                scope: TypeScope::Unit,
                size: 16,
                align: 8,

                tag: Some(dwarfsmith::TagDesc {
                    offset: 0,
                    ty: base(B_U8, g),
                }),
                variants: vec![
                    VariantDesc {
                        name: "None".into(),
                        discriminant: (0).into(),
                        fields: vec![],
                        template_params: Vec::new(),
                    },
                    VariantDesc {
                        name: "Some".into(),
                        discriminant: (1).into(),
                        fields: vec![field("value", ty(g, K_PTR, 1), 8)],
                        template_params: Vec::new(),
                    },
                ],
                encoding: if cpp_like(g) {
                    TaggedUnionEncoding::CppLike
                } else {
                    TaggedUnionEncoding::VariantPart
                },
                decl,
                template_params: Vec::new(),
                methods: Vec::new(),
            }),
            _ => TypeDesc::Struct(
                CompositeDesc::new(NominalKey::new(CRATE, VEC_DEF), format!("Vec<S{g}>"), 24, 8)
                    .generic_args(vec![ty(g, K_STRUCT, 2)])
                    .decl(decl)
                    .members(fields(&vec_fields(g))),
            ),
        }
    }
}

impl TypeSource for Types {
    fn describe(&mut self, t: FrontendTy) -> Result<TypeDesc, String> {
        if t.0 < BASE_END {
            let (name, size, encoding) = *BASES
                .get((t.0 / ALIASES) as usize)
                .ok_or_else(|| format!("no base type #{}", t.0))?;
            return Ok(TypeDesc::Base {
                name: name.into(),
                size,
                encoding,
            });
        }
        let x = (t.0 - BASE_END) / ALIASES;
        Ok(self.describe_kind(x / KINDS, x % KINDS))
    }
}

/// The compile unit every variant describes.
pub fn compile_unit() -> CompileUnit {
    CompileUnit {
        producer: PRODUCER.into(),
        language: Language::Rust,
        name: CU_NAME.into(),
        comp_dir: COMP_DIR.into(),
    }
}

/// Drives the whole workload at scale `n` through the public API of `cx`,
/// returning nothing but errors: files, namespace, every type group, then
/// the functions with their variables, locations and code.
pub fn emit<B: dwarfsmith::Backend>(cx: &mut DebugContext<B>, n: u64) -> dwarfsmith::Result<()> {
    let mut files = Vec::new();
    for k in 0..FILES {
        files.push(cx.file(Path::new(&file_path(k)))?);
    }
    let ns = cx.namespace(None, "bench")?;
    let mut src = Types { file: files[0] };
    for b in 0..BASES.len() as u64 {
        cx.resolve_type(&mut src, base(b, 0))?;
    }
    for g in 0..groups(n) {
        for kind in [K_PTR, K_ARRAY, K_FNPTR, K_TAGGED, K_GENERIC] {
            cx.resolve_type(&mut src, ty(g, kind, 0))?;
        }
    }
    let mut rows = Vec::with_capacity(ROWS as usize);
    let mut name = String::new();
    let mut linkage = String::new();
    for i in 0..n {
        use std::fmt::Write;
        name.clear();
        linkage.clear();
        let _ = write!(name, "f{i}");
        let _ = write!(linkage, "bench::f{i}");
        let vars = variables(i, n);
        let p1 = cx.resolve_type(&mut src, vars[0].ty)?;
        let p2 = cx.resolve_type(&mut src, vars[1].ty)?;
        let ret = cx.resolve_type(&mut src, ret_ty(i))?;
        let file = files[(i % FILES) as usize];
        let line = fn_line(i);
        let f = cx.define_function(&FunctionDesc {
            name: &name,
            linkage_name: &linkage,
            namespace: Some(ns),
            file,
            line,
            ret: Some(ret),
            params: &[p1, p2],
            external: true,
            method_of: None,
        })?;
        cx.enter_function(f)?;
        let body = cx.function_scope(f)?;
        let mut ids = Vec::with_capacity(vars.len());
        for (v, t) in vars.iter().zip([p1, p2]) {
            let arg = v.arg.unwrap_or(1);
            ids.push(cx.declare_parameter(f, v.name, arg, t, line + v.line, v.col)?);
        }
        cx.start_emitting_source_locations()?;
        let b1 = cx.lexical_block(body, file, line + 2, 5)?;
        let b2 = cx.lexical_block(b1, file, line + 4, 9)?;
        for v in vars.iter().filter(|v| v.arg.is_none()) {
            let t = cx.resolve_type(&mut src, v.ty)?;
            let s = match v.scope {
                RowScope::Block1 => b1,
                RowScope::Block2 => b2,
                _ => body,
            };
            ids.push(cx.declare_local(s, v.name, t, line + v.line, v.col)?);
        }
        rows.clear();
        for j in 0..ROWS {
            let (l, c) = row_line_col(i, j);
            let loc = match row_scope(j) {
                RowScope::Prologue => None,
                RowScope::Cleared => {
                    cx.clear_source_location()?;
                    None
                }
                RowScope::Body => cx.set_source_location(body, l, c)?,
                RowScope::Block1 => cx.set_source_location(b1, l, c)?,
                RowScope::Block2 => cx.set_source_location(b2, l, c)?,
            };
            rows.push(CodeRow {
                offset: row_offset(j),
                loc,
            });
        }
        cx.exit_function()?;
        cx.define_function_code(f, CODE_SIZE, &rows)?;
        for (v, var) in ids.iter().zip(vars.iter()) {
            cx.set_variable_location(*v, var.loc)?;
        }
    }
    Ok(())
}

/// A fresh gimli-backend context for the workload.
pub fn gimli_context() -> dwarfsmith::Result<DebugContext<GimliBackend>> {
    DebugContext::new(GimliBackend::new(GimliOptions::default())?, &compile_unit())
}

/// The object every variant writes its DWARF into: a `.text` with `n`
/// functions of [`CODE_SIZE`] bytes (`int3`) and their symbols.
pub fn text_object(n: u64) -> object::write::Object<'static> {
    use object::write::{Symbol, SymbolSection};
    let mut obj = dwarfsmith::DwarfObject::new_elf_object();
    let text = obj.section_id(object::write::StandardSection::Text);
    obj.set_section_data(text, vec![0xcc; (n * CODE_SIZE) as usize], 16);
    for i in 0..n {
        obj.add_symbol(Symbol {
            name: format!("bench::f{i}").into_bytes(),
            value: i * CODE_SIZE,
            size: CODE_SIZE,
            kind: object::SymbolKind::Text,
            scope: object::SymbolScope::Linkage,
            weak: false,
            section: SymbolSection::Section(text),
            flags: object::SymbolFlags::None,
        });
    }
    obj
}

/// The whole gimli-backend variant: workload → ELF bytes.
pub fn run_gimli(n: u64) -> dwarfsmith::Result<Vec<u8>> {
    let mut cx = gimli_context()?;
    emit(&mut cx, n)?;
    let dwarf = cx.finish()?;
    let mut obj = text_object(n);
    dwarf.write_into(&mut obj)?;
    obj.write()
        .map_err(|e| dwarfsmith::Error::new(dwarfsmith::ErrorKind::Backend, e.to_string()))
}
