package org.modload.kernel.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.google.common.graph.ElementOrder;
import com.google.common.graph.GraphBuilder;
import com.google.common.graph.MutableGraph;

import org.modload.kernel.model.Errno;
import org.modload.kernel.model.FaultInjection;
import org.modload.kernel.model.KernelConfig;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.KernelSnapshot;
import org.modload.kernel.model.KernelSymbol;
import org.modload.kernel.model.LoadPhase;
import org.modload.kernel.model.ModuleEvent;
import org.modload.kernel.model.ModuleListEntry;
import org.modload.kernel.model.ModuleState;
import org.modload.kernel.model.ModuleView;
import org.modload.kernel.model.SignaturePolicy;
import org.modload.kernel.model.Taint;
import org.modload.kernel.model.UnloadPolicy;
import org.modload.kernel.model.UnloadStep;
import org.modload.kernel.sig.ModuleVerifier;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.spi.Architecture;

/**
 * The kernel's mutable module state and the one lock that orders it, Linux's
 * {@code module_mutex}: the module list with its {@code ref_module} edges (one Guava graph: a
 * module's successors are the modules it uses, its predecessors its holders), the exports of
 * formed modules, the taints. The module area has its own lock, as vmalloc does. Every method
 * is thread-safe; {@link #tryModuleGet} and {@link #modulePut} take no lock. Loads
 * ({@link ModuleLoader}) take the mutex only around the steps that touch this state.
 */
public final class KernelState {
    /** The top of a 32-bit kernel's vmalloc area, where modules live: the fixmap starts above it. */
    private static final long VMALLOC_END_32 = 0xff800000L;
    /** The most vmalloc space a 32-bit kernel gives (booted with {@code vmalloc=504M}). */
    private static final long VMALLOC_MAX_32 = 0x1f800000L;
    /**
     * How much per-cpu memory modules may take where the architecture reserves none and Linux
     * serves them from its dynamic per-cpu chunks, which grow on demand: more than any set of
     * modules needs.
     */
    private static final long DYNAMIC_PERCPU = 1L << 26;
    /** A 64-bit module area never runs up to the top of the address space (16 MiB stay free). */
    private static final long TOP_GUARD_64 = 0x1000000L;

    /** A formed module's export and the module that exports it. */
    record Export(KernelSymbol symbol, Module owner) {
    }

    /**
     * 2.4's {@code create_module} entry: a name and memory, listed at {@code listedAt} among
     * the modules, waiting for {@code init_module}.
     */
    record Reservation(String name, long address, long size, long listedAt) {
    }

    private final KernelConfig config;
    private final Architecture arch;
    private final Duration symbolWait;
    private final Consumer<ModuleEvent> trace;
    private final SignaturePolicy signaturePolicy;
    private final ModuleVerifier verifier = new ModuleVerifier();
    private final Map<String, KernelSymbol> kernelExports;
    private final ModuleArea area;
    private final PercpuAllocator percpu;
    private final AtomicLong crcChecks = new AtomicLong();

    /** module_mutex. */
    final ReentrantLock mutex = new ReentrantLock();
    /** module_wq: signalled whenever a module changes state or goes away. */
    private final Condition moduleWq = mutex.newCondition();
    /** The module list in load order (node order), UNFORMED entries included, and the ref_module edges. */
    private final MutableGraph<Module> list = GraphBuilder.directed().allowsSelfLoops(false)
            .nodeOrder(ElementOrder.insertion()).incidentEdgeOrder(ElementOrder.stable()).build();
    /** The list by name, for lookups that take no lock (written with the mutex held). */
    private final Map<String, Module> byName = new ConcurrentHashMap<>();
    private final Map<String, Export> moduleExports = new HashMap<>();
    private final Set<Taint> taints = EnumSet.noneOf(Taint.class);
    /** create_module's entries not (or no longer) initialized, by name, oldest first (2.4 only). */
    private final Map<String, Reservation> reservations = new LinkedHashMap<>();
    /** Each listed module's place in the list, shared with reservations, so both list in one order. */
    private final Map<Module, Long> listedAt = new HashMap<>();
    private long listings;

    /**
     * @param config what the kernel is booted with
     * @param arch its architecture (the caller checked it matches {@code config.machine()})
     * @param symbolWait how long a load waits for an exporter still in its init (Linux: 30 s)
     * @param trace told of every change of the module list, with the mutex held
     * @param signaturePolicy what module_sig_check does with a module that is not verified
     */
    public KernelState(KernelConfig config, Architecture arch, Duration symbolWait, Consumer<ModuleEvent> trace,
            SignaturePolicy signaturePolicy) {
        this.config = Objects.requireNonNull(config, "config");
        this.signaturePolicy = Objects.requireNonNull(signaturePolicy, "signaturePolicy");
        this.arch = Objects.requireNonNull(arch, "arch");
        this.symbolWait = Objects.requireNonNull(symbolWait, "symbolWait");
        this.trace = Objects.requireNonNull(trace, "trace");
        Map<String, KernelSymbol> m = new HashMap<>();
        for (KernelSymbol s : config.exports()) {
            m.putIfAbsent(s.name(), s);
        }
        this.kernelExports = Map.copyOf(m);
        this.area = moduleArea(config, arch);
        this.percpu = new PercpuAllocator(config.percpuBase(),
                arch.kernelSupport().percpuModuleReserve().orElse(DYNAMIC_PERCPU));
    }

    /**
     * 64-bit: from the architecture's module area base. 32-bit: modules share the vmalloc area,
     * which ends below the fixmap, so the area is placed to end there and never to pass 4 GiB.
     */
    private static ModuleArea moduleArea(KernelConfig config, Architecture arch) {
        if (arch.elfClass().equals(ElfClass.ELFCLASS32)) {
            long size = Math.min(config.moduleAreaSize(), VMALLOC_MAX_32);
            return new ModuleArea(VMALLOC_END_32 - size, size, arch.pageSize());
        }
        long room = -arch.moduleAreaBase() - TOP_GUARD_64;
        long size = Long.compareUnsigned(room, config.moduleAreaSize()) < 0 ? room : config.moduleAreaSize();
        return new ModuleArea(arch.moduleAreaBase(), size, arch.pageSize());
    }

    /** What the kernel was booted with. */
    public KernelConfig config() {
        return config;
    }

    /** The kernel's architecture. */
    public Architecture architecture() {
        return arch;
    }

    /** What module_sig_check does with a module that is not verified. */
    public SignaturePolicy signaturePolicy() {
        return signaturePolicy;
    }

    /** The kernel's signature verifier, shared by its loads (thread-safe). */
    ModuleVerifier verifier() {
        return verifier;
    }

    // --- system calls and queries ---

    /** try_module_get: no lock, as in Linux; false unless the module is LIVE and not being unloaded. */
    public boolean tryModuleGet(String name) {
        Module m = byName.get(name);
        return m != null && m.tryGet();
    }

    /**
     * __module_get: a reference regardless of state.
     *
     * @throws KernelException ENOENT when no such module is in the list
     */
    public void moduleGet(String name) {
        listed(name).get();
    }

    /**
     * module_put.
     *
     * @throws KernelException ENOENT when no such module is in the list, EINVAL when no
     *     reference is held
     */
    public void modulePut(String name) {
        if (!listed(name).put()) {
            throw new KernelException(Errno.EINVAL, null, name, "module_put of " + name + " without a reference");
        }
    }

    private Module listed(String name) {
        Module m = byName.get(name);
        if (m == null || m.state() == ModuleState.UNFORMED) {
            throw new KernelException(Errno.ENOENT, null, name, "no module " + name);
        }
        return m;
    }

    /** find_module: the module called {@code name} unless it is still UNFORMED. */
    public Optional<ModuleView> module(String name) {
        mutex.lock();
        try {
            Module m = byName.get(name);
            return m == null || m.state() == ModuleState.UNFORMED ? Optional.empty() : Optional.of(view(m));
        } finally {
            mutex.unlock();
        }
    }

    /** The modules other than UNFORMED ones, most recently loaded first (as /proc/modules lists them). */
    public List<ModuleView> modules() {
        mutex.lock();
        try {
            List<ModuleView> out = new ArrayList<>();
            for (Module m : list.nodes()) {
                if (m.state() != ModuleState.UNFORMED) {
                    out.add(view(m));
                }
            }
            Collections.reverse(out);
            return out;
        } finally {
            mutex.unlock();
        }
    }

    /**
     * The module list as /proc/modules walks it, most recent first: formed modules and
     * create_module's uninitialized entries in one order.
     */
    public List<ModuleListEntry> listing() {
        mutex.lock();
        try {
            Map<Long, ModuleListEntry> byPlace = new TreeMap<>(Comparator.reverseOrder());
            for (Module m : list.nodes()) {
                if (m.state() != ModuleState.UNFORMED) {
                    byPlace.put(listedAt.get(m), new ModuleListEntry.Formed(view(m)));
                }
            }
            for (Reservation r : reservations.values()) {
                byPlace.put(r.listedAt(), new ModuleListEntry.Uninitialized(r.name(), r.address(), r.size()));
            }
            return List.copyOf(byPlace.values());
        } finally {
            mutex.unlock();
        }
    }

    /** The copy callers see of {@code m}; with the mutex held. */
    ModuleView view(Module m) {
        return m.view(names(list.successors(m)), names(list.predecessors(m)));
    }

    /** The view of {@code m} now, taking the mutex. */
    public ModuleView viewOf(Module m) {
        mutex.lock();
        try {
            return view(m);
        } finally {
            mutex.unlock();
        }
    }

    private static List<String> names(Set<Module> modules) {
        return modules.stream().map(Module::name).toList();
    }

    /** find_symbol(): a kernel export, or an export of a formed (COMING, LIVE or GOING) module. */
    public Optional<KernelSymbol> findSymbol(String name) {
        KernelSymbol k = kernelExports.get(name);
        if (k != null) {
            return Optional.of(k);
        }
        mutex.lock();
        try {
            return Optional.ofNullable(moduleExports.get(name)).map(Export::symbol);
        } finally {
            mutex.unlock();
        }
    }

    /** How many symbol CRCs loads have compared against their exporters' (a statistic, not state). */
    public long crcChecks() {
        return crcChecks.get();
    }

    /** Module memory in use, in bytes, in-flight loads included. */
    public long memoryInUse() {
        return area.inUse();
    }

    /** The kernel's taint letters, in Linux's bit order. */
    public String taints() {
        mutex.lock();
        try {
            return taints.stream().map(t -> String.valueOf(t.letter())).collect(Collectors.joining());
        } finally {
            mutex.unlock();
        }
    }

    /** Everything observable of the module system now (UNFORMED modules are not observable). */
    public KernelSnapshot snapshot() {
        mutex.lock();
        try {
            List<String> mods = new ArrayList<>();
            for (Module m : list.nodes()) {
                if (m.state() == ModuleState.UNFORMED) {
                    continue;
                }
                ModuleView v = view(m);
                mods.add(v.name() + " " + v.state() + " " + v.refcount() + " uses=" + v.uses() + " usedBy=" + v.usedBy()
                        + " " + v.size());
            }
            for (Reservation r : reservations.values()) {
                mods.add(r.name() + " UNINITIALIZED 0 uses=[] usedBy=[] " + r.size());
            }
            return new KernelSnapshot(mods, new ArrayList<>(new TreeSet<>(moduleExports.keySet())), area.inUse(),
                    area.ranges(), taints());
        } finally {
            mutex.unlock();
        }
    }

    /** {@link #beginDelete(String, boolean, UnloadPolicy)} with Linux's policy. */
    public Module beginDelete(String name, boolean force) {
        return beginDelete(name, force, UnloadPolicy.LINUX);
    }

    /**
     * delete_module's checks under the mutex: the module leaves LIVE for GOING, its exit is the
     * caller's to run (without the mutex), then {@link #finishDelete}, or, when an exit allowed
     * to fail refused, {@link #exitRefused}.
     *
     * @param force O_TRUNC: unload even when referenced or without exit (taints R)
     * @param policy under {@link UnloadPolicy#EXIT_MAY_FAIL} references are not counted here:
     *     the module's exit decides
     * @throws KernelException ENOENT when not loaded, EWOULDBLOCK when other modules use it or
     *     (Linux's policy) references are held, EBUSY when not LIVE or it has init but no exit
     */
    public Module beginDelete(String name, boolean force, UnloadPolicy policy) {
        return beginDelete(name, force, policy, FaultInjection.none());
    }

    /**
     * {@link #beginDelete(String, boolean, UnloadPolicy)}, asking {@code faults} at
     * {@link UnloadStep#REFCOUNT_CHECK} before anything changes.
     *
     * @throws KernelException as above, or with the injected errno
     */
    public Module beginDelete(String name, boolean force, UnloadPolicy policy, FaultInjection faults) {
        mutex.lock();
        try {
            Module m = byName.get(name);
            if (m == null || m.state() == ModuleState.UNFORMED) {
                throw new KernelException(Errno.ENOENT, null, name, "Module " + name + " is not currently loaded");
            }
            injected(faults, UnloadStep.REFCOUNT_CHECK, name);
            Set<Module> holders = list.predecessors(m);
            if (!holders.isEmpty()) {
                throw new KernelException(Errno.EWOULDBLOCK, null, name,
                        "Module " + name + " is in use by: " + String.join(" ", names(holders)));
            }
            if (m.state() != ModuleState.LIVE) {
                throw new KernelException(Errno.EBUSY, null, name, "Module " + name + " is "
                        + m.state().procName().toLowerCase(Locale.ROOT));
            }
            if (m.facts().hasInit() && !m.facts().hasExit()) {
                if (!force) {
                    throw new KernelException(Errno.EBUSY, null, name,
                            "Module " + name + " has no exit function and cannot be removed");
                }
                taint(m, Taint.FORCED_UNLOAD);
            }
            if (policy == UnloadPolicy.LINUX && !m.releaseBase()) {
                if (!force) {
                    throw new KernelException(Errno.EWOULDBLOCK, null, name, "Module " + name + " is in use");
                }
                taint(m, Taint.FORCED_UNLOAD);
            }
            m.moveTo(ModuleState.GOING);
            moduleWq.signalAll();
            return m;
        } finally {
            mutex.unlock();
        }
    }

    /**
     * An exit allowed to fail refused: {@code m} is LIVE again, its references, dependencies and
     * exports as they were.
     */
    public void exitRefused(Module m) {
        mutex.lock();
        try {
            m.exitRefused();
            moduleWq.signalAll();
        } finally {
            mutex.unlock();
        }
    }

    /** A forced delete_module went on against an exit's refusal: the kernel is tainted R. */
    public void forcedPastRefusal(Module m) {
        mutex.lock();
        try {
            taint(m, Taint.FORCED_UNLOAD);
        } finally {
            mutex.unlock();
        }
    }

    /**
     * 2.4's delete_module of a create_module entry that was never initialized: its memory and
     * name are freed; no exit runs, there is no code.
     *
     * @return whether there was such an entry
     */
    public boolean deleteReservation(String name) {
        mutex.lock();
        try {
            Reservation r = reservations.remove(name);
            if (r == null) {
                return false;
            }
            area.free(r.address());
            moduleWq.signalAll();
            return true;
        } finally {
            mutex.unlock();
        }
    }

    /** free_module after delete_module's exit ran: everything of {@code m} goes. */
    public void finishDelete(Module m) {
        finishDelete(m, FaultInjection.none());
    }

    /**
     * {@link #finishDelete(Module)}, asking {@code faults} before each of free_module's steps
     * ({@link UnloadStep#SYMBOL_REMOVAL}, {@link UnloadStep#DEPENDENCY_EDGES},
     * {@link UnloadStep#MEMORY_RELEASE}); a failed step undoes the steps before it and leaves
     * {@code m} LIVE, as it was before delete_module.
     *
     * @throws KernelException with the injected errno
     */
    public void finishDelete(Module m, FaultInjection faults) {
        mutex.lock();
        try {
            free(m, faults);
            trace.accept(new ModuleEvent(ModuleEvent.Kind.UNLOADED, m.name()));
        } finally {
            mutex.unlock();
        }
    }

    /** An unload failed after {@link #beginDelete}: {@code m} is LIVE again, its base reference back. */
    public void unloadFailed(Module m) {
        mutex.lock();
        try {
            m.unloadFailed();
            moduleWq.signalAll();
        } finally {
            mutex.unlock();
        }
    }

    /** Throws the errno {@code faults} injects at {@code step}, if any. */
    private static void injected(FaultInjection faults, UnloadStep step, String name) {
        Optional<Errno> e = faults.at(step);
        if (e.isPresent()) {
            throw new KernelException(e.get(), null, name, "delete_module " + name + ": " + step + " failed ("
                    + e.get().name() + ", injected)");
        }
    }

    // --- for ModuleLoader; each says whether the mutex must be held ---

    Duration symbolWait() {
        return symbolWait;
    }

    ModuleArea area() {
        return area;
    }

    /** The allocator of modules' per-cpu data (its own lock). */
    PercpuAllocator percpu() {
        return percpu;
    }

    /** A kernel export; no lock needed, the table never changes. */
    KernelSymbol kernelExport(String name) {
        return kernelExports.get(name);
    }

    void countCrcCheck() {
        crcChecks.incrementAndGet();
    }

    /** Mutex held. */
    Export moduleExport(String name) {
        return moduleExports.get(name);
    }

    /**
     * add_unformed_module: reserves {@code m}'s name in the list, waiting while a module of
     * that name is still loading or going, as Linux waits for it to finish.
     *
     * @throws KernelException EEXIST when a LIVE module has the name, EINTR when interrupted
     */
    void addUnformed(Module m, String file) {
        mutex.lock();
        try {
            while (true) {
                Module old = byName.get(m.name());
                if (old == null && !reservations.containsKey(m.name())) {
                    break;
                }
                if (old == null) {
                    throw new KernelException(Errno.EEXIST, LoadPhase.ALLOCATE, file,
                            "Module " + m.name() + " is already loaded (uninitialized)");
                }
                if (old.state() == ModuleState.LIVE) {
                    throw new KernelException(Errno.EEXIST, LoadPhase.ALLOCATE, file,
                            "Module " + m.name() + " is already loaded");
                }
                await(file, "waiting for another load of " + m.name(), OptionalLong.empty());
            }
            list.addNode(m);
            byName.put(m.name(), m);
            listedAt.put(m, listings++);
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Waits on module_wq, mutex held; false when {@code nanos} ran out.
     *
     * @throws KernelException EINTR when the thread is interrupted
     */
    boolean await(String file, String what, OptionalLong nanos) {
        try {
            if (nanos.isEmpty()) {
                moduleWq.await();
                return true;
            }
            return moduleWq.await(nanos.getAsLong(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KernelException(Errno.EINTR, null, file, file + ": interrupted " + what);
        }
    }

    /** Mutex held. Undoes {@link #addUnformed}. */
    void removeUnformed(Module m) {
        list.removeNode(m);
        byName.remove(m.name(), m);
        listedAt.remove(m);
    }

    // --- 2.4's create_module entries, for LegacyLoader; mutex held ---

    /** Whether a module or a create_module entry has {@code name}. */
    boolean nameTaken(String name) {
        return byName.containsKey(name) || reservations.containsKey(name);
    }

    /** The module of that name in the list, UNFORMED ones included, or null. */
    Module listedModule(String name) {
        return byName.get(name);
    }

    /** A new create_module entry, listed after everything listed so far. */
    Reservation reserve(String name, long address, long size) {
        Reservation r = new Reservation(name, address, size, listings++);
        reservations.put(name, r);
        return r;
    }

    /** The entry of {@code name}, or null. */
    Reservation reservation(String name) {
        return reservations.get(name);
    }

    /**
     * init_module claims {@code r}: it leaves the reservations and {@code m}, UNFORMED, takes its
     * name, memory and place in the list.
     */
    void claim(Reservation r, Module m) {
        reservations.remove(r.name());
        list.addNode(m);
        byName.put(m.name(), m);
        listedAt.put(m, r.listedAt());
    }

    /** Undoes {@link #claim}: {@code m} goes, {@code r} is back, its memory still reserved. */
    void unclaim(Reservation r, Module m) {
        removeUnformed(m);
        reservations.put(r.name(), r);
    }

    /** Every formed module's exports with their owners. */
    List<Export> moduleExportList() {
        return List.copyOf(moduleExports.values());
    }

    /** Mutex held: whether {@code user} already has a ref_module edge to {@code used}. */
    boolean alreadyUses(Module user, Module used) {
        return list.hasEdgeConnecting(user, used);
    }

    /** Mutex held: the edge of ref_module; the caller took the reference it stands for. */
    void addUse(Module user, Module used) {
        list.putEdge(user, used);
    }

    /** Mutex held: the edge goes and the reference it held is dropped. */
    void dropUse(Module user, Module used) {
        list.removeEdge(user, used);
        used.put();
    }

    /** Mutex held: the first formed exporter of any of {@code exports}, as an error message part, or empty. */
    Optional<String> duplicateExport(List<KernelSymbol> exports) {
        for (KernelSymbol s : exports) {
            KernelSymbol k = kernelExports.get(s.name());
            Export e = moduleExports.get(s.name());
            if (k != null || e != null) {
                return Optional.of(s.name() + " (owned by " + (k != null ? k.owner() : e.owner().name()) + ")");
            }
        }
        return Optional.empty();
    }

    /** Mutex held: complete_formation's publishing. */
    void publish(Module m) {
        for (KernelSymbol s : m.exports()) {
            moduleExports.put(s.name(), new Export(s, m));
        }
    }

    /** Mutex held. */
    void unpublish(Module m) {
        for (KernelSymbol s : m.exports()) {
            Export e = moduleExports.get(s.name());
            if (e != null && e.owner() == m) {
                moduleExports.remove(s.name());
            }
        }
    }

    /** Mutex held. */
    void taint(Module m, Taint t) {
        m.taint(t);
        taints.add(t);
    }

    /** Mutex held: wakes every waiter of module_wq. */
    void wake() {
        moduleWq.signalAll();
    }

    /** Mutex held. */
    void traced(ModuleEvent e) {
        trace.accept(e);
    }

    /**
     * free_module, mutex held: exports, dependency references, memory and the list entry go. A
     * fault at a step undoes the steps before it (exports published again, the edges' references
     * back; the edges stay until no step can fail, so each used module keeps its users' order)
     * and makes {@code m} LIVE again.
     */
    private void free(Module m, FaultInjection faults) {
        List<Module> used = new ArrayList<>(list.successors(m));
        int done = 0;
        try {
            injected(faults, UnloadStep.SYMBOL_REMOVAL, m.name());
            unpublish(m);
            done = 1;
            injected(faults, UnloadStep.DEPENDENCY_EDGES, m.name());
            // module_unload_free: the references go now, the edges themselves once no step can
            // fail, as re-adding an edge would move m to the end of each used module's users.
            for (Module u : used) {
                u.put();
            }
            done = 2;
            injected(faults, UnloadStep.MEMORY_RELEASE, m.name());
        } catch (KernelException e) {
            if (done >= 2) {
                for (Module u : used) {
                    u.get();
                }
            }
            if (done >= 1) {
                publish(m);
            }
            m.unloadFailed();
            moduleWq.signalAll();
            throw e;
        }
        for (Module u : used) {
            list.removeEdge(m, u);
        }
        area.free(m.coreBase());
        if (m.initHeld() && m.initAllocated()) {
            area.free(m.initBase());
        }
        m.percpu().ifPresent(percpu::free);
        removeUnformed(m);
        moduleWq.signalAll();
    }
}
