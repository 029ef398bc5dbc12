//! The types of `tests/data/cxx_templates.cpp` as descriptions, g++'s object
//! for it, and how lldb's reading of an object is compared (shared by
//! `cxx_templates.rs` and `llvm_templates.rs`).

use std::process::Command;

use super::common::{Table, INSTALL};
use dwarfsmith::*;

const CHAR: u64 = 1;
const INT: u64 = 2;
const LONG: u64 = 3;
const SHORT: u64 = 4;

fn key(id: u64) -> NominalKey {
    NominalKey::new(0x7e3a, id)
}

pub fn ty(id: u64) -> FrontendTy {
    FrontendTy(id)
}

/// The types of `cxx_templates.cpp`.
pub fn types() -> Table {
    let mut t = Table::default();
    t.add(CHAR, TypeDesc::base("char", 1, BaseEncoding::SignedChar));
    t.add(INT, TypeDesc::base("int", 4, BaseEncoding::Signed));
    t.add(LONG, TypeDesc::base("long int", 8, BaseEncoding::Signed));
    t.add(SHORT, TypeDesc::base("short int", 2, BaseEncoding::Signed));
    // Def<char> = Def<char, int>: U has its default.
    let mut def = CompositeDesc::new(key(10), "Def<char, int>", 8, 4)
        .field("t", ty(CHAR), 0)
        .field("u", ty(INT), 4);
    def.template_params = vec![
        TemplateParam::ty("T", ty(CHAR)),
        TemplateParam::ty("U", ty(INT)).defaulted(),
    ];
    t.add(10, TypeDesc::Struct(def));
    // Def<char, long>: U is not the default.
    let mut dl = CompositeDesc::new(key(11), "Def<char, long int>", 16, 8)
        .field("t", ty(CHAR), 0)
        .field("u", ty(LONG), 8);
    dl.template_params = vec![
        TemplateParam::ty("T", ty(CHAR)),
        TemplateParam::ty("U", ty(LONG)),
    ];
    t.add(11, TypeDesc::Struct(dl));
    // Arr<short> = Arr<short, 3>: the value parameter N has its default.
    t.add(
        12,
        TypeDesc::ArrayOf(ArrayDesc {
            elem: ty(SHORT),
            dims: vec![Some(3)],
            elem_size: 2,
            align: 2,
        }),
    );
    let mut arr = CompositeDesc::new(key(13), "Arr<short int, 3>", 6, 2).field("a", ty(12), 0);
    arr.template_params = vec![
        TemplateParam::ty("T", ty(SHORT)),
        TemplateParam::value("N", ty(INT), 3).defaulted(),
    ];
    t.add(13, TypeDesc::Struct(arr));
    // Pack<int, char>, Pack<> and VPack<1, 2, 3>.
    let pack = |id: u64, name: &str, pname: &str, args: Vec<TemplateParam>| {
        let mut c = CompositeDesc::new(key(id), name, 4, 4).field("n", ty(INT), 0);
        c.template_params = vec![TemplateParam::pack(pname, args)];
        TypeDesc::Struct(c)
    };
    t.add(
        14,
        pack(
            14,
            "Pack<int, char>",
            "Ts",
            vec![
                TemplateParam::ty("", ty(INT)),
                TemplateParam::ty("", ty(CHAR)),
            ],
        ),
    );
    t.add(15, pack(15, "Pack<>", "Ts", Vec::new()));
    let values = (1..=3)
        .map(|v| TemplateParam::value("", ty(INT), v))
        .collect();
    t.add(16, pack(16, "VPack<1, 2, 3>", "Ns", values));
    t
}

/// Globals of `cxx_templates.cpp`: name, type, size.
pub const GLOBALS: &[(&str, u64, usize)] = &[
    ("df", 10, 8),
    ("dl", 11, 16),
    ("ar", 13, 6),
    ("pk", 14, 4),
    ("p0", 15, 4),
    ("vp", 16, 4),
];

/// g++'s object for `tests/data/cxx_templates.cpp` (compiled once per run).
pub fn gxx_object() -> std::path::PathBuf {
    super::common::compile_data("g++", "cxx_templates.cpp", "cxx_templates_gxx.o")
}

/// lldb's commands and what it printed, one block per command.
pub fn lldb(obj: &std::path::Path) -> String {
    let mut c = Command::new("lldb-19");
    c.arg("-b");
    for cmd in [
        "target variable df dl ar pk p0 vp",
        "type lookup Pack<int, char>",
        "type lookup Pack<>",
        "type lookup VPack<1, 2, 3>",
    ] {
        c.args(["-o", cmd]);
    }
    let out = c
        .arg(obj)
        .output()
        .unwrap_or_else(|e| panic!("cannot run lldb-19 ({e}); install it: {INSTALL}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What lldb shows of the types: each variable's type name (the part
/// before ` = `; the values of an unlinked object are not compared) and
/// the `type lookup` lines.
pub fn lldb_types(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with("(lldb)") && !l.starts_with("Current executable"))
        .filter_map(|l| {
            if l.starts_with('(') {
                l.split(" = ").next().map(str::to_owned)
            } else if l.starts_with("template") || l.starts_with("struct") {
                Some(l.to_owned())
            } else {
                None
            }
        })
        .collect()
}
