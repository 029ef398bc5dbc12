//! Shared test fixtures: a table-driven `TypeSource`, object building, and
//! the independent checks every produced object goes through
//! (`llvm-dwarfdump-19 --verify` and a gimli read-back).
#![allow(dead_code)]

#[cfg(any(feature = "llvm19", feature = "llvm22"))]
pub mod llvm;
pub mod model;
pub mod readback;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use dwarfsmith::{
    BaseEncoding, CompileUnit, CompositeDesc, DebugContext, DeclLoc, DwarfObject, FieldDesc,
    FileId, FrontendTy, GimliBackend, GimliOptions, Language, NominalKey, TaggedUnionDesc,
    TaggedUnionEncoding, TypeDesc, TypeScope, TypeSource, VariantDesc,
};
use object::write::{Object, Symbol, SymbolSection};
use object::{SymbolFlags, SymbolKind, SymbolScope};

/// A frontend whose types are a table. Counts `describe` calls.
#[derive(Default)]
pub struct Table {
    pub types: HashMap<u64, TypeDesc>,
    pub describes: HashMap<u64, u32>,
}

impl TypeSource for Table {
    fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String> {
        *self.describes.entry(ty.0).or_default() += 1;
        self.types
            .get(&ty.0)
            .cloned()
            .ok_or_else(|| format!("unknown type #{}", ty.0))
    }
}

impl Table {
    pub fn add(&mut self, id: u64, d: TypeDesc) -> FrontendTy {
        self.types.insert(id, d);
        FrontendTy(id)
    }
}

/// Handles of the primitives [`prims`] adds.
pub const I32: u64 = 1;
/// `i64`.
pub const I64: u64 = 2;
/// `u32`.
pub const U32: u64 = 3;
/// `f64`.
pub const F64: u64 = 4;

/// Adds `i32`, `i64`, `u32` and `f64` under [`I32`], [`I64`], [`U32`], [`F64`].
pub fn prims(t: &mut Table) {
    t.add(I32, base("i32", 4, BaseEncoding::Signed));
    t.add(I64, base("i64", 8, BaseEncoding::Signed));
    t.add(U32, base("u32", 4, BaseEncoding::Unsigned));
    t.add(F64, base("f64", 8, BaseEncoding::Float));
}

pub fn base(name: &str, size: u64, encoding: BaseEncoding) -> TypeDesc {
    TypeDesc::Base {
        name: name.into(),
        size,
        encoding,
    }
}

pub fn ptr(to: u64) -> TypeDesc {
    TypeDesc::Pointer {
        pointee: FrontendTy(to),
    }
}

pub fn field(name: &str, ty: u64, offset: u64) -> FieldDesc {
    FieldDesc::new(name, FrontendTy(ty), offset)
}

pub fn strukt(
    def_id: u64,
    name: &str,
    size: u64,
    fields: Vec<FieldDesc>,
    file: Option<FileId>,
) -> TypeDesc {
    TypeDesc::Struct(
        CompositeDesc::new(NominalKey::new(0xC0FFEE, def_id), name, size, 8)
            .decl(file.map(|file| DeclLoc {
                file,
                line: def_id as u32 % 1000 + 1,
            }))
            .members(fields),
    )
}

pub fn unit() -> CompileUnit {
    CompileUnit {
        producer: "dwarfsmith tests".into(),
        language: Language::C11,
        name: "test.c".into(),
        comp_dir: "/work".into(),
    }
}

pub fn context(version: u16) -> DebugContext<GimliBackend> {
    let b = GimliBackend::new(GimliOptions {
        dwarf_version: version,
        ..Default::default()
    })
    .expect("backend");
    DebugContext::new(b, &unit()).expect("context")
}

/// Resolves the handles `hs` of `t`, in order, in a fresh DWARF 5 context.
pub fn resolve_all(t: &mut Table, hs: &[u64]) -> dwarfsmith::Result<()> {
    let mut cx = context(5);
    for h in hs {
        cx.resolve_type(t, FrontendTy(*h))?;
    }
    Ok(())
}

/// Asserts that `r` is refused with `kind` and that its message names each
/// of `says` (a misuse case's typed error).
pub fn assert_refused<T: std::fmt::Debug>(
    r: dwarfsmith::Result<T>,
    kind: dwarfsmith::ErrorKind,
    says: &[&str],
) {
    let e = r.expect_err("this misuse must be refused");
    assert_eq!(e.kind(), kind, "{e}");
    for s in says {
        assert!(e.message().contains(s), "`{s}` not in: {e}");
    }
}

/// x86-64: push rbp; mov rbp,rsp; mov dword [rbp-4],0; mov eax,[rbp-4]; pop rbp; ret
pub const CODE: [u8; 16] = [
    0x55, 0x48, 0x89, 0xe5, 0xc7, 0x45, 0xfc, 0, 0, 0, 0, 0x8b, 0x45, 0xfc, 0x5d, 0xc3,
];

/// An ELF object with one `CODE` copy per symbol and the DWARF.
pub fn object_with(
    dwarf: &DwarfObject,
    functions: &[&str],
    data_symbols: &[(&str, usize)],
) -> Vec<u8> {
    let sized: Vec<(&str, usize)> = functions.iter().map(|f| (*f, CODE.len())).collect();
    object_with_code_sizes(dwarf, &sized, data_symbols)
}

/// Like [`object_with`], each function `(name, size)` being `CODE` padded
/// with `int3` to `size` bytes.
pub fn object_with_code_sizes(
    dwarf: &DwarfObject,
    functions: &[(&str, usize)],
    data_symbols: &[(&str, usize)],
) -> Vec<u8> {
    let mut obj: Object<'static> = DwarfObject::new_elf_object();
    let text = obj.section_id(object::write::StandardSection::Text);
    for (f, size) in functions {
        let mut code = CODE.to_vec();
        code.resize((*size).max(CODE.len()), 0xcc);
        let off = obj.append_section_data(text, &code, 16);
        obj.add_symbol(Symbol {
            name: f.as_bytes().to_vec(),
            value: off,
            size: code.len() as u64,
            kind: SymbolKind::Text,
            scope: SymbolScope::Linkage,
            weak: false,
            section: SymbolSection::Section(text),
            flags: SymbolFlags::None,
        });
    }
    let data = obj.section_id(object::write::StandardSection::Data);
    for (name, size) in data_symbols {
        let off = obj.append_section_data(data, &vec![0; *size], 8);
        obj.add_symbol(Symbol {
            name: name.as_bytes().to_vec(),
            value: off,
            size: *size as u64,
            kind: SymbolKind::Data,
            scope: SymbolScope::Linkage,
            weak: false,
            section: SymbolSection::Section(data),
            flags: SymbolFlags::None,
        });
    }
    dwarf.write_into(&mut obj).expect("write_into");
    obj.write().expect("object write")
}

fn tmp_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("objects");
    std::fs::create_dir_all(&d).expect("tmp dir");
    d
}

/// Writes `bytes` to a file named `name` in the test scratch directory.
pub fn save(name: &str, bytes: &[u8]) -> PathBuf {
    let p = tmp_dir().join(name);
    std::fs::write(&p, bytes).expect("write object");
    p
}

/// `COMPILER -g -c tests/data/SRC` into the tests' output directory as
/// `out` (g++'s or gcc's object to compare ours with). Compiled once per
/// test process; a missing compiler or a failed compile fails the test
/// saying so.
pub fn compile_data(compiler: &str, src: &str, out: &str) -> PathBuf {
    static BUILT: std::sync::Mutex<Vec<(String, PathBuf)>> = std::sync::Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, p)) = built.iter().find(|(o, _)| o == out) {
        return p.clone();
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(src);
    let obj = save(out, b"");
    let st = Command::new(compiler)
        .args(["-g", "-c", "-o"])
        .arg(&obj)
        .arg(&src)
        .status()
        .unwrap_or_else(|e| {
            panic!("{compiler} is needed for this test (apt-get install {compiler}): {e}")
        });
    assert!(st.success(), "{compiler} failed on {}", src.display());
    built.push((out.to_string(), obj.clone()));
    obj
}

pub const INSTALL: &str =
    "apt-get install -y llvm-19-tools lldb-19 gdb (scripts/test does this when run as root)";

/// Runs `llvm-dwarfdump-19 --verify` and panics with its output on errors.
pub fn verify(name: &str, bytes: &[u8]) {
    let p = save(name, bytes);
    let out = Command::new("llvm-dwarfdump-19")
        .arg("--verify")
        .arg(&p)
        .output()
        .unwrap_or_else(|e| panic!("cannot run llvm-dwarfdump-19 ({e}); install it: {INSTALL}"));
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && text.contains("No errors."),
        "llvm-dwarfdump-19 --verify {} failed:\n{text}",
        p.display()
    );
}

/// Every independent check of an object: llvm-dwarfdump's verifier and a
/// gimli read-back (references resolve, each type defined once).
pub fn check_object(name: &str, bytes: &[u8]) -> readback::Summary {
    verify(name, bytes);
    readback::check(bytes).unwrap_or_else(|e| panic!("gimli read-back of {name}: {e}"))
}

/// `llvm-dwarfdump-19` output with offsets and addresses that churn removed.
pub fn dwarfdump(name: &str, bytes: &[u8], args: &[&str]) -> String {
    let p = save(name, bytes);
    let out = Command::new("llvm-dwarfdump-19")
        .args(args)
        .arg(&p)
        .output()
        .unwrap_or_else(|e| panic!("cannot run llvm-dwarfdump-19 ({e}); install it: {INSTALL}"));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = Vec::new();
    for l in text.lines() {
        if l.contains("file format") {
            continue;
        }
        lines.push(scrub_hex(l));
    }
    lines.join("\n")
}

/// Replaces every `0x` hex literal by `0x_` (offsets, addresses, lengths).
fn scrub_hex(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'0' && i + 1 < b.len() && b[i + 1] == b'x' {
            out.push_str("0x_");
            i += 2;
            while i < b.len() && b[i].is_ascii_hexdigit() {
                i += 1;
            }
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

/// Runs gdb in batch mode on `obj`: `prelude` (gdb arguments, e.g.
/// `["-ex", "set language rust"]`), then each command of `cmds` behind an
/// `echo` marker; returns each command's output, in order.
pub fn gdb_answers(obj: &Path, prelude: &[&str], cmds: &[&str]) -> Vec<String> {
    let mut c = Command::new("gdb");
    c.args(["-batch", "-nx"]).args(prelude);
    for cmd in cmds {
        c.args(["-ex", &format!("echo <<{cmd}>>\\n"), "-ex", cmd]);
    }
    let out = c
        .arg(obj)
        .output()
        .unwrap_or_else(|e| panic!("cannot run gdb ({e}); install it: {INSTALL}"));
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    cmds.iter()
        .map(|cmd| {
            let marker = format!("<<{cmd}>>\n");
            let start = text.find(&marker).map_or(text.len(), |i| i + marker.len());
            let rest = &text[start..];
            rest[..rest.find("<<").unwrap_or(rest.len())]
                .trim_end()
                .to_owned()
        })
        .collect()
}

/// Where insta snapshots live: the repository's top-level `snapshots/`.
pub fn snapshot_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots")
}

/// An object's debug info as the library's stable renderer prints it
/// (no line table, no call frames), for an insta snapshot.
pub fn render_types(object: &[u8]) -> String {
    dwarfsmith::render::render_object(
        object,
        &dwarfsmith::render::RenderOptions {
            line_table: false,
            call_frames: false,
            path_prefix: None,
        },
    )
    .unwrap_or_else(|e| panic!("cannot render the object: {e}"))
}

/// The zoo of the issue: List, Tree, three mutually recursive structs, a
/// struct with an array of pointers to itself, a function-pointer member
/// taking its own struct. Pointers are `1000 + pointee`.
pub fn zoo(t: &mut Table) -> Vec<FrontendTy> {
    prims(t);
    for id in 10..=16 {
        t.add(1000 + id, ptr(id));
    }
    t.add(
        10,
        strukt(
            10,
            "List",
            16,
            vec![field("value", I64, 0), field("next", 1010, 8)],
            None,
        ),
    );
    t.add(
        11,
        strukt(
            11,
            "Tree",
            32,
            vec![
                field("value", I64, 0),
                field("left", 1011, 8),
                field("right", 1011, 16),
                field("parent", 1011, 24),
            ],
            None,
        ),
    );
    t.add(
        12,
        strukt(
            12,
            "A",
            16,
            vec![field("b", 1013, 0), field("x", I32, 8)],
            None,
        ),
    );
    t.add(13, strukt(13, "B", 8, vec![field("c", 1014, 0)], None));
    t.add(14, strukt(14, "C", 8, vec![field("a", 1012, 0)], None));
    t.add(
        20,
        TypeDesc::Array {
            elem: FrontendTy(1015),
            len: 4,
            elem_size: 8,
            align: 8,
        },
    );
    t.add(
        15,
        strukt(
            15,
            "Graph",
            40,
            vec![field("edges", 20, 0), field("id", I64, 32)],
            None,
        ),
    );
    t.add(
        21,
        TypeDesc::Function {
            params: vec![FrontendTy(1016), FrontendTy(I32)],
            ret: Some(FrontendTy(I32)),
            variadic: false,
            artificial_params: Vec::new(),
        },
    );
    t.add(22, ptr(21));
    t.add(
        16,
        strukt(
            16,
            "Callback",
            16,
            vec![field("f", 22, 0), field("data", I64, 8)],
            None,
        ),
    );
    [10, 11, 12, 15, 16].map(FrontendTy).to_vec()
}

/// A tagged union `name` (24 bytes, `u32` tag at 0) with variants `Circle(f64)`,
/// `Rect(f64, f64)` and `Empty`, in `encoding`; needs [`prims`].
pub fn shape(id: u64, name: &str, encoding: TaggedUnionEncoding) -> TypeDesc {
    TypeDesc::TaggedUnion(TaggedUnionDesc {
        key: NominalKey {
            crate_hash: 1,
            def_id: id,
        },
        generic_args: vec![],
        name: name.into(),
        scope: TypeScope::Unit,
        size: 24,
        align: 8,

        tag: Some(dwarfsmith::TagDesc {
            offset: 0,
            ty: FrontendTy(U32),
        }),
        variants: vec![
            VariantDesc {
                name: "Circle".into(),
                discriminant: (0).into(),
                fields: vec![field("__0", F64, 8)],
                template_params: Vec::new(),
            },
            VariantDesc {
                name: "Rect".into(),
                discriminant: (1).into(),
                fields: vec![field("__0", F64, 8), field("__1", F64, 16)],
                template_params: Vec::new(),
            },
            VariantDesc {
                name: "Empty".into(),
                discriminant: (2).into(),
                fields: vec![],
                template_params: Vec::new(),
            },
        ],
        encoding,
        decl: None,
        template_params: Vec::new(),
        methods: Vec::new(),
    })
}

/// Defines a top-level function `name` (its own symbol) in `a.c`, line 1.
pub fn function(cx: &mut DebugContext<GimliBackend>, name: &str) -> dwarfsmith::FunctionId {
    let file = cx.file("a.c".as_ref()).unwrap();
    cx.define_function(&dwarfsmith::FunctionDesc {
        name,
        linkage_name: name,
        namespace: None,
        file,
        line: 1,
        ret: None,
        params: &[],
        external: true,
        method_of: None,
    })
    .unwrap()
}

/// `PROGRAM BATCH... (FLAG CMD)... EXE`: stdout then stderr.
fn debugger_batch(program: &str, batch: &[&str], flag: &str, exe: &Path, cmds: &[&str]) -> String {
    let mut c = Command::new(program);
    c.args(batch);
    for x in cmds {
        c.args([flag, x]);
    }
    let out = c
        .arg(exe)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program} ({e}); install it: {INSTALL}"));
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

/// `gdb -batch -nx` with `-ex` commands: stdout then stderr.
pub fn gdb(exe: &Path, cmds: &[&str]) -> String {
    debugger_batch("gdb", &["-batch", "-nx"], "-ex", exe, cmds)
}

/// `lldb-19 -b --no-lldbinit` with `-o` commands: stdout then stderr.
pub fn lldb(exe: &Path, cmds: &[&str]) -> String {
    debugger_batch("lldb-19", &["-b", "--no-lldbinit"], "-o", exe, cmds)
}
