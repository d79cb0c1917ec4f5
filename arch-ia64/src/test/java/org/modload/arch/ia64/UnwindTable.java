package org.modload.arch.ia64;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What Linux's {@code register_unwind_table()} registers for a module once it is relocated: the
 * entries of {@code .IA_64.unwind} ({start, end, info}, made absolute by their SEGREL64LSB
 * relocations, since a module's segment base is 0), sorted by start and split into the core
 * segment and the init segment, each registered with the module's gp. Registering them is the
 * kernel's part (Linux's {@code module_finalize}); the image exposes all it needs (the relocated
 * unwind sections, {@code __gp}, the core and init regions), and this test-side reference shows
 * it, computed from the relocated image without changing it. Immutable.
 *
 * @param core the entries whose start lies outside init, sorted by start
 * @param init the entries whose start lies in init, sorted by start
 * @param gp the gp both segments are registered with
 */
record UnwindTable(List<Entry> core, List<Entry> init, long gp) {

    /** One unwind table entry, with absolute addresses. */
    record Entry(long start, long end, long info) {
    }

    UnwindTable {
        core = List.copyOf(core);
        init = List.copyOf(init);
    }

    /**
     * Reads the relocated unwind sections and splits their entries as Linux does
     * ({@code in_init(mod, e->start_offset)}). A module linked with {@code module.lds} has one,
     * {@code .IA_64.unwind}; a plain object has one per code section
     * ({@code .IA_64.unwind.init.text}...), which together are the same table.
     */
    static UnwindTable of(List<ByteBuffer> unwind, long initBase, long initSize, long gp) {
        List<Entry> all = new ArrayList<>();
        for (ByteBuffer u : unwind) {
            for (int i = 0; i + 24 <= u.capacity(); i += 24) {
                all.add(new Entry(u.getLong(i), u.getLong(i + 8), u.getLong(i + 16)));
            }
        }
        all.sort(Comparator.comparing(Entry::start, Long::compareUnsigned));
        List<Entry> core = new ArrayList<>();
        List<Entry> init = new ArrayList<>();
        for (Entry e : all) {
            (Long.compareUnsigned(e.start() - initBase, initSize) < 0 ? init : core).add(e);
        }
        return new UnwindTable(core, init, gp);
    }
}
