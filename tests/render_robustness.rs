//! Malformed input must give `Ok` or `Err`, never a panic or a hang.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use dwarfsmith::render::{render_object, RenderOptions};
use object::{Object, ObjectSection};

fn read(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn all_options() -> RenderOptions {
    RenderOptions {
        line_table: true,
        call_frames: true,
        path_prefix: Some(("/build".to_string(), "$DIR".to_string())),
    }
}

/// Runs `f` on another thread and fails if it takes longer than `limit`
/// (a hang) or panics.
fn with_watchdog(limit: Duration, f: impl FnOnce() + Send + 'static) {
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        f();
        let _ = tx.send(());
    });
    match rx.recv_timeout(limit) {
        Ok(()) => handle.join().unwrap(),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            // The closure panicked: report its panic.
            if let Err(panic) = handle.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("rendering did not finish in {limit:?}"),
    }
}

/// A small deterministic pseudo-random generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// File ranges of the debug sections, where corruption is most interesting.
fn debug_ranges(bytes: &[u8]) -> Vec<(usize, usize)> {
    let file = object::File::parse(bytes).unwrap();
    file.sections()
        .filter(|s| {
            s.name().is_ok_and(|n| {
                n.starts_with(".debug") || n.starts_with(".rela.debug") || n == ".eh_frame"
            })
        })
        .filter_map(|s| s.file_range())
        .map(|(start, len)| (start as usize, len as usize))
        .filter(|&(_, len)| len > 0)
        .collect()
}

const FILES: &[&str] = &[
    "list.gcc.dwarf5.o",
    "list.clang.dwarf4.o",
    "types.gcc.O2.dwarf5.o",
    "types.gcc.O2.dwarf4.o",
    "types.clang.O2.dwarf5.o",
    "util.clang.dwarf5.o",
    "util.gcc.types.dwarf4.o",
    "util.clang.types.dwarf5.o",
];

#[test]
fn truncated_inputs() {
    with_watchdog(Duration::from_secs(300), || {
        for name in FILES {
            let bytes = read(name);
            let step = (bytes.len() / 1500).max(1);
            for len in (0..bytes.len()).step_by(step) {
                let _ = render_object(&bytes[..len], &all_options());
            }
        }
    });
}

#[test]
fn flipped_bytes_in_debug_sections() {
    with_watchdog(Duration::from_secs(300), || {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for name in FILES {
            let original = read(name);
            let ranges = debug_ranges(&original);
            for round in 0..600 {
                let mut bytes = original.clone();
                let flips = 1 + round % 4;
                for _ in 0..flips {
                    let (start, len) = ranges[rng.below(ranges.len())];
                    let at = start + rng.below(len);
                    bytes[at] ^= 1 << rng.below(8);
                    if round % 3 == 0 {
                        bytes[at] = rng.next() as u8;
                    }
                }
                let _ = render_object(&bytes, &all_options());
            }
        }
    });
}

#[test]
fn flipped_bytes_anywhere() {
    with_watchdog(Duration::from_secs(300), || {
        let mut rng = Rng(42);
        for name in FILES {
            let original = read(name);
            for _ in 0..400 {
                let mut bytes = original.clone();
                let at = rng.below(bytes.len());
                bytes[at] = rng.next() as u8;
                let _ = render_object(&bytes, &all_options());
            }
        }
    });
}

#[test]
fn every_single_byte_set_to_ff_in_small_object() {
    with_watchdog(Duration::from_secs(300), || {
        let original = read("list.gcc.dwarf5.o");
        for at in 0..original.len() {
            for value in [0x00, 0xff, 0x80] {
                let mut bytes = original.clone();
                bytes[at] = value;
                let _ = render_object(&bytes, &all_options());
            }
        }
    });
}

#[test]
fn garbage_inputs() {
    with_watchdog(Duration::from_secs(60), || {
        let mut rng = Rng(7);
        for len in [0usize, 1, 4, 16, 64, 1000] {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            assert!(render_object(&bytes, &all_options()).is_err());
        }
        // An ELF header followed by garbage.
        let mut bytes = read("list.gcc.dwarf5.o");
        for b in bytes.iter_mut().skip(64) {
            *b = rng.next() as u8;
        }
        let _ = render_object(&bytes, &all_options());
    });
}
