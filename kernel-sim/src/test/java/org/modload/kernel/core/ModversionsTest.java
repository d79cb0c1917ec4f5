package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.boot.SyntheticSymbols;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.FaultInjection;
import org.modload.kernel.model.KernelConfig;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.KernelSymbol;
import org.modload.kernel.model.LoadPhase;
import org.modload.kernel.model.ModuleView;
import org.modload.kernel.modinfo.ModinfoFixtures;
import org.modload.loader.elf.Machine;
import org.modload.loader.spi.Architectures;
import org.modload.loader.testing.ExternalTools;

/**
 * vermagic, modversions and the struct module size on a real signed Debian module
 * (hangcheck-timer.ko, amd64): the kernel's CRCs are what kmod's
 * {@code modprobe --dump-modversions} reads from the module, its vermagic what
 * {@code modinfo -F vermagic} prints; one changed CRC or a changed vermagic is refused as Linux
 * refuses it.
 */
class ModversionsTest {
    @TempDir
    Path dir;

    private record Versions(List<String> names, List<Long> crcs) {
    }

    private Versions dump(Path ko) {
        String text = ExternalTools.run(List.of(ExternalTools.require("modprobe", "kmod").toString(),
                "--dump-modversions", ko.toString()));
        List<String> names = new ArrayList<>();
        List<Long> crcs = new ArrayList<>();
        for (String line : text.lines().toList()) {
            String[] f = line.split("\t");
            crcs.add(Long.decode(f[0]));
            names.add(f[1]);
        }
        return new Versions(names, crcs);
    }

    private Kernel kernel(Versions v, String changed, String vermagic, long structModule) {
        SyntheticSymbols addresses = SyntheticSymbols.forArchitecture(
                Architectures.installed().find(Machine.EM_X86_64).orElseThrow());
        List<KernelSymbol> exports = new ArrayList<>();
        for (int i = 0; i < v.names().size(); i++) {
            String n = v.names().get(i);
            long crc = n.equals(changed) ? v.crcs().get(i) ^ 1 : v.crcs().get(i);
            exports.add(new KernelSymbol(n, addresses.address(n), OptionalLong.of(crc), false, "", KernelSymbol.VMLINUX));
        }
        return Kernel.boot(new KernelConfig(Machine.EM_X86_64, "6.1.0-50-amd64", Optional.of(vermagic),
                OptionalLong.of(structModule), true, exports, 1L << 30));
    }

    private Path module() {
        return ModinfoFixtures.copy(ModinfoFixtures.AMD64_SIGNED, dir);
    }

    private String vermagic(Path ko) {
        return ModinfoFixtures.kmod(null, "-F", "vermagic", ko.toString()).strip() + " ";
    }

    private static ModuleView load(Kernel k, LoadOptions o) {
        return k.load("hangcheck-timer.ko", ByteBuffer.wrap(ModinfoFixtures.bytes(ModinfoFixtures.AMD64_SIGNED)), o);
    }

    /**
     * In tree, so not O; signed by Debian's 6.1.0-50 build key, which this kernel does not hold:
     * ENOKEY, which Linux lets load when signatures are not enforced, tainted E.
     */
    @Test
    void matchingCrcsAndVermagicLoadTaintedOnlyByTheMissingKey() {
        Path ko = module();
        Kernel k = kernel(dump(ko), "", vermagic(ko), 896);
        ModuleView m = load(k, LoadOptions.defaults());
        assertEquals("hangcheck_timer", m.name());
        assertEquals(dump(ko).names().size(), k.crcChecks());
        assertEquals("E", k.taints());
    }

    @Test
    void oneChangedCrcIsRefusedNamingTheSymbol() {
        Path ko = module();
        Versions v = dump(ko);
        String victim = v.names().stream().filter(n -> !n.equals("module_layout")).reduce((a, b) -> b).orElseThrow();
        Kernel k = kernel(v, victim, vermagic(ko), 896);
        KernelException e = assertThrows(KernelException.class, () -> load(k, LoadOptions.defaults()));
        assertAll(
                () -> assertEquals(Errno.EINVAL, e.errno()),
                () -> assertEquals(Optional.of(LoadPhase.MODVERSIONS), e.phase()),
                () -> assertEquals("hangcheck_timer: disagrees about version of symbol " + victim, e.getMessage()),
                () -> assertEquals(List.of(), k.modules()));
        assertEquals("hangcheck_timer", load(k, LoadOptions.defaults().withFaults(FaultInjection.none())
                .ignoringModversions()).name());
    }

    @Test
    void aChangedModuleLayoutCrcIsEnoexec() {
        Path ko = module();
        Kernel k = kernel(dump(ko), "module_layout", vermagic(ko), 896);
        KernelException e = assertThrows(KernelException.class, () -> load(k, LoadOptions.defaults()));
        assertEquals(Errno.ENOEXEC, e.errno());
    }

    @Test
    void anotherVermagicIsRefusedUnlessForced() {
        Path ko = module();
        String other = vermagic(ko).replace("mod_unload", "mod_unlode");
        Kernel k = kernel(dump(ko), "", other, 896);
        KernelException e = assertThrows(KernelException.class, () -> load(k, LoadOptions.defaults()));
        assertAll(
                () -> assertEquals(Errno.ENOEXEC, e.errno()),
                () -> assertEquals(Optional.of(LoadPhase.VERMAGIC), e.phase()),
                () -> assertEquals("hangcheck_timer: version magic '" + vermagic(ko) + "' should be '" + other + "'",
                        e.getMessage()));
        load(k, LoadOptions.defaults().ignoringVermagic());
        assertEquals("FE", k.taints()); // forced; and a forced load's signature is never checked: E
    }

    @Test
    void aDifferentReleaseIsAcceptedWithModversionsAsLinuxDoes() {
        Path ko = module();
        Kernel k = kernel(dump(ko), "", vermagic(ko).replace("6.1.0-50-amd64", "6.1.0-99-amd64"), 896);
        load(k, LoadOptions.defaults());
    }

    @Test
    void aThisModuleOfAnotherSizeIsRefused() {
        Path ko = module();
        Kernel k = kernel(dump(ko), "", vermagic(ko), 900);
        KernelException e = assertThrows(KernelException.class, () -> load(k, LoadOptions.defaults()));
        assertAll(
                () -> assertEquals(Errno.ENOEXEC, e.errno()),
                () -> assertEquals(Optional.of(LoadPhase.THIS_MODULE), e.phase()),
                () -> assertEquals("hangcheck-timer.ko: .gnu.linkonce.this_module section size 0x380 must match the "
                        + "kernel's built struct module size 0x384", e.getMessage()));
    }
}
