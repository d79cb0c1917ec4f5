package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.modload.loader.diag.ElfCheck;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.MalformedElfException;

/**
 * Walks the notes of one SHT_NOTE section or PT_NOTE segment as readelf does: a 12-byte header,
 * the name, the descriptor, each padded to the area's alignment: 8 when sh_addralign/p_align is
 * 8 (as for NT_GNU_PROPERTY_TYPE_0), 4 when it is 4 or less (the gABI's 4, and 0 or 1 as some
 * tools write it); readelf refuses any other alignment ("Corrupt note: alignment 16, expecting 4
 * or 8"), and so do we.
 */
final class Notes {
    private static final int HEADER = 12;

    private Notes() {
    }

    /**
     * @param alignField what states the alignment, {@code sh_addralign} or {@code p_align}, for the message
     * @throws MalformedElfException (NOTE) when the alignment is neither 8 nor at most 4, or a
     *     note's header, name or descriptor runs past the area
     */
    static List<Note> read(Location where, String alignField, ByteBuffer area, long fileOffset, long alignment) {
        if (Long.compareUnsigned(alignment, 4) > 0 && alignment != 8) {
            throw new MalformedElfException(where, ElfCheck.NOTE, alignField + " 0x" + Long.toHexString(alignment)
                    + " is not an alignment notes have (4 or 8; 0 to 3 read as 4)");
        }
        int align = alignment == 8 ? 8 : 4;
        List<Note> out = new ArrayList<>();
        int size = area.remaining();
        int p = 0;
        while (p < size) {
            if (size - p < HEADER) {
                throw new MalformedElfException(where, ElfCheck.NOTE, "note at offset 0x" + Integer.toHexString(p)
                        + ": only 0x" + Integer.toHexString(size - p) + " bytes left for its 0xc-byte header");
            }
            long namesz = area.getInt(p) & 0xffffffffL;
            long descsz = area.getInt(p + 4) & 0xffffffffL;
            int type = area.getInt(p + 8);
            long descAt = up(p + HEADER + namesz, align);
            long next = up(descAt + descsz, align);
            if (descAt + descsz > size) {
                throw new MalformedElfException(where, ElfCheck.NOTE, "note at offset 0x" + Integer.toHexString(p)
                        + ": n_namesz 0x" + Long.toHexString(namesz) + " and n_descsz 0x" + Long.toHexString(descsz)
                        + " run past the end of the notes (size 0x" + Integer.toHexString(size) + ")");
            }
            int nameLen = 0;
            while (nameLen < namesz && area.get(p + HEADER + nameLen) != 0) {
                nameLen++;
            }
            byte[] name = new byte[nameLen];
            area.get(p + HEADER, name);
            ByteBuffer desc = area.slice((int) descAt, (int) descsz).order(area.order());
            out.add(new Note(new String(name, StandardCharsets.UTF_8), type, desc, fileOffset + p));
            p = (int) Math.min(next, size);
        }
        return out;
    }

    private static long up(long v, int align) {
        return (v + align - 1) & -align;
    }
}
