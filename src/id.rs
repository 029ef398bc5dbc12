//! Unique type identifiers (rustc's scheme) and the string interner.
//!
//! * primitives are identified by name;
//! * nominal types (struct, union, enum, typedef) by the hash of the crate or
//!   module that defines them, the definition's id inside it, and the unique
//!   IDs of their generic arguments;
//! * pointers, arrays, tuples and function types structurally, by the IDs of
//!   their parts;
//! * parts the library synthesises for a nominal type (the tag enum and
//!   payload union of a C++-like tagged union, its per-variant structs) by the
//!   parent's ID and a part number.
//!
//! IDs are interned: a [`UniqueTypeId`] is a `u32`, so hashing and comparing
//! is O(1). The stable string and its 64-bit hash are computed on demand,
//! iteratively (a million-deep pointer chain does not recurse).

#![forbid(unsafe_code)]

use indexmap::IndexSet;
use rustc_hash::{FxBuildHasher, FxHashMap};

/// An interned unique type ID of one `DebugContext`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UniqueTypeId(pub(crate) u32);

/// An interned string (type, member and scope names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Sym(pub(crate) u32);

/// The structure of a unique type ID.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum UidData {
    Primitive(Sym),
    Nominal {
        crate_hash: u64,
        def_id: u64,
        args: Box<[UniqueTypeId]>,
    },
    Pointer(UniqueTypeId),
    Array(UniqueTypeId, u64),
    Function {
        params: Box<[UniqueTypeId]>,
        ret: Option<UniqueTypeId>,
        variadic: bool,
        /// Indices of artificial parameters.
        artificial: Box<[usize]>,
    },
    Tuple(Box<[UniqueTypeId]>),
    /// A named pointer or a reference: pointee, kind (0 pointer, 1
    /// reference, 2 rvalue reference), name.
    PointerKind(UniqueTypeId, u8, Option<Sym>),
    /// A pointer to a member: pointee, class.
    MemberPointer(UniqueTypeId, UniqueTypeId),
    /// A qualified type: target, qualifier (0 const, 1 volatile, 2
    /// restrict, 3 atomic).
    Qualified(UniqueTypeId, u8),
    /// An array of several dimensions or of unknown bound (`None`).
    ArrayDims(UniqueTypeId, Box<[Option<u64>]>),
    /// A named struct with structural identity: name, member types,
    /// member names.
    Structural(Sym, Box<[UniqueTypeId]>, Box<[Sym]>),
    Derived(UniqueTypeId, u32),
    /// Stands for generic arguments nested beyond the limit: the identity of
    /// a cut-off expanding instantiation is `key<...>`.
    Truncated,
}

/// The generic depth of [`UidData::Truncated`]: beyond every limit.
const TRUNCATED_DEPTH: u32 = u32::MAX / 2;

impl UidData {
    /// The IDs this one is built from, in order.
    fn parts(&self) -> impl Iterator<Item = UniqueTypeId> + '_ {
        let (a, b): (&[UniqueTypeId], Option<UniqueTypeId>) = match self {
            UidData::Primitive(_) | UidData::Truncated => (&[], None),
            UidData::Nominal { args, .. } => (args, None),
            UidData::Pointer(p)
            | UidData::Array(p, _)
            | UidData::Derived(p, _)
            | UidData::PointerKind(p, ..)
            | UidData::Qualified(p, _)
            | UidData::ArrayDims(p, _) => (&[], Some(*p)),
            UidData::Function { params, ret, .. } => (params, *ret),
            UidData::Tuple(elems) | UidData::Structural(_, elems, _) => (elems, None),
            UidData::MemberPointer(p, c) => (std::slice::from_ref(p), Some(*c)),
        };
        a.iter().copied().chain(b)
    }
}

/// Interns names.
#[derive(Default)]
pub(crate) struct Interner {
    set: IndexSet<Box<str>, FxBuildHasher>,
}

impl Interner {
    pub(crate) fn intern(&mut self, s: &str) -> Sym {
        if let Some(i) = self.set.get_index_of(s) {
            return Sym(i as u32);
        }
        let (i, _) = self.set.insert_full(s.into());
        Sym(i as u32)
    }

    pub(crate) fn get(&self, s: Sym) -> &str {
        self.set.get_index(s.0 as usize).map_or("", |b| b)
    }
}

/// A step of the iterative stable-string printer.
enum Work {
    Id(UniqueTypeId),
    Text(&'static str),
    Owned(String),
}

/// Interns unique type IDs and remembers each one's generic nesting depth.
#[derive(Default)]
pub(crate) struct UidTable {
    set: IndexSet<UidData, FxBuildHasher>,
    generic_depth: Vec<u32>,
}

impl UidTable {
    /// Interns `data`, whose parts must already be interned.
    pub(crate) fn intern(&mut self, data: UidData) -> UniqueTypeId {
        if let Some(i) = self.set.get_index_of(&data) {
            return UniqueTypeId(i as u32);
        }
        let parts_depth = data
            .parts()
            .map(|p| self.generic_depth(p))
            .max()
            .unwrap_or(0);
        // Every type constructor counts, not only generic nominal types: an
        // expanding type may grow through `S<*T>`, `S<(T, T)>` or `S<fn(T)>`
        // just as well as through `S<Wrap<T>>`.
        let depth = match &data {
            UidData::Primitive(_) => 0,
            UidData::Nominal { args, .. } if args.is_empty() => 0,
            UidData::Truncated => TRUNCATED_DEPTH,
            UidData::Derived(..) => parts_depth,
            _ => parts_depth.saturating_add(1),
        };
        let (i, _) = self.set.insert_full(data);
        self.generic_depth.push(depth);
        UniqueTypeId(i as u32)
    }

    pub(crate) fn get(&self, id: UniqueTypeId) -> Option<&UidData> {
        self.set.get_index(id.0 as usize)
    }

    /// How deeply type constructors nest inside this ID's generic arguments
    /// and structure (`S<S<i32>>` is 2, `S<*i32>` is 2, `*i32` is 1).
    pub(crate) fn generic_depth(&self, id: UniqueTypeId) -> u32 {
        self.generic_depth.get(id.0 as usize).copied().unwrap_or(0)
    }

    /// The stable textual form of `id`, identical across runs, compile units
    /// and machines for the same type.
    ///
    /// A compound part (anything but a primitive or a non-generic nominal
    /// type) that occurs again is written as a back-reference `^N`, N being
    /// the number of compound parts begun before its first occurrence: IDs
    /// are DAGs, and `T1 = (T0, T0)`, `T2 = (T1, T1)`... would otherwise
    /// print in exponential length.
    pub(crate) fn stable_string(&self, id: UniqueTypeId, names: &Interner) -> String {
        let mut out = String::new();
        let mut stack = vec![Work::Id(id)];
        let mut seen: FxHashMap<UniqueTypeId, usize> = FxHashMap::default();
        while let Some(w) = stack.pop() {
            let id = match w {
                Work::Text(t) => {
                    out.push_str(t);
                    continue;
                }
                Work::Owned(t) => {
                    out.push_str(&t);
                    continue;
                }
                Work::Id(id) => id,
            };
            let Some(data) = self.get(id) else {
                out.push('?');
                continue;
            };
            let compound = !matches!(
                data,
                UidData::Primitive(_) | UidData::Truncated | UidData::Nominal { .. }
            ) || matches!(data, UidData::Nominal { args, .. } if !args.is_empty());
            if compound {
                let next = seen.len();
                match seen.entry(id) {
                    std::collections::hash_map::Entry::Occupied(e) => {
                        out.push_str(&format!("^{}", e.get()));
                        continue;
                    }
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(next);
                    }
                }
            }
            // Children are pushed in reverse so they pop in order.
            fn list(
                out: &mut String,
                stack: &mut Vec<Work>,
                open: &'static str,
                items: &[UniqueTypeId],
                close: &'static str,
            ) {
                out.push_str(open);
                stack.push(Work::Text(close));
                for (i, it) in items.iter().enumerate().rev() {
                    stack.push(Work::Id(*it));
                    if i > 0 {
                        stack.push(Work::Text(","));
                    }
                }
            }
            match data {
                UidData::Primitive(s) => out.push_str(names.get(*s)),
                UidData::Truncated => out.push_str("..."),
                UidData::Nominal {
                    crate_hash,
                    def_id,
                    args,
                } => {
                    out.push_str(&format!("{crate_hash:016x}:{def_id:x}"));
                    if !args.is_empty() {
                        list(&mut out, &mut stack, "<", args, ">");
                    }
                }
                UidData::Pointer(p) => {
                    out.push('*');
                    stack.push(Work::Id(*p));
                }
                UidData::Array(e, n) => {
                    out.push('[');
                    stack.push(Work::Text("]"));
                    stack.push(Work::Owned(format!(";{n}")));
                    stack.push(Work::Id(*e));
                }
                UidData::Function {
                    params,
                    ret,
                    variadic,
                    artificial,
                } => {
                    if let Some(r) = ret {
                        stack.push(Work::Id(*r));
                        stack.push(Work::Text("->"));
                    }
                    if !artificial.is_empty() {
                        let list: Vec<String> = artificial.iter().map(|i| i.to_string()).collect();
                        stack.push(Work::Owned(format!("{{artificial {}}}", list.join(","))));
                    }
                    if *variadic {
                        stack.push(Work::Text(",..."));
                    }
                    list(&mut out, &mut stack, "fn(", params, ")");
                }
                UidData::Tuple(elems) => list(&mut out, &mut stack, "(", elems, ")"),
                UidData::PointerKind(p, kind, name) => {
                    out.push_str(["*", "&", "&&"][usize::from(*kind).min(2)]);
                    if let Some(n) = name {
                        out.push_str(&format!("{{{}}}", names.get(*n)));
                    }
                    stack.push(Work::Id(*p));
                }
                UidData::MemberPointer(p, c) => {
                    out.push_str("ptrmem(");
                    stack.push(Work::Text(")"));
                    stack.push(Work::Id(*c));
                    stack.push(Work::Text(","));
                    stack.push(Work::Id(*p));
                }
                UidData::Qualified(t, q) => {
                    out.push_str(
                        ["const ", "volatile ", "restrict ", "_Atomic "][usize::from(*q).min(3)],
                    );
                    stack.push(Work::Id(*t));
                }
                UidData::ArrayDims(e, dims) => {
                    out.push('[');
                    let dims: Vec<String> = dims
                        .iter()
                        .map(|d| d.map_or_else(|| "?".to_owned(), |n| n.to_string()))
                        .collect();
                    stack.push(Work::Owned(format!(";{}]", dims.join("x"))));
                    stack.push(Work::Id(*e));
                }
                UidData::Structural(name, elems, fields) => {
                    out.push_str(&format!("{{{}", names.get(*name)));
                    let fields: Vec<&str> = fields.iter().map(|f| names.get(*f)).collect();
                    stack.push(Work::Owned(format!(":{}}}", fields.join(","))));
                    list(&mut out, &mut stack, "(", elems, ")");
                }
                UidData::Derived(p, part) => {
                    stack.push(Work::Owned(format!("#{part}")));
                    stack.push(Work::Id(*p));
                }
            }
        }
        out
    }
}

/// FNV-1a, 64 bits: a hash fixed by its definition, so a type's signature is
/// the same on every machine and with every Rust version.
pub(crate) fn stable_hash64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}
