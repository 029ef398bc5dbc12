//! Variable-location coverage of `-O` objects (DEBUGGING.md, "Location
//! coverage"): `llvm-dwarfdump-19 --statistics` on the `toyc build -O`
//! objects of three example programs with each backend (gimli; llvm when
//! `DWARFSMITH_TEST_LLVM=1`), side by side with `clang-19 -O2 -g` (gcc if
//! clang-19 is missing) on their C translations in tests/c/. Prints the
//! table; asserts what is robust: every toyc -O object passes
//! `llvm-dwarfdump-19 --verify` and has variables with a location covering
//! more than 0% of their scopes (so does the C object).

#[allow(dead_code)] // toyc_path, backends and dwarf::verify_object are used here
mod debugger;
mod stepping_support;

use std::fmt::Write as _;
use std::path::Path;

use debugger::dwarf::{coverage, parse_coverage, Coverage};
use stepping_support::stats::{c_compiler, compile_c};

/// The programs with a C translation in tests/c/.
const PROGRAMS: &[&str] = &["geometry", "linked_list", "matrix"];

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn o_objects_coverage_beside_c_o2() {
    let toyc = debugger::toyc_path(manifest_dir()).unwrap_or_else(|e| panic!("{e}"));
    let cc = c_compiler()
        .unwrap_or_else(|| panic!("neither clang-19 nor gcc runs: apt-get install -y clang-19"));
    let backends = debugger::backends();
    let mut table = String::from("| program |");
    for b in &backends {
        let _ = write!(table, " toyc {b} -O |");
    }
    let _ = writeln!(table, " {cc} -O2 -g |");
    table.push_str("|---|");
    table.push_str(&"---|".repeat(backends.len() + 1));
    table.push('\n');
    let mut failures = Vec::new();
    for name in PROGRAMS {
        let work = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("stepping_stats")
            .join(name);
        std::fs::create_dir_all(&work).unwrap_or_else(|e| panic!("{}: {e}", work.display()));
        let _ = write!(table, "| {name} |");
        let mut cells: Vec<Result<Coverage, String>> = Vec::new();
        for backend in &backends {
            let src = manifest_dir().join(format!("../examples/programs/{name}.toy"));
            let exe = work.join(format!("{name}-{backend}"));
            let cell = stepping_support::build(&toyc, &src, &exe, backend, true).and_then(|obj| {
                debugger::dwarf::verify_object(&obj)?;
                coverage(&obj)
            });
            cells.push(cell);
        }
        let c_obj = work.join(format!("{name}-c.o"));
        cells.push(
            compile_c(
                cc,
                &manifest_dir().join(format!("tests/c/{name}.c")),
                &c_obj,
            )
            .and_then(|()| coverage(&c_obj)),
        );
        for cell in cells {
            match cell {
                Ok(c) => {
                    let _ = write!(table, " {} |", c.cell());
                    if c.with_location == 0 || c.covered_bytes == 0 {
                        failures.push(format!("{name}: no variable has a location ({c:?})"));
                    }
                }
                Err(e) => {
                    table.push_str(" error |");
                    failures.push(format!("{name}: {e}"));
                }
            }
        }
        table.push('\n');
    }
    println!("{table}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The four fields are read from LLVM 19's statistics JSON by exact key.
#[test]
fn coverage_fields_are_read_by_key() {
    let json = r##"{
  "#source variables": 14,
  "#source variables with location": 12,
  "sum_all_variables(#bytes in parent scope)": 1452,
  "sum_all_variables(#bytes in any scope covered by DW_AT_location)": 1,
  "sum_all_variables(#bytes in parent scope covered by DW_AT_location)": 1089,
}"##;
    let c = parse_coverage(json).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        c,
        Coverage {
            variables: 14,
            with_location: 12,
            scope_bytes: 1452,
            covered_bytes: 1089
        }
    );
    assert!((c.percent() - 75.0).abs() < 1e-9);
    assert!(parse_coverage("{}").is_err());
}
