package org.modload.arch.ia64;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.modload.loader.diag.RelocationException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.spi.FunctionDescriptor;
import org.modload.loader.spi.LinkageTables;
import org.modload.loader.spi.Placement;
import org.modload.loader.spi.RelocationSite;

/**
 * The GOT, {@code .opd} and PLTs of one ia64 load, filled while relocating as Linux's
 * {@code get_ltoff}, {@code get_fdesc} and {@code get_plt} fill them: GOT entries deduplicated
 * by value, descriptors by function, PLT entries by target ip. Every entry is claimed under the
 * key it was counted under, so that {@link #finish()} can check that what was allocated is
 * exactly what was used. One instance serves one load on one thread.
 */
final class Ia64Tables implements LinkageTables {
    private final ElfFile obj;
    private final Placement placement;
    private final PltTemplate template;
    private final long gp;
    private final boolean exact;
    private final Table got;
    private final Table opd;
    private final Table corePlt;
    private final Table initPlt;
    /** Descriptor contents by descriptor address, for the descriptors of our own .opd. */
    private final Map<Long, FunctionDescriptor> descriptors = new HashMap<>();

    /** One table: its memory, its address, what was counted for it and what was claimed. */
    private static final class Table {
        final String name;
        final long address;
        final ByteBuffer memory;
        final int entrySize;
        final Set<String> planned;
        final Set<String> claimed = new HashSet<>();
        final Map<Long, Integer> byValue = new HashMap<>();

        Table(String name, Placement p, int entrySize, Set<String> planned) {
            this.name = name;
            this.address = p.tableAddresses().getOrDefault(name, 0L);
            this.memory = p.tableMemory().getOrDefault(name, LinkageTables.empty());
            this.entrySize = entrySize;
            this.planned = Set.copyOf(planned);
        }

        int capacity() {
            return memory.capacity() / entrySize;
        }

        /** The entry for {@code value}, claimed under {@code key}; -1 - index when it is new. */
        int claim(String key, long value, RelocationSite site) {
            if (!planned.contains(key)) {
                throw new IllegalStateException(site.location().placeForm() + ": " + name + " entry for " + key
                        + " was not counted before layout");
            }
            claimed.add(key);
            Integer found = byValue.get(value);
            if (found != null) {
                return found;
            }
            int index = byValue.size();
            if (index >= capacity()) {
                throw new IllegalStateException(site.location().placeForm() + ": " + name + " is full ("
                        + capacity() + " entries)");
            }
            byValue.put(value, index);
            return -1 - index;
        }

        long entryAddress(int index) {
            return address + (long) index * entrySize;
        }
    }

    /**
     * @param needs what the object needs under {@code placement}
     * @param exact whether the tables were sized by exactly {@code needs} (the engine reached a
     *     fixed point); otherwise they were sized by the upper bound counted before layout
     */
    Ia64Tables(ElfFile obj, Placement placement, PltTemplate template, TableNeeds needs, boolean exact) {
        this.obj = obj;
        this.placement = placement;
        this.template = template;
        this.gp = TableNeeds.gp(placement);
        this.exact = exact;
        this.got = new Table(TableNeeds.GOT, placement, 8, needs.got);
        this.opd = new Table(TableNeeds.OPD, placement, 16, needs.opd);
        this.corePlt = new Table(TableNeeds.CORE_PLT, placement, template.size(), needs.corePlt);
        this.initPlt = new Table(TableNeeds.INIT_PLT, placement, template.size(), needs.initPlt);
    }

    long gp() {
        return gp;
    }

    Placement placement() {
        return placement;
    }

    /** Whether an internal target lies in an init section (Linux's in_init, by the layout's rule). */
    boolean inInitSection(Target t) {
        return TableNeeds.isInit(obj.section(t.section()).name());
    }

    boolean inInit(long address) {
        return Long.compareUnsigned(address - placement.initBase(), placement.initSize()) < 0;
    }

    /** Linux's get_ltoff: the gp-relative offset of the GOT entry holding {@code value}. */
    long ltoff(RelocationSite site, String key, long value) {
        int i = got.claim(key, value, site);
        if (i < 0) {
            i = -1 - i;
            got.memory.putLong(i * 8, value);
        }
        return got.entryAddress(i) - gp;
    }

    /**
     * Linux's get_fdesc: for a module function, the address of its descriptor {ip, gp} in our
     * {@code .opd}; any other value already is a descriptor's address and is returned as is.
     */
    long fdesc(RelocationSite site, String key, long value, boolean internal) {
        if (!internal || value == 0) {
            return value;
        }
        int i = opd.claim(key, value, site);
        if (i < 0) {
            i = -1 - i;
            opd.memory.putLong(i * 16, value);
            opd.memory.putLong(i * 16 + 8, gp);
            descriptors.put(opd.entryAddress(i), new FunctionDescriptor(value, gp));
        }
        return opd.entryAddress(i);
    }

    /**
     * Linux's get_plt: the address of a PLT entry, in the table of the place's region, that
     * loads the callee's gp and jumps to its entry, read from the descriptor at {@code value}.
     *
     * @param known the descriptor's contents as the resolver gave them, if it did
     * @throws RelocationException (INVALID) when the descriptor's contents are unknown
     */
    long plt(RelocationSite site, String typeName, String key, long value, Optional<FunctionDescriptor> known,
            boolean init) {
        FunctionDescriptor d = descriptors.get(value);
        if (d == null) {
            d = known.orElseThrow(() -> RelocationException.of(site.location(), RelocationException.Reason.INVALID,
                    typeName, site.symbolName(), OptionalLong.of(value), "a PLT entry needs the contents (ip, gp) of"
                            + " the function descriptor at 0x" + Long.toHexString(value)
                            + ", which the symbol resolver did not give"));
        }
        Table t = init ? initPlt : corePlt;
        int i = t.claim(key, d.ip(), site);
        if (i < 0) {
            i = -1 - i;
            if (!template.write(t.memory, i * template.size(), t.address, d.ip(), d.gp())) {
                throw RelocationException.of(site.location(), RelocationException.Reason.OUT_OF_RANGE, typeName,
                        site.symbolName(), OptionalLong.of(d.ip()), "PLT entry cannot reach 0x" + Long.toHexString(d.ip()));
            }
        }
        return t.entryAddress(i);
    }

    /** Registers the descriptor of a PLT entry made for an IPLT relocation. */
    long pltDescriptor(RelocationSite site, String key, long pltAddress) {
        return fdesc(site, key, pltAddress, true);
    }

    /**
     * Checks "allocated == used": each table has exactly one entry per key counted for it, and
     * every counted key was claimed by some relocation. (An entry stays empty only when two
     * counted keys turned out to have one value, e.g. two names of one kernel function: the
     * value is stored once, as Linux stores it.) When the engine kept the upper-bound plan
     * because refining did not settle, only "used within allocated" holds, and is what
     * {@link Table#claim} already checked.
     *
     * @throws IllegalStateException when they differ; a bug of the counting, never of the input
     */
    @Override
    public void finish() {
        if (!exact) {
            return;
        }
        for (Table t : new Table[] {got, opd, corePlt, initPlt}) {
            if (t.capacity() != t.planned.size() || !t.claimed.equals(t.planned)) {
                Set<String> unused = new HashSet<>(t.planned);
                unused.removeAll(t.claimed);
                throw new IllegalStateException(t.name + ": allocated " + t.capacity() + " entries for "
                        + t.planned.size() + " counted; not used: " + unused);
            }
        }
    }

    /** {@code __gp}, the module's global pointer. */
    @Override
    public Map<String, Long> symbols() {
        return Map.of("__gp", gp);
    }
}
