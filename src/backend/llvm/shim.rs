//! The C++ shim's functions (`shim.cpp`, compiled by `build.rs`): DIBuilder
//! calls LLVM-C lacks. Each takes the same kinds of arguments as the LLVM-C
//! function of the same shape; strings are pointer + length.

use llvm_sys::prelude::{LLVMDIBuilderRef, LLVMMetadataRef, LLVMValueRef};

extern "C" {
    /// `DIBuilder::createVariantPart` (flags zero, no name).
    pub(super) fn dwarfsmith_di_variant_part(
        builder: LLVMDIBuilderRef,
        scope: LLVMMetadataRef,
        file: LLVMMetadataRef,
        line: u32,
        size_bits: u64,
        align_bits: u32,
        discriminator: LLVMMetadataRef,
        elems: *mut LLVMMetadataRef,
        n: u32,
        id: *const std::ffi::c_char,
        id_len: usize,
    ) -> LLVMMetadataRef;

    /// `DIBuilder::createVariantMemberType` (no file, flags zero);
    /// `discriminant` must be a `ConstantInt`.
    pub(super) fn dwarfsmith_di_variant_member(
        builder: LLVMDIBuilderRef,
        scope: LLVMMetadataRef,
        name: *const std::ffi::c_char,
        name_len: usize,
        size_bits: u64,
        align_bits: u32,
        offset_bits: u64,
        discriminant: LLVMValueRef,
        ty: LLVMMetadataRef,
    ) -> LLVMMetadataRef;

    /// `DIBuilder::createEnumerationType` with an ODR identifier.
    pub(super) fn dwarfsmith_di_enumeration(
        builder: LLVMDIBuilderRef,
        scope: LLVMMetadataRef,
        name: *const std::ffi::c_char,
        name_len: usize,
        file: LLVMMetadataRef,
        line: u32,
        size_bits: u64,
        align_bits: u32,
        elems: *mut LLVMMetadataRef,
        n: u32,
        underlying: LLVMMetadataRef,
        id: *const std::ffi::c_char,
        id_len: usize,
    ) -> LLVMMetadataRef;

    /// `DIBuilder::retainType`: emit the type even if nothing refers to it.
    pub(super) fn dwarfsmith_di_retain_type(builder: LLVMDIBuilderRef, ty: LLVMMetadataRef);
}
