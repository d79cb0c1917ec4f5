package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.modload.loader.diag.ElfCheck;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.MalformedElfException;

/**
 * SHT_GNU_versym with the SHT_GNU_verdef and SHT_GNU_verneed records it points into, read when
 * first asked for: from the sections, or, in a file without section headers, from the tables
 * DT_VERSYM, DT_VERDEF and DT_VERNEED name. Each record walk is bounded by its area and by its
 * count (sh_info, DT_VERDEFNUM/DT_VERNEEDNUM, vn_cnt), so a crafted chain cannot loop; a chain
 * that ends before its count, which readelf warns about ("Invalid vd_next field of 0"), is refused.
 */
final class SymbolVersions {
    private static final int VERSYM_HIDDEN = 0x8000;
    private static final int VER_FLG_BASE = 0x1;

    private record Defined(String name, boolean base) {
    }

    private record Needed(String name, String file) {
    }

    /**
     * One verdef or verneed table: where errors point, the prefix that names it in a message,
     * what bounds it, its bytes (to the end of the section, or of the PT_LOAD it lies in), the
     * field that states its record count ({@code sh_info}, {@code DT_VERDEFNUM}...), that count
     * and the string table its names are in.
     */
    record Area(Location where, String prefix, String bound, ByteBuffer bytes, String countField, long count,
            ByteBuffer strings) {
    }

    private final ByteBuffer versym;
    private final Map<Integer, Defined> defined;
    private final Map<Integer, Needed> needed;

    private SymbolVersions(ByteBuffer versym, Map<Integer, Defined> defined, Map<Integer, Needed> needed) {
        this.versym = versym;
        this.defined = defined;
        this.needed = needed;
    }

    static final SymbolVersions NONE = new SymbolVersions(null, Map.of(), Map.of());

    /**
     * Reads the version sections of {@code f}, or its DT_VERSYM tables when it has no sections.
     *
     * @throws MalformedElfException (DYNAMIC, SECTION_LINK, STRTAB_TERMINATION) for a versym
     *     table that does not match the symbols, a record outside its area, a chain shorter than
     *     its count or a bad link
     */
    static SymbolVersions read(ElfFile f) {
        if (f.sections().isEmpty()) {
            return SectionlessDynamic.versions(f);
        }
        Section versym = null;
        Section verdef = null;
        Section verneed = null;
        for (Section s : f.sections()) {
            if (s.type().equals(SectionType.SHT_GNU_versym) && versym == null) {
                versym = s;
            } else if (s.type().equals(SectionType.SHT_GNU_verdef) && verdef == null) {
                verdef = s;
            } else if (s.type().equals(SectionType.SHT_GNU_verneed) && verneed == null) {
                verneed = s;
            }
        }
        if (versym == null) {
            return NONE;
        }
        long symbols = f.dynamicSymbols().size();
        // The GNU versioning spec: "as many entries as the dynamic symbol table".
        if (versym.size() != 2 * symbols) {
            throw new MalformedElfException(location(f, versym), ElfCheck.DYNAMIC, "sh_size 0x"
                    + Long.toHexString(versym.size()) + " is not 2 * " + symbols + " dynamic symbols");
        }
        return decode(versym.fileBytes(), Optional.ofNullable(verdef).map(s -> area(f, s)),
                Optional.ofNullable(verneed).map(s -> area(f, s)));
    }

    private static Area area(ElfFile f, Section s) {
        return new Area(location(f, s), "", "the section", s.fileBytes(), "sh_info",
                Integer.toUnsignedLong(s.header().info()), strings(f, s));
    }

    private static Location location(ElfFile f, Section s) {
        return Location.ofSection(f.name(), s.index(), s.name());
    }

    /** Decodes verdef and verneed records; {@code versym} holds one half-word per dynamic symbol. */
    static SymbolVersions decode(ByteBuffer versym, Optional<Area> verdef, Optional<Area> verneed) {
        Map<Integer, Defined> defs = new HashMap<>();
        if (verdef.isPresent()) {
            Area a = verdef.get();
            ByteBuffer b = a.bytes();
            long off = 0;
            for (long i = 0; i < a.count(); i++) {
                need(a, off, 20, "Elf_Verdef");
                int flags = b.getShort((int) off + 2) & 0xffff;
                int ndx = b.getShort((int) off + 4) & 0xffff;
                long aux = off + (b.getInt((int) off + 12) & 0xffffffffL);
                need(a, aux, 8, "Elf_Verdaux");
                String name = string(a, b.getInt((int) aux) & 0xffffffffL);
                defs.putIfAbsent(ndx, new Defined(name, (flags & VER_FLG_BASE) != 0));
                long next = b.getInt((int) off + 16) & 0xffffffffL;
                if (next == 0 && i + 1 < a.count()) {
                    throw shortChain(a, "version definitions", i + 1);
                }
                off += next;
            }
        }
        Map<Integer, Needed> needs = new HashMap<>();
        if (verneed.isPresent()) {
            Area a = verneed.get();
            ByteBuffer b = a.bytes();
            long off = 0;
            for (long i = 0; i < a.count(); i++) {
                need(a, off, 16, "Elf_Verneed");
                int cnt = b.getShort((int) off + 2) & 0xffff;
                String file = string(a, b.getInt((int) off + 4) & 0xffffffffL);
                long aux = off + (b.getInt((int) off + 8) & 0xffffffffL);
                for (int j = 0; j < cnt; j++) {
                    need(a, aux, 16, "Elf_Vernaux");
                    int other = b.getShort((int) aux + 6) & 0xffff;
                    String name = string(a, b.getInt((int) aux + 8) & 0xffffffffL);
                    needs.putIfAbsent(other, new Needed(name, file));
                    long next = b.getInt((int) aux + 12) & 0xffffffffL;
                    if (next == 0 && j + 1 < cnt) {
                        throw fail(a, "Elf_Verneed at offset 0x" + Long.toHexString(off) + " (" + file + "): vn_cnt "
                                + cnt + " but its Elf_Vernaux chain ends after " + (j + 1));
                    }
                    aux += next;
                }
                long next = b.getInt((int) off + 12) & 0xffffffffL;
                if (next == 0 && i + 1 < a.count()) {
                    throw shortChain(a, "version needs", i + 1);
                }
                off += next;
            }
        }
        return new SymbolVersions(versym, Map.copyOf(defs), Map.copyOf(needs));
    }

    /**
     * The version of dynamic symbol {@code index} (defined when {@code defined}), readelf's way:
     * a defined symbol looks in verdef first, then every symbol in verneed (copy-relocated
     * data is defined yet needs its version).
     */
    Optional<SymbolVersion> of(int index, boolean isDefined) {
        if (versym == null || 2L * index + 2 > versym.limit()) {
            return Optional.empty();
        }
        int raw = versym.getShort(2 * index) & 0xffff;
        int v = raw & ~VERSYM_HIDDEN;
        boolean hidden = (raw & VERSYM_HIDDEN) != 0;
        if (v < 2) {
            return Optional.empty();
        }
        if (isDefined && raw != (VERSYM_HIDDEN | 1)) {
            Defined d = defined.get(v);
            if (d != null) {
                return Optional.of(new SymbolVersion(v, hidden, d.name(), false, d.base(), ""));
            }
        }
        Needed n = needed.get(v);
        if (n != null) {
            return Optional.of(new SymbolVersion(v, hidden, n.name(), true, false, n.file()));
        }
        return Optional.empty();
    }

    private static ByteBuffer strings(ElfFile f, Section s) {
        long link = Integer.toUnsignedLong(s.header().link());
        if (link == 0 || link >= f.sections().size()
                || !f.section((int) link).type().equals(SectionType.SHT_STRTAB)) {
            throw new MalformedElfException(location(f, s), ElfCheck.SECTION_LINK,
                    "sh_link " + link + " does not name a SHT_STRTAB section");
        }
        ByteBuffer b = f.section((int) link).fileBytes();
        if (b.limit() == 0 || b.get(b.limit() - 1) != 0) {
            throw new MalformedElfException(Location.ofSection(f.name(), (int) link, f.section((int) link).name()),
                    ElfCheck.STRTAB_TERMINATION, "string table is empty or not NUL-terminated");
        }
        return b;
    }

    private static String string(Area a, long at) {
        if (at >= a.strings().limit()) {
            throw fail(a, "version name offset 0x" + Long.toHexString(at) + " is outside the string table (size 0x"
                    + Integer.toHexString(a.strings().limit()) + ")");
        }
        return SymbolTable.string(a.strings(), at);
    }

    private static void need(Area a, long off, int size, String what) {
        if (off < 0 || off + size > a.bytes().limit()) {
            throw fail(a, what + " at offset 0x" + Long.toHexString(off) + " runs past " + a.bound() + " (size 0x"
                    + Integer.toHexString(a.bytes().limit()) + ")");
        }
    }

    private static MalformedElfException shortChain(Area a, String what, long found) {
        return fail(a, a.countField() + " states " + a.count() + " " + what + " but the chain ends after " + found);
    }

    private static MalformedElfException fail(Area a, String detail) {
        return new MalformedElfException(a.where(), ElfCheck.DYNAMIC, a.prefix() + detail);
    }
}
