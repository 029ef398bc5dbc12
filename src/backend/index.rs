//! Typed indices across the [`Backend`](super::Backend) trait: each names one
//! kind of entity by its dense index (the core announces index 0, 1, 2, ... of
//! each kind in order), so a type index cannot be passed where a file index
//! is meant.

#![forbid(unsafe_code)]

use std::fmt;

macro_rules! index {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            /// The dense index, for indexing a backend's table.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl From<$name> for usize {
            fn from(i: $name) -> usize {
                i.index()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "#{}", self.0)
            }
        }
    };
}

index!(
    /// A type (base, pointer, array, subroutine, typedef, composite, enum).
    TypeIdx
);
index!(
    /// A source file.
    FileIdx
);
index!(
    /// A namespace.
    NamespaceIdx
);
index!(
    /// A function.
    FunctionIdx
);
index!(
    /// A lexical block (numbered across all functions).
    BlockIdx
);
index!(
    /// A parameter or local variable.
    VarIdx
);
index!(
    /// A global variable.
    GlobalIdx
);

/// Where something is declared: a file and a 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeclSite {
    /// The file.
    pub file: FileIdx,
    /// The line.
    pub line: u32,
}
