//! Compiles the LLVM backend's small C++ shim (features `llvm19` / `llvm22`
//! only): the DIBuilder calls LLVM-C lacks (`DW_TAG_variant_part`, variant
//! members, enumerations with an ODR identifier, `retainType`), against the
//! headers of the selected LLVM (22 when both features are on, as the crate
//! root's `llvm_sys` alias). Flags come from that LLVM's `llvm-config`.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(any(feature = "llvm19", feature = "llvm22"))]
    shim::build();
}

#[cfg(any(feature = "llvm19", feature = "llvm22"))]
mod shim {
    use std::process::Command;

    /// The selected LLVM: (major version, llvm-sys prefix variable).
    const LLVM: (u32, &str) = if cfg!(feature = "llvm22") {
        (22, "LLVM_SYS_221_PREFIX")
    } else {
        (19, "LLVM_SYS_191_PREFIX")
    };

    fn llvm_config() -> String {
        let (major, var) = LLVM;
        println!("cargo:rerun-if-env-changed={var}");
        match std::env::var(var) {
            Ok(p) if !p.is_empty() => format!("{p}/bin/llvm-config"),
            _ => format!("llvm-config-{major}"),
        }
    }

    pub fn build() {
        const SRC: &str = "src/backend/llvm/shim.cpp";
        println!("cargo:rerun-if-changed={SRC}");
        let (major, var) = LLVM;
        let cfg = llvm_config();
        let out = Command::new(&cfg)
            .arg("--cxxflags")
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run `{cfg} --cxxflags` ({e}): install llvm-{major}-dev and set {var}=/usr/lib/llvm-{major}")
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
