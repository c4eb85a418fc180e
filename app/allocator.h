// The executables' allocator (glip, glip-studio): which one runs, and its settings for inference.
#pragma once
#include <string>

namespace glip::app {

// Call first in main(). With tcmalloc (GLIP_TCMALLOC): freed memory is never handed back to the kernel in the
// background (release rate 0), so every layer and every run reuses the pages of the one before instead of faulting
// fresh zeroed pages in: fewer page faults, less system time and a lower peak (docs/PERFORMANCE.md, "Memory
// churn"). The process keeps its high-water mark, which is what an inference tool wants. Nothing with glibc.
void tune_allocator();

// "tcmalloc" when the process runs on it (linked, or preloaded), else "glibc".
std::string allocator_name();

}  // namespace glip::app
