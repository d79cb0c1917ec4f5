package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.modinfo.ModinfoFixtures;

/**
 * {@code modload modinfo} with kmod 30's options prints what kmod's {@code modinfo} prints on
 * the same tree, byte for byte, with the same standard error and exit status. The tree
 * ({@code BASE/lib/modules/9.9.9}) holds the bundled x86_64 samples and two signed Debian
 * modules with parameters, and a {@code modules.builtin.modinfo} written here for three
 * built-in modules; kmod's own {@code depmod -b} writes the indexes both tools read. Nothing
 * expected is stored: kmod runs at test time.
 */
class ModinfoOptionsTest {
    private static final String RELEASE = "9.9.9";
    private static final List<String> SAMPLES = List.of("hello", "demo_core", "demo_leaf", "demo_user");

    @TempDir
    static Path base;
    static Path dir;

    @BeforeAll
    static void tree() throws IOException {
        dir = Files.createDirectories(base.resolve("lib/modules/" + RELEASE));
        Path kernel = Files.createDirectories(dir.resolve("kernel/drivers"));
        for (String s : SAMPLES) {
            try (InputStream in = ModinfoOptionsTest.class.getResourceAsStream("/org/modload/kernel/samples/x86_64/" + s + ".ko")) {
                Files.write(kernel.resolve(s + ".ko"), in.readAllBytes());
            }
        }
        ModinfoFixtures.copy(ModinfoFixtures.AMD64_SIGNED, kernel);
        ModinfoFixtures.copy(ModinfoFixtures.I686_SIGNED, kernel);
        String builtin = "unix.license=GPL\0unix.alias=net-pf-1\0unix.alias=net-pf-1-proto-0\0"
                + "zswap.file=mm/zswap\0zswap.parm=enabled:Enable zswap\0zswap.parmtype=enabled:bool\0"
                + "crc32c_generic.alias=crypto-crc32c\0crc32c_generic.alias=crc32c\0crc32c_generic.license=GPL\0"
                + "unix.description=stray second run, not read\0";
        Files.write(dir.resolve("modules.builtin.modinfo"), builtin.getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("modules.builtin"), "kernel/net/unix/unix.ko\nkernel/mm/zswap.ko\n"
                + "kernel/crypto/crc32c_generic.ko\n");
        Files.writeString(dir.resolve("modules.order"), "");
        KmodTools.Run depmod = KmodTools.kmod("depmod", List.of("-b", base.toString(), RELEASE));
        assertEquals(0, depmod.status(), depmod.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "-F license hello", "-0 hello", "-p hangcheck-timer", "-p -0 hangcheck_timer",
        "-a hangcheck_timer", "-d efi-pstore", "-l -0 efi_pstore", "-n hello demo_core", "--field=vermagic demo_user",
        "-F parm zswap", "-p efi_pstore", "unix", "-0 unix", "-F alias unix", "-F name unix", "-F name hello",
        "-F filename zswap", "zswap", "crc32c_generic", "crc32c", "crypto-crc32c", "net-pf-1", "-m hello", "-m unix",
        "-m net-pf-1", "-F signer hangcheck_timer", "-F signature hangcheck_timer", "-F sig_key -0 efi_pstore",
        "nosuch hello", "symbol:demo_core_hello", "hello demo_core demo_leaf demo_user hangcheck_timer efi_pstore",
        "--author --license hello", "-F depends demo_user", "-F nosuchfield hello"})
    void optionsPrintWhatKmodPrints(String line) {
        List<String> args = new ArrayList<>(List.of("-b", base.toString(), "-k", RELEASE));
        args.addAll(List.of(line.split(" ")));
        KmodTools.Run kmod = KmodTools.kmod("modinfo", args);
        assertEquals(kmod, KmodTools.modload("modinfo", args));
    }

    @Test
    void aFileAndNamesMayBeMixedAndTheFileIsReadAsAFile() {
        String file = dir.resolve("kernel/drivers/hello.ko").toString();
        List<String> args = List.of("-b", base.toString(), "-k", RELEASE, "-F", "description", file, "unix", file);
        KmodTools.Run kmod = KmodTools.kmod("modinfo", args);
        assertEquals(kmod, KmodTools.modload("modinfo", args));
        assertTrue(kmod.out().contains("modload sample"), kmod.out());
    }

    @Test
    void theComparisonsAboveExerciseBuiltinsParametersAndNul() {
        KmodTools.Run run = KmodTools.modload("modinfo", List.of("-b", base.toString(), "-k", RELEASE, "-0", "zswap",
                "hangcheck_timer"));
        assertTrue(run.out().contains("filename:       (builtin)\0"), run.out());
        assertTrue(run.out().contains("parm:           enabled:Enable zswap (bool)\0"), run.out());
        assertTrue(run.out().contains("license=GPL\0"), run.out());
    }
}
