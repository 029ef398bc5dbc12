//! The dwarfsmith glue shared by both codegens: a [`TypeSource`] over the
//! hir type table, and [`DebugInfo`], which owns the `DebugContext` (of any
//! dwarfsmith backend) and makes every debug-info decision — which types,
//! namespaces, functions, parameters, lexical blocks and locals exist, and
//! the source location of each statement. `scopes.rs` has the
//! per-function scope logic (one lexical block per `let`); the
//! backend-specific rest is in `cranelift.rs` (Cranelift's compiled
//! code to rows, frame offsets and CFI) and `llvm.rs` (LLVM IR
//! handles).
//!
//! Everything goes through dwarfsmith's public API; errors are returned as
//! strings (toyc reports them and exits, it never panics).

pub(crate) mod cranelift;
pub(crate) mod inline;
#[cfg(any(feature = "llvm19", feature = "llvm22"))]
pub(crate) mod llvm;
pub(crate) mod scopes;

use std::collections::HashMap;
use std::path::Path;

use dwarfsmith::{
    Backend, BaseEncoding, CompileUnit, CompositeDesc, DebugContext, DeclLoc, Discriminant,
    EnumDesc, FieldDesc, FileId, FrontendTy, FunctionDesc, FunctionId, GlobalDesc, Language,
    LocToken, NamespaceId, NominalKey, ScopeId, TagDesc, TaggedUnionDesc, TaggedUnionEncoding,
    TypeDesc, TypeRef, TypeScope, TypeSource, TypedefDesc, VarId, VariantDesc,
};

use crate::front::hir::{self, EnumLayout, Pos, Program, TypeId, TypeKind};

/// Tag bit of the frontend handles that stand for the *function type* behind
/// a `fn(..)` pointer type (the pointer type itself is the plain `TypeId`).
const FN_SIG: u64 = 1 << 40;
/// Kind tags in `NominalKey::def_id` (above the 32-bit item index).
const KEY_STRUCT: u64 = 1 << 32;
const KEY_ENUM: u64 = 2 << 32;
const KEY_ALIAS: u64 = 3 << 32;
const KEY_PRIM: u64 = 4 << 32;
/// Tag bit of the frontend handles that stand for the *base type* under a
/// Toy primitive's typedef (the primitive itself is the plain `TypeId`).
const PRIM_BASE: u64 = 1 << 41;

/// The column for debug info: columns past 65535 (the most DWARF consumers
/// and LLVM keep) become 0, "unknown column", rather than an error.
pub fn dcol(pos: Pos) -> u32 {
    if pos.col > u32::from(u16::MAX) {
        0
    } else {
        pos.col
    }
}

pub fn ds_err(e: dwarfsmith::Error) -> String {
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

/// The base type under primitive `t`'s typedef: the type of tags and of
/// C-like enums' values (gdb reads a variant part's tag wrongly through a
/// typedef until something else has resolved that typedef).
fn base_of(t: TypeId) -> FrontendTy {
    FrontendTy(PRIM_BASE | u64::from(t.0))
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

/// Where a tagged enum's tag is: the `u32` tag, the pointer of a niche
/// enum (as a `u64`: null selects the payload-less variant), or none for a
/// single-variant enum.
fn enum_tag(e: &hir::EnumDef) -> Option<TagDesc> {
    match e.layout {
        EnumLayout::CLike | EnumLayout::Tagged => Some(TagDesc {
            offset: e.tag_offset,
            ty: base_of(TypeId::U32),
        }),
        EnumLayout::Niche { .. } => Some(TagDesc {
            offset: e.payload_offset,
            ty: base_of(TypeId::U64),
        }),
        EnumLayout::Single => None,
    }
}

/// The tag values that select variant `i` of `e`.
fn discriminant(e: &hir::EnumDef, i: usize) -> Discriminant {
    match e.layout {
        EnumLayout::Niche { null_variant, .. } if null_variant as usize == i => {
            Discriminant::Value(0)
        }
        EnumLayout::Niche { .. } | EnumLayout::Single => Discriminant::Default,
        EnumLayout::CLike | EnumLayout::Tagged => Discriminant::Value(i as i128),
    }
}

/// How a tagged enum is encoded: the C++-like struct for the tagged layout
/// (every debugger shows it); a variant part for the niche and
/// single-variant layouts (gdb then prints only the active variant; a
/// C++-like struct's payload union would show every variant).
fn encoding(e: &hir::EnumDef) -> TaggedUnionEncoding {
    match e.layout {
        EnumLayout::Niche { .. } | EnumLayout::Single => TaggedUnionEncoding::VariantPart,
        _ => TaggedUnionEncoding::CppLike,
    }
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
                artificial_params: Vec::new(),
            });
        }
        if ty.0 & PRIM_BASE != 0 {
            let id = TypeId((ty.0 & !PRIM_BASE) as u32);
            return base(types.kind(id))
                .ok_or_else(|| format!("type #{} is not a primitive", id.0));
        }
        let id = TypeId(ty.0 as u32);
        let kind = types.kind(id);
        match base(kind) {
            // lldb names a base type after the C type of its encoding and
            // size (`long` for `i64`): a typedef keeps the Toy name in lldb;
            // gdb, which strips it in `ptype`, finds the same name on the
            // base type. `bool` is its own C name.
            Some(TypeDesc::Base { name, .. }) if name != "bool" => {
                return Ok(TypeDesc::Typedef(TypedefDesc {
                    key: self.key(KEY_PRIM, id.0),
                    name,
                    scope: TypeScope::Unit,
                    target: base_of(id),
                    decl: None,
                    access: dwarfsmith::Access::Unspecified,
                }));
            }
            Some(b) => return Ok(b),
            None => {}
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
                TypeDesc::Struct(
                    CompositeDesc::new(
                        self.key(KEY_STRUCT, sid.0),
                        s.path.name.clone(),
                        s.size,
                        s.align as u32,
                    )
                    .scope(self.scope(&s.path.module))
                    .decl(self.decl(s.pos))
                    .members(
                        s.fields
                            .iter()
                            .map(|f| FieldDesc::new(f.name.clone(), fty(f.ty), f.offset)),
                    ),
                )
            }
            TypeKind::Enum(eid) => {
                let e = self.prog.enums.get(eid.idx()).ok_or("unknown enum")?;
                if e.c_like {
                    TypeDesc::Enum(EnumDesc {
                        key: self.key(KEY_ENUM, eid.0),
                        generic_args: vec![],
                        name: e.path.name.clone(),
                        scope: self.scope(&e.path.module),
                        underlying: base_of(TypeId::U32),
                        size: 4,
                        align: 4,
                        enumerators: e
                            .variants
                            .iter()
                            .enumerate()
                            .map(|(i, v)| (v.name.clone(), i as i128))
                            .collect(),
                        decl: self.decl(e.pos),
                        enum_class: false,
                        opaque: false,
                    })
                } else {
                    TypeDesc::TaggedUnion(TaggedUnionDesc {
                        key: self.key(KEY_ENUM, eid.0),
                        generic_args: vec![],
                        name: e.path.name.clone(),
                        scope: self.scope(&e.path.module),
                        size: e.size,
                        align: e.align as u32,

                        tag: enum_tag(e),
                        variants: e
                            .variants
                            .iter()
                            .enumerate()
                            .map(|(i, v)| VariantDesc {
                                name: v.name.clone(),
                                discriminant: discriminant(e, i),
                                fields: v
                                    .payload
                                    .iter()
                                    .enumerate()
                                    .map(|(j, p)| FieldDesc {
                                        name: format!("__{j}"),
                                        ty: fty(p.ty),
                                        offset: p.offset,
                                        bits: None,
                                        access: dwarfsmith::Access::Unspecified,
                                        artificial: false,
                                        zero_sized: false,
                                        align: 0,
                                    })
                                    .collect(),
                                template_params: Vec::new(),
                            })
                            .collect(),
                        encoding: encoding(e),
                        decl: self.decl(e.pos),
                        template_params: Vec::new(),
                        methods: Vec::new(),
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
                    access: dwarfsmith::Access::Unspecified,
                })
            }
            _ => return Err(format!("type #{} cannot be described", id.0)),
        })
    }
}

/// The debug info of one compile unit, for backend `B`.
pub struct DebugInfo<'p, B: Backend> {
    pub(crate) cx: DebugContext<B>,
    types: HirTypes<'p>,
    file: FileId,
    /// Functions declared before their code (`-O`: callees of inlined
    /// calls need their handle first), by symbol.
    declared: HashMap<String, FunctionId>,
}

impl<'p, B: Backend> DebugInfo<'p, B> {
    /// Starts the compile unit for `src` (the path as given on the command
    /// line) on `backend`, creates a namespace per module and describes every
    /// named type. `codegen` names the code generator in the producer.
    pub fn start(prog: &'p Program, src: &Path, backend: B, codegen: &str) -> Result<Self, String> {
        let comp_dir = std::env::current_dir().unwrap_or_else(|_| ".".into());
        let cu = CompileUnit {
            producer: format!("toyc {} (dwarfsmith, {codegen})", env!("CARGO_PKG_VERSION")),
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
        let mut d = DebugInfo {
            cx,
            types: HirTypes {
                prog,
                file,
                namespaces,
                crate_hash,
            },
            file,
            declared: HashMap::new(),
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

    /// A `const` global stored at symbol `symbol`; `None` for a unit global.
    pub fn global(
        &mut self,
        g: &hir::Global,
        symbol: &str,
    ) -> Result<Option<dwarfsmith::GlobalId>, String> {
        let Some(ty) = self.ty(g.ty)? else {
            return Ok(None);
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
            .map(Some)
            .map_err(ds_err)
    }

    /// Describes a function and opens it (locations suppressed: prologue).
    pub fn begin_function(
        &mut self,
        f: &hir::Function,
        symbol: &str,
    ) -> Result<(FunctionId, ScopeId), String> {
        let fid = match self.declared.get(symbol) {
            Some(fid) => *fid,
            None => self.describe_function(f, symbol)?,
        };
        let scope = self.cx.function_scope(fid).map_err(ds_err)?;
        self.cx.enter_function(fid).map_err(ds_err)?;
        Ok((fid, scope))
    }

    /// Describes function `f` (symbol `symbol`) without opening it.
    fn describe_function(&mut self, f: &hir::Function, symbol: &str) -> Result<FunctionId, String> {
        let ret = self.ty(f.ret)?;
        let mut params = Vec::new();
        for p in &f.params {
            if let Some(t) = self.ty(p.ty)? {
                params.push(t);
            }
        }
        let namespace = self.ns(&f.path.module);
        self.cx
            .define_function(&FunctionDesc {
                name: &f.path.name,
                linkage_name: symbol,
                namespace,
                file: self.file,
                line: f.fn_pos.line.max(1),
                ret,
                params: &params,
                external: f.is_main,
                method_of: None,
            })
            .map_err(ds_err)
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

    /// The location for code emitted from now on (`pos.line == 0`: none).
    pub fn loc(&mut self, scope: ScopeId, pos: Pos) -> Result<Option<LocToken>, String> {
        if pos.line == 0 {
            self.cx.clear_source_location().map_err(ds_err)?;
            return Ok(None);
        }
        self.cx
            .set_source_location(scope, pos.line, dcol(pos))
            .map_err(ds_err)
    }

    /// Closes the open function.
    pub fn exit_function(&mut self) -> Result<(), String> {
        self.cx.exit_function().map_err(ds_err)
    }

    /// Ends the compile unit.
    pub fn finish(self) -> Result<B::Output, String> {
        self.cx.finish().map_err(ds_err)
    }
}
