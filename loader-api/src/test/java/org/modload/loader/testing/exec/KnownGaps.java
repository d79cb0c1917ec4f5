package org.modload.loader.testing.exec;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cells of a matrix that miss their expectation today because the engine lacks something
 * (issue 9), each with what it lacks. The matrix asserts the list exactly: a listed cell must
 * still miss, an unlisted one must not. Immutable; built rule by rule.
 */
public final class KnownGaps {
    private final Map<CellId, String> cells;

    private KnownGaps(Map<CellId, String> cells) {
        this.cells = Map.copyOf(cells);
    }

    /** No gaps. */
    public static KnownGaps none() {
        return new KnownGaps(Map.of());
    }

    /** A builder of rules. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether {@code cell} is listed. */
    public boolean contains(CellId cell) {
        return cells.containsKey(cell);
    }

    /** What the engine lacks for {@code cell}, if listed. */
    public Optional<String> why(CellId cell) {
        return Optional.ofNullable(cells.get(cell));
    }

    /** Every listed cell. */
    public Set<CellId> cells() {
        return cells.keySet();
    }

    /** Builds a {@link KnownGaps} from rules; a cell named by several keeps the first rule's reason. */
    public static final class Builder {
        private final Map<CellId, String> cells = new LinkedHashMap<>();

        private Builder() {
        }

        /** Every program of {@code programs} × variant of {@code variants} × placement of {@code placements}. */
        public Builder add(String why, Collection<String> programs, Collection<Variant> variants, String... placements) {
            for (String p : programs) {
                for (Variant v : variants) {
                    for (String placement : List.of(placements)) {
                        cells.putIfAbsent(new CellId(p, v.name(), placement), why);
                    }
                }
            }
            return this;
        }

        public KnownGaps build() {
            return new KnownGaps(cells);
        }
    }
}
