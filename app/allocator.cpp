#include "app/allocator.h"

#include <dlfcn.h>

#if GLIP_WITH_TCMALLOC
#include <gperftools/malloc_extension.h>
#include <sys/mman.h>

#include <algorithm>
#endif

namespace glip::app {

#if GLIP_WITH_TCMALLOC
namespace {
// tcmalloc's source of memory, wrapped: requests of 2 MiB or more (the activations) are made 2 MiB-aligned and
// whole, and marked MADV_HUGEPAGE, so that the kernel backs them with transparent huge pages where it allows them
// (THP "madvise" mode, common on servers and VMs): one page fault per 2 MiB instead of one per 4 KiB.
class HugePageSystemAllocator final : public SysAllocator {
 public:
  explicit HugePageSystemAllocator(SysAllocator* next) : next_(next) {}
  void* Alloc(size_t size, size_t* actual_size, size_t alignment) override {
    constexpr size_t kHuge = size_t{2} << 20;
    const bool huge = size >= kHuge;
    if (huge) {
      size = (size + kHuge - 1) / kHuge * kHuge;
      alignment = std::max(alignment, kHuge);
    }
    void* p = next_->Alloc(size, actual_size, alignment);
    if (p && huge) madvise(p, actual_size ? *actual_size : size, MADV_HUGEPAGE);  // advice only: failure is harmless
    return p;
  }

 private:
  SysAllocator* next_;
};
}  // namespace
#endif

void tune_allocator() {
#if GLIP_WITH_TCMALLOC
  MallocExtension* tcmalloc = MallocExtension::instance();
  tcmalloc->SetMemoryReleaseRate(0);
  if (SysAllocator* system = tcmalloc->GetSystemAllocator())
    tcmalloc->SetSystemAllocator(new HugePageSystemAllocator(system));  // lives as long as the process
#endif
}

std::string allocator_name() { return dlsym(RTLD_DEFAULT, "tc_malloc") ? "tcmalloc" : "glibc"; }

}  // namespace glip::app
