package org.modload.loader.spi;

import java.util.Objects;

/**
 * A table entry a relocation needs: of which kind, holding what. The engine creates one entry
 * per kind and target (per value, for kinds that {@link EntryKind.Sharing#BY_VALUE share by value}),
 * counted before layout and checked "allocated == used" after relocation.
 *
 * @param kind the entry's kind, one of the architecture's {@link Architecture#entryKinds}
 * @param target what the entry holds the address of
 */
public record EntryNeed(EntryKind kind, EntryTarget target) implements Need, EntryTarget {

    public EntryNeed {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(target);
    }

    /** An entry of {@code kind} holding {@code target}. */
    public static EntryNeed of(EntryKind kind, EntryTarget target) {
        return new EntryNeed(kind, target);
    }
}
