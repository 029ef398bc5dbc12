//! The parts of a type description that C++ classes (and rustc's generic
//! types) add to a struct: bitfields, accessibility, bases, member
//! functions, static members and template parameters.

#![forbid(unsafe_code)]

use crate::desc::{DeclLoc, FrontendTy};

/// Accessibility of a member, base or method (`DW_AT_accessibility`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Access {
    /// Not written: the language default (public in a struct or union,
    /// private in a class).
    #[default]
    Unspecified,
    /// `public`.
    Public,
    /// `protected`.
    Protected,
    /// `private`.
    Private,
}

/// Where a bitfield's bits are (`DW_AT_data_bit_offset`, `DW_AT_bit_size`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BitField {
    /// Offset of the first bit from the start of the enclosing type, in
    /// bits (little-endian bit numbering).
    pub bit_offset: u64,
    /// Width in bits, 1 to the bit size of the member's type.
    pub bit_size: u32,
}

/// How a method or base is virtual (`DW_AT_virtuality`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Virtuality {
    /// Not virtual.
    #[default]
    None,
    /// Virtual; for a method, the vtable slot (`DW_AT_vtable_elem_location`).
    Virtual(u32),
    /// Pure virtual; for a method, the vtable slot.
    PureVirtual(u32),
    /// A virtual method without a vtable slot (`DW_AT_virtuality` without
    /// `DW_AT_vtable_elem_location`): g++'s and clang's virtual destructors,
    /// which have two vtable entries.
    VirtualWithoutSlot,
    /// A pure virtual method without a vtable slot (clang's `virtual ~T() =
    /// 0`).
    PureVirtualWithoutSlot,
}

/// A base class (`DW_TAG_inheritance`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BaseDesc {
    /// The base class.
    pub ty: FrontendTy,
    /// Byte offset of the base subobject (non-virtual bases).
    pub offset: u64,
    /// Accessibility of the inheritance.
    pub access: Access,
    /// A virtual base: the location of its offset is read from the vtable
    /// at this (negative) byte offset from the vtable pointer, as the
    /// Itanium ABI lays it out; `None` for a non-virtual base.
    pub virtual_offset_offset: Option<i64>,
}

/// A member function declared inside its class (`DW_TAG_subprogram` with
/// `DW_AT_declaration`). Its definition is a function defined with
/// [`FunctionDesc::method_of`](crate::FunctionDesc::method_of). The default
/// (for `..Default::default()`) is a non-virtual static method with no
/// name, parameters, result or accessibility.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct MethodDesc {
    /// The method's name.
    pub name: String,
    /// Its symbol, if it has one (`DW_AT_linkage_name`).
    pub linkage_name: Option<String>,
    /// Return type; `None` for no value.
    pub ret: Option<FrontendTy>,
    /// Parameter types, without `this`.
    pub params: Vec<FrontendTy>,
    /// The type of the artificial `this` parameter (a pointer to the class,
    /// to a `const` class for a `const` method); `None` for a static method.
    pub this: Option<FrontendTy>,
    /// Accessibility.
    pub access: Access,
    /// Virtuality and vtable slot.
    pub virtuality: Virtuality,
    /// Compiler-generated (implicit constructors and operators).
    pub artificial: bool,
    /// Where it is declared.
    pub decl: Option<DeclLoc>,
    /// Template parameters of a member template's instance
    /// (`DW_TAG_template_type_parameter`/`_value_parameter` children of the
    /// declaration).
    pub template_params: Vec<TemplateParam>,
    /// C variadic (`...`): `DW_TAG_unspecified_parameters` after the
    /// parameters.
    pub variadic: bool,
    /// Indices into `params` of compiler-generated parameters, strictly
    /// increasing (g++'s `__in_chrg` and `__vtt_parm` of the constructors
    /// and destructors of a class with virtual bases); written with
    /// `DW_AT_artificial`, which debuggers leave out of the signature.
    pub artificial_params: Vec<usize>,
    /// Declared `explicit` (a C++ constructor or conversion operator):
    /// `DW_AT_explicit`, which lldb shows (`explicit S(int)`).
    pub explicit: bool,
}

/// A static data member (declared in the class, defined outside it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StaticMemberDesc {
    /// The member's name.
    pub name: String,
    /// Its type.
    pub ty: FrontendTy,
    /// Accessibility.
    pub access: Access,
    /// A compile-time constant value (`DW_AT_const_value`), as a bit pattern
    /// of the type's size.
    pub const_value: Option<i128>,
    /// Declaration order: the static member is written before data member
    /// number `position` (a value ≥ the number of data members puts it after
    /// all of them), so debuggers list members as the source declares them.
    pub position: usize,
}

/// A template (generic) parameter of a type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TemplateParam {
    /// A type parameter (`T = i32`).
    Type {
        /// Parameter name (`T`).
        name: String,
        /// The argument.
        ty: FrontendTy,
    },
    /// A constant parameter (`N = 4`), of an integer, bool or char type.
    Value {
        /// Parameter name (`N`).
        name: String,
        /// The parameter's type.
        ty: FrontendTy,
        /// The value, a bit pattern of the type's size.
        value: i128,
    },
    /// A variadic template's parameter pack (`class... Ts`), written as
    /// `DW_TAG_GNU_template_parameter_pack` holding one type or value
    /// parameter per argument (g++ and clang write this for `std::tuple`,
    /// `std::variant`). The arguments are `Type` or `Value` parameters whose
    /// names may be empty (compilers write none); a pack may be empty
    /// (`std::tuple<>`).
    Pack {
        /// Parameter name (`Ts`); may be empty (g++ writes unnamed packs).
        name: String,
        /// The arguments, in order.
        args: Vec<TemplateParam>,
    },
    /// A `Type` or `Value` parameter whose argument is the parameter's
    /// default (`template<class T, class A = allocator<T>>`), written with
    /// `DW_AT_default_value`; lldb leaves such trailing arguments out of the
    /// type's name, as clang prints it (`std::vector<int>`).
    Defaulted(Box<TemplateParam>),
}

impl MethodDesc {
    /// A non-virtual method `name` without parameters, returning nothing,
    /// of the class's default accessibility; `this` is the type of its
    /// object pointer (`None`: a static method).
    pub fn new(name: impl Into<String>, this: Option<FrontendTy>) -> Self {
        MethodDesc {
            name: name.into(),
            linkage_name: None,
            ret: None,
            params: Vec::new(),
            this,
            access: Access::Unspecified,
            virtuality: Virtuality::None,
            artificial: false,
            decl: None,
            template_params: Vec::new(),
            variadic: false,
            artificial_params: Vec::new(),
            explicit: false,
        }
    }

    /// Sets the symbol (`DW_AT_linkage_name`).
    pub fn linkage_name(mut self, symbol: impl Into<String>) -> Self {
        self.linkage_name = Some(symbol.into());
        self
    }

    /// Sets the return type.
    pub fn returns(mut self, ty: FrontendTy) -> Self {
        self.ret = Some(ty);
        self
    }

    /// Appends a parameter.
    pub fn param(mut self, ty: FrontendTy) -> Self {
        self.params.push(ty);
        self
    }

    /// Appends a compiler-generated parameter (`__in_chrg`).
    pub fn artificial_param(mut self, ty: FrontendTy) -> Self {
        self.artificial_params.push(self.params.len());
        self.params.push(ty);
        self
    }

    /// Makes the method C variadic (`...`).
    pub fn variadic(mut self) -> Self {
        self.variadic = true;
        self
    }

    /// Marks the method `explicit` (`DW_AT_explicit`).
    pub fn explicit(mut self) -> Self {
        self.explicit = true;
        self
    }

    /// Sets the accessibility.
    pub fn access(mut self, access: Access) -> Self {
        self.access = access;
        self
    }

    /// Sets the virtuality.
    pub fn virtuality(mut self, virtuality: Virtuality) -> Self {
        self.virtuality = virtuality;
        self
    }

    /// Appends a template parameter (a member template's instance).
    pub fn template_param(mut self, param: TemplateParam) -> Self {
        self.template_params.push(param);
        self
    }
}
