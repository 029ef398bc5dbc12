//! One type of every construct of the C++/Rust type model (issue 10),
//! described through the public `TypeSource` API and emitted with either
//! backend: a class with accessibility, bitfields, a virtual and a
//! non-virtual base, methods (virtual, static, one defined with
//! `method_of` and an artificial `this`, a member template's instance, a
//! variadic method, a virtual destructor without a vtable slot and with
//! artificial parameters), a pointer to member function (artificial `this`
//! in its subroutine type), a static const member, template parameters
//! (one defaulted, a pack) and a containing type; an `enum class` with a 128-bit
//! enumerator; tagged unions (niche with a default variant, tag-less,
//! 128-bit tag, range discriminants, variant structs with template
//! parameters and a method defined with `method_of`); qualifiers,
//! references, a named pointer, 2-D and unknown-bound arrays, a structural
//! `&[u8]`, `void *`, `const void *`, a typedef of `void`,
//! `decltype(nullptr)` and a template type parameter of `void`.

use std::path::Path;

use dwarfsmith::backend::Backend;
use dwarfsmith::{
    Access, ArrayDesc, BaseDesc, BaseEncoding, CompileUnit, CompositeDesc, DebugContext,
    Discriminant, EnumDesc, FieldDesc, FileId, FrontendTy, FunctionDesc, FunctionId, GlobalDesc,
    Language, MethodDesc, NominalKey, PointerKind, Qualifier, Result, StaticMemberDesc,
    StructuralDesc, TaggedUnionDesc, TemplateParam, TypeDesc, TypeRef, TypeScope, TypedefDesc,
    VariantDesc, Virtuality,
};

use crate::common::Table;

pub const INT: u64 = 1;
pub const UINT: u64 = 2;
pub const U8: u64 = 3;
pub const U64: u64 = 4;
pub const U128: u64 = 5;
pub const LONG: u64 = 6;
pub const BASE: u64 = 20;
pub const VBASE: u64 = 21;
pub const WIDGET: u64 = 22;
pub const WIDGET_PTR: u64 = 23;
pub const VPTR: u64 = 24;
pub const COLOR: u64 = 30;
pub const OPT_REF: u64 = 31;
pub const INT_REF: u64 = 32;
pub const WRAP: u64 = 33;
pub const BIG: u64 = 34;
pub const RANGED: u64 = 35;
pub const VOLATILE_INT: u64 = 40;
pub const CV_INT: u64 = 41;
pub const INT_RVREF: u64 = 42;
pub const INT_LREF: u64 = 47;
pub const NAMED_PTR: u64 = 43;
pub const MATRIX: u64 = 44;
pub const UNBOUNDED: u64 = 45;
pub const SLICE: u64 = 46;
pub const SHAPE: u64 = 36;
pub const SHAPE_PTR: u64 = 37;
pub const PMF_FN: u64 = 48;
pub const PMF: u64 = 49;
pub const VTT: u64 = 50;
pub const VOID: u64 = 58;
pub const VOID_PTR: u64 = 59;
pub const CONST_VOID: u64 = 60;
pub const CONST_VOID_PTR: u64 = 61;
pub const VOID_T: u64 = 62;
pub const VOID_T_PTR: u64 = 63;
pub const NULLPTR: u64 = 64;
pub const VOID_HOLDER: u64 = 65;

/// `Big::Far`'s tag value: beyond 64 bits with LLVM 22; LLVM 19 cannot
/// write such a discriminant (it keeps 64 bits; the backend refuses it, see
/// tests/misuse_llvm_types.rs), so there it is the largest 64-bit value.
pub const FAR: u128 = if cfg!(feature = "llvm22") {
    1 << 100
} else {
    u64::MAX as u128
};

/// The symbol of `Widget::area`'s definition.
pub const AREA: &str = "_ZN6Widget4areaEv";
/// The line of `Widget::area`'s definition.
pub const AREA_LINE: u32 = 30;
/// The symbol of `Shape<int>::area`'s definition (method 0 of an enum).
pub const SHAPE_AREA: &str = "_ZN5Shape4area";
/// The line of `Shape<int>::area`'s definition.
pub const SHAPE_AREA_LINE: u32 = 38;
/// The symbol of `Widget::sum`'s definition (a variadic method).
pub const SUM: &str = "_ZN6Widget3sumEiz";

/// One global per type (so every type is emitted): name, type, storage
/// size in bytes.
pub const GLOBALS: &[(&str, u64, usize)] = &[
    ("g_widget", WIDGET, 40),
    ("g_color", COLOR, 16),
    ("g_opt", OPT_REF, 8),
    ("g_wrap", WRAP, 8),
    ("g_big", BIG, 32),
    ("g_ranged", RANGED, 8),
    ("g_cv", CV_INT, 4),
    ("g_lref", INT_LREF, 8),
    ("g_rvref", INT_RVREF, 8),
    ("g_named_ptr", NAMED_PTR, 8),
    ("g_matrix", MATRIX, 24),
    ("g_unbounded", UNBOUNDED, 4),
    ("g_slice", SLICE, 16),
    ("g_shape", SHAPE, 8),
    ("g_pmf", PMF, 16),
    ("g_vp", VOID_PTR, 8),
    ("g_cvp", CONST_VOID_PTR, 8),
    ("g_vtp", VOID_T_PTR, 8),
    ("g_np", NULLPTR, 8),
    ("g_void_holder", VOID_HOLDER, 1),
];

fn key(def_id: u64) -> NominalKey {
    NominalKey::new(0x7E57, def_id)
}

fn int_base(name: &str, size: u64, enc: BaseEncoding) -> TypeDesc {
    TypeDesc::base(name, size, enc)
}

fn method(name: &str, linkage: Option<&str>, this: Option<u64>, virt: Virtuality) -> MethodDesc {
    MethodDesc {
        name: name.into(),
        linkage_name: linkage.map(Into::into),
        ret: Some(FrontendTy(INT)),
        params: Vec::new(),
        this: this.map(FrontendTy),
        access: Access::Public,
        virtuality: virt,
        artificial: false,
        decl: None,
        template_params: Vec::new(),
        variadic: false,
        artificial_params: Vec::new(),
        explicit: false,
    }
}

/// ```c++
/// struct Base { int b; };
/// struct VBase { int v; };
/// template <typename T, int N = 4, class... Ts>  // Widget<int, 4, unsigned, int>
/// class Widget : public Base, protected virtual VBase {
///   // _vptr at 0, Base at 8
///  public:    int pub;        // 12
///  protected: int prot;       // 16
///  private:   int priv;       // 20
///  public:    unsigned lo : 3, hi : 5;   // bits 192.., 195..
///  static const int limit = 42;
///  virtual int area();        // slot 0
///  static int count();
///  template <typename U, int M> int get(U) const;  // get<long, 2>
///  int sum(int, ...);
///  explicit Widget(long);
///  virtual ~Widget();         // no slot; (int __in_chrg, int **__vtt_parm)
/// };                          // VBase at 32 (virtual), size 40
/// ```
fn widget() -> CompositeDesc {
    let bf = |name: &str, off, size| {
        FieldDesc::bitfield(name, FrontendTy(UINT), off, size).access(Access::Public)
    };
    let mut w = CompositeDesc::new(key(WIDGET), "Widget<int, 4>", 40, 8)
        .class()
        .template_type("T", FrontendTy(INT))
        .member(FieldDesc::new("_vptr$Widget", FrontendTy(VPTR), 0).artificial())
        .member(FieldDesc::new("pub", FrontendTy(INT), 12).access(Access::Public))
        .member(FieldDesc::new("prot", FrontendTy(INT), 16).access(Access::Protected))
        .member(FieldDesc::new("priv", FrontendTy(INT), 20).access(Access::Private))
        .member(bf("lo", 192, 3))
        .member(bf("hi", 195, 5));
    w.template_params.push(
        TemplateParam::Value {
            name: "N".into(),
            ty: FrontendTy(INT),
            value: 4,
        }
        .defaulted(),
    );
    w.template_params.push(TemplateParam::pack(
        "Ts",
        vec![
            TemplateParam::ty("", FrontendTy(UINT)),
            TemplateParam::ty("", FrontendTy(INT)),
        ],
    ));
    w.bases = vec![
        BaseDesc {
            ty: FrontendTy(BASE),
            offset: 8,
            access: Access::Public,
            virtual_offset_offset: None,
        },
        BaseDesc {
            ty: FrontendTy(VBASE),
            offset: 0,
            access: Access::Protected,
            virtual_offset_offset: Some(-24),
        },
    ];
    w.methods = vec![
        method("area", Some(AREA), Some(WIDGET_PTR), Virtuality::Virtual(0)),
        method("count", Some("_ZN6Widget5countEv"), None, Virtuality::None),
        MethodDesc::new("get<long, 2>", Some(FrontendTy(WIDGET_PTR)))
            .returns(FrontendTy(INT))
            .param(FrontendTy(LONG))
            .template_param(TemplateParam::Type {
                name: "U".into(),
                ty: FrontendTy(LONG),
            })
            .template_param(TemplateParam::Value {
                name: "M".into(),
                ty: FrontendTy(INT),
                value: 2,
            }),
        MethodDesc::new("sum", Some(FrontendTy(WIDGET_PTR)))
            .linkage_name(SUM)
            .returns(FrontendTy(INT))
            .param(FrontendTy(INT))
            .variadic(),
        MethodDesc::new("Widget", Some(FrontendTy(WIDGET_PTR)))
            .linkage_name("_ZN6WidgetC4El")
            .param(FrontendTy(LONG))
            .explicit(),
        MethodDesc::new("~Widget", Some(FrontendTy(WIDGET_PTR)))
            .linkage_name("_ZN6WidgetD4Ev")
            .artificial_param(FrontendTy(INT))
            .artificial_param(FrontendTy(VTT))
            .virtuality(Virtuality::VirtualWithoutSlot),
    ];
    w.statics = vec![StaticMemberDesc {
        name: "limit".into(),
        ty: FrontendTy(INT),
        access: Access::Public,
        const_value: Some(42),
        position: usize::MAX,
    }];
    w.containing_type = Some(FrontendTy(WIDGET));
    w
}

/// The type table.
pub fn table() -> Table {
    let mut t = Table::default();
    t.add(INT, int_base("int", 4, BaseEncoding::Signed));
    t.add(UINT, int_base("unsigned int", 4, BaseEncoding::Unsigned));
    t.add(U8, int_base("u8", 1, BaseEncoding::Unsigned));
    t.add(U64, int_base("u64", 8, BaseEncoding::Unsigned));
    t.add(
        U128,
        int_base("unsigned __int128", 16, BaseEncoding::Unsigned),
    );
    t.add(LONG, int_base("long", 8, BaseEncoding::Signed));
    t.add(
        BASE,
        TypeDesc::Struct(CompositeDesc::new(key(BASE), "Base", 4, 4).field(
            "b",
            FrontendTy(INT),
            0,
        )),
    );
    t.add(
        VBASE,
        TypeDesc::Struct(CompositeDesc::new(key(VBASE), "VBase", 4, 4).field(
            "v",
            FrontendTy(INT),
            0,
        )),
    );
    t.add(WIDGET, TypeDesc::Struct(widget()));
    t.add(WIDGET_PTR, TypeDesc::pointer(FrontendTy(WIDGET)));
    t.add(VPTR, TypeDesc::pointer(FrontendTy(INT)));
    t.add(VTT, TypeDesc::pointer(FrontendTy(VPTR)));
    // int (Widget::*)(int, ...): its subroutine type's `this` is artificial.
    t.add(
        PMF_FN,
        TypeDesc::Function {
            params: vec![FrontendTy(WIDGET_PTR), FrontendTy(INT)],
            ret: Some(FrontendTy(INT)),
            variadic: true,
            artificial_params: vec![0],
        },
    );
    t.add(
        PMF,
        TypeDesc::PointerToMember {
            pointee: FrontendTy(PMF_FN),
            class: FrontendTy(WIDGET),
            size: 16,
        },
    );
    t.add(
        COLOR,
        TypeDesc::Enum(
            EnumDesc::new(key(COLOR), "Color", FrontendTy(U128), 16, 16)
                .enumerator("Red", 0)
                .enumerator("Huge", 1i128 << 100)
                .enum_class(),
        ),
    );
    t.add(
        INT_REF,
        TypeDesc::pointer_named(PointerKind::Pointer, FrontendTy(INT), "&i32"),
    );
    // Option<&i32>: the null pointer is None, anything else Some; its
    // generic argument as a template parameter (a struct's, not a class's).
    let mut opt = TaggedUnionDesc::new(key(OPT_REF), "Option<&i32>", (8, 8), (0, FrontendTy(U64)))
        .variant(VariantDesc::new("None", 0))
        .variant(VariantDesc::new("Some", Discriminant::Default).field(
            "__0",
            FrontendTy(INT_REF),
            0,
        ));
    opt.template_params.push(TemplateParam::Type {
        name: "T".into(),
        ty: FrontendTy(INT_REF),
    });
    t.add(OPT_REF, TypeDesc::TaggedUnion(opt));
    t.add(
        WRAP,
        TypeDesc::TaggedUnion(
            TaggedUnionDesc::tagless(key(WRAP), "Wrap", (8, 8))
                .variant(VariantDesc::new("W", 0).field("__0", FrontendTy(LONG), 0)),
        ),
    );
    t.add(
        BIG,
        TypeDesc::TaggedUnion(
            TaggedUnionDesc::new(key(BIG), "Big", (32, 16), (0, FrontendTy(U128)))
                .variant(VariantDesc::new("Far", FAR).field("__0", FrontendTy(LONG), 16))
                .variant(VariantDesc::new("Near", 2).field("__0", FrontendTy(INT), 16)),
        ),
    );
    t.add(
        RANGED,
        TypeDesc::TaggedUnion(
            TaggedUnionDesc::new(key(RANGED), "Ranged", (8, 4), (0, FrontendTy(U8)))
                .variant(VariantDesc::new(
                    "Small",
                    Discriminant::Ranges(vec![(0, 3)]),
                ))
                .variant(
                    VariantDesc::new("Large", Discriminant::Ranges(vec![(4, 9), (200, 201)]))
                        .field("__0", FrontendTy(INT), 4),
                ),
        ),
    );
    // enum Shape<T> { Dot, Circle(T) } with T = int on each variant's
    // struct and `fn area(&self) -> int` declared in the enum.
    t.add(
        SHAPE,
        TypeDesc::TaggedUnion(
            TaggedUnionDesc::new(key(SHAPE), "Shape<int>", (8, 4), (0, FrontendTy(UINT)))
                .variant(VariantDesc::new("Dot", 0).template_type("T", FrontendTy(INT)))
                .variant(
                    VariantDesc::new("Circle", 1)
                        .field("__0", FrontendTy(INT), 4)
                        .template_type("T", FrontendTy(INT)),
                )
                .method(MethodDesc {
                    name: "area".into(),
                    linkage_name: Some(SHAPE_AREA.into()),
                    ret: Some(FrontendTy(INT)),
                    params: vec![FrontendTy(SHAPE_PTR)],
                    ..Default::default()
                }),
        ),
    );
    t.add(
        SHAPE_PTR,
        TypeDesc::pointer_named(PointerKind::Pointer, FrontendTy(SHAPE), "&Shape<int>"),
    );
    t.add(
        VOLATILE_INT,
        TypeDesc::qualified(Qualifier::Volatile, FrontendTy(INT)),
    );
    t.add(
        CV_INT,
        TypeDesc::qualified(Qualifier::Const, FrontendTy(VOLATILE_INT)),
    );
    t.add(
        INT_RVREF,
        TypeDesc::PointerTo(dwarfsmith::PointerDesc {
            kind: PointerKind::RvalueReference,
            pointee: FrontendTy(INT),
            name: None,
        }),
    );
    t.add(
        INT_LREF,
        TypeDesc::PointerTo(dwarfsmith::PointerDesc {
            kind: PointerKind::Reference,
            pointee: FrontendTy(INT),
            name: None,
        }),
    );
    t.add(
        NAMED_PTR,
        TypeDesc::pointer_named(PointerKind::Pointer, FrontendTy(U8), "*const u8"),
    );
    t.add(
        MATRIX,
        TypeDesc::ArrayOf(ArrayDesc {
            elem: FrontendTy(INT),
            dims: vec![Some(2), Some(3)],
            elem_size: 4,
            align: 4,
        }),
    );
    t.add(
        UNBOUNDED,
        TypeDesc::ArrayOf(ArrayDesc {
            elem: FrontendTy(INT),
            dims: vec![None],
            elem_size: 4,
            align: 4,
        }),
    );
    t.add(
        SLICE,
        TypeDesc::Structural(StructuralDesc {
            name: "&[u8]".into(),
            fields: vec![
                FieldDesc::new("data_ptr", FrontendTy(NAMED_PTR), 0),
                FieldDesc::new("length", FrontendTy(U64), 8),
            ],
            size: 16,
            align: 8,
        }),
    );
    // void *, const void *, typedef void void_t; void_t *, decltype(nullptr).
    t.add(VOID, TypeDesc::Void);
    t.add(VOID_PTR, TypeDesc::pointer(FrontendTy(VOID)));
    t.add(
        CONST_VOID,
        TypeDesc::qualified(Qualifier::Const, FrontendTy(VOID)),
    );
    t.add(CONST_VOID_PTR, TypeDesc::pointer(FrontendTy(CONST_VOID)));
    t.add(
        VOID_T,
        TypeDesc::Typedef(TypedefDesc {
            key: key(VOID_T),
            name: "void_t".into(),
            scope: TypeScope::Unit,
            target: FrontendTy(VOID),
            decl: None,
            access: Access::Unspecified,
        }),
    );
    t.add(VOID_T_PTR, TypeDesc::pointer(FrontendTy(VOID_T)));
    t.add(NULLPTR, TypeDesc::unspecified("decltype(nullptr)"));
    // template <typename T> struct Holder {};  Holder<void>
    t.add(
        VOID_HOLDER,
        TypeDesc::Struct(
            CompositeDesc::new(key(VOID_HOLDER), "Holder<void>", 1, 1)
                .template_type("T", FrontendTy(VOID))
                .generic_args(vec![FrontendTy(VOID)]),
        ),
    );
    t
}

/// A C++ compile unit (so gdb prints classes the C++ way).
pub fn cu() -> CompileUnit {
    CompileUnit::new("widget.cc", "/work/widget").language(Language::CPlusPlus14)
}

/// What [`describe`] made.
pub struct Described {
    /// `Widget`.
    pub widget: TypeRef,
    /// `Widget *` (the type of `this`).
    pub widget_ptr: TypeRef,
    /// `int`.
    pub int: TypeRef,
    /// `Shape<int>` (a tagged union with a method).
    pub shape: TypeRef,
    /// `&Shape<int>`.
    pub shape_ptr: TypeRef,
    /// The file.
    pub file: FileId,
}

/// Resolves every type and defines one global of each.
pub fn describe<B: Backend>(cx: &mut DebugContext<B>) -> Result<Described> {
    let file = cx.file(Path::new("widget.cc"))?;
    let mut t = table();
    for (i, (name, ty, _)) in GLOBALS.iter().enumerate() {
        let ty = cx.resolve_type(&mut t, FrontendTy(*ty))?;
        cx.define_global(&GlobalDesc::new(name, name, ty, file, 40 + i as u32))?;
    }
    Ok(Described {
        widget: cx.resolve_type(&mut t, FrontendTy(WIDGET))?,
        widget_ptr: cx.resolve_type(&mut t, FrontendTy(WIDGET_PTR))?,
        int: cx.resolve_type(&mut t, FrontendTy(INT))?,
        shape: cx.resolve_type(&mut t, FrontendTy(SHAPE))?,
        shape_ptr: cx.resolve_type(&mut t, FrontendTy(SHAPE_PTR))?,
        file,
    })
}

/// Defines `int Widget::area()` (method 0 of `Widget`).
pub fn define_area<B: Backend>(cx: &mut DebugContext<B>, d: &Described) -> Result<FunctionId> {
    cx.define_function(
        &FunctionDesc::new("area", AREA, d.file, AREA_LINE)
            .returns(d.int)
            .method_of(d.widget, 0),
    )
}

/// Defines `Shape<int>::area(&self) -> int` (method 0 of the tagged union
/// `Shape<int>`).
pub fn define_shape_area<B: Backend>(
    cx: &mut DebugContext<B>,
    d: &Described,
) -> Result<FunctionId> {
    cx.define_function(
        &FunctionDesc::new("area", SHAPE_AREA, d.file, SHAPE_AREA_LINE)
            .returns(d.int)
            .params(&[d.shape_ptr])
            .method_of(d.shape, 0),
    )
}

/// Defines `int Widget::sum(int, ...)` (method 3 of `Widget`): variadic as
/// its declaration.
pub fn define_sum<B: Backend>(cx: &mut DebugContext<B>, d: &Described) -> Result<FunctionId> {
    cx.define_function(
        &FunctionDesc::new("sum", SUM, d.file, AREA_LINE + 5)
            .returns(d.int)
            .method_of(d.widget, 3),
    )
}
