package org.modload.kernel.model;

import java.util.OptionalLong;

/**
 * Where one load must put a module instead of where the kernel's allocators would: its core
 * and init regions and its per-cpu data. For reproducing another kernel's load at that
 * kernel's addresses (the real-kernel oracle does), or an emulator's fixed placement. The
 * ranges must be free; the sizes are the layout's.
 *
 * @param coreBase where the core region starts (page-aligned)
 * @param initBase where the init region starts (page-aligned)
 * @param percpuBase where its per-cpu data starts, when it has any; empty lets the per-cpu
 *     allocator choose
 */
public record ModulePlacement(long coreBase, long initBase, OptionalLong percpuBase) {
}
