package org.modload.kernel;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.modload.kernel.core.KernelState;
import org.modload.kernel.core.LegacyLoader;
import org.modload.kernel.core.Module;
import org.modload.kernel.core.ModuleFormation;
import org.modload.kernel.core.ModuleLoader;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.FaultInjection;
import org.modload.kernel.model.KernelConfig;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.KernelSnapshot;
import org.modload.kernel.model.KernelSymbol;
import org.modload.kernel.model.LoadPhase;
import org.modload.kernel.model.LoadPolicy;
import org.modload.kernel.model.ModuleListEntry;
import org.modload.kernel.model.ModuleView;
import org.modload.kernel.model.UnloadPolicy;
import org.modload.kernel.model.UnloadStep;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;

/**
 * A simulated kernel's module system calls, in the spirit of the 2002 in-kernel loader:
 * {@link #load} (init_module) takes a whole module image and either the module is LIVE
 * afterwards or nothing of it remains; {@link #tryModuleGet} references guard
 * {@link #deleteModule}, which may refuse. One instance per kernel; no static state.
 * Thread-safe, with Linux's concurrency: loads of different modules run in parallel (parsing,
 * layout, symbol resolution and relocation outside the module mutex), reference counts are
 * atomic, and module inits and exits run without the mutex. Booted with
 * {@link LoadPolicy#LEGACY_2_4}, it has 2.4's calls instead ({@link #createModule},
 * {@link #queryModuleSymbols}, {@link #initModule}); with {@link UnloadPolicy#EXIT_MAY_FAIL},
 * a module's exit decides its unload.
 */
public final class Kernel {
    private final KernelState state;
    private final KernelParameters parameters;
    /** Each formed module's hooks, for its exit; keyed by the module object, whose identity is the module. */
    private final Map<Module, ModuleHooks> hooks = new ConcurrentHashMap<>();

    private Kernel(KernelState state, KernelParameters parameters) {
        this.state = state;
        this.parameters = parameters;
    }

    /**
     * Boots a kernel with the architecture that {@link Architectures#installed()} finds for
     * {@code config.machine()}: the one convenience that discovers plugins itself; embedders who
     * hand in their own architectures use {@link #boot(KernelConfig, Architectures)}.
     *
     * @throws IllegalArgumentException when no installed architecture handles the machine
     */
    public static Kernel boot(KernelConfig config) {
        return boot(config, Architectures.installed());
    }

    /**
     * Boots a kernel with an architecture from {@code archs} and default parameters.
     *
     * @throws IllegalArgumentException when none of {@code archs} handles {@code config.machine()}
     */
    public static Kernel boot(KernelConfig config, Architectures archs) {
        return boot(config, archs, KernelParameters.defaults());
    }

    /**
     * Boots a kernel with an architecture from {@code archs}.
     *
     * @throws IllegalArgumentException when none of {@code archs} handles {@code config.machine()}
     */
    public static Kernel boot(KernelConfig config, Architectures archs, KernelParameters parameters) {
        Architecture arch = archs.find(config.machine()).orElseThrow(() -> new IllegalArgumentException(
                "no architecture plugin installed for " + config.machine()));
        return new Kernel(new KernelState(config, arch, parameters.symbolWait(), parameters.trace(),
                parameters.signaturePolicy()), parameters);
    }

    /** What the kernel was told at boot: its policies among them. */
    public KernelParameters parameters() {
        return parameters;
    }

    /** What the kernel was booted with. */
    public KernelConfig config() {
        return state.config();
    }

    /** The kernel's architecture. */
    public Architecture architecture() {
        return state.architecture();
    }

    /** 64 or 32: the width of the kernel's addresses. */
    public int addressBits() {
        return state.architecture().elfClass().equals(ElfClass.ELFCLASS64) ? 64 : 32;
    }

    /**
     * init_module(): loads one module image in Linux 6.1's phases ({@link LoadPhase}), then runs
     * its init hook without the mutex. A load of a name that is still loading waits for that load
     * to end (EEXIST if it went LIVE); a load that needs an exporter still in its init waits for
     * it (see {@link KernelParameters#symbolWait()}).
     *
     * @param file the file name, for messages
     * @param bytes the whole file (signature included) between position and limit; not changed
     * @return the LIVE module
     * @throws KernelException with the errno and phase of the first failure; the kernel is
     *     then exactly as it was before the call. ENOSYS on a {@link LoadPolicy#LEGACY_2_4}
     *     kernel, whose init_module takes an image relocated in userspace ({@link #initModule})
     */
    public ModuleView load(String file, ByteBuffer bytes, LoadOptions options) {
        require(LoadPolicy.LINUX, "init_module(image)", file);
        return initialize(new ModuleLoader(state, file, bytes.duplicate(), options.request()), options);
    }

    /**
     * 2.4's create_module(name, size): reserves {@code size} bytes of module memory and a list
     * entry that lsmod shows as uninitialized until {@link #initModule} comes, or until
     * {@link #deleteModule} removes it.
     *
     * @return the address the caller must relocate the module's image to
     * @throws KernelException ENOSYS on a Linux kernel; EEXIST when the name is taken, ENOMEM
     *     when there is no room, EINVAL for a bad name or size
     */
    public long createModule(String name, long size) {
        require(LoadPolicy.LEGACY_2_4, "create_module", name);
        return LegacyLoader.create(state, name, size);
    }

    /**
     * 2.4's query_module(QM_SYMBOLS) of the kernel and of every module: what userspace may link
     * a module against, each symbol with its owner ({@code vmlinux} or a LIVE module). Changes
     * nothing.
     *
     * @throws KernelException ENOSYS on a Linux kernel
     */
    public List<KernelSymbol> queryModuleSymbols() {
        require(LoadPolicy.LEGACY_2_4, "query_module", "vmlinux");
        return LegacyLoader.querySymbols(state);
    }

    /**
     * 2.4's init_module(name, image): takes an image that userspace relocated at the address
     * {@link #createModule} returned for {@code name}, links the dependencies the caller names,
     * publishes the module's exports, then runs its init without the mutex. On any failure,
     * init's included, the entry is left uninitialized with its memory, as in 2.4; the caller
     * removes it with {@link #deleteModule}.
     *
     * @param image the relocated image; its plan must start at the reserved address and fit
     * @param deps the modules whose exports the image was linked against
     * @return the LIVE module
     * @throws KernelException ENOSYS on a Linux kernel; ENOENT when no entry was created, EBUSY
     *     when it is initialized already, EINVAL when the image does not fit the entry or a
     *     dependency is no longer a LIVE module, init's errno when init fails
     */
    public ModuleView initModule(String name, LoadedImage image, List<String> deps, LoadOptions options) {
        require(LoadPolicy.LEGACY_2_4, "init_module(name, image)", name);
        return initialize(new LegacyLoader(state, name, image, deps, options.request()), options);
    }

    private void require(LoadPolicy policy, String call, String module) {
        if (parameters.loadPolicy() != policy) {
            throw new KernelException(Errno.ENOSYS, null, module, "a " + parameters.loadPolicy().spelling()
                    + " kernel has no " + call + " (the " + policy.spelling() + " load policy has it)");
        }
    }

    /** do_init_module around a formation: its init without the mutex, then LIVE or undone. */
    private ModuleView initialize(ModuleFormation loader, LoadOptions options) {
        ModuleView coming = loader.prepare();
        hooks.put(loader.module(), options.hooks());
        int ret = 0;
        RuntimeException thrown = null;
        try {
            Optional<Errno> injected = options.faults().at(LoadPhase.INIT);
            if (injected.isPresent()) {
                ret = -injected.get().number();
            } else if (coming.hasInit()) {
                ret = options.hooks().init(this, coming);
            }
        } catch (RuntimeException e) {
            thrown = e;
        } catch (Error e) {
            // A module whose init died must not stay COMING: undo it, then let the error through.
            try {
                loader.complete(-Errno.EINVAL.number(), null);
            } catch (KernelException undone) {
                e.addSuppressed(undone);
            }
            hooks.remove(loader.module());
            throw e;
        }
        try {
            return loader.complete(ret, thrown);
        } catch (KernelException e) {
            hooks.remove(loader.module());
            throw e;
        }
    }

    /**
     * delete_module(name, flags): the checks and GOING under the mutex, the exit hook without
     * it, then everything of the module goes. On a {@link LoadPolicy#LEGACY_2_4} kernel an
     * uninitialized entry of create_module is freed without an exit. Under
     * {@link UnloadPolicy#EXIT_MAY_FAIL} references are not counted; the module's
     * {@link ModuleHooks#fallibleExit} decides, and when it refuses the module is LIVE again.
     *
     * @param force O_TRUNC: unload even when referenced, without exit, or against its exit's
     *     refusal (taints the kernel)
     * @throws KernelException ENOENT when not loaded, EWOULDBLOCK when other modules use it or
     *     (Linux's policy) references are held, EBUSY when not LIVE or it cannot be removed, the
     *     exit's errno when an exit allowed to fail refused
     */
    public void deleteModule(String name, boolean force) {
        deleteModule(name, force, FaultInjection.none());
    }

    /**
     * {@link #deleteModule(String, boolean)} asking {@code faults} before each
     * {@link UnloadStep}: a failed step leaves the kernel as it was before the call (the module
     * LIVE, its references, edges, exports and memory as they were) and throws its errno.
     *
     * @throws KernelException as {@link #deleteModule(String, boolean)}, or the injected errno
     */
    public void deleteModule(String name, boolean force, FaultInjection faults) {
        if (parameters.loadPolicy() == LoadPolicy.LEGACY_2_4 && state.deleteReservation(name)) {
            return;
        }
        Module m = state.beginDelete(name, force, parameters.unloadPolicy(), faults);
        ModuleHooks h = hooks.getOrDefault(m, ModuleHooks.recording());
        Optional<Errno> exitFault = faults.at(UnloadStep.EXIT);
        if (exitFault.isPresent()) {
            state.unloadFailed(m);
            throw new KernelException(exitFault.get(), null, name, "delete_module " + name + ": " + UnloadStep.EXIT
                    + " failed (" + exitFault.get().name() + ", injected)");
        }
        if (parameters.unloadPolicy() == UnloadPolicy.EXIT_MAY_FAIL) {
            deleteIfExitAgrees(m, h, force, faults);
            return;
        }
        RuntimeException exitThrew = null;
        try {
            ModuleView going = state.viewOf(m);
            if (going.hasExit()) {
                h.exit(this, going);
            }
        } catch (RuntimeException e) {
            exitThrew = e;
        }
        state.finishDelete(m, exitThrew == null ? faults : FaultInjection.none());
        hooks.remove(m);
        if (exitThrew != null) {
            throw exitThrew;
        }
    }

    /** Zippel's delete_module: the exit may refuse, and then the module is LIVE again. */
    private void deleteIfExitAgrees(Module m, ModuleHooks h, boolean force, FaultInjection faults) {
        ModuleView going = state.viewOf(m);
        int ret = 0;
        try {
            if (going.hasExit()) {
                ret = h.fallibleExit(this, going);
            }
        } catch (RuntimeException e) {
            state.finishDelete(m);
            hooks.remove(m);
            throw e;
        }
        if (ret != 0 && !force) {
            state.exitRefused(m);
            Errno errno = ret > 0 ? Errno.EBUSY : Errno.ofNumber(-ret);
            throw new KernelException(errno, null, m.name(), "Module " + m.name() + " refused to exit: " + errno.name());
        }
        if (ret != 0) {
            state.forcedPastRefusal(m);
        }
        state.finishDelete(m, faults);
        hooks.remove(m);
    }

    /** try_module_get(): a reference, only while the module is LIVE; takes no lock. */
    public boolean tryModuleGet(String name) {
        return state.tryModuleGet(name);
    }

    /**
     * __module_get(): a reference regardless of state (the caller already holds one).
     *
     * @throws KernelException ENOENT when no such module is loaded
     */
    public void moduleGet(String name) {
        state.moduleGet(name);
    }

    /**
     * module_put(): drops one reference.
     *
     * @throws KernelException ENOENT when no such module is loaded, EINVAL when no reference is held
     */
    public void modulePut(String name) {
        state.modulePut(name);
    }

    /** The module called {@code name}, unless it is not loaded or still UNFORMED. */
    public Optional<ModuleView> module(String name) {
        return state.module(name);
    }

    /** The modules, most recently loaded first (as /proc/modules lists them). */
    public List<ModuleView> modules() {
        return state.modules();
    }

    /**
     * The module list as /proc/modules walks it, most recent first: the formed modules and, on a
     * {@link LoadPolicy#LEGACY_2_4} kernel, create_module's entries not yet initialized.
     */
    public List<ModuleListEntry> moduleList() {
        return state.listing();
    }

    /** find_symbol(): a kernel export, or an export of a formed (COMING, LIVE or GOING) module. */
    public Optional<KernelSymbol> findSymbol(String name) {
        return state.findSymbol(name);
    }

    /** How many symbol CRCs loads have compared against their exporters' (a statistic, not state). */
    public long crcChecks() {
        return state.crcChecks();
    }

    /** Module memory in use, in bytes. */
    public long memoryInUse() {
        return state.memoryInUse();
    }

    /** The kernel's taint letters, in Linux's bit order. */
    public String taints() {
        return state.taints();
    }

    /** Everything observable of the module system now. */
    public KernelSnapshot snapshot() {
        return state.snapshot();
    }
}
