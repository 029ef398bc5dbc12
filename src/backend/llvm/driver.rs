//! The `Backend` trait on [`LlvmBackend`]: each call checks the backend is
//! live and delegates to `types.rs` / `scopes.rs`.

use llvm_sys::debuginfo::*;

use super::backend::{missing, ptr, LlvmBackend};
use crate::backend::{
    Backend, BlockParent, CompileUnitInfo, CompositeInfo, EnumInfo, FunctionInfo, GlobalInfo,
    LineLoc, MemberInfo, ParentScope, TypedefInfo, VariableInfo, VariantPartInfo,
};
use crate::desc::BaseEncoding;
use crate::error::Result;

impl Backend for LlvmBackend<'_> {
    type Output = ();

    fn wants_type_identifiers(&self) -> bool {
        true
    }

    fn begin(&mut self, cu: &CompileUnitInfo<'_>) -> Result<()> {
        self.begin_unit(cu)
    }

    fn file(&mut self, file: u32, dir: &[u8], name: &[u8], _md5: Option<[u8; 16]>) -> Result<()> {
        self.live()?;
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

    fn namespace(&mut self, ns: u32, parent: ParentScope, name: &str) -> Result<()> {
        self.live()?;
        Self::next("namespace", ns, self.namespaces.len())?;
        let scope = self.scope_md(parent)?;
        let (n, nl) = ptr(name);
        // SAFETY: live DIBuilder and scope node.
        let md = unsafe { LLVMDIBuilderCreateNameSpace(self.dib, scope, n, nl, 0) };
        self.namespaces.push(md);
        Ok(())
    }

    fn base_type(&mut self, t: u32, name: &str, size: u64, encoding: BaseEncoding) -> Result<()> {
        self.live()?;
        self.base(t, name, size, encoding)
    }

    fn pointer_type(&mut self, t: u32, pointee: u32, size: u64) -> Result<()> {
        self.live()?;
        self.pointer(t, pointee, size)
    }

    fn array_type(&mut self, t: u32, elem: u32, len: u64, size: u64, align: u32) -> Result<()> {
        self.live()?;
        self.array(t, elem, len, size, align)
    }

    fn subroutine_type(
        &mut self,
        t: u32,
        params: &[u32],
        ret: Option<u32>,
        variadic: bool,
    ) -> Result<()> {
        self.live()?;
        let md = self.subroutine(params, ret, variadic)?;
        self.push_type(t, md)
    }

    fn typedef(&mut self, t: u32, info: &TypedefInfo<'_>) -> Result<()> {
        self.live()?;
        self.typedef_node(t, info)
    }

    fn composite_stub(&mut self, t: u32, info: &CompositeInfo<'_>) -> Result<()> {
        self.live()?;
        self.stub(t, info)
    }

    fn composite_complete(
        &mut self,
        t: u32,
        members: &[MemberInfo<'_>],
        variant_part: Option<&VariantPartInfo<'_>>,
    ) -> Result<()> {
        self.live()?;
        self.complete(t, members, variant_part)
    }

    fn enumeration(&mut self, t: u32, info: &EnumInfo<'_>) -> Result<()> {
        self.live()?;
        self.enum_node(t, info)
    }

    fn function(&mut self, f: u32, info: &FunctionInfo<'_>) -> Result<()> {
        self.live()?;
        self.subprogram(f, info)
    }

    fn lexical_block(
        &mut self,
        b: u32,
        parent: BlockParent,
        file: u32,
        line: u32,
        col: u32,
    ) -> Result<()> {
        self.live()?;
        Self::next("lexical block", b, self.blocks.len())?;
        let scope = self.block_md(parent)?;
        let file = self.file_md(file)?;
        // SAFETY: live DIBuilder, scope and file nodes.
        let md = unsafe { LLVMDIBuilderCreateLexicalBlock(self.dib, scope, file, line, col) };
        self.blocks.push(md);
        Ok(())
    }

    fn variable(&mut self, v: u32, info: &VariableInfo<'_>) -> Result<()> {
        self.live()?;
        self.local(v, info)
    }

    fn global(&mut self, g: u32, info: &GlobalInfo<'_>) -> Result<()> {
        self.live()?;
        self.global_var(g, info)
    }

    fn current_location(&mut self, loc: Option<&LineLoc>) -> Result<()> {
        self.live()?;
        if let Some(l) = loc {
            self.block_md(l.scope)?;
        }
        self.loc = loc.copied();
        self.apply_location()
    }

    fn function_end(&mut self, f: u32) -> Result<()> {
        self.live()?;
        let slot = self
            .functions
            .get_mut(f as usize)
            .ok_or_else(|| missing("function", f))?;
        if !slot.finalized {
            // SAFETY: live DIBuilder; `sp` is a subprogram it created.
            unsafe { LLVMDIBuilderFinalizeSubprogram(self.dib, slot.sp) };
            slot.finalized = true;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.live()?;
        self.finish_unit()
    }
}
