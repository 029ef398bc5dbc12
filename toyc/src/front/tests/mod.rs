//! The front end's unit tests: good programs (`pipeline.rs`, which also has
//! the shared helpers), bad programs with their exact diagnostics
//! (`bad.rs`), stress and robustness inputs (`stress.rs`).

mod bad;
pub(crate) mod pipeline;
mod stress;
