//! Compiles the LLVM backend's small C++ shim (feature `llvm` only): the
//! DIBuilder calls LLVM-C lacks (`DW_TAG_variant_part`, variant members,
//! enumerations with an ODR identifier). Flags come from `llvm-config`.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_LLVM").is_some() {
        #[cfg(feature = "llvm")]
        shim::build();
    }
}

#[cfg(feature = "llvm")]
mod shim {
    use std::process::Command;

    fn llvm_config() -> String {
        println!("cargo:rerun-if-env-changed=LLVM_SYS_191_PREFIX");
        match std::env::var("LLVM_SYS_191_PREFIX") {
            Ok(p) if !p.is_empty() => format!("{p}/bin/llvm-config"),
            _ => "llvm-config-19".to_owned(),
        }
    }

    pub fn build() {
        const SRC: &str = "src/backend/llvm/shim.cpp";
        println!("cargo:rerun-if-changed={SRC}");
        let cfg = llvm_config();
        let out = Command::new(&cfg)
            .arg("--cxxflags")
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run `{cfg} --cxxflags` ({e}): install llvm-19-dev and set LLVM_SYS_191_PREFIX=/usr/lib/llvm-19")
            });
        assert!(out.status.success(), "`{cfg} --cxxflags` failed");
        let flags = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut b = cc::Build::new();
        b.cpp(true).file(SRC).warnings(false);
        for f in flags.split_whitespace() {
            b.flag(f);
        }
        b.flag("-fno-rtti");
        b.compile("dwarfsmith_llvm_shim");
    }
}
