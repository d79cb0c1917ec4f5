package org.modload.loader.link;

import java.util.List;

/**
 * The tables one link places, in layout order. Immutable.
 *
 * @param tables the tables, one per entry kind of the architecture (possibly empty)
 */
public record TablePlan(List<TableRequest> tables) {

    /** The plan of a link that builds no tables. */
    public static final TablePlan NONE = new TablePlan(List.of());

    public TablePlan {
        tables = List.copyOf(tables);
    }
}
