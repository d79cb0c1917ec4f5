package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.diag.ElfCheck;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.MalformedElfException;

/**
 * The dynamic symbol table and symbol versions of a file without section headers (sstrip'd,
 * {@code objcopy --strip-section-headers}), found as the dynamic loader and
 * {@code readelf --use-dynamic} find them: through the first PT_DYNAMIC's DT_SYMTAB, DT_STRTAB and
 * DT_STRSZ, counted by DT_HASH or DT_GNU_HASH ({@link HashTables}), versions through DT_VERSYM,
 * DT_VERDEF and DT_VERNEED, every address reached through a PT_LOAD ({@link SegmentMap}). Errors
 * point at the PT_DYNAMIC program header and name the tag.
 */
final class SectionlessDynamic {
    private SectionlessDynamic() {
    }

    /** What every table of one file is read with. */
    private record Dynamic(Location where, List<DynamicEntry> entries, SegmentMap memory, ElfHeader header) {
        OptionalLong value(DynamicTag tag) {
            return DynamicEntries.value(entries, tag);
        }

        long require(DynamicTag tag, String because) {
            OptionalLong v = value(tag);
            if (v.isEmpty()) {
                throw fail(where, because + " without " + tag);
            }
            return v.getAsLong();
        }
    }

    private static Optional<Dynamic> dynamic(String file, ElfHeader h, List<Segment> segments) {
        return segments.stream().filter(s -> s.type().equals(SegmentType.PT_DYNAMIC)).findFirst()
                .map(s -> new Dynamic(Location.ofSegment(file, s.index()), DynamicEntries.read(s.bytes(), h.elfClass()),
                        new SegmentMap(segments), h));
    }

    /**
     * The symbols DT_SYMTAB holds, checked as a section's are (names inside DT_STRSZ); empty
     * without PT_DYNAMIC or DT_SYMTAB.
     *
     * @throws MalformedElfException (DYNAMIC, SYMBOL_NAME, STRTAB_TERMINATION) for tables that are
     *     missing, unmapped, of the wrong entry size or that a hash table's count runs past
     */
    static SymbolTable symbols(String file, ElfHeader h, List<Segment> segments) {
        Optional<Dynamic> found = dynamic(file, h, segments);
        if (found.isEmpty() || found.get().value(DynamicTag.DT_SYMTAB).isEmpty()) {
            return SymbolTable.EMPTY;
        }
        Dynamic d = found.get();
        ElfClass c = h.elfClass();
        long symtab = d.value(DynamicTag.DT_SYMTAB).getAsLong();
        if (d.memory().bytes(symtab, 0).isEmpty()) {
            throw fail(d.where(), "DT_SYMTAB 0x" + Long.toHexString(symtab) + " is not inside a PT_LOAD's file image");
        }
        ByteBuffer strings = strings(d, "DT_SYMTAB");
        OptionalLong syment = d.value(DynamicTag.DT_SYMENT);
        if (syment.isPresent() && syment.getAsLong() != c.symbolSize()) {
            throw fail(d.where(), "DT_SYMENT 0x" + Long.toHexString(syment.getAsLong()) + " is not 0x"
                    + Integer.toHexString(c.symbolSize()) + " (the " + c + " symbol size)");
        }
        long count;
        String countedBy;
        if (d.value(DynamicTag.DT_HASH).isPresent()) {
            count = HashTables.sysvCount(d.where(), d.memory(), d.value(DynamicTag.DT_HASH).getAsLong(), h);
            countedBy = "DT_HASH";
        } else if (d.value(DynamicTag.DT_GNU_HASH).isPresent()) {
            count = HashTables.gnuCount(d.where(), d.memory(), d.value(DynamicTag.DT_GNU_HASH).getAsLong(), c);
            countedBy = "DT_GNU_HASH";
        } else {
            throw fail(d.where(), "DT_SYMTAB without DT_HASH or DT_GNU_HASH: nothing states the symbol count");
        }
        ByteBuffer entries = d.memory().bytes(symtab, count * c.symbolSize()).orElseThrow(() -> fail(d.where(),
                "DT_SYMTAB 0x" + Long.toHexString(symtab) + " with " + count + " symbols (from " + countedBy
                        + ") runs past the PT_LOAD that holds it"));
        SymbolTable table = new SymbolTable(entries, strings, null, c);
        for (int i = 0; i < table.size(); i++) {
            long name = table.nameOffset(i);
            if (name >= strings.limit()) {
                throw new MalformedElfException(d.where(), ElfCheck.SYMBOL_NAME, "symbol " + i + ": st_name 0x"
                        + Long.toHexString(name) + " is outside DT_STRTAB (DT_STRSZ 0x"
                        + Integer.toHexString(strings.limit()) + ")");
            }
        }
        return table;
    }

    /**
     * The versions of {@code f}'s dynamic symbols through DT_VERSYM; none without it.
     *
     * @throws MalformedElfException (DYNAMIC, STRTAB_TERMINATION) for tables that are missing a
     *     count, unmapped, or whose records run past their PT_LOAD
     */
    static SymbolVersions versions(ElfFile f) {
        Optional<Dynamic> found = dynamic(f.name(), f.header(), f.segments());
        if (found.isEmpty() || found.get().value(DynamicTag.DT_VERSYM).isEmpty()) {
            return SymbolVersions.NONE;
        }
        Dynamic d = found.get();
        long versymAt = d.value(DynamicTag.DT_VERSYM).getAsLong();
        long symbols = f.dynamicSymbols().size();
        ByteBuffer versym = d.memory().bytes(versymAt, 2 * symbols).orElseThrow(() -> fail(d.where(), "DT_VERSYM 0x"
                + Long.toHexString(versymAt) + ": 2 * " + symbols + " dynamic symbols run past the PT_LOAD that holds it"));
        ByteBuffer strings = strings(d, "DT_VERSYM");
        return SymbolVersions.decode(versym, area(d, DynamicTag.DT_VERDEF, DynamicTag.DT_VERDEFNUM, strings),
                area(d, DynamicTag.DT_VERNEED, DynamicTag.DT_VERNEEDNUM, strings));
    }

    private static Optional<SymbolVersions.Area> area(Dynamic d, DynamicTag table, DynamicTag num, ByteBuffer strings) {
        OptionalLong at = d.value(table);
        if (at.isEmpty()) {
            return Optional.empty();
        }
        String name = table + " 0x" + Long.toHexString(at.getAsLong());
        long count = d.require(num, table.toString());
        ByteBuffer bytes = d.memory().from(at.getAsLong())
                .orElseThrow(() -> fail(d.where(), name + " is not inside a PT_LOAD's file image"));
        return Optional.of(new SymbolVersions.Area(d.where(), name + ": ", "its PT_LOAD", bytes, num.toString(), count,
                strings));
    }

    /** DT_STRTAB's DT_STRSZ bytes, mapped and NUL-terminated. */
    private static ByteBuffer strings(Dynamic d, String user) {
        long at = d.require(DynamicTag.DT_STRTAB, user);
        long size = d.require(DynamicTag.DT_STRSZ, "DT_STRTAB");
        ByteBuffer b = d.memory().bytes(at, size).orElseThrow(() -> fail(d.where(), "DT_STRTAB 0x"
                + Long.toHexString(at) + " + DT_STRSZ 0x" + Long.toHexString(size)
                + " is not inside a PT_LOAD's file image"));
        if (b.limit() == 0 || b.get(b.limit() - 1) != 0) {
            throw new MalformedElfException(d.where(), ElfCheck.STRTAB_TERMINATION, "the string table at DT_STRTAB 0x"
                    + Long.toHexString(at) + " is empty or not NUL-terminated");
        }
        return b;
    }

    private static MalformedElfException fail(Location where, String detail) {
        return new MalformedElfException(where, ElfCheck.DYNAMIC, detail);
    }
}
