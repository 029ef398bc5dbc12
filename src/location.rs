//! The per-function source-location state machine and the location tokens.
//!
//! From `enter_function` until `start_emitting_source_locations`, locations
//! are suppressed: the prologue gets none, so the first located row is the
//! end of the prologue. Afterwards `set_source_location` applies to all code
//! emitted until the next `set_source_location` or `clear_source_location`.
//! Variable declarations are unaffected: they carry their own location.

#![forbid(unsafe_code)]

use crate::backend::{
    Backend, BlockIdx, BlockParent, CodeInfo, FileIdx, FunctionIdx, LineLoc, LineRowInfo, VarIdx,
    VarLocation,
};
use crate::context::DebugContext;
use crate::error::{err, ErrorKind, Result};
use crate::handles::{FileId, FunctionId, LocToken, ScopeId, VarId};
use crate::scope::check_line_col;

/// A lexical block's index and its code ranges.
type BlockRanges = (BlockIdx, Vec<(u64, u64)>);

/// `define_function_code`'s output buffers, reused between calls: the line
/// rows, and the ranges of the first `used` blocks (the vectors past `used`
/// are kept for their capacity).
#[derive(Default)]
pub(crate) struct LineScratch {
    out: Vec<LineRowInfo>,
    ranges: Vec<BlockRanges>,
    used: usize,
}

/// The interned content of a location token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct LocKey {
    pub(crate) scope: u32,
    pub(crate) file: FileIdx,
    pub(crate) line: u32,
    pub(crate) col: u32,
}

/// The state of the open function.
pub(crate) struct FnState {
    pub(crate) function: FunctionIdx,
    pub(crate) emitting: bool,
    pub(crate) current: Option<LocToken>,
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
pub(crate) fn token_base(name: &[u8], comp_dir: &[u8]) -> u32 {
    let mut bytes = name.to_vec();
    bytes.push(0);
    bytes.extend_from_slice(comp_dir);
    (crate::id::stable_hash64(&bytes) % TOKEN_SPACE) as u32
}

impl<B: Backend> DebugContext<B> {
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

    /// Opens `function`: locations are suppressed until
    /// [`start_emitting_source_locations`](Self::start_emitting_source_locations).
    pub fn enter_function(&mut self, function: FunctionId) -> Result<()> {
        self.live()?;
        let f = FunctionIdx(function.check(self.id, self.functions.len())? as u32);
        if let Some(st) = &self.current_fn {
            return err(
                ErrorKind::FunctionAlreadyOpen,
                format!(
                    "enter_function(`{}`) while `{}` is open: call exit_function() first",
                    self.function_name(f),
                    self.function_name(st.function)
                ),
            );
        }
        self.current_fn = Some(FnState {
            function: f,
            emitting: false,
            current: None,
        });
        self.backend.current_location(None)
    }

    /// Closes the open function.
    pub fn exit_function(&mut self) -> Result<()> {
        let f = self.open_fn("exit_function")?.function;
        self.current_fn = None;
        self.backend.current_location(None)?;
        self.backend.function_end(f)
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
    pub fn start_emitting_source_locations(&mut self) -> Result<()> {
        self.open_fn("start_emitting_source_locations")?.emitting = true;
        self.notify()
    }

    /// Sets the location for code emitted from now on, in `scope` (a scope of
    /// the open function) at `line:col` of the scope's file. Returns the
    /// token to attach to instructions, or `None` while still in the prologue.
    pub fn set_source_location(
        &mut self,
        scope: ScopeId,
        line: u32,
        col: u32,
    ) -> Result<Option<LocToken>> {
        let s = scope.check(self.id, self.scopes.len())?;
        let file = self.scopes[s].file;
        self.set_location_impl(s as u32, file, line, col)
    }

    /// Like [`set_source_location`](Self::set_source_location) for code that
    /// comes from another file than its scope's (macros, includes).
    pub fn set_source_location_in(
        &mut self,
        scope: ScopeId,
        file: FileId,
        line: u32,
        col: u32,
    ) -> Result<Option<LocToken>> {
        let s = scope.check(self.id, self.scopes.len())?;
        let file = self.check_file(file)?;
        self.set_location_impl(s as u32, file, line, col)
    }

    fn set_location_impl(
        &mut self,
        scope: u32,
        file: FileIdx,
        line: u32,
        col: u32,
    ) -> Result<Option<LocToken>> {
        let open = self.open_fn("set_source_location")?.function;
        check_line_col("set_source_location", line, col)?;
        let function = self.scopes[scope as usize].function;
        if function != open {
            self.check_in_open_function(function, &"the location's scope")?;
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
        self.notify()?;
        Ok(emitting.then_some(tok))
    }

    /// Code emitted from now on has no source location.
    pub fn clear_source_location(&mut self) -> Result<()> {
        self.open_fn("clear_source_location")?.current = None;
        self.notify()
    }

    /// The token that applies to code emitted now: `None` outside a function,
    /// in the prologue, or after `clear_source_location`.
    pub fn current_location(&self) -> Option<LocToken> {
        self.current_fn
            .as_ref()
            .and_then(|st| if st.emitting { st.current } else { None })
    }

    /// What a token stands for.
    fn line_loc(&self, tok: LocToken) -> Option<LineLoc> {
        let k = self.locs.get_index(self.token_index(tok)?)?;
        Some(LineLoc {
            scope: self.block_parent(k.scope),
            file: k.file,
            line: k.line,
            col: k.col,
        })
    }

    /// Tells the backend which location applies now: none in the prologue,
    /// the current token's, or line 0 in the function's scope after
    /// `clear_source_location` (compiler-generated code, like the gimli
    /// backend's line-0 rows).
    fn notify(&mut self) -> Result<()> {
        if !self.backend.tracks_current_location() {
            return Ok(());
        }
        let loc = match &self.current_fn {
            Some(st) if st.emitting => match st.current.and_then(|t| self.line_loc(t)) {
                Some(l) => Some(l),
                None => Some(LineLoc {
                    scope: BlockParent::Function(st.function),
                    file: self.functions[st.function.index()].file,
                    line: 0,
                    col: 0,
                }),
            },
            _ => None,
        };
        self.backend.current_location(loc.as_ref())
    }

    /// Where a variable lives over its whole scope (backends without codegen).
    pub fn set_variable_location(&mut self, var: VarId, loc: VarLocation) -> Result<()> {
        self.live()?;
        let v = var.check(self.id, self.vars.len())?;
        if self.vars[v].located {
            return err(
                ErrorKind::InvalidCode,
                "set_variable_location called twice for one variable",
            );
        }
        self.check_in_open_function(self.vars[v].function, &"the variable")?;
        self.backend.variable_location(VarIdx(v as u32), loc)?;
        self.vars[v].located = true;
        Ok(())
    }

    /// Reports a function's machine code after codegen (backends without
    /// codegen, e.g. gimli): its size and the location of each code range.
    /// The core turns this into line rows (a prologue row at the function's
    /// line, `prologue_end` on the first located row, line 0 for cleared
    /// locations, `is_stmt` on the first row of each line) and into the
    /// address ranges of every lexical block.
    pub fn define_function_code(
        &mut self,
        function: FunctionId,
        size: u64,
        rows: &[CodeRow],
    ) -> Result<()> {
        self.live()?;
        let f = FunctionIdx(function.check(self.id, self.functions.len())? as u32);
        if self.functions[f.index()].code_defined {
            return err(
                ErrorKind::InvalidCode,
                format!(
                    "the code of `{}` was already defined",
                    self.function_name(f)
                ),
            );
        }
        if size == 0 || size > i64::MAX as u64 {
            return err(
                ErrorKind::InvalidCode,
                format!(
                    "`{}` has {size} bytes of code; a function has 1 to 2^63-1 bytes (code offsets are signed relocation addends)",
                    self.function_name(f)
                ),
            );
        }
        // The rows' locations, resolved once here and reused by `line_rows`
        // (a buffer kept in the context between calls).
        let mut keys = std::mem::take(&mut self.row_keys);
        keys.clear();
        let checked = self.check_rows(f, size, rows, &mut keys);
        let mut scratch = std::mem::take(&mut self.line_scratch);
        let result = checked.and_then(|()| {
            self.line_rows(f, size, rows, &keys, &mut scratch);
            self.backend.function_code(
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
        result?;
        self.functions[f.index()].code_defined = true;
        Ok(())
    }

    /// Checks `rows` (increasing offsets below `size`, tokens of this
    /// context and of function `f`) and appends each row's location to `keys`.
    fn check_rows(
        &self,
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
                    format!("code rows of `{}` must have increasing offsets below the size {size}; got {} after {prev}", self.function_name(f), r.offset),
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
                self.check_token_function(f, k.scope)?;
                keys.push(Some(*k));
            } else {
                keys.push(None);
            }
        }
        Ok(())
    }

    fn check_token_function(&self, f: FunctionIdx, scope: u32) -> Result<()> {
        let owner = self.scopes[scope as usize].function;
        if owner != f {
            return err(
                ErrorKind::WrongFunction,
                format!(
                    "a location token of `{}` was reported in the code of `{}`",
                    self.function_name(owner),
                    self.function_name(f)
                ),
            );
        }
        Ok(())
    }

    /// The line rows and block ranges of function `f`'s code, into
    /// `scratch` (kept in the context between calls, like its per-block
    /// range vectors).
    fn line_rows(
        &self,
        f: FunctionIdx,
        size: u64,
        rows: &[CodeRow],
        keys: &[Option<LocKey>],
        scratch: &mut LineScratch,
    ) {
        let func = &self.functions[f.index()];
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
                        let e = &self.scopes[sc as usize];
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
