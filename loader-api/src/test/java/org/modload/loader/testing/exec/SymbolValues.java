package org.modload.loader.testing.exec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Symbol;
import org.modload.loader.elf.SymbolBinding;

/**
 * S for every symbol of a link, from sources independent of the linker's relocation work: the
 * objects' symbol tables plus where the image put each section, runimage's dlsym answers for the
 * externals, and ld's rules between objects (a strong definition beats a weak one; an unresolved
 * weak reference is 0).
 */
public final class SymbolValues {
    private final ObjectFiles input;
    private final LinkedImage image;
    private final Map<String, OptionalLong> external;
    private final Map<String, Definition> globals = new HashMap<>();

    private record Definition(int object, Symbol symbol) {
    }

    /** The values for {@code image}, linked from {@code input} with {@code external} (runimage's answers). */
    public SymbolValues(ObjectFiles input, LinkedImage image, Map<String, OptionalLong> external) {
        this.input = input;
        this.image = image;
        this.external = Map.copyOf(external);
        List<ElfFile> objects = input.objects();
        for (int i = 0; i < objects.size(); i++) {
            for (Symbol s : objects.get(i).symbols()) {
                if (s.index() == 0 || s.isUndefined() || s.name().isEmpty() || ObjectFiles.isLocal(s)) {
                    continue;
                }
                Definition d = globals.get(s.name());
                if (d == null || isWeak(d.symbol()) && !isWeak(s)) {
                    globals.put(s.name(), new Definition(i, s));
                }
            }
        }
    }

    private static boolean isWeak(Symbol s) {
        return s.bind().equals(SymbolBinding.STB_WEAK);
    }

    /** S of symbol {@code s} of object {@code object}; empty when it resolves to nothing. */
    public OptionalLong value(int object, Symbol s) {
        if (!s.name().isEmpty() && !ObjectFiles.isLocal(s)) {
            Definition d = globals.get(s.name());
            if (d != null && (s.isUndefined() || isWeak(s) && !isWeak(d.symbol()))) {
                return defined(d.object(), d.symbol());
            }
        }
        if (s.isUndefined()) {
            OptionalLong a = external.getOrDefault(s.name(), OptionalLong.empty());
            return a.isPresent() || !isWeak(s) ? a : OptionalLong.of(0);
        }
        return defined(object, s);
    }

    private OptionalLong defined(int object, Symbol s) {
        if (s.isInSection()) {
            OptionalLong base = image.sectionAddress(object, s.shndx());
            return base.isPresent() ? OptionalLong.of(base.getAsLong() + s.value()) : base;
        }
        return OptionalLong.of(s.value()); // SHN_ABS
    }

    /** The input this resolves for. */
    public ObjectFiles input() {
        return input;
    }

    /**
     * The global definitions of the objects, by name, with their addresses: what one object gives
     * the others (for GNU ld's {@code --defsym} when it links a single object of the set).
     */
    public Map<String, Long> definitionsOutside(int object) {
        Map<String, Long> out = new HashMap<>();
        globals.forEach((name, d) -> {
            if (d.object() != object) {
                defined(d.object(), d.symbol()).ifPresent(v -> out.put(name, v));
            }
        });
        return out;
    }
}
