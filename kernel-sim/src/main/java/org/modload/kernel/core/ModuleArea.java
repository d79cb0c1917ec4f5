package org.modload.kernel.core;

import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The module area's allocator (module_alloc): first fit, page-aligned, free extents coalesced,
 * so that freeing a failed load's memory leaves the area exactly as it was. Free extents are
 * indexed by start and by size, so a fit is found among the distinct extent sizes rather than
 * by walking every allocation. Thread-safe by its own monitor (vmalloc's lock, not the module
 * mutex): loads allocate and free outside the mutex.
 */
final class ModuleArea {
    private final long base;
    private final long size;
    private final long page;
    private final TreeMap<Long, Long> used = new TreeMap<>();
    /** Free extents: offset from base to length. */
    private final TreeMap<Long, Long> free = new TreeMap<>();
    /** Free extents by length: length to their offsets. */
    private final TreeMap<Long, TreeSet<Long>> bySize = new TreeMap<>();
    private long inUse;

    ModuleArea(long base, long size, long page) {
        this.base = base;
        this.size = size & -page;
        this.page = page;
        addFree(0, this.size);
    }

    /** The lowest free page-aligned range of {@code length} bytes, now marked used. */
    synchronized OptionalLong allocate(long length) {
        long want = align(Math.max(length, 1));
        if (want <= 0 || want > size) {
            return OptionalLong.empty();
        }
        long best = -1;
        for (Map.Entry<Long, TreeSet<Long>> e : bySize.tailMap(want, true).entrySet()) {
            long first = e.getValue().first();
            if (best < 0 || first < best) {
                best = first;
            }
        }
        if (best < 0) {
            return OptionalLong.empty();
        }
        long extent = free.get(best);
        removeFree(best, extent);
        if (extent > want) {
            addFree(best + want, extent - want);
        }
        used.put(base + best, want);
        inUse += want;
        return OptionalLong.of(base + best);
    }

    /**
     * Marks the page-aligned range of {@code length} bytes at {@code start} used, for a load
     * placed by its caller; false when any of it is outside the area or taken.
     */
    synchronized boolean allocateAt(long start, long length) {
        long want = align(Math.max(length, 1));
        long offset = start - base;
        if ((start & (page - 1)) != 0 || offset < 0 || offset > size - want) {
            return false;
        }
        Map.Entry<Long, Long> extent = free.floorEntry(offset);
        if (extent == null || extent.getKey() + extent.getValue() < offset + want) {
            return false;
        }
        long from = extent.getKey();
        long len = extent.getValue();
        removeFree(from, len);
        if (offset > from) {
            addFree(from, offset - from);
        }
        if (from + len > offset + want) {
            addFree(offset + want, from + len - offset - want);
        }
        used.put(start, want);
        inUse += want;
        return true;
    }

    /** Releases the range allocated at {@code start}. */
    synchronized void free(long start) {
        Long length = used.remove(start);
        if (length == null) {
            throw new IllegalStateException("no module memory allocated at 0x" + Long.toHexString(start));
        }
        inUse -= length;
        release(start - base, length);
    }

    synchronized long inUse() {
        return inUse;
    }

    synchronized int ranges() {
        return used.size();
    }

    /** Frees an extent, merged with free neighbours. */
    private void release(long offset, long length) {
        long from = offset;
        long len = length;
        Map.Entry<Long, Long> before = free.floorEntry(offset);
        if (before != null && before.getKey() + before.getValue() == offset) {
            removeFree(before.getKey(), before.getValue());
            from = before.getKey();
            len += before.getValue();
        }
        Long afterLength = free.get(offset + length);
        if (afterLength != null) {
            removeFree(offset + length, afterLength);
            len += afterLength;
        }
        addFree(from, len);
    }

    private void addFree(long offset, long length) {
        free.put(offset, length);
        bySize.computeIfAbsent(length, k -> new TreeSet<>()).add(offset);
    }

    private void removeFree(long offset, long length) {
        free.remove(offset);
        TreeSet<Long> s = bySize.get(length);
        s.remove(offset);
        if (s.isEmpty()) {
            bySize.remove(length);
        }
    }

    private long align(long v) {
        return (v + page - 1) & -page;
    }
}
