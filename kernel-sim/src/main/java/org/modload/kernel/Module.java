package org.modload.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.SectionType;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.PlacedSection;
import org.modload.loader.link.Region;

/**
 * One module in the simulated kernel. Callers see a read-only view; the kernel changes state,
 * references and dependency edges under its lock, and the reference count atomically as Linux
 * does (try_module_get needs no lock).
 */
public final class Module {
    /** Linux's MODULE_REF_BASE: the count a module holds on itself while it may be unloaded. */
    static final int REF_BASE = 1;

    private final String name;
    private final String file;
    private final ModuleFacts facts;
    private final List<ModuleSymbol> symbols;
    private final LoadedImage image;
    private final ModuleHooks hooks;
    private final AtomicInteger refcnt = new AtomicInteger(REF_BASE);
    private volatile ModuleState state = ModuleState.UNFORMED;
    private final Set<Module> uses = new LinkedHashSet<>();
    private final Set<Module> usedBy = new LinkedHashSet<>();
    private final Set<Taint> taints = EnumSet.noneOf(Taint.class);
    private volatile List<KernelSymbol> exports = List.of();
    private volatile long initSize;
    private volatile List<UnwindTable> unwind;
    private volatile boolean initRan;
    private volatile boolean exitRan;

    Module(String name, String file, ModuleFacts facts, ElfFile object, List<ModuleSymbol> symbols,
            LoadedImage image, ModuleHooks hooks) {
        this.name = name;
        this.symbols = List.copyOf(symbols);
        this.file = file;
        this.facts = facts;
        this.image = image;
        this.hooks = hooks;
        this.initSize = image.plan().initSize();
        this.unwind = unwindTables(object, image);
    }

    /**
     * ia64's register_unwind_table(): every SHT_IA_64_UNWIND section's entries {start, end, info}
     * (absolute once relocated) split into a core and an init table by where {@code start} points.
     */
    private static List<UnwindTable> unwindTables(ElfFile obj, LoadedImage image) {
        List<UnwindTable> out = new ArrayList<>();
        long initBase = image.plan().initBase();
        long initEnd = initBase + image.plan().initSize();
        for (PlacedSection p : image.plan().placed()) {
            if (p.isTable() || !obj.section(p.sectionIndex()).type().equals(SectionType.SHT_IA_64_UNWIND)) {
                continue;
            }
            java.nio.ByteBuffer b = image.bytes(p);
            long core = 0;
            long init = 0;
            for (int at = 0; at + UnwindTable.ENTRY <= p.size(); at += UnwindTable.ENTRY) {
                long start = b.getLong(at);
                if (Long.compareUnsigned(start, initBase) >= 0 && Long.compareUnsigned(start, initEnd) < 0) {
                    init++;
                } else {
                    core++;
                }
            }
            if (core > 0) {
                out.add(new UnwindTable(p.name(), Region.CORE, p.address(), core));
            }
            if (init > 0) {
                out.add(new UnwindTable(p.name(), Region.INIT, p.address(), init));
            }
        }
        return List.copyOf(out);
    }

    /** Taint flags a module can carry, with /proc/modules' letters, in Linux's bit order. */
    public enum Taint {
        PROPRIETARY('P'), FORCED_LOAD('F'), FORCED_UNLOAD('R'), OUT_OF_TREE('O'), UNSIGNED('E');

        private final char letter;

        Taint(char letter) {
            this.letter = letter;
        }

        public char letter() {
            return letter;
        }
    }

    public String name() {
        return name;
    }

    /** The file it was loaded from, for messages. */
    public String file() {
        return file;
    }

    public ModuleState state() {
        return state;
    }

    /** module_refcount(): references held, dependency references of other modules included. */
    public int refcount() {
        return refcnt.get() - REF_BASE;
    }

    /** The modules this one uses (its dependencies), in the order they were first referenced. */
    public List<String> uses() {
        synchronized (this) {
            return uses.stream().map(Module::name).toList();
        }
    }

    /** The modules that use this one (its holders), in the order they appeared. */
    public List<String> usedBy() {
        synchronized (this) {
            return usedBy.stream().map(Module::name).toList();
        }
    }

    /** The size /proc/modules and lsmod print: core plus init while init memory is held. */
    public long size() {
        return image.plan().coreSize() + initSize;
    }

    /** The core region's start. */
    public long coreBase() {
        return image.plan().coreBase();
    }

    /** What .modinfo and the signature said. */
    public ModuleFacts facts() {
        return facts;
    }

    /** Its symbols as kallsyms lists them; the object file itself is not kept after the load. */
    public List<ModuleSymbol> symbols() {
        return symbols;
    }

    /** The unwind tables registered for it (init's are gone once init memory is released). */
    public List<UnwindTable> unwindTables() {
        return unwind;
    }

    /** The relocated image. */
    public LoadedImage image() {
        return image;
    }

    /** The symbols this module exports, once it is formed. */
    public List<KernelSymbol> exports() {
        return exports;
    }

    public Set<Taint> taints() {
        synchronized (this) {
            EnumSet<Taint> copy = EnumSet.noneOf(Taint.class);
            copy.addAll(taints);
            return Collections.unmodifiableSet(copy);
        }
    }

    /** Whether the module has an init function and it ran. */
    public boolean initRan() {
        return initRan;
    }

    /** Whether the module's exit function ran. */
    public boolean exitRan() {
        return exitRan;
    }

    /** Whether the module defines {@code init_module}. */
    public boolean hasInit() {
        return facts.hasInit();
    }

    /** Whether the module defines {@code cleanup_module}. */
    public boolean hasExit() {
        return facts.hasExit();
    }

    ModuleHooks hooks() {
        return hooks;
    }

    // --- changed by the kernel only ---

    void moveTo(ModuleState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException(name + ": " + state + " -> " + next + " is not a module state transition");
        }
        state = next;
    }

    boolean tryGet() {
        // try_module_get: module_is_live() && atomic_inc_not_zero(). The count is 0 once an unload
        // released the base reference, so a get racing with that unload fails instead of
        // referencing a module on its way out.
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

    void get() {
        refcnt.incrementAndGet();
    }

    /** module_put; false when no reference was held (a caller bug Linux would WARN about). */
    boolean put() {
        while (true) {
            int c = refcnt.get();
            if (c <= 0) {
                return false;
            }
            if (refcnt.compareAndSet(c, c - 1)) {
                return true;
            }
        }
    }

    /** try_release_module_ref: drops the base reference if nobody else holds one. */
    boolean releaseBase() {
        return refcnt.compareAndSet(REF_BASE, 0);
    }

    synchronized void addUse(Module target) {
        uses.add(target);
    }

    synchronized void addHolder(Module source) {
        usedBy.add(source);
    }

    synchronized void removeHolder(Module source) {
        usedBy.remove(source);
    }

    synchronized List<Module> usedModules() {
        return new ArrayList<>(uses);
    }

    synchronized void clearUses() {
        uses.clear();
    }

    synchronized boolean hasHolders() {
        return !usedBy.isEmpty();
    }

    synchronized void taint(Taint t) {
        taints.add(t);
    }

    void exports(List<KernelSymbol> list) {
        exports = List.copyOf(list);
    }

    void initRan(boolean ran) {
        initRan = ran;
    }

    void exitRan(boolean ran) {
        exitRan = ran;
    }

    void releaseInit() {
        initSize = 0;
        unwind = unwind.stream().filter(u -> u.region() != Region.INIT).toList();
    }

    @Override
    public String toString() {
        return name + " [" + state + ", refcount " + refcount() + "]";
    }

}
