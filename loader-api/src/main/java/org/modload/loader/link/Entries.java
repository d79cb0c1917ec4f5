package org.modload.loader.link;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.modload.loader.spi.EntryKind;
import org.modload.loader.spi.EntryNeed;
import org.modload.loader.spi.EntrySlot;
import org.modload.loader.spi.EntryTarget;
import org.modload.loader.spi.FunctionDescriptor;
import org.modload.loader.spi.RelocationSite;

/**
 * The tables of one link while relocating: creates each entry the first time a relocation
 * needs it (entries it holds first), under the key it was counted under, and checks at the end
 * that what was allocated was used. One instance serves one link on one thread.
 */
final class Entries {
    private final Map<EntryKind, Table> tables = new LinkedHashMap<>();
    /** Contents of the descriptor entries made so far, by address. */
    private final Map<Long, FunctionDescriptor> descriptors = new HashMap<>();
    private final OptionalLong got;
    private final OptionalLong gp;
    private final boolean exact;

    /** One table: its memory and address, the keys counted for it and those claimed. */
    private static final class Table {
        final EntryKind kind;
        final long address;
        final ByteBuffer memory;
        final Set<EntryKey> planned;
        final Set<EntryKey> claimed = new HashSet<>();
        final Map<EntryKey, Integer> byKey = new HashMap<>();
        final Map<Long, Integer> byValue = new HashMap<>();
        int used;

        Table(EntryKind kind, long address, ByteBuffer memory, Set<EntryKey> planned) {
            this.kind = kind;
            this.address = address;
            this.memory = memory;
            this.planned = planned;
        }

        int capacity() {
            return memory.capacity() / kind.size();
        }
    }

    /** What the symbol of the site being applied resolved to. */
    record Symbol(long s, long a, Optional<FunctionDescriptor> descriptor) {
    }

    /**
     * @param planned the keys the applied rule's answers must come from (the final layout's count)
     * @param exact whether the tables were sized by exactly {@code planned}; otherwise by an upper
     *     bound, and only "used within allocated" is checked
     */
    Entries(TableCount planned, Map<String, Long> addresses, Map<String, ByteBuffer> memory, OptionalLong got,
            OptionalLong gp, boolean exact) {
        for (EntryKind k : planned.kinds()) {
            tables.put(k, new Table(k, addresses.get(k.table()), memory.get(k.table()), planned.keys(k)));
        }
        this.got = got;
        this.gp = gp;
        this.exact = exact;
    }

    /**
     * The address of the entry {@code need} names for {@code site}, created (and written) if it
     * is the first use.
     *
     * @throws IllegalStateException when the rule asks for an entry it did not count (a plugin
     *     whose rule depends on more than its arguments), or a table is full
     * @throws org.modload.loader.diag.RelocationException from the entry's writer
     */
    long address(EntryNeed need, RelocationSite site, Symbol symbol) {
        return create(need, EntryKey.of(need, site.referent(), symbol.a()), site, symbol).address;
    }

    private record Made(long address, Optional<FunctionDescriptor> descriptor) {
    }

    private Made create(EntryNeed need, EntryKey key, RelocationSite site, Symbol symbol) {
        Table t = tables.get(need.kind());
        if (t == null || !t.planned.contains(key)) {
            throw new IllegalStateException(site.location().placeForm() + ": " + need.kind() + " entry for " + key
                    + " was not counted before layout");
        }
        t.claimed.add(key);
        Integer slot = t.byKey.get(key);
        if (slot != null) {
            long a = t.address + (long) slot * t.kind.size();
            return new Made(a, Optional.ofNullable(descriptors.get(a)));
        }
        long target;
        Optional<FunctionDescriptor> targetDescriptor;
        if (need.target() instanceof EntryNeed inner) {
            Made m = create(inner, (EntryKey) key.target(), site, symbol);
            target = m.address;
            targetDescriptor = m.descriptor;
        } else {
            boolean withAddend = ((EntryTarget.Symbol) need.target()).withAddend();
            target = symbol.s() + (withAddend ? symbol.a() : 0);
            FunctionDescriptor own = descriptors.get(target);
            targetDescriptor = own != null ? Optional.of(own)
                    : (!withAddend || symbol.a() == 0 ? symbol.descriptor() : Optional.empty());
        }
        if (t.kind.sharing() == EntryKind.Sharing.BY_VALUE) {
            Integer shared = t.byValue.get(target);
            if (shared != null) {
                t.byKey.put(key, shared);
                long a = t.address + (long) shared * t.kind.size();
                return new Made(a, Optional.ofNullable(descriptors.get(a)));
            }
        }
        int index = t.used;
        if (index >= t.capacity()) {
            throw new IllegalStateException(site.location().placeForm() + ": " + t.kind + " is full (" + t.capacity()
                    + " entries)");
        }
        long address = t.address + (long) index * t.kind.size();
        Optional<FunctionDescriptor> is = t.kind.writer().write(new EntrySlot(t.memory, index * t.kind.size(), address,
                target, targetDescriptor, got, gp, site));
        t.used++;
        t.byKey.put(key, index);
        t.byValue.putIfAbsent(target, index);
        is.ifPresent(d -> descriptors.put(address, d));
        return new Made(address, is);
    }

    /**
     * Checks "allocated == used": each table has exactly one entry per key counted for it and
     * every counted key was claimed. (An entry stays empty only where two keys of a
     * {@link EntryKind.Sharing#BY_VALUE} kind held one value, e.g. two names of one kernel
     * function, stored once as Linux stores it.) When the tables were sized by an upper bound,
     * used within allocated is what {@link #address} already checked.
     *
     * @throws IllegalStateException when they differ: a bug of the architecture's rule, never of the input
     */
    void finish() {
        if (!exact) {
            return;
        }
        for (Table t : tables.values()) {
            if (t.capacity() != t.planned.size() || !t.claimed.equals(t.planned)) {
                Set<EntryKey> unused = new HashSet<>(t.planned);
                unused.removeAll(t.claimed);
                throw new IllegalStateException(t.kind + ": allocated " + t.capacity() + " entries for "
                        + t.planned.size() + " counted; not used: " + unused);
            }
        }
    }
}
