//! The type table: interned type kinds, names in Toy syntax, alias
//! resolution, canonical (alias-free) forms and C layout. Everything that
//! walks chains of types is iterative (explicit stacks).

use crate::front::hir::{AliasId, EnumId, StructId};
use std::collections::HashMap;

mod layout;

/// Index into [`TypeTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub u32);

impl TypeId {
    /// The unit type (functions without `->`).
    pub const UNIT: TypeId = TypeId(0);
    /// `bool`
    pub const BOOL: TypeId = TypeId(1);
    /// `i8`
    pub const I8: TypeId = TypeId(2);
    /// `i16`
    pub const I16: TypeId = TypeId(3);
    /// `i32`
    pub const I32: TypeId = TypeId(4);
    /// `i64`
    pub const I64: TypeId = TypeId(5);
    /// `u8`
    pub const U8: TypeId = TypeId(6);
    /// `u16`
    pub const U16: TypeId = TypeId(7);
    /// `u32`
    pub const U32: TypeId = TypeId(8);
    /// `u64`
    pub const U64: TypeId = TypeId(9);
    /// `f32`
    pub const F32: TypeId = TypeId(10);
    /// `f64`
    pub const F64: TypeId = TypeId(11);

    /// The index as usize.
    pub fn idx(self) -> usize {
        self.0 as usize
    }
}

impl Default for TypeId {
    fn default() -> Self {
        TypeId::UNIT
    }
}

/// What a type is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeKind {
    /// No value (return type of functions without `->`); size 0.
    Unit,
    /// `bool`: one byte, 0 or 1.
    Bool,
    /// Two's-complement integer.
    Int {
        /// Signedness.
        signed: bool,
        /// Width: 8, 16, 32 or 64.
        bits: u32,
    },
    /// `f32`
    F32,
    /// `f64`
    F64,
    /// `*T` (8 bytes).
    Ptr(TypeId),
    /// `[T; N]`
    Array(TypeId, u64),
    /// A struct.
    Struct(StructId),
    /// An enum (C-like or tagged union).
    Enum(EnumId),
    /// A type alias (typedef); target via [`TypeTable::alias_target`].
    Alias(AliasId),
    /// `fn(params) -> ret` function pointer (8 bytes); `ret` may be unit.
    Fn(Vec<TypeId>, TypeId),
}

/// Size and alignment in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Layout {
    /// Size in bytes (a multiple of `align`).
    pub size: u64,
    /// Alignment in bytes (a power of two, at least 1).
    pub align: u64,
}

/// Failure of layout computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutError {
    /// A by-value cycle; the types on it, first repeated at the end.
    Cycle(Vec<TypeId>),
    /// The type's size exceeds [`MAX_TYPE_SIZE`].
    TooLarge(TypeId),
}

/// Largest allowed type size (1 TiB).
pub const MAX_TYPE_SIZE: u64 = 1 << 40;

/// All types of a program, interned by structure.
#[derive(Debug, Clone)]
pub struct TypeTable {
    kinds: Vec<TypeKind>,
    layouts: Vec<Option<Layout>>,
    canon: Vec<Option<TypeId>>,
    intern: HashMap<TypeKind, TypeId>,
    alias_targets: Vec<TypeId>,
    struct_names: Vec<String>,
    enum_names: Vec<String>,
    alias_names: Vec<String>,
}

impl Default for TypeTable {
    fn default() -> Self {
        Self::new()
    }
}

impl TypeTable {
    /// A table holding the builtin types at the `TypeId` constants.
    pub fn new() -> TypeTable {
        let mut t = TypeTable {
            kinds: Vec::new(),
            layouts: Vec::new(),
            canon: Vec::new(),
            intern: HashMap::new(),
            alias_targets: Vec::new(),
            struct_names: Vec::new(),
            enum_names: Vec::new(),
            alias_names: Vec::new(),
        };
        t.intern(TypeKind::Unit);
        t.intern(TypeKind::Bool);
        for signed in [true, false] {
            for bits in [8, 16, 32, 64] {
                t.intern(TypeKind::Int { signed, bits });
            }
        }
        t.intern(TypeKind::F32);
        t.intern(TypeKind::F64);
        t
    }

    /// Number of types.
    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    /// Whether the table is empty (never, builtins exist).
    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// All type ids.
    pub fn ids(&self) -> impl Iterator<Item = TypeId> {
        (0..self.kinds.len() as u32).map(TypeId)
    }

    /// The kind of `ty`.
    pub fn kind(&self, ty: TypeId) -> &TypeKind {
        self.kinds.get(ty.idx()).unwrap_or(&TypeKind::Unit)
    }

    /// The layout of `ty` (computed for every type of a finished program).
    pub fn layout(&self, ty: TypeId) -> Layout {
        if let Some(l) = self.layouts.get(ty.idx()).copied().flatten() {
            return l;
        }
        // Scalars have an intrinsic layout even before `ensure_layout` ran
        // for them (a shift amount's `i64` in a constant expression).
        let scalar = |n: u64| Layout { size: n, align: n };
        match self.rkind(ty) {
            TypeKind::Int { bits, .. } => scalar(u64::from(*bits) / 8),
            TypeKind::Bool => scalar(1),
            TypeKind::F32 => scalar(4),
            TypeKind::F64 | TypeKind::Ptr(_) | TypeKind::Fn(..) => scalar(8),
            _ => Layout { size: 0, align: 1 },
        }
    }

    /// Size in bytes.
    pub fn size_of(&self, ty: TypeId) -> u64 {
        self.layout(ty).size
    }

    /// Alignment in bytes.
    pub fn align_of(&self, ty: TypeId) -> u64 {
        self.layout(ty).align
    }

    /// The direct target of alias `a` (may itself be an alias).
    pub fn alias_target(&self, a: AliasId) -> TypeId {
        self.alias_targets
            .get(a.idx())
            .copied()
            .unwrap_or(TypeId::UNIT)
    }

    /// Follows aliases until a non-alias type.
    pub fn resolve_alias(&self, mut ty: TypeId) -> TypeId {
        for _ in 0..=self.alias_targets.len() {
            match self.kind(ty) {
                TypeKind::Alias(a) => ty = self.alias_target(*a),
                _ => return ty,
            }
        }
        ty
    }

    /// The alias-resolved kind of `ty`.
    pub fn rkind(&self, ty: TypeId) -> &TypeKind {
        self.kind(self.resolve_alias(ty))
    }

    /// Interns a structural kind.
    pub fn intern(&mut self, kind: TypeKind) -> TypeId {
        if let Some(&id) = self.intern.get(&kind) {
            return id;
        }
        let id = TypeId(self.kinds.len() as u32);
        self.kinds.push(kind.clone());
        self.layouts.push(None);
        self.canon.push(None);
        self.intern.insert(kind, id);
        id
    }

    /// `*pointee`
    pub fn ptr(&mut self, pointee: TypeId) -> TypeId {
        self.intern(TypeKind::Ptr(pointee))
    }

    pub(crate) fn add_struct(&mut self, sid: StructId, name: String) -> TypeId {
        self.struct_names.push(name);
        self.intern(TypeKind::Struct(sid))
    }
    pub(crate) fn add_enum(&mut self, eid: EnumId, name: String) -> TypeId {
        self.enum_names.push(name);
        self.intern(TypeKind::Enum(eid))
    }
    pub(crate) fn add_alias(&mut self, aid: AliasId, name: String) -> TypeId {
        self.alias_names.push(name);
        self.alias_targets.push(TypeId::UNIT);
        self.intern(TypeKind::Alias(aid))
    }
    pub(crate) fn set_alias_target(&mut self, aid: AliasId, target: TypeId) {
        if let Some(t) = self.alias_targets.get_mut(aid.idx()) {
            *t = target;
        }
    }

    /// The type in Toy syntax (`*geometry::Point`, `[i64; 3]`, `fn(f64) -> f64`).
    pub fn name(&self, ty: TypeId) -> String {
        let mut s = String::new();
        self.write_name(ty, &mut s, 0);
        s
    }

    fn write_name(&self, ty: TypeId, s: &mut String, depth: u32) {
        if depth > 64 {
            s.push_str("...");
            return;
        }
        let get = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        match self.kind(ty) {
            TypeKind::Unit => s.push_str("()"),
            TypeKind::Bool => s.push_str("bool"),
            TypeKind::Int { signed, bits } => {
                s.push(if *signed { 'i' } else { 'u' });
                s.push_str(&bits.to_string());
            }
            TypeKind::F32 => s.push_str("f32"),
            TypeKind::F64 => s.push_str("f64"),
            TypeKind::Ptr(t) => {
                s.push('*');
                self.write_name(*t, s, depth + 1);
            }
            TypeKind::Array(t, n) => {
                s.push('[');
                self.write_name(*t, s, depth + 1);
                s.push_str(&format!("; {n}]"));
            }
            TypeKind::Struct(id) => s.push_str(&get(&self.struct_names, id.idx())),
            TypeKind::Enum(id) => s.push_str(&get(&self.enum_names, id.idx())),
            TypeKind::Alias(id) => s.push_str(&get(&self.alias_names, id.idx())),
            TypeKind::Fn(ps, r) => {
                s.push_str("fn(");
                for (i, p) in ps.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    self.write_name(*p, s, depth + 1);
                }
                s.push(')');
                if *r != TypeId::UNIT {
                    s.push_str(" -> ");
                    self.write_name(*r, s, depth + 1);
                }
            }
        }
    }

    /// The alias-free form of `ty` (aliases removed at every level).
    /// Requires the alias graph to be acyclic.
    pub fn canon(&mut self, ty: TypeId) -> TypeId {
        let mut stack = vec![ty];
        let limit = self.kinds.len() * 4 + 16;
        let mut steps = 0usize;
        while let Some(&t) = stack.last() {
            steps += 1;
            if steps > limit.saturating_mul(4) || stack.len() > limit {
                return ty;
            }
            if self.canon.get(t.idx()).copied().flatten().is_some() {
                stack.pop();
                continue;
            }
            let c = |s: &Self, x: TypeId| s.canon.get(x.idx()).copied().flatten();
            let kind = self.kind(t).clone();
            let result = match &kind {
                TypeKind::Alias(a) => {
                    let target = self.alias_target(*a);
                    match c(self, target) {
                        Some(ct) => ct,
                        None => {
                            stack.push(target);
                            continue;
                        }
                    }
                }
                TypeKind::Ptr(e) => match c(self, *e) {
                    Some(ce) => self.intern(TypeKind::Ptr(ce)),
                    None => {
                        stack.push(*e);
                        continue;
                    }
                },
                TypeKind::Array(e, n) => match c(self, *e) {
                    Some(ce) => self.intern(TypeKind::Array(ce, *n)),
                    None => {
                        stack.push(*e);
                        continue;
                    }
                },
                TypeKind::Fn(ps, r) => {
                    let missing = ps
                        .iter()
                        .chain(std::iter::once(r))
                        .find(|x| c(self, **x).is_none());
                    if let Some(m) = missing {
                        stack.push(*m);
                        continue;
                    }
                    let cps = ps.iter().map(|p| c(self, *p).unwrap_or(*p)).collect();
                    let cr = c(self, *r).unwrap_or(*r);
                    self.intern(TypeKind::Fn(cps, cr))
                }
                _ => t,
            };
            if let Some(slot) = self.canon.get_mut(t.idx()) {
                *slot = Some(result);
            }
            if let Some(slot) = self.canon.get_mut(result.idx()) {
                *slot = Some(result);
            }
            stack.pop();
        }
        self.canon.get(ty.idx()).copied().flatten().unwrap_or(ty)
    }

    /// Whether two types are the same once aliases are removed.
    pub fn same(&mut self, a: TypeId, b: TypeId) -> bool {
        a == b || self.canon(a) == self.canon(b)
    }

    /// Whether the alias-resolved type is an integer.
    pub fn is_int(&self, ty: TypeId) -> bool {
        matches!(self.rkind(ty), TypeKind::Int { .. })
    }
    /// Whether the alias-resolved type is `f32` or `f64`.
    pub fn is_float(&self, ty: TypeId) -> bool {
        matches!(self.rkind(ty), TypeKind::F32 | TypeKind::F64)
    }
    /// Whether the alias-resolved type is a pointer.
    pub fn is_ptr(&self, ty: TypeId) -> bool {
        matches!(self.rkind(ty), TypeKind::Ptr(_))
    }
    /// `(signed, bits)` of an integer type.
    pub fn int_info(&self, ty: TypeId) -> Option<(bool, u32)> {
        match self.rkind(ty) {
            TypeKind::Int { signed, bits } => Some((*signed, *bits)),
            _ => None,
        }
    }
}
