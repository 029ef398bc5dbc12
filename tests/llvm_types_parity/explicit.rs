//! `DW_AT_explicit` in both backends' objects of the parity fixture.

use super::{gimli_object, llvm_object, render};

/// The `explicit` constructor is marked `DW_AT_explicit` by both backends
/// (the tree comparison would also pass if both left it out), and only it.
#[test]
fn both_backends_mark_the_explicit_constructor() {
    for version in [5, 4] {
        for (backend, bytes) in [
            ("gimli", gimli_object(version)),
            ("llvm", llvm_object(version)),
        ] {
            let text = render(&bytes);
            let marked: Vec<&str> = text
                .split("DW_TAG_subprogram")
                .filter(|die| die.contains("DW_AT_explicit"))
                .filter_map(|die| die.lines().find(|l| l.contains("DW_AT_name")))
                .map(str::trim)
                .collect();
            assert_eq!(
                marked.len(),
                1,
                "{backend}, DWARF {version}: explicit methods {marked:?}"
            );
            assert!(
                marked[0].contains("\"Widget\""),
                "{backend}, DWARF {version}: {marked:?}"
            );
        }
    }
}
