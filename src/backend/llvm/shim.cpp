// The few DIBuilder calls the LLVM-C API lacks, for the dwarfsmith LLVM
// backend (src/backend/llvm/shim.rs declares them). Each is a thin call of
// the llvm::DIBuilder method of the same meaning; pointers are checked by
// the Rust side before the call (same DIBuilder, live metadata).

#include <llvm-c/DebugInfo.h>
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
  return wrap(unwrap(builder)->createVariantMemberType(
      md<DIScope>(scope), StringRef(name, name_len), nullptr, 0, size_bits,
      align_bits, offset_bits, cast<Constant>(unwrap(discriminant)),
      DINode::FlagZero, md<DIType>(ty)));
}

extern "C" LLVMMetadataRef dwarfsmith_di_enumeration(
    LLVMDIBuilderRef builder, LLVMMetadataRef scope, const char *name,
    size_t name_len, LLVMMetadataRef file, unsigned line, uint64_t size_bits,
    uint32_t align_bits, LLVMMetadataRef *elems, unsigned n,
    LLVMMetadataRef underlying, const char *id, size_t id_len) {
  DIBuilder *b = unwrap(builder);
  return wrap(b->createEnumerationType(
      md<DIScope>(scope), StringRef(name, name_len), md<DIFile>(file), line,
      size_bits, align_bits, elements(b, elems, n), md<DIType>(underlying), 0,
      StringRef(id, id_len), false));
}

extern "C" void dwarfsmith_di_retain_type(LLVMDIBuilderRef builder,
                                          LLVMMetadataRef ty) {
  unwrap(builder)->retainType(md<DIType>(ty));
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
