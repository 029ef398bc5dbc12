//! Glue for Cranelift frontends (cargo feature `cranelift`): everything
//! between Cranelift's compiled code and the gimli backend that every
//! Cranelift user would otherwise rewrite.
//!
//! * while building IR: [`DebugContext::set_cranelift_srcloc`] sets the
//!   source location on the `FunctionBuilder` ([`srcloc`] / [`loc_token`]
//!   convert by hand);
//! * once per compile unit: [`DebugContext::set_cranelift_cie`];
//! * once per compiled function: [`DebugContext::define_cranelift_function`]
//!   (code rows, stack-slot variable locations, FDE);
//! * at the end: [`write_into_product`] on cranelift-object's product.
//!
//! The pieces that only read a `CompiledCode` ([`code_rows`],
//! [`slot_cfa_offset`], [`systemv_unwind`]) name no object format, so a JIT
//! can use them too.
//!
//! ```
//! # fn main() -> dwarfsmith::Result<()> {
//! use cranelift_codegen::ir::{types, AbiParam, Function, InstBuilder, UserFuncName};
//! use cranelift_codegen::ir::{Signature, StackSlotData, StackSlotKind};
//! use cranelift_codegen::isa::CallConv;
//! use cranelift_codegen::{isa, settings, settings::Configurable, Context};
//! use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
//! use dwarfsmith::*;
//!
//! let mut flags = settings::builder();
//! flags.set("unwind_info", "true").unwrap();
//! flags.set("preserve_frame_pointers", "true").unwrap();
//! let isa = isa::lookup_by_name("x86_64-unknown-linux-gnu")
//!     .unwrap()
//!     .finish(settings::Flags::new(flags))
//!     .unwrap();
//!
//! let backend = GimliBackend::new(GimliOptions::default())?;
//! let mut cx = DebugContext::new(backend, &CompileUnit::new("lib.toy", "/src"))?;
//! cx.set_cranelift_cie(&*isa)?;
//! let file = cx.file("lib.toy".as_ref())?;
//! let f = cx.define_function(&FunctionDesc::new("answer", "answer", file, 1))?;
//! let body = cx.function_scope(f)?;
//!
//! let mut func = Function::with_name_signature(UserFuncName::user(0, 0), Signature::new(CallConv::SystemV));
//! func.signature.returns.push(AbiParam::new(types::I64));
//! let mut fbc = FunctionBuilderContext::new();
//! let mut b = FunctionBuilder::new(&mut func, &mut fbc);
//! let entry = b.create_block();
//! b.switch_to_block(entry);
//! cx.enter_function(f)?;
//! let slot = b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3));
//! let mut types = |_: FrontendTy| Ok(TypeDesc::base("long", 8, BaseEncoding::Signed));
//! let long = cx.resolve_type(&mut types, FrontendTy(0))?;
//! let x = cx.declare_local(body, "x", long, 2, 5)?;
//! cx.start_emitting_source_locations()?;
//! cx.set_cranelift_srcloc(&mut b, body, 2, 5)?;
//! let v = b.ins().iconst(types::I64, 42);
//! b.ins().stack_store(types::I64, v, slot, 0);
//! cx.set_cranelift_srcloc(&mut b, body, 3, 5)?;
//! let r = b.ins().stack_load(types::I64, types::I64, slot, 0);
//! b.ins().return_(&[r]);
//! b.seal_all_blocks();
//! b.finalize(isa.frontend_config());
//! cx.exit_function()?;
//!
//! let mut ctx = Context::for_function(func);
//! let code = ctx.compile(&*isa, &mut Default::default()).unwrap();
//! cx.define_cranelift_function(f, code, &*isa, "answer", &[(x, slot)])?;
//! let dwarf = cx.finish()?;
//! assert!(dwarf.symbols().iter().any(|s| s == "answer"));
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

mod frame;
mod rows;
mod values;

use cranelift_codegen::ir::StackSlot;
use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::CompiledCode;
use cranelift_frontend::FunctionBuilder;
use cranelift_module::{FuncId, Module};
use cranelift_object::ObjectProduct;

use crate::backend::gimli::{DwarfObject, GimliBackend};
use crate::backend::VarLocation;
use crate::context::DebugContext;
use crate::error::{err, ErrorKind, Result};
use crate::handles::{FunctionId, ScopeId, VarId};

pub use frame::{fp_to_cfa_offset, slot_cfa_offset, systemv_cie, systemv_unwind};
pub use rows::{code_rows, loc_token, srcloc};
pub use values::value_label_locations;

/// The symbol cranelift-module gives function `id` (its `declare_function`
/// name): what [`FunctionDesc::linkage_name`](crate::FunctionDesc) and
/// [`DebugContext::define_cranelift_function`] must name.
pub fn function_symbol(module: &dyn Module, id: FuncId) -> String {
    module
        .declarations()
        .get_function_decl(id)
        .linkage_name(id)
        .into_owned()
}

/// Writes the debug sections into cranelift-object's product (after
/// `ObjectModule::finish`, before `product.object.write()`). Leave
/// `ObjectBuilder::unwind_info` off: the FDEs come from the debug info.
pub fn write_into_product(dwarf: &DwarfObject, product: &mut ObjectProduct) -> Result<()> {
    dwarf.write_into(&mut product.object)
}

impl DebugContext<GimliBackend> {
    /// Gives the gimli backend the CIE of Cranelift's target `isa` (once
    /// per compile unit, before the first
    /// [`define_cranelift_function`](Self::define_cranelift_function)).
    pub fn set_cranelift_cie(&mut self, isa: &dyn TargetIsa) -> Result<()> {
        let cie = systemv_cie(isa)?;
        self.backend_mut().set_cie(cie)
    }

    /// Sets the current source location (see
    /// [`set_source_location`](Self::set_source_location)) and attaches it
    /// to the instructions `builder` emits next (the default location while
    /// locations are suppressed in the prologue).
    pub fn set_cranelift_srcloc(
        &mut self,
        builder: &mut FunctionBuilder<'_>,
        scope: ScopeId,
        line: u32,
        col: u32,
    ) -> Result<()> {
        let token = self.set_source_location(scope, line, col)?;
        builder.set_srcloc(srcloc(token));
        Ok(())
    }

    /// Clears the current source location (compiler-generated code, line
    /// 0) and stops attaching one to `builder`'s instructions.
    pub fn clear_cranelift_srcloc(&mut self, builder: &mut FunctionBuilder<'_>) -> Result<()> {
        self.clear_source_location()?;
        builder.set_srcloc(srcloc(None));
        Ok(())
    }

    /// Everything the debug info needs from one compiled function, after
    /// `exit_function` and cranelift-module's `define_function`:
    /// its code rows ([`code_rows`]), the location of each variable living
    /// in a stack slot ([`slot_cfa_offset`]) and its FDE
    /// ([`systemv_unwind`]). `symbol` is the name the function was declared
    /// with in cranelift-module ([`function_symbol`]); it must be the
    /// function's `linkage_name`.
    pub fn define_cranelift_function(
        &mut self,
        function: FunctionId,
        code: &CompiledCode,
        isa: &dyn TargetIsa,
        symbol: &str,
        slots: &[(VarId, StackSlot)],
    ) -> Result<()> {
        // Validates the handle before its index is used.
        self.function_scope(function)?;
        match self.backend().function_symbol(function.index()) {
            Some(s) if s == symbol => {}
            Some(s) => {
                return err(
                    ErrorKind::InvalidName,
                    format!("define_cranelift_function got symbol `{symbol}` for the function whose linkage name is `{s}`: give the FunctionDesc the name the function was declared with in cranelift-module (dwarfsmith::cranelift::function_symbol)"),
                )
            }
            None => {
                return err(
                    ErrorKind::ForeignHandle,
                    "the function is unknown to the gimli backend",
                )
            }
        }
        // Everything that can fail, before any state changes.
        self.backend().check_fde(symbol)?;
        let unwind = systemv_unwind(code, isa)?;
        let offsets = slots
            .iter()
            .map(|(v, s)| slot_cfa_offset(code, *s).map(|o| (*v, o)))
            .collect::<Result<Vec<_>>>()?;
        let (size, rows) = code_rows(code);
        self.define_function_code(function, size, &rows)?;
        for (v, off) in offsets {
            self.set_variable_location(v, VarLocation::FrameOffset(off))?;
        }
        self.backend_mut()
            .add_fde(symbol, |address| unwind.to_fde(address))
    }
}

#[cfg(test)]
mod tests;
