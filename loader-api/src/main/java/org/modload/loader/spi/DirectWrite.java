package org.modload.loader.spi;

import java.nio.ByteBuffer;

import org.modload.loader.reloc.RelocationType;

/**
 * An architecture's hot path for the commonest relocation: a data word, no table entry, no
 * relaxation, P the place's address ({@link Architecture#place}'s default), no listener. The
 * engine uses it, when {@link Architecture#directWrite} offers one, for links whose profile
 * builds no tables, and makes no object per relocation: every answer here must be the one the
 * architecture's {@link Architecture#implicitAddend} and {@link Architecture#write} would give,
 * and wherever this path is not sure it declines, so that the engine takes the general path for
 * that one relocation and its write (or located refusal) is unchanged. Implementations are
 * immutable and used by several threads at once.
 */
public interface DirectWrite {
    /**
     * The implicit addend of an SHT_REL entry of {@code row} whose place is {@code offset}
     * (what {@link Architecture#implicitAddend} reads); called only when the row's field lies
     * inside {@code memory}. Reads, changes nothing. Never called for SHT_RELA.
     */
    long implicitAddend(RelocationType row, ByteBuffer memory, int offset);

    /**
     * Writes {@code value} for a relocation of {@code row} at {@code offset} of a section's
     * {@code memory} and returns true, when {@link Architecture#write} would write exactly these
     * bytes there without a refusal; otherwise returns false having changed nothing (out of the
     * section, out of range, a check that refuses, a row it does not know), and the engine asks
     * {@link Architecture#write} instead. {@code offset} may be negative or beyond the memory.
     */
    boolean write(RelocationType row, ByteBuffer memory, long offset, long value);
}
