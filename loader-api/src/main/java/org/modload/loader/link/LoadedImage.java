package org.modload.loader.link;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;

/**
 * The result of one link: the plan, the relocated bytes of every placed section and table (as
 * read-only views), the resolved symbols and any addresses the architecture defined (ia64's
 * {@code __gp}). Immutable.
 */
public final class LoadedImage {
    private final LoadPlan plan;
    private final Map<Integer, ByteBuffer> sections;
    private final Map<String, ByteBuffer> tables;
    private final ResolvedSymbols symbols;
    private final Map<String, Long> archSymbols;

    LoadedImage(LoadPlan plan, Map<Integer, ByteBuffer> sections, Map<String, ByteBuffer> tables,
            ResolvedSymbols symbols, Map<String, Long> archSymbols) {
        this.plan = plan;
        this.sections = Map.copyOf(sections);
        this.tables = Map.copyOf(tables);
        this.symbols = symbols;
        this.archSymbols = Map.copyOf(archSymbols);
    }

    public LoadPlan plan() {
        return plan;
    }

    public ResolvedSymbols symbols() {
        return symbols;
    }

    /** Addresses the architecture defined for the image, by name. */
    public Map<String, Long> archSymbols() {
        return archSymbols;
    }

    /** The relocated bytes of placed section {@code index} (zeros for SHT_NOBITS). */
    public Optional<ByteBuffer> sectionBytes(int index) {
        ByteBuffer b = sections.get(index);
        return b == null ? Optional.empty() : Optional.of(b.asReadOnlyBuffer().order(b.order()));
    }

    /** The bytes of the table called {@code name}. */
    public Optional<ByteBuffer> tableBytes(String name) {
        ByteBuffer b = tables.get(name);
        return b == null ? Optional.empty() : Optional.of(b.asReadOnlyBuffer().order(b.order()));
    }

    /** The bytes of a placed piece, section or table. */
    public ByteBuffer bytes(PlacedSection p) {
        return (p.isTable() ? tableBytes(p.name()) : sectionBytes(p.sectionIndex())).orElseThrow();
    }
}
