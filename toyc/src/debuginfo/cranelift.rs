//! The gimli side of the debug info: Cranelift's compiled code (source
//! locations, stack-slot offsets, unwind info) turned into what dwarfsmith's
//! gimli backend needs.

use std::path::Path;

use cranelift_codegen::ir::StackSlot;
use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::CompiledCode;
use dwarfsmith::{
    DwarfObject, FrameSection, FunctionId, GimliBackend, GimliOptions, LocationRange, VarId,
};

use crate::debuginfo::{ds_err, DebugInfo};
use crate::front::hir::Program;

impl<'p> DebugInfo<'p, GimliBackend> {
    /// Starts the compile unit for Cranelift code (DWARF `dwarf_version`,
    /// CFI from `isa`'s CIE, written into `frames`: `.eh_frame` for
    /// objects, `.debug_frame` for JIT images).
    pub fn new_with_frames(
        prog: &'p Program,
        src: &Path,
        dwarf_version: u16,
        frames: FrameSection,
        isa: &dyn TargetIsa,
    ) -> Result<Self, String> {
        let backend = GimliBackend::new(GimliOptions {
            dwarf_version,
            frame_section: frames,
        })
        .map_err(ds_err)?;
        let mut d = DebugInfo::start(prog, src, backend, "Cranelift")?;
        d.cx.set_cranelift_cie(isa).map_err(ds_err)?;
        Ok(d)
    }

    /// After Cranelift compiled the (already closed) function: its code
    /// rows, variable locations and call-frame information.
    pub fn end_function(
        &mut self,
        fid: FunctionId,
        symbol: &str,
        cc: &CompiledCode,
        isa: &dyn TargetIsa,
        vars: &[(VarId, StackSlot)],
    ) -> Result<(), String> {
        self.cx
            .define_cranelift_function(fid, cc, isa, symbol, vars)
            .map_err(ds_err)
    }

    /// Where variable `v` of the function just defined is over its code
    /// (`-O`: an SSA value's places); no ranges: optimized out.
    pub fn variable_locations(&mut self, v: VarId, ranges: &[LocationRange]) -> Result<(), String> {
        if ranges.is_empty() {
            return Ok(());
        }
        self.cx.set_variable_locations(v, ranges).map_err(ds_err)
    }

    /// Ends the compile unit: the DWARF sections to write into the object.
    pub fn finish_gimli(self) -> Result<DwarfObject, String> {
        self.finish()
    }
}
