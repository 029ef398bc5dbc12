//! The Cranelift side of the shared statement lowering (`codegen/lower.rs`):
//! [`Lower`] for [`FnCg`], and returns and `abort`.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    self, types, Block as ClBlock, InstBuilder, MemFlagsData, Signature, TrapCode, Value,
};
use dwarfsmith::VarId;

use crate::codegen::abi::{ret_abi, RetAbi};
use crate::codegen::cranelift::{clif_type, eightbyte_type, FnCg, R, V};
use crate::codegen::lower::Lower;
use crate::codegen::repr::{repr, Repr, Scalar};
use crate::debuginfo::scopes::Scopes;
use crate::front::hir::{self, CastKind, Expr, GlobalId, LocalId, Pos, Program, TypeId};

impl<'a, 'p> Lower<'p> for FnCg<'a, 'p> {
    type Val = Value;
    type Block = ClBlock;

    fn prog(&self) -> &'p Program {
        self.prog
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
            match self.ssa_of(l) {
                Some((_, label)) => self.labels.push((v, label, slot)),
                None => self.vars.push((v, slot)),
            }
        }
        Ok(())
    }

    fn set_loc(&mut self, pos: Pos) -> R<()> {
        self.loc(pos)
    }

    fn lower_expr(&mut self, e: &'p Expr) -> R<V> {
        self.expr(e)
    }

    fn lower_cond(&mut self, e: &'p Expr) -> R<Value> {
        self.scalar(e)
    }

    fn lower_scalar(&mut self, e: &'p Expr) -> R<Value> {
        self.scalar(e)
    }

    fn global_addr(&mut self, g: GlobalId) -> R<Value> {
        self.global_symbol(g.idx())
    }

    fn elem_addr(&mut self, a: Value, index: &'p Expr, elem: TypeId) -> R<Value> {
        self.element(a, index, elem)
    }

    fn local_addr(&mut self, l: LocalId) -> R<Value> {
        let slot = *self
            .slots
            .get(l.idx())
            .ok_or("internal: local without a slot")?;
        Ok(self.b.ins().stack_addr(types::I64, slot, 0))
    }

    fn read_local(&mut self, l: LocalId) -> R<Option<V>> {
        Ok(self.ssa_of(l).map(|(var, _)| V::S(self.b.use_var(var))))
    }

    fn define_local(&mut self, l: LocalId, v: V) -> R<bool> {
        match (self.ssa_of(l), v) {
            (Some(var), V::S(x)) => {
                let home = *self
                    .slots
                    .get(l.idx())
                    .ok_or("internal: local without a slot")?;
                self.def_ssa(var, x, home);
                Ok(true)
            }
            (Some(_), _) => Err("internal: a scalar local defined by a non-scalar".into()),
            (None, _) => Ok(false),
        }
    }

    fn load_value(&mut self, t: TypeId, addr: Value) -> R<V> {
        self.load(t, addr)
    }

    fn store_value(&mut self, t: TypeId, v: V, addr: Value) -> R<()> {
        self.store(t, v, addr)
    }

    fn temp(&mut self, t: TypeId) -> R<Value> {
        let slot = self.new_slot(t);
        Ok(self.b.ins().stack_addr(types::I64, slot, 0))
    }

    fn heap_alloc(&mut self, size: u64) -> R<Value> {
        self.malloc(size)
    }

    fn fill_array(&mut self, a: Value, t: TypeId, v: V, esz: u64, n: u64) -> R<()> {
        self.fill(a, t, v, esz, n)
    }

    fn convert(&mut self, kind: CastKind, v: Value, from: TypeId, to: TypeId) -> R<Value> {
        self.cast(kind, v, from, to)
    }

    fn emit_print(&mut self, args: &'p [Expr]) -> R<()> {
        self.print(args)
    }

    fn tag_const(&mut self, variant: u32) -> R<Value> {
        Ok(self.b.ins().iconst(types::I32, i64::from(variant)))
    }

    fn store_tag(&mut self, a: Value, tag_offset: u64, variant: u32) -> R<()> {
        let tag = self.b.ins().iconst(types::I32, i64::from(variant));
        self.b
            .ins()
            .store(MemFlagsData::new(), tag, a, tag_offset as i32);
        Ok(())
    }

    fn store_null(&mut self, a: Value, offset: u64) -> R<()> {
        let null = self.b.ins().iconst(types::I64, 0);
        self.b
            .ins()
            .store(MemFlagsData::new(), null, a, offset as i32);
        Ok(())
    }

    fn is_null_at(&mut self, a: Value, offset: u64) -> R<Value> {
        let p = self
            .b
            .ins()
            .load(types::I64, MemFlagsData::new(), a, offset as i32);
        Ok(self.b.ins().icmp_imm_s(IntCC::Equal, p, 0))
    }

    fn offset(&mut self, base: Value, off: u64) -> R<Value> {
        Ok(self.b.ins().iadd_imm_s(base, off as i64))
    }

    fn enum_tag(&mut self, v: V, tag_offset: u64) -> R<(Value, Option<Value>)> {
        match v {
            V::S(t) => Ok((t, None)),
            V::M(a) => Ok((
                self.b
                    .ins()
                    .load(types::I32, MemFlagsData::new(), a, tag_offset as i32),
                Some(a),
            )),
            V::Unit => Err("match on a value without a type".into()),
        }
    }

    fn tag_is(&mut self, tag: Value, variant: u32) -> R<Value> {
        Ok(self
            .b
            .ins()
            .icmp_imm_s(IntCC::Equal, tag, i64::from(variant)))
    }

    fn new_block(&mut self, _name: &'static str) -> ClBlock {
        self.b.create_block()
    }

    fn switch_to(&mut self, b: ClBlock) {
        self.b.switch_to_block(b);
    }

    fn jump(&mut self, to: ClBlock) {
        self.b.ins().jump(to, &[]);
    }

    fn branch(&mut self, c: Value, then: ClBlock, els: ClBlock) {
        self.b.ins().brif(c, then, &[], els, &[]);
    }

    fn emit_trap(&mut self, code: u8) -> R<()> {
        self.b.ins().trap(TrapCode::unwrap_user(code));
        Ok(())
    }

    fn emit_abort(&mut self) -> R<()> {
        self.call_abort()
    }

    fn return_value(&mut self, v: V) -> R<()> {
        match self.inline_exit {
            Some(exit) => {
                self.inline_return(exit, v);
                Ok(())
            }
            None => self.ret(v),
        }
    }

    fn return_unit(&mut self) -> R<()> {
        match self.inline_exit {
            Some(exit) => self.inline_return(exit, V::Unit),
            None => {
                self.b.ins().return_(&[]);
            }
        }
        Ok(())
    }

    fn return_zero(&mut self, s: Scalar) -> R<()> {
        let z = self.b.ins().iconst(clif_type(s), 0);
        self.b.ins().return_(&[z]);
        Ok(())
    }

    fn keep_scope(&mut self) -> R<()> {
        if let Some(&(_, slot)) = self.vars.last() {
            let a = self.b.ins().stack_addr(types::I64, slot, 0);
            self.b.ins().load(types::I8, MemFlagsData::new(), a, 0);
        }
        Ok(())
    }

    fn start_dead_block(&mut self) {
        self.after_terminator();
    }
}

impl<'a, 'p> FnCg<'a, 'p> {
    /// Calls `abort()` and ends the block.
    /// (`fflush(NULL)` first, so output printed so far is not lost.)
    pub fn call_abort(&mut self) -> R<()> {
        let mut fsig = Signature::new(self.cx.isa.default_call_conv());
        fsig.params.push(ir::AbiParam::new(types::I64));
        fsig.returns.push(ir::AbiParam::new(types::I32));
        let null = self.b.ins().iconst(types::I64, 0);
        self.call_c("fflush", &fsig, &[null])?;
        let sig = Signature::new(self.cx.isa.default_call_conv());
        self.call_c("abort", &sig, &[])?;
        self.b.ins().trap(TrapCode::unwrap_user(1));
        Ok(())
    }

    /// The return convention for a result of type `t`.
    pub fn ret_abi(&self, t: TypeId) -> RetAbi {
        ret_abi(self.prog, t)
    }

    /// Returns `v` from the function.
    pub(crate) fn ret(&mut self, v: V) -> R<()> {
        let (size, align) = match repr(self.prog, self.f.ret) {
            Repr::Mem { size, align } => (size, align),
            _ => (0, 1),
        };
        match (self.ret_abi(self.f.ret), v) {
            (RetAbi::Scalar(_), V::S(x)) => {
                self.b.ins().return_(&[x]);
            }
            (RetAbi::Memory, V::M(src)) => {
                let dst = self.sret.ok_or("internal: no result pointer")?;
                self.copy(dst, src, size, align);
                self.b.ins().return_(&[dst]);
            }
            (RetAbi::Regs(regs), V::M(src)) => {
                let slot = self.slot_of_size(16, 8);
                let tmp = self.b.ins().stack_addr(types::I64, slot, 0);
                self.copy(tmp, src, size, align);
                let vals: Vec<Value> = regs
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        self.b
                            .ins()
                            .stack_load(types::I64, eightbyte_type(*e), slot, 8 * i as i32)
                    })
                    .collect();
                self.b.ins().return_(&vals);
            }
            (RetAbi::None, _) => {
                self.b.ins().return_(&[]);
            }
            _ => return Err("internal: returned value does not match the result type".into()),
        }
        Ok(())
    }
}
