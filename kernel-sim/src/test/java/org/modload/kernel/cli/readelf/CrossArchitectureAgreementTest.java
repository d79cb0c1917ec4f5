package org.modload.kernel.cli.readelf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Must show 2 of issue 19: objects and executables for nine targets of eight architectures other
 * than ours, both byte orders, made by Debian's cross binutils (committed with their sources,
 * {@code readelf -a -W} dumps and {@code regen.sh}), read by {@code modload elf --json} equal
 * to readelf field for field, MIPS64's three-type relocations included.
 */
class CrossArchitectureAgreementTest {
    private static final Path DIR = Path.of("src/test/resources/readelf/cross");

    @ParameterizedTest
    @ValueSource(strings = {"aarch64", "arm", "mips", "mips64", "mips64el", "ppc64le", "riscv64", "s390x", "sparc64"})
    void objectAndExecutableAgreeWithReadelf(String target) {
        ReadelfAgreementTest.assertAgrees(DIR.resolve(target + ".o"));
        ReadelfAgreementTest.assertAgrees(DIR.resolve(target + ".exe"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mips64", "mips64el"})
    void mips64RelocationsCarryThreeTypes(String target) {
        Path object = DIR.resolve(target + ".o");
        Readelf.Model readelf = Readelf.read(object);
        // R_MIPS_GPREL16 (7), R_MIPS_SUB (24), R_MIPS_HI16 (5) from .cpsetup's %hi(%neg(%gp_rel(f))).
        assertTrue(readelf.relocations().stream().anyMatch(r -> r.type().intValue() == 7
                && r.type2().intValue() == 24 && r.type3().intValue() == 5), "a composed relocation");
        Map<String, Object> json = ReadelfAgreement.modloadJson(object);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> relocations = (List<Map<String, Object>>) json.get("relocations");
        assertEquals(BigInteger.valueOf(24), relocations.get(0).get("type2"));
        assertTrue(((BigInteger) relocations.get(0).get("symbol")).intValue() < 20, "a small symbol index");
    }

    @Test
    void bothByteOrdersAndEightMachines() {
        java.util.Set<String> machines = new java.util.TreeSet<>();
        java.util.Set<String> orders = new java.util.TreeSet<>();
        for (String t : List.of("aarch64", "arm", "mips", "mips64", "mips64el", "ppc64le", "riscv64", "s390x", "sparc64")) {
            Readelf.Header h = Readelf.parseHeader(org.modload.loader.testing.ExternalTools.run(
                    List.of("readelf", "-h", DIR.resolve(t + ".o").toString())));
            machines.add(h.machine());
            orders.add(h.data());
        }
        // Eight architectures, seven e_machine values: 32- and 64-bit MIPS share EM_MIPS.
        assertEquals(7, machines.size(), machines::toString);
        assertEquals(List.of("ELFDATA2LSB", "ELFDATA2MSB"), List.copyOf(orders));
    }
}
