//! LLVM-backend fixtures: a small hand-built program (a function with
//! parameters, a local in a nested block, a call chain, a global, a
//! recursive struct), linking, and the debuggers.

use std::path::{Path, PathBuf};
use std::process::Command;

use dwarfsmith::backend::llvm::{LlvmBackend, LlvmContext, LlvmModule, LlvmOptions};
use dwarfsmith::{CompileUnit, DebugContext, FrontendTy, FunctionDesc, GlobalDesc, Language};

use super::{base, field, ptr, save, strukt, Table};
use dwarfsmith::BaseEncoding;

pub const I32: u64 = 1;
pub const I64: u64 = 2;
pub const LIST: u64 = 10;
pub const LIST_PTR: u64 = 1010;

pub fn cu() -> CompileUnit {
    CompileUnit {
        producer: "dwarfsmith llvm tests".into(),
        language: Language::C11,
        name: "prog.c".into(),
        comp_dir: "/work/prog".into(),
    }
}

pub fn table() -> Table {
    let mut t = Table::default();
    t.add(I32, base("int", 4, BaseEncoding::Signed));
    t.add(I64, base("long", 8, BaseEncoding::Signed));
    t.add(
        LIST,
        strukt(
            LIST,
            "List",
            16,
            vec![field("value", I64, 0), field("next", LIST_PTR, 8)],
            None,
        ),
    );
    t.add(LIST_PTR, ptr(LIST));
    t
}

/// The program, line by line (the DWARF refers to these lines):
///
/// ```c
///  1 struct List { long value; struct List *next; };
///  2 long counter = 7;
///  3 int leaf(int x, int y) {
///  4   int sum = x + y;
///  5   {
///  6     int prod = sum * 2;
///  7     return prod;
///  8   }
///  9 }
/// 10 int middle(int a) {
/// 11   return leaf(a, 3);
/// 12 }
/// 13 int main(void) {
/// 14   struct List node = {0};
/// 15   return middle(4) - 14;
/// 16 }
/// ```
pub fn build_program(version: u16) -> (Vec<u8>, String) {
    let ctx = LlvmContext::new();
    let module = ctx.create_module("prog").unwrap();
    let object = fill_program(&module, version);
    (object, module.print_to_string().unwrap())
}

pub fn fill_program(module: &LlvmModule<'_>, version: u16) -> Vec<u8> {
    let ctx = module.context();
    let i32t = ctx.int_type(32).unwrap();
    let i64t = ctx.int_type(64).unwrap();
    let list_t = ctx.array_type(i64t, 2).unwrap();
    let leaf_t = ctx.function_type(i32t, &[i32t, i32t], false).unwrap();
    let middle_t = ctx.function_type(i32t, &[i32t], false).unwrap();
    let main_t = ctx.function_type(i32t, &[], false).unwrap();
    let leaf = module.add_function("leaf", leaf_t).unwrap();
    let middle = module.add_function("middle", middle_t).unwrap();
    let main = module.add_function("main", main_t).unwrap();
    let c7 = ctx.const_int(i64t, 7).unwrap();
    module.add_global("counter", i64t, Some(c7)).unwrap();
    let builder = module.create_builder();

    let backend = LlvmBackend::new(
        module,
        LlvmOptions {
            dwarf_version: version,
        },
    )
    .unwrap();
    let mut cx = DebugContext::new(backend, &cu()).unwrap();
    cx.set_llvm_builder(&builder).unwrap();
    let mut t = table();
    let file = cx.file(Path::new("prog.c")).unwrap();
    let int = cx.resolve_type(&mut t, FrontendTy(I32)).unwrap();
    let long = cx.resolve_type(&mut t, FrontendTy(I64)).unwrap();
    let list = cx.resolve_type(&mut t, FrontendTy(LIST)).unwrap();
    cx.define_global(&GlobalDesc {
        name: "counter",
        linkage_name: "counter",
        namespace: None,
        ty: long,
        file,
        line: 2,
        external: true,
    })
    .unwrap();
    let fdesc =
        |name: &'static str, line: u32, params: &'static [dwarfsmith::TypeRef]| FunctionDesc {
            name,
            linkage_name: name,
            namespace: None,
            file,
            line,
            ret: Some(int),
            params,
            external: true,
            method_of: None,
        };
    let two: &'static [dwarfsmith::TypeRef] = Box::leak(Box::new([int, int]));
    let one: &'static [dwarfsmith::TypeRef] = Box::leak(Box::new([int]));

    // leaf: parameters spilled in the prologue, a local, a nested block.
    let f = cx.define_function(&fdesc("leaf", 3, two)).unwrap();
    cx.attach_llvm_function(f, leaf).unwrap();
    let fs = cx.function_scope(f).unwrap();
    let entry = leaf.append_block("entry").unwrap();
    builder.position_at_end(entry).unwrap();
    cx.enter_function(f).unwrap();
    let x = cx.declare_parameter(f, "x", 1, int, 3, 14).unwrap();
    let y = cx.declare_parameter(f, "y", 2, int, 3, 21).unwrap();
    let xa = builder.alloca(i32t, "x.addr").unwrap();
    let ya = builder.alloca(i32t, "y.addr").unwrap();
    let suma = builder.alloca(i32t, "sum").unwrap();
    let proda = builder.alloca(i32t, "prod").unwrap();
    builder.store(leaf.param(0).unwrap(), xa).unwrap();
    builder.store(leaf.param(1).unwrap(), ya).unwrap();
    cx.declare_llvm_variable(x, xa, entry).unwrap();
    cx.declare_llvm_variable(y, ya, entry).unwrap();
    cx.start_emitting_source_locations().unwrap();
    cx.set_source_location(fs, 4, 3).unwrap();
    let sum = cx.declare_local(fs, "sum", int, 4, 7).unwrap();
    cx.declare_llvm_variable(sum, suma, entry).unwrap();
    let a = builder.load(i32t, xa, "").unwrap();
    let b = builder.load(i32t, ya, "").unwrap();
    let s = builder.add(a, b, "").unwrap();
    builder.store(s, suma).unwrap();
    let blk = cx.lexical_block(fs, file, 5, 3).unwrap();
    cx.set_source_location(blk, 6, 5).unwrap();
    let prod = cx.declare_local(blk, "prod", int, 6, 9).unwrap();
    cx.declare_llvm_variable(prod, proda, entry).unwrap();
    let v = builder.load(i32t, suma, "").unwrap();
    let p = builder.mul(v, ctx.const_int(i32t, 2).unwrap(), "").unwrap();
    builder.store(p, proda).unwrap();
    cx.set_source_location(blk, 7, 5).unwrap();
    let r = builder.load(i32t, proda, "").unwrap();
    builder.ret(Some(r)).unwrap();
    cx.exit_function().unwrap();

    // middle: found by its linkage name (no explicit attach).
    let f = cx.define_function(&fdesc("middle", 10, one)).unwrap();
    let fs = cx.function_scope(f).unwrap();
    let entry = middle.append_block("entry").unwrap();
    builder.position_at_end(entry).unwrap();
    cx.enter_function(f).unwrap();
    let av = cx.declare_parameter(f, "a", 1, int, 10, 16).unwrap();
    let aa = builder.alloca(i32t, "a.addr").unwrap();
    builder.store(middle.param(0).unwrap(), aa).unwrap();
    cx.declare_llvm_variable(av, aa, entry).unwrap();
    cx.start_emitting_source_locations().unwrap();
    cx.set_source_location(fs, 11, 10).unwrap();
    let a = builder.load(i32t, aa, "").unwrap();
    let r = builder
        .call(leaf, &[a, ctx.const_int(i32t, 3).unwrap()], "r")
        .unwrap();
    builder.ret(Some(r)).unwrap();
    cx.exit_function().unwrap();

    // main: a recursive struct local.
    let f = cx.define_function(&fdesc("main", 13, &[])).unwrap();
    let fs = cx.function_scope(f).unwrap();
    let entry = main.append_block("entry").unwrap();
    builder.position_at_end(entry).unwrap();
    cx.enter_function(f).unwrap();
    let nodea = builder.alloca(list_t, "node").unwrap();
    cx.start_emitting_source_locations().unwrap();
    cx.set_source_location(fs, 14, 15).unwrap();
    let node = cx.declare_local(fs, "node", list, 14, 15).unwrap();
    cx.declare_llvm_variable(node, nodea, entry).unwrap();
    builder
        .store(ctx.const_zero(list_t).unwrap(), nodea)
        .unwrap();
    cx.set_source_location(fs, 15, 10).unwrap();
    let r = builder
        .call(middle, &[ctx.const_int(i32t, 4).unwrap()], "r")
        .unwrap();
    let r = builder
        .add(r, ctx.const_int(i32t, (-14i32) as u64).unwrap(), "")
        .unwrap();
    builder.ret(Some(r)).unwrap();
    cx.exit_function().unwrap();

    let _ = list;
    cx.finish().unwrap();
    module.emit_object().unwrap()
}

/// Links `object` into an executable with the system C compiler.
pub fn link(name: &str, object: &[u8]) -> PathBuf {
    let o = save(&format!("{name}.o"), object);
    let exe = o.with_extension("exe");
    let out = Command::new("cc")
        .arg("-o")
        .arg(&exe)
        .arg(&o)
        .output()
        .expect("run cc");
    assert!(
        out.status.success(),
        "cc failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}
