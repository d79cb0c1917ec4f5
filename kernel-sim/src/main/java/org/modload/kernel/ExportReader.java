package org.modload.kernel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.spi.FunctionDescriptor;

/**
 * Reads a relocated module's exports as Linux 6.x's find_module_sections sees them:
 * {@code __ksymtab} and {@code __ksymtab_gpl} hold {@code struct kernel_symbol}, either
 * {@code { int value_offset, name_offset, namespace_offset; }} (PREL32, each relative to its own
 * field: x86) or absolute words {@code { unsigned long value; const char *name[, *namespace]; }}
 * (architectures without PREL32, such as ia64); the entry size is the section's size over its
 * {@code __ksymtab_NAME} symbols. Names and namespaces are strings in the image;
 * {@code __kcrctab}/{@code __kcrctab_gpl} hold one CRC per entry. On ia64 an exported function's
 * value is the address of its descriptor in the module's {@code .opd}, whose contents are read too.
 */
final class ExportReader {
    private static final int ENTRY = 12;

    private ExportReader() {
    }

    static List<KernelSymbol> exports(String file, String module, ElfFile obj, LoadedImage image, int addressBits) {
        List<KernelSymbol> out = new ArrayList<>();
        read(file, module, obj, image, addressBits, "__ksymtab", "__kcrctab", false, out);
        read(file, module, obj, image, addressBits, "__ksymtab_gpl", "__kcrctab_gpl", true, out);
        return out;
    }

    private static void read(String file, String module, ElfFile obj, LoadedImage image, int addressBits,
            String table, String crcTable, boolean gpl, List<KernelSymbol> out) {
        Optional<PlacedSection> ks = placed(image, table);
        if (ks.isEmpty() || ks.get().size() == 0) {
            return;
        }
        PlacedSection p = ks.get();
        ByteBuffer b = image.bytes(p);
        int word = addressBits / 8;
        int entry = entrySize(obj, p, word);
        Optional<PlacedSection> crcs = placed(image, crcTable);
        ByteBuffer crcBytes = crcs.map(image::bytes).orElse(null);
        int n = (int) (p.size() / entry);
        for (int i = 0; i < n; i++) {
            int at = i * entry;
            long value;
            long nameAt;
            long nsAt;
            if (entry == ENTRY) {
                value = p.address() + at + b.getInt(at);
                nameAt = p.address() + at + 4 + b.getInt(at + 4);
                int nsOffset = b.getInt(at + 8);
                nsAt = nsOffset == 0 ? 0 : p.address() + at + 8 + nsOffset;
            } else {
                value = word(b, at, word);
                nameAt = word(b, at + word, word);
                nsAt = entry >= 3 * word ? word(b, at + 2 * word, word) : 0;
            }
            String name = string(file, image, nameAt, table, at + 4);
            String ns = nsAt == 0 ? "" : string(file, image, nsAt, table, at + 8);
            OptionalLong crc = crcBytes != null && (i + 1) * 4 <= crcBytes.capacity()
                    ? OptionalLong.of(crcBytes.getInt(i * 4) & 0xffffffffL) : OptionalLong.empty();
            out.add(new KernelSymbol(name, value, crc, gpl, ns, module, descriptor(image, value, word)));
        }
    }

    /** 12 (PREL32) unless the section's {@code __ksymtab_NAME} symbols say its entries are absolute words. */
    private static int entrySize(ElfFile obj, PlacedSection p, int word) {
        long count = obj.symbols().stream()
                .filter(s -> s.isInSection() && s.shndx() == p.sectionIndex() && s.name().startsWith("__ksymtab_"))
                .count();
        if (count > 0 && p.size() % count == 0) {
            long size = p.size() / count;
            if (size == 2L * word || size == 3L * word) {
                return (int) size;
            }
        }
        return ENTRY;
    }

    private static long word(ByteBuffer b, int at, int word) {
        return word == 8 ? b.getLong(at) : b.getInt(at) & 0xffffffffL;
    }

    /** The {ip, gp} of a descriptor in the module's own {@code .opd}, when {@code value} points at one. */
    private static Optional<FunctionDescriptor> descriptor(LoadedImage image, long value, int word) {
        return image.plan().table(".opd").filter(t -> value - t.address() >= 0 && value - t.address() + 2L * word <= t.size())
                .map(t -> {
                    ByteBuffer b = image.bytes(t);
                    int off = (int) (value - t.address());
                    return new FunctionDescriptor(word(b, off, word), word(b, off + word, word));
                });
    }

    private static Optional<PlacedSection> placed(LoadedImage image, String name) {
        return image.plan().placed().stream().filter(x -> !x.isTable() && x.name().equals(name)).findFirst();
    }

    /** The NUL-terminated string at run-time address {@code address} of the image. */
    private static String string(String file, LoadedImage image, long address, String table, int field) {
        for (PlacedSection s : image.plan().placed()) {
            long off = address - s.address();
            if (off >= 0 && off < s.size()) {
                ByteBuffer b = image.bytes(s);
                int end = (int) off;
                while (end < b.capacity() && b.get(end) != 0) {
                    end++;
                }
                byte[] raw = new byte[end - (int) off];
                b.get((int) off, raw);
                return new String(raw, StandardCharsets.UTF_8);
            }
        }
        throw new KernelException(Errno.ENOEXEC, LoadPhase.EXPORTS, file, String.format(
                "%s:(%s+0x%x): export string at 0x%x lies outside the module", file, table, field, address));
    }
}
