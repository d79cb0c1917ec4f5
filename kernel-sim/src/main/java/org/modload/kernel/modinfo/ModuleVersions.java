package org.modload.kernel.modinfo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.SectionType;

/**
 * A module's {@code __versions} section: {@code struct modversion_info { unsigned long crc;
 * char name[64 - sizeof(unsigned long)]; }}, one per symbol the module was built against, the
 * CRC its exporter had. Read once for the kernel's modversions check and for depmod.
 *
 * @param entries the whole entries in section order (a trailing partial entry is not one)
 * @param ragged whether the section's size is not a multiple of {@link #ENTRY_SIZE} (kmod then
 *     ignores the section; the kernel reads the whole entries)
 */
public record ModuleVersions(List<Entry> entries, boolean ragged) {
    /** sizeof(struct modversion_info) on every architecture. */
    public static final int ENTRY_SIZE = 64;
    /** The section's name. */
    public static final String SECTION = "__versions";

    /** One entry: the symbol and the CRC (the low 32 bits of the unsigned long). */
    public record Entry(String name, long crc) {
    }

    public ModuleVersions {
        entries = List.copyOf(entries);
    }

    /** The module's {@code __versions}; no entries when it has none (or only SHT_NOBITS). */
    public static ModuleVersions read(ElfFile module) {
        Optional<Section> s = module.section(SECTION);
        if (s.isEmpty() || s.get().type().equals(SectionType.SHT_NOBITS)) {
            return new ModuleVersions(List.of(), false);
        }
        int word = module.elfClass().equals(ElfClass.ELFCLASS64) ? 8 : 4;
        ByteBuffer b = s.get().bytes().order(module.data().order());
        List<Entry> out = new ArrayList<>();
        for (int at = 0; at + ENTRY_SIZE <= b.remaining(); at += ENTRY_SIZE) {
            long crc = (word == 8 ? b.getLong(at) : b.getInt(at)) & 0xffffffffL;
            int end = at + word;
            while (end < at + ENTRY_SIZE && b.get(end) != 0) {
                end++;
            }
            byte[] raw = new byte[end - at - word];
            b.get(at + word, raw);
            out.add(new Entry(new String(raw, StandardCharsets.UTF_8), crc));
        }
        return new ModuleVersions(out, b.remaining() % ENTRY_SIZE != 0);
    }

    /** The names, in section order. */
    public List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }

    /** Name to CRC, the first entry of a name winning (as the kernel's linear search finds it). */
    public Map<String, Long> crcs() {
        Map<String, Long> m = new LinkedHashMap<>();
        entries.forEach(e -> m.putIfAbsent(e.name(), e.crc()));
        return m;
    }
}
