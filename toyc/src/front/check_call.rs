//! Type checking of paths, calls and struct initialisers.

use crate::front::ast;
use crate::front::check::plural;
use crate::front::diag::{err, Pos, Res};
use crate::front::hir::*;
use crate::front::resolve::{Cx, Item, Resolved};

/// A checked struct initializer: struct, its (possibly alias) type, fields.
pub(crate) type StructInit = (StructId, TypeId, Vec<(u32, Expr)>);

impl Cx<'_> {
    pub(crate) fn path_expr(&mut self, p: &ast::Path) -> Res<Expr> {
        let pos = p.pos;
        if let [one] = p.segs.as_slice() {
            if let Some(l) = self.lookup_local(one) {
                let ty = self.fcx.locals.get(l.idx()).map_or(TypeId::UNIT, |x| x.ty);
                return Ok(Expr {
                    ty,
                    pos,
                    kind: ExprKind::Local(l),
                });
            }
        }
        let (ty, kind) = match self.lookup(self.fcx.module, &p.segs, pos, "name")? {
            Resolved::Item(Item::Global(g)) => {
                let ty = self.globals.get(g.idx()).map_or(TypeId::UNIT, |x| x.ty);
                (ty, ExprKind::Global(g))
            }
            Resolved::Item(Item::Fn(f)) => {
                let ty = self.fns.get(f.idx()).map_or(TypeId::UNIT, |x| x.fn_ty);
                (ty, ExprKind::FnRef(Callee::Fn(f)))
            }
            Resolved::Item(Item::Extern(x)) => {
                let ty = self.externs.get(x.idx()).map_or(TypeId::UNIT, |e| e.fn_ty);
                (ty, ExprKind::FnRef(Callee::Extern(x)))
            }
            Resolved::Variant(e, v) => {
                let def = self.enums.get(e.idx());
                let n = def
                    .and_then(|d| d.variants.get(v as usize))
                    .map_or(0, |v| v.payload.len());
                if n != 0 {
                    return err(
                        pos,
                        format!(
                            "variant `{}` takes {}; use `{}(...)`",
                            p.text(),
                            plural(n, "value"),
                            p.text()
                        ),
                    );
                }
                (
                    def.map_or(TypeId::UNIT, |d| d.ty),
                    ExprKind::EnumValue(e, v, Vec::new()),
                )
            }
            Resolved::Item(Item::Mod(_)) => {
                return err(pos, format!("`{}` is a module, not a value", p.text()))
            }
            Resolved::Item(_) => return err(pos, format!("`{}` is a type, not a value", p.text())),
        };
        Ok(Expr { ty, pos, kind })
    }

    fn args(
        &mut self,
        what: &str,
        args: &[ast::Expr],
        params: &[TypeId],
        pos: Pos,
    ) -> Res<Vec<Expr>> {
        if args.len() != params.len() {
            let was = if args.len() == 1 { "was" } else { "were" };
            let n = plural(params.len(), "argument");
            return err(
                pos,
                format!("{what} takes {n} but {} {was} given", args.len()),
            );
        }
        let mut out = Vec::new();
        for (a, t) in args.iter().zip(params) {
            out.push(self.expr_expect(a, *t)?);
        }
        Ok(out)
    }

    pub(crate) fn call(&mut self, callee: &ast::Expr, args: &[ast::Expr], pos: Pos) -> Res<Expr> {
        if let ast::ExprKind::Path(p) = &callee.kind {
            let is_local = matches!(p.segs.as_slice(), [one] if self.lookup_local(one).is_some());
            if !is_local {
                let r = self.lookup(self.fcx.module, &p.segs, p.pos, "function")?;
                let text = p.text();
                match r {
                    Resolved::Item(Item::Fn(f)) => {
                        let (ps, ret) = self
                            .fns
                            .get(f.idx())
                            .map_or((Vec::new(), TypeId::UNIT), |d| {
                                (d.params.iter().map(|x| x.2).collect(), d.ret)
                            });
                        let args = self.args(&format!("function `{text}`"), args, &ps, pos)?;
                        return Ok(Expr {
                            ty: ret,
                            pos,
                            kind: ExprKind::Call(f, args),
                        });
                    }
                    Resolved::Item(Item::Extern(x)) => {
                        let (ps, ret) = self
                            .externs
                            .get(x.idx())
                            .map_or((Vec::new(), TypeId::UNIT), |d| {
                                (d.params.iter().map(|x| x.1).collect(), d.ret)
                            });
                        let args = self.args(&format!("function `{text}`"), args, &ps, pos)?;
                        return Ok(Expr {
                            ty: ret,
                            pos,
                            kind: ExprKind::ExternCall(x, args),
                        });
                    }
                    Resolved::Variant(e, v) => {
                        let def = self.enums.get(e.idx());
                        let ty = def.map_or(TypeId::UNIT, |d| d.ty);
                        let ps: Vec<TypeId> = def
                            .and_then(|d| d.variants.get(v as usize))
                            .map(|v| v.payload.iter().map(|p| p.ty).collect())
                            .unwrap_or_default();
                        if ps.is_empty() {
                            return err(pos, format!("variant `{text}` has no payload"));
                        }
                        if args.len() != ps.len() {
                            let was = if args.len() == 1 { "was" } else { "were" };
                            let n = plural(ps.len(), "value");
                            return err(
                                pos,
                                format!(
                                    "variant `{text}` takes {n} but {} {was} given",
                                    args.len()
                                ),
                            );
                        }
                        let args = self.args("variant", args, &ps, pos)?;
                        return Ok(Expr {
                            ty,
                            pos,
                            kind: ExprKind::EnumValue(e, v, args),
                        });
                    }
                    Resolved::Item(Item::Global(_)) => {}
                    _ => return err(pos, format!("`{text}` is not a function")),
                }
            }
        }
        let c = self.expr(callee, None)?;
        let TypeKind::Fn(ps, ret) = self.types.rkind(c.ty).clone() else {
            let t = self.types.name(c.ty);
            return err(pos, format!("cannot call a value of type `{t}`"));
        };
        let args = self.args("function pointer", args, &ps, pos)?;
        Ok(Expr {
            ty: ret,
            pos,
            kind: ExprKind::CallIndirect(Box::new(c), args),
        })
    }

    pub(crate) fn struct_init(
        &mut self,
        path: &ast::Path,
        inits: &[ast::FieldInit],
        pos: Pos,
    ) -> Res<StructInit> {
        let text = path.text();
        let ty = match self.lookup(self.fcx.module, &path.segs, path.pos, "struct")? {
            Resolved::Item(Item::Struct(s)) => {
                self.structs.get(s.idx()).map_or(TypeId::UNIT, |d| d.ty)
            }
            Resolved::Item(Item::Alias(a)) => {
                self.aliases.get(a.idx()).map_or(TypeId::UNIT, |d| d.ty)
            }
            _ => return err(path.pos, format!("`{text}` is not a struct")),
        };
        let TypeKind::Struct(sid) = *self.types.rkind(ty) else {
            return err(path.pos, format!("`{text}` is not a struct"));
        };
        let fields: Vec<(String, TypeId)> = self
            .structs
            .get(sid.idx())
            .map(|d| d.fields.iter().map(|f| (f.name.clone(), f.ty)).collect())
            .unwrap_or_default();
        let sname = self.types.name(ty);
        let mut seen = vec![false; fields.len()];
        let mut out = Vec::new();
        for (name, npos, e) in inits {
            let Some(idx) = fields.iter().position(|f| f.0 == *name) else {
                return err(*npos, format!("struct `{sname}` has no field `{name}`"));
            };
            if seen.get(idx).copied().unwrap_or(false) {
                return err(
                    *npos,
                    format!("field `{name}` is initialized more than once"),
                );
            }
            if let Some(s) = seen.get_mut(idx) {
                *s = true;
            }
            let fty = fields.get(idx).map_or(TypeId::UNIT, |f| f.1);
            out.push((idx as u32, self.expr_expect(e, fty)?));
        }
        let missing: Vec<String> = fields
            .iter()
            .zip(&seen)
            .filter(|(_, s)| !**s)
            .map(|(f, _)| format!("`{}`", f.0))
            .collect();
        if !missing.is_empty() {
            let word = if missing.len() == 1 {
                "field"
            } else {
                "fields"
            };
            return err(
                pos,
                format!(
                    "missing {word} {} in initializer of `{sname}`",
                    missing.join(", ")
                ),
            );
        }
        Ok((sid, ty, out))
    }
}
