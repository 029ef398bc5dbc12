//! Variable locations that change over a function's code (optimized code):
//! per address range a register, memory at a register plus an offset, a
//! frame offset, a constant, pieces of those, or nothing. Written as
//! location lists (`.debug_loc` / `.debug_loclists`) by the gimli backend.

#![forbid(unsafe_code)]

use crate::error::{err, ErrorKind, Result};

/// Where a variable's value is over one range of code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ValueLocation {
    /// The value is in this DWARF register (`DW_OP_regN`).
    Register(u16),
    /// The value is in memory at this register plus `offset` (`DW_OP_bregN`).
    Memory {
        /// DWARF register number.
        register: u16,
        /// Byte offset.
        offset: i64,
    },
    /// The value is in memory at this offset from the canonical frame
    /// address (`DW_OP_fbreg`, the frame base being `DW_OP_call_frame_cfa`).
    FrameOffset(i64),
    /// The value is this constant, sign-extended to the variable's size
    /// (`DW_OP_consts`, `DW_OP_stack_value`).
    Constant(i64),
    /// The value's bytes (`DW_OP_implicit_value`), for constants that do not
    /// fit an `i64` (floats, small structs).
    Bytes(Vec<u8>),
    /// Parts of the value in different places, lowest bytes first
    /// (`DW_OP_piece`); a part without a location is optimized out. At most
    /// the type's size; less is completed with a part without location.
    Pieces(Vec<Piece>),
}

/// One part of a value split across places.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Piece {
    /// Where this part is; `None`: optimized out. Not itself `Pieces`.
    pub location: Option<ValueLocation>,
    /// Size of the part in bytes.
    pub size: u32,
}

/// A variable's location over `[start, end)`, byte offsets from the start
/// of its function's code. Code outside every range of a variable has no
/// location for it: the debugger shows it as optimized out.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LocationRange {
    /// First byte (offset from the function start).
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
    /// Where the value is.
    pub location: ValueLocation,
}

/// Checks a variable's location ranges: non-empty, increasing,
/// non-overlapping, inside the function's `size` bytes, pieces not nested
/// and not empty, no more bytes than the variable's `value_size` (implicit
/// bytes exactly that many, or exactly their piece's size). Returns the
/// ranges to write: `None` when they are fine as given, or a copy in which
/// each list of pieces that covers less than `value_size` ends with a
/// piece without location for the rest, so that debuggers read the rest
/// as optimized out (lldb-19 reads bytes past the last piece as zeros).
pub(crate) fn check_ranges(
    var: &str,
    func: &str,
    size: u64,
    value_size: u64,
    ranges: &[LocationRange],
) -> Result<Option<Vec<LocationRange>>> {
    let mut short = false;
    let mut prev_end = 0;
    for (i, r) in ranges.iter().enumerate() {
        if r.start >= r.end {
            return err(
                ErrorKind::InvalidLocation,
                format!(
                    "location range {i} of `{var}` is [{}, {}): a range must contain at least one byte",
                    r.start, r.end
                ),
            );
        }
        if i > 0 && r.start < prev_end {
            return err(
                ErrorKind::InvalidLocation,
                format!(
                    "location ranges of `{var}` overlap or are out of order: [{}, {}) starts before the previous range ends ({prev_end}); give each address one location, ranges sorted by address",
                    r.start, r.end
                ),
            );
        }
        if r.end > size {
            return err(
                ErrorKind::InvalidLocation,
                format!(
                    "location range [{}, {}) of `{var}` ends past the {size} bytes of `{func}`'s code",
                    r.start, r.end
                ),
            );
        }
        prev_end = r.end;
        if let ValueLocation::Pieces(ps) = &r.location {
            if ps.is_empty() {
                return err(
                    ErrorKind::InvalidLocation,
                    format!("location range {i} of `{var}` has no pieces"),
                );
            }
            let mut total = 0u64;
            for p in ps {
                if p.size == 0 || matches!(p.location, Some(ValueLocation::Pieces(_))) {
                    return err(
                        ErrorKind::InvalidLocation,
                        format!(
                            "location range {i} of `{var}`: a piece has a size of at least one byte and is not itself made of pieces"
                        ),
                    );
                }
                if let Some(ValueLocation::Bytes(b)) = &p.location {
                    if b.len() as u64 != u64::from(p.size) {
                        return err(
                            ErrorKind::InvalidLocation,
                            format!(
                                "location range {i} of `{var}`: a piece of {} bytes holds {} implicit bytes; give it exactly its size",
                                p.size,
                                b.len()
                            ),
                        );
                    }
                }
                total += u64::from(p.size);
            }
            if total > value_size {
                return err(
                    ErrorKind::InvalidLocation,
                    format!(
                        "location range {i} of `{var}`: its pieces cover {total} bytes, more than the {value_size} of the variable's type"
                    ),
                );
            }
            short |= total < value_size;
        }
        if let ValueLocation::Bytes(b) = &r.location {
            if b.len() as u64 != value_size {
                return err(
                    ErrorKind::InvalidLocation,
                    format!(
                        "location range {i} of `{var}`: {} implicit bytes for a value of {value_size} bytes; give all of the value's bytes (or pieces)",
                        b.len()
                    ),
                );
            }
        }
    }
    if !short {
        return Ok(None);
    }
    let padded = ranges
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if let ValueLocation::Pieces(ps) = &mut r.location {
                let total: u64 = ps.iter().map(|p| u64::from(p.size)).sum();
                // `total <= value_size` (checked above). A rest of 4 GiB or
                // more (a piece's size is a u32) stays undescribed: one
                // piece per 4 GiB would let a huge type's size cost memory.
                let rest = value_size.saturating_sub(total);
                if let Ok(size @ 1..) = u32::try_from(rest) {
                    ps.push(Piece {
                        location: None,
                        size,
                    });
                }
            }
            r
        })
        .collect();
    Ok(Some(padded))
}
