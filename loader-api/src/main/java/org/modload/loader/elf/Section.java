package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * One section: its index, name, header and a read-only view of its bytes in the file (empty for
 * SHT_NOBITS and SHT_NULL). The view shares the file's buffer; nothing is copied. An
 * SHF_COMPRESSED section also carries its {@link CompressionHeader}: {@link #size()} and
 * {@link #alignment()} are then the logical (inflated) ones and {@link #bytes()} inflates.
 */
public final class Section {
    private final String file;
    private final int index;
    private final String name;
    private final SectionHeader header;
    private final ByteBuffer bytes;
    private final Optional<CompressionHeader> compression;

    Section(String file, int index, String name, SectionHeader header, ByteBuffer bytes,
            Optional<CompressionHeader> compression) {
        this.file = Objects.requireNonNull(file);
        this.index = index;
        this.name = Objects.requireNonNull(name);
        this.header = Objects.requireNonNull(header);
        this.bytes = bytes;
        this.compression = Objects.requireNonNull(compression);
    }

    public int index() {
        return index;
    }

    public String name() {
        return name;
    }

    public SectionHeader header() {
        return header;
    }

    public SectionType type() {
        return header.type();
    }

    /**
     * The section's logical size: sh_size (for SHT_NOBITS, the size in memory), or ch_size for an
     * SHF_COMPRESSED section. The size in the file is {@code header().size()}.
     */
    public long size() {
        // No Optional.map here: it boxes, and the parser asks once per relocation entry.
        return compression.isPresent() ? compression.get().size() : header.size();
    }

    /** The logical alignment: sh_addralign, or ch_addralign for an SHF_COMPRESSED section. */
    public long alignment() {
        return compression.isPresent() ? compression.get().addralign() : header.addralign();
    }

    /** Whether the section takes memory at run time (SHF_ALLOC). */
    public boolean isAllocated() {
        return header.has(SectionFlags.SHF_ALLOC);
    }

    /** The Elf_Chdr of an SHF_COMPRESSED section; empty otherwise. */
    public Optional<CompressionHeader> compression() {
        return compression;
    }

    /**
     * The section's contents as a fresh read-only buffer, position 0, in the file's byte order;
     * empty for SHT_NOBITS. For an uncompressed section it is a view of the file (each call an
     * independent cursor over the same memory); for an SHF_COMPRESSED one, each call inflates
     * the stream into a new buffer of {@link #size()} bytes.
     *
     * @throws org.modload.loader.diag.MalformedElfException (check COMPRESSION) when a
     *     compressed section's type is unknown or its stream is corrupt
     */
    public ByteBuffer bytes() {
        if (compression.isPresent()) {
            return Inflation.inflate(file, this, compression.get(), bytes);
        }
        return fileBytes();
    }

    /** A fresh read-only view of the section's bytes as stored in the file (compressed or not). */
    public ByteBuffer fileBytes() {
        return bytes.duplicate().order(bytes.order());
    }

    @Override
    public String toString() {
        return "[" + index + "] " + name;
    }
}
