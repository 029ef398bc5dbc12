//! `llvm-dwarfdump-19 --statistics` variable-location coverage.
