//! The gimli backend's type DIEs: base, pointer, array, subroutine, typedef,
//! struct/union stubs and their completion (members, variant parts) and
//! enumerations. A stub is a DIE whose `UnitEntryId` exists from the start;
//! completion adds its children.

#![forbid(unsafe_code)]

use gimli::write::{AttributeValue, UnitEntryId};
use gimli::{constants, DwTag};

use super::{get, GimliBackend};
use crate::backend::{
    CompositeInfo, CompositeKind, DiscrValue, EnumInfo, ParentScope, TypeIdx, TypedefInfo,
};
use crate::desc::{BaseEncoding, PointerKind, Qualifier};
use crate::error::{err, ErrorKind, Result};

impl GimliBackend {
    pub(super) fn add_base_type(
        &mut self,
        t: TypeIdx,
        name: &str,
        size: u64,
        enc: BaseEncoding,
    ) -> Result<()> {
        let root = self.dwarf.unit.root();
        let die = self.new_type(t, root, constants::DW_TAG_base_type)?;
        self.set_name(die, name);
        self.set(
            die,
            constants::DW_AT_encoding,
            AttributeValue::Encoding(encoding(enc)),
        );
        self.set(die, constants::DW_AT_byte_size, AttributeValue::Udata(size));
        Ok(())
    }

    /// `void` has no DIE: its slot holds the unit's root, and
    /// [`set_type`](Self::set_type) leaves `DW_AT_type` out for it.
    pub(super) fn add_void_type(&mut self, t: TypeIdx) -> Result<()> {
        if t.index() != self.types.len() {
            return err(
                ErrorKind::InvalidCode,
                format!("gimli backend: type {t} announced out of order"),
            );
        }
        self.types.push(self.dwarf.unit.root());
        self.void = Some(t);
        Ok(())
    }

    pub(super) fn add_unspecified_type(&mut self, t: TypeIdx, name: &str) -> Result<()> {
        let root = self.dwarf.unit.root();
        let die = self.new_type(t, root, constants::DW_TAG_unspecified_type)?;
        self.set_name(die, name);
        Ok(())
    }

    /// `DW_AT_type` naming `t`, left out for `void` (`void *`, `const
    /// void`, `typedef void T`).
    pub(super) fn set_type(&mut self, die: UnitEntryId, t: TypeIdx) -> Result<()> {
        if self.void != Some(t) {
            let r = self.type_ref(t)?;
            self.set(die, constants::DW_AT_type, r);
        }
        Ok(())
    }

    pub(super) fn add_pointer_type(
        &mut self,
        t: TypeIdx,
        pointee: TypeIdx,
        size: u64,
        kind: PointerKind,
        name: Option<&str>,
    ) -> Result<()> {
        let root = self.dwarf.unit.root();
        let tag = match kind {
            PointerKind::Pointer => constants::DW_TAG_pointer_type,
            PointerKind::Reference => constants::DW_TAG_reference_type,
            PointerKind::RvalueReference => constants::DW_TAG_rvalue_reference_type,
        };
        let die = self.new_type(t, root, tag)?;
        if let Some(n) = name {
            self.set_name(die, n);
        }
        self.set_type(die, pointee)?;
        self.set(die, constants::DW_AT_byte_size, AttributeValue::Udata(size));
        Ok(())
    }

    pub(super) fn add_ptr_to_member_type(
        &mut self,
        t: TypeIdx,
        pointee: TypeIdx,
        class: TypeIdx,
    ) -> Result<()> {
        let root = self.dwarf.unit.root();
        let die = self.new_type(t, root, constants::DW_TAG_ptr_to_member_type)?;
        let p = self.type_ref(pointee)?;
        self.set(die, constants::DW_AT_type, p);
        let c = self.type_ref(class)?;
        self.set(die, constants::DW_AT_containing_type, c);
        Ok(())
    }

    pub(super) fn add_qualified_type(
        &mut self,
        t: TypeIdx,
        q: Qualifier,
        target: TypeIdx,
    ) -> Result<()> {
        let root = self.dwarf.unit.root();
        let tag = match q {
            Qualifier::Const => constants::DW_TAG_const_type,
            Qualifier::Volatile => constants::DW_TAG_volatile_type,
            Qualifier::Restrict => constants::DW_TAG_restrict_type,
            Qualifier::Atomic => constants::DW_TAG_atomic_type,
        };
        let die = self.new_type(t, root, tag)?;
        self.set_type(die, target)?;
        Ok(())
    }

    pub(super) fn add_array_type(
        &mut self,
        t: TypeIdx,
        elem: TypeIdx,
        dims: &[Option<u64>],
        _size: u64,
        _align: u32,
    ) -> Result<()> {
        let root = self.dwarf.unit.root();
        let idx = self.array_index_type();
        let die = self.new_type(t, root, constants::DW_TAG_array_type)?;
        let e = self.type_ref(elem)?;
        self.set(die, constants::DW_AT_type, e);
        for d in dims {
            let sub = self.add(die, constants::DW_TAG_subrange_type);
            self.set(sub, constants::DW_AT_type, AttributeValue::UnitRef(idx));
            if let Some(len) = d {
                self.set(sub, constants::DW_AT_count, AttributeValue::Udata(*len));
            }
        }
        Ok(())
    }

    pub(super) fn add_subroutine_type(
        &mut self,
        t: TypeIdx,
        params: &[TypeIdx],
        ret: Option<TypeIdx>,
        variadic: bool,
        artificial: &[usize],
    ) -> Result<()> {
        let root = self.dwarf.unit.root();
        let die = self.new_type(t, root, constants::DW_TAG_subroutine_type)?;
        self.set(die, constants::DW_AT_prototyped, AttributeValue::Flag(true));
        if let Some(r) = ret {
            let r = self.type_ref(r)?;
            self.set(die, constants::DW_AT_type, r);
        }
        self.add_params(die, params, variadic, artificial)
    }

    /// The `DW_TAG_formal_parameter` children of a subroutine type or a
    /// method declaration (`DW_AT_artificial` on the indices `artificial`),
    /// then `DW_TAG_unspecified_parameters` if `variadic`.
    pub(super) fn add_params(
        &mut self,
        die: UnitEntryId,
        params: &[TypeIdx],
        variadic: bool,
        artificial: &[usize],
    ) -> Result<()> {
        for (i, p) in params.iter().enumerate() {
            let pd = self.add(die, constants::DW_TAG_formal_parameter);
            let ty = self.type_ref(*p)?;
            self.set(pd, constants::DW_AT_type, ty);
            if artificial.contains(&i) {
                self.set(pd, constants::DW_AT_artificial, AttributeValue::Flag(true));
            }
        }
        if variadic {
            self.add(die, constants::DW_TAG_unspecified_parameters);
        }
        Ok(())
    }

    /// A typedef. One nested in a composite whose completion is still to
    /// come gets its DIE id now (others may refer to it) but is written
    /// into the composite at its completion, in the composite's declared
    /// order of nested types: gdb lists member typedefs in DIE order, and
    /// a nested typedef is often resolved (through another type's member)
    /// before its siblings.
    pub(super) fn add_typedef(&mut self, t: TypeIdx, info: &TypedefInfo<'_>) -> Result<()> {
        let parent = match info.scope {
            ParentScope::Type(p) if self.incomplete.contains(&p) => Some(p),
            _ => None,
        };
        let Some(p) = parent else {
            let p = self.parent_die(info.scope)?;
            let die = self.new_type(t, p, constants::DW_TAG_typedef)?;
            self.set_name(die, info.name);
            self.set_type(die, info.target)?;
            self.access(die, info.access);
            return self.set_decl(die, info.decl);
        };
        if t.index() != self.types.len() {
            return err(
                ErrorKind::InvalidCode,
                format!("gimli backend: type {t} announced out of order"),
            );
        }
        let target = if self.void == Some(info.target) {
            None
        } else {
            Some(self.type_ref(info.target)?)
        };
        if let Some(d) = info.decl {
            self.files
                .get(d.file.index())
                .ok_or_else(|| super::missing("file", d.file))?;
        }
        let id = self.dwarf.unit.reserve();
        self.types.push(id);
        self.deferred.entry(p).or_default().push(DeferredTypedef {
            t,
            id,
            name: self.dwarf.strings.add(info.name),
            target,
            access: info.access,
            decl: info.decl,
        });
        Ok(())
    }

    /// Writes the typedefs deferred for composite `t` into its DIE: those
    /// in `nested` in that order, then the others as they came.
    pub(super) fn place_deferred_typedefs(
        &mut self,
        t: TypeIdx,
        die: UnitEntryId,
        nested: &[TypeIdx],
    ) -> Result<()> {
        let Some(mut list) = self.deferred.remove(&t) else {
            return Ok(());
        };
        // A stable sort: listed ones by their position, the rest after.
        list.sort_by_key(|d| nested.iter().position(|n| *n == d.t).unwrap_or(usize::MAX));
        for d in list {
            self.dwarf
                .unit
                .add_reserved(d.id, die, constants::DW_TAG_typedef);
            self.set(
                d.id,
                constants::DW_AT_name,
                AttributeValue::StringRef(d.name),
            );
            if let Some(r) = d.target {
                self.set(d.id, constants::DW_AT_type, r);
            }
            self.access(d.id, d.access);
            self.set_decl(d.id, d.decl)?;
        }
        Ok(())
    }

    pub(super) fn add_composite_stub(
        &mut self,
        t: TypeIdx,
        info: &CompositeInfo<'_>,
    ) -> Result<()> {
        let p = self.parent_die(info.scope)?;
        let tag = match info.kind {
            CompositeKind::Struct => constants::DW_TAG_structure_type,
            CompositeKind::Class => constants::DW_TAG_class_type,
            CompositeKind::Union => constants::DW_TAG_union_type,
        };
        let die = self.new_type(t, p, tag)?;
        self.incomplete.insert(t);
        if !info.name.is_empty() {
            self.set_name(die, info.name);
        }
        if let Some(l) = info.linkage_name {
            let s = self.dwarf.strings.add(l);
            self.set(
                die,
                constants::DW_AT_linkage_name,
                AttributeValue::StringRef(s),
            );
        }
        if info.declaration {
            self.set(
                die,
                constants::DW_AT_declaration,
                AttributeValue::Flag(true),
            );
        } else {
            self.set(
                die,
                constants::DW_AT_byte_size,
                AttributeValue::Udata(info.size),
            );
            self.set_alignment(die, info.align);
        }
        self.set_decl(die, info.decl)
    }

    /// `DW_AT_alignment` (a DWARF 5 attribute): written when known.
    fn set_alignment(&mut self, die: UnitEntryId, align: u32) {
        if self.encoding.version >= 5 && align != 0 {
            self.set(
                die,
                constants::DW_AT_alignment,
                AttributeValue::Udata(align.into()),
            );
        }
    }

    pub(super) fn add_enumeration(&mut self, t: TypeIdx, info: &EnumInfo<'_>) -> Result<()> {
        let p = self.parent_die(info.scope)?;
        let die = self.new_type(t, p, constants::DW_TAG_enumeration_type)?;
        if !info.name.is_empty() {
            self.set_name(die, info.name);
        }
        let u = self.type_ref(info.underlying)?;
        self.set(die, constants::DW_AT_type, u);
        if info.enum_class {
            self.set(die, constants::DW_AT_enum_class, AttributeValue::Flag(true));
        }
        if info.declaration {
            self.set(
                die,
                constants::DW_AT_declaration,
                AttributeValue::Flag(true),
            );
            return self.set_decl(die, info.decl);
        }
        self.set(
            die,
            constants::DW_AT_byte_size,
            AttributeValue::Udata(info.size),
        );
        self.set_decl(die, info.decl)?;
        for (name, value) in info.enumerators {
            let ed = self.add(die, constants::DW_TAG_enumerator);
            self.set_name(ed, name);
            let v = self.constant(*value);
            self.set(ed, constants::DW_AT_const_value, v);
        }
        Ok(())
    }

    /// A constant attribute value: `udata`/`sdata` when it fits 64 bits,
    /// otherwise a 16-byte little-endian block, as LLVM writes it (lldb 19
    /// does not read `DW_FORM_data16`).
    pub(super) fn constant(&self, v: DiscrValue) -> AttributeValue {
        match v {
            DiscrValue::Unsigned(u) => match u64::try_from(u) {
                Ok(x) => AttributeValue::Udata(x),
                Err(_) => self.wide(u),
            },
            DiscrValue::Signed(s) => match i64::try_from(s) {
                Ok(x) => AttributeValue::Sdata(x),
                Err(_) => self.wide(s as u128),
            },
        }
    }

    fn wide(&self, bits: u128) -> AttributeValue {
        AttributeValue::Block(bits.to_le_bytes().to_vec())
    }

    pub(super) fn new_type(
        &mut self,
        t: TypeIdx,
        parent: UnitEntryId,
        tag: DwTag,
    ) -> Result<UnitEntryId> {
        if t.index() != self.types.len() {
            return err(
                ErrorKind::InvalidCode,
                format!("gimli backend: type {t} announced out of order"),
            );
        }
        let die = self.add(parent, tag);
        self.types.push(die);
        Ok(die)
    }

    pub(super) fn type_ref(&self, t: TypeIdx) -> Result<AttributeValue> {
        if self.void == Some(t) {
            return err(
                ErrorKind::InvalidCode,
                format!("gimli backend: type {t} is void, which has no DIE"),
            );
        }
        Ok(AttributeValue::UnitRef(get(&self.types, "type", t)?))
    }

    /// The index type of array subranges (clang's `__ARRAY_SIZE_TYPE__`).
    fn array_index_type(&mut self) -> UnitEntryId {
        if let Some(t) = self.array_index_type {
            return t;
        }
        let root = self.dwarf.unit.root();
        let die = self.add(root, constants::DW_TAG_base_type);
        self.set_name(die, "__ARRAY_SIZE_TYPE__");
        self.set(
            die,
            constants::DW_AT_encoding,
            AttributeValue::Encoding(constants::DW_ATE_unsigned),
        );
        self.set(die, constants::DW_AT_byte_size, AttributeValue::Udata(8));
        self.array_index_type = Some(die);
        die
    }
}

/// A typedef nested in a composite not yet complete (see
/// [`GimliBackend::add_typedef`]): its reserved DIE id and attributes.
pub(super) struct DeferredTypedef {
    t: TypeIdx,
    id: UnitEntryId,
    name: gimli::write::StringId,
    target: Option<AttributeValue>,
    access: crate::desc::Access,
    decl: Option<crate::backend::DeclSite>,
}

fn encoding(e: BaseEncoding) -> constants::DwAte {
    match e {
        BaseEncoding::Signed => constants::DW_ATE_signed,
        BaseEncoding::Unsigned => constants::DW_ATE_unsigned,
        BaseEncoding::Float => constants::DW_ATE_float,
        BaseEncoding::Boolean => constants::DW_ATE_boolean,
        BaseEncoding::SignedChar => constants::DW_ATE_signed_char,
        BaseEncoding::UnsignedChar => constants::DW_ATE_unsigned_char,
        BaseEncoding::Utf => constants::DW_ATE_UTF,
        BaseEncoding::ComplexFloat => constants::DW_ATE_complex_float,
    }
}
