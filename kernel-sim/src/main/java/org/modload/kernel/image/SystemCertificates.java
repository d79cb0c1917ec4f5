package org.modload.kernel.image;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.modload.kernel.diag.KernelImageException;
import org.modload.loader.diag.Location;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;

/**
 * Finds the certificates compiled into a vmlinux, laid out by Linux's
 * {@code certs/system_certificates.S}:
 *
 * <pre>
 *     __INITRODATA
 *     .align 8
 * system_certificate_list:         signing_key.x509, then x509_certificate_list: DER certificates back to back
 *     .align 8
 * system_certificate_list_size:    .quad (64-bit) / .long (32-bit): the list's length in bytes
 * module_cert_size:                the first certificate's length
 * </pre>
 *
 * The symbols are only in kallsyms (Debian's vmlinux has no symbol table), so the list is found
 * by that layout: at an 8-aligned address, a run of certificates, each starting as
 * {@code x509_load_certificate_list()} requires (a SEQUENCE {@code 30 82} with a two-byte length,
 * so more than 256 bytes), followed at the next 8-aligned address by a size word equal to the
 * run's length. {@code __INITRODATA} is {@code .init.rodata}, which x86's linker script places
 * in {@code .init.data}; those two are searched first, then every other allocated section with
 * file bytes. The first list found is the one; a kernel built with
 * {@code CONFIG_SYSTEM_EXTRA_CERTIFICATE} (reserved space between the list and its size) is not
 * recognised. Stateless.
 */
public final class SystemCertificates {
    private static final List<String> INIT_RODATA = List.of(".init.data", ".init.rodata");
    /** x509_load_certificate_list: a SEQUENCE with a two-byte length. */
    private static final int SEQUENCE = 0x30;
    private static final int LENGTH_2 = 0x82;
    private static final int HEADER = 4;
    private static final int ALIGN = 8;

    private SystemCertificates() {
    }

    /**
     * The certificates of {@code vmlinux}'s {@code system_certificate_list}, in list order; empty
     * when no list is found (a kernel without {@code CONFIG_MODULE_SIG} or system keyring).
     * Reads the section bytes; changes nothing.
     *
     * @param file the kernel image's display name; locations name {@code file(vmlinux)}
     */
    public static List<SystemCertificate> find(String file, ElfFile vmlinux) {
        int width = vmlinux.elfClass() == ElfClass.ELFCLASS64 ? 8 : 4;
        List<Section> order = new ArrayList<>();
        for (String name : INIT_RODATA) {
            vmlinux.section(name).filter(SystemCertificates::searchable).ifPresent(order::add);
        }
        for (Section s : vmlinux.sections()) {
            if (searchable(s) && !INIT_RODATA.contains(s.name())) {
                order.add(s);
            }
        }
        for (Section s : order) {
            Optional<List<SystemCertificate>> found = search(file, s, width);
            if (found.isPresent()) {
                return found.get();
            }
        }
        return List.of();
    }

    private static boolean searchable(Section s) {
        return s.isAllocated() && s.header().hasFileBytes() && s.compression().isEmpty() && s.size() >= HEADER;
    }

    private static Optional<List<SystemCertificate>> search(String file, Section s, int width) {
        ByteBuffer b = s.bytes();
        long addr = s.header().addr();
        int n = b.limit();
        // The first 8-aligned offset by address; sections may start anywhere.
        int first = (int) Math.floorMod(-addr, (long) ALIGN);
        for (int start = first; start + HEADER <= n; start += ALIGN) {
            if (!certificateAt(b, start)) {
                continue;
            }
            int end = start;
            while (end + HEADER <= n && certificateAt(b, end)) {
                end += certificateLength(b, end);
                int sizeAt = end + (int) Math.floorMod(-(addr + end), (long) ALIGN);
                if (end <= n && sizeAt + width <= n && word(b, sizeAt, width) == end - start) {
                    return Optional.of(split(file, s, b, start, end));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean certificateAt(ByteBuffer b, int at) {
        return (b.get(at) & 0xff) == SEQUENCE && (b.get(at + 1) & 0xff) == LENGTH_2;
    }

    private static int certificateLength(ByteBuffer b, int at) {
        return HEADER + ((b.get(at + 2) & 0xff) << 8 | (b.get(at + 3) & 0xff));
    }

    private static long word(ByteBuffer b, int at, int width) {
        return width == 8 ? b.getLong(at) : b.getInt(at) & 0xffffffffL;
    }

    private static List<SystemCertificate> split(String file, Section s, ByteBuffer b, int start, int end) {
        List<SystemCertificate> out = new ArrayList<>();
        String vmlinux = KernelImageException.vmlinuxName(file);
        for (int at = start; at < end; at += certificateLength(b, at)) {
            byte[] der = new byte[certificateLength(b, at)];
            b.get(at, der);
            out.add(new SystemCertificate(Location.ofPlace(vmlinux, s.index(), s.name(), at), s.header().addr() + at,
                    der));
        }
        return List.copyOf(out);
    }
}
