package org.modload.kernel.core;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.modload.kernel.diag.Errnos;
import org.modload.kernel.diag.KernelInputException;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.KernelSymbol;
import org.modload.kernel.model.LoadPhase;
import org.modload.kernel.model.MemoryRange;
import org.modload.kernel.model.ModuleEvent;
import org.modload.kernel.model.ModuleFacts;
import org.modload.kernel.model.ModulePlacement;
import org.modload.kernel.model.ModuleState;
import org.modload.kernel.model.ModuleView;
import org.modload.kernel.model.Taint;
import org.modload.kernel.modinfo.ModuleSignature;
import org.modload.loader.diag.LoaderException;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.UnresolvedSymbolException;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.SectionType;
import org.modload.loader.elf.Symbol;
import org.modload.loader.elf.SymbolBinding;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.ResolvedSymbols;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.KernelSupport;
import org.modload.loader.spi.ModuleMemory;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.RegisteredTable;

/**
 * One {@code load_module()} call: the phases of {@link LoadPhase} in order, each pushing what
 * undoes it; the first failure runs every undo, so the kernel is left as it was. As in Linux,
 * parsing, layout, resolution and relocation run without the module mutex, so loads of
 * different modules overlap; the mutex is taken to reserve the name, for each symbol lookup
 * with the dependency edge it makes, and for each state change. The caller runs the module's
 * init between {@link #prepare} and {@link #complete}. One instance serves one load on one
 * thread.
 */
public final class ModuleLoader implements ModuleFormation {
    private final KernelState kernel;
    private final String file;
    private final ByteBuffer bytes;
    private final LoadRequest request;
    private final Architecture arch;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final Set<Taint> taints = EnumSet.noneOf(Taint.class);
    private LoadPhase phase = LoadPhase.SIGNATURE;
    private Module module;

    /**
     * @param bytes the whole file (signature included); read, never changed
     */
    public ModuleLoader(KernelState kernel, String file, ByteBuffer bytes, LoadRequest request) {
        this.kernel = kernel;
        this.file = file;
        this.bytes = bytes;
        this.request = request;
        this.arch = kernel.architecture();
    }

    /**
     * Every phase up to COMING: the module is formed, its exports visible, its init not run.
     * Called once.
     *
     * @return the module in state COMING
     * @throws KernelException with the errno and phase of the first failure; the kernel is then
     *     as it was before the call
     */
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

    /** The module being loaded, once {@link #prepare} returned. */
    @Override
    public Module module() {
        return module;
    }

    /**
     * do_init_module's end, after the caller ran init: LIVE with init memory released, or, when
     * init failed, GOING and everything undone. Called once, after {@link #prepare}.
     *
     * @param ret what init returned: 0 or a negative errno
     * @param thrown what init threw, or null
     * @return the LIVE module
     * @throws KernelException INIT with init's errno, or LIVE for a fault injected there; the
     *     kernel is then as it was before {@link #prepare}
     */
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
                    kernel.area().free(module.initBase());
                    module.releaseInit();
                    for (Taint t : taints) {
                        kernel.taint(module, t);
                    }
                    kernel.traced(new ModuleEvent(ModuleEvent.Kind.LIVE, module.name()));
                    return kernel.view(module);
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            // Init failed: GOING, then free_module; references others took during init go with it.
            module.moveTo(ModuleState.GOING);
            undoAll();
        } finally {
            kernel.wake();
            kernel.mutex.unlock();
        }
        if (failure != null) {
            throw translate(failure);
        }
        Errno errno = Errno.ofNumber(-ret);
        throw new KernelException(errno, LoadPhase.INIT, file, module.name() + ": init failed: " + errno.name());
    }

    private void form() {
        enter(LoadPhase.SIGNATURE);
        boolean signed = ModuleSignature.isSigned(bytes);
        SignatureCheck.Outcome signature = SignatureCheck.run(kernel.verifier(), file, bytes, kernel.config().keyring(),
                kernel.signaturePolicy(), request.ignoreVermagic() || request.ignoreModversions());
        if (signature.unverified()) {
            taints.add(Taint.UNSIGNED);
        }
        ByteBuffer elfBytes = signature.module();

        enter(LoadPhase.ELF_VALIDITY);
        ElfFile obj = ElfFile.parse(file, elfBytes);
        LinkEngine engine = new LinkEngine(arch);

        enter(LoadPhase.MODINFO);
        ModuleFacts facts = ModuleReader.facts(file, obj, signed);
        if (!facts.gplCompatible()) {
            taints.add(Taint.PROPRIETARY);
        }
        if (!facts.inTree()) {
            taints.add(Taint.OUT_OF_TREE);
        }
        if (facts.staging()) { // check_modinfo(): "module is from the staging directory"
            taints.add(Taint.STAGING);
        }

        enter(LoadPhase.VERMAGIC);
        checkVermagic(facts);

        enter(LoadPhase.MODVERSIONS);
        checkKernelVersions(obj, facts);

        enter(LoadPhase.ARCH_SIZING);
        ModuleLayout layout = ModuleLayout.of(obj, request.ignoreModversions(), kernel.config().kallsymsAll())
                .orElseThrow(() -> fail(Errno.ENOEXEC, facts.name() + ": module has no symbols (stripped?)"));
        if (layout.symtab().name().equals(layout.strtab().name())) {
            // layout_symtab() makes both allocated; sysfs would show two sections of one name.
            throw fail(Errno.ENOEXEC, String.format("%s: the symbol table (section %d) and its string table (section %d)"
                    + " are both called '%s'", file, layout.symtab().index(), layout.strtab().index(),
                    Location.printable(layout.symtab().name())));
        }
        LoadPlan sizing = engine.plan(obj, Profile.KERNEL,
                layout.policy(arch.moduleAreaBase(), OptionalLong.empty(), 0));

        enter(LoadPhase.LAYOUT);
        long coreSize = sizing.coreSize();
        long initSize = sizing.initSize();

        enter(LoadPhase.ALLOCATE);
        Optional<ModulePlacement> placement = request.placement();
        long core = allocate("core", coreSize, placement.map(ModulePlacement::coreBase));
        long init = allocate("init", initSize, placement.map(ModulePlacement::initBase));
        Module m = new Module(facts.name(), file, facts);
        kernel.addUnformed(m, file);
        module = m;
        undo.push(() -> kernel.removeUnformed(m));
        OptionalLong percpu = allocatePercpu(layout, facts, placement.flatMap(p -> p.percpuBase().isPresent()
                ? Optional.of(p.percpuBase().getAsLong()) : Optional.empty()));
        LoadPlan plan = engine.plan(obj, Profile.KERNEL, layout.policy(core, OptionalLong.of(init), percpu.orElse(0)));
        if (plan.coreSize() > coreSize || plan.initSize() > initSize) {
            throw new IllegalStateException(file + ": the layout grew after sizing");
        }
        m.placed(plan, percpu);

        enter(LoadPhase.RESOLVE_SYMBOLS);
        ResolvedSymbols symbols = resolve(engine, obj, plan, facts);

        enter(LoadPhase.RELOCATE);
        LoadedImage image = engine.relocate(obj, plan, symbols, Profile.KERNEL);

        enter(LoadPhase.FINALIZE);
        KernelSupport support = arch.kernelSupport();
        ModuleMemory memory = Memory.of(image);
        List<RegisteredTable> tables = support.finalizeModule(obj, memory);

        enter(LoadPhase.THIS_MODULE);
        checkThisModule(obj);

        enter(LoadPhase.EXPORTS);
        List<KernelSymbol> exports = new ExportReader(file, facts.name(), obj, memory, support,
                arch.elfClass().equals(ElfClass.ELFCLASS64) ? 64 : 32).exports();
        checkExportVersions(exports);

        enter(LoadPhase.COMING);
        kernel.mutex.lock();
        try {
            Optional<String> duplicate = kernel.duplicateExport(exports);
            if (duplicate.isPresent()) {
                throw fail(Errno.ENOEXEC, facts.name() + ": exports duplicate symbol " + duplicate.get());
            }
            m.formed(image, Kallsyms.of(obj, image, layout, exports, arch.smallDataFlag()), exports, tables,
                    SectionAttributes.of(layout, plan), percpuCopy(layout, percpu));
            m.moveTo(ModuleState.COMING);
            kernel.publish(m);
            undo.push(() -> kernel.unpublish(m));
            kernel.wake();
        } finally {
            kernel.mutex.unlock();
        }
    }

    /**
     * module_alloc() of one region: where the placement says, else first fit; undone on failure.
     *
     * @throws KernelException ENOMEM when there is no room, or the placed range is taken
     */
    private long allocate(String region, long size, Optional<Long> at) {
        OptionalLong base = at.isPresent() ? (kernel.area().allocateAt(at.get(), size) ? OptionalLong.of(at.get())
                : OptionalLong.empty()) : kernel.area().allocate(size);
        if (base.isEmpty()) {
            throw fail(Errno.ENOMEM, at.isPresent()
                    ? String.format("%s: 0x%x bytes of %s memory at 0x%x are not free in the module area", file, size,
                            region, at.get())
                    : String.format("%s: no room for 0x%x bytes of %s memory in the module area", file, size, region));
        }
        long b = base.getAsLong();
        undo.push(() -> kernel.area().free(b));
        return b;
    }

    /**
     * percpu_modalloc(): the per-cpu section's bytes at its alignment (a page at most), once the
     * name is reserved; nothing when the section is absent or empty.
     *
     * @throws KernelException ENOMEM when the per-cpu area has no room ("Could not allocate N
     *     bytes percpu data")
     */
    private OptionalLong allocatePercpu(ModuleLayout layout, ModuleFacts facts, Optional<Long> at) {
        long size = layout.percpuSize();
        if (size == 0) {
            return OptionalLong.empty();
        }
        long alignment = layout.percpuAlignment(arch.pageSize());
        OptionalLong base = at.isPresent() ? (kernel.percpu().allocateAt(at.get(), size) ? OptionalLong.of(at.get())
                : OptionalLong.empty()) : kernel.percpu().allocate(size, alignment);
        if (base.isEmpty()) {
            throw fail(Errno.ENOMEM, facts.name() + ": Could not allocate " + size + " bytes percpu data");
        }
        long b = base.getAsLong();
        undo.push(() -> kernel.percpu().free(b));
        return base;
    }

    /** percpu_modcopy(): the per-cpu section as each CPU's copy holds it (its relocations are not applied). */
    private static Optional<MemoryRange> percpuCopy(ModuleLayout layout, OptionalLong base) {
        if (base.isEmpty()) {
            return Optional.empty();
        }
        Section s = layout.percpuSection().orElseThrow();
        ByteBuffer bytes = s.type().equals(SectionType.SHT_NOBITS) ? ByteBuffer.allocate(Math.toIntExact(s.size()))
                : s.bytes();
        return Optional.of(new MemoryRange(s.name(), base.getAsLong(), bytes));
    }

    private void checkVermagic(ModuleFacts facts) {
        Optional<String> kernelMagic = kernel.config().vermagic();
        if (kernelMagic.isEmpty()) {
            return;
        }
        if (request.ignoreVermagic()) {
            taints.add(Taint.FORCED_LOAD);
            return;
        }
        if (facts.vermagic().isEmpty()) {
            throw fail(Errno.ENOEXEC, facts.name() + ": no vermagic (use --force-vermagic to load anyway)");
        }
        String mine = facts.vermagic().get();
        boolean same = kernel.config().modversions() && !facts.versions().isEmpty()
                ? afterFirstWord(mine).equals(afterFirstWord(kernelMagic.get()))
                : mine.equals(kernelMagic.get());
        if (!same) {
            throw fail(Errno.ENOEXEC, facts.name() + ": version magic '" + mine + "' should be '" + kernelMagic.get() + "'");
        }
    }

    /** same_magic() with CRCs: the release (first word) may differ, the rest must not. */
    private static String afterFirstWord(String magic) {
        int sp = magic.indexOf(' ');
        return sp < 0 ? "" : magic.substring(sp);
    }

    private boolean checkingVersions() {
        return kernel.config().modversions() && !request.ignoreModversions();
    }

    /**
     * check_modstruct_version and check_version for every undefined symbol the kernel itself
     * exports with a CRC. The kernel's table never changes, so this needs no lock; symbols of
     * module exporters are checked as they are resolved, under the mutex.
     */
    private void checkKernelVersions(ElfFile obj, ModuleFacts facts) {
        if (!checkingVersions()) {
            if (request.ignoreModversions()) {
                taints.add(Taint.FORCED_LOAD);
            }
            return;
        }
        List<String> names = new ArrayList<>();
        names.add("module_layout");
        for (Symbol s : obj.symbols()) {
            if (s.isUndefined() && !s.name().isEmpty()) {
                names.add(s.name());
            }
        }
        Map<String, Long> versions = facts.versions();
        for (String name : names) {
            KernelSymbol exporter = kernel.kernelExport(name);
            if (exporter == null || exporter.crc().isEmpty()) {
                continue;
            }
            if (!versions.containsKey(name)) {
                if (versions.isEmpty() && name.equals("module_layout")) {
                    throw fail(Errno.ENOEXEC, facts.name() + ": no symbol version for module_layout");
                }
                continue; // Linux: "no symbol version for X", a warning only.
            }
            checkVersion(facts, name, exporter);
        }
    }

    /** check_version: the module's CRC for {@code name} against its exporter's, when both have one. */
    private void checkVersion(ModuleFacts facts, String name, KernelSymbol exporter) {
        Long crc = facts.versions().get(name);
        if (crc == null || exporter.crc().isEmpty()) {
            return;
        }
        kernel.countCrcCheck();
        if (crc != exporter.crc().getAsLong()) {
            throw new KernelException(name.equals("module_layout") ? Errno.ENOEXEC : Errno.EINVAL,
                    LoadPhase.MODVERSIONS, file, facts.name() + ": disagrees about version of symbol " + name);
        }
    }

    /**
     * check_export_symbol_versions(): on a kernel with modversions, a module that exports
     * symbols without their CRCs ({@code __kcrctab}, {@code __kcrctab_gpl}) is force-loaded
     * ({@code CONFIG_MODULE_FORCE_LOAD}, as distribution kernels have it): it taints F.
     */
    private void checkExportVersions(List<KernelSymbol> exports) {
        if (kernel.config().modversions() && exports.stream().anyMatch(e -> e.crc().isEmpty())) {
            taints.add(Taint.FORCED_LOAD);
        }
    }

    /** simplify_symbols(): kernel and formed modules; GPL-only and namespace rules; weak undefined may stay 0. */
    private ResolvedSymbols resolve(LinkEngine engine, ElfFile obj, LoadPlan plan, ModuleFacts facts) {
        try {
            return engine.resolve(obj, plan, name -> resolveSymbol(name, facts));
        } catch (UnresolvedSymbolException e) {
            // Only a failed load looks the symbol up again, for its binding.
            boolean weak = obj.symbols().stream().filter(s -> s.isUndefined() && s.name().equals(e.symbol()))
                    .findFirst().map(s -> s.bind().equals(SymbolBinding.STB_WEAK)).orElse(false);
            Optional<KernelSymbol> k = kernel.findSymbol(e.symbol());
            String why = k.isPresent() && k.get().gplOnly() && !weak
                    ? " (GPL-only symbol; module license '" + facts.license() + "')" : "";
            throw fail(Errno.ENOENT, facts.name() + ": Unknown symbol " + e.symbol() + " (err -2)" + why);
        }
    }

    /**
     * resolve_symbol_wait(): one lookup under the mutex. A module exporter gets a ref_module
     * edge (strong_try_module_get: it must be LIVE); while it is still COMING the load waits for
     * it, at most the kernel's symbol wait in all.
     */
    private Optional<SymbolDefinition> resolveSymbol(String name, ModuleFacts facts) {
        KernelSymbol k = kernel.kernelExport(name);
        if (k != null) {
            return usable(k, facts) ? Optional.of(new SymbolDefinition(k.address(), k.descriptor())) : Optional.empty();
        }
        kernel.mutex.lock();
        try {
            long deadline = System.nanoTime() + kernel.symbolWait().toNanos();
            while (true) {
                KernelState.Export e = kernel.moduleExport(name);
                if (e == null || !usable(e.symbol(), facts)) {
                    return Optional.empty();
                }
                Module owner = e.owner();
                boolean uses = kernel.alreadyUses(module, owner);
                if (!uses && owner.state() == ModuleState.COMING) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !kernel.await(file, "waiting for init of module " + owner.name(), OptionalLong.of(left))) {
                        throw fail(Errno.EBUSY, facts.name() + ": gave up waiting for init of module " + owner.name()
                                + ": Unknown symbol " + name + " (err -16)");
                    }
                    continue; // look again: the exporter may be LIVE now, or gone
                }
                if (checkingVersions()) {
                    checkVersion(facts, name, e.symbol());
                }
                if (!uses) {
                    if (!owner.tryGet()) {
                        // strong_try_module_get of a module on its way out: -ENOENT, "Unknown symbol".
                        throw fail(Errno.ENOENT, facts.name() + ": Unknown symbol " + name + " (err -2): "
                                + owner.name() + " is " + owner.state().procName().toLowerCase(Locale.ROOT));
                    }
                    kernel.addUse(module, owner);
                    undo.push(() -> kernel.dropUse(module, owner));
                }
                return Optional.of(new SymbolDefinition(e.symbol().address(), e.symbol().descriptor()));
            }
        } finally {
            kernel.mutex.unlock();
        }
    }

    /**
     * find_symbol's rules: a non-GPL module does not see GPL-only exports; a namespaced export
     * needs its namespace imported (a refusal, not an unknown symbol).
     */
    private boolean usable(KernelSymbol s, ModuleFacts facts) {
        if (s.gplOnly() && !facts.gplCompatible()) {
            return false;
        }
        if (s.hasNamespace() && !facts.importedNamespaces().contains(s.namespace())) {
            throw fail(Errno.EINVAL, "module " + facts.name() + " uses symbol " + s.name() + " from namespace "
                    + s.namespace() + ", but does not import it.");
        }
        return true;
    }

    private void checkThisModule(ElfFile obj) {
        Optional<Section> s = obj.section(".gnu.linkonce.this_module");
        if (s.isEmpty() || !s.get().isAllocated()) {
            throw fail(Errno.ENOEXEC, file + ": No module found in object");
        }
        OptionalLong want = kernel.config().structModuleSize();
        if (want.isPresent() && s.get().size() != want.getAsLong()) {
            throw fail(Errno.ENOEXEC, String.format("%s: .gnu.linkonce.this_module section size 0x%x must match the "
                    + "kernel's built struct module size 0x%x", file, s.get().size(), want.getAsLong()));
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
