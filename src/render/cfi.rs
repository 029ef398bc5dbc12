//! An address-free summary of call frame information (`.eh_frame` and
//! `.debug_frame`).
//!
//! ```text
//! call frame info
//!   .eh_frame: 1 CIE, 2 FDEs
//!     CIE #0: version 1, code_align 1, data_align -8, return_address_register 16, 2 instructions
//!     FDE (CIE #0): 5 instructions
//!     FDE (CIE #0): 5 instructions
//!   .debug_frame: absent
//! ```
//!
//! CIEs are numbered in the order they appear; FDEs name their CIE by that
//! number. Instruction counts are the number of call frame instructions
//! (including padding `DW_CFA_nop`s) of the CIE's initial instructions or of
//! the FDE. No addresses, lengths or offsets are shown.

#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::fmt::Write as _;

use gimli::UnwindSection;

use super::{gimli_err, RenderError, R};

/// Appends the call frame summary for both sections to `out`.
pub(crate) fn render_call_frames(
    eh_frame: Option<R>,
    debug_frame: Option<R>,
    address_size: u8,
    out: &mut String,
) -> Result<(), RenderError> {
    out.push_str("call frame info\n");
    let bases = gimli::BaseAddresses::default().set_eh_frame(0).set_text(0);
    match eh_frame {
        Some(data) => {
            let mut section = gimli::EhFrame::from(data);
            section.set_address_size(address_size);
            render_section(".eh_frame", &section, &bases, out)?;
        }
        None => out.push_str("  .eh_frame: absent\n"),
    }
    match debug_frame {
        Some(data) => {
            let mut section = gimli::DebugFrame::from(data);
            section.set_address_size(address_size);
            render_section(".debug_frame", &section, &bases, out)?;
        }
        None => out.push_str("  .debug_frame: absent\n"),
    }
    Ok(())
}

fn count_instructions<'a>(
    mut iter: gimli::CallFrameInstructionIter<'_, R<'a>>,
    name: &str,
) -> Result<usize, RenderError> {
    let mut count = 0;
    loop {
        match iter.next() {
            Ok(Some(_)) => count += 1,
            Ok(None) => return Ok(count),
            Err(e) => return Err(gimli_err(format!("{name}: reading CFA instructions"), e)),
        }
    }
}

fn render_section<'a, S: UnwindSection<R<'a>>>(
    name: &str,
    section: &S,
    bases: &gimli::BaseAddresses,
    out: &mut String,
) -> Result<(), RenderError> {
    let mut lines = Vec::new();
    let mut cies: BTreeMap<usize, usize> = BTreeMap::new();
    let mut fde_count = 0;
    let mut entries = section.entries(bases);
    loop {
        let entry = match entries.next() {
            Ok(Some(entry)) => entry,
            Ok(None) => break,
            Err(e) => return Err(gimli_err(format!("{name}: reading entries"), e)),
        };
        match entry {
            gimli::CieOrFde::Cie(cie) => {
                let number = cies.len();
                cies.insert(cie.offset(), number);
                let count = count_instructions(cie.instructions(section, bases), name)?;
                lines.push(format!(
                    "    CIE #{number}: version {}, code_align {}, data_align {}, return_address_register {}, {count} instructions",
                    cie.version(),
                    cie.code_alignment_factor(),
                    cie.data_alignment_factor(),
                    cie.return_address_register().0,
                ));
            }
            gimli::CieOrFde::Fde(partial) => {
                let fde = partial
                    .parse(|section, bases, offset| section.cie_from_offset(bases, offset))
                    .map_err(|e| gimli_err(format!("{name}: parsing an FDE"), e))?;
                fde_count += 1;
                let cie = match cies.get(&fde.cie().offset()) {
                    Some(n) => format!("CIE #{n}"),
                    None => "CIE later in section".to_string(),
                };
                let count = count_instructions(fde.instructions(section, bases), name)?;
                lines.push(format!("    FDE ({cie}): {count} instructions"));
            }
        }
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let _ = writeln!(
        out,
        "  {name}: {} CIE{}, {fde_count} FDE{}",
        cies.len(),
        plural(cies.len()),
        plural(fde_count)
    );
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    Ok(())
}
