package org.modload.kernel.depmod;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;

/**
 * A module's {@code .modinfo} as libkmod reads it for depmod ({@code kmod_elf_get_strings} and
 * {@code kmod_module_get_info}): leading NUL padding skipped, then strings separated by runs of
 * NULs, the last one ended by the section's end if it lacks its NUL; each split at its first
 * {@code =} (a string without one is a key with an empty value). Never fails, as depmod never
 * fails on a module's modinfo.
 */
public final class ModinfoStrings {

    /** One {@code key=value} string. */
    public record Entry(String key, String value) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    private ModinfoStrings() {
    }

    /** The entries of the module's first {@code .modinfo} section; none without one. */
    public static List<Entry> read(ElfFile module) {
        Optional<Section> s = module.section(".modinfo");
        if (s.isEmpty()) {
            return List.of();
        }
        ByteBuffer b = s.get().fileBytes();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return parse(bytes);
    }

    /** The entries of {@code .modinfo} bytes. */
    static List<Entry> parse(byte[] bytes) {
        int start = 0;
        int size = bytes.length;
        while (size - start > 1 && bytes[start] == 0) {
            start++;
        }
        if (size - start <= 1) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        int i = start;
        while (i < size) {
            int from = i;
            while (i < size && bytes[i] != 0) {
                i++;
            }
            out.add(entry(new String(bytes, from, i - from, StandardCharsets.UTF_8)));
            while (i < size && bytes[i] == 0) {
                i++;
            }
        }
        return out;
    }

    private static Entry entry(String text) {
        int eq = text.indexOf('=');
        return eq < 0 ? new Entry(text, "") : new Entry(text.substring(0, eq), text.substring(eq + 1));
    }
}
