package org.modload.loader.testing.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Symbol;
import org.modload.loader.elf.SymbolBinding;

/**
 * The relocatable objects of one program as gcc built them, in link order, parsed once and reused
 * for every placement.
 *
 * @param paths the object files
 * @param objects each parsed (read-only; the oracle uses it to read the input, not to link)
 */
public record ObjectFiles(List<Path> paths, List<ElfFile> objects) {
    /** The name the linker defines for the GOT; never resolved from libc. */
    public static final String GOT_SYMBOL = "_GLOBAL_OFFSET_TABLE_";

    public ObjectFiles {
        paths = List.copyOf(paths);
        objects = List.copyOf(objects);
    }

    /** Reads and parses {@code paths}. */
    public static ObjectFiles read(List<Path> paths) {
        List<ElfFile> objects = new ArrayList<>();
        for (Path p : paths) {
            try {
                objects.add(ElfFile.parse(p.getFileName().toString(), ByteBuffer.wrap(Files.readAllBytes(p))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new ObjectFiles(paths, objects);
    }

    /**
     * The names that must come from outside the link: undefined in some object, defined in none
     * (a reference between the objects is the link's own business), and not the GOT symbol.
     */
    public Set<String> externalNames() {
        Set<String> defined = new LinkedHashSet<>();
        for (ElfFile o : objects) {
            for (Symbol s : o.symbols()) {
                if (!s.isUndefined() && !s.name().isEmpty() && s.index() > 0 && !isLocal(s)) {
                    defined.add(s.name());
                }
            }
        }
        Set<String> out = new LinkedHashSet<>();
        for (ElfFile o : objects) {
            for (Symbol s : o.symbols()) {
                if (s.index() > 0 && s.isUndefined() && !s.name().isEmpty() && !defined.contains(s.name())
                        && !s.name().equals(GOT_SYMBOL)) {
                    out.add(s.name());
                }
            }
        }
        return out;
    }

    /**
     * Whether some relocation of a type in {@code types} (psABI numbers) names an external
     * symbol: one of {@code names}, or any external name when {@code names} is empty.
     */
    public boolean references(Set<String> names, Set<Integer> types) {
        Set<String> external = externalNames();
        for (ElfFile o : objects) {
            for (org.modload.loader.elf.RelocationSection rs : o.relocationSections()) {
                for (org.modload.loader.elf.Relocation r : rs.entries()) {
                    String n = o.symbols().get(r.symbol()).name();
                    if (types.contains(r.type()) && external.contains(n) && (names.isEmpty() || names.contains(n))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether {@code s} is STB_LOCAL: seen only inside its own object. */
    static boolean isLocal(Symbol s) {
        return s.bind().equals(SymbolBinding.STB_LOCAL);
    }
}
