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
 * first asked for. Each record walk is bounded by its section and by sh_info's count, so a
 * crafted chain cannot loop.
 */
final class SymbolVersions {
    private static final int VERSYM_HIDDEN = 0x8000;
    private static final int VER_FLG_BASE = 0x1;

    private record Defined(String name, boolean base) {
    }

    private record Needed(String name, String file) {
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
     * Reads the version sections of {@code f}.
     *
     * @throws MalformedElfException (DYNAMIC, SECTION_LINK) for a record outside its section or a bad link
     */
    static SymbolVersions read(ElfFile f) {
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
        if (versym.size() < 2 * symbols) {
            throw fail(f, versym, "sh_size 0x" + Long.toHexString(versym.size()) + " is less than 2 * "
                    + symbols + " dynamic symbols");
        }
        Map<Integer, Defined> defs = new HashMap<>();
        if (verdef != null) {
            ByteBuffer b = verdef.fileBytes();
            ByteBuffer strings = strings(f, verdef);
            long off = 0;
            long count = Integer.toUnsignedLong(verdef.header().info());
            for (long i = 0; i < count && off < b.limit(); i++) {
                need(f, verdef, b, off, 20, "Elf_Verdef");
                int flags = b.getShort((int) off + 2) & 0xffff;
                int ndx = b.getShort((int) off + 4) & 0xffff;
                long aux = off + (b.getInt((int) off + 12) & 0xffffffffL);
                need(f, verdef, b, aux, 8, "Elf_Verdaux");
                String name = string(f, verdef, strings, b.getInt((int) aux) & 0xffffffffL);
                defs.putIfAbsent(ndx, new Defined(name, (flags & VER_FLG_BASE) != 0));
                long next = b.getInt((int) off + 16) & 0xffffffffL;
                if (next == 0) {
                    break;
                }
                off += next;
            }
        }
        Map<Integer, Needed> needs = new HashMap<>();
        if (verneed != null) {
            ByteBuffer b = verneed.fileBytes();
            ByteBuffer strings = strings(f, verneed);
            long off = 0;
            long count = Integer.toUnsignedLong(verneed.header().info());
            for (long i = 0; i < count && off < b.limit(); i++) {
                need(f, verneed, b, off, 16, "Elf_Verneed");
                int cnt = b.getShort((int) off + 2) & 0xffff;
                String file = string(f, verneed, strings, b.getInt((int) off + 4) & 0xffffffffL);
                long aux = off + (b.getInt((int) off + 8) & 0xffffffffL);
                for (int j = 0; j < cnt; j++) {
                    need(f, verneed, b, aux, 16, "Elf_Vernaux");
                    int other = b.getShort((int) aux + 6) & 0xffff;
                    String name = string(f, verneed, strings, b.getInt((int) aux + 8) & 0xffffffffL);
                    needs.putIfAbsent(other, new Needed(name, file));
                    long next = b.getInt((int) aux + 12) & 0xffffffffL;
                    if (next == 0) {
                        break;
                    }
                    aux += next;
                }
                long next = b.getInt((int) off + 12) & 0xffffffffL;
                if (next == 0) {
                    break;
                }
                off += next;
            }
        }
        return new SymbolVersions(versym.fileBytes(), Map.copyOf(defs), Map.copyOf(needs));
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
            throw new MalformedElfException(Location.ofSection(f.name(), s.index(), s.name()), ElfCheck.SECTION_LINK,
                    "sh_link " + link + " does not name a SHT_STRTAB section");
        }
        ByteBuffer b = f.section((int) link).fileBytes();
        if (b.limit() == 0 || b.get(b.limit() - 1) != 0) {
            throw new MalformedElfException(Location.ofSection(f.name(), (int) link, f.section((int) link).name()),
                    ElfCheck.STRTAB_TERMINATION, "string table is empty or not NUL-terminated");
        }
        return b;
    }

    private static String string(ElfFile f, Section s, ByteBuffer strings, long at) {
        if (at >= strings.limit()) {
            throw fail(f, s, "version name offset 0x" + Long.toHexString(at) + " is outside the string table (size 0x"
                    + Integer.toHexString(strings.limit()) + ")");
        }
        return SymbolTable.string(strings, at);
    }

    private static void need(ElfFile f, Section s, ByteBuffer b, long off, int size, String what) {
        if (off < 0 || off + size > b.limit()) {
            throw fail(f, s, what + " at offset 0x" + Long.toHexString(off) + " runs past the section (size 0x"
                    + Integer.toHexString(b.limit()) + ")");
        }
    }

    private static MalformedElfException fail(ElfFile f, Section s, String detail) {
        return new MalformedElfException(Location.ofSection(f.name(), s.index(), s.name()), ElfCheck.DYNAMIC, detail);
    }
}
