//! [`Limits`] on what one compile unit may build, and the [`Diagnostic`]
//! recorded when a limit cuts a type short.

#![forbid(unsafe_code)]

/// Tunable limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Generic arguments nested deeper than this (a type whose members name
    /// ever larger instantiations of itself) are cut off: the type is emitted
    /// as a complete, member-less placeholder named `NAME (truncated)` and a
    /// diagnostic is recorded.
    ///
    /// Values above [`Limits::GENERIC_DEPTH_CEILING`] are treated as the
    /// ceiling: an unbounded limit would let an expanding type run until
    /// memory is exhausted.
    pub max_generic_depth: u32,
    /// How deeply namespaces, and lexical blocks inside a function, may nest
    /// (each counted separately). The DWARF writer recurses once per level of
    /// the DIE tree, so unbounded nesting would overflow the stack at
    /// `finish`; deeper nesting is a [`LimitExceeded`](crate::ErrorKind::LimitExceeded)
    /// error. Default 256.
    pub max_scope_depth: u32,
    /// How many types one `resolve_type` may have in progress at once (the
    /// explicit stack of types waiting for their parts: a pointer to a pointer
    /// to ... nests one level per pointer). A frontend whose descriptions
    /// never end (a handle naming a fresh handle forever) is stopped here with
    /// a [`LimitExceeded`](crate::ErrorKind::LimitExceeded) error. Default
    /// 1,000,000.
    pub max_type_nesting: u32,
}

impl Limits {
    /// The largest effective [`max_generic_depth`](Self::max_generic_depth).
    pub const GENERIC_DEPTH_CEILING: u32 = 4096;

    pub(crate) fn generic_depth(&self) -> u32 {
        self.max_generic_depth.min(Self::GENERIC_DEPTH_CEILING)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_generic_depth: 64,
            max_scope_depth: 256,
            max_type_nesting: 1_000_000,
        }
    }
}

/// A non-fatal finding the frontend may want to show its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// What happened and what was emitted instead.
    pub message: String,
}
