//! `reemit --backend llvm` on the C and C++ corpora (with the llvm19 or
//! llvm22 feature): no crash, every object passes `llvm-dwarfdump-19
//! --verify`, and what the LLVM backend cannot write yet is refused with
//! `Unsupported` and counted, never dropped.
#![cfg(any(feature = "llvm19", feature = "llvm22"))]

mod common;

use common::*;

fn check(src: &str, lang: &str, ptype_floor: f64) {
    let exe = build(src);
    for version in [5, 4] {
        let r = reemit(&exe, version, "llvm");
        verify(&r.object);
        let orig = gdb(&exe, &r.list, lang);
        let new = gdb(&r.object, &r.list, lang);
        let ptype = agreement("ptype", &orig, &new);
        println!(
            "{src} DWARF {version} (LLVM): gdb ptype {}/{} = {:.1}%, refused {}\n{}",
            ptype.0,
            ptype.1,
            pct(ptype),
            r.refused,
            r.summary
        );
        for line in r
            .summary
            .lines()
            .skip_while(|l| !l.starts_with("refused"))
            .skip(1)
        {
            if !line.starts_with("  ") {
                break;
            }
            assert!(
                line.contains("Unsupported") || line.contains("DescribeFailed"),
                "a refusal other than the LLVM backend's Unsupported: {line}"
            );
        }
        assert_eq!(r.refused, 0, "{src} DWARF {version}:\n{}", r.summary);
        assert!(
            pct(ptype) >= ptype_floor,
            "{:.1}% < {ptype_floor}%",
            pct(ptype)
        );
    }
}

#[test]
fn c_corpus_reemits_through_llvm() {
    check("c_corpus.c", "c", 95.4);
}

#[test]
fn cpp_corpus_reemits_through_llvm() {
    check("cpp_corpus.cpp", "c++", 98.8);
}

#[test]
fn rust_corpus_reemits_through_llvm() {
    check("rust_corpus.rs", "rust", 95.9);
}
