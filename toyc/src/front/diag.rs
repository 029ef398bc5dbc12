//! Diagnostics: source positions and the error type of the front end.

use std::fmt;

/// A 1-based source position; `col` counts bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in bytes.
    pub col: u32,
}

impl Pos {
    /// Builds a position.
    pub fn new(line: u32, col: u32) -> Pos {
        Pos { line, col }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A user-facing error: printed as `FILE:LINE:COL: error: MESSAGE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as given on the command line.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based byte column.
    pub col: u32,
    /// The message, without the `error: ` prefix.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error: {}",
            self.file, self.line, self.col, self.message
        )
    }
}

impl std::error::Error for Diagnostic {}

/// An error inside the front end, before the file name is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Where the error is reported.
    pub pos: Pos,
    /// What went wrong.
    pub msg: String,
}

impl Error {
    /// Attaches the file name.
    pub fn into_diagnostic(self, file: &str) -> Diagnostic {
        Diagnostic {
            file: file.to_string(),
            line: self.pos.line,
            col: self.pos.col,
            message: self.msg,
        }
    }
}

/// Result type used throughout the front end.
pub type Res<T> = Result<T, Error>;

/// Shorthand for returning an error.
pub fn err<T>(pos: Pos, msg: impl Into<String>) -> Res<T> {
    Err(Error {
        pos,
        msg: msg.into(),
    })
}

/// The nesting limit for blocks, expressions and types.
pub const NEST_LIMIT: u32 = 256;
