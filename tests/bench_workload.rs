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
