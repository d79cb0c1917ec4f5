package org.modload.kernel;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;

/**
 * A simulated kernel's module system, in the spirit of the 2002 in-kernel loader: {@link #load}
 * takes a whole module image and either the module is LIVE afterwards or nothing of it remains;
 * {@link #tryModuleGet} references guard {@link #deleteModule}, which may refuse. One instance
 * per kernel; no static state. Thread-safe: one lock (module_mutex) orders loads and unloads,
 * reference counts are atomic.
 */
public final class Kernel {
    private final KernelConfig config;
    private final Architecture arch;
    private final Map<String, KernelSymbol> kernelExports;
    final Object lock = new Object();
    private final Map<String, Module> modules = new LinkedHashMap<>();
    private final Map<String, KernelSymbol> moduleExports = new HashMap<>();
    private final ModuleArea area;
    private final Set<Module.Taint> taints = EnumSet.noneOf(Module.Taint.class);
    private final java.util.concurrent.atomic.AtomicLong crcChecks = new java.util.concurrent.atomic.AtomicLong();

    private Kernel(KernelConfig config, Architecture arch) {
        this.config = config;
        this.arch = arch;
        Map<String, KernelSymbol> m = new HashMap<>();
        for (KernelSymbol s : config.exports()) {
            m.putIfAbsent(s.name(), s);
        }
        this.kernelExports = Map.copyOf(m);
        this.area = moduleArea(config, arch);
    }

    /** The top of x86_32's vmalloc area, where modules live: the fixmap starts above it. */
    private static final long VMALLOC_END_32 = 0xff800000L;
    /** The most vmalloc space a 32-bit kernel gives (booted with {@code vmalloc=504M}). */
    private static final long VMALLOC_MAX_32 = 0x1f800000L;

    /**
     * 64-bit: from the architecture's module area base. 32-bit: modules share the vmalloc area,
     * which ends below the fixmap, so the area is placed to end there and never to pass 4 GiB.
     */
    private static ModuleArea moduleArea(KernelConfig config, Architecture arch) {
        if (arch.elfClass().equals(org.modload.loader.elf.ElfClass.ELFCLASS32)) {
            long size = Math.min(config.moduleAreaSize(), VMALLOC_MAX_32);
            return new ModuleArea(VMALLOC_END_32 - size, size, arch.pageSize());
        }
        // Never up to the top of the address space: x86_64's module area ends at 0xffffffffff000000.
        long room = -arch.moduleAreaBase() - 0x1000000L;
        long size = Long.compareUnsigned(room, config.moduleAreaSize()) < 0 ? room : config.moduleAreaSize();
        return new ModuleArea(arch.moduleAreaBase(), size, arch.pageSize());
    }

    /** Boots a kernel with the installed architecture for {@code config.machine()}. */
    public static Kernel boot(KernelConfig config) {
        return boot(config, Architectures.installed());
    }

    /** Boots a kernel with an architecture from {@code archs}. */
    public static Kernel boot(KernelConfig config, Architectures archs) {
        Architecture arch = archs.find(config.machine()).orElseThrow(() -> new IllegalArgumentException(
                "no architecture plugin installed for " + config.machine()));
        return new Kernel(config, arch);
    }

    public KernelConfig config() {
        return config;
    }

    Architecture architecture() {
        return arch;
    }

    /** 64 or 32: the width of the kernel's addresses. */
    public int addressBits() {
        return arch.elfClass().equals(org.modload.loader.elf.ElfClass.ELFCLASS64) ? 64 : 32;
    }

    /**
     * init_module(): loads one module image in Linux 6.1's phases.
     *
     * @param file the file name, for messages
     * @param bytes the whole file (signature included); not changed
     * @return the LIVE module
     * @throws KernelException with the errno and phase of the first failure; the kernel is
     *     then exactly as it was before the call
     */
    public Module load(String file, ByteBuffer bytes, LoadOptions options) {
        return new ModuleLoader(this, file, bytes.duplicate(), options).load();
    }

    /**
     * delete_module(name, flags).
     *
     * @param force O_TRUNC: unload even when referenced or without exit (taints the kernel)
     * @throws KernelException ENOENT when not loaded, EWOULDBLOCK when other modules use it or
     *     references are held, EBUSY when not LIVE or it cannot be removed
     */
    public void deleteModule(String name, boolean force) {
        Module m;
        synchronized (lock) {
            m = modules.get(name);
            if (m == null) {
                throw new KernelException(Errno.ENOENT, null, name, "Module " + name + " is not currently loaded");
            }
            if (m.hasHolders()) {
                throw new KernelException(Errno.EWOULDBLOCK, null, name,
                        "Module " + name + " is in use by: " + String.join(" ", m.usedBy()));
            }
            if (m.state() != ModuleState.LIVE) {
                throw new KernelException(Errno.EBUSY, null, name, "Module " + name + " is "
                        + m.state().procName().toLowerCase(java.util.Locale.ROOT));
            }
            if (m.hasInit() && !m.hasExit()) {
                if (!force) {
                    throw new KernelException(Errno.EBUSY, null, name,
                            "Module " + name + " has no exit function and cannot be removed");
                }
                forced(m);
            }
            if (!m.releaseBase()) {
                if (!force) {
                    throw new KernelException(Errno.EWOULDBLOCK, null, name, "Module " + name + " is in use");
                }
                forced(m);
            }
            m.moveTo(ModuleState.GOING);
        }
        // The exit function runs without the lock, as in Linux.
        if (m.hasExit()) {
            m.hooks().exit(this, m);
            m.exitRan(true);
        }
        synchronized (lock) {
            free(m);
        }
    }

    private void forced(Module m) {
        m.taint(Module.Taint.FORCED_UNLOAD);
        taints.add(Module.Taint.FORCED_UNLOAD);
    }

    /** try_module_get(): a reference, only while the module is LIVE. */
    public boolean tryModuleGet(String name) {
        Module m = module(name).orElse(null);
        return m != null && m.tryGet();
    }

    /** __module_get(): a reference regardless of state (the caller already holds one). */
    public void moduleGet(String name) {
        module(name).orElseThrow(() -> new KernelException(Errno.ENOENT, null, name, "no module " + name)).get();
    }

    /** module_put(): drops one reference. */
    public void modulePut(String name) {
        Module m = module(name).orElseThrow(() -> new KernelException(Errno.ENOENT, null, name, "no module " + name));
        if (!m.put()) {
            throw new KernelException(Errno.EINVAL, null, name, "module_put of " + name + " without a reference");
        }
    }

    public Optional<Module> module(String name) {
        synchronized (lock) {
            return Optional.ofNullable(modules.get(name));
        }
    }

    /** The modules, most recently loaded first (as /proc/modules lists them). */
    public List<Module> modules() {
        synchronized (lock) {
            List<Module> l = new ArrayList<>(modules.values());
            Collections.reverse(l);
            return l;
        }
    }

    /** find_symbol(): a kernel export, or an export of a formed (COMING or LIVE) module. */
    public Optional<KernelSymbol> findSymbol(String name) {
        synchronized (lock) {
            KernelSymbol k = kernelExports.get(name);
            return Optional.ofNullable(k != null ? k : moduleExports.get(name));
        }
    }

    /** How many symbol CRCs loads have compared against their exporters' (a statistic, not state). */
    public long crcChecks() {
        return crcChecks.get();
    }

    void countCrcCheck() {
        crcChecks.incrementAndGet();
    }

    /** Module memory in use, in bytes. */
    public long memoryInUse() {
        synchronized (lock) {
            return area.inUse();
        }
    }

    /** The kernel's taint letters, in Linux's bit order. */
    public String taints() {
        synchronized (lock) {
            return taints.stream().map(t -> String.valueOf(t.letter())).collect(Collectors.joining());
        }
    }

    /** Everything observable of the module system now. */
    public KernelSnapshot snapshot() {
        synchronized (lock) {
            List<String> mods = new ArrayList<>();
            for (Module m : modules.values()) {
                mods.add(m.name() + " " + m.state() + " " + m.refcount() + " uses=" + m.uses() + " usedBy=" + m.usedBy()
                        + " " + m.size());
            }
            return new KernelSnapshot(mods, new ArrayList<>(new TreeSet<>(moduleExports.keySet())), area.inUse(),
                    area.ranges(), taints());
        }
    }

    // --- used by ModuleLoader, under the lock ---

    Optional<KernelSymbol> findFormed(String name) {
        KernelSymbol k = kernelExports.get(name);
        return Optional.ofNullable(k != null ? k : moduleExports.get(name));
    }

    ModuleArea area() {
        return area;
    }

    Module registered(String name) {
        return modules.get(name);
    }

    void register(Module m) {
        modules.put(m.name(), m);
    }

    void unregister(Module m) {
        modules.remove(m.name());
    }

    void publish(Module m) {
        for (KernelSymbol s : m.exports()) {
            moduleExports.put(s.name(), s);
        }
    }

    void unpublish(Module m) {
        for (KernelSymbol s : m.exports()) {
            moduleExports.remove(s.name(), s);
        }
    }

    void taint(Module m, Module.Taint t) {
        m.taint(t);
        taints.add(t);
    }

    /** free_module(): exports, dependency references, memory and the registry entry go. */
    void free(Module m) {
        unpublish(m);
        for (Module target : m.usedModules()) {
            target.removeHolder(m);
            target.put();
        }
        m.clearUses();
        area.free(m.coreBase());
        unregister(m);
    }
}
