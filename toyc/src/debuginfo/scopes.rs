//! The debug scopes of one function, shared by both codegens: which lexical
//! blocks exist, which variables they hold and which scope each statement's
//! location is in.
//!
//! Toy's `let` makes its local visible from the *next* statement on, and a
//! later `let` of the same name shadows it. So each `let` (or run of `let`s)
//! opens a nested lexical block starting at the next statement and lasting
//! to the end of the Toy block: shadowing is exact in gdb and lldb. A
//! `match` arm with payload bindings gets one block holding them.
//!
//! The codegen asks [`FnDebug`] for the variables of each new block and
//! ties them to their storage (a Cranelift stack slot, an LLVM `alloca`).

use dwarfsmith::{Backend, FunctionId, LocToken, ScopeId, VarId};

use crate::debuginfo::DebugInfo;
use crate::front::hir::{self, LocalId, Pos};

/// What [`FnDebug::enter_block`] saves and [`FnDebug::leave_block`] restores.
pub struct SavedScope {
    scope: ScopeId,
    pending: Vec<LocalId>,
}

/// The caller's state while an inlined copy is compiled.
pub struct InlinedFrom<'p> {
    scope: ScopeId,
    pending: Vec<LocalId>,
    f: &'p hir::Function,
}

/// The debug-info state of the function being compiled.
pub struct FnDebug<'d, 'p, B: Backend> {
    /// The compile unit's debug info.
    pub d: &'d mut DebugInfo<'p, B>,
    /// The function's debug handle.
    pub fid: FunctionId,
    /// The innermost debug scope.
    pub scope: ScopeId,
    /// `let` locals of the current Toy block not yet in a debug scope.
    pending: Vec<LocalId>,
    f: &'p hir::Function,
}

impl<'d, 'p, B: Backend> FnDebug<'d, 'p, B> {
    /// Describes and opens `f` (symbol `symbol`): its prologue starts.
    pub fn begin(
        d: &'d mut DebugInfo<'p, B>,
        f: &'p hir::Function,
        symbol: &str,
    ) -> Result<Self, String> {
        let (fid, scope) = d.begin_function(f, symbol)?;
        Ok(FnDebug {
            d,
            fid,
            scope,
            pending: Vec::new(),
            f,
        })
    }

    /// Parameter `n` (0-based) of the function; `None` for a unit one.
    pub fn parameter(&mut self, n: usize) -> Result<Option<VarId>, String> {
        let Some(p) = self.f.params.get(n) else {
            return Err(format!("internal: no parameter #{n}"));
        };
        self.d
            .parameter(self.fid, &p.name, n as u32 + 1, p.ty, p.pos)
    }

    /// Ends the prologue.
    pub fn start_body(&mut self) -> Result<(), String> {
        self.d.start_body()
    }

    /// The location of code emitted from now on: `pos` in the current scope.
    pub fn loc(&mut self, pos: Pos) -> Result<Option<LocToken>, String> {
        self.d.loc(self.scope, pos)
    }

    fn locals(
        &mut self,
        blk: ScopeId,
        locals: &[LocalId],
    ) -> Result<Vec<(LocalId, VarId)>, String> {
        let mut out = Vec::new();
        for l in locals {
            let Some(local) = self.f.locals.get(l.idx()) else {
                return Err(format!("internal: no local #{}", l.0));
            };
            if let Some(v) = self.d.local(blk, &local.name, local.ty, local.pos)? {
                out.push((*l, v));
            }
        }
        Ok(out)
    }

    /// Starts an inlined copy of `callee` (debug handle `callee_fid`)
    /// called at `call`: its parameters' variables (`None` for unit ones)
    /// and what [`leave_inlined`](Self::leave_inlined) restores. Code and
    /// scopes from now on are the callee's, in the inlined scope.
    pub fn enter_inlined(
        &mut self,
        callee: &'p hir::Function,
        callee_fid: FunctionId,
        call: Pos,
    ) -> Result<(InlinedFrom<'p>, Vec<Option<VarId>>), String> {
        let scope = self.d.inlined_call(self.scope, callee_fid, call)?;
        let mut params = Vec::new();
        for (n, p) in callee.params.iter().enumerate() {
            params.push(self.d.inlined_parameter(scope, p, n as u32 + 1)?);
        }
        let saved = InlinedFrom {
            scope: self.scope,
            pending: std::mem::take(&mut self.pending),
            f: self.f,
        };
        self.scope = scope;
        self.f = callee;
        Ok((saved, params))
    }

    /// Back in the caller after an inlined copy.
    pub fn leave_inlined(&mut self, saved: InlinedFrom<'p>) {
        self.scope = saved.scope;
        self.pending = saved.pending;
        self.f = saved.f;
    }

    /// Closes the function.
    pub fn exit(&mut self) -> Result<(), String> {
        self.d.exit_function()
    }
}

/// The scope operations of the shared statement lowering
/// (`codegen/lower.rs`), for [`FnDebug`] of any dwarfsmith backend.
pub trait Scopes {
    /// A `let` of `local` was compiled: it is visible from the next statement.
    fn push_let(&mut self, local: LocalId);
    /// Enters a Toy block.
    fn enter_block(&mut self) -> SavedScope;
    /// Leaves a Toy block (`saved` from the matching `enter_block`).
    fn leave_block(&mut self, saved: SavedScope);
    /// Declares the pending `let` locals in a new lexical block starting at
    /// `pos`, nested in the current scope, which becomes the current one.
    /// Returns the new variables (none pending: `None`, no block).
    fn flush(&mut self, pos: Pos) -> Result<Option<Vec<(LocalId, VarId)>>, String>;
    /// Enters the scope of a `match` arm with payload bindings: a lexical
    /// block at the arm's block holding them. Returns the scope to restore
    /// after the arm and the new variables.
    fn enter_arm(&mut self, arm: &hir::Arm) -> Result<(ScopeId, Vec<(LocalId, VarId)>), String>;
    /// Restores the scope saved by [`enter_arm`](Self::enter_arm).
    fn leave_arm(&mut self, saved: ScopeId);
}

impl<B: Backend> Scopes for FnDebug<'_, '_, B> {
    fn push_let(&mut self, local: LocalId) {
        self.pending.push(local);
    }

    fn enter_block(&mut self) -> SavedScope {
        SavedScope {
            scope: self.scope,
            pending: std::mem::take(&mut self.pending),
        }
    }

    fn leave_block(&mut self, saved: SavedScope) {
        self.scope = saved.scope;
        self.pending = saved.pending;
    }

    fn flush(&mut self, pos: Pos) -> Result<Option<Vec<(LocalId, VarId)>>, String> {
        if self.pending.is_empty() {
            return Ok(None);
        }
        let pending = std::mem::take(&mut self.pending);
        let blk = self.d.block(self.scope, pos)?;
        let vars = self.locals(blk, &pending)?;
        self.scope = blk;
        Ok(Some(vars))
    }

    fn enter_arm(&mut self, arm: &hir::Arm) -> Result<(ScopeId, Vec<(LocalId, VarId)>), String> {
        let saved = self.scope;
        let start = self
            .f
            .scopes
            .get(arm.block.scope.idx())
            .map_or(arm.pos, |s| s.start);
        let blk = self.d.block(self.scope, start)?;
        let vars = self.locals(blk, &arm.bindings)?;
        self.scope = blk;
        Ok((saved, vars))
    }

    fn leave_arm(&mut self, saved: ScopeId) {
        self.scope = saved;
    }
}
