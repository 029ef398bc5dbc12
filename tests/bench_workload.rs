//! The benchmark's baseline is honest: the hand-written `gimli::write`
//! emitter of `examples/bench_emit/raw.rs` produces an object byte-identical
//! to the gimli backend's for the same workload, so `gimli_vs_raw` compares
//! the same output work. (No timing here: benchmarks are not tests.)

#[path = "../examples/bench_emit/raw.rs"]
mod raw;
#[path = "../examples/bench_emit/workload.rs"]
mod workload;

mod common;

#[test]
fn raw_baseline_is_byte_identical_to_the_gimli_backend() {
    for n in [1, 2, 15, 29, 200] {
        let lib = workload::run_gimli(n).expect("gimli backend");
        let base = raw::run_raw(n);
        assert!(
            lib == base,
            "scale {n}: outputs differ ({} vs {} bytes)",
            lib.len(),
            base.len()
        );
    }
}

#[test]
fn workload_object_verifies() {
    let bytes = workload::run_gimli(40).expect("gimli backend");
    common::check_object("bench_workload.o", &bytes);
}

#[cfg(any(feature = "llvm19", feature = "llvm22"))]
#[path = "../examples/bench_emit/llvm.rs"]
mod llvm;

/// The LLVM column of `bench_emit` emits the same program: its object
/// verifies and describes the same functions and variables.
#[cfg(any(feature = "llvm19", feature = "llvm22"))]
#[test]
fn llvm_variant_verifies_and_describes_the_same_program() {
    let n = 40;
    let ll = llvm::run_llvm(n).expect("llvm backend");
    common::verify("bench_workload_llvm.o", &ll);
    let gi = workload::run_gimli(n).expect("gimli backend");
    let count = |name: &str, bytes: &[u8], needle: &str| {
        common::dwarfdump(name, bytes, &["--debug-info"])
            .lines()
            .filter(|l| l.contains(needle))
            .count()
    };
    for needle in [
        "DW_TAG_subprogram",
        "DW_TAG_formal_parameter",
        "DW_TAG_variable",
        "DW_TAG_lexical_block",
        "(\"bench::f",
    ] {
        let (a, b) = (
            count("bw_llvm.o", &ll, needle),
            count("bw_gimli.o", &gi, needle),
        );
        assert_eq!(a, b, "{needle}: llvm {a}, gimli {b}");
    }
}
