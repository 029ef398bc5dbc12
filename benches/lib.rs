//! Nothing but a home for the criterion benches in `hot_paths.rs`: run them
//! with `cargo bench -p dwarfsmith-benches`.
