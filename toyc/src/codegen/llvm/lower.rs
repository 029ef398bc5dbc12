//! The LLVM side of the shared statement lowering (`codegen/lower.rs`):
//! [`Lower`] for [`LCg`], traps and `abort`.

use dwarfsmith::VarId;

use crate::codegen::llvm::ir::{Bb, IntPredicate as IP, Val, R};
use crate::codegen::llvm::{LCg, LV};
use crate::codegen::lower::Lower;
use crate::codegen::repr::Scalar;
use crate::debuginfo::scopes::Scopes;
use crate::front::hir::{self, CastKind, Expr, GlobalId, LocalId, Pos, Program, TypeId};

impl<'a, 'm, 'p> Lower<'p> for LCg<'a, 'm, 'p> {
    type Val = Val<'m>;
    type Block = Bb<'m>;

    fn prog(&self) -> &'p Program {
        self.m.prog
    }

    fn func(&self) -> &'p hir::Function {
        self.f
    }

    fn scopes(&mut self) -> Option<&mut dyn Scopes> {
        self.dbg.as_mut().map(|d| d as &mut dyn Scopes)
    }

    fn bind_vars(&mut self, vars: Vec<(LocalId, VarId)>) -> R<()> {
        for (l, v) in vars {
            let slot = *self
                .slots
                .get(l.idx())
                .ok_or("internal: local without a slot")?;
            if let Some(d) = self.dbg.as_mut() {
                d.d.declare(v, self.ir.llvm_value(slot), self.ir.llvm_block(self.entry))?;
            }
            self.vars.push((v, slot));
        }
        Ok(())
    }

    fn set_loc(&mut self, pos: Pos) -> R<()> {
        self.loc(pos)
    }

    fn lower_expr(&mut self, e: &'p Expr) -> R<LV<'m>> {
        self.expr(e)
    }

    fn lower_cond(&mut self, e: &'p Expr) -> R<Val<'m>> {
        self.cond(e)
    }

    fn lower_scalar(&mut self, e: &'p Expr) -> R<Val<'m>> {
        self.scalar(e)
    }

    fn global_addr(&mut self, g: GlobalId) -> R<Val<'m>> {
        Ok(*self.m.globals.get(g.idx()).ok_or("unknown global")?)
    }

    fn elem_addr(&mut self, a: Val<'m>, index: &'p Expr, elem: TypeId) -> R<Val<'m>> {
        self.element(a, index, elem)
    }

    fn local_addr(&mut self, l: LocalId) -> R<Val<'m>> {
        Ok(*self.slots.get(l.idx()).ok_or("unknown local")?)
    }

    fn load_value(&mut self, t: TypeId, addr: Val<'m>) -> R<LV<'m>> {
        self.load(t, addr)
    }

    fn store_value(&mut self, t: TypeId, v: LV<'m>, addr: Val<'m>) -> R<()> {
        self.store(t, v, addr)
    }

    fn temp(&mut self, t: TypeId) -> R<Val<'m>> {
        Ok(self.new_slot(t))
    }

    fn heap_alloc(&mut self, size: u64) -> R<Val<'m>> {
        self.malloc(size)
    }

    fn fill_array(&mut self, a: Val<'m>, t: TypeId, v: LV<'m>, esz: u64, n: u64) -> R<()> {
        self.fill(a, t, v, esz, n)
    }

    fn convert(&mut self, kind: CastKind, v: Val<'m>, from: TypeId, to: TypeId) -> R<Val<'m>> {
        self.cast(kind, v, from, to)
    }

    fn emit_print(&mut self, args: &'p [Expr]) -> R<()> {
        self.print(args)
    }

    fn tag_const(&mut self, variant: u32) -> R<Val<'m>> {
        self.ir.const_int(self.ir.int(32), u64::from(variant))
    }

    fn store_tag(&mut self, a: Val<'m>, tag_offset: u64, variant: u32) -> R<()> {
        let tag = self.ir.const_int(self.ir.int(32), u64::from(variant))?;
        let ta = self.ir.offset_c(a, tag_offset)?;
        self.ir.store(tag, ta)
    }

    fn store_null(&mut self, a: Val<'m>, offset: u64) -> R<()> {
        let pa = self.ir.offset_c(a, offset)?;
        self.ir.store(self.ir.null(), pa)
    }

    fn is_null_at(&mut self, a: Val<'m>, offset: u64) -> R<Val<'m>> {
        let ir = self.ir;
        let p = ir.load(ir.ptr(), ir.offset_c(a, offset)?, false)?;
        ir.icmp(IP::LLVMIntEQ, p, ir.null())
    }

    fn offset(&mut self, base: Val<'m>, off: u64) -> R<Val<'m>> {
        self.ir.offset_c(base, off)
    }

    fn enum_tag(&mut self, v: LV<'m>, tag_offset: u64) -> R<(Val<'m>, Option<Val<'m>>)> {
        let ir = self.ir;
        match v {
            LV::S(t) => Ok((t, None)),
            LV::M(a) => Ok((
                ir.load(ir.int(32), ir.offset_c(a, tag_offset)?, false)?,
                Some(a),
            )),
            LV::Unit => Err("match on a value without a type".into()),
        }
    }

    fn tag_is(&mut self, tag: Val<'m>, variant: u32) -> R<Val<'m>> {
        let ir = self.ir;
        ir.icmp(
            IP::LLVMIntEQ,
            tag,
            ir.const_int(ir.int(32), u64::from(variant))?,
        )
    }

    fn new_block(&mut self, name: &'static str) -> Bb<'m> {
        self.ir.block(self.func, name)
    }

    fn switch_to(&mut self, b: Bb<'m>) {
        self.ir.position(b);
    }

    fn jump(&mut self, to: Bb<'m>) {
        self.ir.br(to);
    }

    fn branch(&mut self, c: Val<'m>, then: Bb<'m>, els: Bb<'m>) {
        self.ir.cond_br(c, then, els);
    }

    fn emit_trap(&mut self, _code: u8) -> R<()> {
        self.trap()
    }

    fn emit_abort(&mut self) -> R<()> {
        self.call_abort()
    }

    fn return_value(&mut self, v: LV<'m>) -> R<()> {
        self.ret(v)
    }

    fn return_unit(&mut self) -> R<()> {
        self.ir.ret(None);
        Ok(())
    }

    fn return_zero(&mut self, s: Scalar) -> R<()> {
        let z = self.ir.const_int(self.m.scalar_ty(s), 0)?;
        self.ir.ret(Some(z));
        Ok(())
    }

    fn keep_scope(&mut self) -> R<()> {
        if let Some(&(_, slot)) = self.vars.last() {
            self.ir.load(self.ir.int(8), slot, true)?;
        }
        Ok(())
    }

    fn start_dead_block(&mut self) {
        self.after_terminator();
    }
}

impl<'a, 'm, 'p> LCg<'a, 'm, 'p> {
    /// `llvm.trap` and `unreachable` (Cranelift's `trap`).
    fn trap(&mut self) -> R<()> {
        let fty = self.ir.fn_type(self.ir.void(), &[], false);
        let f = self.ir.function("llvm.trap", fty, true)?;
        self.ir.call(fty, f, &[])?;
        self.ir.unreachable();
        Ok(())
    }

    /// Calls `abort()` (after `fflush(NULL)`) and ends the block.
    pub fn call_abort(&mut self) -> R<()> {
        let ir = self.ir;
        let fty = ir.fn_type(ir.int(32), &[ir.ptr()], false);
        self.call_c("fflush", fty, &[ir.null()])?;
        self.call_c("abort", ir.fn_type(ir.void(), &[], false), &[])?;
        ir.unreachable();
        Ok(())
    }
}
