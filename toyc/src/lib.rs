//! toyc, the reference compiler for the Toy language (see the package's
//! README.md), as a library: the front end ([`front::compile_front`]:
//! source bytes to the typed IR or a diagnostic), the code generators
//! ([`codegen::compile`]: typed IR to a relocatable object with debug info
//! through dwarfsmith) and the link step ([`link::link`]). The `toyc`
//! binary is the command line over these three.

pub mod codegen;
pub(crate) mod debuginfo;
pub mod front;
pub mod link;
pub mod run;
#[cfg(any(feature = "llvm19", feature = "llvm22"))]
pub mod run_llvm;
