package org.modload.kernel.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.modload.kernel.model.ModuleSection;
import org.modload.loader.elf.Section;
import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.PlacedSection;

/**
 * {@code add_sect_attrs()}: the entries of /sys/module/NAME/sections, one per section that is
 * allocated after Linux's changes and not empty ({@code sect_empty()}), in section header
 * order, each with the {@code sh_addr} the load gave it: the placed section's address, the
 * table's for an architecture's placeholder section (Linux sizes the placeholder itself), and
 * the init copy's for {@code .symtab} and {@code .strtab}.
 */
final class SectionAttributes {
    private SectionAttributes() {
    }

    static List<ModuleSection> of(ModuleLayout layout, LoadPlan plan) {
        List<ModuleSection> out = new ArrayList<>();
        for (Section s : layout.sysfsSections()) {
            Optional<Placement> p = placement(layout, plan, s);
            if (p.isPresent() && p.get().size() > 0) {
                out.add(new ModuleSection(s.name(), s.index(), p.get().address()));
            }
        }
        return List.copyOf(out);
    }

    private record Placement(long address, long size) {
    }

    private static Optional<Placement> placement(ModuleLayout layout, LoadPlan plan, Section s) {
        if (s.index() == layout.symtab().index() || s.index() == layout.strtab().index()) {
            return plan.reserved(s.name()).map(r -> new Placement(r.address(), r.size()));
        }
        Optional<PlacedSection> placed = plan.section(s.index());
        if (placed.isPresent()) {
            return Optional.of(new Placement(placed.get().address(), placed.get().size()));
        }
        return plan.table(s.name()).map(t -> new Placement(t.address(), t.size()));
    }
}
