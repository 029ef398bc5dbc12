//! The zoo's `void` types, `decltype(nullptr)`, an unnamed struct named for
//! linkage by a typedef, and a class whose member typedefs must keep their
//! declaration order (end of `tests/data/cxx_zoo.cpp`, before the method
//! classes).

use dwarfsmith::*;

use super::{key, DOUBLE, INT};
use crate::common::Table;

/// `void *`, `const void *`, `typedef void vtype`, `decltype(nullptr)`,
/// an unnamed struct named for linkage by a typedef, and a class whose
/// member typedefs are declared `a_t`, `b_t` while `b_t` is resolved first
/// (through the global `ob`).
pub(super) fn add(t: &mut Table) {
    let void = t.add(47, TypeDesc::Void);
    t.add(48, TypeDesc::pointer(void));
    t.add(49, TypeDesc::qualified(Qualifier::Const, void));
    t.add(50, TypeDesc::pointer(FrontendTy(49)));
    let vtype = t.add(
        51,
        TypeDesc::Typedef(TypedefDesc {
            key: key(51),
            name: "vtype".into(),
            scope: TypeScope::Unit,
            target: void,
            decl: None,
            access: Access::Unspecified,
        }),
    );
    t.add(52, TypeDesc::pointer(vtype));
    t.add(53, TypeDesc::unspecified("decltype(nullptr)"));
    t.add(
        54,
        TypeDesc::Struct(
            CompositeDesc::new(key(54), "", 8, 4)
                .field("quot", FrontendTy(INT), 0)
                .field("rem", FrontendTy(INT), 4)
                .linkage_name("8div_like"),
        ),
    );
    t.add(
        55,
        TypeDesc::Typedef(TypedefDesc {
            key: key(55),
            name: "div_like".into(),
            scope: TypeScope::Unit,
            target: FrontendTy(54),
            decl: None,
            access: Access::Unspecified,
        }),
    );
    for (id, name, target) in [(57, "a_t", INT), (58, "b_t", DOUBLE)] {
        t.add(
            id,
            TypeDesc::Typedef(TypedefDesc {
                key: key(id),
                name: name.into(),
                scope: TypeScope::Type(FrontendTy(56)),
                target: FrontendTy(target),
                decl: None,
                access: Access::Public,
            }),
        );
    }
    t.add(
        56,
        TypeDesc::Struct(
            CompositeDesc::new(key(56), "Order", 16, 8)
                .class()
                .member(FieldDesc::new("a", FrontendTy(57), 0).access(Access::Public))
                .member(FieldDesc::new("b", FrontendTy(58), 8).access(Access::Public))
                .nested(FrontendTy(57))
                .nested(FrontendTy(58)),
        ),
    );
}
