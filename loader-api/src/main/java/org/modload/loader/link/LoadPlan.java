package org.modload.loader.link;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.modload.loader.spi.TablePlan;

/**
 * Where everything of one object goes: every placed section and table, in address order, and
 * the bounds of the core and init regions. Immutable.
 */
public record LoadPlan(List<PlacedSection> placed, TablePlan tables, long coreBase, long coreSize,
        long initBase, long initSize) {

    public LoadPlan {
        placed = List.copyOf(placed);
    }

    /** The placement of section {@code index}, if it is allocated. */
    public Optional<PlacedSection> section(int index) {
        return placed.stream().filter(p -> p.sectionIndex() == index).findFirst();
    }

    /** The placement of the table called {@code name}. */
    public Optional<PlacedSection> table(String name) {
        return placed.stream().filter(p -> p.isTable() && p.name().equals(name)).findFirst();
    }

    /** Section index to address, for every placed section of the object. */
    public Map<Integer, Long> sectionAddresses() {
        return placed.stream().filter(p -> !p.isTable())
                .collect(Collectors.toUnmodifiableMap(PlacedSection::sectionIndex, PlacedSection::address));
    }

    /** Table name to placement. */
    public Map<String, PlacedSection> tablePlacements() {
        return placed.stream().filter(PlacedSection::isTable)
                .collect(Collectors.toUnmodifiableMap(PlacedSection::name, Function.identity()));
    }
}
