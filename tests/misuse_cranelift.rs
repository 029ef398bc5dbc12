//! Misuse of the gimli backend's call frames and object output that a
//! Cranelift frontend can commit, and of the Cranelift glue (feature
//! `cranelift`). Cases 38-46 (1-37 are in the other `misuse_*.rs` files).
//! Each of these was silent before: the object was written and the link
//! or the debugger failed later.

mod common;

use common::*;
use dwarfsmith::{DwarfObject, ErrorKind};
use gimli::write::{CallFrameInstruction, CommonInformationEntry, FrameDescriptionEntry};
use object::write::{Object, StandardSection, Symbol, SymbolSection};
use object::{SymbolFlags, SymbolKind, SymbolScope};

fn cie() -> CommonInformationEntry {
    let encoding = gimli::Encoding {
        format: gimli::Format::Dwarf32,
        version: 1,
        address_size: 8,
    };
    let mut cie = CommonInformationEntry::new(encoding, 1, -8, gimli::X86_64::RA);
    cie.add_instruction(CallFrameInstruction::Cfa(gimli::X86_64::RSP, 8));
    cie
}

/// Case 38: `add_fde` twice for one symbol. Guards against: two FDEs for
/// one address range (the link fails: ".eh_frame_hdr refers to overlapping
/// FDEs"). Expected: `InvalidCode` naming the symbol; one FDE is written.
#[test]
fn add_fde_twice_for_one_symbol() {
    let mut cx = context(5);
    let f = function(&mut cx, "twice");
    cx.define_function_code(f, 16, &[]).unwrap();
    cx.backend_mut().set_cie(cie()).unwrap();
    cx.backend_mut()
        .add_fde("twice", |a| FrameDescriptionEntry::new(a, 16))
        .unwrap();
    let e = cx
        .backend_mut()
        .add_fde("twice", |a| FrameDescriptionEntry::new(a, 16))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode);
    assert_eq!(
        e.message(),
        "add_fde was already called for `twice`: a function has one FDE (two would overlap in the linker's .eh_frame_hdr); call it once per function symbol"
    );
    let bytes = object_with(&cx.finish().unwrap(), &["twice"], &[]);
    verify("misuse_fde_twice", &bytes);
    let file = object::File::parse(&*bytes).unwrap();
    use gimli::UnwindSection as _;
    use object::{Object as _, ObjectSection as _};
    let eh = file.section_by_name(".eh_frame").unwrap();
    let eh = gimli::EhFrame::new(eh.data().unwrap(), gimli::LittleEndian);
    let bases = gimli::BaseAddresses::default();
    let mut entries = eh.entries(&bases);
    let mut fdes = 0;
    while let Some(entry) = entries.next().unwrap() {
        fdes += matches!(entry, gimli::CieOrFde::Fde(_)) as usize;
    }
    assert_eq!(fdes, 1);
}

/// Case 39: `write_into` twice. Guards against: two copies of every debug
/// section and FDE in the object (the link fails on the duplicated FDEs).
/// Expected: `InvalidCode`; the object keeps one copy.
#[test]
fn write_into_twice() {
    let mut cx = context(5);
    let f = function(&mut cx, "once");
    cx.define_function_code(f, 16, &[]).unwrap();
    let dwarf = cx.finish().unwrap();
    let mut obj = object_defining(&[("once", 16, 16)]);
    dwarf.write_into(&mut obj).unwrap();
    let e = dwarf.write_into(&mut obj).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode);
    assert_eq!(
        e.message(),
        "write_into was already called on this DwarfObject: its sections go into one object once (a second copy duplicates .debug_info and the FDEs); finish another DebugContext for another object"
    );
    let bytes = obj.write().unwrap();
    verify("misuse_write_twice", &bytes);
    use object::Object as _;
    let file = object::File::parse(&*bytes).unwrap();
    let infos = file
        .sections()
        .filter(|s| {
            use object::ObjectSection as _;
            s.name() == Ok(".debug_info")
        })
        .count();
    assert_eq!(infos, 1);
}

/// An object with `(name, symbol size, code bytes)` functions in `.text`.
fn object_defining(functions: &[(&str, u64, usize)]) -> Object<'static> {
    let mut obj = DwarfObject::new_elf_object();
    let text = obj.section_id(StandardSection::Text);
    for (name, size, bytes) in functions {
        let off = obj.append_section_data(text, &vec![0xc3; *bytes], 16);
        obj.add_symbol(Symbol {
            name: name.as_bytes().to_vec(),
            value: off,
            size: *size,
            kind: SymbolKind::Text,
            scope: SymbolScope::Linkage,
            weak: false,
            section: SymbolSection::Section(text),
            flags: SymbolFlags::None,
        });
    }
    obj
}

/// Case 40: a code size larger than the function's symbol size. Guards
/// against: address ranges covering the next function (a debugger shows the
/// wrong function there). Expected: `InvalidCode` naming both sizes; the
/// object is unchanged (a corrected DWARF can still be written into it).
#[test]
fn code_size_larger_than_the_symbol() {
    let mut cx = context(5);
    let f = function(&mut cx, "small");
    cx.define_function_code(f, 32, &[]).unwrap();
    let dwarf = cx.finish().unwrap();
    let mut obj = object_defining(&[("small", 16, 16), ("next", 16, 16)]);
    let e = dwarf.write_into(&mut obj).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode);
    assert_eq!(
        e.message(),
        "the debug info gives `small` 32 bytes of code but its symbol in the object has 16 bytes: pass define_function_code the function's own code size"
    );
    // Nothing was written: the right size still goes in.
    let mut cx = context(5);
    let f = function(&mut cx, "small");
    cx.define_function_code(f, 16, &[]).unwrap();
    cx.finish().unwrap().write_into(&mut obj).unwrap();
    verify("misuse_code_size_fixed", &obj.write().unwrap());
}

/// Case 41: a code size reaching past the end of the function's section
/// (symbols without a size, as cranelift-object writes them). Guards
/// against: ranges past the code. Expected: `InvalidCode` with the offset
/// and the section size.
#[test]
fn code_size_past_the_section_end() {
    let mut cx = context(5);
    let f = function(&mut cx, "last");
    cx.define_function_code(f, 40, &[]).unwrap();
    let dwarf = cx.finish().unwrap();
    let mut obj = object_defining(&[("first", 0, 16), ("last", 0, 24)]);
    let e = dwarf.write_into(&mut obj).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode);
    assert_eq!(
        e.message(),
        "the debug info gives `last` 40 bytes of code from offset 16 but its section has only 40 bytes: pass define_function_code the function's own code size, and add the code to the object before writing the DWARF"
    );
}

/// Case 45: `.eh_frame` data already in the object (cranelift-object's
/// `ObjectBuilder::unwind_info(true)` writes its own). Guards against: two
/// FDEs per function (the link fails on overlapping FDEs). Expected:
/// `InvalidCode` saying what to turn off; with `FrameSection::DebugFrame`
/// the same object takes the debug info.
#[test]
fn eh_frame_already_in_the_object() {
    let dwarf = |frame_section| {
        let b = dwarfsmith::GimliBackend::new(dwarfsmith::GimliOptions {
            frame_section,
            ..Default::default()
        })
        .unwrap();
        let mut cx = dwarfsmith::DebugContext::new(b, &unit()).unwrap();
        let f = function(&mut cx, "f");
        cx.define_function_code(f, 16, &[]).unwrap();
        cx.backend_mut().set_cie(cie()).unwrap();
        cx.backend_mut()
            .add_fde("f", |a| FrameDescriptionEntry::new(a, 16))
            .unwrap();
        cx.finish().unwrap()
    };
    let mut obj = object_defining(&[("f", 16, 16)]);
    let eh = obj.section_id(StandardSection::EhFrame);
    obj.append_section_data(eh, &[0; 16], 8);
    let e = dwarf(dwarfsmith::FrameSection::EhFrame)
        .write_into(&mut obj)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidCode);
    assert_eq!(
        e.message(),
        "the object already has .eh_frame data (cranelift-object writes its own when ObjectBuilder::unwind_info is on): turn that off, or use FrameSection::DebugFrame, so each function has one FDE"
    );
    dwarf(dwarfsmith::FrameSection::DebugFrame)
        .write_into(&mut obj)
        .unwrap();
}

#[cfg(feature = "cranelift")]
mod with_cranelift {
    //! Misuse of `DebugContext::define_cranelift_function`.

    use super::*;
    use cranelift_codegen::ir::{types, AbiParam, Function, InstBuilder, Signature, UserFuncName};
    use cranelift_codegen::isa::{self, CallConv, TargetIsa};
    use cranelift_codegen::settings::{self, Configurable};
    use cranelift_codegen::Context;
    use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
    use std::sync::Arc;

    fn isa() -> Arc<dyn TargetIsa> {
        let mut fb = settings::builder();
        fb.set("unwind_info", "true").unwrap();
        fb.set("preserve_frame_pointers", "true").unwrap();
        isa::lookup_by_name("x86_64-unknown-linux-gnu")
            .unwrap()
            .finish(settings::Flags::new(fb))
            .unwrap()
    }

    fn compiled(isa: &dyn TargetIsa) -> Context {
        let mut func = Function::with_name_signature(
            UserFuncName::user(0, 0),
            Signature::new(CallConv::SystemV),
        );
        func.signature.returns.push(AbiParam::new(types::I32));
        let mut fbc = FunctionBuilderContext::new();
        let mut b = FunctionBuilder::new(&mut func, &mut fbc);
        let entry = b.create_block();
        b.switch_to_block(entry);
        let v = b.ins().iconst(types::I32, 7);
        b.ins().return_(&[v]);
        b.seal_all_blocks();
        b.finalize(isa.frontend_config());
        let mut ctx = Context::for_function(func);
        ctx.compile(isa, &mut Default::default()).unwrap();
        ctx
    }

    /// Case 42: a symbol other than the function's linkage name. Guards
    /// against: an FDE for another function (or none) and a subprogram whose
    /// address is a different symbol. Expected: `InvalidName` naming both.
    #[test]
    fn symbol_other_than_the_linkage_name() {
        let isa = isa();
        let ctx = compiled(&*isa);
        let mut cx = context(5);
        let f = function(&mut cx, "declared_name");
        cx.set_cranelift_cie(&*isa).unwrap();
        let e = cx
            .define_cranelift_function(f, ctx.compiled_code().unwrap(), &*isa, "other", &[])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidName);
        assert_eq!(
            e.message(),
            "define_cranelift_function got symbol `other` for the function whose linkage name is `declared_name`: give the FunctionDesc the name the function was declared with in cranelift-module (dwarfsmith::cranelift::function_symbol)"
        );
    }

    /// Case 43: `define_cranelift_function` before `set_cranelift_cie`.
    /// Guards against: code rows and variables recorded, then the FDE
    /// refused, so a retry reports "code already defined". Expected: the CIE
    /// error, nothing recorded; after `set_cranelift_cie` the call succeeds.
    #[test]
    fn define_before_the_cie() {
        let isa = isa();
        let ctx = compiled(&*isa);
        let mut cx = context(5);
        let f = function(&mut cx, "f");
        let code = ctx.compiled_code().unwrap();
        let e = cx
            .define_cranelift_function(f, code, &*isa, "f", &[])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidCode);
        assert_eq!(
            e.message(),
            "add_fde before set_cie: give the backend the CIE first"
        );
        cx.set_cranelift_cie(&*isa).unwrap();
        cx.define_cranelift_function(f, code, &*isa, "f", &[])
            .unwrap();
    }

    /// Case 44: `define_cranelift_function` twice for one function. Guards
    /// against: a second FDE. Expected: `InvalidCode` (one FDE per symbol).
    #[test]
    fn define_cranelift_function_twice() {
        let isa = isa();
        let ctx = compiled(&*isa);
        let mut cx = context(5);
        let f = function(&mut cx, "f");
        cx.set_cranelift_cie(&*isa).unwrap();
        let code = ctx.compiled_code().unwrap();
        cx.define_cranelift_function(f, code, &*isa, "f", &[])
            .unwrap();
        let e = cx
            .define_cranelift_function(f, code, &*isa, "f", &[])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidCode);
        assert!(
            e.message().contains("add_fde was already called for `f`"),
            "{e}"
        );
    }

    /// Case 46: `write_into_product` on cranelift-object's product built
    /// with `ObjectBuilder::unwind_info(true)`, which wrote its own
    /// `.eh_frame`. Guards against: two FDEs per function (a link error).
    /// Expected: the case-45 error naming the setting.
    #[test]
    fn product_with_its_own_eh_frame() {
        use cranelift_module::{default_libcall_names, Linkage, Module};
        use cranelift_object::{ObjectBuilder, ObjectModule};
        let isa = isa();
        let mut builder = ObjectBuilder::new(isa.clone(), "t", default_libcall_names()).unwrap();
        builder.unwind_info(true);
        let mut module = ObjectModule::new(builder);
        let mut ctx = compiled(&*isa);
        let id = module
            .declare_function("f", Linkage::Export, &ctx.func.signature)
            .unwrap();
        module.define_function(id, &mut ctx).unwrap();
        let mut cx = context(5);
        let f = function(&mut cx, "f");
        cx.set_cranelift_cie(&*isa).unwrap();
        let symbol = dwarfsmith::cranelift::function_symbol(&module, id);
        cx.define_cranelift_function(f, ctx.compiled_code().unwrap(), &*isa, &symbol, &[])
            .unwrap();
        let mut product = module.finish();
        let e = dwarfsmith::cranelift::write_into_product(&cx.finish().unwrap(), &mut product)
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidCode);
        assert!(e.message().contains("ObjectBuilder::unwind_info"), "{e}");
    }
}
