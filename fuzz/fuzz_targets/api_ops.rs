//! A sequence of public API operations decoded from the fuzzer's bytes,
//! misuse included: handles from a second context, out-of-range values,
//! empty and NUL names, inconsistent type descriptions, expanding generic
//! instantiations. No operation may panic, overflow the stack or hang; when
//! `finish` succeeds the DWARF is written into an object and rendered with
//! `render_object`, which must not fail on our own output.
//!
//! The frontend is a table of up to 24 type templates decoded from the first
//! bytes. A handle is `depth << 8 | template`; a template names other types
//! as `(depth delta, template)`, so one template can stand for infinitely
//! many instantiations (`S<T>` naming `S<Wrap<T>>`), like a real generic
//! frontend, while keys stay finite.
//!
//! (toyc's front end gets its own target when toyc lands in this repository.)
#![no_main]

use std::path::Path;

use dwarfsmith::{
    BaseEncoding, CodeRow, CompileUnit, CompositeDesc, DebugContext, DeclLoc, EnumDesc, FieldDesc,
    FileId, FrontendTy, FunctionDesc, FunctionId, GimliBackend, GimliOptions, GlobalDesc, Language,
    Limits, LocToken, NamespaceId, NominalKey, ScopeId, TaggedUnionDesc, TaggedUnionEncoding,
    TypeDesc, TypeRef, TypeScope, TypeSource, TypedefDesc, VarId, VarLocation, VariantDesc,
};
use libfuzzer_sys::fuzz_target;

/// Reads the input byte by byte; zeros once exhausted.
struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bytes<'_> {
    fn u8(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }
    fn done(&self) -> bool {
        self.pos >= self.data.len()
    }
    fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[self.u8() as usize % v.len()]
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
}

const NAMES: &[&str] = &["a", "b", "S", "T", "", "x\0y", "élan", "Vec<T>", "a", "tag"];
const SIZES: &[u64] = &[0, 1, 2, 3, 4, 8, 16, 17, 24, 1 << 40, u64::MAX];
const ALIGNS: &[u32] = &[0, 1, 2, 3, 4, 8, 16, u32::MAX];
const OFFSETS: &[u64] = &[0, 0, 4, 8, 8, 16, 24, u64::MAX];
const LINES: &[u32] = &[0, 1, 2, 3, 7, 100, u32::MAX];
const COLS: &[u32] = &[0, 1, 5, 65535, 65536, u32::MAX];

/// A reference from a template: depth delta (0 or +1) and template index.
#[derive(Clone, Copy)]
struct Ref(u8, u8);

#[derive(Clone)]
enum Template {
    Base(&'static str, u64, BaseEncoding),
    Pointer(Ref),
    Array(Ref, u64, u64, u32),
    Function(Vec<Ref>, Option<Ref>, bool),
    Tuple(Vec<(Ref, u64)>, u64, u32),
    Struct(
        bool,
        u8,
        Vec<Ref>,
        &'static str,
        u64,
        u32,
        Vec<(&'static str, Ref, u64)>,
        bool,
    ),
    Enum(u8, &'static str, Ref, u64, u32, Vec<(&'static str, i64)>),
    Tagged(
        u8,
        &'static str,
        u64,
        u32,
        u64,
        Ref,
        Vec<(&'static str, u64, Vec<(&'static str, Ref, u64)>)>,
        bool,
    ),
    Typedef(u8, &'static str, Ref),
}

struct Frontend {
    templates: Vec<Template>,
    file: Option<FileId>,
    namespace: Option<NamespaceId>,
    /// Stop describing after this many calls (bounds each run's work).
    budget: u32,
}

fn refs(b: &mut Bytes, n: u8) -> Vec<Ref> {
    (0..b.u8() % 4).map(|_| rref(b, n)).collect()
}

fn rref(b: &mut Bytes, n: u8) -> Ref {
    let x = b.u8();
    // Mostly same depth; one in four references goes one instantiation deeper.
    Ref(u8::from(x & 3 == 0), (x >> 2) % (n + 1))
}

fn fields(b: &mut Bytes, n: u8) -> Vec<(&'static str, Ref, u64)> {
    (0..b.u8() % 4)
        .map(|_| (b.pick(NAMES), rref(b, n), b.pick(OFFSETS)))
        .collect()
}

fn template(b: &mut Bytes, n: u8) -> Template {
    let enc = [
        BaseEncoding::Signed,
        BaseEncoding::Unsigned,
        BaseEncoding::Float,
        BaseEncoding::Boolean,
        BaseEncoding::Utf,
    ];
    match b.u8() % 10 {
        0 | 1 => Template::Base(b.pick(NAMES), b.pick(SIZES), b.pick(&enc)),
        2 => Template::Pointer(rref(b, n)),
        3 => Template::Array(rref(b, n), b.pick(SIZES), b.pick(SIZES), b.pick(ALIGNS)),
        4 => Template::Function(
            refs(b, n),
            (b.u8() & 1 == 0).then(|| rref(b, n)),
            b.u8() & 1 == 0,
        ),
        5 => Template::Tuple(
            (0..b.u8() % 4)
                .map(|_| (rref(b, n), b.pick(OFFSETS)))
                .collect(),
            b.pick(SIZES),
            b.pick(ALIGNS),
        ),
        6 => Template::Struct(
            b.u8() & 1 == 0,
            b.u8() % 6,
            refs(b, n),
            b.pick(NAMES),
            b.pick(SIZES),
            b.pick(ALIGNS),
            fields(b, n),
            b.u8() % 8 == 0,
        ),
        7 => Template::Enum(
            b.u8() % 6,
            b.pick(NAMES),
            rref(b, n),
            b.pick(SIZES),
            b.pick(ALIGNS),
            (0..b.u8() % 4)
                .map(|_| (b.pick(NAMES), i64::from(b.u8() as i8)))
                .collect(),
        ),
        8 => Template::Tagged(
            b.u8() % 6,
            b.pick(NAMES),
            b.pick(SIZES),
            b.pick(ALIGNS),
            b.pick(OFFSETS),
            rref(b, n),
            (0..b.u8() % 4)
                .map(|_| (b.pick(NAMES), u64::from(b.u8()), fields(b, n)))
                .collect(),
            b.u8() & 1 == 0,
        ),
        _ => Template::Typedef(b.u8() % 6, b.pick(NAMES), rref(b, n)),
    }
}

impl Frontend {
    fn key(def: u8) -> NominalKey {
        NominalKey {
            crate_hash: 0xF022,
            def_id: u64::from(def),
        }
    }
}

impl TypeSource for Frontend {
    fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String> {
        if self.budget == 0 {
            return Err("describe budget exhausted".into());
        }
        self.budget -= 1;
        let (depth, idx) = (ty.0 >> 8, (ty.0 & 0xff) as usize);
        let t = self.templates.get(idx).ok_or("no such template")?.clone();
        let at = |r: Ref| FrontendTy(((depth + u64::from(r.0)) << 8) | u64::from(r.1));
        let fs = |v: &[(&str, Ref, u64)]| -> Vec<FieldDesc> {
            v.iter()
                .map(|(n, r, o)| FieldDesc::new(*n, at(*r), *o))
                .collect()
        };
        let decl = self.file.map(|file| DeclLoc { file, line: 3 });
        let scope = self.namespace.map_or(TypeScope::Unit, TypeScope::Namespace);
        Ok(match t {
            Template::Base(name, size, encoding) => TypeDesc::Base {
                name: name.into(),
                size,
                encoding,
            },
            Template::Pointer(p) => TypeDesc::Pointer { pointee: at(p) },
            Template::Array(e, len, elem_size, align) => TypeDesc::Array {
                elem: at(e),
                len,
                elem_size,
                align,
            },
            Template::Function(ps, ret, variadic) => TypeDesc::Function {
                params: ps.into_iter().map(at).collect(),
                ret: ret.map(at),
                variadic,
                artificial_params: Vec::new(),
            },
            Template::Tuple(es, size, align) => TypeDesc::Tuple {
                elems: es
                    .into_iter()
                    .map(|(r, o)| FieldDesc::new("_", at(r), o))
                    .collect(),
                size,
                align,
            },
            Template::Struct(is_struct, def, args, name, size, align, f, opaque) => {
                let c = CompositeDesc::new(Self::key(def), name, size, align)
                    .generic_args(args.into_iter().map(at).collect())
                    .scope(scope)
                    .decl(decl)
                    .members(fs(&f));
                let c = if opaque { c.opaque() } else { c };
                if is_struct {
                    TypeDesc::Struct(c)
                } else {
                    TypeDesc::Union(c)
                }
            }
            Template::Enum(def, name, u, size, align, es) => TypeDesc::Enum(EnumDesc {
                key: Self::key(def),
                generic_args: vec![],
                name: name.into(),
                scope,
                underlying: at(u),
                size,
                align,
                enumerators: es
                    .into_iter()
                    .map(|(n, v)| (n.into(), i128::from(v)))
                    .collect(),
                decl,
                enum_class: false,
                opaque: false,
            }),
            Template::Tagged(def, name, size, align, tag_offset, tag, vs, cpp) => {
                TypeDesc::TaggedUnion(TaggedUnionDesc {
                    key: Self::key(def),
                    generic_args: vec![],
                    name: name.into(),
                    scope,
                    size,
                    align,
                    tag: Some(dwarfsmith::TagDesc {
                        offset: tag_offset,
                        ty: at(tag),
                    }),
                    variants: vs
                        .into_iter()
                        .map(|(n, d, f)| VariantDesc {
                            name: n.into(),
                            discriminant: (d).into(),
                            fields: fs(&f),
                            template_params: Vec::new(),
                        })
                        .collect(),
                    encoding: if cpp {
                        TaggedUnionEncoding::CppLike
                    } else {
                        TaggedUnionEncoding::VariantPart
                    },
                    decl,
                    template_params: Vec::new(),
                    methods: Vec::new(),
                })
            }
            Template::Typedef(def, name, target) => TypeDesc::Typedef(TypedefDesc {
                key: Self::key(def),
                name: name.into(),
                scope,
                target: at(target),
                decl,
                access: dwarfsmith::Access::Unspecified,
            }),
        })
    }
}

type Cx = DebugContext<GimliBackend>;

fn new_context(b: &mut Bytes) -> Option<Cx> {
    let opts = GimliOptions {
        dwarf_version: b.pick(&[5, 4, 5, 3]),
        frame_section: b.pick(&[
            dwarfsmith::FrameSection::EhFrame,
            dwarfsmith::FrameSection::DebugFrame,
        ]),
    };
    let backend = GimliBackend::new(opts).ok()?;
    let cu = CompileUnit {
        producer: "fuzz".into(),
        language: Language::Rust,
        name: b.pick(&["main.rs", "", "dir/x.rs"]).into(),
        comp_dir: "/work".into(),
    };
    let limits = Limits {
        max_generic_depth: b.pick(&[0, 3, 16, u32::MAX]),
        ..Limits::default()
    };
    DebugContext::with_limits(backend, &cu, limits).ok()
}

/// Everything the fuzzer has been handed back, to pass in again (or into
/// the other context).
#[derive(Default)]
struct Handles {
    files: Vec<FileId>,
    namespaces: Vec<NamespaceId>,
    types: Vec<TypeRef>,
    functions: Vec<(FunctionId, &'static str)>,
    scopes: Vec<ScopeId>,
    vars: Vec<VarId>,
    tokens: Vec<Option<LocToken>>,
}

fn nth<T: Copy>(b: &mut Bytes, v: &[T]) -> Option<T> {
    (!v.is_empty()).then(|| v[b.u8() as usize % v.len()])
}

fn run(data: &[u8]) {
    let mut b = Bytes { data, pos: 0 };
    let n = b.u8() % 24 + 1;
    let templates = (0..n).map(|_| template(&mut b, n)).collect();
    let mut fe = Frontend {
        templates,
        file: None,
        namespace: None,
        budget: 20_000,
    };
    let Some(mut cx) = new_context(&mut b) else {
        return;
    };
    let Some(mut other) = new_context(&mut b) else {
        return;
    };
    let mut h = Handles::default();
    let mut oh = Handles::default();
    let fn_names = ["f", "g", "h", ""];
    let mut ops = 0;
    while !b.done() && ops < 400 {
        ops += 1;
        // One op in eight goes to the other context, mixing handles.
        let (c, hs, theirs) = if b.u8() % 8 == 0 {
            (&mut other, &mut oh, &h)
        } else {
            (&mut cx, &mut h, &oh)
        };
        let foreign = b.u8() % 16 == 0;
        let src = if foreign { theirs } else { &*hs };
        let file = nth(&mut b, &src.files);
        let scope = nth(&mut b, &src.scopes);
        let ty = nth(&mut b, &src.types);
        match b.u8() % 20 {
            0 => {
                let p = b.pick(&["a.rs", "dir/b.rs", "", "/", "a\0b", "dir/\u{e9}.rs"]);
                if let Ok(f) = c.file(Path::new(p)) {
                    hs.files.push(f);
                    fe.file.get_or_insert(f);
                }
            }
            1 => {
                let parent = nth(&mut b, &src.namespaces);
                let parent = if b.u8() & 1 == 0 { None } else { parent };
                if let Ok(ns) = c.namespace(parent, b.pick(NAMES)) {
                    hs.namespaces.push(ns);
                    if b.u8() & 1 == 0 {
                        fe.namespace = Some(ns);
                    }
                }
            }
            2 | 3 => {
                let handle = (u64::from(b.u8() % 4) << 8) | u64::from(b.u8() % (n + 1));
                if let Ok(t) = c.resolve_type(&mut fe, FrontendTy(handle)) {
                    hs.types.push(t);
                    let _ = c.stable_type_id(t);
                    let _ = c.type_signature(t);
                    let _ = c.type_size(t);
                }
            }
            4 => {
                let (Some(file), name) = (file, b.pick(&fn_names)) else {
                    continue;
                };
                let params: Vec<TypeRef> = ty.into_iter().collect();
                let ns = nth(&mut b, &src.namespaces);
                let d = FunctionDesc {
                    name,
                    linkage_name: name,
                    namespace: if b.u8() & 1 == 0 { None } else { ns },
                    file,
                    line: b.pick(LINES),
                    ret: if b.u8() & 1 == 0 { None } else { ty },
                    params: &params,
                    external: true,
                    method_of: None,
                };
                if let Ok(f) = c.define_function(&d) {
                    hs.functions.push((f, name));
                    if let Ok(s) = c.function_scope(f) {
                        hs.scopes.push(s);
                    }
                }
            }
            5 => {
                if let Some((f, _)) = nth(&mut b, &src.functions) {
                    let _ = c.enter_function(f);
                }
            }
            6 => {
                let _ = c.exit_function();
            }
            7 => {
                let _ = c.start_emitting_source_locations();
            }
            8 | 9 => {
                if let Some(s) = scope {
                    let (line, col) = (b.pick(LINES), b.pick(COLS));
                    let r = match file {
                        Some(f) if b.u8() & 1 == 0 => c.set_source_location_in(s, f, line, col),
                        _ => c.set_source_location(s, line, col),
                    };
                    if let Ok(t) = r {
                        hs.tokens.push(t);
                    }
                }
            }
            10 => {
                let _ = c.clear_source_location();
            }
            11 => {
                if let (Some(s), Some(f)) = (scope, file) {
                    if let Ok(s) = c.lexical_block(s, f, b.pick(LINES), b.pick(COLS)) {
                        hs.scopes.push(s);
                    }
                }
            }
            12 => {
                let (Some(t), Some((f, _))) = (ty, nth(&mut b, &src.functions)) else {
                    continue;
                };
                let arg = u32::from(b.u8() % 4);
                let name = b.pick(NAMES);
                if let Ok(v) = c.declare_parameter(f, name, arg, t, b.pick(LINES), b.pick(COLS)) {
                    hs.vars.push(v);
                }
            }
            13 => {
                let (Some(t), Some(s)) = (ty, scope) else {
                    continue;
                };
                let name = b.pick(NAMES);
                if let Ok(v) = c.declare_local(s, name, t, b.pick(LINES), b.pick(COLS)) {
                    hs.vars.push(v);
                }
            }
            14 => {
                if let Some(v) = nth(&mut b, &src.vars) {
                    let loc = if b.u8() & 1 == 0 {
                        VarLocation::FrameOffset(i64::from(b.u8() as i8) * 8)
                    } else {
                        VarLocation::Register(u16::from(b.u8()))
                    };
                    let _ = c.set_variable_location(v, loc);
                }
            }
            15 => {
                let Some((f, _)) = nth(&mut b, &src.functions) else {
                    continue;
                };
                let size = b.pick(&[16u64, 0, 1, 64, u64::MAX]);
                let mut rows = Vec::new();
                let mut off = 0u64;
                for _ in 0..b.u8() % 6 {
                    off += u64::from(b.u8() % 5);
                    let loc = nth(&mut b, &src.tokens).flatten();
                    let loc = if b.u8() % 16 == 0 {
                        Some(LocToken(b.u32()))
                    } else {
                        loc
                    };
                    rows.push(CodeRow { offset: off, loc });
                }
                let _ = c.define_function_code(f, size, &rows);
            }
            16 => {
                let (Some(t), Some(f)) = (ty, file) else {
                    continue;
                };
                let name = b.pick(&["G", "H", "", "G"]);
                let _ = c.define_global(&GlobalDesc {
                    name,
                    linkage_name: name,
                    namespace: None,
                    ty: t,
                    file: f,
                    line: b.pick(LINES),
                    external: b.u8() & 1 == 0,
                });
            }
            17 => {
                let enc = gimli::Encoding {
                    format: gimli::Format::Dwarf32,
                    version: 4,
                    address_size: 8,
                };
                let cie = gimli::write::CommonInformationEntry::new(enc, 1, -8, gimli::X86_64::RA);
                let _ = c.backend_mut().set_cie(cie);
            }
            18 => {
                let sym = b.pick(&["f", "g", "nope", ""]);
                let len = b.pick(&[16u32, 0, u32::MAX]);
                let _ = c
                    .backend_mut()
                    .add_fde(sym, |a| gimli::write::FrameDescriptionEntry::new(a, len));
            }
            _ => {
                let _ = c.current_location();
                let _ = c.diagnostics();
            }
        }
    }
    finish(cx, &h);
    finish(other, &oh);
}

/// Finishes a context; on success writes an object defining every symbol and
/// renders it (our own output must always render).
fn finish(cx: Cx, h: &Handles) {
    let _ = h;
    let Ok(dwarf) = cx.finish() else {
        return;
    };
    let mut obj = dwarfsmith::DwarfObject::new_elf_object();
    let text = obj.section_id(object::write::StandardSection::Text);
    // Each function gets as much code as the debug info says it has, up to
    // 1 MiB; beyond that its 16-byte symbol is too small and write_into
    // must say so.
    let mut too_large = false;
    for s in dwarf.symbols() {
        let size = match dwarf.code_size(s) {
            Some(n) if n > 1 << 20 => {
                too_large = true;
                16
            }
            Some(n) => n.max(16),
            None => 16,
        };
        let off = obj.append_section_data(text, &vec![0xc3; size as usize], 16);
        obj.add_symbol(object::write::Symbol {
            name: s.as_bytes().to_vec(),
            value: off,
            size,
            kind: object::SymbolKind::Text,
            scope: object::SymbolScope::Linkage,
            weak: false,
            section: object::write::SymbolSection::Section(text),
            flags: object::SymbolFlags::None,
        });
    }
    match dwarf.write_into(&mut obj) {
        Ok(()) if !too_large => {}
        Err(e) if too_large && e.kind() == dwarfsmith::ErrorKind::InvalidCode => return,
        r => panic!("write_into with every symbol defined (code too large: {too_large}): {r:?}"),
    }
    let bytes = obj.write().expect("object write");
    let opts = dwarfsmith::render::RenderOptions {
        call_frames: true,
        ..Default::default()
    };
    if let Err(e) = dwarfsmith::render::render_object(&bytes, &opts) {
        panic!("our own output does not render: {e}");
    }
}

fuzz_target!(|data: &[u8]| run(data));
