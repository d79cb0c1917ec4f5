package org.modload.loader.link;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import org.modload.loader.diag.RelocationException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.Symbol;
import org.modload.loader.elf.SymbolType;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.RelocationSite;

/**
 * Walks the relocations the engine applies, in file order: every entry of every relocation
 * section whose target section is placed (Linux skips the others), across the objects of one
 * link in link order, each as a {@link RelocationSite} with its row looked up once.
 */
final class Sites {
    private final Architecture arch;
    private final Binding binding;
    private final Profile profile;
    private final Symbol[][] shown;

    Sites(Architecture arch, Binding binding, Profile profile) {
        this.arch = arch;
        this.binding = binding;
        this.profile = profile;
        this.shown = new Symbol[binding.objects().size()][];
    }

    List<ElfFile> objects() {
        return binding.objects();
    }

    boolean notInRegions(int object, int index) {
        return binding.notInRegions(object, index);
    }

    /** Receives each site with its addend (r_addend, or the implicit one for SHT_REL). */
    interface Visitor {
        void visit(RelocationSite site, long addend);
    }

    /** Supplies the memory and place of a section's sites. */
    interface Memory {
        /** The section's memory, or empty when it is not placed. */
        Optional<ByteBuffer> of(int object, Section target);

        /** The address of the placed section (0 while planning). */
        long address(int object, Section target);
    }

    /**
     * Visits every applied site. When {@code relocating}, a type the psABI does not name or the
     * profile does not apply is refused, located, and sites carry their place; while planning
     * such sites are skipped (the refusal comes from relocation, in file order) and the place is 0.
     */
    void walk(Memory memory, boolean relocating, Visitor visitor) {
        List<ElfFile> objects = binding.objects();
        for (int o = 0; o < objects.size(); o++) {
            ElfFile obj = objects.get(o);
            for (RelocationSection rs : obj.relocationSections()) {
                Section target = rs.target();
                Optional<ByteBuffer> mem = memory.of(o, target);
                if (mem.isEmpty()) {
                    continue;
                }
                long base = memory.address(o, target);
                ByteBuffer m = mem.get();
                for (int i = 0; i < rs.size(); i++) {
                    visit(o, rs, m, base, i, relocating, visitor);
                }
            }
        }
    }

    /**
     * Visits entry {@code i} of {@code rs} of object {@code o}, whose target's memory is
     * {@code m} at address {@code base}, as {@link #walk} does: the general path, also taken by
     * the engine's hot loop for each relocation that loop leaves to the architecture's write.
     */
    void visit(int o, RelocationSection rs, ByteBuffer m, long base, int i, boolean relocating, Visitor visitor) {
        ElfFile obj = binding.objects().get(o);
        List<Symbol> syms = obj.symbols();
        if (shown[o] == null) {
            shown[o] = new Symbol[syms.size()];
        }
        Section target = rs.target();
        Relocation r = rs.entry(i);
        Optional<RelocationType> row = arch.relocationType(r.type());
        Symbol display = display(o, obj, syms, r.symbol());
        if (row.isEmpty() || !arch.applies(row.get(), profile)) {
            if (relocating) {
                String name = row.map(RelocationType::name).orElse(arch.relocationName(r.type()));
                String why = row.map(t -> arch.whyNot(t, profile)).orElse("");
                throw RelocationException.unsupported(org.modload.loader.diag.Location.ofPlace(obj.name(),
                        target.index(), target.name(), r.offset()), name, display.name(), why);
            }
            return;
        }
        RelocationSite site = new RelocationSite(obj.name(), o, target, r, row.get(), display,
                binding.referent(o, r.symbol()), relocating ? base + r.offset() : 0, m);
        long addend = r.addend().isPresent() ? r.addend().getAsLong() : arch.implicitAddend(site);
        visitor.visit(site, addend);
    }

    private Symbol display(int o, ElfFile obj, List<Symbol> syms, int index) {
        Symbol d = shown[o][index];
        if (d == null) {
            d = displayed(obj, syms.get(index));
            shown[o][index] = d;
        }
        return d;
    }

    /** A section symbol has no name of its own; messages name its section instead, as lld does. */
    private static Symbol displayed(ElfFile obj, Symbol s) {
        if (s.type().equals(SymbolType.STT_SECTION) && s.name().isEmpty() && s.isInSection()) {
            String n = obj.section(s.shndx()).name();
            return new Symbol(s.index(), n, s.value(), s.size(), s.type(), s.bind(), s.visibility(), s.other(),
                    s.rawShndx(), s.shndx());
        }
        return s;
    }
}
