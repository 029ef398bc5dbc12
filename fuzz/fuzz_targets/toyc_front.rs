//! toyc's front end (lexer, parser, resolver, checker, layout, constant
//! evaluation) on arbitrary bytes: it must return a program or a
//! diagnostic, never panic, overflow the stack or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = toyc::front::compile_front(std::path::Path::new("fuzz.toy"), data);
});
