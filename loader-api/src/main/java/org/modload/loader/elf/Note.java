package org.modload.loader.elf;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One note of an SHT_NOTE section or PT_NOTE segment: the owner ({@code n_name} without its NUL),
 * {@code n_type} and a read-only view of the descriptor. Immutable.
 *
 * @param owner the note's name, e.g. {@code GNU}
 * @param type n_type, whose meaning depends on the owner and on whether the file is a core file
 * @param descriptor the n_descsz descriptor bytes, in the file's byte order
 * @param offset the file offset of the note's header
 */
public record Note(String owner, int type, ByteBuffer descriptor, long offset) {

    public Note {
        Objects.requireNonNull(owner, "owner");
        descriptor = descriptor.asReadOnlyBuffer().order(descriptor.order());
    }

    /** n_descsz. */
    public int descriptorSize() {
        return descriptor.remaining();
    }

    /** A fresh cursor over the descriptor. */
    @Override
    public ByteBuffer descriptor() {
        return descriptor.duplicate().order(descriptor.order());
    }

    /** The spec name of {@link #type()} for this owner in a file of {@code fileType}, or {@code unknown(N)}. */
    public String typeName(ElfType fileType) {
        return NoteTypes.name(owner, type, fileType);
    }
}
