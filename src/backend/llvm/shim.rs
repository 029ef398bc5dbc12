//! The C++ shim's functions (`shim.cpp`, compiled by `build.rs`): DIBuilder
//! calls LLVM-C lacks. Each takes the same kinds of arguments as the LLVM-C
//! function of the same shape; strings are pointer + length.

use std::ffi::{c_char, c_int};

use llvm_sys::debuginfo::LLVMDIFlags;
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

    /// `DIBuilder::createEnumerationType` with an ODR identifier; `scoped`
    /// non-zero writes `DW_AT_enum_class`.
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
        scoped: i32,
    ) -> LLVMMetadataRef;

    /// `DIBuilder::retainType`: emit the type even if nothing refers to it.
    pub(super) fn dwarfsmith_di_retain_type(builder: LLVMDIBuilderRef, ty: LLVMMetadataRef);

    /// A struct (`tag` 0x13), class (0x02) or union (0x17): `createStructType`,
    /// `createClassType` or `createUnionType`, with a containing type
    /// (`DW_AT_containing_type`, may be null) and template parameters
    /// (`replaceArrays`). Null for another tag or a null array of non-zero
    /// length.
    pub(super) fn dwarfsmith_di_composite(
        builder: LLVMDIBuilderRef,
        tag: u32,
        scope: LLVMMetadataRef,
        name: *const c_char,
        name_len: usize,
        file: LLVMMetadataRef,
        line: u32,
        size_bits: u64,
        align_bits: u32,
        flags: LLVMDIFlags,
        elems: *mut LLVMMetadataRef,
        n: u32,
        vtable_holder: LLVMMetadataRef,
        tparams: *mut LLVMMetadataRef,
        n_tparams: u32,
        id: *const c_char,
        id_len: usize,
    ) -> LLVMMetadataRef;

    /// Element `i` of a composite type's elements; null if out of range or
    /// `ty` is not a composite.
    pub(super) fn dwarfsmith_di_composite_element(ty: LLVMMetadataRef, i: u32) -> LLVMMetadataRef;

    /// `DIBuilder::createObjectPointerType`: `ty` flagged artificial and
    /// object pointer (the type of a method's `this`).
    pub(super) fn dwarfsmith_di_object_pointer(
        builder: LLVMDIBuilderRef,
        ty: LLVMMetadataRef,
    ) -> LLVMMetadataRef;

    /// `DIBuilder::createMethod`: a member function declaration; `flags`
    /// are `DIFlags`, `sp_flags` `DISPFlags` (virtuality), `vtable_index`
    /// `u32::MAX` for no vtable slot; `tparams` its template parameters
    /// (`n_tparams` may be 0). Null if `scope` or `ty` is null.
    pub(super) fn dwarfsmith_di_method(
        builder: LLVMDIBuilderRef,
        scope: LLVMMetadataRef,
        name: *const c_char,
        name_len: usize,
        linkage: *const c_char,
        linkage_len: usize,
        file: LLVMMetadataRef,
        line: u32,
        ty: LLVMMetadataRef,
        vtable_index: u32,
        vtable_holder: LLVMMetadataRef,
        flags: LLVMDIFlags,
        sp_flags: u32,
        tparams: *mut LLVMMetadataRef,
        n_tparams: u32,
    ) -> LLVMMetadataRef;

    /// `DIBuilder::createFunction` with `Declaration = decl` (a method
    /// declaration): a definition written with `DW_AT_specification`. Null
    /// if `decl` is not a subprogram.
    pub(super) fn dwarfsmith_di_method_definition(
        builder: LLVMDIBuilderRef,
        scope: LLVMMetadataRef,
        name: *const c_char,
        name_len: usize,
        linkage: *const c_char,
        linkage_len: usize,
        file: LLVMMetadataRef,
        line: u32,
        ty: LLVMMetadataRef,
        flags: LLVMDIFlags,
        sp_flags: u32,
        decl: LLVMMetadataRef,
    ) -> LLVMMetadataRef;

    /// `DIBuilder::createStaticMemberType` with `tag` `DW_TAG_member` or
    /// `DW_TAG_variable`; `value` a `ConstantInt` or null.
    pub(super) fn dwarfsmith_di_static_member(
        builder: LLVMDIBuilderRef,
        scope: LLVMMetadataRef,
        name: *const c_char,
        name_len: usize,
        ty: LLVMMetadataRef,
        flags: LLVMDIFlags,
        value: LLVMValueRef,
        tag: u32,
    ) -> LLVMMetadataRef;

    /// `DIBuilder::createTemplateTypeParameter`; `is_default` non-zero
    /// writes `DW_AT_default_value`.
    pub(super) fn dwarfsmith_di_template_type(
        builder: LLVMDIBuilderRef,
        name: *const c_char,
        name_len: usize,
        ty: LLVMMetadataRef,
        is_default: c_int,
    ) -> LLVMMetadataRef;

    /// `DIBuilder::createTemplateValueParameter`; `value` a `ConstantInt`;
    /// `is_default` non-zero writes `DW_AT_default_value`.
    pub(super) fn dwarfsmith_di_template_value(
        builder: LLVMDIBuilderRef,
        name: *const c_char,
        name_len: usize,
        ty: LLVMMetadataRef,
        value: LLVMValueRef,
        is_default: c_int,
    ) -> LLVMMetadataRef;

    /// `DIBuilder::createTemplateParameterPack` of the `n` parameters
    /// `args` (`DW_TAG_GNU_template_parameter_pack`).
    pub(super) fn dwarfsmith_di_template_pack(
        builder: LLVMDIBuilderRef,
        name: *const c_char,
        name_len: usize,
        args: *mut LLVMMetadataRef,
        n: usize,
    ) -> LLVMMetadataRef;

    /// `DIBuilder::createEnumerator(Name, APSInt)`: a value of `bits` (1 to
    /// 128) bits given as its low and high 64-bit halves. Null for another
    /// width.
    pub(super) fn dwarfsmith_di_enumerator_wide(
        builder: LLVMDIBuilderRef,
        name: *const c_char,
        name_len: usize,
        lo: u64,
        hi: u64,
        bits: u32,
        is_unsigned: i32,
    ) -> LLVMMetadataRef;

    /// `DIBuilder::createTypedef` with flags (a member typedef's
    /// accessibility). Null when a node is null.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn dwarfsmith_di_typedef(
        builder: LLVMDIBuilderRef,
        ty: LLVMMetadataRef,
        name: *const c_char,
        name_len: usize,
        file: LLVMMetadataRef,
        line: u32,
        scope: LLVMMetadataRef,
        flags: LLVMDIFlags,
    ) -> LLVMMetadataRef;
}
