//! Type nodes: base, pointer, array, subroutine, typedef, enumeration, and
//! the stub → (completion in `classes.rs`) → final node life of structs,
//! classes and unions.

use llvm_sys::debuginfo::*;
use llvm_sys::prelude::*;

use super::classes::composite_tag;
use super::shim;
use super::{align_bits, bits, missing, ptr, LlvmBackend};
use crate::backend::{
    CompositeInfo, CompositeKind, DeclSite, DiscrValue, EnumInfo, ParentScope, TypeIdx, TypedefInfo,
};
use crate::desc::{BaseEncoding, PointerKind, Qualifier};
use crate::error::{err, ErrorKind, Result};

/// What completion needs of a stub (no metadata pointers: those are looked
/// up again when used).
pub(super) struct StubInfo {
    pub(super) kind: CompositeKind,
    pub(super) name: String,
    pub(super) scope: ParentScope,
    pub(super) size: u64,
    pub(super) align: u32,
    pub(super) decl: Option<DeclSite>,
    pub(super) identifier: String,
    pub(super) declaration: bool,
}

/// A type slot: a temporary stub or a final node.
pub(super) enum TypeSlot {
    /// A replaceable (temporary) composite; owned by the backend until it
    /// is RAUW'd by completion (or, if never completed, on drop).
    Temp(LLVMMetadataRef, Box<StubInfo>),
    /// A final node.
    Done(LLVMMetadataRef),
}

impl TypeSlot {
    pub(super) fn md(&self) -> LLVMMetadataRef {
        match self {
            TypeSlot::Temp(m, _) | TypeSlot::Done(m) => *m,
        }
    }
}

impl LlvmBackend<'_> {
    pub(super) fn type_md(&self, t: TypeIdx) -> Result<LLVMMetadataRef> {
        self.types
            .get(t.index())
            .map(TypeSlot::md)
            .ok_or_else(|| missing("type", t))
    }

    pub(super) fn push_type(&mut self, t: TypeIdx, md: LLVMMetadataRef) -> Result<()> {
        Self::next("type", t, self.types.len())?;
        self.types.push(TypeSlot::Done(md));
        Ok(())
    }

    pub(super) fn base(
        &mut self,
        t: TypeIdx,
        name: &str,
        size: u64,
        enc: BaseEncoding,
    ) -> Result<()> {
        let encoding: u32 = match enc {
            BaseEncoding::Boolean => 0x02,
            BaseEncoding::Float => 0x04,
            BaseEncoding::Signed => 0x05,
            BaseEncoding::SignedChar => 0x06,
            BaseEncoding::Unsigned => 0x07,
            BaseEncoding::UnsignedChar => 0x08,
            BaseEncoding::Utf => 0x10,
            BaseEncoding::ComplexFloat => 0x03,
        };
        let (n, nl) = ptr(name);
        let size = bits(size)?;
        // SAFETY: live DIBuilder; name as pointer + length.
        let md = unsafe { LLVMDIBuilderCreateBasicType(self.dib, n, nl, size, encoding, 0) };
        self.push_type(t, md)
    }

    pub(super) fn unspecified(&mut self, t: TypeIdx, name: &str) -> Result<()> {
        let (n, nl) = ptr(name);
        // SAFETY: live DIBuilder; name as pointer + length.
        let md = unsafe { LLVMDIBuilderCreateUnspecifiedType(self.dib, n, nl) };
        self.push_type(t, md)
    }

    pub(super) fn pointer(
        &mut self,
        t: TypeIdx,
        pointee: TypeIdx,
        size: u64,
        kind: PointerKind,
        name: Option<&str>,
    ) -> Result<()> {
        let to = self.type_md(pointee)?;
        let size = bits(size)?;
        let md = match kind {
            PointerKind::Pointer => {
                let (n, nl) = ptr(name.unwrap_or(""));
                // SAFETY: live DIBuilder and pointee node (possibly a
                // temporary stub: the pointer's operand is tracked by LLVM
                // and follows RAUW); name as pointer + length.
                unsafe { LLVMDIBuilderCreatePointerType(self.dib, to, size, 0, 0, n, nl) }
            }
            PointerKind::Reference | PointerKind::RvalueReference => {
                let tag = if kind == PointerKind::Reference {
                    0x10
                } else {
                    0x42
                };
                // SAFETY: live DIBuilder and pointee node.
                unsafe { LLVMDIBuilderCreateReferenceType(self.dib, tag, to) }
            }
        };
        self.push_type(t, md)
    }

    pub(super) fn qualified(&mut self, t: TypeIdx, q: Qualifier, target: TypeIdx) -> Result<()> {
        let to = self.type_md(target)?;
        let tag = match q {
            Qualifier::Const => 0x26,
            Qualifier::Volatile => 0x35,
            Qualifier::Restrict => 0x37,
            Qualifier::Atomic => 0x47,
        };
        // SAFETY: live DIBuilder and target node.
        let md = unsafe { LLVMDIBuilderCreateQualifiedType(self.dib, tag, to) };
        let width = self.value_width(target)?;
        self.value_bits.insert(t.index(), width);
        self.push_type(t, md)
    }

    /// The bit width of a value of type `t` (a constant's): through
    /// qualifiers and typedefs, whose nodes LLVM gives size 0.
    pub(super) fn value_width(&self, t: TypeIdx) -> Result<u64> {
        if let Some(&w) = self.value_bits.get(&t.index()) {
            return Ok(w);
        }
        let md = self.type_md(t)?;
        if md.is_null() {
            // void
            return Ok(0);
        }
        // SAFETY: `md` is a live type node of this backend.
        Ok(unsafe { LLVMDITypeGetSizeInBits(md) })
    }

    pub(super) fn array(
        &mut self,
        t: TypeIdx,
        elem: TypeIdx,
        dims: &[Option<u64>],
        size: u64,
        align: u32,
    ) -> Result<()> {
        let elem = self.type_md(elem)?;
        let mut subs = Vec::with_capacity(dims.len());
        for d in dims {
            // LLVM's count -1 is an unknown bound.
            let count = match d {
                None => -1,
                Some(len) => match i64::try_from(*len) {
                    Ok(c) => c,
                    Err(_) => {
                        return err(
                            ErrorKind::InvalidLayout,
                            format!("array length {len} exceeds i64"),
                        )
                    }
                },
            };
            // SAFETY: live DIBuilder.
            subs.push(unsafe { LLVMDIBuilderGetOrCreateSubrange(self.dib, 0, count) });
        }
        let (size, align) = (bits(size)?, align_bits(align)?);
        // SAFETY: live DIBuilder and element node; the subscript array is
        // read during the call only.
        let md = unsafe {
            LLVMDIBuilderCreateArrayType(
                self.dib,
                size,
                align,
                elem,
                subs.as_mut_ptr(),
                subs.len() as u32,
            )
        };
        self.push_type(t, md)
    }

    pub(super) fn subroutine(
        &mut self,
        params: &[TypeIdx],
        ret: Option<TypeIdx>,
        variadic: bool,
        artificial: &[usize],
    ) -> Result<LLVMMetadataRef> {
        let mut elems = Vec::with_capacity(params.len() + 2);
        elems.push(match ret {
            Some(r) => self.type_md(r)?,
            None => std::ptr::null_mut(),
        });
        self.param_elems(&mut elems, params, variadic, artificial)?;
        // SAFETY: live DIBuilder; nodes are live or null (void / varargs).
        Ok(unsafe {
            LLVMDIBuilderCreateSubroutineType(
                self.dib,
                std::ptr::null_mut(),
                elems.as_mut_ptr(),
                elems.len() as u32,
                LLVMDIFlagPrototyped,
            )
        })
    }

    /// Appends the parameter types of a subroutine type to `elems`: those
    /// at the indices `artificial` as artificial clones (LLVM writes
    /// `DW_AT_artificial` for a parameter whose type is flagged so), then a
    /// null element for `...` (`DW_TAG_unspecified_parameters`).
    pub(super) fn param_elems(
        &self,
        elems: &mut Vec<LLVMMetadataRef>,
        params: &[TypeIdx],
        variadic: bool,
        artificial: &[usize],
    ) -> Result<()> {
        for (i, p) in params.iter().enumerate() {
            let md = self.type_md(*p)?;
            if !artificial.contains(&i) {
                elems.push(md);
                continue;
            }
            // SAFETY: `md` is a live type node of this context.
            let kind = unsafe { llvm_sys::debuginfo::LLVMGetMetadataKind(md) };
            if matches!(kind, LLVMMetadataKind::LLVMDICompositeTypeMetadataKind) {
                // LLVM marks a parameter artificial by cloning its type with
                // the flag: a clone of a struct would be a second definition.
                return err(
                    ErrorKind::Unsupported,
                    format!("LLVM backend: artificial parameter {i} has a struct, class, union, enum or array type (type {p}); only base, pointer, reference, qualified and typedef types can be marked artificial"),
                );
            }
            // SAFETY: live DIBuilder and type node.
            elems.push(unsafe { LLVMDIBuilderCreateArtificialType(self.dib, md) });
        }
        if variadic {
            // A trailing null element is DW_TAG_unspecified_parameters.
            elems.push(std::ptr::null_mut());
        }
        Ok(())
    }

    pub(super) fn typedef_node(&mut self, t: TypeIdx, info: &TypedefInfo<'_>) -> Result<()> {
        let target = self.type_md(info.target)?;
        let scope = self.scope_md(info.scope)?;
        let (file, line) = self.decl_md(info.decl)?;
        let (n, nl) = ptr(info.name);
        let flags = super::classes::access_flags(info.access);
        // SAFETY: live DIBuilder and nodes; the shim (createTypedef with
        // flags, for a member typedef's accessibility) refuses null inputs.
        let md = unsafe {
            shim::dwarfsmith_di_typedef(self.dib, target, n, nl, file, line, scope, flags)
        };
        if md.is_null() {
            return Err(missing("typedef target or scope", t));
        }
        let width = self.value_width(info.target)?;
        self.value_bits.insert(t.index(), width);
        self.push_type(t, md)
    }

    pub(super) fn ptr_to_member(
        &mut self,
        t: TypeIdx,
        pointee: TypeIdx,
        class: TypeIdx,
        size: u64,
    ) -> Result<()> {
        let p = self.type_md(pointee)?;
        let c = self.type_md(class)?;
        let size = bits(size)?;
        // SAFETY: live DIBuilder and nodes (the class possibly a temporary
        // stub, tracked through RAUW).
        let md = unsafe { LLVMDIBuilderCreateMemberPointerType(self.dib, p, c, size, 0, 0) };
        self.push_type(t, md)
    }

    pub(super) fn enum_node(&mut self, t: TypeIdx, info: &EnumInfo<'_>) -> Result<()> {
        let underlying = self.type_md(info.underlying)?;
        let scope = self.scope_md(info.scope)?;
        let (file, line) = self.decl_md(info.decl)?;
        if info.declaration {
            let (n, nl) = ptr(info.name);
            let (id, idl) = ptr(info.identifier.unwrap_or(""));
            // SAFETY: live DIBuilder and nodes; strings as pointer + length.
            let md = unsafe {
                LLVMDIBuilderCreateForwardDecl(
                    self.dib, 0x04, n, nl, scope, file, line, 0, 0, 0, id, idl,
                )
            };
            return self.push_type(t, md);
        }
        let width = bits(info.size)?;
        let mut elems: Vec<LLVMMetadataRef> = info
            .enumerators
            .iter()
            .map(|(name, v)| {
                let (n, nl) = ptr(name);
                if let Some(v) = small(*v) {
                    // SAFETY: live DIBuilder; name as pointer + length.
                    return Ok(unsafe {
                        LLVMDIBuilderCreateEnumerator(self.dib, n, nl, v, info.unsigned as i32)
                    });
                }
                // Beyond 64 bits: an APSInt of the underlying type's width.
                let p = match *v {
                    DiscrValue::Unsigned(u) => u,
                    DiscrValue::Signed(s) => s as u128,
                };
                // SAFETY: live DIBuilder; name as pointer + length; the
                // shim refuses (null) a width outside 1..=128.
                let md = unsafe {
                    shim::dwarfsmith_di_enumerator_wide(
                        self.dib,
                        n,
                        nl,
                        p as u64,
                        (p >> 64) as u64,
                        width.min(u64::from(u32::MAX)) as u32,
                        info.unsigned as i32,
                    )
                };
                if md.is_null() {
                    return err(
                        ErrorKind::InvalidLayout,
                        format!("enumerator `{name}`: a {width}-bit underlying type cannot hold its value {v:?} (1 to 128 bits)"),
                    );
                }
                Ok(md)
            })
            .collect::<Result<_>>()?;
        let (n, nl) = ptr(info.name);
        let (id, idl) = ptr(info.identifier.unwrap_or(""));
        let (size, align) = (bits(info.size)?, align_bits(info.align)?);
        // SAFETY: live DIBuilder and nodes; arrays and strings are read
        // during the call only (shim: `DIBuilder::createEnumerationType`).
        let md = unsafe {
            shim::dwarfsmith_di_enumeration(
                self.dib,
                scope,
                n,
                nl,
                file,
                line,
                size,
                align,
                elems.as_mut_ptr(),
                elems.len() as u32,
                underlying,
                id,
                idl,
                info.enum_class as i32,
            )
        };
        let md = super::classes::non_null(md, "an enumeration")?;
        if !matches!(info.scope, ParentScope::Type(_)) {
            // SAFETY: live DIBuilder and node.
            unsafe { shim::dwarfsmith_di_retain_type(self.dib, md) };
        }
        self.push_type(t, md)
    }

    pub(super) fn stub(&mut self, t: TypeIdx, info: &CompositeInfo<'_>) -> Result<()> {
        Self::next("type", t, self.types.len())?;
        let scope = self.scope_md(info.scope)?;
        let (file, line) = self.decl_md(info.decl)?;
        let tag = composite_tag(info.kind);
        let flags = if info.declaration {
            LLVMDIFlagFwdDecl
        } else {
            0
        };
        let (size, align) = (bits(info.size)?, align_bits(info.align)?);
        if let Some(l) = info.linkage_name {
            return err(
                ErrorKind::Unsupported,
                format!(
                    "the LLVM backend cannot write the linkage name `{l}` of a type: LLVM's composite types have none (the gimli backend writes it)"
                ),
            );
        }
        let identifier = info.identifier.unwrap_or("").to_owned();
        let (n, nl) = ptr(info.name);
        let (id, idl) = ptr(&identifier);
        // SAFETY: live DIBuilder and nodes. The temporary is owned by the
        // new `Temp` slot until completion (or drop) RAUWs it.
        let temp = unsafe {
            LLVMDIBuilderCreateReplaceableCompositeType(
                self.dib, tag, n, nl, scope, file, line, 0, size, align, flags, id, idl,
            )
        };
        self.types.push(TypeSlot::Temp(
            temp,
            Box::new(StubInfo {
                kind: info.kind,
                name: info.name.to_owned(),
                scope: info.scope,
                size: info.size,
                align: info.align,
                decl: info.decl,
                identifier,
                declaration: info.declaration,
            }),
        ));
        Ok(())
    }

    /// Replaces every stub still temporary by a forward declaration, so no
    /// temporary node is leaked or left referenced in the module.
    pub(super) fn retire_stubs(&mut self) {
        for slot in &mut self.types {
            if let TypeSlot::Temp(temp, info) = slot {
                let (n, nl) = ptr(&info.name);
                let (id, idl) = ptr(&info.identifier);
                let scope = self.cu;
                let null = std::ptr::null_mut();
                // SAFETY: `temp` is a live temporary owned by this slot; it
                // is RAUW'd (and deleted by LLVM) and the slot overwritten
                // at once with the replacement, a non-temporary forward
                // declaration.
                unsafe {
                    let fwd = shim::dwarfsmith_di_composite(
                        self.dib,
                        composite_tag(info.kind),
                        scope,
                        n,
                        nl,
                        null,
                        0,
                        0,
                        0,
                        LLVMDIFlagFwdDecl,
                        null.cast(),
                        0,
                        null,
                        null.cast(),
                        0,
                        id,
                        idl,
                    );
                    if fwd.is_null() {
                        // Never for a composite tag; leave the temporary
                        // to the slot rather than RAUW with null.
                        continue;
                    }
                    LLVMMetadataReplaceAllUsesWith(*temp, fwd);
                    *slot = TypeSlot::Done(fwd);
                }
            }
        }
    }
}

/// A value that fits LLVM-C's 64-bit constant arguments.
fn small(v: DiscrValue) -> Option<i64> {
    match v {
        DiscrValue::Signed(s) => i64::try_from(s).ok(),
        DiscrValue::Unsigned(u) => u64::try_from(u).ok().map(|x| x as i64),
    }
}
