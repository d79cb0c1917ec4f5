package org.modload.loader.link;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.modload.loader.spi.EntryKind;
import org.modload.loader.spi.EntryNeed;
import org.modload.loader.spi.Referent;

/**
 * The entries one link needs, per kind, as sets of {@link EntryKey}s counted with the
 * architecture's rule under one {@link Knowledge}. Two counts are equal when they name the
 * same entries; the tables are sized by the number of keys. Immutable once built.
 */
final class TableCount {
    private final List<EntryKind> kinds;
    private final Map<EntryKind, Set<EntryKey>> keys;

    TableCount(List<EntryKind> kinds) {
        this.kinds = List.copyOf(kinds);
        this.keys = new LinkedHashMap<>();
        kinds.forEach(k -> keys.put(k, new LinkedHashSet<>()));
    }

    /** Adds {@code need} (and the entries it holds) for a site whose symbol denotes {@code r} with addend {@code a}. */
    void add(EntryNeed need, Referent r, long a) {
        Set<EntryKey> set = keys.get(need.kind());
        if (set == null) {
            throw new IllegalStateException("the table rule named entry kind " + need.kind()
                    + ", which is not one of the architecture's entry kinds " + kinds);
        }
        set.add(EntryKey.of(need, r, a));
        if (need.target() instanceof EntryNeed inner) {
            add(inner, r, a);
        }
    }

    /** The keys counted for {@code kind}. */
    Set<EntryKey> keys(EntryKind kind) {
        return keys.get(kind);
    }

    List<EntryKind> kinds() {
        return kinds;
    }

    boolean isEmpty() {
        return keys.values().stream().allMatch(Set::isEmpty);
    }

    /** The tables to place: one per kind, sized by its keys. */
    TablePlan plan() {
        List<TableRequest> out = new ArrayList<>();
        for (EntryKind k : kinds) {
            out.add(new TableRequest(k.table(), (long) keys.get(k).size() * k.size(), k.alignment(), k.executable(),
                    k.init()));
        }
        return new TablePlan(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableCount c && c.keys.equals(keys);
    }

    @Override
    public int hashCode() {
        return keys.hashCode();
    }

}
