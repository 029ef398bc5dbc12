//! Source locations: [`LocToken`] to Cranelift's `SourceLoc` and back, and
//! the compiled code's per-instruction locations as [`CodeRow`]s.

#![forbid(unsafe_code)]

use cranelift_codegen::ir::SourceLoc;
use cranelift_codegen::CompiledCode;

use crate::handles::LocToken;
use crate::lines::CodeRow;

/// What Cranelift attaches to instructions for a location token: the
/// token's bits, or the default ("no location") `SourceLoc` for `None`.
///
/// ```
/// use dwarfsmith::cranelift::{loc_token, srcloc};
/// use dwarfsmith::LocToken;
/// assert!(srcloc(None).is_default());
/// assert_eq!(loc_token(srcloc(Some(LocToken(7)))), Some(LocToken(7)));
/// ```
pub fn srcloc(token: Option<LocToken>) -> cranelift_codegen::ir::SourceLoc {
    token.map_or(SourceLoc::default(), |t| SourceLoc::new(t.0))
}

/// The location token a `SourceLoc` carries (`None` for the default
/// location, which no token ever equals).
pub fn loc_token(loc: SourceLoc) -> Option<LocToken> {
    (!loc.is_default()).then(|| LocToken(loc.bits()))
}

/// The code size of a compiled function and its code rows for
/// [`DebugContext::define_function_code`](crate::DebugContext::define_function_code):
/// Cranelift's per-instruction source locations
/// (`buffer.get_srclocs_sorted()`), with the gaps between them and the
/// default location reported as "no location", equal neighbours merged, and
/// no row at the end offset.
pub fn code_rows(code: &CompiledCode) -> (u64, Vec<CodeRow>) {
    let size = u64::from(code.buffer.total_size());
    let ranges = code
        .buffer
        .get_srclocs_sorted()
        .iter()
        .map(|s| (u64::from(s.start), u64::from(s.end), loc_token(s.loc)));
    (size, rows_from_ranges(size, ranges))
}

/// [`code_rows`] on plain `(start, end, token)` ranges sorted by start.
pub(crate) fn rows_from_ranges(
    size: u64,
    ranges: impl IntoIterator<Item = (u64, u64, Option<LocToken>)>,
) -> Vec<CodeRow> {
    let mut rows: Vec<CodeRow> = Vec::new();
    let mut push = |offset: u64, loc: Option<LocToken>| {
        if offset >= size {
            return;
        }
        match rows.last_mut() {
            Some(last) if last.offset == offset => {
                last.loc = loc;
                // The replaced row may now repeat its predecessor.
                let n = rows.len();
                if n >= 2 && rows.get(n - 2).map(|r| r.loc) == Some(loc) {
                    rows.pop();
                }
            }
            Some(last) if last.loc == loc => {}
            _ => rows.push(CodeRow { offset, loc }),
        }
    };
    let mut prev_end = 0u64;
    for (start, end, loc) in ranges {
        if start < prev_end {
            // Overlapping ranges (not produced by Cranelift): the later one
            // starts where the earlier one ended.
            push(prev_end, loc);
        } else {
            if start > prev_end {
                push(prev_end, None);
            }
            push(start, loc);
        }
        prev_end = prev_end.max(end);
    }
    push(prev_end, None);
    join_inner_gaps(rows)
}

/// An unlocated row between two rows of the same location joins them:
/// code Cranelift made without a location (an instruction its optimizer
/// created, such as a shift replacing a multiplication) in the middle of
/// one location's code belongs to that location. Left unlocated, it would
/// be a line-0 row that `next` stops at, and a hole in its scope's code
/// ranges, which debuggers take for the end of an inlined call.
fn join_inner_gaps(rows: Vec<CodeRow>) -> Vec<CodeRow> {
    let mut out: Vec<CodeRow> = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while let Some(r) = rows.next() {
        let joins = r.loc.is_none()
            && out.last().and_then(|p| p.loc).is_some()
            && rows.peek().map(|n| n.loc) == out.last().map(|p| p.loc);
        if joins {
            rows.next();
            continue;
        }
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(offset: u64, loc: Option<u32>) -> CodeRow {
        CodeRow {
            offset,
            loc: loc.map(LocToken),
        }
    }

    #[test]
    fn gaps_become_unlocated_rows_and_the_end_offset_gets_none() {
        let t = |n| Some(LocToken(n));
        let rows = rows_from_ranges(20, [(4, 8, t(1)), (8, 12, t(1)), (14, 20, t(2))]);
        assert_eq!(
            rows,
            [
                row(0, None),
                row(4, Some(1)),
                row(12, None),
                row(14, Some(2))
            ]
        );
    }

    /// An unlocated row inside one location's code joins it; one between
    /// two different locations (or at either end) stays.
    #[test]
    fn an_unlocated_row_between_equal_locations_joins_them() {
        let t = |n| Some(LocToken(n));
        let rows = rows_from_ranges(
            30,
            [
                (0, 4, t(1)),
                (6, 10, t(1)),
                (10, 12, None),
                (12, 20, t(2)),
                (22, 26, t(3)),
            ],
        );
        assert_eq!(
            rows,
            [
                row(0, Some(1)),
                row(10, None),
                row(12, Some(2)),
                row(20, None),
                row(22, Some(3)),
                row(26, None)
            ]
        );
    }

    #[test]
    fn default_locations_are_unlocated_and_merge_with_gaps() {
        let rows = rows_from_ranges(10, [(0, 3, None), (3, 6, Some(LocToken(5))), (6, 10, None)]);
        assert_eq!(rows, [row(0, None), row(3, Some(5)), row(6, None)]);
    }

    #[test]
    fn empty_ranges_at_one_offset_keep_the_last_location() {
        let rows = rows_from_ranges(8, [(0, 0, Some(LocToken(1))), (0, 8, Some(LocToken(2)))]);
        assert_eq!(rows, [row(0, Some(2))]);
    }

    #[test]
    fn a_replaced_row_equal_to_its_predecessor_is_dropped() {
        let t = |n| Some(LocToken(n));
        let rows = rows_from_ranges(8, [(0, 4, t(1)), (4, 4, t(2)), (4, 8, t(1))]);
        assert_eq!(rows, [row(0, Some(1))]);
    }

    #[test]
    fn overlapping_ranges_start_where_the_previous_one_ended() {
        let t = |n| Some(LocToken(n));
        let rows = rows_from_ranges(12, [(0, 8, t(1)), (4, 12, t(2))]);
        assert_eq!(rows, [row(0, Some(1)), row(8, Some(2))]);
    }

    #[test]
    fn tokens_round_trip_and_the_default_location_is_none() {
        assert_eq!(loc_token(SourceLoc::default()), None);
        assert_eq!(loc_token(srcloc(Some(LocToken(0)))), Some(LocToken(0)));
        assert!(srcloc(None).is_default());
    }
}
