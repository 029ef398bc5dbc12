//! The `-O` figures DESIGN.md, DEBUGGING.md and toyc/README.md quote for
//! the 16 example programs, measured on every run: `.text` of the objects
//! (gimli at -O0, -O and `-O --no-debug`; LLVM at -O0 and -O when the llvm
//! backend is tested), the calls toyc inlines (`DW_TAG_inlined_subroutine`
//! per program), the variables with location lists, and the functions left
//! without code once every call of them is inlined. A change of any of
//! them fails here, so the documents are updated with it.

#[allow(dead_code)] // toyc_path, backends, require_tool and DWARFDUMP are used here
mod debugger;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use object::{Object, ObjectSection, ObjectSymbol};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `toyc build PROGRAM -o DIR/NAME ARGS` (DIR from `label`): the object.
fn build(toyc: &Path, program: &Path, label: &str, args: &[&str]) -> PathBuf {
    let name = program.file_stem().expect("a file name");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("opt_figures")
        .join(label);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    debugger::compile_with(toyc, program, &dir.join(name), args).unwrap_or_else(|e| panic!("{e}"))
}

/// Size of the object's `.text`.
fn text_size(obj: &Path) -> u64 {
    let data = std::fs::read(obj).unwrap_or_else(|e| panic!("{}: {e}", obj.display()));
    let file = object::File::parse(&*data).unwrap_or_else(|e| panic!("{}: {e}", obj.display()));
    file.section_by_name(".text").map_or(0, |s| s.size())
}

/// The names of the object's defined function symbols.
fn functions(obj: &Path) -> Vec<String> {
    let data = std::fs::read(obj).unwrap_or_else(|e| panic!("{}: {e}", obj.display()));
    let file = object::File::parse(&*data).unwrap_or_else(|e| panic!("{}: {e}", obj.display()));
    file.symbols()
        .filter(|s| s.kind() == object::SymbolKind::Text && s.is_definition())
        .filter_map(|s| s.name().ok().map(str::to_string))
        .collect()
}

/// `llvm-dwarfdump-19 --debug-info OBJ`.
fn debug_info(obj: &Path) -> String {
    let out = Command::new(debugger::DWARFDUMP)
        .arg("--debug-info")
        .arg(obj)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", debugger::DWARFDUMP));
    assert!(
        out.status.success(),
        "{} failed on {}",
        debugger::DWARFDUMP,
        obj.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// DIEs with this tag in a `--debug-info` dump.
fn count_tag(dump: &str, tag: &str) -> usize {
    dump.lines()
        .filter(|l| l.split_whitespace().nth(1) == Some(tag))
        .count()
}

/// Variables and parameters whose `DW_AT_location` is a location list
/// (llvm-dwarfdump prints the list's offset or index, `(0x…` or
/// `(indexed (…) loclist`; a single expression prints as `(DW_OP_…`).
fn location_lists(dump: &str) -> usize {
    dump.lines()
        .map(str::trim)
        .filter(|l| {
            l.strip_prefix("DW_AT_location")
                .map(str::trim_start)
                .is_some_and(|v| v.starts_with("(0x") || v.starts_with("(indexed"))
        })
        .count()
}

/// The figures the documents quote (DESIGN.md "toyc -O", toyc/README.md
/// `-O`, DEBUGGING.md "The homes of `let`s").
const GIMLI_TEXT_O0: u64 = 8970;
const GIMLI_TEXT_O: u64 = 8697;
const GIMLI_TEXT_O_NO_DEBUG: u64 = 8446;
const INLINED: &[(&str, usize)] = &[("inventory", 1), ("matrix", 1), ("stack_machine", 8)];
const LOCATION_LISTS: usize = 33;
const WITHOUT_CODE: &[&str] = &["dot", "store::accept", "vm::pop", "vm::push"];
const LLVM_TEXT_O0: u64 = 6881;
const LLVM_TEXT_O: u64 = 1099;

#[test]
fn o_figures_match_the_documents() {
    debugger::require_tool(debugger::DWARFDUMP).unwrap_or_else(|e| panic!("{e}"));
    let toyc = debugger::toyc_path(manifest_dir()).unwrap_or_else(|e| panic!("{e}"));
    let mut text = BTreeMap::<&str, u64>::new();
    let mut inlined = Vec::new();
    let mut lists = 0;
    let mut without_code = Vec::new();
    for program in debugger::example_programs() {
        let name = program
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let o0 = build(&toyc, &program, "gimli-O0", &[]);
        let o = build(&toyc, &program, "gimli-O", &["-O"]);
        let nd = build(&toyc, &program, "gimli-O-no-debug", &["-O", "--no-debug"]);
        *text.entry("gimli -O0").or_default() += text_size(&o0);
        *text.entry("gimli -O").or_default() += text_size(&o);
        *text.entry("gimli -O --no-debug").or_default() += text_size(&nd);
        let dump = debug_info(&o);
        let n = count_tag(&dump, "DW_TAG_inlined_subroutine");
        if n > 0 {
            inlined.push((name.clone(), n));
        }
        lists += location_lists(&dump);
        let at_o = functions(&o);
        without_code.extend(functions(&o0).into_iter().filter(|f| !at_o.contains(f)));
        if debugger::backends().contains(&"llvm") {
            let l0 = build(&toyc, &program, "llvm-O0", &["--backend", "llvm"]);
            let lo = build(&toyc, &program, "llvm-O", &["--backend", "llvm", "-O"]);
            *text.entry("llvm -O0").or_default() += text_size(&l0);
            *text.entry("llvm -O").or_default() += text_size(&lo);
        }
    }
    without_code.sort();
    println!("`.text` of the 16 objects: {text:?}");
    println!("inlined calls: {inlined:?}; variables with location lists: {lists}");
    println!("functions without code at -O: {without_code:?}");

    let mut expected = BTreeMap::from([
        ("gimli -O0", GIMLI_TEXT_O0),
        ("gimli -O", GIMLI_TEXT_O),
        ("gimli -O --no-debug", GIMLI_TEXT_O_NO_DEBUG),
    ]);
    if debugger::backends().contains(&"llvm") {
        expected.insert("llvm -O0", LLVM_TEXT_O0);
        expected.insert("llvm -O", LLVM_TEXT_O);
    }
    assert_eq!(text, expected, "`.text` sizes (update the documents too)");
    let want: Vec<(String, usize)> = INLINED.iter().map(|(p, n)| (p.to_string(), *n)).collect();
    assert_eq!(inlined, want, "inlined calls per program");
    assert_eq!(lists, LOCATION_LISTS, "variables with location lists");
    assert_eq!(without_code, WITHOUT_CODE, "functions without code at -O");
}
