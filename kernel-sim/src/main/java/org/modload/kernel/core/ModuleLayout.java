package org.modload.kernel.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.SectionFlags;
import org.modload.loader.elf.SectionIndex;
import org.modload.loader.elf.SectionType;
import org.modload.loader.elf.Symbol;
import org.modload.loader.elf.SymbolBinding;
import org.modload.loader.elf.SymbolType;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.Region;
import org.modload.loader.link.Reservation;

/**
 * What Linux 6.1's loader decides about one module's sections around {@code layout_sections()},
 * before any address is known: {@code rewrite_section_headers()} clears SHF_ALLOC of
 * {@code .modinfo} and {@code __versions} (unless modversions are ignored, when
 * {@code __versions} is laid out like any read-only data), {@code layout_and_allocate()} clears
 * it of the per-cpu section, which {@code percpu_modalloc()} places in per-cpu memory, and
 * {@code layout_symtab()} appends the kallsyms copies: to core the kept ("core") symbols, their
 * names and their types; to init the whole {@code .symtab} and {@code .strtab}, the
 * {@code struct mod_kallsyms} and a type for every symbol. Sections are found as
 * {@code find_sec()} finds them: the first allocated one of the name. Which symbols are kept
 * depends on {@code CONFIG_KALLSYMS_ALL}: with it data and per-cpu symbols too, without it
 * (Debian's 686 kernel) only those of text. Immutable.
 */
final class ModuleLayout {
    static final String MODINFO = ".modinfo";
    static final String VERSIONS = "__versions";
    static final String PERCPU = ".data..percpu";

    /** The core kallsyms copy: the kept symbols (Elf_Sym each), then their names, then their types. */
    static final String CORE_SYMTAB = "kallsyms symtab";
    static final String CORE_STRTAB = "kallsyms strtab";
    static final String CORE_TYPETAB = "kallsyms typetab";
    /** The init part: the whole symbol and string tables, the mod_kallsyms and a type per symbol. */
    static final String INIT_MOD_KALLSYMS = "mod_kallsyms";
    static final String INIT_TYPETAB = "kallsyms init typetab";

    private final ElfFile obj;
    private final int info;
    private final int versions;
    private final int percpu;
    private final Section symtab;
    private final Section strtab;
    private final List<Symbol> coreSymbols;
    private final long coreStrtabSize;
    private final int pointer;
    private final boolean kallsymsAll;

    private ModuleLayout(ElfFile obj, int info, int versions, int percpu, Section symtab, Section strtab,
            List<Symbol> coreSymbols, long coreStrtabSize, boolean kallsymsAll) {
        this.kallsymsAll = kallsymsAll;
        this.obj = obj;
        this.info = info;
        this.versions = versions;
        this.percpu = percpu;
        this.symtab = symtab;
        this.strtab = strtab;
        this.coreSymbols = List.copyOf(coreSymbols);
        this.coreStrtabSize = coreStrtabSize;
        this.pointer = obj.elfClass().equals(ElfClass.ELFCLASS64) ? 8 : 4;
    }

    /**
     * The decisions for {@code obj}; empty when it has no symbol table, which Linux refuses
     * ("module has no symbols (stripped?)"). The validated parser has checked the table's
     * sh_link.
     *
     * @param ignoreModversions MODULE_INIT_IGNORE_MODVERSIONS: {@code __versions} keeps SHF_ALLOC
     * @param kallsymsAll CONFIG_KALLSYMS_ALL
     */
    static Optional<ModuleLayout> of(ElfFile obj, boolean ignoreModversions, boolean kallsymsAll) {
        Optional<Section> table = obj.sections().stream()
                .filter(s -> s.index() > 0 && s.type().equals(SectionType.SHT_SYMTAB)).findFirst();
        if (table.isEmpty()) {
            return Optional.empty();
        }
        Section symtab = table.get();
        Section strtab = obj.section(symtab.header().link());
        int info = findSec(obj, MODINFO);
        int versions = ignoreModversions ? 0 : findSec(obj, VERSIONS);
        int percpu = findSec(obj, PERCPU);
        Set<Integer> cleared = new HashSet<>(List.of(info, versions, percpu));
        List<Symbol> core = new ArrayList<>();
        long strings = 0;
        for (Symbol s : obj.symbols()) {
            if (s.index() == 0 || isCoreSymbol(obj, s, cleared, percpu, kallsymsAll)) {
                core.add(s);
                strings += nameLength(s) + 1;
            }
        }
        return Optional.of(new ModuleLayout(obj, info, versions, percpu, symtab, strtab, core, strings, kallsymsAll));
    }

    /** find_sec(): the first section after 0 that has SHF_ALLOC and the name; 0 when none. */
    private static int findSec(ElfFile obj, String name) {
        for (Section s : obj.sections()) {
            if (s.index() > 0 && s.isAllocated() && s.name().equals(name)) {
                return s.index();
            }
        }
        return 0;
    }

    private static long nameLength(Symbol s) {
        return s.name().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /**
     * is_core_symbol(): defined in a real section and named; with CONFIG_KALLSYMS_ALL in the
     * per-cpu section or in a section that is still allocated and not laid out in init, without
     * it only in such a section that is also executable.
     */
    private static boolean isCoreSymbol(ElfFile obj, Symbol s, Set<Integer> cleared, int percpu, boolean all) {
        int shndx = s.rawShndx();
        if (shndx == SectionIndex.SHN_UNDEF || shndx >= obj.sections().size() || s.name().isEmpty()) {
            return false;
        }
        if (all && percpu != 0 && shndx == percpu) {
            return true;
        }
        Section sec = obj.section(shndx);
        boolean text = (sec.header().flags() & SectionFlags.SHF_EXECINSTR) != 0;
        return sec.isAllocated() && !cleared.contains(shndx) && (all || text) && !isInit(sec);
    }

    private static boolean isInit(Section s) {
        return s.name().startsWith(".init");
    }

    /** The section indices whose SHF_ALLOC Linux clears besides the per-cpu section's. */
    Set<Integer> unallocated() {
        Set<Integer> out = new HashSet<>();
        if (info != 0) {
            out.add(info);
        }
        if (versions != 0) {
            out.add(versions);
        }
        return Set.copyOf(out);
    }

    /** The per-cpu section, if the module has one (possibly empty). */
    Optional<Section> percpuSection() {
        return percpu == 0 ? Optional.empty() : Optional.of(obj.section(percpu));
    }

    /** The per-cpu section's index, 0 when there is none (Linux's {@code info->index.pcpu}). */
    int percpuIndex() {
        return percpu;
    }

    /** The bytes {@code percpu_modalloc()} asks for; 0 when there is nothing to allocate. */
    long percpuSize() {
        return percpuSection().map(Section::size).orElse(0L);
    }

    /** The alignment {@code percpu_modalloc()} asks for: sh_addralign, at most a page. */
    long percpuAlignment(long pageSize) {
        return percpuSection().map(s -> Math.min(Math.max(s.header().addralign(), 1), pageSize)).orElse(1L);
    }

    /**
     * The layout policy: core at {@code coreBase}, init at {@code initBase} (after core when
     * empty), per-cpu data at {@code percpuBase}, and the kallsyms reservations.
     */
    LayoutPolicy.Linux policy(long coreBase, OptionalLong initBase, long percpuBase) {
        Map<Integer, Long> detached = new HashMap<>();
        if (percpu != 0) {
            detached.put(percpu, percpuBase);
        }
        LayoutPolicy.Linux p = new LayoutPolicy.Linux(coreBase).withUnallocated(unallocated()).withDetached(detached)
                .withReservations(reservations());
        return initBase.isPresent() ? p.initAt(initBase.getAsLong()) : p;
    }

    /** layout_symtab()'s appendices, in its order. */
    private List<Reservation> reservations() {
        long symAlign = Math.max(symtab.header().addralign(), 1);
        long entry = symbolSize();
        List<Reservation> out = new ArrayList<>();
        out.add(new Reservation(symtab.name(), Region.INIT, symtab.size(), symAlign));
        out.add(new Reservation(CORE_SYMTAB, Region.CORE, coreSymbols.size() * entry, symAlign));
        out.add(new Reservation(CORE_STRTAB, Region.CORE, coreStrtabSize, 1));
        out.add(new Reservation(CORE_TYPETAB, Region.CORE, coreSymbols.size(), 1));
        out.add(new Reservation(strtab.name(), Region.INIT, strtab.size(), Math.max(strtab.header().addralign(), 1)));
        // struct mod_kallsyms { Elf_Sym *symtab; unsigned int num_symtab; char *strtab; char *typetab; }
        out.add(new Reservation(INIT_MOD_KALLSYMS, Region.INIT, 4 * pointer, pointer));
        out.add(new Reservation(INIT_TYPETAB, Region.INIT, symtab.size() / entry, 1));
        return out;
    }

    /** sizeof(Elf_Sym). */
    long symbolSize() {
        return obj.elfClass().equals(ElfClass.ELFCLASS64) ? 24 : 16;
    }

    /** The symbol table section. */
    Section symtab() {
        return symtab;
    }

    /** The string table of the symbol table. */
    Section strtab() {
        return strtab;
    }

    /** The symbols the core copy keeps, symbol 0 first, in symbol table order. */
    List<Symbol> coreSymbols() {
        return coreSymbols;
    }

    /** The size of the core copy's string table. */
    long coreStrtabSize() {
        return coreStrtabSize;
    }

    /** Whether symbol {@code s} is kept in the core copy. */
    boolean isCore(Symbol s) {
        return s.index() != 0
                && isCoreSymbol(obj, s, new HashSet<>(List.of(info, versions, percpu)), percpu, kallsymsAll);
    }

    /**
     * elf_type(): the letter kallsyms records for a symbol, from its binding and the flags of its
     * section after Linux's changes ({@code .modinfo}, {@code __versions} and the per-cpu section
     * are no longer allocated; a per-cpu symbol is {@code a}).
     *
     * @param smallDataFlag the architecture's ARCH_SHF_SMALL ({@code g}, {@code s}), 0 for none
     */
    char elfType(Symbol s, long smallDataFlag) {
        if (s.bind().equals(SymbolBinding.STB_WEAK)) {
            return s.type().equals(SymbolType.STT_OBJECT) ? 'v' : 'w';
        }
        int shndx = s.rawShndx();
        if (shndx == SectionIndex.SHN_UNDEF) {
            return 'U';
        }
        if (shndx == SectionIndex.SHN_ABS || (percpu != 0 && shndx == percpu)) {
            return 'a';
        }
        if (shndx >= SectionIndex.SHN_LORESERVE || shndx >= obj.sections().size()) {
            return '?';
        }
        Section sec = obj.section(shndx);
        long flags = sec.header().flags();
        boolean alloc = sec.isAllocated() && shndx != info && shndx != versions;
        boolean nobits = sec.type().equals(SectionType.SHT_NOBITS);
        if ((flags & SectionFlags.SHF_EXECINSTR) != 0) {
            return 't';
        }
        if (alloc && !nobits) {
            if ((flags & SectionFlags.SHF_WRITE) == 0) {
                return 'r';
            }
            return smallDataFlag != 0 && (flags & smallDataFlag) != 0 ? 'g' : 'd';
        }
        if (nobits) {
            return smallDataFlag != 0 && (flags & smallDataFlag) != 0 ? 's' : 'b';
        }
        return sec.name().startsWith(".debug") ? 'n' : '?';
    }

    /**
     * The sections /sys/module/NAME/sections lists, as section indices: allocated after Linux's
     * changes (which add {@code .symtab} and {@code .strtab}) and not empty, in index order.
     * Table placeholders are included: their size is the table's, which the caller knows.
     */
    List<Section> sysfsSections() {
        List<Section> out = new ArrayList<>();
        for (Section s : obj.sections()) {
            if (s.index() == 0) {
                continue;
            }
            boolean alloc = (s.isAllocated() && s.index() != info && s.index() != versions && s.index() != percpu)
                    || s.index() == symtab.index() || s.index() == strtab.index();
            if (alloc) {
                out.add(s);
            }
        }
        return out;
    }
}
