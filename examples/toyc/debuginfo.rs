//! The dwarfsmith glue: a [`TypeSource`] over the hir type table, and
//! [`DebugInfo`], which owns the `DebugContext` and turns Cranelift's compiled
//! code (source locations, stack-slot offsets, unwind info) into DWARF.
//!
//! Everything goes through dwarfsmith's public API; errors are returned as
//! strings (toyc reports them and exits, it never panics).

use std::collections::HashMap;
use std::path::Path;

use cranelift_codegen::ir::{SourceLoc, StackSlot};
use cranelift_codegen::isa::unwind::UnwindInfo;
use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::CompiledCode;
use dwarfsmith::{
    BaseEncoding, CodeRow, CompileUnit, CompositeDesc, DebugContext, DeclLoc, DwarfObject,
    EnumDesc, FieldDesc, FileId, FrontendTy, FunctionDesc, FunctionId, GimliBackend, GimliOptions,
    GlobalDesc, Language, LocToken, NamespaceId, NominalKey, ScopeId, TaggedUnionDesc,
    TaggedUnionEncoding, TypeDesc, TypeRef, TypeScope, TypeSource, TypedefDesc, VarId, VarLocation,
    VariantDesc,
};

use crate::hir::{self, Pos, Program, TypeId, TypeKind};

/// Tag bit of the frontend handles that stand for the *function type* behind
/// a `fn(..)` pointer type (the pointer type itself is the plain `TypeId`).
const FN_SIG: u64 = 1 << 40;
/// Kind tags in `NominalKey::def_id` (above the 32-bit item index).
const KEY_STRUCT: u64 = 1 << 32;
const KEY_ENUM: u64 = 2 << 32;
const KEY_ALIAS: u64 = 3 << 32;

/// The column for debug info: columns past 65535 (the most DWARF consumers
/// and LLVM keep) become 0, "unknown column", rather than an error.
fn dcol(pos: Pos) -> u32 {
    if pos.col > u32::from(u16::MAX) {
        0
    } else {
        pos.col
    }
}

fn ds_err(e: dwarfsmith::Error) -> String {
    format!("debug info: {e}")
}

/// FNV-1a, for the `NominalKey::crate_hash` of the program.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Describes hir types to dwarfsmith on request.
pub struct HirTypes<'p> {
    prog: &'p Program,
    file: FileId,
    namespaces: HashMap<Vec<String>, NamespaceId>,
    crate_hash: u64,
}

impl HirTypes<'_> {
    fn scope(&self, module: &[String]) -> TypeScope {
        self.namespaces
            .get(module)
            .map_or(TypeScope::Unit, |n| TypeScope::Namespace(*n))
    }

    fn decl(&self, pos: Pos) -> Option<DeclLoc> {
        (pos.line > 0).then_some(DeclLoc {
            file: self.file,
            line: pos.line,
        })
    }

    fn key(&self, tag: u64, idx: u32) -> NominalKey {
        NominalKey {
            crate_hash: self.crate_hash,
            def_id: tag | u64::from(idx),
        }
    }
}

fn fty(t: TypeId) -> FrontendTy {
    FrontendTy(u64::from(t.0))
}

/// The debug-info name of a base type, or `None` if `kind` is not one.
fn base(kind: &TypeKind) -> Option<TypeDesc> {
    let (name, size, encoding) = match kind {
        TypeKind::Bool => ("bool".to_string(), 1, BaseEncoding::Boolean),
        TypeKind::Int { signed, bits } => (
            format!("{}{bits}", if *signed { 'i' } else { 'u' }),
            u64::from(*bits / 8),
            if *signed {
                BaseEncoding::Signed
            } else {
                BaseEncoding::Unsigned
            },
        ),
        TypeKind::F32 => ("f32".to_string(), 4, BaseEncoding::Float),
        TypeKind::F64 => ("f64".to_string(), 8, BaseEncoding::Float),
        _ => return None,
    };
    Some(TypeDesc::Base {
        name,
        size,
        encoding,
    })
}

impl TypeSource for HirTypes<'_> {
    fn describe(&mut self, ty: FrontendTy) -> Result<TypeDesc, String> {
        let types = &self.prog.types;
        if ty.0 & FN_SIG != 0 {
            let id = TypeId((ty.0 & !FN_SIG) as u32);
            let TypeKind::Fn(params, ret) = types.kind(id) else {
                return Err(format!("type #{} is not a function type", id.0));
            };
            let ret = (!matches!(types.rkind(*ret), TypeKind::Unit)).then(|| fty(*ret));
            return Ok(TypeDesc::Function {
                params: params.iter().map(|p| fty(*p)).collect(),
                ret,
                variadic: false,
            });
        }
        let id = TypeId(ty.0 as u32);
        let kind = types.kind(id);
        if let Some(b) = base(kind) {
            return Ok(b);
        }
        Ok(match kind {
            TypeKind::Unit => return Err("the unit type has no debug-info type".into()),
            TypeKind::Ptr(p) => TypeDesc::Pointer { pointee: fty(*p) },
            TypeKind::Fn(..) => TypeDesc::Pointer {
                pointee: FrontendTy(FN_SIG | u64::from(id.0)),
            },
            TypeKind::Array(elem, len) => TypeDesc::Array {
                elem: fty(*elem),
                len: *len,
                elem_size: types.size_of(*elem),
                align: types.align_of(id) as u32,
            },
            TypeKind::Struct(sid) => {
                let s = self.prog.structs.get(sid.idx()).ok_or("unknown struct")?;
                TypeDesc::Struct(CompositeDesc {
                    key: self.key(KEY_STRUCT, sid.0),
                    generic_args: vec![],
                    name: s.path.name.clone(),
                    scope: self.scope(&s.path.module),
                    size: s.size,
                    align: s.align as u32,
                    decl: self.decl(s.pos),
                    fields: s
                        .fields
                        .iter()
                        .map(|f| FieldDesc {
                            name: f.name.clone(),
                            ty: fty(f.ty),
                            offset: f.offset,
                        })
                        .collect(),
                    opaque: false,
                })
            }
            TypeKind::Enum(eid) => {
                let e = self.prog.enums.get(eid.idx()).ok_or("unknown enum")?;
                if e.c_like {
                    TypeDesc::Enum(EnumDesc {
                        key: self.key(KEY_ENUM, eid.0),
                        generic_args: vec![],
                        name: e.path.name.clone(),
                        scope: self.scope(&e.path.module),
                        underlying: fty(TypeId::U32),
                        size: 4,
                        align: 4,
                        enumerators: e
                            .variants
                            .iter()
                            .enumerate()
                            .map(|(i, v)| (v.name.clone(), i as i64))
                            .collect(),
                        decl: self.decl(e.pos),
                    })
                } else {
                    TypeDesc::TaggedUnion(TaggedUnionDesc {
                        key: self.key(KEY_ENUM, eid.0),
                        generic_args: vec![],
                        name: e.path.name.clone(),
                        scope: self.scope(&e.path.module),
                        size: e.size,
                        align: e.align as u32,
                        tag_offset: e.tag_offset,
                        tag_ty: fty(TypeId::U32),
                        variants: e
                            .variants
                            .iter()
                            .enumerate()
                            .map(|(i, v)| VariantDesc {
                                name: v.name.clone(),
                                discriminant: i as u64,
                                fields: v
                                    .payload
                                    .iter()
                                    .enumerate()
                                    .map(|(j, p)| FieldDesc {
                                        name: format!("__{j}"),
                                        ty: fty(p.ty),
                                        offset: p.offset,
                                    })
                                    .collect(),
                            })
                            .collect(),
                        encoding: TaggedUnionEncoding::CppLike,
                        decl: self.decl(e.pos),
                    })
                }
            }
            TypeKind::Alias(aid) => {
                let a = self.prog.aliases.get(aid.idx()).ok_or("unknown alias")?;
                TypeDesc::Typedef(TypedefDesc {
                    key: self.key(KEY_ALIAS, aid.0),
                    name: a.path.name.clone(),
                    scope: self.scope(&a.path.module),
                    target: fty(a.target),
                    decl: self.decl(a.pos),
                })
            }
            _ => return Err(format!("type #{} cannot be described", id.0)),
        })
    }
}

/// Converts a location token into what Cranelift attaches to instructions.
pub fn srcloc(t: Option<LocToken>) -> SourceLoc {
    t.map_or(SourceLoc::default(), |t| SourceLoc::new(t.0))
}

/// The code rows of a compiled function: Cranelift's per-instruction source
/// locations (`buffer.get_srclocs_sorted()`, absolute after `apply_params`)
/// with gaps and default locations reported as "no location".
pub fn code_rows(cc: &CompiledCode) -> (u64, Vec<CodeRow>) {
    let size = u64::from(cc.buffer.total_size());
    let mut rows: Vec<CodeRow> = Vec::new();
    let mut push = |offset: u64, loc: Option<LocToken>| {
        if offset >= size {
            return;
        }
        match rows.last_mut() {
            Some(last) if last.offset == offset => last.loc = loc,
            Some(last) if last.loc == loc => {}
            _ => rows.push(CodeRow { offset, loc }),
        }
    };
    let mut prev_end = 0u64;
    for s in cc.buffer.get_srclocs_sorted() {
        let (start, end) = (u64::from(s.start), u64::from(s.end));
        if start > prev_end {
            push(prev_end, None);
        }
        let loc = (!s.loc.is_default()).then(|| LocToken(s.loc.bits()));
        push(start, loc);
        prev_end = end;
    }
    push(prev_end, None);
    (size, rows)
}

/// The offset of a stack slot from the canonical frame address. Cranelift's
/// x64 frame is `push rbp; mov rbp, rsp; sub rsp, N`: CFA = rbp + 16, and
/// `MachBufferFrameLayout` gives each slot's offset from SP after the
/// prologue and the SP-to-FP distance (`frame_to_fp_offset`).
pub fn slot_cfa_offset(cc: &CompiledCode, slot: StackSlot) -> Result<i64, String> {
    let fl = cc
        .buffer
        .frame_layout()
        .ok_or("Cranelift produced no frame layout")?;
    let off = fl.stackslots.get(slot).map(|s| s.offset).unwrap_or(0);
    Ok(i64::from(off) - i64::from(fl.frame_to_fp_offset) - 16)
}

/// The debug info of one compile unit.
pub struct DebugInfo<'p> {
    cx: DebugContext<GimliBackend>,
    types: HirTypes<'p>,
    file: FileId,
}

impl<'p> DebugInfo<'p> {
    /// Starts the compile unit for `src` (the path as given on the command
    /// line), creates a namespace per module and describes every named type.
    pub fn new(
        prog: &'p Program,
        src: &Path,
        dwarf_version: u16,
        isa: &dyn TargetIsa,
    ) -> Result<Self, String> {
        let backend = GimliBackend::new(GimliOptions {
            dwarf_version,
            ..GimliOptions::default()
        })
        .map_err(ds_err)?;
        let comp_dir = std::env::current_dir().unwrap_or_else(|_| ".".into());
        let cu = CompileUnit {
            producer: format!("toyc {} (dwarfsmith, Cranelift)", env!("CARGO_PKG_VERSION")),
            language: Language::CPlusPlus14,
            name: src.to_path_buf(),
            comp_dir,
        };
        let mut cx = DebugContext::new(backend, &cu).map_err(ds_err)?;
        let file = cx.file(src).map_err(ds_err)?;
        let mut namespaces = HashMap::new();
        let mut modules = prog.modules.clone();
        modules.sort_by_key(|m| m.len());
        for m in &modules {
            let mut parent = None;
            for i in 0..m.len() {
                let key = m[..=i].to_vec();
                let ns = match namespaces.get(&key) {
                    Some(ns) => *ns,
                    None => {
                        let ns = cx.namespace(parent, &m[i]).map_err(ds_err)?;
                        namespaces.insert(key, ns);
                        ns
                    }
                };
                parent = Some(ns);
            }
        }
        let crate_hash = fnv1a(src.to_string_lossy().as_bytes());
        let cie = isa
            .create_systemv_cie()
            .ok_or("Cranelift gave no CIE for this target")?;
        cx.backend_mut().set_cie(cie).map_err(ds_err)?;
        let mut d = DebugInfo {
            cx,
            types: HirTypes {
                prog,
                file,
                namespaces,
                crate_hash,
            },
            file,
        };
        // Every named type, used or not, so `ptype` works on all of them.
        let named: Vec<TypeId> = (prog.structs.iter().map(|s| s.ty))
            .chain(prog.enums.iter().map(|e| e.ty))
            .chain(prog.aliases.iter().map(|a| a.ty))
            .collect();
        for t in named {
            d.ty(t)?;
        }
        Ok(d)
    }

    /// The debug-info type of a hir type; `None` for unit.
    pub fn ty(&mut self, t: TypeId) -> Result<Option<TypeRef>, String> {
        if matches!(self.types.prog.types.kind(t), TypeKind::Unit) {
            return Ok(None);
        }
        self.cx
            .resolve_type(&mut self.types, fty(t))
            .map(Some)
            .map_err(ds_err)
    }

    fn ns(&self, module: &[String]) -> Option<NamespaceId> {
        self.types.namespaces.get(module).copied()
    }

    /// A `const` global stored at symbol `symbol`.
    pub fn global(&mut self, g: &hir::Global, symbol: &str) -> Result<(), String> {
        let Some(ty) = self.ty(g.ty)? else {
            return Ok(());
        };
        let namespace = self.ns(&g.path.module);
        self.cx
            .define_global(&GlobalDesc {
                name: &g.path.name,
                linkage_name: symbol,
                namespace,
                ty,
                file: self.file,
                line: g.pos.line.max(1),
                external: false,
            })
            .map(|_| ())
            .map_err(ds_err)
    }

    /// Describes a function and opens it (locations suppressed: prologue).
    pub fn begin_function(
        &mut self,
        f: &hir::Function,
        symbol: &str,
    ) -> Result<(FunctionId, ScopeId), String> {
        let ret = self.ty(f.ret)?;
        let mut params = Vec::new();
        for p in &f.params {
            if let Some(t) = self.ty(p.ty)? {
                params.push(t);
            }
        }
        let namespace = self.ns(&f.path.module);
        let fid = self
            .cx
            .define_function(&FunctionDesc {
                name: &f.path.name,
                linkage_name: symbol,
                namespace,
                file: self.file,
                line: f.fn_pos.line.max(1),
                ret,
                params: &params,
                external: f.is_main,
            })
            .map_err(ds_err)?;
        let scope = self.cx.function_scope(fid).map_err(ds_err)?;
        self.cx.enter_function(fid).map_err(ds_err)?;
        Ok((fid, scope))
    }

    /// A parameter (1-based `arg_no`).
    pub fn parameter(
        &mut self,
        fid: FunctionId,
        name: &str,
        arg_no: u32,
        ty: TypeId,
        pos: Pos,
    ) -> Result<Option<VarId>, String> {
        let Some(t) = self.ty(ty)? else {
            return Ok(None);
        };
        self.cx
            .declare_parameter(fid, name, arg_no, t, pos.line.max(1), dcol(pos))
            .map(Some)
            .map_err(ds_err)
    }

    /// A local in `scope`.
    pub fn local(
        &mut self,
        scope: ScopeId,
        name: &str,
        ty: TypeId,
        pos: Pos,
    ) -> Result<Option<VarId>, String> {
        let Some(t) = self.ty(ty)? else {
            return Ok(None);
        };
        self.cx
            .declare_local(scope, name, t, pos.line.max(1), dcol(pos))
            .map(Some)
            .map_err(ds_err)
    }

    /// A lexical block inside `parent` starting at `pos`.
    pub fn block(&mut self, parent: ScopeId, pos: Pos) -> Result<ScopeId, String> {
        self.cx
            .lexical_block(parent, self.file, pos.line.max(1), dcol(pos))
            .map_err(ds_err)
    }

    /// Ends the prologue.
    pub fn start_body(&mut self) -> Result<(), String> {
        self.cx.start_emitting_source_locations().map_err(ds_err)
    }

    /// The location for code emitted from now on.
    pub fn loc(&mut self, scope: ScopeId, pos: Pos) -> Result<SourceLoc, String> {
        if pos.line == 0 {
            self.cx.clear_source_location().map_err(ds_err)?;
            return Ok(SourceLoc::default());
        }
        self.cx
            .set_source_location(scope, pos.line, dcol(pos))
            .map(srcloc)
            .map_err(ds_err)
    }

    /// After Cranelift compiled the function: its code rows, variable
    /// locations and call-frame information.
    pub fn end_function(
        &mut self,
        fid: FunctionId,
        symbol: &str,
        cc: &CompiledCode,
        isa: &dyn TargetIsa,
        vars: &[(VarId, StackSlot)],
    ) -> Result<(), String> {
        self.cx.exit_function().map_err(ds_err)?;
        let (size, rows) = code_rows(cc);
        self.cx
            .define_function_code(fid, size, &rows)
            .map_err(ds_err)?;
        for (v, slot) in vars {
            let off = slot_cfa_offset(cc, *slot)?;
            self.cx
                .set_variable_location(*v, VarLocation::FrameOffset(off))
                .map_err(ds_err)?;
        }
        match cc.create_unwind_info(isa) {
            Ok(Some(UnwindInfo::SystemV(u))) => self
                .cx
                .backend_mut()
                .add_fde(symbol, |a| u.to_fde(a))
                .map_err(ds_err),
            Ok(_) => Err(format!(
                "Cranelift made no System V unwind info for `{symbol}`"
            )),
            Err(e) => Err(format!("unwind info for `{symbol}`: {e}")),
        }
    }

    /// Ends the compile unit.
    pub fn finish(self) -> Result<DwarfObject, String> {
        self.cx.finish().map_err(ds_err)
    }
}
