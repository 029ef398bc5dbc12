//! `reemit` re-emits its own debug build (about a million DIEs, rustc's
//! std and every dependency's types): no crash, an object that passes
//! `llvm-dwarfdump-19 --verify`, and no refusal (rustc's zero-sized fn
//! item of `TakeWhile<Chars, fn(&char) -> bool>`, an 8-byte pointer at
//! offset 17 of 24, is described with `FieldDesc::zero_sized`, see
//! REEMIT.md). Prints the throughput.

mod common;

use std::process::Command;

use common::*;

#[test]
fn reemit_reemits_its_own_debug_build() {
    let input = tmp().join("reemit-own-build");
    std::fs::copy(REEMIT, &input).expect("copy the reemit binary");
    let object = tmp().join("reemit-own-build.o");
    let out = Command::new(REEMIT)
        .arg(&input)
        .arg("-o")
        .arg(&object)
        .arg("-v")
        .output()
        .expect("run reemit");
    let summary = String::from_utf8_lossy(&out.stdout);
    println!("{summary}");
    assert!(
        out.status.success(),
        "{:?}: {summary}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let dies: u64 = summary
        .lines()
        .find_map(|l| l.strip_prefix("DIEs read:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("DIEs read");
    assert!(dies > 100_000, "{dies} DIEs");
    let refusals: Vec<&str> = summary
        .lines()
        .skip_while(|l| !l.starts_with("refused"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert!(refusals.is_empty(), "refusals: {refusals:?}");
    assert!(
        summary.contains("refused, by reason:   0"),
        "{summary}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Everything in it is expressed: the tool's own build is Rust, and no
    // Rust construct is left out (the C++ shim's units of `--features
    // llvm19` are another language, counted apart).
    assert!(
        summary.contains("not expressed (parts of accepted types), by reason: 0"),
        "{summary}"
    );
    verify(&object);
}
