//! LLVM's recursive metadata walks on a stack sized for the graph.
//!
//! LLVM walks metadata recursively, a few native frames per level of type
//! nesting: `DIBuilder::finalize` (`MDNode::resolveCycles`), the verifier
//! (`visitMDNode`) and the DWARF writer (`DwarfUnit::getOrCreateTypeDIE`).
//! A 200,000-deep by-value struct chain overflowed a 2 MiB caller stack in
//! the finalize (tests/llvm_memory_deep_finalize.rs). So these calls run on
//! a scoped thread of their own, whose stack is [`stack_for`] the number of
//! metadata levels the backend made (every table entry counted: an upper
//! bound on the depth of any chain), while the caller blocks on the join.

use std::thread;

use llvm_sys::debuginfo::LLVMDIBuilderFinalize;

use super::ir::LlvmModule;
use super::LlvmBackend;
use crate::error::{err, Error, ErrorKind, Result};

/// Stack for the walk's own frames outside the chain (LLVM's codegen
/// pipeline, the verifier), and the whole stack of a small graph.
const BASE_STACK: usize = 16 << 20;

/// Stack per metadata level: measured need (DESIGN.md, "LLVM backend")
/// times a safety margin.
const STACK_PER_LEVEL: usize = 2 << 10;

/// The largest stack the backend reserves (address space, committed only
/// as used); graphs needing more are refused with `LimitExceeded`.
pub const MAX_STACK: usize = 8 << 30;

/// A raw LLVM pointer moved to the walking thread.
///
/// SAFETY argument for the `Send` impl: an LLVM context and everything in
/// it may be used by one thread at a time. [`run`] hands the pointer to
/// exactly one scoped thread and blocks the calling thread (the only other
/// user, which holds the `&`/`&mut` borrow of the owning wrapper) until
/// that thread has finished, so the context is never used concurrently.
pub(super) struct Raw<T>(T);

// SAFETY: see the type's documentation: one thread at a time, the caller
// blocked on the join while the walking thread uses the pointer.
unsafe impl<T> Send for Raw<T> {}

impl<T: Copy> Raw<T> {
    /// Wraps a raw LLVM pointer for [`run`]'s closure.
    pub(super) fn new(p: T) -> Self {
        Raw(p)
    }

    /// The pointer (a method, so closures capture the whole `Send` wrapper
    /// rather than its non-`Send` field).
    pub(super) fn get(&self) -> T {
        self.0
    }
}

/// The stack for a graph of `levels` metadata levels, or `LimitExceeded`
/// beyond [`MAX_STACK`].
pub(super) fn stack_for(levels: usize) -> Result<usize> {
    levels
        .checked_mul(STACK_PER_LEVEL)
        .and_then(|s| s.checked_add(BASE_STACK))
        .filter(|&s| s <= MAX_STACK)
        .ok_or_else(|| {
            Error::new(
                ErrorKind::LimitExceeded,
                format!(
                    "LLVM backend: {levels} metadata nodes would need more than {} GiB of stack for LLVM's recursive metadata walks (finalize, verifier, DWARF writer): split the types over several compile units or use the gimli backend, which is iterative",
                    MAX_STACK >> 30
                ),
            )
        })
}

/// Runs `f` (`what`, for messages) on a thread with a stack for `levels`
/// metadata levels and waits for it. A thread that cannot be spawned, or
/// that panics, is an error, never a crash of the caller.
pub(super) fn run<R: Send>(levels: usize, what: &str, f: impl FnOnce() -> R + Send) -> Result<R> {
    let stack = stack_for(levels)?;
    thread::scope(|s| {
        let handle = thread::Builder::new()
            .name("dwarfsmith-llvm".into())
            .stack_size(stack)
            .spawn_scoped(s, f)
            .map_err(|e| {
                Error::new(
                    ErrorKind::Backend,
                    format!("LLVM backend: cannot start a thread with a {} MiB stack for {what} ({e}): lower the graph's size or raise the process's memory limits", stack >> 20),
                )
            })?;
        handle
            .join()
            .or_else(|_| err(ErrorKind::Backend, format!("LLVM backend: {what} panicked")))
    })
}

impl LlvmModule<'_> {
    /// `Err` if this module's unit was dropped without a finalize (its
    /// metadata still has unresolved nodes).
    pub(super) fn check_finalized(&self) -> Result<()> {
        if self.ctx.unfinalized.get() {
            return err(
                ErrorKind::Backend,
                "the LLVM module's debug info was never finalized: its DebugContext was dropped unfinished and no thread could be started for the finalize; finish the DebugContext before verifying or emitting",
            );
        }
        Ok(())
    }
}

impl LlvmBackend<'_> {
    /// An upper bound on the depth of any chain in the unit's metadata: one
    /// level per node the backend made (a type's members and elements are
    /// walked within its level).
    fn metadata_levels(&self) -> usize {
        self.files.len()
            + self.namespaces.len()
            + self.types.len()
            + self.functions.len()
            + self.blocks.len()
            + self.vars.len()
            + self.globals.len()
    }

    /// Records the unit's metadata levels in the context, for walks of the
    /// module before `finish` (called by every backend call, so it lags
    /// at most the one call in progress).
    pub(super) fn note_levels(&self) {
        self.module.ctx.metadata_levels.set(self.metadata_levels());
    }

    /// `LLVMDIBuilderFinalize` on a stack sized for the unit (recorded in
    /// the context for the verifier and the code generator).
    pub(super) fn finalize_dibuilder(&mut self) -> Result<()> {
        self.module.ctx.unit_open.set(false);
        self.note_levels();
        let levels = self.metadata_levels();
        let dib = Raw::new(self.dib);
        // SAFETY: the DIBuilder is live and finalized once (callers set
        // `finished` or are the Drop); the calling thread, which owns the
        // backend, waits for the walk.
        let done = run(levels, "finalizing the debug info", move || unsafe {
            LLVMDIBuilderFinalize(dib.get())
        });
        if done.is_err() {
            self.module.ctx.unfinalized.set(true);
        }
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacks_grow_with_the_graph_up_to_the_limit() {
        assert_eq!(stack_for(0).unwrap(), BASE_STACK);
        assert_eq!(
            stack_for(200_000).unwrap(),
            BASE_STACK + 200_000 * STACK_PER_LEVEL
        );
        let most = (MAX_STACK - BASE_STACK) / STACK_PER_LEVEL;
        assert!(stack_for(most).unwrap() <= MAX_STACK);
        for too_many in [most + 1, usize::MAX] {
            let e = stack_for(too_many).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::LimitExceeded);
            assert!(e.to_string().contains("gimli backend"), "{e}");
        }
    }

    #[test]
    fn the_walk_runs_on_its_own_thread_and_a_panic_is_an_error() {
        let caller = thread::current().id();
        let walker = run(10, "a test walk", || thread::current().id()).unwrap();
        assert_ne!(walker, caller);
        let e = run(10, "a test walk", || panic!("inside the walk")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Backend);
        assert!(e.to_string().contains("a test walk panicked"), "{e}");
        let e = run(usize::MAX, "a test walk", || ()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::LimitExceeded);
    }
}
