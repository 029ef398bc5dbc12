//! The only module of toyc with `unsafe` code: the LLVM IR instructions
//! toyc's LLVM codegen needs, as a checked, safe API over llvm-sys.
//!
//! dwarfsmith's own `LlvmBuilder` has a deliberately small instruction set;
//! Toy needs floats, casts, GEPs, `memmove`, phis, selects, aggregates for
//! register returns, indirect and variadic calls and attributes. Rather than
//! grow the library's public API with a frontend's needs, toyc wraps them
//! here (see DESIGN.md, "toyc on LLVM"). Invariants every `SAFETY:` comment
//! relies on:
//!
//! * An [`Ir`] borrows the module and the builder (dwarfsmith handles) for
//!   `'m`, so both outlive it and every value made through it; it owns a
//!   second builder (for `alloca`s in the entry block), disposed on drop.
//! * [`Val`], [`Ty`] and [`Bb`] are only made by an `Ir` from its own
//!   context and module (their fields are private to this module), and toyc
//!   makes one `Ir` per module; nothing is ever deleted from the module, so
//!   every such handle is live while the `Ir` is.
//! * Operand kinds are checked before each call where a mismatch could make
//!   LLVM read out of bounds (aggregate indices, call arity, GEP bases);
//!   any other type error yields invalid IR, which LLVM's verifier reports
//!   (dwarfsmith's `emit_object` verifies first) instead of crashing.
#![warn(clippy::undocumented_unsafe_blocks)]

mod inst;

use std::ffi::{c_char, CString};
use std::marker::PhantomData;

use dwarfsmith::backend::llvm::sys::core::*;
use dwarfsmith::backend::llvm::sys::prelude::*;
use dwarfsmith::backend::llvm::sys::{LLVMLinkage, LLVMTypeKind};
use dwarfsmith::backend::llvm::{LlvmBlock, LlvmBuilder, LlvmFunction, LlvmModule, LlvmValue};

/// Integer and float comparison predicates, re-exported so that the rest
/// of the LLVM codegen names no llvm-sys item (this module is the one place
/// to switch LLVM versions).
pub use dwarfsmith::backend::llvm::sys::{
    LLVMIntPredicate as IntPredicate, LLVMRealPredicate as RealPredicate,
};

/// Result of IR construction (toyc's errors are strings).
pub type R<T> = Result<T, String>;

/// An LLVM value of the `Ir`'s module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Val<'m>(LLVMValueRef, PhantomData<&'m ()>);
/// An LLVM type of the `Ir`'s context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ty<'m>(LLVMTypeRef, PhantomData<&'m ()>);
/// A basic block of a function of the `Ir`'s module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bb<'m>(LLVMBasicBlockRef, PhantomData<&'m ()>);

/// Binary integer and float operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bin {
    Add,
    Sub,
    Mul,
    SDiv,
    UDiv,
    SRem,
    URem,
    And,
    Or,
    Xor,
    Shl,
    LShr,
    AShr,
    FAdd,
    FSub,
    FMul,
    FDiv,
}

/// Conversions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conv {
    ZExt,
    SExt,
    Trunc,
    FpExt,
    FpTrunc,
    SiToFp,
    UiToFp,
}

fn name(n: &str) -> CString {
    CString::new(n.replace('\0', "")).unwrap_or_default()
}

/// Builds IR in one module (see the module documentation).
pub struct Ir<'m> {
    ctx: LLVMContextRef,
    module: LLVMModuleRef,
    b: LLVMBuilderRef,
    allocas: LLVMBuilderRef,
    _m: PhantomData<&'m ()>,
}

impl Drop for Ir<'_> {
    fn drop(&mut self) {
        // SAFETY: the alloca builder is owned by this value, disposed once.
        unsafe { LLVMDisposeBuilder(self.allocas) }
    }
}

impl<'m> Ir<'m> {
    /// IR construction in `module` with `builder` (whose debug location
    /// dwarfsmith drives). Sets the x86-64 Linux triple and data layout.
    pub fn new(module: &'m LlvmModule<'m>, builder: &'m LlvmBuilder<'m>) -> Self {
        let ctx = module.context().as_raw();
        // SAFETY: module and context are live for 'm; the strings are
        // NUL-terminated literals; the new builder is owned by `Ir`.
        unsafe {
            LLVMSetTarget(module.as_raw(), c"x86_64-unknown-linux-gnu".as_ptr());
            LLVMSetDataLayout(
                module.as_raw(),
                c"e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
                    .as_ptr(),
            );
            Ir {
                ctx,
                module: module.as_raw(),
                b: builder.as_raw(),
                allocas: LLVMCreateBuilderInContext(ctx),
                _m: PhantomData,
            }
        }
    }

    fn v(&self, raw: LLVMValueRef) -> Val<'m> {
        Val(raw, PhantomData)
    }

    fn t(&self, raw: LLVMTypeRef) -> Ty<'m> {
        Ty(raw, PhantomData)
    }

    // ---- types -------------------------------------------------------

    /// An integer type of 1 to 64 bits.
    pub fn int(&self, bits: u32) -> Ty<'m> {
        // SAFETY: live context; the width is clamped to a valid one.
        self.t(unsafe { LLVMIntTypeInContext(self.ctx, bits.clamp(1, 64)) })
    }

    /// `float`.
    pub fn f32(&self) -> Ty<'m> {
        // SAFETY: live context.
        self.t(unsafe { LLVMFloatTypeInContext(self.ctx) })
    }

    /// `double`.
    pub fn f64(&self) -> Ty<'m> {
        // SAFETY: live context.
        self.t(unsafe { LLVMDoubleTypeInContext(self.ctx) })
    }

    /// `ptr`.
    pub fn ptr(&self) -> Ty<'m> {
        // SAFETY: live context.
        self.t(unsafe { LLVMPointerTypeInContext(self.ctx, 0) })
    }

    /// `void`.
    pub fn void(&self) -> Ty<'m> {
        // SAFETY: live context.
        self.t(unsafe { LLVMVoidTypeInContext(self.ctx) })
    }

    /// `[n x i8]`.
    pub fn bytes(&self, n: u64) -> Ty<'m> {
        // SAFETY: `i8` of the live context.
        self.t(unsafe { LLVMArrayType2(LLVMInt8TypeInContext(self.ctx), n) })
    }

    /// A literal struct of `elems`.
    pub fn struct_of(&self, elems: &[Ty<'m>]) -> Ty<'m> {
        let mut raw: Vec<LLVMTypeRef> = elems.iter().map(|t| t.0).collect();
        // SAFETY: live types of this context; the array is read in the call.
        self.t(unsafe { LLVMStructTypeInContext(self.ctx, raw.as_mut_ptr(), raw.len() as u32, 0) })
    }

    /// A function type.
    pub fn fn_type(&self, ret: Ty<'m>, params: &[Ty<'m>], variadic: bool) -> Ty<'m> {
        let mut raw: Vec<LLVMTypeRef> = params.iter().map(|t| t.0).collect();
        // SAFETY: live types of this context; the array is read in the call.
        self.t(unsafe {
            LLVMFunctionType(ret.0, raw.as_mut_ptr(), raw.len() as u32, variadic as i32)
        })
    }

    /// The type of `v`.
    pub fn type_of(&self, v: Val<'m>) -> Ty<'m> {
        // SAFETY: `v` is live (module invariant).
        self.t(unsafe { LLVMTypeOf(v.0) })
    }

    fn kind(&self, t: Ty<'m>) -> LLVMTypeKind {
        // SAFETY: `t` is live.
        unsafe { LLVMGetTypeKind(t.0) }
    }

    /// The width of an integer type, 0 for other types.
    pub fn int_width(&self, t: Ty<'m>) -> u32 {
        if self.kind(t) != LLVMTypeKind::LLVMIntegerTypeKind {
            return 0;
        }
        // SAFETY: `t` is a live integer type.
        unsafe { LLVMGetIntTypeWidth(t.0) }
    }

    /// Is `t` `float` or `double`?
    pub fn is_float(&self, t: Ty<'m>) -> bool {
        matches!(
            self.kind(t),
            LLVMTypeKind::LLVMFloatTypeKind | LLVMTypeKind::LLVMDoubleTypeKind
        )
    }

    fn is_ptr(&self, v: Val<'m>) -> bool {
        self.kind(self.type_of(v)) == LLVMTypeKind::LLVMPointerTypeKind
    }

    // ---- constants ---------------------------------------------------

    /// An integer constant (truncated to the type's width).
    pub fn const_int(&self, t: Ty<'m>, v: u64) -> R<Val<'m>> {
        let w = self.int_width(t);
        if w == 0 {
            return Err("internal: integer constant of a non-integer type".into());
        }
        let v = if w >= 64 { v } else { v & ((1u64 << w) - 1) };
        // SAFETY: `t` is a live integer type.
        Ok(self.v(unsafe { LLVMConstInt(t.0, v, 0) }))
    }

    /// A float constant of `float` or `double` type `t`.
    pub fn const_float(&self, t: Ty<'m>, v: f64) -> R<Val<'m>> {
        if !self.is_float(t) {
            return Err("internal: float constant of a non-float type".into());
        }
        // SAFETY: `t` is a live float type.
        Ok(self.v(unsafe { LLVMConstReal(t.0, v) }))
    }

    /// The null pointer.
    pub fn null(&self) -> Val<'m> {
        // SAFETY: `ptr` of the live context.
        self.v(unsafe { LLVMConstNull(self.ptr().0) })
    }

    // ---- module ------------------------------------------------------

    /// The function named `name`, or a new one of type `fty` (internal
    /// linkage unless `external`).
    pub fn function(&self, sym: &str, fty: Ty<'m>, external: bool) -> R<Val<'m>> {
        if self.kind(fty) != LLVMTypeKind::LLVMFunctionTypeKind {
            return Err("internal: a function needs a function type".into());
        }
        let n = name(sym);
        // SAFETY: live module; NUL-terminated name; `fty` is a function type.
        unsafe {
            let f = LLVMGetNamedFunction(self.module, n.as_ptr());
            if !f.is_null() {
                return Ok(self.v(f));
            }
            let f = LLVMAddFunction(self.module, n.as_ptr(), fty.0);
            if !external {
                LLVMSetLinkage(f, LLVMLinkage::LLVMInternalLinkage);
            }
            Ok(self.v(f))
        }
    }

    /// Does the module already have a function named `sym`?
    pub fn has_function(&self, sym: &str) -> bool {
        let n = name(sym);
        // SAFETY: live module; NUL-terminated name.
        !unsafe { LLVMGetNamedFunction(self.module, n.as_ptr()) }.is_null()
    }

    /// Adds enum attribute `attr` (`signext`, `zeroext`...) at `index` of a
    /// function (0: result, 1..: parameters) or, for a call, of the call site.
    pub fn attr(&self, f: Val<'m>, index: u32, attr: &str) -> R<()> {
        // SAFETY: the name is read as pointer + length.
        let kind =
            unsafe { LLVMGetEnumAttributeKindForName(attr.as_ptr() as *const c_char, attr.len()) };
        if kind == 0 {
            return Err(format!("internal: unknown LLVM attribute `{attr}`"));
        }
        // SAFETY: live context; `f` is a live function or call (checked).
        unsafe {
            let a = LLVMCreateEnumAttribute(self.ctx, kind, 0);
            if !LLVMIsAFunction(f.0).is_null() {
                LLVMAddAttributeAtIndex(f.0, index, a);
            } else if !LLVMIsACallInst(f.0).is_null() {
                LLVMAddCallSiteAttribute(f.0, index, a);
            } else {
                return Err("internal: attributes go on functions and calls".into());
            }
        }
        Ok(())
    }

    /// Adds string attribute `key`=`value` to function `f`.
    pub fn fn_attr_str(&self, f: Val<'m>, key: &str, value: &str) -> R<()> {
        // SAFETY: `f` is checked to be a function; strings as pointer + length.
        unsafe {
            if LLVMIsAFunction(f.0).is_null() {
                return Err("internal: function attributes go on functions".into());
            }
            let a = LLVMCreateStringAttribute(
                self.ctx,
                key.as_ptr() as *const c_char,
                key.len() as u32,
                value.as_ptr() as *const c_char,
                value.len() as u32,
            );
            LLVMAddAttributeAtIndex(f.0, u32::MAX, a);
        }
        Ok(())
    }

    /// A constant global `sym` holding `bytes` (internal linkage; `anon`:
    /// private and `unnamed_addr`, for string literals).
    pub fn global_bytes(&self, sym: &str, bytes: &[u8], align: u64, anon: bool) -> R<Val<'m>> {
        let n = name(sym);
        // SAFETY: live context and module; the bytes are read as pointer +
        // length (not NUL-terminated: DontNullTerminate = 1); the
        // initializer has the global's type.
        unsafe {
            let init = LLVMConstStringInContext2(
                self.ctx,
                bytes.as_ptr() as *const c_char,
                bytes.len(),
                1,
            );
            let g = LLVMAddGlobal(self.module, LLVMTypeOf(init), n.as_ptr());
            LLVMSetInitializer(g, init);
            LLVMSetGlobalConstant(g, 1);
            LLVMSetAlignment(g, align.clamp(1, 1 << 16) as u32);
            if anon {
                LLVMSetLinkage(g, LLVMLinkage::LLVMPrivateLinkage);
                LLVMSetUnnamedAddress(
                    g,
                    dwarfsmith::backend::llvm::sys::LLVMUnnamedAddr::LLVMGlobalUnnamedAddr,
                );
            } else {
                LLVMSetLinkage(g, LLVMLinkage::LLVMInternalLinkage);
            }
            Ok(self.v(g))
        }
    }

    /// The `i`-th parameter of function `f`.
    pub fn param(&self, f: Val<'m>, i: u32) -> R<Val<'m>> {
        // SAFETY: `f` is checked to be a function; `i` is in range.
        unsafe {
            if LLVMIsAFunction(f.0).is_null() || i >= LLVMCountParams(f.0) {
                return Err(format!("internal: no parameter #{i}"));
            }
            Ok(self.v(LLVMGetParam(f.0, i)))
        }
    }

    /// The dwarfsmith handle of function `f`.
    pub fn llvm_function(&self, f: Val<'m>) -> LlvmFunction<'m> {
        // SAFETY: `f` is a live function of the module, which outlives 'm.
        unsafe { LlvmFunction::from_raw(f.0) }
    }

    /// The dwarfsmith handle of value `v`.
    pub fn llvm_value(&self, v: Val<'m>) -> LlvmValue<'m> {
        // SAFETY: `v` is live while the module is ('m).
        unsafe { LlvmValue::from_raw(v.0) }
    }

    /// The dwarfsmith handle of block `b`.
    pub fn llvm_block(&self, b: Bb<'m>) -> LlvmBlock<'m> {
        // SAFETY: `b` is a live block of a function of the module.
        unsafe { LlvmBlock::from_raw(b.0) }
    }

    // ---- blocks ------------------------------------------------------

    /// Appends a block to function `f`.
    pub fn block(&self, f: Val<'m>, label: &str) -> Bb<'m> {
        let n = name(label);
        // SAFETY: `f` is a live function of this context.
        Bb(
            unsafe { LLVMAppendBasicBlockInContext(self.ctx, f.0, n.as_ptr()) },
            PhantomData,
        )
    }

    /// Emits at the end of `bb` from now on.
    pub fn position(&self, bb: Bb<'m>) {
        // SAFETY: live builder and block.
        unsafe { LLVMPositionBuilderAtEnd(self.b, bb.0) }
    }

    /// Starts function `f`: an entry block for `alloca`s, parameter stores
    /// and declare records (all without source locations), ending in a
    /// branch to the returned body block, where the builder is positioned.
    pub fn begin_function(&self, f: Val<'m>) -> (Bb<'m>, Bb<'m>) {
        let entry = self.block(f, "entry");
        let body = self.block(f, "body");
        // SAFETY: the alloca builder is live and has no debug location; the
        // branch is the entry block's terminator, before which it stays.
        unsafe {
            LLVMPositionBuilderAtEnd(self.allocas, entry.0);
            let br = LLVMBuildBr(self.allocas, body.0);
            LLVMPositionBuilderBefore(self.allocas, br);
        }
        self.position(body);
        (entry, body)
    }
}
