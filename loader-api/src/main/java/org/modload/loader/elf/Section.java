package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One section: its index, name, header and a read-only view of its bytes in the file (empty for
 * SHT_NOBITS and SHT_NULL). The view shares the file's buffer; nothing is copied.
 */
public final class Section {
    private final int index;
    private final String name;
    private final SectionHeader header;
    private final ByteBuffer bytes;

    Section(int index, String name, SectionHeader header, ByteBuffer bytes) {
        this.index = index;
        this.name = Objects.requireNonNull(name);
        this.header = Objects.requireNonNull(header);
        this.bytes = bytes;
    }

    public int index() {
        return index;
    }

    public String name() {
        return name;
    }

    public SectionHeader header() {
        return header;
    }

    public SectionType type() {
        return header.type();
    }

    /** sh_size (for SHT_NOBITS, the size in memory). */
    public long size() {
        return header.size();
    }

    /** Whether the section takes memory at run time (SHF_ALLOC). */
    public boolean isAllocated() {
        return header.has(SectionFlags.SHF_ALLOC);
    }

    /**
     * A fresh read-only view of the section's file bytes, position 0, in the file's byte order;
     * empty for SHT_NOBITS. Each call returns an independent cursor over the same memory.
     */
    public ByteBuffer bytes() {
        return bytes.duplicate().order(bytes.order());
    }

    @Override
    public String toString() {
        return "[" + index + "] " + name;
    }
}
