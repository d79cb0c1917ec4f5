package org.modload.kernel.model;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.modload.loader.link.LoadedImage;
import org.modload.loader.spi.RegisteredTable;

/**
 * One module as callers see it at one moment: a copy taken with the kernel's module mutex held,
 * so that its state, references and dependency edges agree with each other. Later changes of
 * the module are not reflected; ask the kernel again.
 *
 * @param name the module name
 * @param file the file it was loaded from, for messages
 * @param state its state
 * @param refcount module_refcount(): references held, those of dependent modules included
 * @param uses the modules it uses (its dependencies), in the order they were first referenced
 * @param usedBy the modules that use it (its holders), in the order they appeared
 * @param size what /proc/modules prints: core, plus init while init memory is held
 * @param coreBase where its core region starts
 * @param facts what .modinfo and the signature said
 * @param symbols its kallsyms entries (the object file itself is not kept)
 * @param image the relocated image
 * @param exports the symbols it exports, once formed
 * @param taints its taint flags
 * @param archTables the tables its architecture registered for it (init's go with init memory)
 * @param coreSize /sys/module/NAME/coresize: the core region's size, the kallsyms copy included
 * @param initSize /sys/module/NAME/initsize: the init region's size while init memory is held, else 0
 * @param sections /sys/module/NAME/sections, in section header order
 * @param memory the module's memory with contents, in address order: its placed sections and
 *     tables (init's while init memory is held) and the kallsyms copy at the end of core
 * @param percpu its per-cpu data, where the kernel put it, as Linux copies it (unrelocated);
 *     empty when it has none
 */
public record ModuleView(String name, String file, ModuleState state, int refcount, List<String> uses,
        List<String> usedBy, long size, long coreBase, ModuleFacts facts, List<ModuleSymbol> symbols,
        LoadedImage image, List<KernelSymbol> exports, Set<Taint> taints, List<RegisteredTable> archTables,
        long coreSize, long initSize, List<ModuleSection> sections, List<MemoryRange> memory,
        Optional<MemoryRange> percpu) {

    public ModuleView {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(facts, "facts");
        Objects.requireNonNull(image, "image");
        uses = List.copyOf(uses);
        usedBy = List.copyOf(usedBy);
        symbols = List.copyOf(symbols);
        exports = List.copyOf(exports);
        Set<Taint> t = EnumSet.noneOf(Taint.class);
        t.addAll(taints);
        taints = Set.copyOf(t);
        archTables = List.copyOf(archTables);
        sections = List.copyOf(sections);
        memory = List.copyOf(memory);
        Objects.requireNonNull(percpu, "percpu");
    }

    /** Whether the module defines {@code init_module}. */
    public boolean hasInit() {
        return facts.hasInit();
    }

    /** Whether the module defines {@code cleanup_module}. */
    public boolean hasExit() {
        return facts.hasExit();
    }

    /** Whether it can never be unloaded without force: an init function and no exit function. */
    public boolean permanent() {
        return hasInit() && !hasExit();
    }

    /** Its taint letters in Linux's bit order, empty when untainted. */
    public String taintLetters() {
        StringBuilder sb = new StringBuilder();
        for (Taint t : Taint.values()) {
            if (taints.contains(t)) {
                sb.append(t.letter());
            }
        }
        return sb.toString();
    }
}
