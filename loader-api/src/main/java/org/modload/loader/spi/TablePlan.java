package org.modload.loader.spi;

import java.util.List;

/**
 * What an architecture counted before layout: the tables to place. Immutable. Architectures that
 * need private counting results keep them in their own implementation of
 * {@link LinkageTables}, built from the plan once addresses are known.
 *
 * @param tables the tables to place, in the order they should be laid out
 */
public record TablePlan(List<TableRequest> tables) {

    /** The plan of an architecture that builds no tables. */
    public static final TablePlan NONE = new TablePlan(List.of());

    public TablePlan {
        tables = List.copyOf(tables);
    }
}
