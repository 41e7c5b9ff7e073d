#include "tendo/imaging/memory_reuse.hpp"

#include <cstdlib> // defines __GLIBC__ on the GNU C library

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace tendo {

void keep_freed_memory_for_reuse() {
#if defined(__GLIBC__)
    // 32 MB is the largest threshold the library accepts on 64-bit systems. The trim threshold is
    // left alone: set on its own it would also freeze the mmap threshold at 128 kB.
    constexpr int kLargestHeapBlock = 32 << 20;
    constexpr int kHeapSlack = 64 << 20;
    mallopt(M_MMAP_THRESHOLD, kLargestHeapBlock);
    mallopt(M_TOP_PAD, kHeapSlack);
#endif
}

} // namespace tendo
