package org.modload.arch.ia64;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import org.modload.loader.diag.RelocationException;
import org.modload.loader.spi.EntryKind;
import org.modload.loader.spi.EntryNeed;
import org.modload.loader.spi.EntrySlot;
import org.modload.loader.spi.EntryTarget;
import org.modload.loader.spi.FunctionDescriptor;

/**
 * The entry kinds of an ia64 link, as Linux's {@code get_ltoff}, {@code get_fdesc} and
 * {@code get_plt} make them: GOT words ({@code .got}), function descriptors {ip, gp} in an
 * {@code .opd} of our own, and PLT entries that load the callee's gp and branch to its ip, one
 * table for core ({@code .core.plt}) and one for init ({@code .init.plt}). Like Linux, every
 * kind shares entries by the value they hold. The GOT is laid out last, next to small data,
 * within gp reach. Immutable.
 */
final class Ia64Tables {
    static final String CORE_PLT = ".core.plt";
    static final String INIT_PLT = ".init.plt";
    static final String GOT = ".got";
    static final String OPD = ".opd";

    /** Linux's MAX_LTOFF: the reach of a 22-bit gp-relative offset. */
    static final long MAX_LTOFF = 1L << 22;

    private final EntryKind got;
    private final EntryKind opd;
    private final EntryKind corePlt;
    private final EntryKind initPlt;
    private final List<EntryKind> kinds;

    Ia64Tables(PltTemplate template) {
        this.got = new EntryKind(GOT, 8, 8, false, false, EntryKind.Sharing.BY_VALUE, Ia64Tables::writeGot);
        this.opd = new EntryKind(OPD, 16, 8, false, false, EntryKind.Sharing.BY_VALUE, Ia64Tables::writeDescriptor);
        this.corePlt = new EntryKind(CORE_PLT, template.size(), 16, true, false, EntryKind.Sharing.BY_VALUE,
                slot -> writePlt(template, slot));
        this.initPlt = new EntryKind(INIT_PLT, template.size(), 16, true, true, EntryKind.Sharing.BY_VALUE,
                slot -> writePlt(template, slot));
        this.kinds = List.of(corePlt, initPlt, opd, got);
    }

    List<EntryKind> kinds() {
        return kinds;
    }

    EntryKind opd() {
        return opd;
    }

    /** A GOT word holding {@code target}. */
    EntryNeed got(EntryTarget target) {
        return EntryNeed.of(got, target);
    }

    /** A descriptor {S + A, gp} of a module function. */
    EntryNeed descriptor() {
        return EntryNeed.of(opd, EntryTarget.SYMBOL_PLUS_ADDEND);
    }

    /** A PLT entry in the place's region, through the descriptor {@code target} is. */
    EntryNeed plt(boolean init, EntryTarget target) {
        return EntryNeed.of(init ? initPlt : corePlt, target);
    }

    /** Linux's rule for init sections (the layout's): the name starts with {@code .init}. */
    static boolean isInit(String sectionName) {
        return sectionName.startsWith(".init");
    }

    /**
     * Linux's gp: the middle of the core, or 2 MiB before its end when the core is larger than
     * 4 MiB (small data and the GOT are laid out last), rounded up to 8.
     */
    static long gp(long coreBase, long coreSize) {
        long off = coreSize > MAX_LTOFF ? coreSize - MAX_LTOFF / 2 : coreSize / 2;
        return coreBase + ((off + 7) & -8L);
    }

    /** Linux's gp_addressable(): within the reach of a 22-bit signed offset from gp. */
    static boolean gpAddressable(long value, long gp) {
        return Long.compareUnsigned(value - gp + MAX_LTOFF / 2, MAX_LTOFF) < 0;
    }

    private static Optional<FunctionDescriptor> writeGot(EntrySlot slot) {
        slot.memory().putLong(slot.offset(), slot.target());
        return Optional.empty();
    }

    private static Optional<FunctionDescriptor> writeDescriptor(EntrySlot slot) {
        long gp = slot.gp().orElseThrow();
        slot.memory().putLong(slot.offset(), slot.target());
        slot.memory().putLong(slot.offset() + 8, gp);
        return Optional.of(new FunctionDescriptor(slot.target(), gp));
    }

    /**
     * A PLT entry that loads the callee's gp and jumps to its ip, read from the descriptor the
     * entry goes through: one of our own, or the resolver's for a function outside the module.
     *
     * @throws RelocationException (INVALID) when the descriptor's contents are unknown, and
     *     (OUT_OF_RANGE) when a brl cannot reach the ip
     */
    private static Optional<FunctionDescriptor> writePlt(PltTemplate template, EntrySlot slot) {
        FunctionDescriptor d = slot.targetDescriptor().orElseThrow(() -> RelocationException.of(
                slot.site().location(), RelocationException.Reason.INVALID, slot.site().typeName(),
                slot.site().symbolName(), OptionalLong.of(slot.target()), "a PLT entry needs the contents (ip, gp)"
                        + " of the function descriptor at 0x" + Long.toHexString(slot.target())
                        + ", which the symbol resolver did not give"));
        long base = slot.address() - slot.offset();
        if (!template.write(slot.memory(), slot.offset(), base, d.ip(), d.gp())) {
            throw RelocationException.of(slot.site().location(), RelocationException.Reason.OUT_OF_RANGE,
                    slot.site().typeName(), slot.site().symbolName(), OptionalLong.of(d.ip()),
                    "PLT entry cannot reach 0x" + Long.toHexString(d.ip()));
        }
        return Optional.empty();
    }
}
