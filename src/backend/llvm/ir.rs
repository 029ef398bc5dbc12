//! Safe handles on the LLVM IR objects the backend needs, and a small IR
//! builder (enough for tests and simple frontends; anything else goes
//! through `as_raw` and llvm-sys under the frontend's own `unsafe`).
//!
//! Ownership: [`LlvmContext`] owns an `LLVMContextRef`; [`LlvmModule<'ctx>`]
//! owns an `LLVMModuleRef` and borrows its context; every value, block,
//! function and builder borrows its module (`'a`), so none outlives what
//! owns it. Lifetimes cannot tell two live contexts (or modules) apart, so
//! every operation that combines handles checks at run time that they come
//! from the same context and module, and refuses them with
//! [`ErrorKind::ForeignHandle`] otherwise. All handles are `!Send`/`!Sync`
//! (an LLVM context is single-threaded).

use std::cell::Cell;
use std::ffi::{CStr, CString};
use std::marker::PhantomData;

use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::LLVMTypeKind;

use super::builder::LlvmBuilder;
use super::deep_stack::{self, Raw};
use super::values::{value_module, LlvmBlock, LlvmFunction, LlvmGlobal, LlvmValue};

use crate::error::{err, Error, ErrorKind, Result};

/// A NUL-terminated copy of `name`, or an error naming `what`.
pub(super) fn cstr(what: &str, name: &str) -> Result<CString> {
    CString::new(name).map_err(|_| {
        Error::new(
            ErrorKind::InvalidName,
            format!("the {what} `{}` contains a NUL byte", name.escape_debug()),
        )
    })
}

fn foreign(what: &str, whose: &str) -> Error {
    Error::new(
        ErrorKind::ForeignHandle,
        format!("{what} belongs to another LLVM {whose}: values, types, blocks and builders can only be combined within the context and module that created them"),
    )
}

/// An LLVM context: owns every type and constant made in it. Dropping it
/// disposes the context; the borrow checker keeps every module (and so every
/// handle) from outliving it.
pub struct LlvmContext {
    raw: LLVMContextRef,
    /// Whether a dwarfsmith compile unit was ever built in this context
    /// (one per context: see DESIGN.md, "RAUW and uniquing").
    pub(super) has_debug_info: Cell<bool>,
    /// Metadata levels of that unit (see `deep_stack.rs`): sizes the stack
    /// of the verifier and the code generator.
    pub(super) metadata_levels: Cell<usize>,
    /// The unit's backend was dropped unfinished and could not finalize
    /// (no thread for the walk): the module must not be verified or
    /// compiled.
    pub(super) unfinalized: Cell<bool>,
    /// The unit's backend is live and has not finalized yet: emission
    /// waits for `finish` (see `object.rs`).
    pub(super) unit_open: Cell<bool>,
}

impl Default for LlvmContext {
    fn default() -> Self {
        Self::new()
    }
}

impl LlvmContext {
    /// A fresh context.
    pub fn new() -> Self {
        // SAFETY: creates a new context, owned by the returned value.
        let raw = unsafe { LLVMContextCreate() };
        LlvmContext {
            raw,
            has_debug_info: Cell::new(false),
            metadata_levels: Cell::new(0),
            unfinalized: Cell::new(false),
            unit_open: Cell::new(false),
        }
    }

    /// The raw context, for llvm-sys calls in the frontend's own `unsafe`.
    pub fn as_raw(&self) -> LLVMContextRef {
        self.raw
    }

    /// A new, empty module named `name` in this context.
    pub fn create_module(&self, name: &str) -> Result<LlvmModule<'_>> {
        let n = cstr("module name", name)?;
        // SAFETY: `self.raw` is live; the name is NUL-terminated and copied.
        let raw = unsafe { LLVMModuleCreateWithNameInContext(n.as_ptr(), self.raw) };
        Ok(LlvmModule { raw, ctx: self })
    }

    fn ty(&self, raw: LLVMTypeRef) -> LlvmType<'_> {
        LlvmType {
            raw,
            _ctx: PhantomData,
        }
    }

    /// `void`.
    pub fn void_type(&self) -> LlvmType<'_> {
        // SAFETY: `self.raw` is live; types are owned by the context.
        self.ty(unsafe { LLVMVoidTypeInContext(self.raw) })
    }

    /// An integer type of `bits` bits (1 to 128).
    pub fn int_type(&self, bits: u32) -> Result<LlvmType<'_>> {
        if !(1..=128).contains(&bits) {
            return err(
                ErrorKind::InvalidLayout,
                format!("integer types of {bits} bits are not supported: use 1 to 128"),
            );
        }
        // SAFETY: `self.raw` is live and `bits` is a valid integer width.
        Ok(self.ty(unsafe { LLVMIntTypeInContext(self.raw, bits) }))
    }

    /// `double`.
    pub fn f64_type(&self) -> LlvmType<'_> {
        // SAFETY: `self.raw` is live.
        self.ty(unsafe { LLVMDoubleTypeInContext(self.raw) })
    }

    /// `ptr` (address space 0).
    pub fn ptr_type(&self) -> LlvmType<'_> {
        // SAFETY: `self.raw` is live.
        self.ty(unsafe { LLVMPointerTypeInContext(self.raw, 0) })
    }

    /// A function type. Parameters must be sized first-class types.
    pub fn function_type(
        &self,
        ret: LlvmType<'_>,
        params: &[LlvmType<'_>],
        variadic: bool,
    ) -> Result<LlvmType<'_>> {
        self.check_type(ret)?;
        let mut raw: Vec<LLVMTypeRef> = Vec::with_capacity(params.len());
        for p in params {
            self.check_type(*p)?;
            if !p.is_sized() {
                return err(
                    ErrorKind::InvalidLayout,
                    "function parameters must have a sized type (not void)",
                );
            }
            raw.push(p.raw);
        }
        // SAFETY: every type was checked to belong to this context; the
        // array is read during the call only.
        let t = unsafe {
            LLVMFunctionType(ret.raw, raw.as_mut_ptr(), raw.len() as u32, variadic as i32)
        };
        Ok(self.ty(t))
    }

    /// An array type of `len` elements.
    pub fn array_type(&self, elem: LlvmType<'_>, len: u64) -> Result<LlvmType<'_>> {
        self.check_type(elem)?;
        if !elem.is_sized() {
            return err(ErrorKind::InvalidLayout, "array elements must be sized");
        }
        // SAFETY: `elem` belongs to this live context.
        Ok(self.ty(unsafe { LLVMArrayType2(elem.raw, len) }))
    }

    /// An integer constant of integer type `ty` (`value` is truncated to the
    /// type's width).
    pub fn const_int(&self, ty: LlvmType<'_>, value: u64) -> Result<LlvmValue<'_>> {
        self.check_type(ty)?;
        if ty.kind() != LLVMTypeKind::LLVMIntegerTypeKind {
            return err(ErrorKind::InvalidLayout, "const_int needs an integer type");
        }
        // SAFETY: `ty` is an integer type of this live context.
        let v = unsafe { LLVMConstInt(ty.raw, value, 0) };
        Ok(LlvmValue::wrap(v))
    }

    /// The all-zero constant of a sized type.
    pub fn const_zero(&self, ty: LlvmType<'_>) -> Result<LlvmValue<'_>> {
        self.check_type(ty)?;
        if !ty.is_sized() {
            return err(ErrorKind::InvalidLayout, "const_zero needs a sized type");
        }
        // SAFETY: `ty` is a sized type of this live context.
        Ok(LlvmValue::wrap(unsafe { LLVMConstNull(ty.raw) }))
    }

    pub(super) fn check_type(&self, t: LlvmType<'_>) -> Result<()> {
        // SAFETY: a `LlvmType` is only made from a live type (its context
        // outlives it by the borrow in its lifetime).
        if unsafe { LLVMGetTypeContext(t.raw) } != self.raw {
            return Err(foreign("the type", "context"));
        }
        Ok(())
    }

    pub(super) fn check_value(&self, v: LLVMValueRef) -> Result<()> {
        // SAFETY: `v` comes from a live `LlvmValue`-like handle.
        if unsafe { LLVMGetTypeContext(LLVMTypeOf(v)) } != self.raw {
            return Err(foreign("the value", "context"));
        }
        Ok(())
    }
}

impl Drop for LlvmContext {
    fn drop(&mut self) {
        // SAFETY: every module borrowed the context and was dropped before
        // it; the context is disposed exactly once.
        unsafe { LLVMContextDispose(self.raw) }
    }
}

/// An LLVM type, owned by its context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LlvmType<'ctx> {
    pub(super) raw: LLVMTypeRef,
    _ctx: PhantomData<&'ctx LlvmContext>,
}

impl<'ctx> LlvmType<'ctx> {
    /// The raw type.
    pub fn as_raw(self) -> LLVMTypeRef {
        self.raw
    }

    pub(super) fn kind(self) -> LLVMTypeKind {
        // SAFETY: the type is live (its context outlives `'ctx`).
        unsafe { LLVMGetTypeKind(self.raw) }
    }

    pub(super) fn is_sized(self) -> bool {
        // SAFETY: as above.
        unsafe { LLVMTypeIsSized(self.raw) != 0 }
    }
}

/// An LLVM module: owns its functions, globals and instructions; borrows its
/// context. Dropping it disposes the module.
pub struct LlvmModule<'ctx> {
    raw: LLVMModuleRef,
    pub(super) ctx: &'ctx LlvmContext,
}

impl<'ctx> LlvmModule<'ctx> {
    /// The raw module, for llvm-sys calls in the frontend's own `unsafe`.
    pub fn as_raw(&self) -> LLVMModuleRef {
        self.raw
    }

    /// The context of this module.
    pub fn context(&self) -> &'ctx LlvmContext {
        self.ctx
    }

    /// Checks that a value is of this module's context and, if it lives in
    /// a module (globals, functions, arguments, instructions), of this one.
    pub(super) fn check_value(&self, v: LLVMValueRef) -> Result<()> {
        self.ctx.check_value(v)?;
        if let Some(m) = value_module(v) {
            if m != self.raw {
                return Err(foreign("the value", "module"));
            }
        }
        Ok(())
    }

    pub(super) fn check_block(&self, b: LlvmBlock<'_>) -> Result<LLVMValueRef> {
        // SAFETY: a block handle is live while its module is (lifetime).
        let f = unsafe { LLVMGetBasicBlockParent(b.raw) };
        // SAFETY: `f` is the live function owning the block.
        if f.is_null() || unsafe { LLVMGetGlobalParent(f) } != self.raw {
            return Err(foreign("the basic block", "module"));
        }
        Ok(f)
    }

    /// Declares a function `name` of function type `ty` (append blocks to
    /// define it).
    pub fn add_function(&self, name: &str, ty: LlvmType<'_>) -> Result<LlvmFunction<'_>> {
        self.ctx.check_type(ty)?;
        if ty.kind() != LLVMTypeKind::LLVMFunctionTypeKind {
            return err(
                ErrorKind::InvalidLayout,
                "add_function needs a function type",
            );
        }
        let n = cstr("function name", name)?;
        // SAFETY: module and type are live and of one context.
        let raw = unsafe { LLVMAddFunction(self.raw, n.as_ptr(), ty.raw) };
        Ok(LlvmFunction::wrap(raw))
    }

    /// The function named `name`, if the module has one.
    pub fn function(&self, name: &str) -> Option<LlvmFunction<'_>> {
        let n = CString::new(name).ok()?;
        // SAFETY: the module is live; the name is NUL-terminated.
        let raw = unsafe { LLVMGetNamedFunction(self.raw, n.as_ptr()) };
        (!raw.is_null()).then_some(LlvmFunction::wrap(raw))
    }

    /// Adds a global variable of sized type `ty`, zero-initialised unless
    /// `init` (a constant of type `ty`) is given.
    pub fn add_global(
        &self,
        name: &str,
        ty: LlvmType<'_>,
        init: Option<LlvmValue<'_>>,
    ) -> Result<LlvmGlobal<'_>> {
        self.ctx.check_type(ty)?;
        if !ty.is_sized() {
            return err(ErrorKind::InvalidLayout, "globals need a sized type");
        }
        let init = match init {
            Some(v) => {
                self.check_value(v.raw)?;
                // SAFETY: `v` is a live value of this context.
                let (is_const, vty) =
                    unsafe { (!LLVMIsAConstant(v.raw).is_null(), LLVMTypeOf(v.raw)) };
                if !is_const || vty != ty.raw {
                    return err(
                        ErrorKind::InvalidLayout,
                        "a global's initializer must be a constant of the global's type",
                    );
                }
                v.raw
            }
            // SAFETY: `ty` is a sized type of this context.
            None => unsafe { LLVMConstNull(ty.raw) },
        };
        let n = cstr("global name", name)?;
        // SAFETY: module, type and initializer are live and of one context;
        // the initializer is a constant of the global's type.
        let raw = unsafe {
            let g = LLVMAddGlobal(self.raw, ty.raw, n.as_ptr());
            LLVMSetInitializer(g, init);
            g
        };
        Ok(LlvmGlobal::wrap(raw))
    }

    /// An instruction builder for this module (not positioned yet).
    pub fn create_builder(&self) -> LlvmBuilder<'_> {
        // SAFETY: the context is live; the builder is owned by the result.
        let raw = unsafe { LLVMCreateBuilderInContext(self.ctx.raw) };
        LlvmBuilder { raw, module: self }
    }

    /// Runs LLVM's verifier; its report is the error message. The verifier
    /// runs on a thread with a stack sized for the unit's metadata (see
    /// DESIGN.md, "LLVM backend").
    pub fn verify(&self) -> Result<()> {
        self.check_finalized()?;
        let module = Raw::new(self.raw);
        let levels = self.ctx.metadata_levels.get();
        let (broken, msg) = deep_stack::run(levels, "verifying the module", move || {
            let mut msg = std::ptr::null_mut();
            // SAFETY: the module is live (borrowed by `self` while the
            // caller waits); the message is disposed below.
            let broken = unsafe {
                llvm_sys::analysis::LLVMVerifyModule(
                    module.get(),
                    llvm_sys::analysis::LLVMVerifierFailureAction::LLVMReturnStatusAction,
                    &mut msg,
                )
            };
            (broken, Raw::new(msg))
        })?;
        let text = take_message(msg.get());
        if broken != 0 {
            return err(
                ErrorKind::Backend,
                format!("the LLVM module does not verify (did the DebugContext finish? are all blocks terminated?):\n{text}"),
            );
        }
        Ok(())
    }

    /// The module as LLVM IR text. LLVM's printer numbers metadata
    /// recursively, so it runs on a thread with a stack sized for the
    /// unit's metadata (see DESIGN.md, "LLVM backend"); `Err` if that
    /// thread cannot run.
    pub fn print_to_string(&self) -> Result<String> {
        let module = Raw::new(self.raw);
        let levels = self.ctx.metadata_levels.get();
        let text = deep_stack::run(levels, "printing the module", move || {
            // SAFETY: the module is live (borrowed by `self` while the
            // caller waits); the returned string is disposed by
            // `take_message` on the caller's side.
            Raw::new(unsafe { LLVMPrintModuleToString(module.get()) })
        })?;
        Ok(take_message(text.get()))
    }
}

impl Drop for LlvmModule<'_> {
    fn drop(&mut self) {
        // SAFETY: every builder, backend and handle borrowed the module and
        // is gone; the module is disposed exactly once.
        unsafe { LLVMDisposeModule(self.raw) }
    }
}

/// Copies and disposes an LLVM-allocated message.
pub(super) fn take_message(msg: *mut std::ffi::c_char) -> String {
    if msg.is_null() {
        return String::new();
    }
    // SAFETY: LLVM returned a NUL-terminated string it allocated; it is
    // copied, then disposed once.
    unsafe {
        let s = CStr::from_ptr(msg).to_string_lossy().into_owned();
        LLVMDisposeMessage(msg);
        s
    }
}
