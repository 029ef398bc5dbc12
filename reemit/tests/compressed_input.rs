//! `reemit` reads compressed debug sections: the C corpus built with
//! `gcc -gz=zlib` (SHF_COMPRESSED), `-gz=zlib-gnu` (`.zdebug_*`), and
//! compressed with zstd by `llvm-objcopy-19`, is re-emitted into an object
//! byte-identical to the one from the same program built without
//! compression. Before `object`'s `compression` feature, each compressed
//! input was refused ("Unsupported compressed data").

mod common;

use std::path::Path;
use std::process::Command;

use object::{CompressionFormat, Object, ObjectSection};

use common::*;

/// How `.debug_info` is stored in `exe`: its section name and the
/// compression `object` reads from its header.
fn debug_info_storage(exe: &Path) -> (String, CompressionFormat) {
    let data = std::fs::read(exe).expect("read the executable");
    let file = object::File::parse(&*data).expect("parse the executable");
    let section = file
        .sections()
        .find(|s| s.name().is_ok_and(|n| n.ends_with("debug_info")))
        .expect("a debug_info section");
    let format = section.compressed_file_range().expect("range").format;
    (section.name().expect("name").to_string(), format)
}

#[test]
fn compressed_debug_sections_reemit_like_uncompressed_ones() {
    let plain = build_with("c_corpus.c", &["-gz=none"]);
    assert_eq!(
        debug_info_storage(&plain),
        (".debug_info".into(), CompressionFormat::None)
    );
    let expected = std::fs::read(reemit(&plain, 5, "gimli").object).expect("plain object");
    assert!(expected.len() > 10_000, "{} bytes", expected.len());

    // gcc 12 writes no zstd: the plain build, compressed by llvm-objcopy.
    let zstd = plain.with_file_name("c_corpus_c-zstd");
    run(Command::new("llvm-objcopy-19")
        .arg("--compress-debug-sections=zstd")
        .arg(&plain)
        .arg(&zstd));
    for (flag, exe, section, format) in [
        (
            "-gz=zlib",
            build_with("c_corpus.c", &["-gz=zlib"]),
            ".debug_info",
            CompressionFormat::Zlib,
        ),
        (
            "-gz=zlib-gnu",
            build_with("c_corpus.c", &["-gz=zlib-gnu"]),
            ".zdebug_info",
            CompressionFormat::Zlib,
        ),
        ("zstd", zstd, ".debug_info", CompressionFormat::Zstandard),
    ] {
        assert_eq!(
            debug_info_storage(&exe),
            (section.to_string(), format),
            "{flag}"
        );
        let r = reemit(&exe, 5, "gimli");
        assert_eq!(r.refused, 0, "{flag}:\n{}", r.summary);
        verify(&r.object);
        let got = std::fs::read(&r.object).expect("object");
        assert!(
            got == expected,
            "{flag}: the re-emitted object differs from the uncompressed input's"
        );
    }
}
