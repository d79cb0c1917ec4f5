package org.modload.kernel.image;

import java.util.Objects;
import java.util.OptionalLong;

import org.modload.loader.diag.MalformedElfException;

/**
 * A kernel image could not be read: the file, its bzImage setup header, its xz payload or the
 * vmlinux inside it is malformed. Carries where (file, part, section, offset) and what
 * ({@link #detail()}), and builds its one-line message once, e.g.
 * {@code vmlinuz-6.1.0-50-amd64: offset 0x202: not an x86 bzImage: setup header magic is 00 00 00 00, expected "HdrS"}
 * or, inside the decompressed kernel, lld-style
 * {@code vmlinuz-6.1.0-50-amd64(vmlinux):(__ksymtab+0x1c): name_offset ... }.
 * Like the loader's exceptions it records no stack trace: the message is the whole report.
 */
public final class KernelImageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The layer of the image a problem is in; it decides what {@link #offset()} counts from. */
    public enum Part {
        /** The file itself (cannot be read, too large); no offset. */
        FILE,
        /** The bzImage boot sector and setup header; the offset is a file offset. */
        BZIMAGE,
        /** The xz-compressed kernel; the offset is the file offset where the payload starts. */
        XZ_PAYLOAD,
        /** The decompressed vmlinux ELF; the offset, if any, is inside {@link #section()}. */
        VMLINUX
    }

    private final String file;
    private final Part part;
    private final String section;
    private final boolean hasOffset;
    private final long offset;
    private final String detail;

    private KernelImageException(String file, Part part, String section, boolean hasOffset, long offset,
            String detail, String message, Throwable cause) {
        super(message, cause, false, false);
        this.file = Objects.requireNonNull(file, "file");
        this.part = Objects.requireNonNull(part, "part");
        this.section = Objects.requireNonNull(section, "section");
        this.hasOffset = hasOffset;
        this.offset = offset;
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    /** A problem with the file as a whole: {@code file: detail}. */
    static KernelImageException inFile(String file, String detail, Throwable cause) {
        return new KernelImageException(file, Part.FILE, "", false, 0, detail, file + ": " + detail, cause);
    }

    /** A problem at a file offset of the bzImage: {@code file: offset 0x248: detail}. */
    static KernelImageException inBzImage(String file, long offset, String detail) {
        return new KernelImageException(file, Part.BZIMAGE, "", true, offset, detail,
                file + ": offset " + hex(offset) + ": " + detail, null);
    }

    /** A problem decompressing the payload that starts at {@code payloadOffset}. */
    static KernelImageException inPayload(String file, long payloadOffset, String detail, Throwable cause) {
        return new KernelImageException(file, Part.XZ_PAYLOAD, "", true, payloadOffset, detail,
                file + ": xz payload at offset " + hex(payloadOffset) + ": " + detail, cause);
    }

    /** A problem in the vmlinux as a whole: {@code file(vmlinux): detail}. */
    static KernelImageException inVmlinux(String file, String detail) {
        return new KernelImageException(file, Part.VMLINUX, "", false, 0, detail,
                vmlinuxName(file) + ": " + detail, null);
    }

    /** A problem at a place in a vmlinux section, lld-style: {@code file(vmlinux):(__ksymtab+0x1c): detail}. */
    static KernelImageException inSection(String file, String section, long offset, String detail) {
        return new KernelImageException(file, Part.VMLINUX, section, true, offset, detail,
                vmlinuxName(file) + ":(" + section + "+" + hex(offset) + "): " + detail, null);
    }

    /** The ELF parser refused the vmlinux; its message already names {@code file(vmlinux)} and the section. */
    static KernelImageException ofElf(String file, MalformedElfException e) {
        return new KernelImageException(file, Part.VMLINUX, e.location().sectionName(), false, 0, e.detail(),
                e.getMessage(), e);
    }

    /** The name the vmlinux inside {@code file} goes by in messages, like an archive member: {@code vmlinuz(vmlinux)}. */
    static String vmlinuxName(String file) {
        return file + "(vmlinux)";
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
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
        return section;
    }

    /** The offset of the problem; what it counts from depends on {@link #part()}. */
    public OptionalLong offset() {
        return hasOffset ? OptionalLong.of(offset) : OptionalLong.empty();
    }

    /** The message without its location. */
    public String detail() {
        return detail;
    }
}
