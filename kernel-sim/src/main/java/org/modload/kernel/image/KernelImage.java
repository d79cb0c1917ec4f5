package org.modload.kernel.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.kernel.compress.Compression;
import org.modload.kernel.diag.KernelImageException;
import org.modload.loader.diag.MalformedElfException;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;

/**
 * What a module loader needs from a kernel image: the symbols the kernel exports, with their
 * addresses, CRCs, GPL-only flags and namespaces, the certificates module signatures are checked
 * against, and the kernel's section headers to place an address. Read from an x86
 * {@code vmlinuz}: the bzImage's payload, in whichever compression the kernel was built with
 * ({@link KernelPayload}), is decompressed to the vmlinux ELF, whose export tables (see
 * {@link ExportTable} for their layout) and certificate list ({@link SystemCertificates}) are
 * read. Immutable; the decompressed kernel is not kept ({@link KernelPayload#vmlinux} gives it
 * to readers that want more of it).
 */
public final class KernelImage {
    /** Larger than any bzImage; refused before reading so that a wrong path cannot exhaust the heap. */
    private static final long MAX_FILE_SIZE = 1L << 30;

    private final String name;
    private final Compression compression;
    private final Machine machine;
    private final ElfClass elfClass;
    private final List<KernelSection> sections;
    private final List<KernelExport> exports;
    private final Map<String, KernelExport> byName;
    private final boolean modversions;
    private final Optional<String> vermagic;
    private final OptionalLong structModuleSize;
    private final List<SystemCertificate> certificates;
    private final Map<String, Long> structModuleMembers;

    private KernelImage(String name, Compression compression, Machine machine, ElfClass elfClass,
            List<KernelSection> sections, ExportTable table, Optional<String> vermagic, OptionalLong structModuleSize,
            List<SystemCertificate> certificates, Map<String, Long> structModuleMembers) {
        this.compression = compression;
        this.structModuleMembers = Map.copyOf(structModuleMembers);
        this.vermagic = vermagic;
        this.certificates = List.copyOf(certificates);
        this.structModuleSize = structModuleSize;
        this.name = name;
        this.machine = machine;
        this.elfClass = elfClass;
        this.sections = List.copyOf(sections);
        this.exports = table.exports();
        Map<String, KernelExport> m = new HashMap<>(exports.size() * 2);
        for (KernelExport e : exports) {
            m.put(e.name(), e);
        }
        this.byName = Map.copyOf(m);
        this.modversions = table.modversions();
    }

    /**
     * Reads a {@code vmlinuz} file; messages name it by its file name.
     *
     * @throws KernelImageException if the file cannot be read or any layer of it is malformed
     */
    public static KernelImage read(Path vmlinuz) {
        Path fileName = vmlinuz.getFileName();
        String display = fileName == null ? vmlinuz.toString() : fileName.toString();
        byte[] bytes;
        try {
            long size = Files.size(vmlinuz);
            if (size > MAX_FILE_SIZE) {
                throw KernelImageException.inFile(display, "file size " + size + " is larger than any kernel image ("
                        + MAX_FILE_SIZE + " bytes at most)", null);
            }
            bytes = Files.readAllBytes(vmlinuz);
        } catch (NoSuchFileException e) {
            throw KernelImageException.inFile(display, "no such file: " + vmlinuz, e);
        } catch (IOException e) {
            throw KernelImageException.inFile(display, "cannot read " + vmlinuz + ": " + e, e);
        }
        return read(display, ByteBuffer.wrap(bytes));
    }

    /**
     * Reads a {@code vmlinuz} image held in memory.
     *
     * @param name the name messages give the image
     * @param bzImage the whole file between its position and limit; neither it nor its position is changed
     * @throws KernelImageException if the bzImage, its compressed payload or the vmlinux in it is malformed
     */
    public static KernelImage read(String name, ByteBuffer bzImage) {
        Objects.requireNonNull(name, "name");
        ByteBuffer image = bzImage.slice().order(ByteOrder.LITTLE_ENDIAN);
        KernelPayload payload = KernelPayload.locate(name, image);
        ByteBuffer vmlinux = payload.decompress(name, image);
        ElfFile elf;
        try {
            elf = ElfFile.parseAnyType(KernelImageException.vmlinuxName(name), vmlinux);
        } catch (MalformedElfException e) {
            throw KernelImageException.ofElf(name, e);
        }
        ExportTable table = ExportTable.read(name, elf);
        return new KernelImage(name, payload.compression(), elf.machine(), elf.elfClass(), sections(elf), table,
                KernelFacts.vermagic(elf), KernelFacts.structModuleSize(elf), SystemCertificates.find(name, elf),
                KernelFacts.structModuleMembers(elf));
    }

    private static List<KernelSection> sections(ElfFile elf) {
        return elf.sections().stream().skip(1)
                .map(s -> new KernelSection(s.name(), s.header().addr(), s.size(), s.header().flags()))
                .toList();
    }

    /** The kernel's vermagic string ({@code "6.1.0-50-amd64 SMP preempt mod_unload modversions "}), if found in .rodata. */
    public Optional<String> vermagic() {
        return vermagic;
    }

    /** {@code sizeof(struct module)} from the kernel's BTF, which every module's {@code .gnu.linkonce.this_module} must equal. */
    public OptionalLong structModuleSize() {
        return structModuleSize;
    }

    /**
     * The certificates of the kernel's {@code system_certificate_list} (its build-time module
     * signing key first), as DER; empty when the image holds none.
     */
    public List<SystemCertificate> certificates() {
        return certificates;
    }

    /** The compression of the image's payload ({@code CONFIG_KERNEL_ZSTD} on Debian 13, {@code XZ} on Debian 12). */
    public Compression compression() {
        return compression;
    }

    /**
     * Where {@code struct module} keeps {@code member} (its byte offset, from the kernel's BTF),
     * for reading a loaded module's {@code struct module} in the kernel's memory; empty without
     * BTF or such a member.
     */
    public OptionalLong structModuleOffset(String member) {
        Long off = structModuleMembers.get(member);
        return off == null ? OptionalLong.empty() : OptionalLong.of(off);
    }

    /** The name given at read time, usually the file name. */
    public String name() {
        return name;
    }

    /** The vmlinux's machine: EM_X86_64 or EM_386. */
    public Machine machine() {
        return machine;
    }

    public ElfClass elfClass() {
        return elfClass;
    }

    /** Every export: the {@code __ksymtab} entries, then the {@code __ksymtab_gpl} ones, each in image order. */
    public List<KernelExport> exports() {
        return exports;
    }

    /** The export called {@code symbol}, if the kernel exports it. */
    public Optional<KernelExport> export(String symbol) {
        return Optional.ofNullable(byName.get(symbol));
    }

    /** Whether the kernel carries modversions CRCs ({@code __kcrctab}); without them every CRC is 0. */
    public boolean modversions() {
        return modversions;
    }

    /** The vmlinux's section headers in index order, the null section 0 left out. */
    public List<KernelSection> sections() {
        return sections;
    }

    /** The first allocated section whose address range holds {@code address}. */
    public Optional<KernelSection> sectionAt(long address) {
        return sections.stream().filter(s -> s.allocated() && s.contains(address)).findFirst();
    }

    @Override
    public String toString() {
        return name + " (" + machine + ", " + exports.size() + " exports)";
    }
}
