package org.modload.kernel.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.tukaani.xz.XZInputStream;

/**
 * A module file's bytes as the kernel sees them: an xz-compressed module ({@code .ko.xz}, found
 * by its magic) decompressed, as in-kernel module decompression hands {@code load_module} the
 * image; any other file as it is. TODO(#13): issue 13's reader, which knows every compression
 * kmod does, replaces this.
 */
final class ModuleBytes {
    private static final byte[] XZ_MAGIC = {(byte) 0xfd, '7', 'z', 'X', 'Z', 0};

    private ModuleBytes() {
    }

    /**
     * Reads {@code file}, decompressing it when it is xz.
     *
     * @throws IOException when it cannot be read or its xz stream is corrupt
     */
    static byte[] read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (!startsWith(bytes, XZ_MAGIC)) {
            return bytes;
        }
        try (InputStream in = new XZInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IOException("xz-compressed module cannot be decompressed: " + e.getMessage(), e);
        }
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
