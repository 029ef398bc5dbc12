//! Unit-level regression tests for bugs only visible inside the core.

#![forbid(unsafe_code)]

use crate::backend::gimli::GimliBackend;
use crate::context::{CompileUnit, DebugContext};
use crate::desc::{BaseEncoding, FrontendTy, TypeDesc, TypeSource};

struct One(TypeDesc);

impl TypeSource for One {
    fn describe(&mut self, _: FrontendTy) -> Result<TypeDesc, String> {
        Ok(self.0.clone())
    }
}

/// **A 3-byte base type had alignment 3.** Root cause: a base type's
/// alignment was `min(size, 16)`, which is not a power of two for sizes 3,
/// 5, 6, 7, 9..15; the alignment is handed to backends with every member of
/// that type (LLVM's DIBuilder asserts on non-power-of-two alignments).
/// Fix: the largest power of two not above the size.
#[test]
fn odd_sized_base_types_got_non_power_of_two_alignment() {
    let cu = CompileUnit {
        producer: "t".into(),
        language: crate::backend::Language::C11,
        name: "t.c".into(),
        comp_dir: "/".into(),
    };
    let mut cx = DebugContext::new(GimliBackend::new(Default::default()).unwrap(), &cu).unwrap();
    for (size, align) in [(1, 1), (3, 2), (7, 4), (12, 8), (16, 16)] {
        let mut src = One(TypeDesc::Base {
            name: format!("b{size}"),
            size,
            encoding: BaseEncoding::Unsigned,
        });
        let t = cx.resolve_type(&mut src, FrontendTy(size)).unwrap();
        assert_eq!(cx.type_align(t).unwrap(), align, "size {size}");
    }
}
