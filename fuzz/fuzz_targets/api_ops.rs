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
    CodeRow, CompileUnit, DebugContext, FileId, FrontendTy, FunctionDesc, FunctionId, GimliBackend,
    GimliOptions, GlobalDesc, Language, Limits, LocToken, NamespaceId, ScopeId, TypeRef, VarId,
    VarLocation,
};
use libfuzzer_sys::fuzz_target;

#[path = "api_ops/bytes.rs"]
mod bytes;
#[path = "api_ops/frontend.rs"]
mod frontend;

use bytes::{Bytes, COLS, LINES, NAMES};
use frontend::{template, Frontend};

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
        let (c, hs, theirs) = if b.u8().is_multiple_of(8) {
            (&mut other, &mut oh, &h)
        } else {
            (&mut cx, &mut h, &oh)
        };
        let foreign = b.u8().is_multiple_of(16);
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
                    let loc = if b.u8().is_multiple_of(16) {
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
