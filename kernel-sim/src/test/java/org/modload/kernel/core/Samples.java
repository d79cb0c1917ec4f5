package org.modload.kernel.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** The bundled sample modules (kernel-sim/src/main/samples, built by gcc). */
final class Samples {
    private Samples() {
    }

    static ByteBuffer bytes(String arch, String name) {
        String resource = "/org/modload/kernel/samples/" + arch + "/" + name + ".ko";
        try (InputStream in = Samples.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource);
            }
            return ByteBuffer.wrap(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ByteBuffer x86_64(String name) {
        return bytes("x86_64", name);
    }

    /** A copy with the first occurrence of {@code from} replaced by {@code to} (same length). */
    static ByteBuffer patched(ByteBuffer original, String from, String to) {
        if (from.length() != to.length()) {
            throw new IllegalArgumentException("same length only");
        }
        byte[] b = new byte[original.remaining()];
        original.duplicate().get(b);
        byte[] f = from.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + f.length <= b.length; i++) {
            for (int k = 0; k < f.length; k++) {
                if (b[i + k] != f[k]) {
                    continue outer;
                }
            }
            System.arraycopy(to.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, b, i, f.length);
            return ByteBuffer.wrap(b);
        }
        throw new IllegalArgumentException("'" + from + "' not found");
    }
}
