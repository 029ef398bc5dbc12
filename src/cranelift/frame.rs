//! Frames: a stack slot's offset from the canonical frame address, and the
//! call-frame information (CIE, FDE) of compiled code.

#![forbid(unsafe_code)]

use cranelift_codegen::ir::StackSlot;
use cranelift_codegen::isa::unwind::{systemv, UnwindInfo, UnwindInst};
use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::CompiledCode;
use gimli::write::CommonInformationEntry;

use crate::error::{err, Error, ErrorKind, Result};

/// The distance from the frame pointer up to the canonical frame address,
/// as Cranelift's prologue reports it (`UnwindInst::DefineNewFrame`:
/// Cranelift's CFA is the caller's SP). 16 on x86-64 (`push rbp` after the
/// return address) and aarch64 (`stp fp, lr`).
pub fn fp_to_cfa_offset(code: &CompiledCode) -> Result<u32> {
    code.buffer
        .unwind_info
        .iter()
        .find_map(|(_, inst)| match inst {
            UnwindInst::DefineNewFrame {
                offset_upward_to_caller_sp,
                ..
            } => Some(*offset_upward_to_caller_sp),
            _ => None,
        })
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidCode,
                "the compiled code sets up no frame pointer in its unwind info: build the ISA with the `unwind_info` setting enabled",
            )
        })
}

/// A stack slot's offset from the canonical frame address, for
/// [`VarLocation::FrameOffset`](crate::VarLocation::FrameOffset).
///
/// From Cranelift's frame layout: the slot lies `slot.offset` above the SP
/// after the prologue, the frame pointer `frame_to_fp_offset` above that SP,
/// and the CFA [`fp_to_cfa_offset`] above the frame pointer.
pub fn slot_cfa_offset(code: &CompiledCode, slot: StackSlot) -> Result<i64> {
    let Some(layout) = code.buffer.frame_layout() else {
        return err(
            ErrorKind::InvalidCode,
            "Cranelift recorded no frame layout for this function: pass the CompiledCode of a function compiled by a Cranelift backend",
        );
    };
    let Some(s) = layout.stackslots.get(slot) else {
        return err(
            ErrorKind::InvalidCode,
            format!("{slot} is not a stack slot of this function: pass the slot created with create_sized_stack_slot in this function"),
        );
    };
    let fp_to_cfa = fp_to_cfa_offset(code)?;
    Ok(i64::from(s.offset) - i64::from(layout.frame_to_fp_offset) - i64::from(fp_to_cfa))
}

/// The target's System V common information entry, for
/// [`GimliBackend::set_cie`](crate::GimliBackend::set_cie).
pub fn systemv_cie(isa: &dyn TargetIsa) -> Result<CommonInformationEntry> {
    isa.create_systemv_cie().ok_or_else(|| {
        Error::new(
            ErrorKind::Unsupported,
            format!(
                "Cranelift has no System V CIE for target {}: DWARF call-frame information needs a System V target (Linux, BSD)",
                isa.triple()
            ),
        )
    })
}

/// The compiled function's System V unwind info; its `to_fde(address)` is
/// the frame description entry. Needs an ISA built with `unwind_info`.
pub fn systemv_unwind(code: &CompiledCode, isa: &dyn TargetIsa) -> Result<systemv::UnwindInfo> {
    // Without the setting Cranelift still returns unwind info, but with no
    // instructions: an FDE that tells unwinders nothing.
    if !isa.flags().unwind_info() {
        return err(
            ErrorKind::Unsupported,
            "the ISA was built with `unwind_info` off, so its unwind info is empty: set `unwind_info` to \"true\" in the Cranelift flags",
        );
    }
    match code.create_unwind_info(isa) {
        Ok(Some(UnwindInfo::SystemV(u))) => Ok(u),
        Ok(_) => err(
            ErrorKind::Unsupported,
            format!(
                "Cranelift made no System V unwind info for this function (target {}): enable the ISA's `unwind_info` setting and use a System V target",
                isa.triple()
            ),
        ),
        Err(e) => err(
            ErrorKind::Backend,
            format!("Cranelift could not make the unwind info: {e}"),
        ),
    }
}
