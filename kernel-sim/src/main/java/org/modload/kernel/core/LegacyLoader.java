package org.modload.kernel.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.modload.kernel.diag.Errnos;
import org.modload.kernel.diag.KernelInputException;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.KernelSymbol;
import org.modload.kernel.model.LoadPhase;
import org.modload.kernel.model.ModuleEvent;
import org.modload.kernel.model.ModuleFacts;
import org.modload.kernel.model.ModuleState;
import org.modload.kernel.model.ModuleView;
import org.modload.kernel.model.Taint;
import org.modload.loader.diag.LoaderException;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.KernelSupport;
import org.modload.loader.spi.ModuleMemory;
import org.modload.loader.spi.RegisteredTable;

/**
 * The kernel's half of Linux 2.4's two-call loader (2.4's {@code sys_create_module},
 * {@code sys_query_module} with QM_SYMBOLS, {@code sys_init_module}). The kernel relocates
 * nothing: {@code create_module} reserves a name and memory and returns the address;
 * userspace (insmod) links the object against {@code query_module}'s symbols at that address;
 * {@code init_module} takes the relocated image, checks that it is what was reserved, links the
 * dependencies insmod names and brings the module to life. A failure in {@code init_module},
 * init's included, leaves the entry uninitialized with its memory, as 2.4 did: removing it is
 * insmod's job ({@code delete_module}), and an insmod that never comes back leaves it behind.
 * One instance serves one {@code init_module} call on one thread.
 */
public final class LegacyLoader implements ModuleFormation {
    /** struct module's name field holds 55 characters and a NUL (MODULE_NAME_LEN). */
    private static final int NAME_MAX = 55;

    private final KernelState kernel;
    private final Architecture arch;
    private final String name;
    private final LoadedImage image;
    private final List<String> deps;
    private final LoadRequest request;
    private final String file;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final Set<Taint> taints = EnumSet.noneOf(Taint.class);
    private LoadPhase phase = LoadPhase.MODINFO;
    private Module module;

    /**
     * One init_module call; nothing happens until {@link #prepare}.
     *
     * @param name the name create_module was given
     * @param image what insmod relocated at the address create_module returned
     * @param deps the modules insmod resolved symbols from (2.4's {@code mod->deps})
     */
    public LegacyLoader(KernelState kernel, String name, LoadedImage image, List<String> deps, LoadRequest request) {
        this.kernel = kernel;
        this.arch = kernel.architecture();
        this.name = name;
        this.image = image;
        this.deps = List.copyOf(new LinkedHashSet<>(deps));
        this.request = request;
        this.file = image.plan().objects().get(0).name();
    }

    /**
     * create_module(name, size): a list entry, uninitialized, and {@code size} bytes of module
     * memory for it.
     *
     * @return the address of the memory, which the image must be relocated to
     * @throws KernelException EINVAL for a bad name or size, EEXIST when a module or entry of that
     *     name exists, ENOMEM when the module area has no room
     */
    public static long create(KernelState kernel, String name, long size) {
        if (name.isEmpty() || name.length() > NAME_MAX || name.indexOf('/') >= 0) {
            throw new KernelException(Errno.EINVAL, LoadPhase.ALLOCATE, name, "create_module: bad module name '" + name + "'");
        }
        if (size <= 0) {
            throw new KernelException(Errno.EINVAL, LoadPhase.ALLOCATE, name, "create_module: " + name + ": bad size " + size);
        }
        kernel.mutex.lock();
        try {
            if (kernel.nameTaken(name)) {
                throw new KernelException(Errno.EEXIST, LoadPhase.ALLOCATE, name, "a module named " + name + " already exists");
            }
            OptionalLong base = kernel.area().allocate(size);
            if (base.isEmpty()) {
                throw new KernelException(Errno.ENOMEM, LoadPhase.ALLOCATE, name,
                        "can't allocate kernel memory for module " + name + "; needed " + size + " bytes");
            }
            kernel.reserve(name, base.getAsLong(), size);
            return base.getAsLong();
        } finally {
            kernel.mutex.unlock();
        }
    }

    /**
     * query_module(QM_SYMBOLS) of the kernel and of every module: the symbols insmod may link
     * against, the kernel's exports first, then those of LIVE modules (with their owners, which
     * insmod names as dependencies).
     */
    public static List<KernelSymbol> querySymbols(KernelState kernel) {
        List<KernelSymbol> out = new ArrayList<>(kernel.config().exports());
        kernel.mutex.lock();
        try {
            for (KernelState.Export e : kernel.moduleExportList()) {
                if (e.owner().state() == ModuleState.LIVE) {
                    out.add(e.symbol());
                }
            }
        } finally {
            kernel.mutex.unlock();
        }
        return out;
    }

    @Override
    public ModuleView prepare() {
        try {
            form();
            return kernel.viewOf(module);
        } catch (RuntimeException e) {
            undoAll();
            throw translate(e);
        }
    }

    @Override
    public Module module() {
        return module;
    }

    @Override
    public ModuleView complete(int ret, RuntimeException thrown) {
        RuntimeException failure = thrown;
        kernel.mutex.lock();
        try {
            phase = LoadPhase.INIT;
            if (failure == null && ret == 0) {
                try {
                    enter(LoadPhase.LIVE);
                    module.moveTo(ModuleState.LIVE);
                    // 2.4 kept a module's init code and data: no init memory is released.
                    for (Taint t : taints) {
                        kernel.taint(module, t);
                    }
                    kernel.traced(new ModuleEvent(ModuleEvent.Kind.LIVE, module.name()));
                    return kernel.view(module);
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            // Init failed: the entry is uninitialized again, its memory still reserved.
            module.moveTo(ModuleState.GOING);
            undoAll();
        } finally {
            kernel.wake();
            kernel.mutex.unlock();
        }
        if (failure != null) {
            throw translate(failure);
        }
        // 2.4: "if (error > 0) /* Buggy module */ error = -EBUSY".
        Errno errno = ret > 0 ? Errno.EBUSY : Errno.ofNumber(-ret);
        throw new KernelException(errno, LoadPhase.INIT, file, name + ": init failed: " + errno.name()
                + "; the module is uninitialized again, for insmod to delete");
    }

    private void form() {
        ElfFile obj = image.plan().objects().get(0);
        enter(LoadPhase.MODINFO);
        kernel.mutex.lock();
        try {
            entry(); // find_module(name) comes before anything of the image is looked at
        } finally {
            kernel.mutex.unlock();
        }
        if (!obj.machine().equals(arch.machine())) {
            throw fail(Errno.ENOEXEC, "init_module: " + name + ": image for " + obj.machine() + ", kernel is " + arch.machine());
        }
        ModuleFacts facts = ModuleReader.facts(file, obj, false);
        if (!facts.name().equals(name)) {
            throw fail(Errno.EINVAL, "init_module: changed module name to `" + facts.name() + "' from `" + name + "'");
        }
        // The kernel never sees the file, only an image relocated in userspace: nothing to verify a signature of.
        taints.add(Taint.UNSIGNED);
        if (!facts.gplCompatible()) {
            taints.add(Taint.PROPRIETARY);
        }
        if (!facts.inTree()) {
            taints.add(Taint.OUT_OF_TREE);
        }

        enter(LoadPhase.ALLOCATE);
        claim(facts);

        enter(LoadPhase.RESOLVE_SYMBOLS);
        linkDependencies();

        enter(LoadPhase.FINALIZE);
        KernelSupport support = arch.kernelSupport();
        ModuleMemory memory = Memory.of(image);
        List<RegisteredTable> tables = support.finalizeModule(obj, memory);

        enter(LoadPhase.EXPORTS);
        List<KernelSymbol> exports = new ExportReader(file, name, obj, memory, support,
                arch.elfClass().equals(ElfClass.ELFCLASS64) ? 64 : 32).exports();

        enter(LoadPhase.COMING);
        Module m = module;
        kernel.mutex.lock();
        try {
            Optional<String> duplicate = kernel.duplicateExport(exports);
            if (duplicate.isPresent()) {
                throw fail(Errno.ENOEXEC, name + ": exports duplicate symbol " + duplicate.get());
            }
            m.formed(image, Kallsyms.legacy(obj, image), exports, tables, List.of(), Optional.empty());
            m.moveTo(ModuleState.COMING);
            kernel.publish(m);
            undo.push(() -> kernel.unpublish(m));
            kernel.wake();
        } finally {
            kernel.mutex.unlock();
        }
    }

    /**
     * find_module(name) and 2.4's checks of the image against the entry: it must start at the
     * reserved address and fit the reserved size. The module then takes the entry's place.
     */
    private void claim(ModuleFacts facts) {
        LoadPlan plan = image.plan();
        long need = plan.initBase() + plan.initSize() - plan.coreBase();
        kernel.mutex.lock();
        try {
            KernelState.Reservation r = entry();
            if (plan.coreBase() != r.address()) {
                throw fail(Errno.EINVAL, String.format("init_module: %s: image relocated at 0x%x, create_module reserved 0x%x",
                        name, plan.coreBase(), r.address()));
            }
            if (need > r.size()) {
                throw fail(Errno.EINVAL, String.format("init_module: %s: image of %d bytes exceeds the %d create_module reserved",
                        name, need, r.size()));
            }
            Module m = new Module(name, file, facts);
            m.placedInReservation(plan);
            kernel.claim(r, m);
            module = m;
            undo.push(() -> kernel.unclaim(r, m));
        } finally {
            kernel.mutex.unlock();
        }
    }

    /**
     * Mutex held: the uninitialized entry of {@code name}.
     *
     * @throws KernelException ENOENT when create_module made none, EBUSY when it is initialized
     */
    private KernelState.Reservation entry() {
        KernelState.Reservation r = kernel.reservation(name);
        if (r == null) {
            throw kernel.listedModule(name) != null
                    ? fail(Errno.EBUSY, "init_module: module " + name + " is already initialized")
                    : fail(Errno.ENOENT, "init_module: no module " + name + " (create_module comes first)");
        }
        return r;
    }

    /**
     * 2.4's walk of {@code mod->deps}, which insmod filled: each must still be a module ("found
     * dependency that is (no longer?) a module" otherwise, the race of a module unloaded between
     * query_module and init_module); each becomes a holder edge with its reference, as
     * ref_module makes them.
     */
    private void linkDependencies() {
        kernel.mutex.lock();
        try {
            for (String d : deps) {
                Module used = kernel.listedModule(d);
                if (used == module) {
                    throw fail(Errno.EINVAL, "init_module: " + name + ": self-referential dependency in mod->deps");
                }
                if (used != null && kernel.alreadyUses(module, used)) {
                    continue;
                }
                if (used == null || !used.tryGet()) {
                    throw fail(Errno.EINVAL, "init_module: " + name + ": found dependency " + d
                            + " that is (no longer?) a module");
                }
                kernel.addUse(module, used);
                undo.push(() -> kernel.dropUse(module, used));
            }
        } finally {
            kernel.mutex.unlock();
        }
    }

    private void enter(LoadPhase next) {
        phase = next;
        Optional<Errno> injected = request.faults().at(next);
        if (injected.isPresent()) {
            throw fail(injected.get(), file + ": fault injected in " + next);
        }
    }

    private KernelException fail(Errno errno, String message) {
        return new KernelException(errno, phase, file, message);
    }

    /** Runs every undo, newest first, with the mutex held, and wakes the waiters. */
    private void undoAll() {
        kernel.mutex.lock();
        try {
            while (!undo.isEmpty()) {
                undo.pop().run();
            }
            kernel.wake();
        } finally {
            kernel.mutex.unlock();
        }
    }

    /** Input errors get their errno from {@link Errnos}, with the phase they stopped. */
    private KernelException translate(RuntimeException e) {
        if (e instanceof KernelException k) {
            return k;
        }
        if (e instanceof LoaderException le) {
            return new KernelException(Errnos.of(le), phase, file, e.getMessage(), e);
        }
        if (e instanceof KernelInputException ke) {
            return new KernelException(Errnos.of(ke), phase, file, e.getMessage(), e);
        }
        throw e;
    }
}
