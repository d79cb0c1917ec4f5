package org.modload.arch.ia64;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.Symbol;
import org.modload.loader.spi.Placement;
import org.modload.loader.spi.TablePlan;
import org.modload.loader.spi.TableRequest;

/**
 * The GOT, descriptor and PLT entries one object needs (Linux's {@code count_gots},
 * {@code count_fdescs}, {@code count_plts}), as sets of {@link Target} keys so that the count is
 * exact rather than Linux's upper bound. Before layout, a need that depends on distances is
 * assumed (an LTOFF22X of a module address may be within gp reach and need no GOT entry; a
 * PCREL21B between core and init may reach without a PLT entry); given a placement, it is
 * decided exactly as {@link Ia64Architecture#apply} will decide it. Immutable.
 */
final class TableNeeds {
    static final String CORE_PLT = ".core.plt";
    static final String INIT_PLT = ".init.plt";
    static final String GOT = ".got";
    static final String OPD = ".opd";
    static final List<String> NAMES = List.of(CORE_PLT, INIT_PLT, OPD, GOT);

    /** Linux's MAX_LTOFF: the reach of a 22-bit gp-relative offset. */
    static final long MAX_LTOFF = 1L << 22;

    final Set<String> got;
    final Set<String> opd;
    final Set<String> corePlt;
    final Set<String> initPlt;

    private TableNeeds(Set<String> got, Set<String> opd, Set<String> corePlt, Set<String> initPlt) {
        this.got = Set.copyOf(got);
        this.opd = Set.copyOf(opd);
        this.corePlt = Set.copyOf(corePlt);
        this.initPlt = Set.copyOf(initPlt);
    }

    /** Whether a section of this name is one of the tables' placeholders ({@code module.lds}). */
    static boolean isPlaceholder(String name) {
        return NAMES.contains(name);
    }

    /** Whether section {@code index} is loaded: allocated and not a table placeholder. */
    static boolean placed(ElfFile obj, int index) {
        if (index <= 0 || index >= obj.sections().size()) {
            return false;
        }
        Section s = obj.section(index);
        return s.isAllocated() && !isPlaceholder(s.name());
    }

    /** Linux's rule for init sections (the layout's): the name starts with {@code .init}. */
    static boolean isInit(String sectionName) {
        return sectionName.startsWith(".init");
    }

    /**
     * Linux's gp: the middle of the core, or 2 MiB before its end when the core is larger than
     * 4 MiB (small data and the GOT are laid out last), rounded up to 8.
     */
    static long gp(Placement p) {
        long off = p.coreSize() > MAX_LTOFF ? p.coreSize() - MAX_LTOFF / 2 : p.coreSize() / 2;
        return p.coreBase() + ((off + 7) & -8L);
    }

    /** Linux's gp_addressable(): within the reach of a 22-bit signed offset from gp. */
    static boolean gpAddressable(long value, long gp) {
        return Long.compareUnsigned(value - gp + MAX_LTOFF / 2, MAX_LTOFF) < 0;
    }

    /** Whether a PCREL21B at {@code place} reaches {@code value} directly (Linux's check, in bundles). */
    static boolean inReach21(long value, long place) {
        long delta = (value - place) / 16;
        return Long.compareUnsigned(delta + (1L << 20), 1L << 21) < 0;
    }

    /** The address of an internal target under {@code p}. */
    static long address(Placement p, Target t) {
        return p.sectionAddress(t.section()).orElseThrow() + t.offset();
    }

    /** Counts what {@code obj} needs; with a placement, distance-dependent needs are decided. */
    static TableNeeds count(ElfFile obj, Optional<Placement> at) {
        Counting n = new Counting();
        List<Symbol> symbols = obj.symbols();
        Optional<Long> gp = at.map(TableNeeds::gp);
        for (RelocationSection rs : obj.relocationSections()) {
            Section target = rs.target();
            if (!rs.isRela() || !placed(obj, target.index())) {
                continue;
            }
            boolean init = isInit(target.name());
            Set<String> plt = init ? n.initPlt : n.corePlt;
            for (Relocation r : rs.entries()) {
                if (r.symbol() >= symbols.size()) {
                    continue;
                }
                Target t = Target.of(symbols.get(r.symbol()), r.addend().orElse(0), i -> placed(obj, i));
                switch (Ia64Relocation.of(r.type()).orElse(Ia64Relocation.R_IA64_NONE)) {
                    case R_IA64_LTOFF22, R_IA64_LTOFF64I -> n.got.add(t.key());
                    case R_IA64_LTOFF22X -> {
                        boolean relaxed = t.internal() && at.isPresent()
                                && gpAddressable(address(at.get(), t), gp.get());
                        if (!relaxed) {
                            n.got.add(t.key());
                        }
                    }
                    case R_IA64_LTOFF_FPTR22, R_IA64_LTOFF_FPTR64I, R_IA64_LTOFF_FPTR32MSB, R_IA64_LTOFF_FPTR32LSB,
                            R_IA64_LTOFF_FPTR64MSB, R_IA64_LTOFF_FPTR64LSB -> {
                        if (t.internal()) {
                            n.opd.add(t.key());
                            n.got.add(t.fdescKey());
                        } else {
                            n.got.add(t.key());
                        }
                    }
                    case R_IA64_FPTR64I, R_IA64_FPTR32MSB, R_IA64_FPTR32LSB, R_IA64_FPTR64MSB, R_IA64_FPTR64LSB -> {
                        if (t.internal()) {
                            n.opd.add(t.key());
                        }
                    }
                    case R_IA64_PCREL21B -> {
                        if (!t.internal()) {
                            plt.add(t.key());
                        } else if (isInit(obj.section(t.section()).name()) != init) {
                            boolean reaches = at.isPresent() && inReach21(address(at.get(), t),
                                    at.get().sectionAddress(target.index()).orElseThrow() + r.offset());
                            if (!reaches) {
                                n.opd.add(t.key());
                                plt.add(t.fdescKey());
                            }
                        }
                    }
                    case R_IA64_PLTOFF22, R_IA64_PLTOFF64I, R_IA64_PLTOFF64MSB, R_IA64_PLTOFF64LSB -> {
                        if (!t.internal()) {
                            plt.add(t.key());
                        }
                    }
                    case R_IA64_IPLTMSB, R_IA64_IPLTLSB -> {
                        if (!t.internal()) {
                            plt.add(t.key());
                            n.opd.add(pltKey(init, t));
                        }
                    }
                    default -> {
                    }
                }
            }
        }
        return new TableNeeds(n.got, n.opd, n.corePlt, n.initPlt);
    }

    /** The sets while counting. */
    private static final class Counting {
        final Set<String> got = new LinkedHashSet<>();
        final Set<String> opd = new LinkedHashSet<>();
        final Set<String> corePlt = new LinkedHashSet<>();
        final Set<String> initPlt = new LinkedHashSet<>();
    }

    /** The key of the descriptor made for the PLT entry of {@code t} (IPLT). */
    static String pltKey(boolean init, Target t) {
        return "plt:" + (init ? "init:" : "core:") + t.key();
    }

    /** The tables to place, GOT last so that it stays next to small data, within gp reach. */
    TablePlan plan(PltTemplate template) {
        return new TablePlan(List.of(
                new TableRequest(CORE_PLT, (long) corePlt.size() * template.size(), 16, true, false),
                new TableRequest(INIT_PLT, (long) initPlt.size() * template.size(), 16, true, true),
                new TableRequest(OPD, 16L * opd.size(), 8, false, false),
                new TableRequest(GOT, 8L * got.size(), 8, false, false)));
    }
}
