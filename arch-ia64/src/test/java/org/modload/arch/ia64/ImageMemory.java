package org.modload.arch.ia64;

import java.nio.ByteBuffer;
import java.util.Optional;

import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;

/** The relocated image read by run-time address, as a decoder following pointers sees it. */
final class ImageMemory {
    private final LoadedImage image;

    ImageMemory(LoadedImage image) {
        this.image = image;
    }

    /** The placed piece (section or table) holding {@code size} bytes at {@code address}. */
    Optional<PlacedSection> pieceAt(long address, long size) {
        for (PlacedSection p : image.plan().placed()) {
            if (Long.compareUnsigned(address - p.address(), p.size()) < 0
                    && Long.compareUnsigned(address - p.address() + size, p.size()) <= 0) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code address} lies inside the table called {@code name}. */
    boolean inTable(String name, long address, long size) {
        return pieceAt(address, size).filter(p -> p.isTable() && p.name().equals(name)).isPresent();
    }

    long read8(long address) {
        PlacedSection p = pieceAt(address, 8).orElseThrow(() -> new AssertionError(
                "no placed piece holds 0x" + Long.toHexString(address)));
        return image.bytes(p).getLong((int) (address - p.address()));
    }

    /** The 16 bytes of the bundle at {@code address} (16-aligned), as a buffer indexed from 0. */
    ByteBuffer bundle(long address) {
        PlacedSection p = pieceAt(address, 16).orElseThrow(() -> new AssertionError(
                "no placed piece holds the bundle at 0x" + Long.toHexString(address)));
        ByteBuffer all = image.bytes(p);
        ByteBuffer b = ByteBuffer.allocate(16).order(all.order());
        for (int i = 0; i < 16; i++) {
            b.put(i, all.get((int) (address - p.address()) + i));
        }
        return b;
    }

    long slot(long place) {
        return Bundles.slot(bundle(place & ~0xfL), 0, (int) (place & 3));
    }

    /** A PLT entry's target ip and gp, decoded with {@code template}. */
    long[] pltEntry(PltTemplate template, long address) {
        PlacedSection p = pieceAt(address, template.size()).orElseThrow();
        ByteBuffer all = image.bytes(p);
        int at = (int) (address - p.address());
        return new long[] {template.target(all, at, p.address()), template.gp(all, at)};
    }
}
