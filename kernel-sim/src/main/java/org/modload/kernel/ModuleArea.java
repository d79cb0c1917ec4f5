package org.modload.kernel;

import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The module area's allocator (module_alloc): first fit, page-aligned, so that freeing a
 * failed load's memory leaves the area exactly as it was. Not thread-safe: the kernel calls it
 * under its lock.
 */
final class ModuleArea {
    private final long base;
    private final long size;
    private final long page;
    private final TreeMap<Long, Long> used = new TreeMap<>();
    private long inUse;

    ModuleArea(long base, long size, long page) {
        this.base = base;
        this.size = size;
        this.page = page;
    }

    /** The lowest free page-aligned range of {@code length} bytes, now marked used. */
    OptionalLong allocate(long length) {
        long want = align(Math.max(length, 1));
        long at = base;
        for (Map.Entry<Long, Long> e : used.entrySet()) {
            if (Long.compareUnsigned(e.getKey() - at, want) >= 0) {
                break;
            }
            at = e.getKey() + e.getValue();
        }
        if (Long.compareUnsigned(at - base + want, size) > 0) {
            return OptionalLong.empty();
        }
        used.put(at, want);
        inUse += want;
        return OptionalLong.of(at);
    }

    /** Releases the range allocated at {@code start}. */
    void free(long start) {
        Long length = used.remove(start);
        if (length == null) {
            throw new IllegalStateException("no module memory allocated at 0x" + Long.toHexString(start));
        }
        inUse -= length;
    }

    /** Gives back the tail of the range at {@code start} from {@code keep} bytes on (init memory released). */
    void shrink(long start, long keep) {
        Long length = used.get(start);
        long kept = align(keep);
        if (length == null || kept > length) {
            throw new IllegalStateException("cannot shrink module memory at 0x" + Long.toHexString(start));
        }
        used.put(start, kept);
        inUse -= length - kept;
    }

    long inUse() {
        return inUse;
    }

    int ranges() {
        return used.size();
    }

    private long align(long v) {
        return (v + page - 1) & -page;
    }
}
