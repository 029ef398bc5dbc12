//! Files and the current debug location: `DIFile`s, declaration sites, and
//! the `DILocation` kept on the frontend's instruction builder (the core
//! decides which location applies; see `crate::lines`).

use llvm_sys::core::LLVMSetCurrentDebugLocation2;
use llvm_sys::debuginfo::*;
use llvm_sys::prelude::*;

use super::{missing, LlvmBackend};
use crate::backend::{DeclSite, FileIdx, LineLoc};
use crate::error::Result;

impl LlvmBackend<'_> {
    /// A `DIFile`.
    pub(super) fn add_file(&mut self, file: FileIdx, dir: &[u8], name: &[u8]) -> Result<()> {
        Self::next("file", file, self.files.len())?;
        // SAFETY: live DIBuilder; byte strings as pointer + length.
        let md = unsafe {
            LLVMDIBuilderCreateFile(
                self.dib,
                name.as_ptr().cast(),
                name.len(),
                dir.as_ptr().cast(),
                dir.len(),
            )
        };
        self.files.push(md);
        Ok(())
    }

    pub(super) fn file_md(&self, f: FileIdx) -> Result<LLVMMetadataRef> {
        self.files
            .get(f.index())
            .copied()
            .ok_or_else(|| missing("file", f))
    }

    pub(super) fn decl_md(&self, d: Option<DeclSite>) -> Result<(LLVMMetadataRef, u32)> {
        match d {
            Some(DeclSite { file, line }) => Ok((self.file_md(file)?, line)),
            None => Ok((std::ptr::null_mut(), 0)),
        }
    }

    /// The location that applies to code emitted from now on.
    pub(super) fn set_location(&mut self, loc: Option<&LineLoc>) -> Result<()> {
        if let Some(l) = loc {
            self.block_md(l.scope)?;
        }
        self.loc = loc.copied();
        self.apply_location()
    }

    /// Points the current location at the builder (no builder: remembered
    /// until one is set).
    pub(super) fn apply_location(&mut self) -> Result<()> {
        let Some(b) = self.builder else {
            return Ok(());
        };
        let md = match self.loc {
            // In an inlined copy, with the call's `inlinedAt` chain.
            Some(l) => self.location_md(l.scope, l.line, l.col)?,
            None => std::ptr::null_mut(),
        };
        // SAFETY: the builder is live (borrowed for 'a); the location is a
        // DILocation of its context, or null for "no location".
        unsafe { LLVMSetCurrentDebugLocation2(b.raw, md) };
        Ok(())
    }
}
