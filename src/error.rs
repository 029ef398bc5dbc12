//! The one error type of the library: a kind to match on and a message that
//! says what to fix.

#![forbid(unsafe_code)]

use std::fmt;

/// What went wrong, for callers that want to react to a specific failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A struct/union/enum stub was never completed before finalize.
    IncompleteStub,
    /// Two descriptions of one unique type ID disagree.
    ConflictingDescription,
    /// The frontend's `TypeSource::describe` reported an error.
    DescribeFailed,
    /// A type refers to itself only through pointers/arrays/functions, or a
    /// nominal type's identity (generic arguments) contains itself.
    CyclicType,
    /// A handle created by another `DebugContext` (or a stale one) was passed.
    ForeignHandle,
    /// A source-location operation was called while no function is open.
    NoFunctionOpen,
    /// `enter_function` was called while another function is open.
    FunctionAlreadyOpen,
    /// A scope or variable of one function was used inside another function.
    WrongFunction,
    /// A line/column/offset outside the accepted range.
    InvalidLocation,
    /// An empty name, a name with a NUL byte, or an unusable path.
    InvalidName,
    /// A size, alignment, offset or count that cannot be encoded or is inconsistent.
    InvalidLayout,
    /// Code rows for a function were malformed or given twice.
    InvalidCode,
    /// The operation is not supported by the backend in use.
    Unsupported,
    /// The context was already finalized.
    Finalized,
    /// The backend failed to write its output (gimli/object/LLVM error).
    Backend,
    /// A [`Limits`](crate::Limits) bound was exceeded (nesting too deep for
    /// the writer's recursion, an endless chain of type descriptions).
    LimitExceeded,
}

/// An error of the library. `Display` gives a message meant for the compiler
/// author: what was wrong and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// Creates an error of `kind` with a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// The kind of this error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, without the kind.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Shorthand for building an `Err`.
pub(crate) fn err<T>(kind: ErrorKind, message: impl Into<String>) -> Result<T> {
    Err(Error::new(kind, message))
}
