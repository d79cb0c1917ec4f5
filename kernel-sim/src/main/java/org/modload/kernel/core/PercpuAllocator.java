package org.modload.kernel.core;

import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;


/**
 * The per-cpu allocator modules' static per-cpu data comes from ({@code __alloc_reserved_percpu}):
 * first fit over the area, sizes rounded up to and alignments at least
 * {@code PCPU_MIN_ALLOC_SIZE} (4 bytes), as Linux's bitmap allocator serves the reserved chunk.
 * Thread-safe by its own monitor (Linux's {@code pcpu_alloc_mutex}, not the module mutex).
 */
final class PercpuAllocator {
    /** PCPU_MIN_ALLOC_SIZE. */
    private static final long UNIT = 4;

    private final long base;
    private final long size;
    /** Allocations: start address to length. */
    private final TreeMap<Long, Long> used = new TreeMap<>(Long::compareUnsigned);

    /** {@code size} bytes from {@code base}. */
    PercpuAllocator(long base, long size) {
        this.base = base;
        this.size = size;
    }

    /** The lowest free range of {@code length} bytes at {@code alignment}, now marked used; empty when none fits. */
    synchronized OptionalLong allocate(long length, long alignment) {
        long len = round(length, UNIT);
        long align = Math.max(alignment, UNIT);
        long at = round(base, align);
        for (Map.Entry<Long, Long> e : used.entrySet()) {
            if (Long.compareUnsigned(at + len, e.getKey()) <= 0) {
                break;
            }
            long end = e.getKey() + e.getValue();
            if (Long.compareUnsigned(end, at) > 0) {
                at = round(end, align);
            }
        }
        if (Long.compareUnsigned(at - base + len, size) > 0) {
            return OptionalLong.empty();
        }
        used.put(at, len);
        return OptionalLong.of(at);
    }

    /** Marks {@code length} bytes at {@code start} used; false when they are not free or outside the area. */
    synchronized boolean allocateAt(long start, long length) {
        long len = round(length, UNIT);
        Map.Entry<Long, Long> before = used.floorEntry(start);
        Map.Entry<Long, Long> after = used.ceilingEntry(start);
        if (before != null && Long.compareUnsigned(before.getKey() + before.getValue(), start) > 0) {
            return false;
        }
        if (after != null && Long.compareUnsigned(start + len, after.getKey()) > 0) {
            return false;
        }
        used.put(start, len);
        return true;
    }

    /** Releases the allocation at {@code start}. */
    synchronized void free(long start) {
        if (used.remove(start) == null) {
            throw new IllegalStateException("no per-cpu memory allocated at 0x" + Long.toHexString(start));
        }
    }

    private static long round(long v, long a) {
        return (v + a - 1) & -a;
    }
}
