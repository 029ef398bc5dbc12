//! [`Lines`]: the per-function source-location state machine, the location
//! tokens, and the turning of reported code rows into line rows and block
//! ranges.
//!
//! From `enter_function` until `start_emitting_source_locations`, locations
//! are suppressed: the prologue gets none, so the first located row is the
//! end of the prologue. Afterwards `set_source_location` applies to all code
//! emitted until the next `set_source_location` or `clear_source_location`.
//! Variable declarations are unaffected: they carry their own location.

#![forbid(unsafe_code)]

use indexmap::IndexSet;
use rustc_hash::FxBuildHasher;

use crate::backend::{
    Backend, BlockIdx, BlockParent, CodeInfo, FileIdx, FunctionIdx, LineLoc, LineRowInfo,
};
use crate::check::check_line_col;
use crate::error::{err, ErrorKind, Result};
use crate::handles::LocToken;
use crate::scopes::Scopes;

/// A lexical block's index and its code ranges.
type BlockRanges = (BlockIdx, Vec<(u64, u64)>);

/// `define_function_code`'s output buffers, reused between calls: the line
/// rows, and the ranges of the first `used` blocks (the vectors past `used`
/// are kept for their capacity).
#[derive(Default)]
struct LineScratch {
    out: Vec<LineRowInfo>,
    ranges: Vec<BlockRanges>,
    used: usize,
}

/// The interned content of a location token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct LocKey {
    scope: u32,
    file: FileIdx,
    line: u32,
    col: u32,
}

/// The state of the open function.
struct FnState {
    function: FunctionIdx,
    emitting: bool,
    current: Option<LocToken>,
    /// `set_source_location` calls before `start_emitting_source_locations`.
    set_while_suppressed: u32,
}

/// The source-location state of one compile unit: the interned locations
/// behind the tokens, and the open function's state.
pub(crate) struct Lines {
    locs: IndexSet<LocKey, FxBuildHasher>,
    /// Offset of this context's location tokens (see [`token_base`]).
    token_base: u32,
    current_fn: Option<FnState>,
    /// Scratch buffer of `define_function_code`: its rows' resolved locations.
    row_keys: Vec<Option<LocKey>>,
    /// Output buffers of `define_function_code`.
    line_scratch: LineScratch,
}

/// One row of machine code reported by a codegen backend: from `offset`
/// (bytes from the function start) up to the next row, the code has location
/// `loc` (`None`: no source location, e.g. the prologue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeRow {
    /// Byte offset from the function start.
    pub offset: u64,
    /// The token that was current when the code was emitted.
    pub loc: Option<LocToken>,
}

/// Tokens live in `0..TOKEN_SPACE`: `u32::MAX` is never a token (it is
/// Cranelift's "no location").
const TOKEN_SPACE: u64 = u32::MAX as u64;

/// The token base of a compile unit: a hash of its name and directory, so
/// tokens are deterministic for one compile unit but tokens of another
/// compile unit's context are very likely out of this context's range (and
/// refused) instead of silently naming an unrelated location.
fn token_base(name: &[u8], comp_dir: &[u8]) -> u32 {
    let mut bytes = name.to_vec();
    bytes.push(0);
    bytes.extend_from_slice(comp_dir);
    (crate::id::stable_hash64(&bytes) % TOKEN_SPACE) as u32
}

impl Lines {
    /// The state of the compile unit `name` in `comp_dir` (its token base).
    pub(crate) fn new(name: &[u8], comp_dir: &[u8]) -> Self {
        Lines {
            locs: IndexSet::default(),
            token_base: token_base(name, comp_dir),
            current_fn: None,
            row_keys: Vec::new(),
            line_scratch: LineScratch::default(),
        }
    }

    /// The open function.
    pub(crate) fn open_function(&self) -> Option<FunctionIdx> {
        self.current_fn.as_ref().map(|st| st.function)
    }

    /// The token of the `i`th interned location.
    fn token_of(&self, i: usize) -> LocToken {
        LocToken(((u64::from(self.token_base) + i as u64) % TOKEN_SPACE) as u32)
    }

    /// The interned location index of a token, if the token is one of ours.
    fn token_index(&self, t: LocToken) -> Option<usize> {
        if u64::from(t.0) >= TOKEN_SPACE {
            return None;
        }
        let i = (u64::from(t.0) + TOKEN_SPACE - u64::from(self.token_base)) % TOKEN_SPACE;
        (i < self.locs.len() as u64).then_some(i as usize)
    }

    /// Opens function `f` (checked): locations are suppressed until
    /// [`start_emitting`](Self::start_emitting).
    pub(crate) fn enter_function<B: Backend>(
        &mut self,
        backend: &mut B,
        scopes: &Scopes,
        f: FunctionIdx,
    ) -> Result<()> {
        if let Some(st) = &self.current_fn {
            return err(
                ErrorKind::FunctionAlreadyOpen,
                format!(
                    "enter_function(`{}`) while `{}` is open: call exit_function() first",
                    scopes.function_name(f),
                    scopes.function_name(st.function)
                ),
            );
        }
        self.current_fn = Some(FnState {
            function: f,
            emitting: false,
            current: None,
            set_while_suppressed: 0,
        });
        backend.current_location(None)
    }

    /// Closes the open function.
    ///
    /// A function in which locations were set but emission never started
    /// is closed all the same, and reported: none of its code would get a
    /// line row after the prologue.
    pub(crate) fn exit_function<B: Backend>(
        &mut self,
        backend: &mut B,
        scopes: &Scopes,
    ) -> Result<()> {
        let st = self.open_fn("exit_function")?;
        let (f, never_started) = (st.function, !st.emitting && st.set_while_suppressed > 0);
        let sets = st.set_while_suppressed;
        self.current_fn = None;
        backend.current_location(None)?;
        backend.function_end(f)?;
        if never_started {
            return err(
                ErrorKind::InvalidLocation,
                format!(
                    "function `{}` was closed with {sets} source location(s) set but start_emitting_source_locations() never called: its code has no line rows after the prologue (the debugger cannot step through it); call start_emitting_source_locations() where the prologue ends",
                    scopes.function_name(f)
                ),
            );
        }
        Ok(())
    }

    fn open_fn(&mut self, op: &str) -> Result<&mut FnState> {
        match self.current_fn.as_mut() {
            Some(st) => Ok(st),
            None => err(
                ErrorKind::NoFunctionOpen,
                format!("{op} called while no function is open: call enter_function() first"),
            ),
        }
    }

    /// Ends the prologue: from now on, set locations apply.
    pub(crate) fn start_emitting<B: Backend>(
        &mut self,
        backend: &mut B,
        scopes: &Scopes,
    ) -> Result<()> {
        self.open_fn("start_emitting_source_locations")?.emitting = true;
        self.notify(backend, scopes)
    }

    /// Sets the location for code emitted from now on, in scope `scope`
    /// (checked) at `line:col` of `file`; returns its token while emitting.
    pub(crate) fn set_location<B: Backend>(
        &mut self,
        backend: &mut B,
        scopes: &Scopes,
        scope: u32,
        file: FileIdx,
        (line, col): (u32, u32),
    ) -> Result<Option<LocToken>> {
        let open = self.open_fn("set_source_location")?.function;
        check_line_col("set_source_location", line, col)?;
        let function = scopes.scope(scope).function;
        if function != open {
            scopes.check_in_open_function(function, Some(open), &"the location's scope")?;
        }
        let (i, _) = self.locs.insert_full(LocKey {
            scope,
            file,
            line,
            col,
        });
        if i >= TOKEN_SPACE as usize {
            return err(
                ErrorKind::LimitExceeded,
                "more than 4294967294 distinct source locations in one compile unit",
            );
        }
        let tok = self.token_of(i);
        let st = self.open_fn("set_source_location")?;
        st.current = Some(tok);
        let emitting = st.emitting;
        if !emitting {
            st.set_while_suppressed = st.set_while_suppressed.saturating_add(1);
        }
        self.notify(backend, scopes)?;
        Ok(emitting.then_some(tok))
    }

    /// Code emitted from now on has no source location.
    pub(crate) fn clear_location<B: Backend>(
        &mut self,
        backend: &mut B,
        scopes: &Scopes,
    ) -> Result<()> {
        self.open_fn("clear_source_location")?.current = None;
        self.notify(backend, scopes)
    }

    /// The token that applies to code emitted now: `None` outside a function,
    /// in the prologue, or after `clear_source_location`.
    pub(crate) fn current_location(&self) -> Option<LocToken> {
        self.current_fn
            .as_ref()
            .and_then(|st| if st.emitting { st.current } else { None })
    }

    /// What a token stands for.
    fn line_loc(&self, scopes: &Scopes, tok: LocToken) -> Option<LineLoc> {
        let k = self.locs.get_index(self.token_index(tok)?)?;
        Some(LineLoc {
            scope: scopes.block_parent(k.scope),
            file: k.file,
            line: k.line,
            col: k.col,
        })
    }

    /// Tells the backend which location applies now: none in the prologue,
    /// the current token's, or line 0 in the function's scope after
    /// `clear_source_location` (compiler-generated code, like the gimli
    /// backend's line-0 rows).
    fn notify<B: Backend>(&mut self, backend: &mut B, scopes: &Scopes) -> Result<()> {
        if !backend.tracks_current_location() {
            return Ok(());
        }
        let loc = match &self.current_fn {
            Some(st) if st.emitting => match st.current.and_then(|t| self.line_loc(scopes, t)) {
                Some(l) => Some(l),
                None => Some(LineLoc {
                    scope: BlockParent::Function(st.function),
                    file: scopes.function(st.function).file,
                    line: 0,
                    col: 0,
                }),
            },
            _ => None,
        };
        backend.current_location(loc.as_ref())
    }

    /// Turns function `f`'s (checked) reported code into line rows and block
    /// ranges for the backend: a prologue row at the function's line,
    /// `prologue_end` on the first located row, line 0 for cleared
    /// locations, `is_stmt` on the first row of each line.
    pub(crate) fn function_code<B: Backend>(
        &mut self,
        backend: &mut B,
        scopes: &Scopes,
        f: FunctionIdx,
        size: u64,
        rows: &[CodeRow],
    ) -> Result<()> {
        if size == 0 || size > i64::MAX as u64 {
            return err(
                ErrorKind::InvalidCode,
                format!(
                    "`{}` has {size} bytes of code; a function has 1 to 2^63-1 bytes (code offsets are signed relocation addends)",
                    scopes.function_name(f)
                ),
            );
        }
        // The rows' locations, resolved once here and reused by `line_rows`
        // (a buffer kept between calls).
        let mut keys = std::mem::take(&mut self.row_keys);
        keys.clear();
        let checked = self.check_rows(scopes, f, size, rows, &mut keys);
        let mut scratch = std::mem::take(&mut self.line_scratch);
        let result = checked.and_then(|()| {
            line_rows(scopes, f, size, rows, &keys, &mut scratch);
            backend.function_code(
                f,
                &CodeInfo {
                    size,
                    rows: &scratch.out,
                    block_ranges: &scratch.ranges[..scratch.used],
                },
            )
        });
        self.line_scratch = scratch;
        self.row_keys = keys;
        result
    }

    /// Checks `rows` (increasing offsets below `size`, tokens of this
    /// context and of function `f`) and appends each row's location to `keys`.
    fn check_rows(
        &self,
        scopes: &Scopes,
        f: FunctionIdx,
        size: u64,
        rows: &[CodeRow],
        keys: &mut Vec<Option<LocKey>>,
    ) -> Result<()> {
        let mut prev = 0;
        for r in rows {
            if r.offset < prev || r.offset >= size {
                return err(
                    ErrorKind::InvalidCode,
                    format!("code rows of `{}` must have increasing offsets below the size {size}; got {} after {prev}", scopes.function_name(f), r.offset),
                );
            }
            prev = r.offset;
            if let Some(t) = r.loc {
                let Some(k) = self.token_index(t).and_then(|i| self.locs.get_index(i)) else {
                    return err(
                        ErrorKind::ForeignHandle,
                        format!("location token {} was not made by this context (a token of another compile unit's context, or never returned by set_source_location)", t.0),
                    );
                };
                check_token_function(scopes, f, k.scope)?;
                keys.push(Some(*k));
            } else {
                keys.push(None);
            }
        }
        Ok(())
    }
}

fn check_token_function(scopes: &Scopes, f: FunctionIdx, scope: u32) -> Result<()> {
    let owner = scopes.scope(scope).function;
    if owner != f {
        return err(
            ErrorKind::WrongFunction,
            format!(
                "a location token of `{}` was reported in the code of `{}`",
                scopes.function_name(owner),
                scopes.function_name(f)
            ),
        );
    }
    Ok(())
}

/// The line rows and block ranges of function `f`'s code, into
/// `scratch` (kept in `Lines` between calls, like its per-block
/// range vectors).
fn line_rows(
    scopes: &Scopes,
    f: FunctionIdx,
    size: u64,
    rows: &[CodeRow],
    keys: &[Option<LocKey>],
    scratch: &mut LineScratch,
) {
    let func = scopes.function(f);
    let LineScratch { out, ranges, used } = scratch;
    out.clear();
    out.reserve(rows.len() + 1);
    *used = 0;
    let first_located = rows.iter().position(|r| r.loc.is_some());
    if !matches!(
        rows.first(),
        Some(CodeRow {
            offset: 0,
            loc: Some(_)
        })
    ) {
        out.push(LineRowInfo {
            offset: 0,
            file: func.file,
            line: func.line,
            col: 0,
            is_stmt: true,
            prologue_end: false,
        });
    }
    let mut last_loc: Option<Option<LocToken>> = None;
    for (i, r) in rows.iter().enumerate() {
        let in_prologue = first_located.is_none_or(|fl| i < fl);
        if in_prologue || last_loc == Some(r.loc) {
            continue;
        }
        last_loc = Some(r.loc);
        let end = rows[i + 1..]
            .iter()
            .find(|n| n.loc != r.loc)
            .map_or(size, |n| n.offset);
        // A row at the offset of the previous one replaces it (that code
        // is empty); it inherits its prologue_end, and is_stmt is decided
        // against the row before.
        let replaced = out.last().copied().filter(|l| l.offset == r.offset);
        if replaced.is_some() {
            out.pop();
        }
        let prev = out.last().copied();
        let row = match keys[i] {
            Some(k) => {
                let mut s = Some(k.scope);
                while let Some(sc) = s {
                    let e = scopes.scope(sc);
                    if let Some(b) = e.block {
                        // A function has few blocks: a linear scan beats
                        // hashing here.
                        let i = match ranges[..*used].iter().position(|(x, _)| *x == b) {
                            Some(i) => i,
                            None => {
                                if *used == ranges.len() {
                                    ranges.push((b, Vec::new()));
                                } else {
                                    ranges[*used].0 = b;
                                    ranges[*used].1.clear();
                                }
                                *used += 1;
                                *used - 1
                            }
                        };
                        push_range(&mut ranges[i].1, r.offset, end);
                    }
                    s = e.parent;
                }
                let prologue_end =
                    first_located == Some(i) || replaced.is_some_and(|p| p.prologue_end);
                let new_line = prev.is_none_or(|p| p.line != k.line || p.file != k.file);
                LineRowInfo {
                    offset: r.offset,
                    file: k.file,
                    line: k.line,
                    col: k.col,
                    is_stmt: new_line || prologue_end,
                    prologue_end,
                }
            }
            None => LineRowInfo {
                offset: r.offset,
                file: prev.map_or(func.file, |p| p.file),
                line: 0,
                col: 0,
                is_stmt: false,
                prologue_end: false,
            },
        };
        out.push(row);
    }
    ranges[..*used].sort_unstable_by_key(|(b, _)| *b);
}

/// Appends `[start, end)`, merging with the last range when they touch.
/// Rows arrive in address order, so ranges stay sorted.
/// Empty ranges (rows replaced by a later row at the same offset) are
/// dropped.
fn push_range(v: &mut Vec<(u64, u64)>, start: u64, end: u64) {
    if end <= start {
        return;
    }
    if let Some(last) = v.last_mut() {
        if last.1 >= start {
            last.1 = last.1.max(end);
            return;
        }
    }
    v.push((start, end));
}
