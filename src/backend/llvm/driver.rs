//! The `Backend` trait on [`LlvmBackend`]: each call checks the backend is
//! live and delegates to `types.rs` / `scopes.rs`.

use llvm_sys::debuginfo::*;

use super::backend::{missing, ptr, LlvmBackend};
use crate::backend::{
    Backend, BlockIdx, BlockParent, CompileUnitInfo, CompositeInfo, EnumInfo, FileIdx, FunctionIdx,
    FunctionInfo, GlobalIdx, GlobalInfo, LineLoc, MemberInfo, NamespaceIdx, ParentScope, TypeIdx,
    TypedefInfo, VarIdx, VariableInfo, VariantPartInfo,
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

    fn file(
        &mut self,
        file: FileIdx,
        dir: &[u8],
        name: &[u8],
        _md5: Option<[u8; 16]>,
    ) -> Result<()> {
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

    fn namespace(&mut self, ns: NamespaceIdx, parent: ParentScope, name: &str) -> Result<()> {
        self.live()?;
        Self::next("namespace", ns, self.namespaces.len())?;
        let scope = self.scope_md(parent)?;
        let (n, nl) = ptr(name);
        // SAFETY: live DIBuilder and scope node.
        let md = unsafe { LLVMDIBuilderCreateNameSpace(self.dib, scope, n, nl, 0) };
        self.namespaces.push(md);
        Ok(())
    }

    fn base_type(
        &mut self,
        t: TypeIdx,
        name: &str,
        size: u64,
        encoding: BaseEncoding,
    ) -> Result<()> {
        self.live()?;
        self.base(t, name, size, encoding)
    }

    fn pointer_type(&mut self, t: TypeIdx, pointee: TypeIdx, size: u64) -> Result<()> {
        self.live()?;
        self.pointer(t, pointee, size)
    }

    fn array_type(
        &mut self,
        t: TypeIdx,
        elem: TypeIdx,
        len: u64,
        size: u64,
        align: u32,
    ) -> Result<()> {
        self.live()?;
        self.array(t, elem, len, size, align)
    }

    fn subroutine_type(
        &mut self,
        t: TypeIdx,
        params: &[TypeIdx],
        ret: Option<TypeIdx>,
        variadic: bool,
    ) -> Result<()> {
        self.live()?;
        let md = self.subroutine(params, ret, variadic)?;
        self.push_type(t, md)
    }

    fn typedef(&mut self, t: TypeIdx, info: &TypedefInfo<'_>) -> Result<()> {
        self.live()?;
        self.typedef_node(t, info)
    }

    fn composite_stub(&mut self, t: TypeIdx, info: &CompositeInfo<'_>) -> Result<()> {
        self.live()?;
        self.stub(t, info)
    }

    fn composite_complete(
        &mut self,
        t: TypeIdx,
        members: &[MemberInfo<'_>],
        variant_part: Option<&VariantPartInfo<'_>>,
    ) -> Result<()> {
        self.live()?;
        self.complete(t, members, variant_part)
    }

    fn enumeration(&mut self, t: TypeIdx, info: &EnumInfo<'_>) -> Result<()> {
        self.live()?;
        self.enum_node(t, info)
    }

    fn function(&mut self, f: FunctionIdx, info: &FunctionInfo<'_>) -> Result<()> {
        self.live()?;
        self.subprogram(f, info)
    }

    fn lexical_block(
        &mut self,
        b: BlockIdx,
        parent: BlockParent,
        file: FileIdx,
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

    fn variable(&mut self, v: VarIdx, info: &VariableInfo<'_>) -> Result<()> {
        self.live()?;
        self.local(v, info)
    }

    fn global(&mut self, g: GlobalIdx, info: &GlobalInfo<'_>) -> Result<()> {
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

    fn function_end(&mut self, f: FunctionIdx) -> Result<()> {
        self.live()?;
        let slot = self
            .functions
            .get_mut(f.index())
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
