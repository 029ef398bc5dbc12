//! Cranelift types and the Toy calling convention as Cranelift
//! signatures.

use cranelift_codegen::ir::{types, AbiParam, Signature, Type};
use cranelift_codegen::isa::TargetIsa;

use crate::codegen::abi::{ret_abi, Eightbyte, RetAbi};
use crate::codegen::cranelift::R;
use crate::codegen::repr::{ext, repr, scalar, Ext, Repr, Scalar};
use crate::front::hir::{Program, TypeId};

/// The Cranelift type of a scalar.
pub fn clif_type(s: Scalar) -> Type {
    match s {
        Scalar::Int(bits) => u16::try_from(bits)
            .ok()
            .and_then(Type::int)
            .unwrap_or(types::I64),
        Scalar::F32 => types::F32,
        Scalar::F64 => types::F64,
        Scalar::Ptr => types::I64,
    }
}

/// The Cranelift type of `t` if it is a scalar.
pub fn scalar_type(prog: &Program, t: TypeId) -> Option<Type> {
    scalar(prog, t).map(clif_type)
}

/// The register type of an eightbyte of an aggregate result.
pub fn eightbyte_type(e: Eightbyte) -> Type {
    match e {
        Eightbyte::Int => types::I64,
        Eightbyte::Sse => types::F64,
    }
}

fn abi_param(prog: &Program, t: TypeId, ty: Type) -> AbiParam {
    match ext(prog, t) {
        Some(Ext::Sign) => AbiParam::new(ty).sext(),
        Some(Ext::Zero) => AbiParam::new(ty).uext(),
        None => AbiParam::new(ty),
    }
}

/// The Toy calling convention for `params -> ret`. With `c_abi`, aggregates
/// are refused (`what` names the function for the error).
pub fn signature(
    prog: &Program,
    isa: &dyn TargetIsa,
    params: &[TypeId],
    ret: TypeId,
    c_abi: Option<&str>,
) -> R<Signature> {
    let mut sig = Signature::new(isa.default_call_conv());
    let agg = |what: &str| {
        Err(format!(
            "extern fn `{what}`: structs, arrays and enums with payloads cannot cross the C ABI in toyc (pass a pointer)"
        ))
    };
    match ret_abi(prog, ret) {
        RetAbi::None => {}
        RetAbi::Scalar(s) => sig.returns.push(abi_param(prog, ret, clif_type(s))),
        RetAbi::Regs(r) => sig
            .returns
            .extend(r.into_iter().map(|e| AbiParam::new(eightbyte_type(e)))),
        RetAbi::Memory => {
            sig.params.push(AbiParam::new(types::I64));
            sig.returns.push(AbiParam::new(types::I64));
        }
    }
    for p in params {
        match repr(prog, *p) {
            Repr::Unit => {}
            Repr::Scalar(s) => sig.params.push(abi_param(prog, *p, clif_type(s))),
            Repr::Mem { .. } => match c_abi {
                Some(w) => return agg(w),
                None => sig.params.push(AbiParam::new(types::I64)),
            },
        }
    }
    Ok(sig)
}
