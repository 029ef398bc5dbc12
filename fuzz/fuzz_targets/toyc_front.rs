//! toyc's front end (lexer, parser, resolver, checker, layout, constant
//! evaluation) on arbitrary bytes: it must return a program or a
//! diagnostic, never panic, overflow the stack or hang.
#![no_main]
#![allow(dead_code)]

use libfuzzer_sys::fuzz_target;

#[path = "../../examples/toyc/ast.rs"]
mod ast;
#[path = "../../examples/toyc/check.rs"]
mod check;
#[path = "../../examples/toyc/check_call.rs"]
mod check_call;
#[path = "../../examples/toyc/check_expr.rs"]
mod check_expr;
#[path = "../../examples/toyc/consteval.rs"]
mod consteval;
#[path = "../../examples/toyc/cycles.rs"]
mod cycles;
#[path = "../../examples/toyc/diag.rs"]
mod diag;
#[path = "../../examples/toyc/front.rs"]
mod front;
#[path = "../../examples/toyc/hir.rs"]
mod hir;
#[path = "../../examples/toyc/lexer.rs"]
mod lexer;
#[path = "../../examples/toyc/parser.rs"]
mod parser;
#[path = "../../examples/toyc/parser_expr.rs"]
mod parser_expr;
#[path = "../../examples/toyc/resolve.rs"]
mod resolve;
#[path = "../../examples/toyc/types.rs"]
mod types;

fuzz_target!(|data: &[u8]| {
    let _ = front::compile_front(std::path::Path::new("fuzz.toy"), data);
});
