package org.modload.kernel.image;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.modload.kernel.diag.KernelImageException;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.elf.Section;

/**
 * Reads the exports of a vmlinux from its export tables, as Linux 6.x lays them out with
 * CONFIG_HAVE_ARCH_PREL32_RELOCATIONS (every x86 kernel):
 * <ul>
 * <li>{@code __ksymtab}, {@code __ksymtab_gpl}: 12-byte {@code struct kernel_symbol} entries
 *     {@code int value_offset, name_offset, namespace_offset}, each relative to the address of
 *     its own field ({@code offset_to_ptr()}); a namespace_offset of 0 means no namespace;</li>
 * <li>{@code __ksymtab_strings}: the NUL-terminated names and namespaces they point at (an
 *     empty namespace string also means none);</li>
 * <li>{@code __kcrctab}, {@code __kcrctab_gpl} (CONFIG_MODVERSIONS): one u32 CRC per entry of
 *     the matching ksymtab, same index.</li>
 * </ul>
 * Addresses are computed from the sections' virtual addresses (sh_addr) with the kernel's own
 * wrap-around arithmetic, so per-CPU symbols of x86_64, linked at small addresses, come out right.
 *
 * @param exports every export, {@code __ksymtab} entries first, each table in image order
 * @param modversions whether the kernel carries CRC tables
 */
record ExportTable(List<KernelExport> exports, boolean modversions) {
    static final int ENTRY_SIZE = 12;
    static final String KSYMTAB = "__ksymtab";
    static final String KSYMTAB_GPL = "__ksymtab_gpl";
    static final String KCRCTAB = "__kcrctab";
    static final String KCRCTAB_GPL = "__kcrctab_gpl";
    static final String STRINGS = "__ksymtab_strings";

    ExportTable {
        exports = List.copyOf(exports);
    }

    /**
     * Reads the export tables of {@code vmlinux}.
     *
     * @param file the kernel image's display name, for messages
     * @throws KernelImageException (part VMLINUX) if the kernel is not x86, a table is missing or
     *     has a bad size, or an entry points outside {@code __ksymtab_strings}
     */
    static ExportTable read(String file, ElfFile vmlinux) {
        return new Reader(file, vmlinux).read();
    }

    /** One read of one vmlinux; not shared. */
    private static final class Reader {
        private final String file;
        private final ElfFile elf;
        private final long mask;
        private final List<KernelExport> out = new ArrayList<>();
        /** Name to "section+0xoffset" of the entry that exported it first, for the duplicate message. */
        private final Map<String, String> seen = new HashMap<>();
        private Section strings;
        private ByteBuffer stringBytes;

        Reader(String file, ElfFile elf) {
            this.file = file;
            this.elf = elf;
            this.mask = elf.elfClass() == ElfClass.ELFCLASS32 ? 0xffffffffL : -1L;
        }

        ExportTable read() {
            Machine m = elf.machine();
            if (!m.equals(Machine.EM_X86_64) && !m.equals(Machine.EM_386)) {
                throw KernelImageException.inVmlinux(file, "is for " + m + "; only x86 kernels (EM_386, EM_X86_64),"
                        + " whose export tables hold PREL32 entries, can be read");
            }
            Section ksymtab = elf.section(KSYMTAB).orElseThrow(() -> KernelImageException.inVmlinux(file,
                    "no " + KSYMTAB + " section: the kernel exports no symbols to modules"));
            Optional<Section> ksymtabGpl = elf.section(KSYMTAB_GPL);
            strings = elf.section(STRINGS).orElseThrow(() -> KernelImageException.inVmlinux(file,
                    "no " + STRINGS + " section: the names of the " + KSYMTAB + " entries cannot be read"));
            requireBytes(strings);
            stringBytes = strings.bytes();
            Optional<Section> kcrctab = elf.section(KCRCTAB);
            Optional<Section> kcrctabGpl = elf.section(KCRCTAB_GPL);
            boolean modversions = kcrctab.isPresent() || kcrctabGpl.isPresent();

            table(ksymtab, kcrctab, KCRCTAB, modversions, false);
            if (ksymtabGpl.isPresent()) {
                table(ksymtabGpl.get(), kcrctabGpl, KCRCTAB_GPL, modversions, true);
            }
            return new ExportTable(out, modversions);
        }

        private void table(Section ksymtab, Optional<Section> crcs, String crcName, boolean modversions, boolean gpl) {
            requireBytes(ksymtab);
            long size = ksymtab.size();
            if (size % ENTRY_SIZE != 0) {
                throw KernelImageException.inSection(file, ksymtab.index(), ksymtab.name(), size - size % ENTRY_SIZE, "sh_size "
                        + hex(size) + " is not a multiple of " + ENTRY_SIZE + ", the size of a PREL32 kernel_symbol");
            }
            int count = (int) (size / ENTRY_SIZE);
            ByteBuffer crcBytes = null;
            if (modversions && count > 0) {
                Section crc = crcs.orElseThrow(() -> KernelImageException.inVmlinux(file, "no " + crcName
                        + " section, though the kernel has CRC tables and " + ksymtab.name() + " holds " + count
                        + " entries"));
                requireBytes(crc);
                if (crc.size() != 4L * count) {
                    throw KernelImageException.inSection(file, crc.index(), crc.name(), 0, "sh_size " + hex(crc.size())
                            + " is not 4 * " + count + ", one CRC per " + ksymtab.name() + " entry");
                }
                crcBytes = crc.bytes();
            }
            ByteBuffer b = ksymtab.bytes();
            long base = ksymtab.header().addr();
            for (int i = 0; i < count; i++) {
                int at = i * ENTRY_SIZE;
                long value = (base + at + b.getInt(at)) & mask;
                String name = string(ksymtab, at + 4, "name_offset", b.getInt(at + 4));
                if (name.isEmpty()) {
                    throw KernelImageException.inSection(file, ksymtab.index(), ksymtab.name(), at + 4L, "name_offset "
                            + signedHex(b.getInt(at + 4)) + " (entry " + i + ") points at an empty name");
                }
                int nsOffset = b.getInt(at + 8);
                String namespace = nsOffset == 0 ? "" : string(ksymtab, at + 8, "namespace_offset", nsOffset);
                int crc = crcBytes == null ? 0 : crcBytes.getInt(4 * i);
                String place = ksymtab.name() + "+" + hex(at);
                String first = seen.putIfAbsent(name, place);
                if (first != null) {
                    throw KernelImageException.inSection(file, ksymtab.index(), ksymtab.name(), at + 4L, "'" + name
                            + "' is exported twice; first by " + first);
                }
                out.add(new KernelExport(name, value, crc, gpl, namespace));
            }
        }

        /** The string the PREL32 field at {@code at} of {@code table} points to, checked against the string section. */
        private String string(Section table, int at, String field, int offset) {
            long target = (table.header().addr() + at + offset) & mask;
            long start = strings.header().addr();
            long index = target - start;
            if (Long.compareUnsigned(index, strings.size()) >= 0) {
                throw KernelImageException.inSection(file, table.index(), table.name(), at, field + " " + signedHex(offset)
                        + " (entry " + at / ENTRY_SIZE + ") points at " + hex(target) + ", outside " + STRINGS
                        + " [" + hex(start) + ", " + hex(start + strings.size()) + ")");
            }
            int from = (int) index;
            int end = from;
            int limit = stringBytes.limit();
            while (end < limit && stringBytes.get(end) != 0) {
                end++;
            }
            if (end == limit) {
                throw KernelImageException.inSection(file, table.index(), table.name(), at, field + " " + signedHex(offset)
                        + " (entry " + at / ENTRY_SIZE + ") points at a string at " + hex(target)
                        + " that runs off the end of " + STRINGS + " without a NUL");
            }
            byte[] text = new byte[end - from];
            stringBytes.get(from, text);
            return new String(text, StandardCharsets.UTF_8);
        }

        private void requireBytes(Section s) {
            if (!s.header().hasFileBytes()) {
                throw KernelImageException.inSection(file, s.index(), s.name(), 0, "is " + s.type().specName(elf.machine())
                        + ", without the file bytes an export table needs");
            }
        }
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String signedHex(int v) {
        return v < 0 ? "-0x" + Integer.toHexString(-v) : "0x" + Integer.toHexString(v);
    }
}
