//! Inlined calls: an inlined copy's scope is the callee's `DISubprogram`
//! (lexical blocks inside it are `DILexicalBlock`s under that subprogram),
//! and every `DILocation` in it carries `inlinedAt`: the location of the
//! call in the parent scope, itself inlined-at the parent's call for
//! nested inlining. LLVM's DWARF writer turns such locations into
//! `DW_TAG_inlined_subroutine`s and the callee's abstract instance.

use llvm_sys::debuginfo::LLVMDIBuilderCreateDebugLocation;
use llvm_sys::prelude::LLVMMetadataRef;

use super::{missing, LlvmBackend};
use crate::backend::{BlockIdx, BlockParent, DeclSite, FunctionIdx};
use crate::error::Result;

impl LlvmBackend<'_> {
    /// The scope of an inlined call of `callee` in `parent`, called from
    /// `call:call_col` (the file is the parent scope's: a `DILocation`
    /// takes its file from its scope).
    pub(super) fn inlined_block_node(
        &mut self,
        b: BlockIdx,
        parent: BlockParent,
        callee: FunctionIdx,
        call: DeclSite,
        call_col: u32,
    ) -> Result<()> {
        Self::next("lexical block", b, self.blocks.len())?;
        let sp = self
            .functions
            .get(callee.index())
            .map(|s| s.sp)
            .ok_or_else(|| missing("function", callee))?;
        let at = self.location_md(parent, call.line, call_col)?;
        self.blocks.push(sp);
        self.inlined_at.push(at);
        Ok(())
    }

    /// The `inlinedAt` location of code in scope `p`: null outside inlined
    /// copies.
    pub(super) fn inlined_at_of(&self, p: BlockParent) -> Result<LLVMMetadataRef> {
        match p {
            BlockParent::Function(_) => Ok(std::ptr::null_mut()),
            BlockParent::Block(b) => self
                .inlined_at
                .get(b.index())
                .copied()
                .ok_or_else(|| missing("lexical block", b)),
        }
    }

    /// Whether scope `p` is (inside) an inlined copy.
    pub(super) fn is_inlined(&self, p: BlockParent) -> Result<bool> {
        Ok(!self.inlined_at_of(p)?.is_null())
    }

    /// A `DILocation` at `line:col` of scope `p`, with the scope's
    /// `inlinedAt` chain.
    pub(super) fn location_md(
        &self,
        p: BlockParent,
        line: u32,
        col: u32,
    ) -> Result<LLVMMetadataRef> {
        let scope = self.block_md(p)?;
        let at = self.inlined_at_of(p)?;
        // SAFETY: the context, the scope node and the inlined-at location
        // (a uniqued DILocation of this context, or null) are live.
        Ok(unsafe { LLVMDIBuilderCreateDebugLocation(self.ctx(), line, col, scope, at) })
    }
}
