package org.modload.kernel.core;

import java.util.ArrayList;
import java.util.List;

import org.modload.kernel.model.ModuleSymbol;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.SectionFlags;
import org.modload.loader.elf.SectionType;
import org.modload.loader.elf.Symbol;
import org.modload.loader.elf.SymbolBinding;
import org.modload.loader.elf.SymbolType;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.Region;

/**
 * A module's kallsyms entries, copied at load time as Linux's {@code add_kallsyms} copies them so
 * that the object itself can be freed: the named symbols defined in its placed sections, typed
 * as nm does.
 */
final class Kallsyms {
    private Kallsyms() {
    }

    /**
     * The entries of a just-relocated module: {@code t} text, {@code r} read-only, {@code d}
     * data, {@code b} bss, upper case when global.
     */
    static List<ModuleSymbol> of(ElfFile obj, LoadedImage image) {
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
