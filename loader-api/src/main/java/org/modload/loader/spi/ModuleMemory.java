package org.modload.loader.spi;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A relocated module's memory as {@link KernelSupport} sees it: every placed section and table
 * with its address, region and relocated bytes, and the bounds of the core and init regions.
 * Immutable; the bytes are read-only views.
 *
 * @param pieces every placed section and table, in address order
 * @param coreBase first address of the core region
 * @param coreSize size of the core region
 * @param initBase first address of the init region
 * @param initSize size of the init region
 */
public record ModuleMemory(List<Piece> pieces, long coreBase, long coreSize, long initBase, long initSize) {

    public ModuleMemory {
        pieces = List.copyOf(pieces);
    }

    /**
     * One placed piece.
     *
     * @param name the section's name, or the table's
     * @param sectionIndex the section header index, or -1 for a table the architecture made
     * @param address its run-time address
     * @param size its size in memory
     * @param init whether it lies in the init region
     * @param bytes its relocated bytes (read-only; zeros for SHT_NOBITS)
     */
    public record Piece(String name, int sectionIndex, long address, long size, boolean init, ByteBuffer bytes) {

        public Piece {
            Objects.requireNonNull(name, "name");
            bytes = bytes.asReadOnlyBuffer().order(bytes.order());
        }

        /** Whether this is a table the architecture synthesized rather than a section of the object. */
        public boolean isTable() {
            return sectionIndex < 0;
        }

        /** Whether {@code length} bytes at run-time address {@code at} lie inside this piece. */
        public boolean holds(long at, long length) {
            long off = at - address;
            return off >= 0 && length >= 0 && off <= size - length;
        }

        /** The bytes, as a fresh read-only view (its position and limit may be changed freely). */
        @Override
        public ByteBuffer bytes() {
            return bytes.duplicate().order(bytes.order());
        }
    }

    /** The table called {@code name}, if the architecture placed one. */
    public Optional<Piece> table(String name) {
        return pieces.stream().filter(p -> p.isTable() && p.name().equals(name)).findFirst();
    }

    /** Whether run-time address {@code address} lies in the init region. */
    public boolean inInit(long address) {
        return Long.compareUnsigned(address, initBase) >= 0 && Long.compareUnsigned(address - initBase, initSize) < 0;
    }
}
