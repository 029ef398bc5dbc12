// The few DIBuilder calls the LLVM-C API lacks, for the dwarfsmith LLVM
// backend (src/backend/llvm/shim.rs declares them). Each is a thin call of
// the llvm::DIBuilder method of the same meaning; pointers are checked by
// the Rust side before the call (same DIBuilder, live metadata), and each
// function also refuses a null builder, a null node where one is required
// and a null array of non-zero length (returning null, which the Rust side
// reports as an error).

#include <llvm-c/DebugInfo.h>
#include <llvm/ADT/APSInt.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/DebugInfoMetadata.h>

using namespace llvm;

namespace {
template <typename T> T *md(LLVMMetadataRef r) {
  return r ? cast<T>(unwrap(r)) : nullptr;
}

DINodeArray elements(DIBuilder *b, LLVMMetadataRef *elems, unsigned n) {
  SmallVector<Metadata *, 8> v;
  for (unsigned i = 0; i < n; ++i)
    v.push_back(unwrap(elems[i]));
  return b->getOrCreateArray(v);
}
} // namespace

extern "C" LLVMMetadataRef dwarfsmith_di_variant_part(
    LLVMDIBuilderRef builder, LLVMMetadataRef scope, LLVMMetadataRef file,
    unsigned line, uint64_t size_bits, uint32_t align_bits,
    LLVMMetadataRef discriminator, LLVMMetadataRef *elems, unsigned n,
    const char *id, size_t id_len) {
  if (!builder || (n && !elems))
    return nullptr;
  DIBuilder *b = unwrap(builder);
  return wrap(b->createVariantPart(
      md<DIScope>(scope), StringRef(), md<DIFile>(file), line, size_bits,
      align_bits, DINode::FlagZero, md<DIDerivedType>(discriminator),
      elements(b, elems, n), StringRef(id, id_len)));
}

extern "C" LLVMMetadataRef dwarfsmith_di_variant_member(
    LLVMDIBuilderRef builder, LLVMMetadataRef scope, const char *name,
    size_t name_len, uint64_t size_bits, uint32_t align_bits,
    uint64_t offset_bits, LLVMValueRef discriminant, LLVMMetadataRef ty) {
  if (!builder || !ty)
    return nullptr;
  return wrap(unwrap(builder)->createVariantMemberType(
      md<DIScope>(scope), StringRef(name, name_len), nullptr, 0, size_bits,
      align_bits, offset_bits,
      discriminant ? dyn_cast<Constant>(unwrap(discriminant)) : nullptr,
      DINode::FlagZero, md<DIType>(ty)));
}

extern "C" LLVMMetadataRef dwarfsmith_di_enumeration(
    LLVMDIBuilderRef builder, LLVMMetadataRef scope, const char *name,
    size_t name_len, LLVMMetadataRef file, unsigned line, uint64_t size_bits,
    uint32_t align_bits, LLVMMetadataRef *elems, unsigned n,
    LLVMMetadataRef underlying, const char *id, size_t id_len, int scoped) {
  if (!builder || (n && !elems))
    return nullptr;
  DIBuilder *b = unwrap(builder);
  return wrap(b->createEnumerationType(
      md<DIScope>(scope), StringRef(name, name_len), md<DIFile>(file), line,
      size_bits, align_bits, elements(b, elems, n), md<DIType>(underlying), 0,
      StringRef(id, id_len), scoped != 0));
}

extern "C" void dwarfsmith_di_retain_type(LLVMDIBuilderRef builder,
                                          LLVMMetadataRef ty) {
  if (!builder || !ty)
    return;
  unwrap(builder)->retainType(md<DIType>(ty));
}

// A struct, class or union (tag 0x13, 0x02 or 0x17) with its containing
// type (`VTableHolder`, may be null) and template parameters (`n_tparams`
// may be 0). Returns null for another tag.
extern "C" LLVMMetadataRef dwarfsmith_di_composite(
    LLVMDIBuilderRef builder, unsigned tag, LLVMMetadataRef scope,
    const char *name, size_t name_len, LLVMMetadataRef file, unsigned line,
    uint64_t size_bits, uint32_t align_bits, LLVMDIFlags flags,
    LLVMMetadataRef *elems, unsigned n, LLVMMetadataRef vtable_holder,
    LLVMMetadataRef *tparams, unsigned n_tparams, const char *id,
    size_t id_len) {
  if (!builder || (n && !elems) || (n_tparams && !tparams))
    return nullptr;
  DIBuilder *b = unwrap(builder);
  StringRef nm(name, name_len), ident(id, id_len);
  auto fl = static_cast<DINode::DIFlags>(flags);
  DINodeArray els = elements(b, elems, n);
  DINodeArray tps = n_tparams ? elements(b, tparams, n_tparams) : DINodeArray();
  DIType *holder = md<DIType>(vtable_holder);
  DICompositeType *t = nullptr;
  switch (tag) {
  case 0x02: {
    // createClassType writes DW_TAG_structure_type: a class is built as a
    // fresh temporary of the class tag, filled, then made permanent.
    t = b->createReplaceableCompositeType(dwarf::DW_TAG_class_type, nm,
                                          md<DIScope>(scope), md<DIFile>(file),
                                          line, 0, size_bits, align_bits, fl,
                                          ident);
    b->replaceArrays(t, els, tps);
    if (holder)
      b->replaceVTableHolder(t, holder);
    return wrap(MDNode::replaceWithPermanent(TempDICompositeType(t)));
  }
  case 0x13:
    t = b->createStructType(md<DIScope>(scope), nm, md<DIFile>(file), line,
                            size_bits, align_bits, fl, nullptr, els, 0, holder,
                            ident);
    break;
  case 0x17:
    t = b->createUnionType(md<DIScope>(scope), nm, md<DIFile>(file), line,
                           size_bits, align_bits, fl, els, 0, ident);
    if (holder)
      b->replaceVTableHolder(t, holder);
    break;
  default:
    return nullptr;
  }
  if (n_tparams)
    b->replaceArrays(t, DINodeArray(), tps);
  return wrap(t);
}

// The `i`th element of a composite type's elements, or null.
extern "C" LLVMMetadataRef dwarfsmith_di_composite_element(LLVMMetadataRef ty,
                                                           unsigned i) {
  auto *c = ty ? dyn_cast<DICompositeType>(unwrap(ty)) : nullptr;
  if (!c)
    return nullptr;
  DINodeArray els = c->getElements();
  if (!els || i >= els.size())
    return nullptr;
  return wrap(els[i]);
}

// `createObjectPointerType`: `ty` with FlagObjectPointer | FlagArtificial.
extern "C" LLVMMetadataRef
dwarfsmith_di_object_pointer(LLVMDIBuilderRef builder, LLVMMetadataRef ty) {
  if (!builder || !ty)
    return nullptr;
#if LLVM_VERSION_MAJOR >= 20
  return wrap(DIBuilder::createObjectPointerType(md<DIType>(ty), true));
#else
  return wrap(DIBuilder::createObjectPointerType(md<DIType>(ty)));
#endif
}

// A member function declaration (`DIBuilder::createMethod`). `sp_flags`
// are DISPFlags (virtuality), `flags` DIFlags.
extern "C" LLVMMetadataRef dwarfsmith_di_method(
    LLVMDIBuilderRef builder, LLVMMetadataRef scope, const char *name,
    size_t name_len, const char *linkage, size_t linkage_len,
    LLVMMetadataRef file, unsigned line, LLVMMetadataRef ty,
    unsigned vtable_index, LLVMMetadataRef vtable_holder, LLVMDIFlags flags,
    unsigned sp_flags, LLVMMetadataRef *tparams, unsigned n_tparams) {
  if (!builder || !scope || !ty || (n_tparams && !tparams))
    return nullptr;
  DIBuilder *b = unwrap(builder);
  DINodeArray tps = n_tparams ? elements(b, tparams, n_tparams) : DINodeArray();
  return wrap(b->createMethod(
      md<DIScope>(scope), StringRef(name, name_len),
      StringRef(linkage, linkage_len), md<DIFile>(file), line,
      md<DISubroutineType>(ty), vtable_index, 0, md<DIType>(vtable_holder),
      static_cast<DINode::DIFlags>(flags),
      static_cast<DISubprogram::DISPFlags>(sp_flags), tps.get()));
}

// A function definition whose declaration is the method `decl`
// (`DW_AT_specification`).
extern "C" LLVMMetadataRef dwarfsmith_di_method_definition(
    LLVMDIBuilderRef builder, LLVMMetadataRef scope, const char *name,
    size_t name_len, const char *linkage, size_t linkage_len,
    LLVMMetadataRef file, unsigned line, LLVMMetadataRef ty, LLVMDIFlags flags,
    unsigned sp_flags, LLVMMetadataRef decl) {
  if (!builder || !scope || !ty || !decl)
    return nullptr;
  auto *d = dyn_cast<DISubprogram>(unwrap(decl));
  if (!d)
    return nullptr;
  return wrap(unwrap(builder)->createFunction(
      md<DIScope>(scope), StringRef(name, name_len),
      StringRef(linkage, linkage_len), md<DIFile>(file), line,
      md<DISubroutineType>(ty), line, static_cast<DINode::DIFlags>(flags),
      static_cast<DISubprogram::DISPFlags>(sp_flags), nullptr, d));
}

// A static data member declaration, `tag` DW_TAG_member (0x0d) or
// DW_TAG_variable (0x34); `value` a ConstantInt or null.
extern "C" LLVMMetadataRef dwarfsmith_di_static_member(
    LLVMDIBuilderRef builder, LLVMMetadataRef scope, const char *name,
    size_t name_len, LLVMMetadataRef ty, LLVMDIFlags flags, LLVMValueRef value,
    unsigned tag) {
  if (!builder || !scope || !ty)
    return nullptr;
  Constant *c = value ? dyn_cast<Constant>(unwrap(value)) : nullptr;
  return wrap(unwrap(builder)->createStaticMemberType(
      md<DIScope>(scope), StringRef(name, name_len), nullptr, 0, md<DIType>(ty),
      static_cast<DINode::DIFlags>(flags), c, tag));
}

// A template type parameter; `is_default` sets DW_AT_default_value; an
// empty name (a pack's argument) writes none.
extern "C" LLVMMetadataRef
dwarfsmith_di_template_type(LLVMDIBuilderRef builder, const char *name,
                            size_t name_len, LLVMMetadataRef ty,
                            int is_default) {
  if (!builder)
    return nullptr;
  // A null `ty` is void: the parameter is written without a type.
  return wrap(unwrap(builder)->createTemplateTypeParameter(
      nullptr, StringRef(name, name_len), ty ? md<DIType>(ty) : nullptr,
      is_default != 0));
}

// A template value parameter; `value` a ConstantInt.
extern "C" LLVMMetadataRef
dwarfsmith_di_template_value(LLVMDIBuilderRef builder, const char *name,
                             size_t name_len, LLVMMetadataRef ty,
                             LLVMValueRef value, int is_default) {
  if (!builder || !ty || !value)
    return nullptr;
  auto *c = dyn_cast<Constant>(unwrap(value));
  if (!c)
    return nullptr;
  return wrap(unwrap(builder)->createTemplateValueParameter(
      nullptr, StringRef(name, name_len), md<DIType>(ty), is_default != 0, c));
}

// A template parameter pack (DW_TAG_GNU_template_parameter_pack) holding
// the `n` template parameters `args`.
extern "C" LLVMMetadataRef
dwarfsmith_di_template_pack(LLVMDIBuilderRef builder, const char *name,
                            size_t name_len, LLVMMetadataRef *args, size_t n) {
  if (!builder || (n != 0 && !args))
    return nullptr;
  SmallVector<Metadata *, 8> elems;
  for (size_t i = 0; i < n; i++)
    elems.push_back(unwrap(args[i]));
  auto *b = unwrap(builder);
  return wrap(b->createTemplateParameterPack(
      nullptr, StringRef(name, name_len), nullptr, b->getOrCreateArray(elems)));
}

// An enumerator of up to 128 bits: `lo` and `hi` are the value's low and
// high 64 bits, `bits` (1 to 128) its width.
extern "C" LLVMMetadataRef
dwarfsmith_di_enumerator_wide(LLVMDIBuilderRef builder, const char *name,
                              size_t name_len, uint64_t lo, uint64_t hi,
                              unsigned bits, int is_unsigned) {
  if (!builder || bits == 0 || bits > 128)
    return nullptr;
  uint64_t words[2] = {lo, hi};
  APSInt v(APInt(bits, ArrayRef<uint64_t>(words, 2)), is_unsigned != 0);
  return wrap(unwrap(builder)->createEnumerator(StringRef(name, name_len), v));
}

// A typedef with flags (accessibility of a member typedef).
extern "C" LLVMMetadataRef
dwarfsmith_di_typedef(LLVMDIBuilderRef builder, LLVMMetadataRef ty,
                      const char *name, size_t name_len, LLVMMetadataRef file,
                      unsigned line, LLVMMetadataRef scope,
                      LLVMDIFlags flags) {
  if (!builder)
    return nullptr;
  // A null `ty` is void (`typedef void T`): written without a type.
  return wrap(unwrap(builder)->createTypedef(
      ty ? md<DIType>(ty) : nullptr, StringRef(name, name_len),
      file ? md<DIFile>(file) : nullptr, line,
      scope ? md<DIScope>(scope) : nullptr, 0,
      static_cast<DINode::DIFlags>(flags)));
}

// An LLJIT builder whose execution session runs every task on the calling
// thread (InPlaceTaskDispatcher) instead of LLVM's default thread pool: a
// process being debugged then starts no threads for the JIT. LLVM-C can
// only create the default builder. On error returns null and sets *err to
// a malloc'ed message.
#include <llvm/Config/llvm-config.h>
#include <llvm-c/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#if LLVM_VERSION_MAJOR >= 20
#include <llvm/ExecutionEngine/Orc/SelfExecutorProcessControl.h>
#else
#include <llvm/ExecutionEngine/Orc/ExecutorProcessControl.h>
#endif
#include <llvm/ExecutionEngine/Orc/TaskDispatch.h>
#include <cstdlib>
#include <cstring>

extern "C" LLVMOrcLLJITBuilderRef
dwarfsmith_lljit_builder_in_place(char **err) {
  auto epc = orc::SelfExecutorProcessControl::Create(
      nullptr, std::make_unique<orc::InPlaceTaskDispatcher>());
  if (!epc) {
    *err = strdup(toString(epc.takeError()).c_str());
    return nullptr;
  }
  auto *b = new orc::LLJITBuilder();
  b->setExecutorProcessControl(std::move(*epc));
  return reinterpret_cast<LLVMOrcLLJITBuilderRef>(b);
}
