package org.modload.loader.link;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.modload.loader.diag.DuplicateSymbolException;
import org.modload.loader.diag.LayoutException;
import org.modload.loader.diag.Location;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.Symbol;
import org.modload.loader.elf.SymbolBinding;
import org.modload.loader.spi.Referent;

/**
 * What every symbol of every object of one link denotes, decided before layout as ld and
 * JITLink decide it: a global or weak name defined by some object binds every reference to
 * that definition (a strong one beats a weak one; two strong ones are refused), names the
 * architecture's tables define bind to those, and the rest are imported from the caller's
 * resolver. Immutable.
 */
final class Binding {
    private final List<ElfFile> objects;
    private final Referent[][] referents;
    /** Z: st_size of the definition each symbol binds to. */
    private final long[][] sizes;
    /** The definition each global name binds to, for {@link LoadedImage#definedSymbols()}. */
    private final Map<String, Definition> globals;
    /** Imported names in the order first met, with the first object and symbol that reference them. */
    private final Map<String, Reference> imports;

    /** A global definition: object and symbol. */
    record Definition(int object, Symbol symbol) {
        boolean strong() {
            return !symbol.bind().equals(SymbolBinding.STB_WEAK);
        }
    }

    /** The first reference to an imported name; weak when every reference to it is weak. */
    record Reference(int object, Symbol symbol, boolean weak) {
    }

    private final ComdatGroups groups;
    private final SectionFilter outside;

    private Binding(List<ElfFile> objects, Referent[][] referents, long[][] sizes, Map<String, Definition> globals,
            Map<String, Reference> imports, ComdatGroups groups, SectionFilter outside) {
        this.groups = groups;
        this.outside = outside;
        this.objects = objects;
        this.referents = referents;
        this.sizes = sizes;
        this.globals = globals;
        this.imports = imports;
    }

    /**
     * Binds the symbols of {@code objects}.
     *
     * @param placed whether a section of an object is loaded (allocated and not a table's placeholder)
     * @param linkSymbols the names the architecture's tables define
     * @param outside whether the layout policy keeps a section out of both regions (not
     *     allocated, or detached to an address of its own)
     * @throws DuplicateSymbolException for two strong definitions of one name
     * @throws LayoutException for a common symbol (Linux: "please compile with -fno-common")
     */
    static Binding of(List<ElfFile> objects, SectionFilter placed, Set<String> linkSymbols, ComdatGroups groups,
            SectionFilter outside) {
        Map<String, Definition> globals = new HashMap<>();
        for (int o = 0; o < objects.size(); o++) {
            ElfFile obj = objects.get(o);
            List<Symbol> syms = obj.symbols();
            for (int i = 1; i < syms.size(); i++) {
                Symbol s = syms.get(i);
                if (s.isCommon()) {
                    Section symtab = obj.symbolTable().orElseThrow();
                    throw new LayoutException(Location.ofSection(obj.name(), symtab.index(), symtab.name()),
                            "common symbol '" + s.name() + "' cannot be loaded (compile with -fno-common)");
                }
                if (s.isUndefined() || s.name().isEmpty() || s.bind().equals(SymbolBinding.STB_LOCAL)
                        || (s.isInSection() && groups.discarded(o, s.shndx()))) {
                    continue; // a definition in a discarded COMDAT group binds to the kept group's
                }
                Definition d = new Definition(o, s);
                Definition prior = globals.putIfAbsent(s.name(), d);
                if (prior != null && objects.size() > 1 && prior.object() != o) {
                    if (prior.strong() && d.strong()) {
                        Section symtab = obj.symbolTable().orElseThrow();
                        throw new DuplicateSymbolException(Location.ofSection(obj.name(), symtab.index(),
                                symtab.name()), s.name(), objects.get(prior.object()).name());
                    }
                    if (!prior.strong() && d.strong()) {
                        globals.put(s.name(), d);
                    }
                }
            }
        }
        Referent[][] referents = new Referent[objects.size()][];
        long[][] sizes = new long[objects.size()][];
        Map<String, Reference> imports = new LinkedHashMap<>();
        for (int o = 0; o < objects.size(); o++) {
            ElfFile obj = objects.get(o);
            List<Symbol> syms = obj.symbols();
            Referent[] r = new Referent[syms.size()];
            long[] z = new long[syms.size()];
            if (r.length > 0) { // an object without a symbol table has not even the null symbol
                r[0] = new Referent.Absolute(0);
            }
            for (int i = 1; i < syms.size(); i++) {
                Symbol s = syms.get(i);
                Symbol def = s;
                int defObject = o;
                boolean global = !s.name().isEmpty() && !s.bind().equals(SymbolBinding.STB_LOCAL);
                Definition d = global ? globals.get(s.name()) : null;
                if (d != null) {
                    def = d.symbol();
                    defObject = d.object();
                } else if (global && s.isInSection() && groups.discarded(o, s.shndx())) {
                    r[i] = new Referent.Absolute(0);
                    continue;
                }
                z[i] = def.size();
                if (def.isUndefined()) {
                    if (s.name().isEmpty()) {
                        r[i] = new Referent.Absolute(0);
                    } else if (linkSymbols.contains(s.name())) {
                        r[i] = new Referent.LinkSymbol(s.name());
                    } else {
                        r[i] = new Referent.Imported(s.name());
                        boolean weak = s.bind().equals(SymbolBinding.STB_WEAK);
                        Reference prior = imports.get(s.name());
                        if (prior == null) {
                            imports.put(s.name(), new Reference(o, s, weak));
                        } else if (prior.weak() && !weak) {
                            imports.put(s.name(), new Reference(o, s, false));
                        }
                    }
                } else if (def.isInSection() && placed.test(defObject, def.shndx())) {
                    r[i] = new Referent.Internal(defObject, objects.get(defObject).section(def.shndx()), def.value());
                } else {
                    // Absolute symbols, and those of sections that are not loaded (address 0, as in Linux).
                    r[i] = new Referent.Absolute(def.value());
                }
            }
            referents[o] = r;
            sizes[o] = z;
        }
        return new Binding(List.copyOf(objects), referents, sizes, Map.copyOf(globals), imports, groups, outside);
    }

    /** Whether section {@code index} of object {@code object} is loaded. */
    @FunctionalInterface
    interface SectionFilter {
        boolean test(int object, int index);
    }

    List<ElfFile> objects() {
        return objects;
    }

    /** Whether section {@code index} of object {@code object} belongs to a discarded COMDAT group. */
    boolean discarded(int object, int index) {
        return groups.discarded(object, index);
    }

    /**
     * Whether section {@code index} of object {@code object} is laid out in neither region:
     * discarded, or kept out by the layout policy.
     */
    boolean notInRegions(int object, int index) {
        return groups.discarded(object, index) || outside.test(object, index);
    }

    Referent referent(int object, int symbol) {
        return referents[object][symbol];
    }

    long size(int object, int symbol) {
        return sizes[object][symbol];
    }

    /** Imported names in the order first met. */
    Map<String, Reference> imports() {
        return imports;
    }

    /** The definitions of global and weak names, each the one references bind to. */
    List<Definition> definitions() {
        List<Definition> out = new ArrayList<>(globals.values());
        out.sort((a, b) -> a.object() != b.object() ? Integer.compare(a.object(), b.object())
                : Integer.compare(a.symbol().index(), b.symbol().index()));
        return out;
    }
}
