package org.modload.loader.reloc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * An architecture's relocation types indexed by r_type, for the lookup made once per relocation
 * entry: constant time and no allocation. Immutable.
 *
 * @param <T> the architecture's relocation enum
 */
public final class RelocationTable<T extends RelocationType> {
    private final List<Optional<T>> byNumber;

    private RelocationTable(List<Optional<T>> byNumber) {
        this.byNumber = byNumber;
    }

    /** The table of {@code types} (an enum's {@code values()}); numbers must be distinct and small. */
    @SafeVarargs
    public static <T extends RelocationType> RelocationTable<T> of(T... types) {
        int max = -1;
        for (T t : types) {
            if (t.number() < 0 || t.number() > 0xffff) {
                throw new IllegalArgumentException(t.name() + ": r_type " + t.number() + " out of table range");
            }
            max = Math.max(max, t.number());
        }
        List<Optional<T>> list = new ArrayList<>(Collections.nCopies(max + 1, Optional.empty()));
        for (T t : types) {
            if (list.get(t.number()).isPresent()) {
                throw new IllegalArgumentException("r_type " + t.number() + " twice: " + t.name());
            }
            list.set(t.number(), Optional.of(t));
        }
        return new RelocationTable<>(List.copyOf(list));
    }

    /**
     * The type numbered {@code rType} as the SPI's {@code relocationType} returns it: the same
     * instance on every call, so that the per-relocation lookup allocates nothing. (Optional is
     * immutable, so viewing an {@code Optional<T>} as an {@code Optional<RelocationType>} is safe.)
     */
    @SuppressWarnings("unchecked")
    public Optional<RelocationType> row(int rType) {
        return (Optional<RelocationType>) (Optional<? extends RelocationType>) find(rType);
    }

    /** The type numbered {@code rType}, if there is one. */
    public Optional<T> find(int rType) {
        return rType >= 0 && rType < byNumber.size() ? byNumber.get(rType) : Optional.empty();
    }
}
