package org.modload.loader.link;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.modload.loader.diag.LayoutException;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.UnresolvedSymbolException;
import org.modload.loader.elf.ElfData;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.SectionType;
import org.modload.loader.elf.Symbol;
import org.modload.loader.elf.SymbolBinding;
import org.modload.loader.elf.SymbolType;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.LinkageTables;
import org.modload.loader.spi.Placement;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.RelocationSite;
import org.modload.loader.spi.ResolvedValue;
import org.modload.loader.spi.TablePlan;

/**
 * The generic link engine for one architecture: plan (layout, with the architecture's tables
 * counted first), resolve (every symbol's value), relocate (the architecture applies each
 * entry of every relocation section whose target is allocated, as Linux's
 * {@code apply_relocations()} does). Each phase is a separate call so that a caller such as the
 * simulated kernel can put its own phases in between; {@link #link} runs all three.
 * Instances are immutable and may be shared between threads.
 */
public final class LinkEngine {
    /** How often {@link #plan} lets the architecture refine its tables after a trial layout. */
    private static final int MAX_REFINE_ROUNDS = 4;

    private final Architecture arch;

    public LinkEngine(Architecture arch) {
        this.arch = Objects.requireNonNull(arch);
    }

    public Architecture architecture() {
        return arch;
    }

    /**
     * Checks the object against the architecture, counts its tables and places everything.
     *
     * @throws org.modload.loader.diag.LoaderException when the object is not for this
     *     architecture or cannot be placed as asked
     */
    public LoadPlan plan(ElfFile obj, Profile profile, LayoutPolicy policy) {
        obj.requireRelocatable();
        obj.requireTarget(arch.machine(), arch.elfClass(),
                arch.byteOrder().equals(ByteOrder.LITTLE_ENDIAN) ? ElfData.ELFDATA2LSB : ElfData.ELFDATA2MSB);
        arch.checkObject(obj, profile);
        TablePlan tables = arch.planTables(obj, profile);
        LoadPlan first = new Layouter(obj, tables, arch.pageSize(), arch.smallDataFlag()).plan(policy);
        if (tables.tables().isEmpty()) {
            return first;
        }
        // Shrinking a table moves what follows it, so the refined plan is laid out and asked
        // again until it stays put; without a fixed point the first (upper-bound) plan is kept.
        LoadPlan plan = first;
        for (int round = 0; round < MAX_REFINE_ROUNDS; round++) {
            TablePlan refined = arch.refineTables(obj, profile, plan.tables(), trialPlacement(plan));
            if (refined.equals(plan.tables())) {
                return plan;
            }
            plan = new Layouter(obj, refined, arch.pageSize(), arch.smallDataFlag()).plan(policy);
        }
        return first;
    }

    private static Placement trialPlacement(LoadPlan plan) {
        Map<String, Long> tableAddresses = new HashMap<>();
        plan.tablePlacements().forEach((n, p) -> tableAddresses.put(n, p.address()));
        return new Placement(plan.sectionAddresses(), tableAddresses, Map.of(), plan.coreBase(), plan.coreSize(),
                plan.initBase(), plan.initSize());
    }

    /**
     * Gives every symbol its value: section symbols and symbols defined in a section get the
     * section's address plus st_value (unplaced sections count as address 0, as in Linux),
     * absolute symbols keep st_value, undefined ones ask {@code resolver} (an unknown weak
     * symbol is 0). Asks the resolver once per undefined name.
     *
     * @throws UnresolvedSymbolException for the first unknown non-weak undefined symbol
     * @throws LayoutException for a common symbol (Linux: "please compile with -fno-common")
     */
    public ResolvedSymbols resolve(ElfFile obj, LoadPlan plan, SymbolResolver resolver) {
        List<Symbol> syms = obj.symbols();
        long[] values = new long[syms.size()];
        Map<String, SymbolDefinition> imported = new LinkedHashMap<>();
        Map<Integer, Long> addresses = plan.sectionAddresses();
        Section symtab = obj.symbolTable().orElse(null);
        for (int i = 1; i < syms.size(); i++) {
            Symbol s = syms.get(i);
            if (s.isUndefined()) {
                if (s.name().isEmpty()) {
                    continue;
                }
                SymbolDefinition d = imported.get(s.name());
                if (d == null) {
                    Optional<SymbolDefinition> found = resolver.resolve(s.name());
                    if (found.isEmpty()) {
                        if (s.bind().equals(SymbolBinding.STB_WEAK)) {
                            continue;
                        }
                        throw new UnresolvedSymbolException(Location.ofSection(obj.name(), symtab.index(),
                                symtab.name()), s.name());
                    }
                    d = found.get();
                    imported.put(s.name(), d);
                }
                values[i] = d.address();
            } else if (s.isCommon()) {
                throw new LayoutException(Location.ofSection(obj.name(), symtab.index(), symtab.name()),
                        "common symbol '" + s.name() + "' cannot be loaded (compile with -fno-common)");
            } else if (s.isInSection()) {
                values[i] = addresses.getOrDefault(s.shndx(), 0L) + s.value();
            } else {
                values[i] = s.value();
            }
        }
        return new ResolvedSymbols(values, imported);
    }

    /**
     * Copies every placed section into fresh memory, binds the architecture's tables and
     * applies every relocation whose target section is placed, in file order.
     *
     * @throws org.modload.loader.diag.RelocationException for the first relocation that cannot
     *     be applied; nothing of this load is kept
     */
    public LoadedImage relocate(ElfFile obj, LoadPlan plan, ResolvedSymbols symbols, Profile profile) {
        Map<Integer, ByteBuffer> memory = new HashMap<>();
        Map<String, ByteBuffer> tableMemory = new HashMap<>();
        for (PlacedSection p : plan.placed()) {
            ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(p.size())).order(obj.data().order());
            if (p.isTable()) {
                tableMemory.put(p.name(), b);
            } else {
                Section s = obj.section(p.sectionIndex());
                if (!s.type().equals(SectionType.SHT_NOBITS)) {
                    b.put(0, s.bytes(), 0, Math.toIntExact(s.size()));
                }
                memory.put(p.sectionIndex(), b);
            }
        }
        Map<String, Long> tableAddresses = new HashMap<>();
        plan.tablePlacements().forEach((n, p) -> tableAddresses.put(n, p.address()));
        Placement placement = new Placement(plan.sectionAddresses(), tableAddresses, tableMemory,
                plan.coreBase(), plan.coreSize(), plan.initBase(), plan.initSize());
        LinkageTables tables = arch.bindTables(obj, profile, plan.tables(), placement);
        Map<Integer, Long> addresses = plan.sectionAddresses();
        List<Symbol> syms = obj.symbols();
        Symbol[] shown = new Symbol[syms.size()]; // display forms, made once per symbol
        for (RelocationSection rs : obj.relocationSections()) {
            Section target = rs.target();
            Long base = addresses.get(target.index());
            if (base == null) {
                continue; // Linux skips relocations of sections it does not load.
            }
            ByteBuffer mem = memory.get(target.index());
            for (Relocation r : rs.entries()) {
                Symbol sym = syms.get(r.symbol());
                Symbol display = shown[r.symbol()];
                if (display == null) {
                    display = displayed(obj, sym);
                    shown[r.symbol()] = display;
                }
                RelocationSite site = new RelocationSite(obj.name(), target, r, display, base + r.offset(), mem);
                long addend = r.addend().isPresent() ? r.addend().getAsLong() : arch.implicitAddend(site);
                ResolvedValue v = new ResolvedValue(symbols.value(r.symbol()), addend, sym.isUndefined(),
                        sym.isUndefined() ? symbols.descriptor(sym.name()) : Optional.empty());
                arch.apply(site, v, tables, profile);
            }
        }
        tables.finish();
        return new LoadedImage(plan, memory, tableMemory, symbols, tables.symbols());
    }

    /** A section symbol has no name of its own; messages name its section instead, as lld does. */
    private static Symbol displayed(ElfFile obj, Symbol s) {
        if (s.type().equals(SymbolType.STT_SECTION) && s.name().isEmpty() && s.isInSection()) {
            String n = obj.section(s.shndx()).name();
            return new Symbol(s.index(), n, s.value(), s.size(), s.type(), s.bind(), s.visibility(), s.other(),
                    s.rawShndx(), s.shndx());
        }
        return s;
    }

    /** Runs {@link #plan}, {@link #resolve} and {@link #relocate}. */
    public LoadedImage link(ElfFile obj, Profile profile, LayoutPolicy policy, SymbolResolver resolver) {
        LoadPlan plan = plan(obj, profile, policy);
        ResolvedSymbols symbols = resolve(obj, plan, resolver);
        return relocate(obj, plan, symbols, profile);
    }
}
