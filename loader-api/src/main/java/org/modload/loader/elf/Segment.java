package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One program header with a read-only view of its file bytes ({@code p_filesz} bytes at
 * {@code p_offset}). The view shares the file's buffer; nothing is copied.
 */
public final class Segment {
    private final int index;
    private final ProgramHeader header;
    private final ByteBuffer bytes;

    Segment(int index, ProgramHeader header, ByteBuffer bytes) {
        this.index = index;
        this.header = Objects.requireNonNull(header);
        this.bytes = bytes;
    }

    /** Its index in the program header table. */
    public int index() {
        return index;
    }

    public ProgramHeader header() {
        return header;
    }

    public SegmentType type() {
        return header.type();
    }

    /** Whether the virtual address {@code vaddr} lies in this segment's file image. */
    boolean containsFileAddress(long vaddr, long size) {
        long start = header.vaddr();
        return Long.compareUnsigned(vaddr, start) >= 0
                && Long.compareUnsigned(vaddr - start, header.filesz()) <= 0
                && Long.compareUnsigned(size, header.filesz() - (vaddr - start)) <= 0;
    }

    /** A fresh read-only view of the segment's file bytes, position 0, in the file's byte order. */
    public ByteBuffer bytes() {
        return bytes.duplicate().order(bytes.order());
    }

    @Override
    public String toString() {
        return "[" + index + "] " + header.type();
    }
}
