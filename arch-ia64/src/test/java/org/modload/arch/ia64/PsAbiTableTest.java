package org.modload.arch.ia64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.loader.spi.Profile;

/**
 * The psABI enum beyond what the conformance kit holds against {@code psabi/ia64.csv} (the 81
 * rows both ways): the set KERNEL applies as Linux's {@code do_reloc()} does, the formats Linux
 * overrides, and the names as readelf prints them.
 */
class PsAbiTableTest {
    private static final Ia64Architecture ARCH = new Ia64Architecture();

    /** Linux's do_reloc(): the 37 types it writes; it refuses the other 44. */
    @Test
    void kernelAppliesExactlyWhatLinuxApplies() {
        Set<String> applied = Arrays.stream(Ia64Relocation.values()).filter(r -> ARCH.applies(r,
                Profile.KERNEL)).map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
        Set<String> linux = new TreeSet<>(Set.of("IMM22", "IMM64", "DIR32LSB", "DIR64LSB", "GPREL22", "GPREL64I",
                "GPREL32LSB", "GPREL64LSB", "LTOFF22", "LTOFF64I", "PLTOFF22", "PLTOFF64I", "PLTOFF64LSB", "FPTR64I",
                "FPTR32LSB", "FPTR64LSB", "PCREL60B", "PCREL21B", "PCREL32LSB", "PCREL64LSB", "LTOFF_FPTR22",
                "LTOFF_FPTR64I", "LTOFF_FPTR32LSB", "LTOFF_FPTR64LSB", "SEGREL32LSB", "SEGREL64LSB", "SECREL32LSB",
                "SECREL64LSB", "REL32LSB", "REL64LSB", "PCREL21BI", "PCREL22", "PCREL64I", "IPLTLSB", "SUB",
                "LTOFF22X", "LDXMOV").stream().map(n -> "R_IA64_" + n).collect(Collectors.toSet()));
        assertEquals(linux, applied);
        Set<String> permissive = Arrays.stream(Ia64Relocation.values()).filter(r -> ARCH.applies(r,
                Profile.PERMISSIVE)).map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(permissive.containsAll(linux));
        assertTrue(permissive.containsAll(Set.of("R_IA64_NONE", "R_IA64_IMM14", "R_IA64_DIR64MSB", "R_IA64_PCREL21M",
                "R_IA64_PCREL21F", "R_IA64_LTV64LSB", "R_IA64_IPLTMSB")), permissive.toString());
        assertTrue(permissive.stream().noneMatch(n -> n.contains("TPREL") || n.contains("DTP") || n.equals("R_IA64_COPY")));
    }

    /** The PC-relative types whose format Linux overrides, and the specials. */
    @Test
    void formatOverrides() {
        assertEquals(TargetFormat.INSN60, Ia64Architecture.format(Ia64Relocation.R_IA64_PCREL60B));
        assertEquals(TargetFormat.INSN21B, Ia64Architecture.format(Ia64Relocation.R_IA64_PCREL21B));
        assertEquals(TargetFormat.INSN21M, Ia64Architecture.format(Ia64Relocation.R_IA64_PCREL21M));
        assertEquals(TargetFormat.INSN21F, Ia64Architecture.format(Ia64Relocation.R_IA64_PCREL21F));
        assertEquals(TargetFormat.INSN21B, Ia64Architecture.format(Ia64Relocation.R_IA64_PCREL21BI));
        assertEquals(TargetFormat.INSN22, Ia64Architecture.format(Ia64Relocation.R_IA64_PCREL22));
        assertEquals(TargetFormat.INSN64, Ia64Architecture.format(Ia64Relocation.R_IA64_PCREL64I));
        assertEquals(TargetFormat.INSN64, Ia64Architecture.format(Ia64Relocation.R_IA64_SUB));
        assertEquals(TargetFormat.INSN22, Ia64Architecture.format(Ia64Relocation.R_IA64_LTOFF22X));
        assertEquals(TargetFormat.WORD64LSB, Ia64Architecture.format(Ia64Relocation.R_IA64_IPLTLSB));
        assertEquals(TargetFormat.INSN14, Ia64Architecture.format(Ia64Relocation.R_IA64_IMM14));
        assertEquals(TargetFormat.WORD32MSB, Ia64Architecture.format(Ia64Relocation.R_IA64_FPTR32MSB));
    }

    private static final Pattern READELF = Pattern.compile("^[0-9a-f]{16}\\s+[0-9a-f]{16}\\s+(R_IA64_\\w+|unrecognized: \\w+)");
    private static final Pattern INFO = Pattern.compile("^[0-9a-f]{16}\\s+([0-9a-f]{16})\\s");

    /** Every relocation of the committed readelf dumps is named as readelf names it. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ia64-shared.o", "ia64-tables.o", "ia64-special.o", "ia64-edges.o",
        "ia64-refuse-dir32msb.o", "ia64-refuse-ltv64.o", "ia64-refuse-tprel64.o", "ia64-refuse-pcrel21f.o",
        "gcc/chardev-O2.o", "gcc/table-O0.o"})
    void namesMatchReadelf(String fixture) throws IOException {
        String dump;
        try (InputStream in = PsAbiTableTest.class.getResourceAsStream("/fixtures/" + fixture + ".readelf")) {
            dump = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int named = 0;
        for (String line : dump.split("\n")) {
            Matcher m = READELF.matcher(line);
            Matcher info = INFO.matcher(line);
            if (!m.find() || !info.find()) {
                continue;
            }
            int type = (int) Long.parseUnsignedLong(info.group(1), 16);
            if (m.group(1).startsWith("unrecognized")) {
                // binutils has no name for R_IA64_SUB (0x85); the psABI enum does.
                assertEquals("R_IA64_SUB", ARCH.relocationName(type));
            } else {
                assertEquals(m.group(1), ARCH.relocationName(type));
            }
            named++;
        }
        assertTrue(named > 0);
    }
}
