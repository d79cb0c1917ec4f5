package org.modload.kernel.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.modload.kernel.model.KernelSymbol;
import org.modload.kernel.model.MemoryRange;
import org.modload.kernel.model.ModuleSymbol;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.SectionFlags;
import org.modload.loader.elf.SectionType;
import org.modload.loader.elf.Symbol;
import org.modload.loader.elf.SymbolBinding;
import org.modload.loader.elf.SymbolType;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.Region;
import org.modload.loader.link.ReservedRange;

/**
 * A module's kallsyms, as Linux 6.1's {@code add_kallsyms()} makes them once the module is
 * relocated, so that the object itself can be freed: a type for every symbol
 * ({@code elf_type()}), and a copy of the core symbols (symbol 0 and those
 * {@code is_core_symbol()} keeps) with their names and types at the end of core memory, where
 * {@link ModuleLayout} reserved room. /proc/kallsyms prints every named symbol of the full
 * table while the module's init runs and the core copy afterwards, in symbol table order; a
 * symbol's letter is upper case only when the module exports it with {@code EXPORT_SYMBOL} at
 * that value ({@code is_exported()} searches the module's {@code __ksymtab}, not
 * {@code __ksymtab_gpl}).
 */
final class Kallsyms {
    /**
     * What {@link #of} made.
     *
     * @param symbols every named symbol, each marked whether only the full table lists it
     * @param memory the core copy: its symbol table, string table and type table, each at its
     *     reserved address
     */
    record Table(List<ModuleSymbol> symbols, List<MemoryRange> memory) {
        Table {
            symbols = List.copyOf(symbols);
            memory = List.copyOf(memory);
        }
    }

    private Kallsyms() {
    }

    /**
     * The kallsyms of a just-relocated module.
     *
     * @param exports the module's exports, as read from its relocated export tables
     * @param smallDataFlag the architecture's ARCH_SHF_SMALL, 0 for none
     */
    static Table of(ElfFile obj, LoadedImage image, ModuleLayout layout, List<KernelSymbol> exports,
            long smallDataFlag) {
        Map<String, Long> exported = new HashMap<>();
        for (KernelSymbol e : exports) {
            if (!e.gplOnly()) {
                exported.putIfAbsent(e.name(), e.address());
            }
        }
        List<ModuleSymbol> out = new ArrayList<>();
        for (Symbol s : obj.symbols()) {
            if (s.index() == 0 || s.name().isEmpty()) {
                continue; // s_show(): symbols without a name are not printed
            }
            long value = image.symbols().value(s.index());
            char type = layout.elfType(s, smallDataFlag);
            Long e = exported.get(s.name());
            char shown = e != null && e == value ? Character.toUpperCase(type) : Character.toLowerCase(type);
            out.add(new ModuleSymbol(s.name(), value, shown, !layout.isCore(s)));
        }
        return new Table(out, copy(obj, image, layout, smallDataFlag));
    }

    /**
     * The kallsyms of a module 2.4's insmod relocated in userspace: the named symbols defined in
     * its placed sections, typed as nm does ({@code t} text, {@code r} read-only, {@code d} data,
     * {@code b} bss, upper case when global); 2.4's kernel made no copy of a symbol table, so the
     * table has no memory.
     */
    static Table legacy(ElfFile obj, LoadedImage image) {
        List<ModuleSymbol> out = new ArrayList<>();
        for (Symbol s : obj.symbols()) {
            if (s.name().isEmpty() || !s.isInSection() || s.type().equals(SymbolType.STT_SECTION)
                    || s.type().equals(SymbolType.STT_FILE)) {
                continue;
            }
            PlacedSection p = image.plan().section(s.shndx()).orElse(null);
            if (p == null) {
                continue;
            }
            char c = nmLetter(obj, s.shndx());
            if (!s.bind().equals(SymbolBinding.STB_LOCAL)) {
                c = Character.toUpperCase(c);
            }
            out.add(new ModuleSymbol(s.name(), image.symbols().value(s.index()), c, p.region() == Region.INIT));
        }
        return new Table(out, List.of());
    }

    private static char nmLetter(ElfFile obj, int shndx) {
        var h = obj.section(shndx).header();
        if ((h.flags() & SectionFlags.SHF_EXECINSTR) != 0) {
            return 't';
        }
        if ((h.flags() & SectionFlags.SHF_WRITE) == 0) {
            return 'r';
        }
        return h.type().equals(SectionType.SHT_NOBITS) ? 'b' : 'd';
    }

    /** The core copy, Elf_Sym by Elf_Sym as {@code add_kallsyms()} writes it. */
    private static List<MemoryRange> copy(ElfFile obj, LoadedImage image, ModuleLayout layout, long smallDataFlag) {
        ByteOrder order = obj.data().order();
        boolean wide = obj.elfClass().equals(ElfClass.ELFCLASS64);
        int entry = (int) layout.symbolSize();
        List<Symbol> kept = layout.coreSymbols();
        ByteBuffer symtab = ByteBuffer.allocate(kept.size() * entry).order(order);
        ByteBuffer strtab = ByteBuffer.allocate(Math.toIntExact(layout.coreStrtabSize())).order(order);
        ByteBuffer typetab = ByteBuffer.allocate(kept.size()).order(order);
        ByteBuffer source = layout.symtab().bytes().order(order);
        ByteBuffer names = layout.strtab().bytes();
        for (int n = 0; n < kept.size(); n++) {
            Symbol s = kept.get(n);
            int at = n * entry;
            symtab.put(at, source, s.index() * entry, entry);
            symtab.putInt(at, strtab.position());
            if (s.index() != 0) {
                // simplify_symbols() has made st_value the symbol's address.
                long value = image.symbols().value(s.index());
                if (wide) {
                    symtab.putLong(at + 8, value);
                } else {
                    symtab.putInt(at + 4, (int) value);
                }
            }
            copyName(names, nameOffset(source, s.index() * entry), strtab);
            typetab.put(n, (byte) layout.elfType(s, smallDataFlag));
        }
        List<MemoryRange> out = new ArrayList<>();
        out.add(range(image, ModuleLayout.CORE_SYMTAB, symtab));
        out.add(range(image, ModuleLayout.CORE_STRTAB, strtab.position(0)));
        out.add(range(image, ModuleLayout.CORE_TYPETAB, typetab));
        return out;
    }

    private static int nameOffset(ByteBuffer symtab, int at) {
        return symtab.getInt(at);
    }

    /** Appends the NUL-terminated string at {@code offset} of {@code names}, its NUL included. */
    private static void copyName(ByteBuffer names, int offset, ByteBuffer to) {
        int i = offset;
        while (i < names.limit() && names.get(i) != 0) {
            to.put(names.get(i++));
        }
        to.put((byte) 0);
    }

    private static MemoryRange range(LoadedImage image, String name, ByteBuffer bytes) {
        ReservedRange r = image.plan().reserved(name).orElseThrow();
        return new MemoryRange(name, r.address(), bytes);
    }
}
