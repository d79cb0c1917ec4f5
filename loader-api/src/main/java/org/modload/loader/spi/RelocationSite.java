package org.modload.loader.spi;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.OptionalLong;

import org.modload.loader.diag.Location;
import org.modload.loader.diag.RelocationException;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.Symbol;
import org.modload.loader.reloc.RelocationType;

/**
 * One relocation as an architecture sees it: the entry, its psABI row (looked up once by the
 * engine), the section it patches, the symbol it references and what that symbol denotes, the
 * run-time address of the place and the memory of the section. Reads and writes go through
 * the methods here, which refuse any access outside the section.
 *
 * <p>While tables are planned ({@link Architecture#need}) the memory is a read-only view of the
 * section's file bytes and {@link #place()} is 0: addresses come from the {@link Reach}. While
 * relocating, the memory is the section's writable image and {@link #place()} is P.
 *
 * @param file the object's name, for messages
 * @param object the object's index in the link (0 for a one-object link)
 * @param target the section being patched
 * @param entry the relocation entry
 * @param type the psABI row of {@code entry.type()}
 * @param symbol the referenced symbol (for an unnamed section symbol, named after its section)
 * @param referent what the symbol denotes in the link
 * @param place P: the run-time address of the place (0 while planning)
 * @param memory the image of {@code target} (index 0 = section start), in the file's byte order
 */
public record RelocationSite(String file, int object, Section target, Relocation entry, RelocationType type,
        Symbol symbol, Referent referent, long place, ByteBuffer memory) {

    public RelocationSite {
        Objects.requireNonNull(file);
        Objects.requireNonNull(target);
        Objects.requireNonNull(entry);
        Objects.requireNonNull(type);
        Objects.requireNonNull(symbol);
        Objects.requireNonNull(referent);
        Objects.requireNonNull(memory);
    }

    /** lld's location of the place: {@code file:(.text+0x1a)}. */
    public Location location() {
        return Location.ofPlace(file, target.index(), target.name(), entry.offset());
    }

    /** The offset of the place inside the section. */
    public long offset() {
        return entry.offset();
    }

    /** The symbol's display name. */
    public String symbolName() {
        return symbol.name();
    }

    /** The row's psABI name, for messages. */
    public String typeName() {
        return type.name();
    }

    /**
     * Checks that {@code width} bytes at {@code offset() + delta} lie inside the section.
     *
     * @throws RelocationException (PLACE_OUT_OF_SECTION) when they do not
     */
    public int checkedIndex(long delta, int width) {
        long off = entry.offset() + delta;
        if (off < 0 || off + width > memory.capacity() || entry.offset() < 0) {
            throw RelocationException.of(location(), RelocationException.Reason.PLACE_OUT_OF_SECTION, type.name(),
                    symbol.name(), OptionalLong.empty(), width + "-byte field at offset 0x" + Long.toHexString(off)
                            + " does not fit in section of size 0x" + Integer.toHexString(memory.capacity()));
        }
        return (int) off;
    }

    /** {@link #checkedIndex(long, int)} at the place itself. */
    public int checkedIndex(int width) {
        return checkedIndex(0, width);
    }

    /** Reads {@code width} (1, 2, 4 or 8) bytes at the place, zero-extended. */
    public long read(int width) {
        return read(0, width);
    }

    /** Reads {@code width} (1, 2, 4 or 8) bytes at {@code offset() + delta}, zero-extended. */
    public long read(long delta, int width) {
        int i = checkedIndex(delta, width);
        return switch (width) {
            case 1 -> memory.get(i) & 0xffL;
            case 2 -> memory.getShort(i) & 0xffffL;
            case 4 -> memory.getInt(i) & 0xffffffffL;
            case 8 -> memory.getLong(i);
            default -> throw new IllegalArgumentException("width " + width);
        };
    }

    /** Writes the low {@code width} (1, 2, 4 or 8) bytes of {@code value} at the place. */
    public void write(int width, long value) {
        write(0, width, value);
    }

    /** Writes the low {@code width} (1, 2, 4 or 8) bytes of {@code value} at {@code offset() + delta}. */
    public void write(long delta, int width, long value) {
        int i = checkedIndex(delta, width);
        switch (width) {
            case 1 -> memory.put(i, (byte) value);
            case 2 -> memory.putShort(i, (short) value);
            case 4 -> memory.putInt(i, (int) value);
            case 8 -> memory.putLong(i, value);
            default -> throw new IllegalArgumentException("width " + width);
        }
    }
}
