package org.modload.kernel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;

/**
 * Reads a relocated module's exports as Linux 6.x's find_module_sections sees them:
 * {@code __ksymtab} and {@code __ksymtab_gpl} hold {@code struct kernel_symbol { int
 * value_offset, name_offset, namespace_offset; }} (PREL32: each relative to its own field), the
 * names and namespaces are strings in the image, {@code __kcrctab}/{@code __kcrctab_gpl} hold
 * one CRC per entry.
 */
final class ExportReader {
    private static final int ENTRY = 12;

    private ExportReader() {
    }

    static List<KernelSymbol> exports(String file, String module, LoadedImage image) {
        List<KernelSymbol> out = new ArrayList<>();
        read(file, module, image, "__ksymtab", "__kcrctab", false, out);
        read(file, module, image, "__ksymtab_gpl", "__kcrctab_gpl", true, out);
        return out;
    }

    private static void read(String file, String module, LoadedImage image, String table, String crcTable,
            boolean gpl, List<KernelSymbol> out) {
        Optional<PlacedSection> ks = placed(image, table);
        if (ks.isEmpty()) {
            return;
        }
        PlacedSection p = ks.get();
        ByteBuffer b = image.bytes(p);
        Optional<PlacedSection> crcs = placed(image, crcTable);
        ByteBuffer crcBytes = crcs.map(image::bytes).orElse(null);
        int n = (int) (p.size() / ENTRY);
        for (int i = 0; i < n; i++) {
            int at = i * ENTRY;
            long value = p.address() + at + b.getInt(at);
            long nameAt = p.address() + at + 4 + b.getInt(at + 4);
            int nsOffset = b.getInt(at + 8);
            String name = string(file, image, nameAt, table, at + 4);
            String ns = nsOffset == 0 ? "" : string(file, image, p.address() + at + 8 + nsOffset, table, at + 8);
            OptionalLong crc = crcBytes != null && (i + 1) * 4 <= crcBytes.capacity()
                    ? OptionalLong.of(crcBytes.getInt(i * 4) & 0xffffffffL) : OptionalLong.empty();
            out.add(new KernelSymbol(name, value, crc, gpl, ns, module));
        }
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
