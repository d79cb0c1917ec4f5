package org.modload.loader.link;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.modload.loader.spi.LinkSymbols;
import org.modload.loader.spi.Reach;
import org.modload.loader.spi.Referent;
import org.modload.loader.spi.RelocationSite;

/**
 * What is known of addresses at one moment of a link: nothing (before layout), a trial or the
 * final layout, and the imported symbols' values when the caller resolved them before layout.
 * The table rule sees the link only through the {@link Reach} made from it. Immutable.
 */
final class Knowledge {
    private final long[][] sectionAddress;
    private final boolean[][] placed;
    private final Map<String, Long> linkSymbols;
    private final Map<String, Long> imports;
    private final boolean laidOut;
    private final OptionalLong got;
    private final OptionalLong gp;
    private final OptionalLong coreBase;
    private final OptionalLong initBase;

    private Knowledge(long[][] sectionAddress, boolean[][] placed, Map<String, Long> linkSymbols,
            Map<String, Long> imports, boolean laidOut, OptionalLong coreBase, OptionalLong initBase) {
        this.sectionAddress = sectionAddress;
        this.placed = placed;
        this.linkSymbols = linkSymbols;
        this.imports = imports;
        this.laidOut = laidOut;
        this.got = optional(linkSymbols.get(LinkSymbols.GLOBAL_OFFSET_TABLE));
        this.gp = optional(linkSymbols.get(LinkSymbols.GP));
        this.coreBase = coreBase;
        this.initBase = initBase;
    }

    private static OptionalLong optional(Long v) {
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** Before layout; {@code imports} is empty when the caller resolves after layout. */
    static Knowledge before(Map<String, Long> imports) {
        return new Knowledge(new long[0][], new boolean[0][], Map.of(), imports, false, OptionalLong.empty(),
                OptionalLong.empty());
    }

    /** After the layout {@code laid}, with the link symbols it defines. */
    static Knowledge after(int objects, Layouter.Laid laid, Map<String, Long> linkSymbols, Map<String, Long> imports,
            int[] sectionCounts) {
        long[][] addr = new long[objects][];
        boolean[][] placed = new boolean[objects][];
        for (int o = 0; o < objects; o++) {
            addr[o] = new long[sectionCounts[o]];
            placed[o] = new boolean[sectionCounts[o]];
        }
        for (List<PlacedSection> pieces : List.of(laid.placed(), laid.detached())) {
            for (PlacedSection p : pieces) {
                if (!p.isTable()) {
                    addr[p.object()][p.sectionIndex()] = p.address();
                    placed[p.object()][p.sectionIndex()] = true;
                }
            }
        }
        return new Knowledge(addr, placed, Map.copyOf(linkSymbols), imports, true, OptionalLong.of(laid.coreBase()),
                OptionalLong.of(laid.initBase()));
    }

    boolean laidOut() {
        return laidOut;
    }

    /** Whether imported symbols' values were known when this was made. */
    boolean importsKnown() {
        return !imports.isEmpty();
    }

    Map<String, Long> imports() {
        return imports;
    }

    Map<String, Long> linkSymbols() {
        return linkSymbols;
    }

    /** The address of a placed or detached section, once laid out. */
    OptionalLong sectionAddress(int object, int index) {
        if (!laidOut || index < 0 || index >= placed[object].length || !placed[object][index]) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(sectionAddress[object][index]);
    }

    /** S for {@code r}, when known now. */
    OptionalLong symbol(Referent r) {
        if (r instanceof Referent.Internal in) {
            OptionalLong base = sectionAddress(in.object(), in.section().index());
            return base.isPresent() ? OptionalLong.of(base.getAsLong() + in.value()) : OptionalLong.empty();
        }
        if (r instanceof Referent.Absolute abs) {
            return OptionalLong.of(abs.value());
        }
        if (r instanceof Referent.LinkSymbol ls) {
            return optional(linkSymbols.get(ls.name()));
        }
        return optional(imports.get(((Referent.Imported) r).name()));
    }

    /** What the table rule may see of {@code site}'s addresses now. */
    Reach reach(RelocationSite site) {
        if (!laidOut && imports.isEmpty()) {
            return Reach.UNKNOWN;
        }
        OptionalLong base = sectionAddress(site.object(), site.target().index());
        OptionalLong place = base.isPresent() ? OptionalLong.of(base.getAsLong() + site.offset()) : OptionalLong.empty();
        return new Reach(place, symbol(site.referent()), got, gp, coreBase, initBase);
    }
}
