//! Name resolution: the module tree, item declarations, paths and types,
//! alias-cycle and by-value-cycle detection.

use crate::front::ast::{self, ItemKind, TypeExpr, TypeExprKind};
use crate::front::diag::{err, Pos, Res};
use crate::front::hir::*;
use std::collections::{HashMap, VecDeque};

/// An item in a module namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item {
    Mod(usize),
    Struct(StructId),
    Enum(EnumId),
    Alias(AliasId),
    Fn(FnId),
    Extern(ExternId),
    Global(GlobalId),
}

/// The result of resolving a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resolved {
    Item(Item),
    Variant(EnumId, u32),
}

pub(crate) struct Module {
    pub parent: Option<usize>,
    pub path: Vec<String>,
    pub items: HashMap<String, Item>,
}

/// Signature and source of a function with a body.
pub(crate) struct FnDecl<'a> {
    pub path: ItemPath,
    pub module: usize,
    pub item: &'a ast::Item,
    pub params: Vec<(String, Pos, TypeId)>,
    pub ret: TypeId,
    pub fn_ty: TypeId,
}

/// The checking context shared by all passes.
pub(crate) struct Cx<'a> {
    pub types: TypeTable,
    pub modules: Vec<Module>,
    pub structs: Vec<StructDef>,
    pub enums: Vec<EnumDef>,
    pub aliases: Vec<AliasDef>,
    pub externs: Vec<ExternFn>,
    pub globals: Vec<Global>,
    pub fns: Vec<FnDecl<'a>>,
    /// Per declared item: its AST and module, indexed like the id tables.
    pub struct_src: Vec<(&'a ast::Item, usize)>,
    pub enum_src: Vec<(&'a ast::Item, usize)>,
    pub alias_src: Vec<(&'a ast::Item, usize)>,
    pub extern_src: Vec<(&'a ast::Item, usize)>,
    pub global_src: Vec<(&'a ast::Item, usize)>,
    /// State of the function (or constant) being checked.
    pub fcx: crate::front::check::FnCx,
}

fn builtin(name: &str) -> Option<TypeId> {
    Some(match name {
        "bool" => TypeId::BOOL,
        "i8" => TypeId::I8,
        "i16" => TypeId::I16,
        "i32" => TypeId::I32,
        "i64" => TypeId::I64,
        "u8" => TypeId::U8,
        "u16" => TypeId::U16,
        "u32" => TypeId::U32,
        "u64" => TypeId::U64,
        "f32" => TypeId::F32,
        "f64" => TypeId::F64,
        _ => return None,
    })
}

impl<'a> Cx<'a> {
    /// Builds the module tree and allocates ids for every item.
    pub fn collect(items: &'a [ast::Item]) -> Res<Cx<'a>> {
        let mut cx = Cx {
            types: TypeTable::new(),
            modules: vec![Module {
                parent: None,
                path: Vec::new(),
                items: HashMap::new(),
            }],
            structs: Vec::new(),
            enums: Vec::new(),
            aliases: Vec::new(),
            externs: Vec::new(),
            globals: Vec::new(),
            fns: Vec::new(),
            struct_src: Vec::new(),
            enum_src: Vec::new(),
            alias_src: Vec::new(),
            extern_src: Vec::new(),
            global_src: Vec::new(),
            fcx: crate::front::check::FnCx::default(),
        };
        let mut work: VecDeque<(usize, &'a [ast::Item])> = VecDeque::new();
        work.push_back((0, items));
        while let Some((m, items)) = work.pop_front() {
            for it in items {
                cx.declare(m, it, &mut work)?;
            }
        }
        Ok(cx)
    }

    fn item_path(&self, m: usize, name: &str) -> ItemPath {
        ItemPath {
            module: self
                .modules
                .get(m)
                .map(|x| x.path.clone())
                .unwrap_or_default(),
            name: name.to_string(),
        }
    }

    fn declare(
        &mut self,
        m: usize,
        it: &'a ast::Item,
        work: &mut VecDeque<(usize, &'a [ast::Item])>,
    ) -> Res<()> {
        let path = self.item_path(m, &it.name);
        let pos = it.pos;
        let item = match &it.kind {
            ItemKind::Mod(sub) => {
                let id = self.modules.len();
                let mut p = path.module.clone();
                p.push(it.name.clone());
                self.modules.push(Module {
                    parent: Some(m),
                    path: p,
                    items: HashMap::new(),
                });
                work.push_back((id, sub));
                Item::Mod(id)
            }
            ItemKind::Struct(_) => {
                let id = StructId(self.structs.len() as u32);
                let ty = self.types.add_struct(id, path.to_string());
                self.structs.push(StructDef {
                    path,
                    pos,
                    ty,
                    fields: Vec::new(),
                    size: 0,
                    align: 1,
                });
                self.struct_src.push((it, m));
                Item::Struct(id)
            }
            ItemKind::Enum(_) => {
                let id = EnumId(self.enums.len() as u32);
                let ty = self.types.add_enum(id, path.to_string());
                self.enums.push(EnumDef {
                    path,
                    pos,
                    ty,
                    variants: Vec::new(),
                    c_like: true,
                    layout: EnumLayout::CLike,
                    size: 4,
                    align: 4,
                    tag_offset: 0,
                    payload_offset: 4,
                });
                self.enum_src.push((it, m));
                Item::Enum(id)
            }
            ItemKind::Alias(_) => {
                let id = AliasId(self.aliases.len() as u32);
                let ty = self.types.add_alias(id, path.to_string());
                self.aliases.push(AliasDef {
                    path,
                    pos,
                    ty,
                    target: TypeId::UNIT,
                });
                self.alias_src.push((it, m));
                Item::Alias(id)
            }
            ItemKind::Fn { .. } => {
                let id = FnId(self.fns.len() as u32);
                self.fns.push(FnDecl {
                    path,
                    module: m,
                    item: it,
                    params: Vec::new(),
                    ret: TypeId::UNIT,
                    fn_ty: TypeId::UNIT,
                });
                Item::Fn(id)
            }
            ItemKind::Extern { .. } => {
                let id = ExternId(self.externs.len() as u32);
                self.externs.push(ExternFn {
                    path,
                    pos,
                    params: Vec::new(),
                    ret: TypeId::UNIT,
                    fn_ty: TypeId::UNIT,
                });
                self.extern_src.push((it, m));
                Item::Extern(id)
            }
            ItemKind::Const(..) => {
                let id = GlobalId(self.globals.len() as u32);
                self.globals.push(Global {
                    path,
                    pos,
                    ty: TypeId::UNIT,
                    init: Vec::new(),
                });
                self.global_src.push((it, m));
                Item::Global(id)
            }
        };
        let Some(module) = self.modules.get_mut(m) else {
            return err(pos, "internal error: bad module");
        };
        if module.items.contains_key(&it.name) {
            return err(pos, format!("duplicate definition of `{}`", it.name));
        }
        module.items.insert(it.name.clone(), item);
        Ok(())
    }

    /// Resolves a path lexically from module `m`. `what` names the kind of
    /// thing looked for in "unknown ..." messages.
    pub fn lookup(&self, m: usize, segs: &[String], pos: Pos, what: &str) -> Res<Resolved> {
        let text = segs.join("::");
        let unknown = || err(pos, format!("unknown {what} `{text}`"));
        let Some(first) = segs.first() else {
            return unknown();
        };
        let mut cur = Some(m);
        let mut found = None;
        while let Some(c) = cur {
            let Some(module) = self.modules.get(c) else {
                break;
            };
            if let Some(it) = module.items.get(first) {
                found = Some(*it);
                break;
            }
            cur = module.parent;
        }
        let Some(mut item) = found else {
            return unknown();
        };
        let rest = segs.get(1..).unwrap_or(&[]);
        for (i, seg) in rest.iter().enumerate() {
            let last = i + 1 == rest.len();
            let enum_id = match item {
                Item::Enum(e) => Some(e),
                Item::Alias(a) => {
                    let t = self
                        .types
                        .resolve_alias(self.aliases.get(a.idx()).map_or(TypeId::UNIT, |x| x.ty));
                    match self.types.kind(t) {
                        TypeKind::Enum(e) => Some(*e),
                        _ => None,
                    }
                }
                _ => None,
            };
            if let (Some(e), true) = (enum_id, last) {
                let def = self.enums.get(e.idx());
                let v = def.and_then(|d| d.variants.iter().position(|v| v.name == *seg));
                return match v {
                    Some(v) => Ok(Resolved::Variant(e, v as u32)),
                    None => {
                        let en = def.map(|d| d.path.to_string()).unwrap_or_default();
                        err(pos, format!("enum `{en}` has no variant `{seg}`"))
                    }
                };
            }
            let Item::Mod(mm) = item else {
                let prefix = segs.get(..=i).unwrap_or(&[]).join("::");
                return err(pos, format!("`{prefix}` is not a module"));
            };
            match self.modules.get(mm).and_then(|x| x.items.get(seg)) {
                Some(it) => item = *it,
                None => return unknown(),
            }
        }
        Ok(Resolved::Item(item))
    }

    /// Resolves a written type in module `m`.
    pub fn resolve_type(&mut self, m: usize, te: &TypeExpr) -> Res<TypeId> {
        match &te.kind {
            TypeExprKind::Path(p) => {
                if p.segs.len() == 1 {
                    if let Some(t) = p.segs.first().and_then(|s| builtin(s)) {
                        return Ok(t);
                    }
                }
                match self.lookup(m, &p.segs, p.pos, "type")? {
                    Resolved::Item(Item::Struct(s)) => {
                        Ok(self.structs.get(s.idx()).map_or(TypeId::UNIT, |x| x.ty))
                    }
                    Resolved::Item(Item::Enum(e)) => {
                        Ok(self.enums.get(e.idx()).map_or(TypeId::UNIT, |x| x.ty))
                    }
                    Resolved::Item(Item::Alias(a)) => {
                        Ok(self.aliases.get(a.idx()).map_or(TypeId::UNIT, |x| x.ty))
                    }
                    _ => err(p.pos, format!("`{}` is not a type", p.text())),
                }
            }
            TypeExprKind::Ptr(inner) => {
                let t = self.resolve_type(m, inner)?;
                Ok(self.types.ptr(t))
            }
            TypeExprKind::Array(inner, n) => {
                let t = self.resolve_type(m, inner)?;
                let Ok(n) = u64::try_from(*n) else {
                    return err(te.pos, "array length is too large");
                };
                Ok(self.types.intern(TypeKind::Array(t, n)))
            }
            TypeExprKind::Fn(ps, r) => {
                let mut params = Vec::new();
                for p in ps {
                    params.push(self.resolve_type(m, p)?);
                }
                let ret = match r {
                    Some(r) => self.resolve_type(m, r)?,
                    None => TypeId::UNIT,
                };
                Ok(self.types.intern(TypeKind::Fn(params, ret)))
            }
        }
    }

    /// Resolves every declaration's types and computes declared layouts.
    pub fn resolve_decls(&mut self) -> Res<()> {
        for i in 0..self.alias_src.len() {
            let Some(&(it, m)) = self.alias_src.get(i) else {
                continue;
            };
            if let ItemKind::Alias(te) = &it.kind {
                let t = self.resolve_type(m, te)?;
                self.types.set_alias_target(AliasId(i as u32), t);
                if let Some(a) = self.aliases.get_mut(i) {
                    a.target = t;
                }
            }
        }
        self.check_alias_cycles()?;
        for i in 0..self.struct_src.len() {
            let Some(&(it, m)) = self.struct_src.get(i) else {
                continue;
            };
            let ItemKind::Struct(fields) = &it.kind else {
                continue;
            };
            let mut out: Vec<FieldDef> = Vec::new();
            for f in fields {
                if out.iter().any(|o| o.name == f.name) {
                    return err(
                        f.pos,
                        format!("duplicate field `{}` in struct `{}`", f.name, it.name),
                    );
                }
                let ty = self.resolve_type(m, &f.ty)?;
                out.push(FieldDef {
                    name: f.name.clone(),
                    ty,
                    offset: 0,
                    pos: f.pos,
                });
            }
            if let Some(s) = self.structs.get_mut(i) {
                s.fields = out;
            }
        }
        for i in 0..self.enum_src.len() {
            let Some(&(it, m)) = self.enum_src.get(i) else {
                continue;
            };
            let ItemKind::Enum(vars) = &it.kind else {
                continue;
            };
            let mut out: Vec<VariantDef> = Vec::new();
            for v in vars {
                if out.iter().any(|o| o.name == v.name) {
                    return err(
                        v.pos,
                        format!("duplicate variant `{}` in enum `{}`", v.name, it.name),
                    );
                }
                let mut payload = Vec::new();
                for t in &v.types {
                    let ty = self.resolve_type(m, t)?;
                    payload.push(PayloadField { ty, offset: 0 });
                }
                out.push(VariantDef {
                    name: v.name.clone(),
                    pos: v.pos,
                    payload,
                });
            }
            let layout = self.enum_layout(&out);
            if let Some(e) = self.enums.get_mut(i) {
                e.c_like = layout == EnumLayout::CLike;
                e.layout = layout;
                e.variants = out;
            }
        }
        for i in 0..self.structs.len() {
            let (ty, pos) = self
                .structs
                .get(i)
                .map_or((TypeId::UNIT, Pos::default()), |s| (s.ty, s.pos));
            self.layout_at(ty, pos)?;
        }
        for i in 0..self.enums.len() {
            let (ty, pos) = self
                .enums
                .get(i)
                .map_or((TypeId::UNIT, Pos::default()), |s| (s.ty, s.pos));
            self.layout_at(ty, pos)?;
        }
        for i in 0..self.aliases.len() {
            let (ty, pos) = self
                .aliases
                .get(i)
                .map_or((TypeId::UNIT, Pos::default()), |s| (s.ty, s.pos));
            self.layout_at(ty, pos)?;
        }
        self.resolve_signatures()
    }

    /// The layout of an enum with these variants (aliases already
    /// resolved): C-like without payloads, niche for `{ A, B(*T) }` (either
    /// order), tag-less for one variant with a payload, tagged otherwise.
    fn enum_layout(&self, vars: &[VariantDef]) -> EnumLayout {
        if vars.iter().all(|v| v.payload.is_empty()) {
            return EnumLayout::CLike;
        }
        if let [_] = vars {
            return EnumLayout::Single;
        }
        let is_ptr = |v: &VariantDef| matches!(v.payload.as_slice(), [p] if matches!(self.types.rkind(p.ty), TypeKind::Ptr(_)));
        match vars {
            [a, b] if a.payload.is_empty() && is_ptr(b) => EnumLayout::Niche {
                null_variant: 0,
                ptr_variant: 1,
            },
            [a, b] if b.payload.is_empty() && is_ptr(a) => EnumLayout::Niche {
                null_variant: 1,
                ptr_variant: 0,
            },
            _ => EnumLayout::Tagged,
        }
    }

    fn params(&mut self, m: usize, ps: &[ast::Param]) -> Res<Vec<(String, Pos, TypeId)>> {
        let mut out: Vec<(String, Pos, TypeId)> = Vec::new();
        for p in ps {
            if out.iter().any(|o| o.0 == p.name) {
                return err(p.pos, format!("duplicate parameter `{}`", p.name));
            }
            let t = self.resolve_type(m, &p.ty)?;
            self.layout_at(t, p.ty.pos)?;
            out.push((p.name.clone(), p.pos, t));
        }
        Ok(out)
    }

    fn ret(&mut self, m: usize, r: &Option<TypeExpr>) -> Res<TypeId> {
        match r {
            Some(te) => {
                let t = self.resolve_type(m, te)?;
                self.layout_at(t, te.pos)?;
                Ok(t)
            }
            None => Ok(TypeId::UNIT),
        }
    }

    fn resolve_signatures(&mut self) -> Res<()> {
        for i in 0..self.fns.len() {
            let Some(f) = self.fns.get(i) else { continue };
            let (m, item) = (f.module, f.item);
            let ItemKind::Fn { params, ret, .. } = &item.kind else {
                continue;
            };
            let ps = self.params(m, params)?;
            let r = self.ret(m, ret)?;
            let fn_ty = self
                .types
                .intern(TypeKind::Fn(ps.iter().map(|p| p.2).collect(), r));
            if let Some(f) = self.fns.get_mut(i) {
                f.params = ps;
                f.ret = r;
                f.fn_ty = fn_ty;
            }
        }
        for i in 0..self.extern_src.len() {
            let Some(&(it, m)) = self.extern_src.get(i) else {
                continue;
            };
            let ItemKind::Extern { params, ret } = &it.kind else {
                continue;
            };
            let ps = self.params(m, params)?;
            let r = self.ret(m, ret)?;
            let fn_ty = self
                .types
                .intern(TypeKind::Fn(ps.iter().map(|p| p.2).collect(), r));
            if let Some(e) = self.externs.get_mut(i) {
                e.params = ps.into_iter().map(|p| (p.0, p.2)).collect();
                e.ret = r;
                e.fn_ty = fn_ty;
            }
        }
        for i in 0..self.global_src.len() {
            let Some(&(it, m)) = self.global_src.get(i) else {
                continue;
            };
            let ItemKind::Const(te, _) = &it.kind else {
                continue;
            };
            let t = self.resolve_type(m, te)?;
            self.layout_at(t, te.pos)?;
            if let Some(g) = self.globals.get_mut(i) {
                g.ty = t;
            }
        }
        Ok(())
    }
}
