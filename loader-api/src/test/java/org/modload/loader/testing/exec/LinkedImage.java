package org.modload.loader.testing.exec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A linked image as the execution oracle sees it, whoever linked it: the pieces to map (each an
 * input section or a table the linker made), the entry point, and where each input section went
 * (for the site checks, which work from the input objects). Immutable.
 *
 * @param pieces every piece to map, in address order
 * @param entry the address of {@code main}
 * @param sections the address of every placed input section, by object and section index
 */
public record LinkedImage(List<Piece> pieces, long entry, Map<SectionRef, Long> sections) {
    public LinkedImage {
        pieces = pieces.stream().sorted(Comparator.comparingLong(Piece::address)).toList();
        sections = Map.copyOf(sections);
    }

    /** An input section: the index of its object in the link and its section header index. */
    public record SectionRef(int object, int section) {
    }

    /** How a piece is mapped. */
    public enum Protection {
        R("r"), RW("rw"), RX("rx"), RWX("rwx");

        private final String letters;

        Protection(String letters) {
            this.letters = letters;
        }

        /** The letters of runimage's manifest. */
        public String letters() {
            return letters;
        }

        public boolean executable() {
            return letters.contains("x");
        }

        /** The protection of an allocated section with these {@code SHF_WRITE} / {@code SHF_EXECINSTR} bits. */
        public static Protection of(boolean write, boolean exec) {
            return exec ? (write ? RWX : RX) : (write ? RW : R);
        }
    }

    /** One piece: a name for messages, its address and its bytes (zeros for SHT_NOBITS). */
    public static final class Piece {
        private final String name;
        private final long address;
        private final byte[] bytes;
        private final Protection protection;

        public Piece(String name, long address, byte[] bytes, Protection protection) {
            this.name = name;
            this.address = address;
            this.bytes = bytes.clone();
            this.protection = protection;
        }

        public String name() {
            return name;
        }

        public long address() {
            return address;
        }

        public int size() {
            return bytes.length;
        }

        public Protection protection() {
            return protection;
        }

        /** A copy of the bytes. */
        public byte[] bytes() {
            return bytes.clone();
        }

        /** Whether {@code a} lies inside this piece. */
        public boolean contains(long a) {
            return a - address >= 0 && a - address < bytes.length;
        }

        byte byteAt(long a) {
            return bytes[Math.toIntExact(a - address)];
        }

        Piece withByte(long a, byte value) {
            byte[] copy = bytes.clone();
            copy[Math.toIntExact(a - address)] = value;
            return new Piece(name, address, copy, protection);
        }

        @Override
        public String toString() {
            return String.format("%s@0x%x+0x%x(%s)", name, address, bytes.length, protection.letters());
        }
    }

    /** The piece holding address {@code a}. */
    public Optional<Piece> pieceAt(long a) {
        return pieces.stream().filter(p -> p.contains(a)).findFirst();
    }

    /** The little-endian word of {@code size} bytes at {@code a}, or empty when it is not all inside one piece. */
    public OptionalLong word(long a, int size) {
        Optional<Piece> p = pieceAt(a);
        if (p.isEmpty() || !p.get().contains(a + size - 1)) {
            return OptionalLong.empty();
        }
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = (v << 8) | (p.get().byteAt(a + i) & 0xff);
        }
        return OptionalLong.of(v);
    }

    /** {@code n} bytes from {@code a}, or empty when they are not all inside one piece. */
    public Optional<byte[]> bytes(long a, int n) {
        Optional<Piece> p = pieceAt(a);
        if (p.isEmpty() || !p.get().contains(a + n - 1)) {
            return Optional.empty();
        }
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = p.get().byteAt(a + i);
        }
        return Optional.of(b);
    }

    /** This image with one byte replaced: for showing that the checks catch a corrupted image. */
    public LinkedImage withByte(long a, byte value) {
        List<Piece> copy = new ArrayList<>();
        boolean found = false;
        for (Piece p : pieces) {
            if (p.contains(a)) {
                copy.add(p.withByte(a, value));
                found = true;
            } else {
                copy.add(p);
            }
        }
        if (!found) {
            throw new IllegalArgumentException(String.format("0x%x is in no piece", a));
        }
        return new LinkedImage(copy, entry, sections);
    }

    /** The address of section {@code section} of object {@code object}, if placed. */
    public OptionalLong sectionAddress(int object, int section) {
        Long a = sections.get(new SectionRef(object, section));
        return a == null ? OptionalLong.empty() : OptionalLong.of(a);
    }
}
