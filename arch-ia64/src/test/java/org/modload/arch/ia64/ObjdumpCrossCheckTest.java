package org.modload.arch.ia64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.SectionFlags;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.spi.Profile;
import org.modload.loader.testing.ExternalTools;

/**
 * The instruction decoder the oracle relies on ({@link Bundles}, {@link PltTemplate}) agrees
 * with {@code ia64-linux-gnu-objdump -d} on every immediate of the relocated image: each code
 * section and PLT is disassembled at its run-time address, and every addl/adds/mov immediate,
 * br/brl target and movl constant objdump prints is compared with what the decoder reads.
 */
class ObjdumpCrossCheckTest {
    private static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\t[0-9a-f ]+\\t\\s*(?:\\[[A-Z]+\\])?\\s*(.*)$");
    private static final Pattern IMM = Pattern.compile("^(?:\\(p\\d+\\) )?(addl|adds|mov) r\\d+=(-?\\d+)(?:,r\\d+)?(;;)?$");
    private static final Pattern BRANCH = Pattern.compile("^(?:\\(p\\d+\\) )?(br|brl)\\.[a-z.]+ (?:b\\d=)?0x([0-9a-f]+)");
    private static final Pattern MOVL = Pattern.compile("^(?:\\(p\\d+\\) )?movl r\\d+=0x([0-9a-f]+)");

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ia64-shared.o", "ia64-tables.o", "ia64-special.o", "gcc/table-O2.o", "gcc/chardev-O0.o",
        "gcc/chardev-O2autopic.o"})
    void decoderAgreesWithObjdump(String fixture) throws IOException {
        Path objdump = ExternalTools.require("ia64-linux-gnu-objdump", "binutils-ia64-linux-gnu");
        for (boolean brl : new boolean[] {true, false}) {
            Map<String, Integer> counts = check(fixture, brl, objdump);
            System.out.println(fixture + (brl ? " (brl PLT)" : " (3-bundle PLT)") + ": " + counts);
            assertTrue(counts.getOrDefault("imm22", 0) + counts.getOrDefault("br", 0) > 0, counts.toString());
        }
    }

    private Map<String, Integer> check(String fixture, boolean brl, Path objdump) throws IOException {
        Path object = Fixtures.copy(fixture, Files.createDirectories(work.resolve(brl ? "brl" : "nobrl")));
        ElfFile obj = Fixtures.parse(object);
        Ia64Architecture arch = new Ia64Architecture(brl);
        LayoutPolicy policy = new LayoutPolicy.Linux(arch.moduleAreaBase());
        var defs = Fixtures.kernel(obj);
        LoadedImage image = new LinkEngine(arch).link(obj, Profile.KERNEL, policy, Fixtures.resolver(defs));
        PltTemplate template = brl ? PltTemplate.BRL : PltTemplate.NO_BRL;
        Map<String, Integer> counts = new TreeMap<>();
        List<String> mismatches = new ArrayList<>();
        for (PlacedSection p : image.plan().placed()) {
            boolean code = p.isTable() ? p.name().endsWith(".plt")
                    : (obj.section(p.sectionIndex()).header().flags() & SectionFlags.SHF_EXECINSTR) != 0;
            if (!code || p.size() == 0) {
                continue;
            }
            ByteBuffer bytes = image.bytes(p);
            Path bin = object.resolveSibling(p.name().replace('/', '_') + ".bin");
            byte[] raw = new byte[(int) p.size()];
            bytes.get(0, raw);
            Files.write(bin, raw);
            String text = ExternalTools.run(List.of(objdump.toString(), "-D", "-b", "binary", "-m", "ia64",
                    "--adjust-vma=0x" + Long.toHexString(p.address()), bin.toString()));
            for (String line : text.split("\n")) {
                Matcher m = LINE.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                long address = Long.parseUnsignedLong(m.group(1), 16);
                String insn = m.group(2).trim();
                int at = (int) ((address & ~0xfL) - p.address());
                int slot = switch ((int) (address & 0xf)) {
                    case 0 -> 0;
                    case 6 -> 1;
                    default -> 2;
                };
                long s = Bundles.slot(bytes, at, slot);
                Matcher imm = IMM.matcher(insn);
                Matcher br = BRANCH.matcher(insn);
                Matcher movl = MOVL.matcher(insn);
                if (imm.find()) {
                    long expected = Long.parseLong(imm.group(2));
                    int opcode = Bundles.opcode(s);
                    String kind = opcode == 9 ? "imm22" : "imm14";
                    long decoded = opcode == 9 ? Bundles.decodeImm22(s) : Bundles.decodeImm14(s);
                    compare(kind, address, expected, decoded, insn, counts, mismatches);
                } else if (br.find()) {
                    long expected = Long.parseUnsignedLong(br.group(2), 16);
                    long bundle = address & ~0xfL;
                    boolean isBrl = br.group(1).equals("brl");
                    long decoded = isBrl ? bundle + 16 * Bundles.imm60(bytes, at) : bundle + 16 * Bundles.decodeImm21b(s);
                    compare(isBrl ? "brl" : "br", address, expected, decoded, insn, counts, mismatches);
                } else if (movl.find()) {
                    compare("movl", address, Long.parseUnsignedLong(movl.group(1), 16), Bundles.imm64(bytes, at), insn,
                            counts, mismatches);
                }
            }
            if (p.isTable()) {
                // And the PLT decoder: each entry's ip and gp are what objdump printed for its movl/brl.
                for (int e = 0; e < p.size() / template.size(); e++) {
                    int at = e * template.size();
                    long ip = template.target(bytes, at, p.address());
                    long gp = template.gp(bytes, at);
                    assertTrue(text.contains(Long.toHexString(gp)), "PLT gp 0x" + Long.toHexString(gp));
                    assertTrue(text.contains(Long.toHexString(ip)), "PLT ip 0x" + Long.toHexString(ip));
                    counts.merge("plt entry", 1, Integer::sum);
                }
            }
        }
        assertEquals(List.of(), mismatches);
        return counts;
    }

    private static void compare(String kind, long address, long expected, long decoded, String insn,
            Map<String, Integer> counts, List<String> mismatches) {
        if (expected == decoded) {
            counts.merge(kind, 1, Integer::sum);
        } else {
            mismatches.add(String.format("0x%x %s: objdump %d (0x%x), decoder %d (0x%x)", address, insn, expected,
                    expected, decoded, decoded));
        }
    }
}
