package org.modload.loader.link;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.modload.loader.diag.LoaderException;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.UnresolvedSymbolException;
import org.modload.loader.elf.ElfData;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.SectionType;
import org.modload.loader.elf.Symbol;
import org.modload.loader.reloc.Formula;
import org.modload.loader.reloc.Operands;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.Applied;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.DirectWrite;
import org.modload.loader.spi.EntryKind;
import org.modload.loader.spi.EntryNeed;
import org.modload.loader.spi.FunctionDescriptor;
import org.modload.loader.spi.Layout;
import org.modload.loader.spi.LinkSymbols;
import org.modload.loader.spi.Need;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.Referent;
import org.modload.loader.spi.RelocationSite;

/**
 * The generic link engine for one architecture: plan (bind symbols across the objects, count
 * the table entries the architecture's rule asks for, lay everything out, refine the count
 * after a trial layout), resolve (every symbol's value), relocate (evaluate each applied
 * relocation's formula, creating table entries on first use, and let the architecture write
 * it, as Linux's {@code apply_relocations()} walks the sections). Each phase is a separate call
 * so that a caller such as the simulated kernel can put its own phases in between;
 * {@link #link} runs all three. Instances are immutable and may be shared between threads.
 */
public final class LinkEngine {
    /** How often {@link #plan} counts again after a trial layout before keeping the first plan. */
    private static final int MAX_REFINE_ROUNDS = 4;

    /** Relocation types below this number have their rows looked up once, for the hot loop. */
    private static final int DIRECT_TYPES = 256;

    private final Architecture arch;
    /** Per profile that has a {@link DirectWrite}: its writer and, by type number, the applied rows (null: none). */
    private final Map<Profile, DirectRows> direct = new EnumMap<>(Profile.class);

    /** An architecture's hot path in one profile, and its rows by number (the psABI table as an array). */
    private record DirectRows(DirectWrite writer, RelocationType[] rows) {
    }

    public LinkEngine(Architecture arch) {
        this.arch = Objects.requireNonNull(arch);
        for (Profile p : Profile.values()) {
            Optional<DirectWrite> w = arch.entryKinds(p).isEmpty() ? arch.directWrite(p) : Optional.empty();
            if (w.isPresent()) {
                RelocationType[] rows = new RelocationType[DIRECT_TYPES];
                for (int t = 0; t < DIRECT_TYPES; t++) {
                    Optional<RelocationType> row = arch.relocationType(t);
                    rows[t] = row.isPresent() && arch.applies(row.get(), p) ? row.get() : null;
                }
                direct.put(p, new DirectRows(w.get(), rows));
            }
        }
    }

    public Architecture architecture() {
        return arch;
    }

    /** {@link #plan(List, Profile, LayoutPolicy)} for one object. */
    public LoadPlan plan(ElfFile obj, Profile profile, LayoutPolicy policy) {
        return plan(List.of(obj), profile, policy, Map.of());
    }

    /**
     * Checks the objects against the architecture, binds their symbols, counts their tables
     * and places everything. Imported symbols are not known yet, so the table rule decides for
     * them as for unknown addresses.
     *
     * @throws org.modload.loader.diag.LoaderException when an object is not for this
     *     architecture, two objects define one symbol, or the objects cannot be placed as asked
     */
    public LoadPlan plan(List<ElfFile> objects, Profile profile, LayoutPolicy policy) {
        return plan(objects, profile, policy, Map.of());
    }

    private LoadPlan plan(List<ElfFile> objects, Profile profile, LayoutPolicy policy, Map<String, Long> imports) {
        return plan(bind(objects, profile, policy), profile, policy, imports);
    }

    /**
     * Sections of the first object the policy keeps out of the regions: those it treats as not
     * allocated, and those it places outside the image.
     */
    private record Outside(Set<Integer> unallocated, Set<Integer> detached) {
        static final Outside NONE = new Outside(Set.of(), Set.of());

        static Outside of(LayoutPolicy policy) {
            return policy instanceof LayoutPolicy.Linux l ? new Outside(l.unallocated(), l.detached().keySet()) : NONE;
        }

        boolean unallocated(int object, int index) {
            return object == 0 && unallocated.contains(index);
        }

        /** Neither in core nor in init: not allocated, or detached. */
        boolean outside(int object, int index) {
            return object == 0 && (unallocated.contains(index) || detached.contains(index));
        }
    }

    /** Checks the objects and binds their symbols (layout-independent, but for what the policy leaves unallocated). */
    private Binding bind(List<ElfFile> objects, Profile profile, LayoutPolicy policy) {
        if (objects.isEmpty()) {
            throw new IllegalArgumentException("nothing to link");
        }
        ElfData data = arch.byteOrder().equals(ByteOrder.LITTLE_ENDIAN) ? ElfData.ELFDATA2LSB : ElfData.ELFDATA2MSB;
        for (ElfFile obj : objects) {
            obj.requireRelocatable();
            obj.requireTarget(arch.machine(), arch.elfClass(), data);
            arch.checkObject(obj, profile);
        }
        Set<String> tableNames = tableNames(profile);
        ComdatGroups groups = ComdatGroups.of(objects);
        Outside outside = Outside.of(policy);
        return Binding.of(objects, (o, i) -> placed(objects.get(o), i, tableNames) && !groups.discarded(o, i)
                && !outside.unallocated(o, i), Set.copyOf(arch.linkSymbolNames(profile)), groups, outside::outside);
    }

    private Set<String> tableNames(Profile profile) {
        Set<String> tableNames = new HashSet<>();
        arch.entryKinds(profile).forEach(k -> tableNames.add(k.table()));
        return tableNames;
    }

    private LoadPlan plan(Binding binding, Profile profile, LayoutPolicy policy, Map<String, Long> imports) {
        List<ElfFile> objects = binding.objects();
        List<EntryKind> kinds = arch.entryKinds(profile);
        Set<String> tableNames = tableNames(profile);
        int[] sectionCounts = objects.stream().mapToInt(o -> o.sections().size()).toArray();
        if (kinds.isEmpty()) {
            Layouter.Laid laid = layout(binding, TablePlan.NONE, policy);
            return new LoadPlan(binding, profile, laid, TablePlan.NONE, new TableCount(kinds), true,
                    knowledge(objects, laid, profile, imports, sectionCounts));
        }
        Sites sites = new Sites(arch, binding, profile);
        TableCount first = count(sites, profile, kinds, Knowledge.before(imports), tableNames);
        Layouter.Laid firstLaid = layout(binding, first.plan(), policy);
        TableCount current = first;
        Layouter.Laid laid = firstLaid;
        // Shrinking a table moves what follows it, so the refined count is laid out and asked
        // again until it stays put; without a fixed point the first (upper-bound) plan is kept.
        for (int round = 0; round < MAX_REFINE_ROUNDS; round++) {
            Knowledge k = knowledge(objects, laid, profile, imports, sectionCounts);
            TableCount refined = count(sites, profile, kinds, k, tableNames);
            if (refined.equals(current)) {
                return new LoadPlan(binding, profile, laid, current.plan(), current, true, k);
            }
            current = refined;
            laid = layout(binding, refined.plan(), policy);
        }
        Knowledge k = knowledge(objects, firstLaid, profile, imports, sectionCounts);
        return new LoadPlan(binding, profile, firstLaid, first.plan(), count(sites, profile, kinds, k, tableNames),
                false, k);
    }

    /**
     * The tables the architecture's rule asks for before layout (Linux's
     * {@code module_frob_arch_sections}): the upper bound {@link #plan} starts from. Changes
     * nothing.
     *
     * @throws org.modload.loader.diag.LoaderException as {@link #plan} does before layout
     */
    public TablePlan tablesBeforeLayout(List<ElfFile> objects, Profile profile) {
        List<EntryKind> kinds = arch.entryKinds(profile);
        if (kinds.isEmpty()) {
            return TablePlan.NONE;
        }
        Binding binding = bind(objects, profile, new LayoutPolicy.Linux(0));
        return count(new Sites(arch, binding, profile), profile, kinds, Knowledge.before(Map.of()), tableNames(profile))
                .plan();
    }

    private Layouter.Laid layout(Binding binding, TablePlan tables, LayoutPolicy policy) {
        return new Layouter(binding.objects(), tables, arch.pageSize(), arch.smallDataFlag(), binding::notInRegions)
                .plan(policy);
    }

    private Knowledge knowledge(List<ElfFile> objects, Layouter.Laid laid, Profile profile, Map<String, Long> imports,
            int[] sectionCounts) {
        Map<String, Long> tables = new HashMap<>();
        laid.placed().stream().filter(PlacedSection::isTable).forEach(p -> tables.put(p.name(), p.address()));
        Layout layout = new Layout(tables, laid.coreBase(), laid.coreSize(), laid.initBase(), laid.initSize());
        return Knowledge.after(objects.size(), laid, arch.linkSymbols(layout, profile), imports, sectionCounts);
    }

    /** A loaded section: allocated, and not the placeholder of one of the tables. */
    private static boolean placed(ElfFile obj, int index, Set<String> tableNames) {
        if (index <= 0 || index >= obj.sections().size()) {
            return false;
        }
        Section s = obj.section(index);
        return s.isAllocated() && !tableNames.contains(s.name());
    }

    /** Counts the entries the rule asks for under {@code k}. */
    private TableCount count(Sites sites, Profile profile, List<EntryKind> kinds, Knowledge k, Set<String> tableNames) {
        TableCount c = new TableCount(kinds);
        sites.walk(new Sites.Memory() {
            @Override
            public Optional<ByteBuffer> of(int object, Section target) {
                ElfFile obj = sites.objects().get(object);
                return placed(obj, target.index(), tableNames) && !sites.notInRegions(object, target.index())
                        ? Optional.of(target.bytes()) : Optional.empty();
            }

            @Override
            public long address(int object, Section target) {
                return 0;
            }
        }, false, (site, addend) -> {
            Need need = arch.need(site, profile, k.reach(site));
            if (need instanceof EntryNeed en) {
                c.add(en, site.referent(), addend);
            }
        });
        return c;
    }

    /**
     * Gives every symbol its value (Linux's {@code simplify_symbols()}): symbols of placed
     * sections their section's address plus st_value (unplaced sections count as address 0, as
     * in Linux), absolute symbols st_value, the tables' symbols theirs, references to another
     * object's definition that definition's, and imported ones what {@code resolver} says (an
     * unknown weak symbol is 0). Asks the resolver once per imported name, in the order the
     * objects first reference them.
     *
     * @throws UnresolvedSymbolException naming every unknown non-weak imported symbol
     */
    public ResolvedSymbols resolve(LoadPlan plan, SymbolResolver resolver) {
        return values(plan, imports(plan.binding(), resolver));
    }

    private static Map<String, SymbolDefinition> imports(Binding binding, SymbolResolver resolver) {
        Map<String, SymbolDefinition> imported = new LinkedHashMap<>();
        List<UnresolvedSymbolException.Missing> missing = new ArrayList<>();
        for (Map.Entry<String, Binding.Reference> e : binding.imports().entrySet()) {
            Optional<SymbolDefinition> found = resolver.resolve(e.getKey());
            if (found.isPresent()) {
                imported.put(e.getKey(), found.get());
            } else if (!e.getValue().weak()) {
                ElfFile obj = binding.objects().get(e.getValue().object());
                Section symtab = obj.symbolTable().orElseThrow();
                missing.add(new UnresolvedSymbolException.Missing(Location.ofSection(obj.name(), symtab.index(),
                        symtab.name()), e.getKey()));
            }
        }
        if (!missing.isEmpty()) {
            throw new UnresolvedSymbolException(missing);
        }
        return imported;
    }

    /** {@link #resolve(LoadPlan, SymbolResolver)}; {@code obj} must be the plan's only object. */
    public ResolvedSymbols resolve(ElfFile obj, LoadPlan plan, SymbolResolver resolver) {
        requireOnly(obj, plan);
        return resolve(plan, resolver);
    }

    private static void requireOnly(ElfFile obj, LoadPlan plan) {
        if (plan.objects().size() != 1 || plan.objects().get(0) != obj) {
            throw new IllegalArgumentException(obj.name() + " is not the only object of the plan");
        }
    }

    private static ResolvedSymbols values(LoadPlan plan, Map<String, SymbolDefinition> imported) {
        Binding b = plan.binding();
        List<ElfFile> objects = plan.objects();
        Knowledge k = plan.knowledge();
        long[][] values = new long[objects.size()][];
        for (int o = 0; o < objects.size(); o++) {
            int n = objects.get(o).symbols().size();
            long[] v = new long[n];
            for (int i = 1; i < n; i++) {
                Referent r = b.referent(o, i);
                if (r instanceof Referent.Imported im) {
                    SymbolDefinition d = imported.get(im.name());
                    v[i] = d == null ? 0 : d.address();
                } else {
                    OptionalLong s = k.symbol(r);
                    v[i] = s.isPresent() ? s.getAsLong() : 0;
                }
            }
            values[o] = v;
        }
        return new ResolvedSymbols(values, imported);
    }

    /** {@link #relocate(LoadPlan, ResolvedSymbols)}; {@code obj} must be the plan's only object. */
    public LoadedImage relocate(ElfFile obj, LoadPlan plan, ResolvedSymbols symbols, Profile profile) {
        requireOnly(obj, plan);
        if (profile != plan.profile()) {
            throw new IllegalArgumentException("the plan was made for " + plan.profile() + ", not " + profile);
        }
        return relocate(plan, symbols);
    }

    /**
     * Copies every placed section into fresh memory, builds the tables and applies every
     * relocation whose target section is placed, in file order, in the plan's profile.
     *
     * @throws org.modload.loader.diag.RelocationException for the first relocation that cannot
     *     be applied; nothing of this link is kept
     */
    public LoadedImage relocate(LoadPlan plan, ResolvedSymbols symbols) {
        return relocate(plan, symbols, RelocationListener.NONE);
    }

    /**
     * {@link #relocate(LoadPlan, ResolvedSymbols)}, showing {@code listener} each relocation
     * after it is written, and the one the architecture refuses before the refusal propagates.
     *
     * @throws org.modload.loader.diag.RelocationException as {@link #relocate(LoadPlan, ResolvedSymbols)}
     */
    public LoadedImage relocate(LoadPlan plan, ResolvedSymbols symbols, RelocationListener listener) {
        Objects.requireNonNull(listener);
        Profile profile = plan.profile();
        List<ElfFile> objects = plan.objects();
        Map<Long, ByteBuffer> memory = new HashMap<>();
        Map<String, ByteBuffer> tableMemory = new HashMap<>();
        Map<String, Long> tableAddresses = new HashMap<>();
        ByteOrder order = objects.get(0).data().order();
        for (PlacedSection p : plan.placed()) {
            ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(p.size())).order(order);
            if (p.isTable()) {
                tableMemory.put(p.name(), b);
                tableAddresses.put(p.name(), p.address());
            } else {
                Section s = objects.get(p.object()).section(p.sectionIndex());
                if (!s.type().equals(SectionType.SHT_NOBITS)) {
                    b.put(0, s.bytes(), 0, Math.toIntExact(s.size()));
                }
                memory.put(LoadedImage.key(p.object(), p.sectionIndex()), b);
            }
        }
        Knowledge k = plan.knowledge();
        Map<String, Long> linkSymbols = k.linkSymbols();
        OptionalLong got = optional(linkSymbols.get(LinkSymbols.GLOBAL_OFFSET_TABLE));
        OptionalLong gp = optional(linkSymbols.get(LinkSymbols.GP));
        boolean tables = !plan.count().kinds().isEmpty();
        Entries entries = tables ? new Entries(plan.count(), tableAddresses, tableMemory, got, gp, plan.exactTables())
                : null;
        Binding binding = plan.binding();
        long coreBase = plan.coreBase();
        Layout layout = new Layout(tableAddresses, plan.coreBase(), plan.coreSize(), plan.initBase(), plan.initSize());
        Sites sites = new Sites(arch, binding, profile);
        Sites.Memory placedMemory = new Sites.Memory() {
            @Override
            public Optional<ByteBuffer> of(int object, Section target) {
                return Optional.ofNullable(memory.get(LoadedImage.key(object, target.index())));
            }

            @Override
            public long address(int object, Section target) {
                return k.sectionAddress(object, target.index()).orElseThrow();
            }
        };
        Sites.Visitor apply = (site, addend) -> {
            int symbol = site.entry().symbol();
            long s = symbols.value(site.object(), symbol);
            Need need = tables ? arch.need(site, profile, k.reach(site)) : Need.NONE;
            OptionalLong entry = OptionalLong.empty();
            if (need instanceof EntryNeed en) {
                Optional<FunctionDescriptor> d = site.referent() instanceof Referent.Imported im
                        ? symbols.descriptor(im.name()) : Optional.empty();
                entry = OptionalLong.of(entries.address(en, site, new Entries.Symbol(s, addend, d)));
            }
            RelocationType row = site.type();
            long a = addend;
            long p = arch.place(site, row);
            if (need instanceof Need.Relaxed rx) {
                row = rx.as();
                a = rx.addend().orElse(addend);
                p = arch.place(site, row) + rx.placeDelta();
            }
            long sa = s + a;
            Operands ops = new Operands(s, a, p, binding.size(site.object(), symbol), coreBase, got, gp, entry,
                    site.place() - site.offset(), layout.inInit(sa) ? plan.initBase() : coreBase);
            Formula f = row.formula();
            long value = f == Formula.NONE || f == Formula.SPECIAL ? 0 : f.evaluate(ops);
            Applied applied = new Applied(row, need, ops, value);
            if (listener == RelocationListener.NONE) {
                arch.write(site, applied, profile);
            } else {
                write(site, applied, profile, listener);
            }
        };
        DirectRows fast = tables || listener != RelocationListener.NONE ? null : direct.get(profile);
        if (fast == null) {
            sites.walk(placedMemory, true, apply);
        } else {
            relocateDirect(plan, symbols, memory, fast, sites, apply);
        }
        if (entries != null) {
            entries.finish();
        }
        return new LoadedImage(plan, memory, tableMemory, symbols, defined(plan, symbols));
    }

    /**
     * The hot loop of a link without tables and without a listener: every relocation of every
     * placed section in file order, as {@link Sites#walk} visits them, but read as primitives
     * from the section bytes, its row from an array, its formula evaluated on primitives and
     * written by the architecture's {@link DirectWrite}: no object per relocation. A relocation
     * the loop cannot finish (a row it does not know, a special formula, a write the
     * architecture declines, which includes every refusal) goes through the general path
     * ({@link Sites#visit} and {@code apply}), which gives the same bytes or the same error.
     */
    private void relocateDirect(LoadPlan plan, ResolvedSymbols symbols, Map<Long, ByteBuffer> memory, DirectRows fast,
            Sites sites, Sites.Visitor apply) {
        Binding binding = plan.binding();
        Knowledge k = plan.knowledge();
        long coreBase = plan.coreBase();
        long initBase = plan.initBase();
        long initSize = plan.initSize();
        DirectWrite writer = fast.writer();
        RelocationType[] rows = fast.rows();
        List<ElfFile> objects = plan.objects();
        for (int o = 0; o < objects.size(); o++) {
            for (RelocationSection rs : objects.get(o).relocationSections()) {
                Section target = rs.target();
                ByteBuffer m = memory.get(LoadedImage.key(o, target.index()));
                if (m == null) {
                    continue;
                }
                long base = k.sectionAddress(o, target.index()).orElseThrow();
                boolean rela = rs.isRela();
                RelocationSection.Fields f = rs.fields();
                int n = rs.size();
                for (int i = 0; i < n; i++) {
                    int type = f.type(i);
                    RelocationType row = type >= 0 && type < DIRECT_TYPES ? rows[type] : null;
                    Formula formula = row == null ? null : row.formula();
                    if (formula == null || !formula.direct()) {
                        sites.visit(o, rs, m, base, i, true, apply);
                        continue;
                    }
                    long offset = f.offset(i);
                    long addend;
                    if (rela) {
                        addend = f.addend(i);
                    } else if (offset >= 0 && offset + row.field().bytes() <= m.capacity()) {
                        addend = writer.implicitAddend(row, m, (int) offset);
                    } else {
                        sites.visit(o, rs, m, base, i, true, apply);
                        continue;
                    }
                    int symbol = f.symbol(i);
                    long s = symbols.value(o, symbol);
                    long sa = s + addend;
                    long bd = Long.compareUnsigned(sa - initBase, initSize) < 0 ? initBase : coreBase;
                    long value = formula.evaluate(s, addend, base + offset, binding.size(o, symbol), coreBase, base, bd);
                    if (!writer.write(row, m, offset, value)) {
                        sites.visit(o, rs, m, base, i, true, apply);
                    }
                }
            }
        }
    }

    /** The architecture's write, shown to {@code listener}. */
    private void write(RelocationSite site, Applied applied, Profile profile, RelocationListener listener) {
        ChangedBytes bytes = ChangedBytes.before(site);
        try {
            arch.write(site, applied, profile);
        } catch (LoaderException e) {
            ByteBuffer m = site.memory();
            listener.refused(new RelocationSite(site.file(), site.object(), site.target(), site.entry(), site.type(),
                    site.symbol(), site.referent(), site.place(), m.asReadOnlyBuffer().order(m.order())), applied, e);
            throw e;
        }
        listener.applied(bytes.applied(applied));
    }

    private static OptionalLong optional(Long v) {
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    private static List<DefinedSymbol> defined(LoadPlan plan, ResolvedSymbols symbols) {
        List<DefinedSymbol> out = new ArrayList<>();
        for (Binding.Definition d : plan.binding().definitions()) {
            Symbol s = d.symbol();
            out.add(new DefinedSymbol(s.name(), symbols.value(d.object(), s.index()), s.size(), s.type(), s.bind(),
                    d.object()));
        }
        return out;
    }

    /** Runs {@link #plan}, {@link #resolve} and {@link #relocate} for one object. */
    public LoadedImage link(ElfFile obj, Profile profile, LayoutPolicy policy, SymbolResolver resolver) {
        return link(List.of(obj), profile, policy, resolver);
    }

    /**
     * Links several objects into one image, as ld and JITLink do: symbols one object defines
     * satisfy the others' references before {@code resolver} is asked; imported symbols are
     * resolved before layout, so that the table rule knows their addresses (a call that reaches
     * needs no stub).
     *
     * @throws org.modload.loader.diag.LoaderException as the phases do
     */
    public LoadedImage link(List<ElfFile> objects, Profile profile, LayoutPolicy policy, SymbolResolver resolver) {
        return link(objects, profile, policy, resolver, RelocationListener.NONE);
    }

    /**
     * {@link #link(List, Profile, LayoutPolicy, SymbolResolver)}, showing {@code listener} each
     * relocation as {@link #relocate(LoadPlan, ResolvedSymbols, RelocationListener)} does.
     *
     * @throws org.modload.loader.diag.LoaderException as the phases do
     */
    public LoadedImage link(List<ElfFile> objects, Profile profile, LayoutPolicy policy, SymbolResolver resolver,
            RelocationListener listener) {
        Objects.requireNonNull(listener);
        Binding binding = bind(objects, profile, policy);
        Map<String, SymbolDefinition> imported = imports(binding, resolver);
        Map<String, Long> addresses = new HashMap<>();
        if (!arch.entryKinds(profile).isEmpty()) {
            imported.forEach((n, d) -> addresses.put(n, d.address()));
            // An unknown weak symbol is 0, and the rule may know it.
            binding.imports().forEach((n, r) -> addresses.putIfAbsent(n, 0L));
        }
        LoadPlan plan = plan(binding, profile, policy, addresses);
        return relocate(plan, values(plan, imported), listener);
    }
}
