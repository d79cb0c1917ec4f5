package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Decodes ElfN_Dyn entries: from the start of a dynamic section or segment up to and including
 * the first DT_NULL, as readelf lists them (a trailing partial entry is not an entry). The list
 * grows with the entries actually present, so no count from the file sizes an allocation.
 */
final class DynamicEntries {
    private DynamicEntries() {
    }

    static List<DynamicEntry> read(ByteBuffer b, ElfClass c) {
        boolean is64 = c == ElfClass.ELFCLASS64;
        int size = is64 ? 16 : 8;
        List<DynamicEntry> out = new ArrayList<>();
        for (int p = 0; p + size <= b.limit(); p += size) {
            long tag = is64 ? b.getLong(p) : b.getInt(p);
            long value = is64 ? b.getLong(p + 8) : b.getInt(p + 4) & 0xffffffffL;
            out.add(new DynamicEntry(new DynamicTag(tag), value));
            if (tag == 0) {
                break;
            }
        }
        return List.copyOf(out);
    }

    /** The value of the last entry with {@code tag}, if any: glibc's {@code elf_get_dynamic_info} keeps the last one. */
    static OptionalLong value(List<DynamicEntry> entries, DynamicTag tag) {
        OptionalLong v = OptionalLong.empty();
        for (DynamicEntry e : entries) {
            if (e.tag().equals(tag)) {
                v = OptionalLong.of(e.value());
            }
        }
        return v;
    }
}
