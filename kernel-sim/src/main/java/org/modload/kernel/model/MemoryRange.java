package org.modload.kernel.model;

import java.nio.ByteBuffer;

/**
 * Bytes of a module's memory at an address: a relocated section, a table its architecture
 * built, or the kernel's own data about it (the kallsyms copy at the end of core). Immutable:
 * {@link #bytes()} gives a fresh read-only view.
 *
 * @param what the section, table or structure it holds
 * @param address its first address
 * @param bytes its contents (read-only)
 */
public record MemoryRange(String what, long address, ByteBuffer bytes) {

    public MemoryRange {
        bytes = bytes.asReadOnlyBuffer().order(bytes.order());
    }

    /** The contents, as a fresh read-only view (its position and limit may be changed freely). */
    @Override
    public ByteBuffer bytes() {
        return bytes.duplicate().order(bytes.order());
    }

    /** Its length in bytes. */
    public long size() {
        return bytes.remaining();
    }
}
