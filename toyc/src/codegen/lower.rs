//! The lowering both codegens share: Toy blocks with their debug scopes,
//! `let`, assignment, `if`, `while`, `match`, `return`, the end of a
//! function body, the addresses of places and the expressions that only
//! move data, written once over [`Lower`] — the few operations it
//! needs from a code generator (blocks and branches, slot addresses, loads
//! and stores, the codegen's own expression lowering). The Cranelift
//! codegen (`cranelift/`) and the LLVM codegen (`llvm/`) implement it, so
//! both emit the same control flow, in the same order, with the same
//! source locations and debug scopes.

use dwarfsmith::VarId;

use crate::codegen::repr::{repr, Repr, Scalar};
use crate::debuginfo::scopes::Scopes;
use crate::front::hir::{
    self, Block, CastKind, EnumLayout, Expr, ExprKind, GlobalId, LocalId, Place, PlaceKind, Pos,
    Program, Stmt, StmtKind, TypeId,
};

/// Result of code generation (toyc's errors are strings).
pub type R<T> = Result<T, String>;

/// Trap code of unreachable code after a body that cannot fall through.
const TRAP_NO_RETURN: u8 = 1;
/// Trap code of a `match` on a tag no arm names.
const TRAP_BAD_TAG: u8 = 2;

/// The value of a Toy expression in generated code, over a codegen's SSA
/// value type `T`.
#[derive(Clone, Copy, Debug)]
pub enum ExprValue<T> {
    /// No value.
    Unit,
    /// A scalar.
    S(T),
    /// An aggregate at this address.
    M(T),
}

/// What a code generator provides to the shared statement lowering. The
/// provided methods are that lowering.
pub trait Lower<'p> {
    /// An SSA value: a scalar, an address or a condition.
    type Val: Copy;
    /// A basic block.
    type Block: Copy;

    /// The program being compiled.
    fn prog(&self) -> &'p Program;
    /// The function being compiled.
    fn func(&self) -> &'p hir::Function;
    /// Its debug scopes (`None` without debug info).
    fn scopes(&mut self) -> Option<&mut dyn Scopes>;
    /// Ties new debug variables to their locals' storage.
    fn bind_vars(&mut self, vars: Vec<(LocalId, VarId)>) -> R<()>;
    /// Code emitted from now on has the location `pos` (in the current
    /// debug scope).
    fn set_loc(&mut self, pos: Pos) -> R<()>;
    /// Lowers an expression.
    fn lower_expr(&mut self, e: &'p Expr) -> R<ExprValue<Self::Val>>;
    /// Lowers a `bool` expression to a branch condition.
    fn lower_cond(&mut self, e: &'p Expr) -> R<Self::Val>;
    /// Lowers a scalar expression to its value.
    fn lower_scalar(&mut self, e: &'p Expr) -> R<Self::Val>;
    /// The address of global `g`.
    fn global_addr(&mut self, g: GlobalId) -> R<Self::Val>;
    /// The address of element `index` (of type `elem`) of the array at `a`.
    fn elem_addr(&mut self, a: Self::Val, index: &'p Expr, elem: TypeId) -> R<Self::Val>;
    /// The address of a local's stack slot.
    fn local_addr(&mut self, l: LocalId) -> R<Self::Val>;
    /// The value of local `l` if the codegen keeps it in an SSA value
    /// (`-O`); `None`: it lives in its stack slot.
    fn read_local(&mut self, _l: LocalId) -> R<Option<ExprValue<Self::Val>>> {
        Ok(None)
    }
    /// Defines local `l` (at its `let`) as `v` if the codegen keeps it in
    /// an SSA value; `false`: store it into its stack slot.
    fn define_local(&mut self, _l: LocalId, _v: ExprValue<Self::Val>) -> R<bool> {
        Ok(false)
    }
    /// Loads a value of type `t` from `addr`.
    fn load_value(&mut self, t: TypeId, addr: Self::Val) -> R<ExprValue<Self::Val>>;
    /// Stores `v` (of type `t`) at `addr`.
    fn store_value(&mut self, t: TypeId, v: ExprValue<Self::Val>, addr: Self::Val) -> R<()>;
    /// A fresh stack temporary for a value of type `t`; its address.
    fn temp(&mut self, t: TypeId) -> R<Self::Val>;
    /// `malloc(size)`.
    fn heap_alloc(&mut self, size: u64) -> R<Self::Val>;
    /// Stores `v` (of type `t`) into `n` consecutive elements of `esz`
    /// bytes at `a`.
    fn fill_array(
        &mut self,
        a: Self::Val,
        t: TypeId,
        v: ExprValue<Self::Val>,
        esz: u64,
        n: u64,
    ) -> R<()>;
    /// `v as to` (from `from`).
    fn convert(&mut self, kind: CastKind, v: Self::Val, from: TypeId, to: TypeId) -> R<Self::Val>;
    /// `print(args)`.
    fn emit_print(&mut self, args: &'p [Expr]) -> R<()>;
    /// The `u32` tag value of `variant`.
    fn tag_const(&mut self, variant: u32) -> R<Self::Val>;
    /// Stores the `u32` tag of `variant` at `a + tag_offset`.
    fn store_tag(&mut self, a: Self::Val, tag_offset: u64, variant: u32) -> R<()>;
    /// Stores a null pointer at `a + offset` (the payload-less variant of
    /// a niche enum).
    fn store_null(&mut self, a: Self::Val, offset: u64) -> R<()>;
    /// The condition "the pointer at `a + offset` is null" (which variant
    /// of a niche enum is active).
    fn is_null_at(&mut self, a: Self::Val, offset: u64) -> R<Self::Val>;
    /// `base + off`.
    fn offset(&mut self, base: Self::Val, off: u64) -> R<Self::Val>;
    /// The `u32` tag of an enum value (at `tag_offset` of a tagged union)
    /// and, for a tagged union, its address.
    fn enum_tag(
        &mut self,
        v: ExprValue<Self::Val>,
        tag_offset: u64,
    ) -> R<(Self::Val, Option<Self::Val>)>;
    /// `tag == variant`.
    fn tag_is(&mut self, tag: Self::Val, variant: u32) -> R<Self::Val>;
    /// A new basic block (`name` for codegens that name blocks).
    fn new_block(&mut self, name: &'static str) -> Self::Block;
    /// Emits code into `b` from now on.
    fn switch_to(&mut self, b: Self::Block);
    /// Jumps to `to`.
    fn jump(&mut self, to: Self::Block);
    /// Branches to `then` if `c`, else to `els`.
    fn branch(&mut self, c: Self::Val, then: Self::Block, els: Self::Block);
    /// Traps (`code` identifies the cause where the codegen records it).
    fn emit_trap(&mut self, code: u8) -> R<()>;
    /// Calls `abort()` (after flushing stdout) and ends the block.
    fn emit_abort(&mut self) -> R<()>;
    /// Returns `v` from the function.
    fn return_value(&mut self, v: ExprValue<Self::Val>) -> R<()>;
    /// Returns from a unit function.
    fn return_unit(&mut self) -> R<()>;
    /// Returns `0` of scalar type `s` (the end of `main`).
    fn return_zero(&mut self, s: Scalar) -> R<()>;
    /// Emits a kept load of the last declared variable, so that a debug
    /// scope opened at the end of a block has code.
    fn keep_scope(&mut self) -> R<()>;
    /// Starts a fresh (unreachable) block after a terminator.
    fn start_dead_block(&mut self);

    /// The expressions both codegens lower alike: locals and globals,
    /// struct, enum and array values (on the stack or the heap), field and
    /// element reads, `&`, `*`, `as` and `print`. `None` for the others
    /// (literals, calls, operators), which each codegen lowers itself.
    fn common_expr(&mut self, e: &'p Expr) -> R<Option<ExprValue<Self::Val>>> {
        let prog = self.prog();
        Ok(Some(match &e.kind {
            ExprKind::Local(l) => match self.read_local(*l)? {
                Some(v) => v,
                None => {
                    let a = self.local_addr(*l)?;
                    self.load_value(e.ty, a)?
                }
            },
            ExprKind::Global(g) => {
                let a = self.global_addr(*g)?;
                self.load_value(e.ty, a)?
            }
            ExprKind::StructLit(sid, inits) => {
                let a = self.temp(e.ty)?;
                self.init_struct(sid.idx(), inits, a)?;
                ExprValue::M(a)
            }
            ExprKind::NewStruct(sid, inits) => {
                let size = prog.structs.get(sid.idx()).map_or(1, |s| s.size.max(1));
                let a = self.heap_alloc(size)?;
                self.init_struct(sid.idx(), inits, a)?;
                ExprValue::S(a)
            }
            ExprKind::EnumValue(eid, variant, payload) => {
                let def = prog.enums.get(eid.idx()).ok_or("unknown enum")?;
                if def.c_like {
                    ExprValue::S(self.tag_const(*variant)?)
                } else {
                    let a = self.temp(e.ty)?;
                    match def.layout {
                        EnumLayout::Niche { null_variant, .. } if null_variant == *variant => {
                            self.store_null(a, def.payload_offset)?;
                        }
                        EnumLayout::Niche { .. } | EnumLayout::Single => {}
                        EnumLayout::CLike | EnumLayout::Tagged => {
                            self.store_tag(a, def.tag_offset, *variant)?;
                        }
                    }
                    let fields = def
                        .variants
                        .get(*variant as usize)
                        .ok_or("unknown variant")?;
                    for (x, f) in payload.iter().zip(&fields.payload) {
                        let v = self.lower_expr(x)?;
                        let fa = self.offset(a, f.offset)?;
                        self.store_value(f.ty, v, fa)?;
                    }
                    ExprValue::M(a)
                }
            }
            ExprKind::ArrayLit(elems) => {
                let a = self.temp(e.ty)?;
                for (i, x) in elems.iter().enumerate() {
                    let v = self.lower_expr(x)?;
                    let ea = self.offset(a, i as u64 * prog.types.size_of(x.ty))?;
                    self.store_value(x.ty, v, ea)?;
                }
                ExprValue::M(a)
            }
            ExprKind::NewArray(init, n) => {
                let esz = prog.types.size_of(init.ty);
                let v = self.lower_expr(init)?;
                let a = self.heap_alloc(esz.saturating_mul(*n).max(1))?;
                self.fill_array(a, init.ty, v, esz, *n)?;
                ExprValue::S(a)
            }
            ExprKind::Field {
                base,
                struct_id,
                field,
                through_ptr,
            } => {
                let a = self.base_addr(base, *through_ptr)?;
                let off = prog
                    .structs
                    .get(struct_id.idx())
                    .and_then(|s| s.fields.get(*field as usize))
                    .map_or(0, |f| f.offset);
                let fa = self.offset(a, off)?;
                self.load_value(e.ty, fa)?
            }
            ExprKind::Index {
                base,
                index,
                through_ptr,
                ..
            } => {
                let a = self.base_addr(base, *through_ptr)?;
                let ea = self.elem_addr(a, index, e.ty)?;
                self.load_value(e.ty, ea)?
            }
            ExprKind::Cast(kind, x) => {
                let v = self.lower_scalar(x)?;
                ExprValue::S(self.convert(*kind, v, x.ty, e.ty)?)
            }
            ExprKind::AddrOf(p) => ExprValue::S(self.place(p)?),
            ExprKind::Deref(p) => {
                let a = self.lower_scalar(p)?;
                self.load_value(e.ty, a)?
            }
            ExprKind::Print(args) => {
                self.emit_print(args)?;
                ExprValue::Unit
            }
            _ => return Ok(None),
        }))
    }

    /// Stores the initialised fields of a struct value at `a`.
    fn init_struct(&mut self, sid: usize, inits: &'p [(u32, Expr)], a: Self::Val) -> R<()> {
        let def = self.prog().structs.get(sid).ok_or("unknown struct")?;
        for (fi, x) in inits {
            let v = self.lower_expr(x)?;
            let f = def.fields.get(*fi as usize).ok_or("unknown field")?;
            let fa = self.offset(a, f.offset)?;
            self.store_value(f.ty, v, fa)?;
        }
        Ok(())
    }

    /// The address of a struct/array operand: a pointer's value, or the
    /// aggregate's address.
    fn base_addr(&mut self, base: &'p Expr, through_ptr: bool) -> R<Self::Val> {
        match self.lower_expr(base)? {
            ExprValue::S(p) if through_ptr => Ok(p),
            ExprValue::M(a) if !through_ptr => Ok(a),
            _ => Err("internal: field/index base of the wrong kind".into()),
        }
    }

    /// The address of a place: a local's slot, a global, a field or an
    /// element of another place, or a dereferenced pointer.
    fn place(&mut self, p: &'p Place) -> R<Self::Val> {
        match &p.kind {
            PlaceKind::Local(l) => self.local_addr(*l),
            PlaceKind::Global(g) => self.global_addr(*g),
            PlaceKind::Field(base, sid, fi) => {
                let a = self.place(base)?;
                let off = self
                    .prog()
                    .structs
                    .get(sid.idx())
                    .and_then(|s| s.fields.get(*fi as usize))
                    .map_or(0, |f| f.offset);
                self.offset(a, off)
            }
            PlaceKind::Index(base, index) => {
                let a = self.place(base)?;
                self.elem_addr(a, index, p.ty)
            }
            PlaceKind::Deref(e) => self.lower_scalar(e),
        }
    }

    /// Declares the pending `let` locals in a new debug block nested in the
    /// current scope (they are visible from the next statement on).
    /// Returns whether a block was opened.
    fn flush_pending(&mut self, pos: Pos) -> R<bool> {
        let Some(d) = self.scopes() else {
            return Ok(false);
        };
        let Some(vars) = d.flush(pos)? else {
            return Ok(false);
        };
        self.bind_vars(vars)?;
        Ok(true)
    }

    /// A Toy block: a scope; each `let` opens a nested debug block that
    /// lasts to the end of the Toy block. `is_body`: the function's body,
    /// whose end returns.
    fn block(&mut self, blk: &'p Block, is_body: bool) -> R<()> {
        let saved = self.scopes().map(|d| d.enter_block());
        for s in &blk.stmts {
            self.flush_pending(s.pos)?;
            self.stmt(s)?;
        }
        let f = self.func();
        let end = f
            .scopes
            .get(blk.scope.idx())
            .map_or(f.body_close, |s| s.end);
        let opened = self.flush_pending(end)?;
        if is_body {
            self.function_end(end)?;
        } else if opened {
            // Give the trailing `let`s' scope some code at `}` (LLVM drops
            // lexical blocks without instructions, and their variables).
            self.set_loc(end)?;
            self.keep_scope()?;
        }
        if let (Some(d), Some(saved)) = (self.scopes(), saved) {
            d.leave_block(saved);
        }
        Ok(())
    }

    /// The closing `}` of the body: return (unit), `0` (main) or abort.
    fn function_end(&mut self, end: Pos) -> R<()> {
        self.set_loc(end)?;
        let f = self.func();
        if !f.falls_through {
            // The current block is unreachable.
            return self.emit_trap(TRAP_NO_RETURN);
        }
        match repr(self.prog(), f.ret) {
            Repr::Unit => self.return_unit(),
            Repr::Scalar(s) if f.is_main => self.return_zero(s),
            _ => self.emit_abort(),
        }
    }

    /// One statement.
    fn stmt(&mut self, s: &'p Stmt) -> R<()> {
        match &s.kind {
            StmtKind::Let { local, init } => {
                self.set_loc(s.pos)?;
                let v = self.lower_expr(init)?;
                let ty = self
                    .func()
                    .locals
                    .get(local.idx())
                    .ok_or("internal: unknown local")?
                    .ty;
                if !self.define_local(*local, v)? {
                    let a = self.local_addr(*local)?;
                    self.store_value(ty, v, a)?;
                }
                if let Some(d) = self.scopes() {
                    d.push_let(*local);
                }
            }
            StmtKind::Assign { place, value } => {
                self.set_loc(s.pos)?;
                let v = self.lower_expr(value)?;
                let a = self.place(place)?;
                self.store_value(place.ty, v, a)?;
            }
            StmtKind::If {
                branches,
                else_block,
            } => {
                let merge = self.new_block("if.end");
                for (i, br) in branches.iter().enumerate() {
                    self.set_loc(if i == 0 { s.pos } else { br.cond.pos })?;
                    let c = self.lower_cond(&br.cond)?;
                    let then = self.new_block("then");
                    let next = self.new_block("else");
                    self.branch(c, then, next);
                    self.switch_to(then);
                    self.block(&br.block, false)?;
                    self.jump(merge);
                    self.switch_to(next);
                }
                if let Some(e) = else_block {
                    self.block(e, false)?;
                }
                self.jump(merge);
                self.switch_to(merge);
            }
            StmtKind::While { cond, body } => {
                let head = self.new_block("while");
                let inner = self.new_block("while.body");
                let exit = self.new_block("while.end");
                self.set_loc(s.pos)?;
                self.jump(head);
                self.switch_to(head);
                let c = self.lower_cond(cond)?;
                self.branch(c, inner, exit);
                self.switch_to(inner);
                self.block(body, false)?;
                // The back edge belongs to the `while` line, not to whatever
                // statement of the body was emitted last (an `else` branch).
                self.set_loc(s.pos)?;
                self.jump(head);
                self.switch_to(exit);
            }
            StmtKind::Match {
                scrutinee,
                enum_id,
                arms,
            } => self.match_stmt(s.pos, scrutinee, *enum_id, arms)?,
            StmtKind::Return(e) => {
                self.set_loc(s.pos)?;
                let v = match e {
                    Some(e) => self.lower_expr(e)?,
                    None => ExprValue::Unit,
                };
                self.return_value(v)?;
                self.start_dead_block();
            }
            StmtKind::Block(b) => self.block(b, false)?,
            StmtKind::Expr(e) => {
                self.set_loc(s.pos)?;
                self.lower_expr(e)?;
            }
        }
        Ok(())
    }

    /// `match`: a chain of tag tests (null tests for a niche enum, none
    /// for a single-variant enum), a trap for a tag no arm names, then the
    /// arms, each copying its payload bindings into their slots.
    fn match_stmt(
        &mut self,
        pos: Pos,
        scrutinee: &'p Expr,
        enum_id: hir::EnumId,
        arms: &'p [hir::Arm],
    ) -> R<()> {
        self.set_loc(pos)?;
        let v = self.lower_expr(scrutinee)?;
        let def = self
            .prog()
            .enums
            .get(enum_id.idx())
            .ok_or("match on an unknown enum")?;
        let merge = self.new_block("match.end");
        let blocks: Vec<Self::Block> = arms.iter().map(|_| self.new_block("arm")).collect();
        let addr = match def.layout {
            EnumLayout::CLike | EnumLayout::Tagged => {
                let (tag, addr) = self.enum_tag(v, def.tag_offset)?;
                for (arm, blk) in arms.iter().zip(&blocks) {
                    let next = self.new_block("match.next");
                    let c = self.tag_is(tag, arm.variant)?;
                    self.branch(c, *blk, next);
                    self.switch_to(next);
                }
                addr
            }
            EnumLayout::Niche { null_variant, .. } => {
                let ExprValue::M(a) = v else {
                    return Err("internal: a niche enum value not in memory".into());
                };
                let null = self.is_null_at(a, def.payload_offset)?;
                for (arm, blk) in arms.iter().zip(&blocks) {
                    let next = self.new_block("match.next");
                    if arm.variant == null_variant {
                        self.branch(null, *blk, next);
                    } else {
                        self.branch(null, next, *blk);
                    }
                    self.switch_to(next);
                }
                Some(a)
            }
            EnumLayout::Single => {
                let ExprValue::M(a) = v else {
                    return Err("internal: a single-variant enum value not in memory".into());
                };
                // The only variant is always active.
                if let Some(blk) = blocks.first() {
                    self.jump(*blk);
                    let next = self.new_block("match.next");
                    self.switch_to(next);
                }
                Some(a)
            }
        };
        self.emit_trap(TRAP_BAD_TAG)?;
        for (arm, blk) in arms.iter().zip(&blocks) {
            self.switch_to(*blk);
            let mut saved = None;
            if !arm.bindings.is_empty() {
                // The copies into the bindings belong to the enclosing scope,
                // at the arm's pattern: the bindings become visible (and
                // valid) only where the arm's block begins.
                self.set_loc(arm.pos)?;
                let variant = def
                    .variants
                    .get(arm.variant as usize)
                    .ok_or("match arm of an unknown variant")?;
                let base = addr.ok_or("payload binding of a C-like enum")?;
                for (l, p) in arm.bindings.iter().zip(&variant.payload) {
                    let src = self.offset(base, p.offset)?;
                    let v = self.load_value(p.ty, src)?;
                    let dst = self.local_addr(*l)?;
                    self.store_value(p.ty, v, dst)?;
                }
                // The arm's block scope holds its bindings.
                if let Some(d) = self.scopes() {
                    let (s, vars) = d.enter_arm(arm)?;
                    saved = Some(s);
                    self.bind_vars(vars)?;
                }
            }
            self.block(&arm.block, false)?;
            if let (Some(d), Some(s)) = (self.scopes(), saved) {
                d.leave_arm(s);
            }
            self.jump(merge);
        }
        self.switch_to(merge);
        Ok(())
    }
}
