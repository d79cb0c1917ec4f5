package org.modload.loader.testing.exec;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.SectionFlags;
import org.modload.loader.elf.SectionType;
import org.modload.loader.elf.Symbol;
import org.modload.loader.testing.LdDifferential;

/**
 * GNU ld as a stand-in for the engine, for the oracle's own tests: links one object with every
 * allocated section pinned at an address of ours (each on its own page from {@code base}) and
 * every external at runimage's address, and gives the result as a {@link LinkedImage}. An image
 * made without the code under test shows that runimage, the site checks and the ld comparison
 * work, and, corrupted, that they fail.
 */
public final class PinnedLd {
    private static final long PAGE = 4096;

    private PinnedLd() {
    }

    /** How ld links: {@link LdDifferential#link} (no relaxation, fixed addresses) or {@link LdDifferential#linkRelaxing}. */
    public enum Mode {
        NO_RELAX, RELAX_NO_PIE, RELAX_PIE
    }

    /** The sections ld makes for GOT and PLT entries, which must not be left for ld to place. */
    static final List<String> LINKER_TABLES = List.of(".got", ".got.plt", ".plt");

    /** Pins {@link #LINKER_TABLES} one page each from the first page at or after {@code end}. */
    static void pinLinkerTables(Map<String, Long> layout, long end) {
        long at = (end + PAGE - 1) & -PAGE;
        for (String t : LINKER_TABLES) {
            layout.put(t, at);
            at += PAGE;
        }
    }

    /**
     * Links the single object of {@code input} at {@code base}.
     *
     * @throws AssertionError when ld fails
     */
    public static LinkedImage link(Abi abi, ObjectFiles input, long base, Map<String, OptionalLong> resolved, Mode mode,
            Path work) {
        if (input.objects().size() != 1) {
            throw new IllegalArgumentException("one object at a time");
        }
        ElfFile obj = input.objects().get(0);
        Map<String, Long> layout = new LinkedHashMap<>();
        long at = base;
        for (Section s : obj.sections()) {
            if (s.isAllocated()) {
                long align = Math.max(1, s.header().addralign());
                at = (at + PAGE - 1) & -PAGE;
                at = (at + align - 1) & -align;
                layout.put(s.name(), at);
                at += s.size();
            }
        }
        pinLinkerTables(layout, at);
        Map<String, Long> symbols = new HashMap<>();
        resolved.forEach((n, a) -> a.ifPresent(v -> symbols.put(n, v)));
        LdDifferential ld = LdDifferential.forMachine(abi.machine());
        LdDifferential.LdImage out = mode == Mode.NO_RELAX
                ? ld.link(input.paths().get(0), obj, layout, symbols, work)
                : ld.linkRelaxing(input.paths().get(0), obj, layout, symbols, mode == Mode.RELAX_PIE, work);
        if (out.failure() != null) {
            throw new AssertionError(out.failure());
        }
        List<LinkedImage.Piece> pieces = new ArrayList<>();
        for (Section s : out.output().sections()) {
            if (!s.isAllocated() || s.size() == 0) {
                continue;
            }
            byte[] bytes = new byte[Math.toIntExact(s.size())];
            if (!s.type().equals(SectionType.SHT_NOBITS)) {
                ByteBuffer b = s.bytes();
                b.duplicate().get(0, bytes);
            }
            long f = s.header().flags();
            pieces.add(new LinkedImage.Piece(s.name(), s.header().addr(), bytes, LinkedImage.Protection.of(
                    (f & SectionFlags.SHF_WRITE) != 0, (f & SectionFlags.SHF_EXECINSTR) != 0)));
        }
        Map<LinkedImage.SectionRef, Long> sections = new HashMap<>();
        for (Section s : obj.sections()) {
            out.section(s.index()).ifPresent(o -> sections.put(new LinkedImage.SectionRef(0, s.index()), o.header().addr()));
        }
        Symbol main = obj.symbols().stream().filter(s -> s.name().equals("main") && s.isInSection()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(obj.name() + " defines no main"));
        Long text = sections.get(new LinkedImage.SectionRef(0, main.shndx()));
        return new LinkedImage(pieces, text + main.value(), sections);
    }
}
