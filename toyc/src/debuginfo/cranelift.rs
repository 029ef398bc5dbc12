//! The gimli side of the debug info: Cranelift's compiled code (source
//! locations, stack-slot offsets, unwind info) turned into what dwarfsmith's
//! gimli backend needs.

use std::path::Path;

use cranelift_codegen::ir::{SourceLoc, StackSlot};
use cranelift_codegen::isa::unwind::UnwindInfo;
use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::CompiledCode;
use dwarfsmith::{
    CodeRow, DwarfObject, FunctionId, GimliBackend, GimliOptions, LocToken, VarId, VarLocation,
};

use crate::debuginfo::{ds_err, DebugInfo};
use crate::front::hir::Program;

/// Converts a location token into what Cranelift attaches to instructions.
pub fn srcloc(t: Option<LocToken>) -> SourceLoc {
    t.map_or(SourceLoc::default(), |t| SourceLoc::new(t.0))
}

/// The code rows of a compiled function: Cranelift's per-instruction source
/// locations (`buffer.get_srclocs_sorted()`, absolute after `apply_params`)
/// with gaps and default locations reported as "no location".
pub fn code_rows(cc: &CompiledCode) -> (u64, Vec<CodeRow>) {
    let size = u64::from(cc.buffer.total_size());
    let mut rows: Vec<CodeRow> = Vec::new();
    let mut push = |offset: u64, loc: Option<LocToken>| {
        if offset >= size {
            return;
        }
        match rows.last_mut() {
            Some(last) if last.offset == offset => last.loc = loc,
            Some(last) if last.loc == loc => {}
            _ => rows.push(CodeRow { offset, loc }),
        }
    };
    let mut prev_end = 0u64;
    for s in cc.buffer.get_srclocs_sorted() {
        let (start, end) = (u64::from(s.start), u64::from(s.end));
        if start > prev_end {
            push(prev_end, None);
        }
        let loc = (!s.loc.is_default()).then(|| LocToken(s.loc.bits()));
        push(start, loc);
        prev_end = end;
    }
    push(prev_end, None);
    (size, rows)
}

/// The offset of a stack slot from the canonical frame address. Cranelift's
/// x64 frame is `push rbp; mov rbp, rsp; sub rsp, N`: CFA = rbp + 16, and
/// `MachBufferFrameLayout` gives each slot's offset from SP after the
/// prologue and the SP-to-FP distance (`frame_to_fp_offset`).
pub fn slot_cfa_offset(cc: &CompiledCode, slot: StackSlot) -> Result<i64, String> {
    let fl = cc
        .buffer
        .frame_layout()
        .ok_or("Cranelift produced no frame layout")?;
    let off = fl.stackslots.get(slot).map(|s| s.offset).unwrap_or(0);
    Ok(i64::from(off) - i64::from(fl.frame_to_fp_offset) - 16)
}

impl<'p> DebugInfo<'p, GimliBackend> {
    /// Starts the compile unit for Cranelift code (DWARF `dwarf_version`,
    /// CFI from `isa`'s CIE).
    pub fn new(
        prog: &'p Program,
        src: &Path,
        dwarf_version: u16,
        isa: &dyn TargetIsa,
    ) -> Result<Self, String> {
        let backend = GimliBackend::new(GimliOptions {
            dwarf_version,
            ..GimliOptions::default()
        })
        .map_err(ds_err)?;
        let mut d = DebugInfo::start(prog, src, backend, "Cranelift")?;
        let cie = isa
            .create_systemv_cie()
            .ok_or("Cranelift gave no CIE for this target")?;
        d.cx.backend_mut().set_cie(cie).map_err(ds_err)?;
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
        let (size, rows) = code_rows(cc);
        self.cx
            .define_function_code(fid, size, &rows)
            .map_err(ds_err)?;
        for (v, slot) in vars {
            let off = slot_cfa_offset(cc, *slot)?;
            self.cx
                .set_variable_location(*v, VarLocation::FrameOffset(off))
                .map_err(ds_err)?;
        }
        match cc.create_unwind_info(isa) {
            Ok(Some(UnwindInfo::SystemV(u))) => self
                .cx
                .backend_mut()
                .add_fde(symbol, |a| u.to_fde(a))
                .map_err(ds_err),
            Ok(_) => Err(format!(
                "Cranelift made no System V unwind info for `{symbol}`"
            )),
            Err(e) => Err(format!("unwind info for `{symbol}`: {e}")),
        }
    }

    /// Ends the compile unit: the DWARF sections to write into the object.
    pub fn finish_gimli(self) -> Result<DwarfObject, String> {
        self.finish()
    }
}
