package org.modload.loader.testing.kit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.Machine;

/**
 * Writes a minimal ELF relocatable object (ET_REL) from scratch, for the kit's one-relocation
 * objects: the caller's sections, one relocation section per section that has entries (SHT_REL
 * or SHT_RELA), a symbol table with the caller's symbols after the null one (locals first, as
 * the gABI requires) and the string tables. Nothing here reads what it wrote; the engine's parser
 * and GNU ld are its readers. One instance describes one object; {@link #bytes()} may be called
 * any number of times.
 */
final class ElfWriter {
    private static final int SHT_PROGBITS = 1;
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_STRTAB = 3;
    private static final int SHT_RELA = 4;
    private static final int SHT_NOBITS = 8;
    private static final int SHT_REL = 9;
    private static final long SHF_INFO_LINK = 0x40;
    static final int SHN_ABS = 0xfff1;

    /** One section of contents. */
    record SectionSpec(String name, long flags, long alignment, byte[] contents, boolean nobits) {
        SectionSpec {
            Objects.requireNonNull(name);
            contents = contents.clone();
        }
    }

    /** One symbol: {@code section} is an index into the caller's sections plus one, 0 (undefined) or {@link #SHN_ABS}. */
    record SymbolSpec(String name, long value, long size, int type, int bind, int section) {
    }

    /** One relocation of section {@code section} (an index into the caller's sections, from 0). */
    record RelocationSpec(int section, long offset, int type, int symbol, long addend) {
    }

    private final Machine machine;
    private final ElfClass elfClass;
    private final ByteOrder order;
    private final long flags;
    private final boolean rela;
    private final List<SectionSpec> sections;
    private final List<SymbolSpec> symbols;
    private final List<RelocationSpec> relocations;

    /**
     * @param symbols the symbols after the null one, locals first; relocations name them from 1
     */
    ElfWriter(Machine machine, ElfClass elfClass, ByteOrder order, long flags, boolean rela,
            List<SectionSpec> sections, List<SymbolSpec> symbols, List<RelocationSpec> relocations) {
        this.machine = machine;
        this.elfClass = elfClass;
        this.order = order;
        this.flags = flags;
        this.rela = rela;
        this.sections = List.copyOf(sections);
        this.symbols = List.copyOf(symbols);
        this.relocations = List.copyOf(relocations);
    }

    private boolean is64() {
        return elfClass == ElfClass.ELFCLASS64;
    }

    /** The object's bytes. */
    byte[] bytes() {
        boolean w = is64();
        int ehsize = w ? 64 : 52;
        int shentsize = w ? 64 : 40;
        Strings shstr = new Strings();
        Strings str = new Strings();
        List<Header> headers = new ArrayList<>();
        headers.add(new Header(0, 0, 0, 0, 0, 0, 0, 0, new byte[0]));
        for (SectionSpec s : sections) {
            headers.add(new Header(shstr.add(s.name()), s.nobits() ? SHT_NOBITS : SHT_PROGBITS, s.flags(), 0, 0,
                    s.alignment(), 0, s.nobits() ? s.contents().length : -1, s.nobits() ? new byte[0] : s.contents()));
        }
        int symtabIndex = sections.size() + 1 + relocatedSections();
        int relEntSize = w ? (rela ? 24 : 16) : (rela ? 12 : 8);
        for (int i = 0; i < sections.size(); i++) {
            int section = i;
            List<RelocationSpec> entries = relocations.stream().filter(r -> r.section() == section).toList();
            if (entries.isEmpty()) {
                continue;
            }
            ByteBuffer b = ByteBuffer.allocate(entries.size() * relEntSize).order(order);
            for (RelocationSpec r : entries) {
                if (w) {
                    b.putLong(r.offset());
                    b.putLong(((long) r.symbol() << 32) | (r.type() & 0xffffffffL));
                    if (rela) {
                        b.putLong(r.addend());
                    }
                } else {
                    b.putInt((int) r.offset());
                    b.putInt((r.symbol() << 8) | (r.type() & 0xff));
                    if (rela) {
                        b.putInt((int) r.addend());
                    }
                }
            }
            headers.add(new Header(shstr.add((rela ? ".rela" : ".rel") + sections.get(i).name()), rela ? SHT_RELA
                    : SHT_REL, SHF_INFO_LINK, symtabIndex, i + 1, w ? 8 : 4, relEntSize, -1, b.array()));
        }
        int symEntSize = w ? 24 : 16;
        ByteBuffer sym = ByteBuffer.allocate((symbols.size() + 1) * symEntSize).order(order);
        sym.position(symEntSize);
        int firstGlobal = symbols.size() + 1;
        for (int i = 0; i < symbols.size(); i++) {
            SymbolSpec s = symbols.get(i);
            if (s.bind() != 0 && firstGlobal == symbols.size() + 1) {
                firstGlobal = i + 1;
            }
            int name = str.add(s.name());
            int info = (s.bind() << 4) | (s.type() & 0xf);
            if (w) {
                sym.putInt(name);
                sym.put((byte) info);
                sym.put((byte) 0);
                sym.putShort((short) s.section());
                sym.putLong(s.value());
                sym.putLong(s.size());
            } else {
                sym.putInt(name);
                sym.putInt((int) s.value());
                sym.putInt((int) s.size());
                sym.put((byte) info);
                sym.put((byte) 0);
                sym.putShort((short) s.section());
            }
        }
        int symtabName = shstr.add(".symtab");
        int strtabName = shstr.add(".strtab");
        int shstrtabName = shstr.add(".shstrtab");
        headers.add(new Header(symtabName, SHT_SYMTAB, 0, symtabIndex + 1, firstGlobal, w ? 8 : 4, symEntSize, -1,
                sym.array()));
        headers.add(new Header(strtabName, SHT_STRTAB, 0, 0, 0, 1, 0, -1, str.bytes()));
        headers.add(new Header(shstrtabName, SHT_STRTAB, 0, 0, 0, 1, 0, -1, shstr.bytes()));

        ByteArrayOutputStream body = new ByteArrayOutputStream();
        long[] offsets = new long[headers.size()];
        long at = ehsize;
        for (int i = 1; i < headers.size(); i++) {
            Header h = headers.get(i);
            long align = Math.max(1, h.alignment());
            long aligned = (at + align - 1) / align * align;
            for (long p = at; p < aligned; p++) {
                body.write(0);
            }
            at = aligned;
            offsets[i] = at;
            body.writeBytes(h.contents());
            at += h.contents().length;
        }
        long shoff = (at + 7) / 8 * 8;
        for (long p = at; p < shoff; p++) {
            body.write(0);
        }
        ByteBuffer out = ByteBuffer.allocate((int) (shoff + (long) headers.size() * shentsize)).order(order);
        out.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (w ? 2 : 1), (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2),
            1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        out.putShort((short) 1); // ET_REL
        out.putShort((short) machine.value());
        out.putInt(1);
        if (w) {
            out.putLong(0);
            out.putLong(0);
            out.putLong(shoff);
        } else {
            out.putInt(0);
            out.putInt(0);
            out.putInt((int) shoff);
        }
        out.putInt((int) flags);
        out.putShort((short) ehsize);
        out.putShort((short) 0);
        out.putShort((short) 0);
        out.putShort((short) shentsize);
        out.putShort((short) headers.size());
        out.putShort((short) (headers.size() - 1));
        out.put(ehsize, body.toByteArray());
        out.position((int) shoff);
        for (int i = 0; i < headers.size(); i++) {
            Header h = headers.get(i);
            long size = h.size() >= 0 ? h.size() : h.contents().length;
            if (w) {
                out.putInt(h.name());
                out.putInt(h.type());
                out.putLong(h.flags());
                out.putLong(0);
                out.putLong(offsets[i]);
                out.putLong(size);
                out.putInt(h.link());
                out.putInt(h.info());
                out.putLong(h.alignment());
                out.putLong(h.entsize());
            } else {
                out.putInt(h.name());
                out.putInt(h.type());
                out.putInt((int) h.flags());
                out.putInt(0);
                out.putInt((int) offsets[i]);
                out.putInt((int) size);
                out.putInt(h.link());
                out.putInt(h.info());
                out.putInt((int) h.alignment());
                out.putInt(h.entsize());
            }
        }
        return out.array();
    }

    private int relocatedSections() {
        return (int) relocations.stream().mapToInt(RelocationSpec::section).distinct().count();
    }

    /** A section header and its contents ({@code size} -1: the contents' length). */
    private record Header(int name, int type, long flags, int link, int info, long alignment, int entsize, long size,
            byte[] contents) {
    }

    /** A string table under construction. */
    private static final class Strings {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Strings() {
            bytes.write(0);
        }

        int add(String s) {
            if (s.isEmpty()) {
                return 0;
            }
            int at = bytes.size();
            bytes.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            bytes.write(0);
            return at;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }
}
