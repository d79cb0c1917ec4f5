package org.modload.arch.i386;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.modload.loader.spi.Profile;
import org.modload.loader.testing.LdDifferential;
import org.modload.loader.testing.RelocationFixtures;

/**
 * i386 PERMISSIVE on an object carrying every type gcc -m32 emits for non-TLS code
 * ({@code i386-permissive.s}), with GNU ld (which always relaxes GOT32X in a {@code -no-pie}
 * link) as the oracle for every byte both linkers share; where the bytes depend on where each
 * linker put its GOT, the word the site reaches holds S.
 */
class PermissiveTest {
    private static final I386Architecture ARCH = new I386Architecture();
    private static final Set<String> GOT_RELATIVE = Set.of("R_386_GOTPC", "R_386_GOTOFF");
    private static final Set<String> GOT_LOADS = Set.of("R_386_GOT32", "R_386_GOT32X");

    @TempDir
    Path work;

    @Test
    void relaxedSitesAndEveryOtherByteEqualGnuLd() {
        Path object = Fixture.copy("i386-permissive.o", work);
        ElfFile obj = RelocationFixtures.parse(object);
        Map<String, Long> externals = Map.of("ext_data", 0x09000000L, "ext_func", 0xf7d01230L, "ext_byte", 0x7fL,
                "ext_word", 0x7fffL);
        LoadedImage image = new LinkEngine(ARCH).link(obj, Profile.PERMISSIVE, new LayoutPolicy.Linux(0x08048000L),
                RelocationFixtures.resolver(externals));
        LdDifferential.LdImage ld = LdDifferential.forMachine(Machine.EM_386).linkAt(object, obj, image, work);
        assertNull(ld.failure());
        long got = image.plan().table(".got").orElseThrow().address();
        assertEquals(got, image.archSymbols().get("_GLOBAL_OFFSET_TABLE_"));
        List<String> differences = new ArrayList<>();
        int relaxed = 0;
        int kept = 0;
        for (RelocationSection rs : obj.relocationSections()) {
            Section target = rs.target();
            ByteBuffer ours = image.sectionBytes(target.index()).orElseThrow().order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer original = target.bytes();
            ByteBuffer theirs = ld.section(target.index()).orElseThrow().bytes();
            long base = image.plan().section(target.index()).orElseThrow().address();
            boolean[] mask = new boolean[ours.capacity()];
            for (Relocation r : rs.entries()) {
                int off = (int) r.offset();
                String type = ARCH.relocationName(r.type());
                Symbol sym = obj.symbols().get(r.symbol());
                long s = image.symbols().value(r.symbol());
                long p = base + off;
                if (!GOT_LOADS.contains(type) && !GOT_RELATIVE.contains(type)) {
                    continue;
                }
                int a = original.getInt(off);
                if (GOT_LOADS.contains(type)) {
                    boolean weRelaxed = ours.get(off - 2) != original.get(off - 2);
                    boolean ldRelaxed = theirs.get(off - 2) != original.get(off - 2);
                    if (weRelaxed != ldRelaxed) {
                        differences.add(type + " at 0x" + Integer.toHexString(off) + ": relaxed by "
                                + (weRelaxed ? "us" : "ld") + " only");
                    }
                    if (weRelaxed) {
                        relaxed++;
                        continue;
                    }
                    kept++;
                    // Kept: the field is the GOT word's offset from GOT plus A (the word's address
                    // plus A without a base register, which no kept site of the fixture has).
                    long word = got + (ours.getInt(off) & 0xffffffffL) - a;
                    assertEquals(s & 0xffffffffL, read(image, got, word), type + " " + sym.name());
                    mask(mask, off);
                } else if (GOT_RELATIVE.contains(type)) {
                    long expected = type.equals("R_386_GOTPC") ? got + a - p : s + a - got;
                    assertEquals((int) expected, ours.getInt(off), type);
                    mask(mask, off);
                }
            }
            for (int i = 0; i < ours.capacity(); i++) {
                if (!mask[i] && ours.get(i) != theirs.get(i)) {
                    differences.add(String.format("%s+0x%x: ours %02x, ld %02x", target.name(), i, ours.get(i),
                            theirs.get(i)));
                }
            }
        }
        assertEquals(List.of(), differences);
        // ld relaxes GOT32X with a zero in-place addend (9 sites: with and without a base
        // register), never GOT32 (lea, push) nor a non-zero addend.
        assertEquals(9, relaxed);
        assertEquals(3, kept);
    }

    private static long read(LoadedImage image, long got, long word) {
        ByteBuffer table = image.tableBytes(".got").orElseThrow().order(ByteOrder.LITTLE_ENDIAN);
        return table.getInt((int) (word - got)) & 0xffffffffL;
    }

    private static void mask(boolean[] mask, int off) {
        for (int i = off; i < off + 4; i++) {
            mask[i] = true;
        }
    }
}
