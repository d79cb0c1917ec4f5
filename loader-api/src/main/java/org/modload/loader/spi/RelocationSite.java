package org.modload.loader.spi;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.OptionalLong;

import org.modload.loader.diag.Location;
import org.modload.loader.diag.RelocationException;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.Symbol;

/**
 * One place to patch: the relocation entry, the section it patches, the symbol it references,
 * the run-time address of the place and the writable memory of the section. Reads and writes
 * go through the methods here, which refuse any access outside the section.
 *
 * @param file the object's name, for messages
 * @param target the section being patched
 * @param entry the relocation entry
 * @param symbol the referenced symbol
 * @param place P: the run-time address of the place
 * @param memory the writable image of {@code target} (index 0 = section start), in the file's byte order
 */
public record RelocationSite(String file, Section target, Relocation entry, Symbol symbol, long place,
        ByteBuffer memory) {

    public RelocationSite {
        Objects.requireNonNull(file);
        Objects.requireNonNull(target);
        Objects.requireNonNull(entry);
        Objects.requireNonNull(symbol);
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

    /** The symbol's display name (empty for an unnamed section symbol: its section's name is used by callers). */
    public String symbolName() {
        return symbol.name();
    }

    /**
     * Checks that {@code width} bytes at the place lie inside the section.
     *
     * @throws RelocationException (PLACE_OUT_OF_SECTION) when they do not
     */
    public int checkedIndex(int width, String typeName) {
        long off = entry.offset();
        if (off < 0 || off + width > memory.capacity()) {
            throw RelocationException.of(location(), RelocationException.Reason.PLACE_OUT_OF_SECTION, typeName,
                    symbol.name(), OptionalLong.empty(), width + "-byte field at offset 0x" + Long.toHexString(off)
                            + " does not fit in section of size 0x" + Integer.toHexString(memory.capacity()));
        }
        return (int) off;
    }

    /** Reads {@code width} (1, 2, 4 or 8) bytes at the place, zero-extended. */
    public long read(int width, String typeName) {
        int i = checkedIndex(width, typeName);
        return switch (width) {
            case 1 -> memory.get(i) & 0xffL;
            case 2 -> memory.getShort(i) & 0xffffL;
            case 4 -> memory.getInt(i) & 0xffffffffL;
            case 8 -> memory.getLong(i);
            default -> throw new IllegalArgumentException("width " + width);
        };
    }

    /** Writes the low {@code width} (1, 2, 4 or 8) bytes of {@code value} at the place. */
    public void write(int width, long value, String typeName) {
        int i = checkedIndex(width, typeName);
        switch (width) {
            case 1 -> memory.put(i, (byte) value);
            case 2 -> memory.putShort(i, (short) value);
            case 4 -> memory.putInt(i, (int) value);
            case 8 -> memory.putLong(i, value);
            default -> throw new IllegalArgumentException("width " + width);
        }
    }
}
