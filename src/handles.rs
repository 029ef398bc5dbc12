//! Opaque handles handed to the frontend. Each records the `DebugContext` that
//! made it, so a handle from another context is refused with an error instead
//! of silently naming an unrelated entity.

#![forbid(unsafe_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use crate::error::{err, ErrorKind, Result};

static NEXT_CONTEXT: AtomicU32 = AtomicU32::new(1);

/// A fresh, process-unique context id.
pub(crate) fn next_context_id() -> u32 {
    NEXT_CONTEXT.fetch_add(1, Ordering::Relaxed)
}

macro_rules! handle {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name {
            pub(crate) ctx: u32,
            pub(crate) idx: u32,
        }

        impl $name {
            pub(crate) fn new(ctx: u32, idx: usize) -> Self {
                $name { ctx, idx: idx as u32 }
            }

            /// Checks that the handle belongs to context `ctx` and indexes a
            /// table of `len` entries; returns the index.
            #[allow(dead_code)]
            pub(crate) fn check(self, ctx: u32, len: usize) -> Result<usize> {
                if self.ctx != ctx {
                    return err(
                        ErrorKind::ForeignHandle,
                        format!(
                            concat!("this ", $what, " handle was created by another DebugContext (#{}), not this one (#{}): use handles only with the context that created them"),
                            self.ctx, ctx
                        ),
                    );
                }
                let i = self.idx as usize;
                if i >= len {
                    return err(ErrorKind::ForeignHandle, format!(concat!($what, " handle #{} does not exist in this context"), i));
                }
                Ok(i)
            }

            /// The dense index of this handle inside its context (useful as a
            /// key in the frontend's own tables).
            pub fn index(self) -> u32 {
                self.idx
            }
        }
    };
}

handle!(
    /// A source file registered with [`DebugContext::file`](crate::DebugContext::file).
    FileId, "file"
);
handle!(
    /// A namespace (a `mod`, a C++ namespace).
    NamespaceId, "namespace"
);
handle!(
    /// A function with debug info.
    FunctionId, "function"
);
handle!(
    /// A lexical scope: a function body or a nested block.
    ScopeId, "scope"
);
handle!(
    /// A parameter or local variable.
    VarId, "variable"
);
handle!(
    /// A global variable.
    GlobalId, "global"
);
handle!(
    /// Resolved debug-info type metadata (one per unique type ID).
    TypeRef, "type"
);

/// A compact source-location token: names an entry of the context's interned
/// table of (scope, file, line, column), offset by a per-compile-unit base so
/// that a token of another compile unit's context is refused rather than
/// misread (never `u32::MAX`). Codegen backends attach it to
/// instructions (Cranelift's `SourceLoc` holds exactly a `u32`) and report it
/// back with the code ranges after codegen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocToken(pub u32);
