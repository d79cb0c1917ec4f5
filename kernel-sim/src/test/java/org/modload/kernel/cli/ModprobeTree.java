package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.modload.kernel.modinfo.ModinfoFixtures;

/**
 * A module tree for modprobe, {@code BASE/lib/modules/9.9.9}, made of committed fixtures: the
 * x86_64 samples (demo_leaf needs demo_user needs demo_core; hello) with two of them given
 * {@code .modinfo} entries in place of their description (same length, so the ELF file is
 * otherwise untouched): hello gets {@code alias=net-pf-99} and {@code softdep=pre: demo_core},
 * demo_user {@code alias=char-major-99-*} and {@code softdep=post:  hello}; a Debian module
 * with a {@code platform:} alias (efi-pstore); and three built-ins ({@code unix} with its
 * {@code net-pf-1} aliases, {@code zswap}, {@code crc32c_generic}). kmod's own
 * {@code depmod -b} writes the indexes (and modules.softdep from the modules' softdep entries).
 * Nothing expected is stored: kmod and the simulation are asked at test time.
 */
final class ModprobeTree {
    static final String RELEASE = "9.9.9";

    private ModprobeTree() {
    }

    /** Builds the tree under {@code base} and runs kmod's depmod on it; returns the module directory. */
    static Path build(Path base) {
        try {
            Path dir = Files.createDirectories(base.resolve("lib/modules/" + RELEASE));
            Path kernel = Files.createDirectories(dir.resolve("kernel/drivers"));
            Path other = Files.createDirectories(dir.resolve("kernel/fs"));
            copy("hello", kernel, "description=modload sample: says hello", "alias=net-pf-99\0softdep=pre: demo_core");
            copy("demo_core", kernel, null, null);
            copy("demo_user", other, "description=modload sample: uses demo_core",
                    "alias=char-major-99-*\0softdep=post:  hello");
            copy("demo_leaf", kernel, null, null);
            ModinfoFixtures.copy(ModinfoFixtures.I686_SIGNED, kernel);
            String builtin = "unix.license=GPL\0unix.alias=net-pf-1\0unix.alias=net-pf-1-proto-0\0"
                    + "zswap.file=mm/zswap\0crc32c_generic.alias=crypto-crc32c\0crc32c_generic.alias=crc32c\0";
            Files.write(dir.resolve("modules.builtin.modinfo"), builtin.getBytes(StandardCharsets.UTF_8));
            Files.writeString(dir.resolve("modules.builtin"), "kernel/net/unix/unix.ko\nkernel/mm/zswap.ko\n"
                    + "kernel/crypto/crc32c_generic.ko\n");
            Files.writeString(dir.resolve("modules.order"), "");
            KmodTools.Run depmod = KmodTools.kmod("depmod", List.of("-b", base.toString(), RELEASE));
            assertEquals(0, depmod.status(), depmod.err());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(String sample, Path dir, String from, String to) throws IOException {
        byte[] b;
        try (InputStream in = ModprobeTree.class.getResourceAsStream("/org/modload/kernel/samples/x86_64/" + sample + ".ko")) {
            b = in.readAllBytes();
        }
        if (from != null) {
            byte[] f = from.getBytes(StandardCharsets.US_ASCII);
            byte[] t = to.getBytes(StandardCharsets.US_ASCII);
            if (f.length != t.length) {
                throw new IllegalArgumentException("same length only: " + from);
            }
            int at = indexOf(b, f);
            if (at < 0) {
                throw new IllegalArgumentException("'" + from + "' not in " + sample);
            }
            System.arraycopy(t, 0, b, at, t.length);
        }
        Files.write(dir.resolve(sample + ".ko"), b);
    }

    private static int indexOf(byte[] b, byte[] f) {
        outer:
        for (int i = 0; i + f.length <= b.length; i++) {
            for (int k = 0; k < f.length; k++) {
                if (b[i + k] != f[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
