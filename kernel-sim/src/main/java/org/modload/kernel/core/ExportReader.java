package org.modload.kernel.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.kernel.diag.MalformedModuleException;
import org.modload.kernel.model.KernelSymbol;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.spi.KernelSupport;
import org.modload.loader.spi.ModuleMemory;

/**
 * Reads a relocated module's exports as Linux 6.x's find_module_sections sees them:
 * {@code __ksymtab} and {@code __ksymtab_gpl} hold {@code struct kernel_symbol}, either
 * {@code { int value_offset, name_offset, namespace_offset; }} (PREL32, each relative to its own
 * field) or absolute words {@code { unsigned long value; const char *name[, *namespace]; }}
 * (architectures without PREL32 relocations); the entry size is the section's size over its
 * {@code __ksymtab_NAME} symbols. Names and namespaces are strings in the image;
 * {@code __kcrctab}/{@code __kcrctab_gpl} hold one CRC per entry. Where the architecture's
 * function symbols are descriptors, its kernel support reads the descriptor an export's value
 * points at.
 */
final class ExportReader {
    private static final int PREL32_ENTRY = 12;

    private final String file;
    private final String module;
    private final ElfFile obj;
    private final ModuleMemory memory;
    private final KernelSupport support;
    private final int word;

    ExportReader(String file, String module, ElfFile obj, ModuleMemory memory, KernelSupport support, int addressBits) {
        this.file = file;
        this.module = module;
        this.obj = obj;
        this.memory = memory;
        this.support = support;
        this.word = addressBits / 8;
    }

    /**
     * The exports, {@code __ksymtab}'s then {@code __ksymtab_gpl}'s.
     *
     * @throws MalformedModuleException when a name or namespace points outside the module
     */
    List<KernelSymbol> exports() {
        List<KernelSymbol> out = new ArrayList<>();
        read("__ksymtab", "__kcrctab", false, out);
        read("__ksymtab_gpl", "__kcrctab_gpl", true, out);
        return out;
    }

    private void read(String table, String crcTable, boolean gpl, List<KernelSymbol> out) {
        Optional<ModuleMemory.Piece> ks = section(table);
        if (ks.isEmpty() || ks.get().size() == 0) {
            return;
        }
        ModuleMemory.Piece p = ks.get();
        ByteBuffer b = p.bytes();
        int entry = entrySize(p);
        ByteBuffer crcBytes = section(crcTable).map(ModuleMemory.Piece::bytes).orElse(null);
        int n = (int) (p.size() / entry);
        for (int i = 0; i < n; i++) {
            int at = i * entry;
            long value;
            long nameAt;
            long nsAt;
            if (entry == PREL32_ENTRY) {
                value = p.address() + at + b.getInt(at);
                nameAt = p.address() + at + 4 + b.getInt(at + 4);
                int nsOffset = b.getInt(at + 8);
                nsAt = nsOffset == 0 ? 0 : p.address() + at + 8 + nsOffset;
            } else {
                value = word(b, at);
                nameAt = word(b, at + word);
                nsAt = entry >= 3 * word ? word(b, at + 2 * word) : 0;
            }
            String name = string(nameAt, p, at + 4);
            String ns = nsAt == 0 ? "" : string(nsAt, p, at + 8);
            OptionalLong crc = crcBytes != null && (i + 1) * 4 <= crcBytes.capacity()
                    ? OptionalLong.of(crcBytes.getInt(i * 4) & 0xffffffffL) : OptionalLong.empty();
            out.add(new KernelSymbol(name, value, crc, gpl, ns, module, support.functionDescriptor(memory, value)));
        }
    }

    /** 12 (PREL32) unless the section's {@code __ksymtab_NAME} symbols say its entries are absolute words. */
    private int entrySize(ModuleMemory.Piece p) {
        long count = obj.symbols().stream()
                .filter(s -> s.isInSection() && s.shndx() == p.sectionIndex() && s.name().startsWith("__ksymtab_"))
                .count();
        if (count > 0 && p.size() % count == 0) {
            long size = p.size() / count;
            if (size == 2L * word || size == 3L * word) {
                return (int) size;
            }
        }
        return PREL32_ENTRY;
    }

    private long word(ByteBuffer b, int at) {
        return word == 8 ? b.getLong(at) : b.getInt(at) & 0xffffffffL;
    }

    private Optional<ModuleMemory.Piece> section(String name) {
        return memory.pieces().stream().filter(x -> !x.isTable() && x.name().equals(name)).findFirst();
    }

    /** The NUL-terminated string at run-time address {@code address} of the image. */
    private String string(long address, ModuleMemory.Piece table, int field) {
        for (ModuleMemory.Piece s : memory.pieces()) {
            long off = address - s.address();
            if (off >= 0 && off < s.size()) {
                ByteBuffer b = s.bytes();
                int end = (int) off;
                while (end < b.capacity() && b.get(end) != 0) {
                    end++;
                }
                byte[] raw = new byte[end - (int) off];
                b.get((int) off, raw);
                return new String(raw, StandardCharsets.UTF_8);
            }
        }
        throw MalformedModuleException.inExports(file, table.sectionIndex(), table.name(), field,
                String.format("export string at 0x%x lies outside the module", address));
    }
}
