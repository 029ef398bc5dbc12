//! The fuzzer's input as a stream of choices, and the value tables the
//! choices pick from (names, sizes, alignments, offsets, lines, columns).

/// Reads the input byte by byte; zeros once exhausted.
pub(crate) struct Bytes<'a> {
    pub(crate) data: &'a [u8],
    pub(crate) pos: usize,
}

impl Bytes<'_> {
    pub(crate) fn u8(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }
    pub(crate) fn done(&self) -> bool {
        self.pos >= self.data.len()
    }
    pub(crate) fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[self.u8() as usize % v.len()]
    }
    pub(crate) fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }
}

pub(crate) const NAMES: &[&str] = &["a", "b", "S", "T", "", "x\0y", "élan", "Vec<T>", "a", "tag"];
pub(crate) const SIZES: &[u64] = &[0, 1, 2, 3, 4, 8, 16, 17, 24, 1 << 40, u64::MAX];
pub(crate) const ALIGNS: &[u32] = &[0, 1, 2, 3, 4, 8, 16, u32::MAX];
pub(crate) const OFFSETS: &[u64] = &[0, 0, 4, 8, 8, 16, 24, u64::MAX];
pub(crate) const LINES: &[u32] = &[0, 1, 2, 3, 7, 100, u32::MAX];
pub(crate) const COLS: &[u32] = &[0, 1, 5, 65535, 65536, u32::MAX];
