package org.modload.kernel.core;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.modload.kernel.model.KernelSymbol;
import org.modload.kernel.model.MemoryRange;
import org.modload.kernel.model.ModuleFacts;
import org.modload.kernel.model.ModuleSection;
import org.modload.kernel.model.ModuleState;
import org.modload.kernel.model.ModuleSymbol;
import org.modload.kernel.model.ModuleView;
import org.modload.kernel.model.Taint;
import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.Region;
import org.modload.loader.spi.RegisteredTable;

/**
 * One module in the kernel ({@code struct module}): what the load made of it, and the parts
 * that change while it lives. State, image, exports, taints and registered tables change only
 * with the kernel's module mutex held; the reference count changes atomically without it, as
 * {@code try_module_get} needs no lock. Dependency edges live in {@link KernelState}'s graph.
 * Identity is the object: a reloaded module of the same name is another one.
 */
public final class Module {
    /** Linux's MODULE_REF_BASE: the count a module holds on itself while it may be unloaded. */
    static final int REF_BASE = 1;

    private final String name;
    private final String file;
    private final ModuleFacts facts;
    /** The link's plan; once LIVE, its retained copy without the object file (module mutex held). */
    private LoadPlan plan;
    private OptionalLong percpu = OptionalLong.empty();
    private final AtomicInteger refcnt = new AtomicInteger(REF_BASE);
    /** Whether the delete_module under way dropped the base reference; module mutex held. */
    private boolean baseDropped;
    private volatile ModuleState state = ModuleState.UNFORMED;
    private final Set<Taint> taints = EnumSet.noneOf(Taint.class);
    private LoadedImage image;
    private List<ModuleSymbol> symbols = List.of();
    private List<KernelSymbol> exports = List.of();
    private List<RegisteredTable> tables = List.of();
    private List<ModuleSection> sections = List.of();
    private List<MemoryRange> kernelData = List.of();
    private Optional<MemoryRange> percpuData = Optional.empty();
    private boolean initHeld = true;
    /** Whether init has an allocation of its own (Linux), not a part of create_module's block (2.4). */
    private boolean initAllocated = true;

    /** An UNFORMED module, not yet placed. */
    Module(String name, String file, ModuleFacts facts) {
        this.name = name;
        this.file = file;
        this.facts = facts;
    }

    /** The module name. */
    public String name() {
        return name;
    }

    ModuleState state() {
        return state;
    }

    ModuleFacts facts() {
        return facts;
    }

    LoadPlan plan() {
        return plan;
    }

    long coreBase() {
        return plan.coreBase();
    }

    long initBase() {
        return plan.initBase();
    }

    /** Whether its init memory is still allocated. */
    boolean initHeld() {
        return initHeld;
    }

    /** Where its per-cpu data was allocated, when it has any. */
    OptionalLong percpu() {
        return percpu;
    }

    /** Whether it has been placed (its memory allocated). */
    boolean isPlaced() {
        return plan != null;
    }

    List<KernelSymbol> exports() {
        return exports;
    }

    /** A copy for callers, once formed; the kernel passes the edges it holds for this module. */
    ModuleView view(List<String> uses, List<String> usedBy) {
        long initSize = initHeld ? plan.initSize() : 0;
        return new ModuleView(name, file, state, refcnt.get() - REF_BASE, uses, usedBy, plan.coreSize() + initSize,
                coreBase(), facts, symbols, image, exports, taints, tables, plan.coreSize(), initSize, sections,
                memory(), percpuData);
    }

    /** Its memory with contents, in address order: the image's pieces (init's while held) and the kernel's data. */
    private List<MemoryRange> memory() {
        List<MemoryRange> out = new java.util.ArrayList<>();
        for (PlacedSection p : plan.placed()) {
            if (p.region() == Region.CORE || initHeld) {
                out.add(new MemoryRange(p.name(), p.address(), image.bytes(p)));
            }
        }
        out.addAll(kernelData);
        out.sort((a, b) -> Long.compareUnsigned(a.address(), b.address()));
        return out;
    }

    // --- changed with the module mutex held ---

    void moveTo(ModuleState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException(name + ": " + state + " -> " + next + " is not a module state transition");
        }
        state = next;
    }

    /**
     * exit-may-fail's refusal: GOING back to LIVE, the one transition Linux never makes (there
     * an exit cannot refuse, so GOING has no way back).
     */
    void exitRefused() {
        if (state != ModuleState.GOING) {
            throw new IllegalStateException(name + ": an exit can refuse only while GOING, not " + state);
        }
        state = ModuleState.LIVE;
    }

    /** Where its memory went, set once its memory is allocated (while UNFORMED). */
    void placed(LoadPlan at, OptionalLong percpuBase) {
        plan = at;
        percpu = percpuBase;
    }

    /**
     * Where 2.4's insmod put it: in the one block create_module reserved, init included, so
     * that only the core base is an allocation of its own; no per-cpu data.
     */
    void placedInReservation(LoadPlan at) {
        placed(at, OptionalLong.empty());
        initAllocated = false;
    }

    /** Whether its init memory is an allocation apart from core's, to be freed on its own. */
    boolean initAllocated() {
        return initAllocated;
    }

    /**
     * What relocation and the architecture made of it, set once as it is formed (before COMING):
     * the relocated image, its kallsyms entries and the kernel's copy of them in its memory, its
     * exports, the tables its architecture registered, its sysfs sections and per-cpu data.
     */
    void formed(LoadedImage relocated, Kallsyms.Table kallsyms, List<KernelSymbol> exported,
            List<RegisteredTable> registered, List<ModuleSection> sysfs, Optional<MemoryRange> percpuCopy) {
        image = relocated;
        symbols = kallsyms.symbols();
        kernelData = kallsyms.memory();
        exports = List.copyOf(exported);
        tables = List.copyOf(registered);
        sections = List.copyOf(sysfs);
        percpuData = percpuCopy;
    }

    void taint(Taint t) {
        taints.add(t);
    }

    /**
     * module_arch_freeing_init and the init region's release: init memory and init tables go, and
     * the image keeps its bytes but no longer its object file.
     */
    void releaseInit() {
        initHeld = false;
        // The kernel keeps a module's memory, not its ELF file: the object's model can go.
        image = image.retained();
        plan = image.plan();
        tables = tables.stream().filter(t -> !t.init()).toList();
    }

    // --- reference counting, without the mutex ---

    /**
     * try_module_get: module_is_live() and atomic_inc_not_zero(). The count is 0 once an unload
     * released the base reference, so a get racing with that unload fails instead of referencing a
     * module on its way out.
     */
    boolean tryGet() {
        if (state != ModuleState.LIVE) {
            return false;
        }
        while (true) {
            int c = refcnt.get();
            if (c == 0) {
                return false;
            }
            if (refcnt.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    /** __module_get: a reference regardless of state. */
    void get() {
        refcnt.incrementAndGet();
    }

    /**
     * module_put; false when no reference was held, the count then unchanged. (Linux's
     * atomic_dec_if_positive would take the base reference itself, leaving a module that can be
     * neither referenced nor unloaded; a module whose unload dropped the base has no holders.)
     */
    boolean put() {
        while (true) {
            int c = refcnt.get();
            if (c <= REF_BASE) {
                return false;
            }
            if (refcnt.compareAndSet(c, c - 1)) {
                return true;
            }
        }
    }

    /**
     * An unload step failed (module mutex held): the module is LIVE again and holds its base
     * reference again if {@link #releaseBase} dropped it (nobody can have taken one since, as
     * try_module_get fails while the count is 0).
     */
    void unloadFailed() {
        state = ModuleState.LIVE;
        if (baseDropped) {
            baseDropped = false;
            refcnt.addAndGet(REF_BASE);
        }
    }

    /** try_release_module_ref: drops the base reference if nobody else holds one. */
    boolean releaseBase() {
        baseDropped = refcnt.compareAndSet(REF_BASE, 0);
        return baseDropped;
    }

    @Override
    public String toString() {
        return name + " [" + state + ", refcount " + (refcnt.get() - REF_BASE) + "]";
    }
}
