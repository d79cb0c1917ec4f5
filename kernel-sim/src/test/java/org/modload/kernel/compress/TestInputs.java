package org.modload.kernel.compress;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Inputs for the decompression tests: real ELF objects (the bundled gcc-built sample modules and
 * Debian's signed modules of the modinfo fixtures), repeated with a running counter between the
 * copies until the requested size, so that block formats (lzop's 256 KiB, LZ4's 8 MiB blocks)
 * need several blocks.
 */
public final class TestInputs {
    private static final List<String> RESOURCES = List.of("/org/modload/kernel/samples/x86_64/hello.ko",
            "/org/modload/kernel/samples/x86_64/demo_core.ko", "/org/modload/kernel/samples/i386/demo_user.ko",
            "/org/modload/kernel/modinfo/hangcheck-timer.ko", "/org/modload/kernel/modinfo/efi-pstore.ko");

    private TestInputs() {
    }

    /** Real module bytes, repeated to exactly {@code size} bytes. */
    public static byte[] elfBytes(int size) {
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        for (String r : RESOURCES) {
            one.writeBytes(resource(r));
        }
        byte[] unit = one.toByteArray();
        byte[] out = new byte[size];
        int at = 0;
        for (int copy = 0; at < size; copy++) {
            int n = Math.min(unit.length, size - at);
            System.arraycopy(unit, 0, out, at, n);
            at += n;
            for (int k = 0; k < 4 && at < size; k++) {
                out[at++] = (byte) (copy >>> (8 * k));
            }
        }
        return out;
    }

    /** A bundled resource's bytes. */
    public static byte[] resource(String name) {
        try (InputStream in = TestInputs.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
