//! Completion of a struct, class or union stub: data members (bitfields,
//! accessibility), bases (virtual too), member function declarations,
//! static members, template parameters, the containing type and the variant
//! part (`variants.rs`); and member function definitions
//! (`DW_AT_specification`).

use std::collections::HashSet;

use llvm_sys::core::{LLVMConstIntOfArbitraryPrecision, LLVMIntTypeInContext};
use llvm_sys::debuginfo::*;
use llvm_sys::prelude::*;

use super::scopes::FuncSlot;
use super::types::TypeSlot;
use super::variants::{member_scope, pattern};
use super::{align_bits, bits, missing, ptr, shim, LlvmBackend};
use crate::backend::{
    BaseInfo, CompositeBody, CompositeKind, DiscrValue, FunctionIdx, FunctionInfo, MemberInfo,
    MethodInfo, StaticMemberInfo, TemplateParamInfo, TypeIdx,
};
use crate::desc::{Access, Virtuality};
use crate::error::{err, Error, ErrorKind, Result};

/// `DISubprogram::DISPFlags`.
const SP_VIRTUAL: u32 = 1;
const SP_PURE_VIRTUAL: u32 = 2;
const SP_LOCAL_TO_UNIT: u32 = 4;
const SP_DEFINITION: u32 = 8;

const DW_TAG_CLASS_TYPE: u32 = 0x02;
const DW_TAG_MEMBER: u32 = 0x0d;
const DW_TAG_STRUCTURE_TYPE: u32 = 0x13;
const DW_TAG_UNION_TYPE: u32 = 0x17;
const DW_TAG_VARIABLE: u32 = 0x34;

/// The `DW_TAG_*` of a composite kind.
pub(super) fn composite_tag(kind: CompositeKind) -> u32 {
    match kind {
        CompositeKind::Struct => DW_TAG_STRUCTURE_TYPE,
        CompositeKind::Class => DW_TAG_CLASS_TYPE,
        CompositeKind::Union => DW_TAG_UNION_TYPE,
    }
}

/// The `DIFlags` of an accessibility.
pub(super) fn access_flags(a: Access) -> LLVMDIFlags {
    match a {
        Access::Unspecified => LLVMDIFlagZero,
        Access::Public => LLVMDIFlagPublic,
        Access::Protected => LLVMDIFlagProtected,
        Access::Private => LLVMDIFlagPrivate,
    }
}

/// A shim result that must not be null (the shim returns null only for
/// arguments the Rust side should never pass).
pub(super) fn non_null(md: LLVMMetadataRef, what: &str) -> Result<LLVMMetadataRef> {
    if md.is_null() {
        return err(
            ErrorKind::InvalidCode,
            format!("LLVM backend: the DIBuilder shim refused to create {what}"),
        );
    }
    Ok(md)
}

impl LlvmBackend<'_> {
    /// A `ConstantInt` of `width` bits (1 to 128) holding `v`'s bit pattern
    /// (truncated to the width).
    pub(super) fn const_int(&self, width: u64, v: DiscrValue, what: &str) -> Result<LLVMValueRef> {
        if !(1..=128).contains(&width) {
            return err(
                ErrorKind::InvalidLayout,
                format!(
                    "{what}: a constant needs an integer type of 1 to 16 bytes, not {width} bits"
                ),
            );
        }
        let p = pattern(v);
        let words = [p as u64, (p >> 64) as u64];
        // SAFETY: live context; `width` is 1..=128 and the two words are
        // read during the call only.
        Ok(unsafe {
            let ty = LLVMIntTypeInContext(self.ctx(), width as u32);
            LLVMConstIntOfArbitraryPrecision(ty, 2, words.as_ptr())
        })
    }

    pub(super) fn member(
        &self,
        scope: LLVMMetadataRef,
        m: &MemberInfo<'_>,
    ) -> Result<LLVMMetadataRef> {
        let ty = self.type_md(m.ty)?;
        let (n, nl) = ptr(m.name);
        let mut flags = access_flags(m.access);
        if m.artificial {
            flags |= LLVMDIFlagArtificial;
        }
        let null = std::ptr::null_mut();
        if let Some(b) = m.bits {
            // The storage unit: the member type's size, holding the field.
            let unit = bits(m.size)?.max(1);
            let storage = b.bit_offset / unit * unit;
            // SAFETY: live DIBuilder and nodes; name as pointer + length.
            return Ok(unsafe {
                LLVMDIBuilderCreateBitFieldMemberType(
                    self.dib,
                    scope,
                    n,
                    nl,
                    null,
                    0,
                    u64::from(b.bit_size),
                    b.bit_offset,
                    storage,
                    flags,
                    ty,
                )
            });
        }
        let (size, align, offset) = (bits(m.size)?, align_bits(m.align)?, bits(m.offset)?);
        // SAFETY: live DIBuilder and nodes.
        Ok(unsafe {
            LLVMDIBuilderCreateMemberType(
                self.dib, scope, n, nl, null, 0, size, align, offset, flags, ty,
            )
        })
    }

    /// A `DW_TAG_inheritance`. A virtual base's offset lives in the vtable
    /// at `virtual_offset_offset` from the vtable pointer; LLVM writes
    /// `DW_OP_constu <x>; DW_OP_minus` with the node's offset as `x`, so the
    /// offset is negated.
    fn inheritance(&self, class: LLVMMetadataRef, b: &BaseInfo) -> Result<LLVMMetadataRef> {
        let base = self.type_md(b.ty)?;
        let mut flags = access_flags(b.access);
        let offset = match b.virtual_offset_offset {
            None => bits(b.offset)?,
            Some(vo) => {
                flags |= LLVMDIFlagVirtual;
                vo.wrapping_neg() as u64
            }
        };
        // SAFETY: live DIBuilder, class (temporary) and base nodes.
        Ok(unsafe { LLVMDIBuilderCreateInheritance(self.dib, class, base, offset, 0, flags) })
    }

    /// A member function declaration.
    fn method(
        &self,
        class: LLVMMetadataRef,
        m: &MethodInfo<'_>,
        holder: LLVMMetadataRef,
    ) -> Result<LLVMMetadataRef> {
        let mut elems = Vec::with_capacity(m.params.len() + 2);
        elems.push(match m.ret {
            Some(r) => self.type_md(r)?,
            None => std::ptr::null_mut(),
        });
        let mut flags = LLVMDIFlagPrototyped | access_flags(m.access);
        match m.this {
            Some(this) => {
                let ty = self.type_md(this)?;
                // SAFETY: live DIBuilder and type node.
                let op = unsafe { shim::dwarfsmith_di_object_pointer(self.dib, ty) };
                elems.push(non_null(op, "an object pointer type")?);
            }
            None => flags |= LLVMDIFlagStaticMember,
        }
        self.param_elems(&mut elems, m.params, m.variadic, m.artificial_params)?;
        if m.artificial {
            flags |= LLVMDIFlagArtificial;
        }
        if m.explicit {
            flags |= LLVMDIFlagExplicit;
        }
        // LLVM writes no `DW_AT_vtable_elem_location` for index `u32::MAX`
        // (the core refuses it as a slot).
        let (sp_flags, index, holder) = match m.virtuality {
            Virtuality::None => (0, 0, std::ptr::null_mut()),
            Virtuality::Virtual(i) => (SP_VIRTUAL, i, holder),
            Virtuality::PureVirtual(i) => (SP_PURE_VIRTUAL, i, holder),
            Virtuality::VirtualWithoutSlot => (SP_VIRTUAL, u32::MAX, holder),
            Virtuality::PureVirtualWithoutSlot => (SP_PURE_VIRTUAL, u32::MAX, holder),
        };
        let mut tparams = m
            .template_params
            .iter()
            .map(|p| self.template_param(p))
            .collect::<Result<Vec<_>>>()?;
        let (file, line) = self.decl_md(m.decl)?;
        let (n, nl) = ptr(m.name);
        let (l, ll) = ptr(m.linkage_name.filter(|l| *l != m.name).unwrap_or(""));
        // SAFETY: live DIBuilder and nodes (nulls where the shim allows
        // them); the element arrays and strings are read during the calls.
        let md = unsafe {
            let ty = LLVMDIBuilderCreateSubroutineType(
                self.dib,
                std::ptr::null_mut(),
                elems.as_mut_ptr(),
                elems.len() as u32,
                LLVMDIFlagZero,
            );
            shim::dwarfsmith_di_method(
                self.dib,
                class,
                n,
                nl,
                l,
                ll,
                file,
                line,
                ty,
                index,
                holder,
                flags,
                sp_flags,
                tparams.as_mut_ptr(),
                tparams.len() as u32,
            )
        };
        non_null(md, "a method declaration")
    }

    /// A static data member declaration: `DW_TAG_variable` in DWARF 5,
    /// `DW_TAG_member` in DWARF 4 (as the gimli backend writes it).
    fn static_member(
        &self,
        class: LLVMMetadataRef,
        s: &StaticMemberInfo<'_>,
    ) -> Result<LLVMMetadataRef> {
        let ty = self.type_md(s.ty)?;
        let value = match s.const_value {
            Some(v) => self.const_int(self.value_width(s.ty)?, v, s.name)?,
            None => std::ptr::null_mut(),
        };
        let tag = if self.opts.dwarf_version >= 5 {
            DW_TAG_VARIABLE
        } else {
            DW_TAG_MEMBER
        };
        let (n, nl) = ptr(s.name);
        // SAFETY: live DIBuilder, nodes and constant (or null).
        let md = unsafe {
            shim::dwarfsmith_di_static_member(
                self.dib,
                class,
                n,
                nl,
                ty,
                access_flags(s.access),
                value,
                tag,
            )
        };
        non_null(md, "a static member")
    }

    fn template_param(&self, p: &TemplateParamInfo<'_>) -> Result<LLVMMetadataRef> {
        let md = match *p {
            TemplateParamInfo::Type { name, ty, default } => {
                let ty = self.type_md(ty)?;
                let (n, nl) = ptr(name);
                // SAFETY: live DIBuilder and type node.
                unsafe { shim::dwarfsmith_di_template_type(self.dib, n, nl, ty, default.into()) }
            }
            TemplateParamInfo::Value {
                name,
                ty,
                value,
                default,
            } => {
                let c = self.const_int(self.value_width(ty)?, value, name)?;
                let ty = self.type_md(ty)?;
                let (n, nl) = ptr(name);
                // SAFETY: live DIBuilder, type node and constant.
                unsafe {
                    shim::dwarfsmith_di_template_value(self.dib, n, nl, ty, c, default.into())
                }
            }
            TemplateParamInfo::Pack { name, ref args } => {
                let mut elems = args
                    .iter()
                    .map(|a| self.template_param(a))
                    .collect::<Result<Vec<_>>>()?;
                let (n, nl) = ptr(name);
                // SAFETY: live DIBuilder; `elems` holds `elems.len()` live
                // parameter nodes and outlives the call.
                unsafe {
                    shim::dwarfsmith_di_template_pack(
                        self.dib,
                        n,
                        nl,
                        elems.as_mut_ptr(),
                        elems.len(),
                    )
                }
            }
        };
        non_null(md, "a template parameter")
    }

    /// Completes stub `t`: builds the members (scoped in the temporary),
    /// creates the final node, RAUWs the temporary with it (LLVM deletes the
    /// temporary) and overwrites the slot in the same step. The methods'
    /// positions among the elements are kept, so a definition finds its
    /// declaration in the final node when it needs it.
    pub(super) fn complete(&mut self, t: TypeIdx, body: &CompositeBody<'_>) -> Result<()> {
        let (temp, info) = match self.types.get(t.index()) {
            Some(TypeSlot::Temp(temp, info)) => (*temp, info),
            Some(TypeSlot::Done(_)) => {
                return err(
                    ErrorKind::InvalidCode,
                    format!("LLVM backend: type {t} is already complete (or is not a struct/union stub); a stub is completed exactly once"),
                )
            }
            None => return Err(missing("type", t)),
        };
        let vp = body.variant_part;
        let mut elems = Vec::with_capacity(body.members.len() + body.methods.len() + 1);
        for b in body.bases {
            elems.push(self.inheritance(temp, b)?);
        }
        let mut seen = HashSet::with_capacity(body.members.len());
        // Static members interleave with the data members in declaration
        // order (the core sorts them by position).
        let mut statics = body.statics.iter().peekable();
        for (i, m) in body.members.iter().enumerate() {
            while let Some(s) = statics.next_if(|s| s.position <= i) {
                elems.push(self.static_member(temp, s)?);
            }
            if vp.is_some_and(|vp| vp.discr_member == Some(i)) {
                continue;
            }
            elems.push(self.member(member_scope(&mut seen, m.name, temp), m)?);
        }
        if let Some(vp) = vp {
            elems.push(self.variant_part(temp, info, body.members, vp, &mut seen)?);
        }
        for s in statics {
            elems.push(self.static_member(temp, s)?);
        }
        let holder = match body.containing_type {
            Some(c) => self.type_md(c)?,
            None => std::ptr::null_mut(),
        };
        let first_method = elems.len() as u32;
        for m in body.methods {
            elems.push(self.method(temp, m, holder)?);
        }
        let mut tparams = body
            .template_params
            .iter()
            .map(|p| self.template_param(p))
            .collect::<Result<Vec<_>>>()?;
        let scope = self.scope_md(info.scope)?;
        let (file, line) = self.decl_md(info.decl)?;
        let flags = if info.declaration {
            LLVMDIFlagFwdDecl
        } else {
            LLVMDIFlagZero
        };
        let (size, align) = (bits(info.size)?, align_bits(info.align)?);
        let (n, nl) = ptr(&info.name);
        let (id, idl) = ptr(&info.identifier);
        // Named types of the unit or a namespace are emitted even when no
        // variable uses them, as with the gimli backend.
        let top_level =
            !matches!(info.scope, crate::backend::ParentScope::Type(_)) && !info.name.is_empty();
        // SAFETY: live DIBuilder and nodes; arrays and strings are read
        // during the call only.
        let full = unsafe {
            shim::dwarfsmith_di_composite(
                self.dib,
                composite_tag(info.kind),
                scope,
                n,
                nl,
                file,
                line,
                size,
                align,
                flags,
                elems.as_mut_ptr(),
                elems.len() as u32,
                holder,
                tparams.as_mut_ptr(),
                tparams.len() as u32,
                id,
                idl,
            )
        };
        let full = non_null(full, "a composite type")?;
        // SAFETY: `temp` is the live temporary owned by slot `t`. After
        // RAUW LLVM has deleted it, and the slot (the only place its pointer
        // was kept) is overwritten right here.
        unsafe { LLVMMetadataReplaceAllUsesWith(temp, full) };
        self.types[t.index()] = TypeSlot::Done(full);
        if !body.methods.is_empty() {
            self.methods
                .insert(t.index(), (first_method, body.methods.len() as u32));
        }
        if top_level {
            // SAFETY: live DIBuilder and final node.
            unsafe { shim::dwarfsmith_di_retain_type(self.dib, full) };
        }
        Ok(())
    }

    /// The declaration node of method `index` of `class`, looked up in the
    /// class's final node.
    fn method_decl(&self, class: TypeIdx, index: u32) -> Result<LLVMMetadataRef> {
        let no_method = || {
            Error::new(
                ErrorKind::InvalidCode,
                format!("LLVM backend: type {class} has no method {index}"),
            )
        };
        let &(first, count) = self.methods.get(&class.index()).ok_or_else(no_method)?;
        if index >= count {
            return Err(no_method());
        }
        let md = self.type_md(class)?;
        // SAFETY: `md` is a live node of this backend; the shim checks that
        // it is a composite and the index is in range.
        let decl = unsafe { shim::dwarfsmith_di_composite_element(md, first + index) };
        if decl.is_null() {
            return Err(no_method());
        }
        Ok(decl)
    }

    /// The definition of a member function (`FunctionInfo::specification`):
    /// a subprogram whose declaration is the method's node, written at the
    /// unit level with `DW_AT_specification`.
    pub(super) fn method_definition(
        &mut self,
        f: FunctionIdx,
        info: &FunctionInfo<'_>,
        (class, index): (TypeIdx, u32),
    ) -> Result<()> {
        Self::next("function", f, self.functions.len())?;
        let decl = self.method_decl(class, index)?;
        let scope = self.type_md(class)?;
        let file = self.file_md(info.decl.file)?;
        let ty = self.subroutine(info.params, info.ret, info.variadic, &[])?;
        let (n, nl) = ptr(info.name);
        let linkage = if info.linkage_name == info.name {
            ""
        } else {
            info.linkage_name
        };
        let (l, ll) = ptr(linkage);
        let sp_flags = SP_DEFINITION | if info.external { 0 } else { SP_LOCAL_TO_UNIT };
        // SAFETY: live DIBuilder and nodes; strings as pointer + length.
        let sp = unsafe {
            shim::dwarfsmith_di_method_definition(
                self.dib,
                scope,
                n,
                nl,
                l,
                ll,
                file,
                info.decl.line,
                ty,
                LLVMDIFlagPrototyped,
                sp_flags,
                decl,
            )
        };
        let sp = non_null(sp, "a method definition")?;
        self.functions.push(FuncSlot {
            sp,
            linkage: info.linkage_name.to_owned(),
            finalized: false,
            llvm: None,
        });
        Ok(())
    }
}
