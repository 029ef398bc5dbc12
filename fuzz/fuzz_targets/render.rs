//! `render_object` on arbitrary bytes must never panic, overflow the stack
//! or hang (it may return an error). `scripts/fuzz render` seeds the corpus
//! with the real objects of `tests/data/` so mutations start past the ELF
//! and DWARF headers.
#![no_main]

use dwarfsmith::render::{render_object, RenderOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let all = RenderOptions {
        line_table: true,
        call_frames: true,
        path_prefix: Some(("/".into(), "$ROOT/".into())),
    };
    let _ = render_object(data, &all);
});
