//! The front end: lexer, parser, name resolution, type checking, layout
//! and constant evaluation, from source bytes to the typed IR
//! ([`hir::Program`]) both codegens read. [`compile_front`] is its single
//! entry point.

pub(crate) mod ast;
pub(crate) mod check;
pub(crate) mod check_call;
pub(crate) mod check_expr;
pub(crate) mod consteval;
pub(crate) mod cycles;
pub mod diag;
pub mod hir;
pub(crate) mod lexer;
pub(crate) mod parser;
pub(crate) mod parser_expr;
pub(crate) mod resolve;
pub(crate) mod types;

#[cfg(test)]
mod tests;

use diag::Diagnostic;

/// Stack size of the worker thread: recursion is bounded by the nesting
/// limit, and this leaves a wide margin even for unoptimised builds.
const STACK_SIZE: usize = 64 << 20;

fn run(file: &str, src: &[u8]) -> Result<hir::Program, Diagnostic> {
    let go = || {
        let toks = lexer::lex(src)?;
        let items = parser::parse_program(toks)?;
        check::check_program(&items)
    };
    go().map_err(|e| e.into_diagnostic(file))
}

/// Lexes, parses, resolves, type-checks and lays out `src` (the contents
/// of `path`), returning the typed IR or the first error. `path` is used
/// verbatim as the diagnostic's file name. The work runs on a scoped
/// thread with a large stack (falling back to the caller's thread).
pub fn compile_front(path: &std::path::Path, src: &[u8]) -> Result<hir::Program, Diagnostic> {
    let file = path.display().to_string();
    let f = file.as_str();
    let res = std::thread::scope(|s| {
        let h = std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn_scoped(s, move || run(f, src));
        match h {
            Ok(h) => h.join().ok(),
            Err(_) => None,
        }
    });
    match res {
        Some(r) => r,
        None => run(&file, src),
    }
}

/// As [`compile_front`], on the calling thread, whose stack must be able to
/// grow to `STACK_SIZE` (64 MiB): for `toyc run`, which starts no thread
/// (debuggers would then name the thread of every stop).
pub fn compile_front_on_this_thread(
    path: &std::path::Path,
    src: &[u8],
) -> Result<hir::Program, Diagnostic> {
    run(&path.display().to_string(), src)
}
