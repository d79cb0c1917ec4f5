package org.modload.loader.link;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.spi.Profile;

/**
 * Where everything of one link goes: every placed section and table, in address order, the
 * bounds of the core and init regions, and the symbols the tables define. Made by
 * {@link LinkEngine#plan}; it also carries what the engine decided while planning (the
 * entries counted, what was known of addresses) so that relocation applies the same
 * decisions. Immutable.
 */
public final class LoadPlan {
    private final Binding binding;
    private final Profile profile;
    private final List<PlacedSection> placed;
    private final List<PlacedSection> detached;
    private final List<ReservedRange> reserved;
    private final TablePlan tables;
    private final long coreBase;
    private final long coreSize;
    private final long initBase;
    private final long initSize;
    private final TableCount count;
    private final boolean exact;
    private final Knowledge knowledge;

    LoadPlan(Binding binding, Profile profile, Layouter.Laid laid, TablePlan tables, TableCount count, boolean exact,
            Knowledge knowledge) {
        this.binding = binding;
        this.profile = profile;
        this.placed = List.copyOf(laid.placed());
        this.detached = laid.detached();
        this.reserved = laid.reserved();
        this.tables = tables;
        this.coreBase = laid.coreBase();
        this.coreSize = laid.coreSize();
        this.initBase = laid.initBase();
        this.initSize = laid.initSize();
        this.count = count;
        this.exact = exact;
        this.knowledge = knowledge;
    }

    /** A copy of {@code p} without its objects, for {@link LoadedImage#retained()}. */
    private LoadPlan(LoadPlan p) {
        this.binding = null;
        this.profile = p.profile;
        this.placed = p.placed;
        this.detached = p.detached;
        this.reserved = p.reserved;
        this.tables = p.tables;
        this.coreBase = p.coreBase;
        this.coreSize = p.coreSize;
        this.initBase = p.initBase;
        this.initSize = p.initSize;
        this.count = p.count;
        this.exact = p.exact;
        this.knowledge = p.knowledge;
    }

    /** This plan without the objects it was made from (their sections, symbol tables and bindings). */
    LoadPlan withoutObjects() {
        return binding == null ? this : new LoadPlan(this);
    }

    /** Every placed piece, sections and tables, in address order. */
    public List<PlacedSection> placed() {
        return placed;
    }

    /**
     * The sections the policy put outside the image ({@link LayoutPolicy.Linux#detached()}), in
     * section order: their symbols have these addresses, their bytes are not part of the image.
     */
    public List<PlacedSection> detached() {
        return detached;
    }

    /** Where the policy's reservations went, in the order asked, core's first. */
    public List<ReservedRange> reserved() {
        return reserved;
    }

    /** The reservation called {@code name}, if the policy asked for one. */
    public Optional<ReservedRange> reserved(String name) {
        return reserved.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** The tables placed (one per entry kind; empty when the architecture builds none in the profile). */
    public TablePlan tables() {
        return tables;
    }

    /** First address of the core region. */
    public long coreBase() {
        return coreBase;
    }

    /** Size of the core region, its reservations included (a multiple of the page size for Linux layouts). */
    public long coreSize() {
        return coreSize;
    }

    /** First address of the init region. */
    public long initBase() {
        return initBase;
    }

    /** Size of the init region, its reservations included. */
    public long initSize() {
        return initSize;
    }

    /** The objects of the link, in link order; empty in a {@linkplain LoadedImage#retained() retained} image's plan. */
    public List<ElfFile> objects() {
        return binding == null ? List.of() : binding.objects();
    }

    /** The profile the plan was made for. */
    public Profile profile() {
        return profile;
    }

    /** The symbols the architecture's tables define (e.g. {@code _GLOBAL_OFFSET_TABLE_}, {@code __gp}). */
    public Map<String, Long> linkSymbols() {
        return knowledge.linkSymbols();
    }

    /**
     * Whether the tables are sized exactly for the final layout (the engine reached a fixed
     * point), rather than by the upper bound counted before layout.
     */
    public boolean exactTables() {
        return exact;
    }

    /** The placement of section {@code index} of the first (or only) object, if it is placed. */
    public Optional<PlacedSection> section(int index) {
        return section(0, index);
    }

    /** The placement of section {@code index} of object {@code object}, if it is placed. */
    public Optional<PlacedSection> section(int object, int index) {
        return placed.stream().filter(p -> !p.isTable() && p.object() == object && p.sectionIndex() == index)
                .findFirst();
    }

    /** The address of section {@code index} of object {@code object}, if it is placed. */
    public OptionalLong sectionAddress(int object, int index) {
        return knowledge.sectionAddress(object, index);
    }

    /** The placement of the table called {@code name}. */
    public Optional<PlacedSection> table(String name) {
        return placed.stream().filter(p -> p.isTable() && p.name().equals(name)).findFirst();
    }

    /** Section index to address, for every placed section of the first (or only) object. */
    public Map<Integer, Long> sectionAddresses() {
        return placed.stream().filter(p -> !p.isTable() && p.object() == 0)
                .collect(Collectors.toUnmodifiableMap(PlacedSection::sectionIndex, PlacedSection::address));
    }

    /** Table name to placement. */
    public Map<String, PlacedSection> tablePlacements() {
        return placed.stream().filter(PlacedSection::isTable)
                .collect(Collectors.toUnmodifiableMap(PlacedSection::name, Function.identity()));
    }

    Binding binding() {
        if (binding == null) {
            throw new IllegalStateException("the plan of a retained image has no objects to link");
        }
        return binding;
    }

    TableCount count() {
        return count;
    }

    Knowledge knowledge() {
        return knowledge;
    }
}
