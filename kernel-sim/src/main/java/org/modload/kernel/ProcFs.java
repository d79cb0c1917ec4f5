package org.modload.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.SectionFlags;
import org.modload.loader.elf.SectionType;
import org.modload.loader.elf.Symbol;
import org.modload.loader.elf.SymbolBinding;
import org.modload.loader.elf.SymbolType;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.Region;

/** The kernel's /proc files about modules, formatted as Linux 6.1 prints them. */
public final class ProcFs {
    private ProcFs() {
    }

    /**
     * /proc/modules (m_show): {@code name size refcount holders, state address [taints]}, the most
     * recently loaded module first, holders most recent first, {@code -} when there are none.
     */
    public static List<String> modules(Kernel kernel) {
        List<String> out = new ArrayList<>();
        for (Module m : kernel.modules()) {
            StringBuilder sb = new StringBuilder();
            sb.append(m.name()).append(' ').append(m.size()).append(' ').append(m.refcount()).append(' ');
            List<String> holders = new ArrayList<>(m.usedBy());
            java.util.Collections.reverse(holders);
            boolean printed = false;
            for (String h : holders) {
                sb.append(h).append(',');
                printed = true;
            }
            if (m.hasInit() && !m.hasExit()) {
                sb.append("[permanent],");
                printed = true;
            }
            if (!printed) {
                sb.append('-');
            }
            sb.append(' ').append(m.state().procName());
            sb.append(String.format(" 0x%016x", m.coreBase()));
            Set<Module.Taint> taints = m.taints();
            if (!taints.isEmpty()) {
                StringBuilder t = new StringBuilder();
                for (Module.Taint x : Module.Taint.values()) {
                    if (taints.contains(x)) {
                        t.append(x.letter());
                    }
                }
                sb.append(" (").append(t).append(')');
            }
            out.add(sb.toString());
        }
        return out;
    }

    /**
     * /proc/kallsyms: the kernel's exports ({@code T}), then every loaded module's named symbols
     * defined in its placed sections, typed as nm does ({@code t} text, {@code r} read-only,
     * {@code d} data, {@code b} bss; upper case when global) and tagged {@code [module]}.
     */
    public static List<String> kallsyms(Kernel kernel, boolean wide) {
        List<String> out = new ArrayList<>();
        String fmt = wide ? "%016x %c %s" : "%08x %c %s";
        for (KernelSymbol s : kernel.config().exports()) {
            out.add(String.format(fmt, s.address(), 'T', s.name()));
        }
        List<Module> mods = new ArrayList<>(kernel.modules());
        java.util.Collections.reverse(mods);
        for (Module m : mods) {
            for (ModuleSymbol s : m.symbols()) {
                if (s.init() && m.state() == ModuleState.LIVE) {
                    continue; // released with the init region
                }
                out.add(String.format(fmt, s.address(), s.type(), s.name()) + "\t[" + m.name() + "]");
            }
        }
        return out;
    }

    /** The kallsyms entries of a just-relocated module: named symbols defined in placed sections. */
    static List<ModuleSymbol> symbols(ElfFile obj, LoadedImage image) {
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
            char c = letter(obj, s.shndx());
            if (!s.bind().equals(SymbolBinding.STB_LOCAL)) {
                c = Character.toUpperCase(c);
            }
            out.add(new ModuleSymbol(s.name(), image.symbols().value(s.index()), c, p.region() == Region.INIT));
        }
        return out;
    }

    private static char letter(ElfFile obj, int shndx) {
        var h = obj.section(shndx).header();
        if ((h.flags() & SectionFlags.SHF_EXECINSTR) != 0) {
            return 't';
        }
        if ((h.flags() & SectionFlags.SHF_WRITE) == 0) {
            return 'r';
        }
        return h.type().equals(SectionType.SHT_NOBITS) ? 'b' : 'd';
    }
}
