#pragma once

namespace tendo {

/// Keeps memory the analysis frees for its next frame instead of returning it to the system.
/// Every frame allocates and frees frame-sized working images; the C library hands blocks above
/// 128 kB back to the kernel as soon as they are freed, and the next frame faults every page of
/// them in again (measured: a third of the analysis time of an 800 x 600 frame). Blocks up to
/// 32 MB are then served from the heap, which keeps 64 MB of slack when it grows or shrinks.
/// Call once at the start of a program that analyses many frames; it has no effect outside the
/// GNU C library.
void keep_freed_memory_for_reuse();

} // namespace tendo
