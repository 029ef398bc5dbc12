//! Type checking of statements, functions, constants and the program as a
//! whole (expressions are in `check_expr.rs`).

use crate::front::ast::{self, ItemKind};
use crate::front::consteval;
use crate::front::diag::{err, Pos, Res};
use crate::front::hir::*;
use crate::front::resolve::{Cx, Item, Resolved};

/// Per-function checking state.
#[derive(Debug, Default)]
pub(crate) struct FnCx {
    pub locals: Vec<Local>,
    pub scopes: Vec<Scope>,
    /// Visible names per open scope (the first frame holds parameters).
    pub frames: Vec<Vec<(String, LocalId)>>,
    pub cur: Option<ScopeId>,
    pub ret: TypeId,
    pub module: usize,
    pub name: String,
}

/// Whether control can never reach the end of `b`.
fn block_returns(b: &Block) -> bool {
    b.stmts.iter().any(|s| match &s.kind {
        StmtKind::Return(_) => true,
        StmtKind::Block(b) => block_returns(b),
        StmtKind::If {
            branches,
            else_block: Some(e),
        } => branches.iter().all(|br| block_returns(&br.block)) && block_returns(e),
        StmtKind::Match { arms, .. } => arms.iter().all(|a| block_returns(&a.block)),
        _ => false,
    })
}

/// Checks a parsed program and builds its typed IR.
pub fn check_program(items: &[ast::Item]) -> Res<Program> {
    let mut cx = Cx::collect(items)?;
    cx.resolve_decls()?;
    cx.check_globals()?;
    let mut functions = Vec::new();
    for i in 0..cx.fns.len() {
        functions.push(cx.check_function(FnId(i as u32))?);
    }
    let main = match cx.modules.first().and_then(|m| m.items.get("main")) {
        Some(Item::Fn(f)) => *f,
        _ => return err(Pos::new(1, 1), "missing `fn main() -> i32`"),
    };
    if let Some(f) = cx.fns.get(main.idx()) {
        let (ret, n, pos) = (f.ret, f.params.len(), f.item.pos);
        if n != 0 || !cx.types.same(ret, TypeId::I32) {
            return err(pos, "`main` must be declared as `fn main() -> i32`");
        }
    }
    if let Some(f) = functions.get_mut(main.idx()) {
        f.is_main = true;
    }
    let ids: Vec<TypeId> = cx.types.ids().collect();
    for t in ids {
        cx.layout_at(t, Pos::new(1, 1))?;
    }
    Ok(Program {
        types: cx.types,
        structs: cx.structs,
        enums: cx.enums,
        aliases: cx.aliases,
        functions,
        externs: cx.externs,
        globals: cx.globals,
        main,
        modules: cx.modules.into_iter().skip(1).map(|m| m.path).collect(),
    })
}

impl Cx<'_> {
    /// The innermost visible local called `name`.
    pub fn lookup_local(&self, name: &str) -> Option<LocalId> {
        self.fcx
            .frames
            .iter()
            .rev()
            .flat_map(|f| f.iter().rev())
            .find(|(n, _)| n == name)
            .map(|(_, l)| *l)
    }

    fn add_local(&mut self, name: &str, ty: TypeId, pos: Pos, kind: LocalKind) -> LocalId {
        let id = LocalId(self.fcx.locals.len() as u32);
        let scope = match kind {
            LocalKind::Param(_) => None,
            _ => self.fcx.cur,
        };
        self.fcx.locals.push(Local {
            name: name.to_string(),
            ty,
            pos,
            scope,
            kind,
        });
        if let Some(f) = self.fcx.frames.last_mut() {
            f.push((name.to_string(), id));
        }
        if let Some(s) = scope.and_then(|s| self.fcx.scopes.get_mut(s.idx())) {
            s.locals.push(id);
        }
        id
    }

    /// Checks a block in a new scope, first binding `pre` (match bindings).
    fn block(
        &mut self,
        b: &ast::Block,
        pre: &[(String, Pos, TypeId)],
    ) -> Res<(Block, Vec<LocalId>)> {
        let id = ScopeId(self.fcx.scopes.len() as u32);
        let parent = self.fcx.cur;
        self.fcx.scopes.push(Scope {
            parent,
            start: b.open,
            end: b.close,
            locals: Vec::new(),
        });
        self.fcx.frames.push(Vec::new());
        self.fcx.cur = Some(id);
        let mut bound = Vec::new();
        for (i, (name, pos, ty)) in pre.iter().enumerate() {
            bound.push(self.add_local(name, *ty, *pos, LocalKind::MatchBinding(i as u32)));
        }
        let mut stmts = Vec::new();
        let mut result = Ok(());
        for s in &b.stmts {
            match self.stmt(s) {
                Ok(s) => stmts.push(s),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        self.fcx.frames.pop();
        self.fcx.cur = parent;
        result?;
        Ok((Block { scope: id, stmts }, bound))
    }

    fn stmt(&mut self, s: &ast::Stmt) -> Res<Stmt> {
        let kind = match &s.kind {
            ast::StmtKind::Let {
                name,
                name_pos,
                ty,
                init,
            } => {
                let declared = match ty {
                    Some(te) => {
                        let t = self.resolve_type(self.fcx.module, te)?;
                        self.layout_at(t, te.pos)?;
                        Some(t)
                    }
                    None => None,
                };
                let init = match declared {
                    Some(t) => self.expr_expect(init, t)?,
                    None => self.expr(init, None)?,
                };
                let ty = declared.unwrap_or(init.ty);
                if self.types.same(ty, TypeId::UNIT) {
                    return err(init.pos, "expression has no value");
                }
                let local = self.add_local(name, ty, *name_pos, LocalKind::Let);
                StmtKind::Let { local, init }
            }
            ast::StmtKind::Assign(lhs, rhs) => {
                let target = self.expr(lhs, None)?;
                let Some(place) = self.to_place(target) else {
                    return err(
                        lhs.pos,
                        "cannot assign to this expression (it is not a place)",
                    );
                };
                self.check_not_const(&place)?;
                let value = self.expr_expect(rhs, place.ty)?;
                StmtKind::Assign { place, value }
            }
            ast::StmtKind::If(branches, els) => {
                let mut out = Vec::new();
                for (c, b) in branches {
                    let cond = self.expr_expect(c, TypeId::BOOL)?;
                    let block = self.block(b, &[])?.0;
                    out.push(IfBranch { cond, block });
                }
                let else_block = match els {
                    Some(b) => Some(self.block(b, &[])?.0),
                    None => None,
                };
                StmtKind::If {
                    branches: out,
                    else_block,
                }
            }
            ast::StmtKind::While(c, b) => {
                let cond = self.expr_expect(c, TypeId::BOOL)?;
                let body = self.block(b, &[])?.0;
                StmtKind::While { cond, body }
            }
            ast::StmtKind::Match(scrut, arms) => self.match_stmt(s.pos, scrut, arms)?,
            ast::StmtKind::Return(e) => {
                let ret = self.fcx.ret;
                let unit = self.types.same(ret, TypeId::UNIT);
                match e {
                    None if !unit => {
                        let t = self.types.name(ret);
                        return err(
                            s.pos,
                            format!("`return` without a value in a function returning `{t}`"),
                        );
                    }
                    None => StmtKind::Return(None),
                    Some(e) if unit => {
                        let n = &self.fcx.name;
                        return err(
                            e.pos,
                            format!("function `{n}` has no return type but returns a value"),
                        );
                    }
                    Some(e) => StmtKind::Return(Some(self.expr_expect(e, ret)?)),
                }
            }
            ast::StmtKind::Block(b) => StmtKind::Block(self.block(b, &[])?.0),
            ast::StmtKind::Expr(e) => StmtKind::Expr(self.expr(e, None)?),
        };
        Ok(Stmt { pos: s.pos, kind })
    }

    fn check_not_const(&self, p: &Place) -> Res<()> {
        let mut cur = p;
        loop {
            match &cur.kind {
                PlaceKind::Field(b, ..) | PlaceKind::Index(b, _) => cur = b,
                PlaceKind::Global(g) => {
                    let name = self
                        .globals
                        .get(g.idx())
                        .map(|g| g.path.to_string())
                        .unwrap_or_default();
                    return err(p.pos, format!("cannot assign to constant `{name}`"));
                }
                PlaceKind::Local(_) | PlaceKind::Deref(_) => return Ok(()),
            }
        }
    }

    fn match_stmt(&mut self, pos: Pos, scrut: &ast::Expr, arms: &[ast::Arm]) -> Res<StmtKind> {
        let x = self.expr(scrut, None)?;
        let TypeKind::Enum(eid) = *self.types.rkind(x.ty) else {
            let t = self.types.name(x.ty);
            return err(
                scrut.pos,
                format!("cannot match on a value of type `{t}` (expected an enum)"),
            );
        };
        let Some(def) = self.enums.get(eid.idx()) else {
            return err(pos, "internal error: bad enum");
        };
        let ename = def.path.to_string();
        let variants: Vec<(String, Vec<TypeId>)> = def
            .variants
            .iter()
            .map(|v| (v.name.clone(), v.payload.iter().map(|p| p.ty).collect()))
            .collect();
        let mut seen = vec![false; variants.len()];
        let mut out = Vec::new();
        for arm in arms {
            let p = &arm.path;
            let direct = match p.segs.as_slice() {
                [one] => variants.iter().position(|v| v.0 == *one),
                _ => None,
            };
            let vi = match direct {
                Some(v) => v,
                None => match self.lookup(self.fcx.module, &p.segs, p.pos, "variant")? {
                    Resolved::Variant(e, v) if e == eid => v as usize,
                    _ => {
                        return err(
                            p.pos,
                            format!("`{}` is not a variant of `{ename}`", p.text()),
                        )
                    }
                },
            };
            let Some((vname, payload)) = variants.get(vi) else {
                return err(p.pos, "internal error: bad variant");
            };
            if seen.get(vi).copied().unwrap_or(false) {
                return err(
                    p.pos,
                    format!("variant `{ename}::{vname}` is matched more than once"),
                );
            }
            if let Some(s) = seen.get_mut(vi) {
                *s = true;
            }
            if arm.has_parens && payload.is_empty() {
                return err(
                    p.pos,
                    format!("variant `{ename}::{vname}` has no payload to bind"),
                );
            }
            if arm.has_parens && arm.bindings.len() != payload.len() {
                return err(
                    p.pos,
                    format!(
                        "variant `{ename}::{vname}` has {} but the pattern binds {}",
                        plural(payload.len(), "value"),
                        arm.bindings.len()
                    ),
                );
            }
            let pre: Vec<(String, Pos, TypeId)> = arm
                .bindings
                .iter()
                .zip(payload.iter())
                .map(|((n, p), t)| (n.clone(), *p, *t))
                .collect();
            let (block, bindings) = self.block(&arm.body, &pre)?;
            out.push(Arm {
                pos: p.pos,
                variant: vi as u32,
                bindings,
                block,
            });
        }
        let missing: Vec<String> = variants
            .iter()
            .zip(seen.iter())
            .filter(|(_, s)| !**s)
            .map(|(v, _)| format!("`{ename}::{}`", v.0))
            .collect();
        if !missing.is_empty() {
            return err(
                pos,
                format!("non-exhaustive match: missing {}", missing.join(", ")),
            );
        }
        Ok(StmtKind::Match {
            scrutinee: x,
            enum_id: eid,
            arms: out,
        })
    }

    fn check_function(&mut self, id: FnId) -> Res<Function> {
        let Some(decl) = self.fns.get(id.idx()) else {
            return err(Pos::new(1, 1), "internal error: bad function");
        };
        let item = decl.item;
        let (path, params, ret, fn_ty, module) = (
            decl.path.clone(),
            decl.params.clone(),
            decl.ret,
            decl.fn_ty,
            decl.module,
        );
        let ItemKind::Fn { body, .. } = &item.kind else {
            return err(item.pos, "internal error: not a function");
        };
        self.fcx = FnCx {
            ret,
            module,
            name: path.to_string(),
            frames: vec![Vec::new()],
            ..FnCx::default()
        };
        let mut hparams = Vec::new();
        for (i, (name, pos, ty)) in params.iter().enumerate() {
            let local = self.add_local(name, *ty, *pos, LocalKind::Param(i as u32));
            hparams.push(Param {
                name: name.clone(),
                ty: *ty,
                pos: *pos,
                local,
            });
        }
        let (hbody, _) = self.block(body, &[])?;
        let fcx = std::mem::take(&mut self.fcx);
        Ok(Function {
            path,
            fn_pos: item.kw_pos,
            name_pos: item.pos,
            params: hparams,
            ret,
            fn_ty,
            locals: fcx.locals,
            scopes: fcx.scopes,
            falls_through: !block_returns(&hbody),
            body: hbody,
            body_open: body.open,
            body_close: body.close,
            is_main: false,
        })
    }

    /// Type-checks every constant initialiser and evaluates them in
    /// dependency order (iteratively), rejecting cycles.
    pub fn check_globals(&mut self) -> Res<()> {
        let mut exprs = Vec::new();
        for i in 0..self.global_src.len() {
            let Some(&(it, m)) = self.global_src.get(i) else {
                continue;
            };
            let ItemKind::Const(_, init) = &it.kind else {
                continue;
            };
            let ty = self.globals.get(i).map_or(TypeId::UNIT, |g| g.ty);
            self.fcx = FnCx {
                module: m,
                name: it.name.clone(),
                ..FnCx::default()
            };
            exprs.push(self.expr_expect(init, ty)?);
        }
        let deps: Vec<Vec<usize>> = exprs
            .iter()
            .map(|e| {
                let mut v = Vec::new();
                consteval::global_refs(e, &mut v);
                v
            })
            .collect();
        let n = exprs.len();
        let mut state = vec![0u8; n];
        let mut images: Vec<Vec<u8>> = vec![Vec::new(); n];
        for root in 0..n {
            if state.get(root).copied() != Some(0) {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
            if let Some(s) = state.get_mut(root) {
                *s = 1;
            }
            while let Some(top) = stack.last_mut() {
                let (g, k) = *top;
                top.1 += 1;
                match deps.get(g).and_then(|d| d.get(k)).copied() {
                    Some(d) => match state.get(d).copied() {
                        Some(0) => {
                            if let Some(s) = state.get_mut(d) {
                                *s = 1;
                            }
                            stack.push((d, 0));
                        }
                        Some(1) => {
                            let start = stack.iter().position(|f| f.0 == d).unwrap_or(0);
                            let name = |i: usize| {
                                self.globals
                                    .get(i)
                                    .map(|g| g.path.to_string())
                                    .unwrap_or_default()
                            };
                            let mut names: Vec<String> =
                                stack.iter().skip(start).map(|f| name(f.0)).collect();
                            names.push(name(d));
                            let pos = self.globals.get(d).map_or(Pos::new(1, 1), |g| g.pos);
                            return err(
                                pos,
                                format!(
                                    "constant `{}` depends on itself: {}",
                                    name(d),
                                    names.join(" -> ")
                                ),
                            );
                        }
                        _ => {}
                    },
                    None => {
                        let Some(e) = exprs.get(g) else { break };
                        let img =
                            consteval::eval(&self.types, &self.structs, &self.enums, &images, e)?;
                        if let Some(slot) = images.get_mut(g) {
                            *slot = img;
                        }
                        if let Some(s) = state.get_mut(g) {
                            *s = 2;
                        }
                        stack.pop();
                    }
                }
            }
        }
        for (g, img) in self.globals.iter_mut().zip(images) {
            g.init = img;
        }
        Ok(())
    }
}

/// `1 value`, `2 values`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
