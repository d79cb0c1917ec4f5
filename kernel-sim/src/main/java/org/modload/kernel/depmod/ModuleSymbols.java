package org.modload.kernel.depmod;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.modload.kernel.modinfo.ModuleVersions;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.SectionIndex;
import org.modload.loader.elf.SectionType;
import org.modload.loader.elf.Symbol;
import org.modload.loader.elf.SymbolBinding;

/**
 * What depmod reads from one module: the symbols it exports and the symbols it needs, each in
 * the order kmod (libkmod-elf.c) reads them, since that order decides kmod's dependency order.
 *
 * @param exported exported symbols: the symbol table's {@code __crc_NAME} symbols (the CRC read
 *     where the symbol points, as {@code kmod_elf_resolve_crc} reads it), or, when there are none
 *     (no CONFIG_MODVERSIONS), every string of {@code __ksymtab_strings} (which on 6.x kernels also
 *     holds namespace names, as kmod reads it) with CRC 0
 * @param imports needed symbols: each undefined symbol-table entry with a name, in table order,
 *     then each {@code __versions} entry no undefined symbol matched, in section order
 */
public record ModuleSymbols(List<ExportedSymbol> exported, List<ImportedSymbol> imports) {

    private static final String CRC_PREFIX = "__crc_";

    /** kmod's {@code (uint64_t)-1}: a CRC that could not be read. */
    static final long BAD_CRC = -1L;

    public ModuleSymbols {
        exported = List.copyOf(exported);
        imports = List.copyOf(imports);
    }

    /** The exported symbols' names, in order. */
    public List<String> exports() {
        return exported.stream().map(ExportedSymbol::name).toList();
    }

    /**
     * Reads a parsed module's exports and imports. Never fails: like kmod, a module without
     * {@code .symtab}/{@code .strtab} simply needs nothing, and a {@code __versions} section whose
     * size is not a multiple of 64 is ignored.
     */
    public static ModuleSymbols of(ElfFile module) {
        Objects.requireNonNull(module, "module");
        boolean tables = module.symbolTable().isPresent()
                && module.section(".symtab").isPresent() && module.section(".strtab").isPresent();
        List<ExportedSymbol> exports = new ArrayList<>();
        if (tables) {
            for (Symbol s : module.symbols()) {
                if (s.index() > 0 && s.name().startsWith(CRC_PREFIX)) {
                    exports.add(new ExportedSymbol(s.name().substring(CRC_PREFIX.length()), crc(module, s)));
                }
            }
        }
        if (exports.isEmpty()) {
            for (String name : ksymtabStrings(module)) {
                exports.add(new ExportedSymbol(name, 0));
            }
        }
        return new ModuleSymbols(exports, tables ? imports(module) : List.of());
    }

    /**
     * {@code kmod_elf_resolve_crc}: an absolute or undefined {@code __crc_} symbol's value is the
     * CRC; otherwise the 32-bit word at that offset of its section, or -1 beyond it.
     */
    private static long crc(ElfFile module, Symbol s) {
        int shndx = s.rawShndx();
        if (shndx == SectionIndex.SHN_ABS || shndx == SectionIndex.SHN_UNDEF) {
            return s.value();
        }
        if (shndx >= module.sections().size()) {
            return BAD_CRC;
        }
        Section section = module.section(shndx);
        long size = section.header().size();
        if (size < 4 || Long.compareUnsigned(s.value(), size - 4) > 0) {
            return BAD_CRC;
        }
        ByteBuffer b = section.fileBytes().order(module.data().order());
        if (s.value() + 4 > b.remaining()) {
            return BAD_CRC;
        }
        return b.getInt((int) s.value()) & 0xffffffffL;
    }

    /** The non-empty NUL-terminated strings of {@code __ksymtab_strings} (the last may lack its NUL). */
    private static List<String> ksymtabStrings(ElfFile module) {
        byte[] bytes = contents(module.section("__ksymtab_strings"));
        int start = 0;
        while (start < bytes.length && bytes[start] == 0) {
            start++;
        }
        // kmod gives up on what remains after the padding if it is a single byte.
        if (bytes.length - start <= 1) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        int last = start;
        for (int i = start; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == 0) {
                if (i > last) {
                    out.add(new String(bytes, last, i - last, StandardCharsets.UTF_8));
                }
                last = i + 1;
            }
        }
        return out;
    }

    private static List<ImportedSymbol> imports(ElfFile module) {
        List<ModuleVersions.Entry> versions = versions(module);
        boolean[] visited = new boolean[versions.size()];
        Map<String, Integer> firstVersion = new HashMap<>();
        for (int i = 0; i < versions.size(); i++) {
            firstVersion.putIfAbsent(versions.get(i).name(), i);
        }
        List<ImportedSymbol> out = new ArrayList<>();
        for (Symbol s : module.symbols()) {
            if (s.index() == 0 || !s.isUndefined() || s.name().isEmpty()) {
                continue;
            }
            Integer v = firstVersion.get(s.name());
            long crc = 0;
            if (v != null) {
                visited[v] = true;
                crc = versions.get(v).crc();
            }
            out.add(new ImportedSymbol(s.name(), s.bind().equals(SymbolBinding.STB_WEAK), crc));
        }
        // kmod also needs what only __versions names (module_layout and the like).
        for (int i = 0; i < versions.size(); i++) {
            if (!visited[i]) {
                out.add(new ImportedSymbol(versions.get(i).name(), false, versions.get(i).crc()));
            }
        }
        return out;
    }

    /** The {@code __versions} entries, or none if the section is absent or ragged (as kmod). */
    private static List<ModuleVersions.Entry> versions(ElfFile module) {
        ModuleVersions v = ModuleVersions.read(module);
        return v.ragged() ? List.of() : v.entries();
    }

    private static byte[] contents(Optional<Section> section) {
        if (section.isEmpty() || section.get().type().equals(SectionType.SHT_NOBITS)) {
            return new byte[0];
        }
        ByteBuffer b = section.get().bytes();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
