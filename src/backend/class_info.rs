//! What a backend is told about a class beyond its members: bases,
//! method declarations, static members, template parameters, and the
//! [`CompositeBody`] that carries them to `composite_complete`.

#![forbid(unsafe_code)]

use super::{DeclSite, DiscrValue, MemberInfo, TypeIdx, VariantPartInfo};
use crate::desc::{Access, Virtuality};

/// A base class.
#[derive(Debug, Clone, Copy)]
pub struct BaseInfo {
    /// The base class type.
    pub ty: TypeIdx,
    /// Byte offset of the subobject (non-virtual bases).
    pub offset: u64,
    /// Accessibility.
    pub access: Access,
    /// Virtual base: where the vtable holds its offset (see
    /// [`BaseDesc`](crate::BaseDesc)).
    pub virtual_offset_offset: Option<i64>,
}

/// A member function declaration.
#[derive(Debug, Clone, Copy)]
pub struct MethodInfo<'a> {
    /// Name.
    pub name: &'a str,
    /// Symbol.
    pub linkage_name: Option<&'a str>,
    /// Return type.
    pub ret: Option<TypeIdx>,
    /// Parameter types without `this`.
    pub params: &'a [TypeIdx],
    /// Type of the artificial `this` parameter (`None`: static method).
    pub this: Option<TypeIdx>,
    /// Accessibility.
    pub access: Access,
    /// Virtuality.
    pub virtuality: Virtuality,
    /// Compiler-generated.
    pub artificial: bool,
    /// Where it is declared.
    pub decl: Option<DeclSite>,
    /// Template parameters (a member template's instance).
    pub template_params: &'a [TemplateParamInfo<'a>],
    /// C variadic: `DW_TAG_unspecified_parameters` after the parameters.
    pub variadic: bool,
    /// Indices into `params` of artificial parameters (increasing).
    pub artificial_params: &'a [usize],
    /// Declared `explicit` (`DW_AT_explicit`).
    pub explicit: bool,
}

/// A static data member.
#[derive(Debug, Clone, Copy)]
pub struct StaticMemberInfo<'a> {
    /// Name.
    pub name: &'a str,
    /// Type.
    pub ty: TypeIdx,
    /// Accessibility.
    pub access: Access,
    /// Constant value, reduced to the type's width and signedness.
    pub const_value: Option<DiscrValue>,
    /// Written before data member number `position` (see
    /// [`StaticMemberDesc`](crate::StaticMemberDesc)); statics are sorted by it.
    pub position: usize,
}

/// A template parameter.
#[derive(Debug, Clone)]
pub enum TemplateParamInfo<'a> {
    /// A type parameter.
    Type {
        /// Name (empty inside a pack: no `DW_AT_name`).
        name: &'a str,
        /// Argument.
        ty: TypeIdx,
        /// The argument is the parameter's default (`DW_AT_default_value`).
        default: bool,
    },
    /// A value parameter.
    Value {
        /// Name (empty inside a pack: no `DW_AT_name`).
        name: &'a str,
        /// Type.
        ty: TypeIdx,
        /// Value.
        value: DiscrValue,
        /// The argument is the parameter's default (`DW_AT_default_value`).
        default: bool,
    },
    /// A parameter pack (`DW_TAG_GNU_template_parameter_pack`) holding its
    /// arguments, each a `Type` or `Value` parameter.
    Pack {
        /// Name.
        name: &'a str,
        /// The arguments.
        args: Vec<TemplateParamInfo<'a>>,
    },
}

/// Everything a completed composite holds besides its stub.
#[derive(Debug, Clone, Copy, Default)]
pub struct CompositeBody<'a> {
    /// Data members.
    pub members: &'a [MemberInfo<'a>],
    /// A variant part (tagged unions).
    pub variant_part: Option<&'a VariantPartInfo<'a>>,
    /// Base classes.
    pub bases: &'a [BaseInfo],
    /// Member function declarations, in order (a method is named by its
    /// index here in [`FunctionInfo::specification`](super::FunctionInfo::specification)).
    pub methods: &'a [MethodInfo<'a>],
    /// Static data members.
    pub statics: &'a [StaticMemberInfo<'a>],
    /// Template parameters.
    pub template_params: &'a [TemplateParamInfo<'a>],
    /// `DW_AT_containing_type`.
    pub containing_type: Option<TypeIdx>,
    /// The types declared in this one, in declaration order (all built):
    /// a backend that can writes the nested typedefs in this order.
    pub nested: &'a [TypeIdx],
}
