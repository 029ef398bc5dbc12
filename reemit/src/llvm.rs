//! `--backend llvm`: the same re-emission through dwarfsmith's LLVM
//! backend (DIBuilder), compiled to an object by LLVM. Each pass needs its
//! own LLVM context (one compile unit per context); the contexts of a run
//! live until the process exits.

use dwarfsmith::backend::llvm::{LlvmBackend, LlvmContext, LlvmModule, LlvmOptions};
use dwarfsmith::{DebugContext, Error};

use crate::dies::Dies;
use crate::emit::{self, Summary};

/// Re-emits `dies` with the LLVM backend into an object's bytes.
pub fn run(dies: &Dies, version: u16, verbose: bool) -> (Result<Vec<u8>, String>, Summary) {
    let mut modules: Vec<&'static LlvmModule<'static>> = Vec::new();
    // LLVM's composite types have no linkage name.
    let (out, sum) = emit::reemit(
        dies,
        (verbose, false),
        &mut |cu| {
            // One context per pass, kept for the process's lifetime: the
            // backend borrows the module, which borrows the context.
            let ctx: &'static LlvmContext = Box::leak(Box::new(LlvmContext::new()));
            let name = cu.name.to_string_lossy();
            let module: &'static LlvmModule<'static> =
                Box::leak(Box::new(ctx.create_module(&name)?));
            modules.push(module);
            let backend = LlvmBackend::new(
                module,
                LlvmOptions {
                    dwarf_version: version,
                },
            )?;
            DebugContext::new(backend, cu)
        },
        &mut |cx, symbol, size| {
            let module = cx.backend().module();
            let ctx = module.context();
            let ty = ctx.array_type(ctx.int_type(8)?, size)?;
            module.add_global(symbol, ty, None).map(|_| ())
        },
    );
    let bytes = out.and_then(|()| {
        modules
            .last()
            .ok_or_else(|| Error::new(dwarfsmith::ErrorKind::Backend, "no module"))?
            .emit_object()
    });
    (bytes.map_err(|e| format!("re-emission failed: {e}")), sum)
}
