package org.modload.arch.x86_64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.Symbol;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.spi.Profile;
import org.modload.loader.testing.LdDifferential;
import org.modload.loader.testing.RelocationFixtures;

/**
 * PERMISSIVE on an object carrying every type gcc and clang emit for non-TLS code
 * ({@code x86_64-permissive.s}): GNU ld is the oracle for every byte it can share with us
 * (the relaxed GOT loads included), and the sites that go through our tables are followed in
 * the image: a GOT load reaches a word holding S, a call reaches S directly or a stub whose jump
 * goes through a word holding S.
 */
class PermissiveTest {
    private static final X86_64Architecture ARCH = new X86_64Architecture();
    /** The large-model types, whose values depend on where the GOT is: ld's and ours differ. */
    private static final Set<String> GOT_RELATIVE = Set.of("R_X86_64_GOTPC32", "R_X86_64_GOTPC64",
            "R_X86_64_GOTOFF64", "R_X86_64_GOT64", "R_X86_64_GOTPCREL64", "R_X86_64_PLTOFF64");
    private static final Set<String> GOT_LOADS = Set.of("R_X86_64_GOTPCREL", "R_X86_64_GOTPCRELX",
            "R_X86_64_REX_GOTPCRELX");

    @TempDir
    Path work;

    private record Linked(Path path, ElfFile obj, LoadedImage image) {
        Section section(String name) {
            return obj.section(name).orElseThrow();
        }

        PlacedSection placed(Section s) {
            return image.plan().section(s.index()).orElseThrow();
        }

        ByteBuffer bytes(Section s) {
            return image.sectionBytes(s.index()).orElseThrow().order(ByteOrder.LITTLE_ENDIAN);
        }

        long symbol(String name) {
            for (Symbol s : obj.symbols()) {
                if (s.name().equals(name)) {
                    return image.symbols().value(s.index());
                }
            }
            throw new AssertionError(name);
        }

        /** The 8-byte word at {@code address} in a placed piece of the image. */
        long word(long address) {
            for (PlacedSection p : image.plan().placed()) {
                if (Long.compareUnsigned(address - p.address(), p.size()) < 0) {
                    return image.bytes(p).order(ByteOrder.LITTLE_ENDIAN).getLong((int) (address - p.address()));
                }
            }
            throw new AssertionError("0x" + Long.toHexString(address) + " is in no placed piece");
        }

        /** The table holding {@code address}, or empty. */
        String tableAt(long address) {
            for (PlacedSection p : image.plan().placed()) {
                if (p.isTable() && Long.compareUnsigned(address - p.address(), p.size()) < 0) {
                    return p.name();
                }
            }
            return "";
        }
    }

    private Linked link(long base, Map<String, Long> externals) {
        Path object = Fixture.copy("x86_64-permissive.o", work);
        ElfFile obj = RelocationFixtures.parse(object);
        LoadedImage image = new LinkEngine(ARCH).link(obj, Profile.PERMISSIVE, new LayoutPolicy.Linux(base),
                RelocationFixtures.resolver(externals));
        return new Linked(object, obj, image);
    }

    private static String name(Relocation r) {
        return ARCH.relocationName(r.type());
    }

    /**
     * Linked low (image and externals below 2 GiB, where ld links it too), every byte equals
     * ld's except where the value depends on where each linker put its GOT; there, the GOT
     * word the site reaches holds S. ld relaxed exactly the sites we relaxed, to the same bytes.
     */
    @Test
    void relaxedSitesAndEveryOtherByteEqualGnuLd() {
        Linked l = link(0x400000, Map.of("ext_data", 0x10000000L, "ext_func", 0x10001000L, "ext_byte", 0x7fL, "ext_word", 0x7fffL));
        LdDifferential.LdImage ld = LdDifferential.forMachine(Machine.EM_X86_64).relaxing()
                .linkAt(l.path(), l.obj(), l.image(), work);
        assertNull(ld.failure());
        int relaxed = 0;
        int kept = 0;
        List<String> differences = new ArrayList<>();
        Map<Integer, boolean[]> masks = new LinkedHashMap<>();
        for (RelocationSection rs : l.obj().relocationSections()) {
            Section target = rs.target();
            ByteBuffer ours = l.bytes(target);
            ByteBuffer original = target.bytes();
            ByteBuffer theirs = ld.section(target.index()).orElseThrow().bytes();
            boolean[] mask = masks.computeIfAbsent(target.index(), i -> new boolean[ours.capacity()]);
            for (Relocation r : rs.entries()) {
                int off = (int) r.offset();
                String type = name(r);
                if (GOT_LOADS.contains(type)) {
                    boolean weRelaxed = ours.get(off - 2) != original.get(off - 2);
                    boolean ldRelaxed = theirs.get(off - 2) != original.get(off - 2);
                    if (weRelaxed != ldRelaxed) {
                        differences.add(target.name() + "+0x" + Integer.toHexString(off) + " " + type
                                + (weRelaxed ? ": relaxed by us only" : ": relaxed by ld only"));
                    }
                    if (weRelaxed) {
                        relaxed++;
                        continue; // compared byte for byte below
                    }
                    kept++;
                    long p = l.placed(target).address() + off;
                    // The field is G + GOT + A - P: the word's address is P - A plus the field.
                    long got = p - r.addend().orElseThrow() + ours.getInt(off);
                    long s = l.symbol(l.obj().symbols().get(r.symbol()).name());
                    assertEquals(".got", l.tableAt(got), type + " at 0x" + Long.toHexString(off));
                    assertEquals(s, l.word(got), type + " at 0x" + Long.toHexString(off) + ": GOT word holds S");
                    mask(mask, off, 4);
                } else if (GOT_RELATIVE.contains(type)) {
                    mask(mask, off, 8);
                }
            }
        }
        for (Map.Entry<Integer, boolean[]> e : masks.entrySet()) {
            Section s = l.obj().section(e.getKey());
            ByteBuffer ours = l.bytes(s);
            ByteBuffer theirs = ld.section(s.index()).orElseThrow().bytes();
            for (int i = 0; i < ours.capacity(); i++) {
                if (!e.getValue()[i] && ours.get(i) != theirs.get(i)) {
                    differences.add(String.format("%s+0x%x: ours %02x, ld %02x", s.name(), i, ours.get(i),
                            theirs.get(i)));
                }
            }
        }
        assertEquals(List.of(), differences);
        // Of the 20 GOT loads, ld's rules keep four: an addend other than -4, a plain GOTPCREL
        // lea and push (only mov is relaxed without the X types), and a load from .ldata.
        assertEquals(16, relaxed);
        assertEquals(4, kept);
    }

    private static void mask(boolean[] mask, int off, int width) {
        for (int i = off; i < off + width && i < mask.length; i++) {
            mask[i] = true;
        }
    }

    /**
     * Linked low with libc-style externals far above (0x7f..): calls to them go through stubs
     * jumping through GOT words that hold S; loads of their addresses keep their GOT words
     * (neither an immediate nor a rel32 reaches); loads of the image's own data still become
     * immediates. The large-model values follow from the GOT.
     */
    @Test
    void farExternalsGoThroughStubsAndTheGot() {
        long func = 0x7f1234567000L;
        long data = 0x7f1234568000L;
        Linked l = link(0x400000, Map.of("ext_data", data, "ext_func", func, "ext_byte", 0x7fL, "ext_word", 0x7fffL));
        Section text = l.section(".text");
        ByteBuffer b = l.bytes(text);
        long base = l.placed(text).address();
        long got = l.image().plan().table(".got").orElseThrow().address();
        for (RelocationSection rs : l.obj().relocationSections()) {
            if (rs.target().index() != text.index()) {
                continue;
            }
            for (Relocation r : rs.entries()) {
                int off = (int) r.offset();
                long p = base + off;
                String sym = l.obj().symbols().get(r.symbol()).name();
                String type = name(r);
                long a = r.addend().orElseThrow();
                if (type.equals("R_X86_64_PLT32") && sym.equals("ext_func")) {
                    long stub = p + 4 + b.getInt(off);
                    assertEquals(".plt", l.tableAt(stub));
                    ByteBuffer plt = l.image().tableBytes(".plt").orElseThrow().order(ByteOrder.LITTLE_ENDIAN);
                    int at = (int) (stub - l.image().plan().table(".plt").orElseThrow().address());
                    assertEquals(0xff, plt.get(at) & 0xff);
                    assertEquals(0x25, plt.get(at + 1) & 0xff);
                    long word = stub + 6 + plt.getInt(at + 2);
                    assertEquals(".got", l.tableAt(word));
                    assertEquals(func, l.word(word));
                } else if (GOT_LOADS.contains(type) && sym.startsWith("ext_")) {
                    long word = p + 4 + b.getInt(off);
                    assertEquals(".got", l.tableAt(word), type + " " + sym + " at 0x" + Integer.toHexString(off));
                    assertEquals(sym.equals("ext_func") ? func : data, l.word(word));
                } else if (type.equals("R_X86_64_REX_GOTPCRELX") && sym.equals("ldata") && a == -4) {
                    assertEquals(0xc7, b.get(off - 2) & 0xff, "mov $ldata");
                    assertEquals(l.symbol("ldata"), b.getInt(off));
                } else if (type.equals("R_X86_64_GOTOFF64")) {
                    assertEquals(l.symbol("ldata") + a - got, b.getLong(off));
                } else if (type.equals("R_X86_64_GOTPC32")) {
                    assertEquals(got + a - p, b.getInt(off));
                } else if (type.equals("R_X86_64_GOT64")) {
                    assertEquals(data, l.word(got + b.getLong(off) - a));
                } else if (type.equals("R_X86_64_PLTOFF64")) {
                    assertEquals(func + a - got, b.getLong(off));
                } else if (type.equals("R_X86_64_GOTPC64")) {
                    assertEquals(got + a - p, b.getLong(off));
                }
            }
        }
        assertEquals(8, l.image().plan().table(".plt").orElseThrow().size(), "one stub");
        assertEquals(got, l.image().archSymbols().get("_GLOBAL_OFFSET_TABLE_"));
    }

    /**
     * Linked near the externals, above 4 GiB: no immediate fits, so loads become lea and
     * branches direct (67 e8 / e9 .. 90) when the rel32 reaches, and test/binop keep their GOT
     * words; no stub is needed.
     */
    @Test
    void nearAndHighLoadsBecomeLeaAndBranchesDirect() {
        long func = 0x7f0000001000L;
        Linked l = link(0x7effc0000000L, Map.of("ext_data", 0x7f0000002000L, "ext_func", func, "ext_byte", 0x7fL, "ext_word", 0x7fffL));
        Section text = l.section(".text");
        ByteBuffer b = l.bytes(text);
        ByteBuffer original = text.bytes();
        long base = l.placed(text).address();
        int leas = 0;
        int branches = 0;
        int keptTests = 0;
        for (RelocationSection rs : l.obj().relocationSections()) {
            if (rs.target().index() != text.index()) {
                continue;
            }
            for (Relocation r : rs.entries()) {
                int off = (int) r.offset();
                long p = base + off;
                String type = name(r);
                if (!GOT_LOADS.contains(type) || r.addend().orElseThrow() != -4) {
                    continue;
                }
                long s = l.symbol(l.obj().symbols().get(r.symbol()).name());
                int op = original.get(off - 2) & 0xff;
                int modrm = original.get(off - 1) & 0xff;
                if (op == 0x8b && !l.obj().symbols().get(r.symbol()).name().equals("big")) {
                    assertEquals(0x8d, b.get(off - 2) & 0xff, "lea at 0x" + Integer.toHexString(off));
                    assertEquals(s, p + 4 + b.getInt(off));
                    leas++;
                } else if (op == 0xff && modrm == 0x15) {
                    assertEquals(0x67, b.get(off - 2) & 0xff);
                    assertEquals(0xe8, b.get(off - 1) & 0xff);
                    assertEquals(s, p + 4 + b.getInt(off));
                    branches++;
                } else if (op == 0xff && modrm == 0x25) {
                    assertEquals(0xe9, b.get(off - 2) & 0xff);
                    assertEquals(0x90, b.get(off + 3) & 0xff);
                    assertEquals(s, p + 3 + b.getInt(off - 1));
                    branches++;
                } else if (op != 0x8b && op != 0xff) {
                    assertEquals(op, b.get(off - 2) & 0xff, "kept at 0x" + Integer.toHexString(off));
                    assertEquals(s, l.word(p + 4 + b.getInt(off)));
                    keptTests++;
                }
            }
        }
        assertEquals(4, leas, "movs of ldata, ext_data (twice); big is in .ldata");
        assertEquals(2, branches);
        assertTrue(keptTests >= 10, "test and binops keep the GOT: " + keptTests);
        assertEquals(0, l.image().plan().table(".plt").orElseThrow().size(), "every call reaches");
    }
}
