package org.modload.kernel.diag;

import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

import org.modload.loader.diag.Location;
import org.modload.loader.diag.MalformedElfException;

/**
 * A kernel image could not be read: the file, its bzImage setup header, its compressed payload or the
 * vmlinux inside it is malformed. Carries where ({@link #location()}: file, section, offset,
 * plus the {@link #part()} the offset counts in) and what ({@link #detail()}), and builds its
 * one-line message once, e.g.
 * {@code vmlinuz-6.1.0-50-amd64: offset 0x202: not an x86 bzImage: setup header magic is 00 00 00 00, expected "HdrS"}
 * or, inside the decompressed kernel, lld-style
 * {@code vmlinuz-6.1.0-50-amd64(vmlinux):(__ksymtab+0x1c): name_offset ... }, where the
 * location's file is the vmlinux named like an archive member.
 */
public final class KernelImageException extends KernelInputException {

    private static final long serialVersionUID = 1L;

    /** The layer of the image a problem is in; it decides what {@link #offset()} counts from. */
    public enum Part {
        /** The file itself (cannot be read, too large); no offset. */
        FILE,
        /** The bzImage boot sector and setup header; the offset is a file offset. */
        BZIMAGE,
        /** The compressed kernel (any CONFIG_KERNEL_* compression); the offset is the file offset where the payload starts. */
        PAYLOAD,
        /** The decompressed vmlinux ELF; the offset, if any, is inside {@link #section()}. */
        VMLINUX
    }

    private final String file;
    private final Part part;

    private KernelImageException(String file, Part part, Location location, String detail, String message,
            Throwable cause) {
        super(location, detail, message, cause);
        this.file = Objects.requireNonNull(file, "file");
        this.part = Objects.requireNonNull(part, "part");
    }

    private static Location at(String file, long offset) {
        return new Location(file, OptionalInt.empty(), "", OptionalLong.of(offset));
    }

    /** A problem with the file as a whole: {@code file: detail}. */
    public static KernelImageException inFile(String file, String detail, Throwable cause) {
        return new KernelImageException(file, Part.FILE, Location.ofFile(file), detail, file + ": " + detail, cause);
    }

    /** A problem at a file offset of the bzImage: {@code file: offset 0x248: detail}. */
    public static KernelImageException inBzImage(String file, long offset, String detail) {
        return new KernelImageException(file, Part.BZIMAGE, at(file, offset), detail,
                file + ": offset " + hex(offset) + ": " + detail, null);
    }

    /**
     * A problem decompressing the payload that starts at {@code payloadOffset}:
     * {@code file: zstd payload at offset 0x52cc: detail}.
     *
     * @param format the payload's compression as its tool names it ({@code xz}, {@code zstd}...)
     */
    public static KernelImageException inPayload(String file, String format, long payloadOffset, String detail,
            Throwable cause) {
        return new KernelImageException(file, Part.PAYLOAD, at(file, payloadOffset), detail,
                file + ": " + format + " payload at offset " + hex(payloadOffset) + ": " + detail, cause);
    }

    /** A problem in the vmlinux as a whole: {@code file(vmlinux): detail}. */
    public static KernelImageException inVmlinux(String file, String detail) {
        return new KernelImageException(file, Part.VMLINUX, Location.ofFile(vmlinuxName(file)), detail,
                vmlinuxName(file) + ": " + detail, null);
    }

    /**
     * A problem at a place in a vmlinux section, lld-style: {@code file(vmlinux):(__ksymtab+0x1c): detail}.
     *
     * @param index the section's header index
     */
    public static KernelImageException inSection(String file, int index, String section, long offset, String detail) {
        Location where = Location.ofPlace(vmlinuxName(file), index, section, offset);
        return new KernelImageException(file, Part.VMLINUX, where, detail, where.placeForm() + ": " + detail, null);
    }

    /** The ELF parser refused the vmlinux; its message already names {@code file(vmlinux)} and the section. */
    public static KernelImageException ofElf(String file, MalformedElfException e) {
        return new KernelImageException(file, Part.VMLINUX, e.location(), e.detail(), e.getMessage(), e);
    }

    /** The name the vmlinux inside {@code file} goes by in messages, like an archive member: {@code vmlinuz(vmlinux)}. */
    public static String vmlinuxName(String file) {
        return file + "(vmlinux)";
    }

    /** The display name of the kernel image file. */
    public String file() {
        return file;
    }

    /** Which layer of the image is malformed. */
    public Part part() {
        return part;
    }

    /** The vmlinux section involved, or the empty string. */
    public String section() {
        return location().sectionName();
    }

    /** The offset of the problem; what it counts from depends on {@link #part()}. */
    public OptionalLong offset() {
        return location().offset();
    }
}
