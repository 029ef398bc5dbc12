//! Value labels: where Cranelift's register allocator kept each labelled
//! value over the compiled code (`CompiledCode::value_labels_ranges`, when
//! the function collected debug info and the frontend called
//! `FunctionBuilder::set_val_label`), as location ranges for
//! [`DebugContext::set_variable_locations`](crate::DebugContext::set_variable_locations).

#![forbid(unsafe_code)]

use cranelift_codegen::ir::ValueLabel;
use cranelift_codegen::isa::TargetIsa;
use cranelift_codegen::{CompiledCode, LabelValueLoc};

use crate::error::{Error, ErrorKind, Result};
use crate::locations::{LocationRange, ValueLocation};

/// The location ranges of `label` in `code`: registers as DWARF registers,
/// spill slots as offsets from the canonical frame address. Ranges come
/// sorted and without overlap (where the allocator reports a value in two
/// places at once, the place that holds it first is kept); empty when the
/// label has no ranges (never live, or debug info was not collected).
pub fn value_label_locations(
    code: &CompiledCode,
    isa: &dyn TargetIsa,
    label: ValueLabel,
) -> Result<Vec<LocationRange>> {
    let Some(ranges) = code.value_labels_ranges.get(&label) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<LocationRange> = Vec::with_capacity(ranges.len());
    let mut sorted: Vec<_> = ranges.iter().filter(|r| r.start < r.end).collect();
    sorted.sort_by_key(|r| (r.start, r.end));
    for r in sorted {
        let location = match r.loc {
            LabelValueLoc::Reg(reg) => {
                ValueLocation::Register(isa.map_regalloc_reg_to_dwarf(reg).map_err(|e| {
                    Error::new(
                        ErrorKind::Unsupported,
                        format!("value label {label:?}: register {reg:?} has no DWARF number on {} ({e:?})", isa.name()),
                    )
                })?)
            }
            LabelValueLoc::CFAOffset(off) => ValueLocation::FrameOffset(off),
        };
        let (mut start, end) = (u64::from(r.start), u64::from(r.end));
        if let Some(last) = out.last_mut() {
            if start < last.end {
                // Overlap: keep the earlier place up to its end.
                start = last.end;
                if start >= end {
                    continue;
                }
            }
            if last.end == start && last.location == location {
                last.end = end;
                continue;
            }
        }
        out.push(LocationRange {
            start,
            end,
            location,
        });
    }
    Ok(out)
}
