package org.modload.loader.link;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of one link: the plan, the relocated bytes of every placed section and table (as
 * read-only views), the resolved symbols, the symbols the tables define ({@code __gp},
 * {@code _GLOBAL_OFFSET_TABLE_}) and the global symbols the objects define. Immutable.
 */
public final class LoadedImage {
    private final LoadPlan plan;
    private final Map<Long, ByteBuffer> sections;
    private final Map<String, ByteBuffer> tables;
    private final ResolvedSymbols symbols;
    private final List<DefinedSymbol> defined;

    LoadedImage(LoadPlan plan, Map<Long, ByteBuffer> sections, Map<String, ByteBuffer> tables, ResolvedSymbols symbols,
            List<DefinedSymbol> defined) {
        this.plan = plan;
        this.sections = Map.copyOf(sections);
        this.tables = Map.copyOf(tables);
        this.symbols = symbols;
        this.defined = List.copyOf(defined);
    }

    private LoadedImage(LoadedImage image) {
        this.plan = image.plan.withoutObjects();
        this.sections = image.sections;
        this.tables = image.tables;
        this.symbols = image.symbols;
        this.defined = image.defined;
    }

    /**
     * What a loader keeps of this image once the link is done: the same bytes, placements and
     * symbols, but a plan whose {@link LoadPlan#objects()} is empty, so that the objects' section
     * models and decoded symbol tables can be collected (a kernel keeps a module's memory, not its
     * ELF file). Changes nothing; the result cannot be relocated again.
     */
    public LoadedImage retained() {
        return plan.objects().isEmpty() ? this : new LoadedImage(this);
    }

    static long key(int object, int index) {
        return ((long) object << 32) | (index & 0xffffffffL);
    }

    public LoadPlan plan() {
        return plan;
    }

    public ResolvedSymbols symbols() {
        return symbols;
    }

    /** The symbols the link defined from its tables, by name (ia64's {@code __gp}, x86's {@code _GLOBAL_OFFSET_TABLE_}). */
    public Map<String, Long> archSymbols() {
        return plan.linkSymbols();
    }

    /** The global and weak symbols the objects define (the definition each name binds to), in link order. */
    public List<DefinedSymbol> definedSymbols() {
        return defined;
    }

    /** The defined symbol called {@code name}, if the link defines it. */
    public Optional<DefinedSymbol> definedSymbol(String name) {
        return defined.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** The relocated bytes of placed section {@code index} of the first (or only) object (zeros for SHT_NOBITS). */
    public Optional<ByteBuffer> sectionBytes(int index) {
        return sectionBytes(0, index);
    }

    /** The relocated bytes of placed section {@code index} of object {@code object}. */
    public Optional<ByteBuffer> sectionBytes(int object, int index) {
        return view(sections.get(key(object, index)));
    }

    /** The bytes of the table called {@code name}. */
    public Optional<ByteBuffer> tableBytes(String name) {
        return view(tables.get(name));
    }

    private static Optional<ByteBuffer> view(ByteBuffer b) {
        return b == null ? Optional.empty() : Optional.of(b.asReadOnlyBuffer().order(b.order()));
    }

    /** The bytes of a placed piece, section or table. */
    public ByteBuffer bytes(PlacedSection p) {
        return (p.isTable() ? tableBytes(p.name()) : sectionBytes(p.object(), p.sectionIndex())).orElseThrow();
    }
}
