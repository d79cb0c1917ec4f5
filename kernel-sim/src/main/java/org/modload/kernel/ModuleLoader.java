package org.modload.kernel;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import org.modload.kernel.modinfo.MalformedModuleException;
import org.modload.loader.diag.LoaderException;
import org.modload.loader.diag.UnresolvedSymbolException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.Symbol;
import org.modload.loader.elf.SymbolBinding;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.ResolvedSymbols;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.spi.Profile;

/**
 * One {@code load_module()} call: the phases of {@link LoadPhase} in order, each pushing what
 * undoes it; the first failure pops and runs every undo, so the kernel is left as it was.
 */
final class ModuleLoader {
    private final Kernel kernel;
    private final String file;
    private final ByteBuffer bytes;
    private final LoadOptions options;
    private final Deque<Runnable> undo = new ArrayDeque<>();
    private final Set<Module.Taint> taints = EnumSet.noneOf(Module.Taint.class);
    private LoadPhase phase = LoadPhase.SIGNATURE;

    ModuleLoader(Kernel kernel, String file, ByteBuffer bytes, LoadOptions options) {
        this.kernel = kernel;
        this.file = file;
        this.bytes = bytes;
        this.options = options;
    }

    Module load() {
        Module m;
        synchronized (kernel.lock) {
            try {
                m = formed();
            } catch (RuntimeException e) {
                unwind();
                throw translate(e);
            }
        }
        return initialize(m);
    }

    /** Every phase up to COMING, under the kernel's lock. */
    private Module formed() {
        enter(LoadPhase.SIGNATURE);
        boolean signed = ModuleReader.isSigned(bytes);
        ByteBuffer elfBytes = ModuleReader.withoutSignature(file, bytes);
        if (!signed) {
            taints.add(Module.Taint.UNSIGNED);
        }

        enter(LoadPhase.ELF_VALIDITY);
        ElfFile obj = ElfFile.parse(file, elfBytes);
        LinkEngine engine = new LinkEngine(kernel.architecture());

        enter(LoadPhase.MODINFO);
        ModuleFacts facts = ModuleReader.facts(file, obj, signed);
        if (!facts.gplCompatible()) {
            taints.add(Module.Taint.PROPRIETARY);
        }
        if (!facts.inTree()) {
            taints.add(Module.Taint.OUT_OF_TREE);
        }

        enter(LoadPhase.VERMAGIC);
        checkVermagic(facts);

        enter(LoadPhase.MODVERSIONS);
        checkVersions(obj, facts);

        enter(LoadPhase.ARCH_SIZING);
        LoadPlan sizing = engine.plan(obj, Profile.KERNEL, new LayoutPolicy.Linux(kernel.architecture().moduleAreaBase()));

        enter(LoadPhase.LAYOUT);
        long total = sizing.initBase() + sizing.initSize() - sizing.coreBase();

        enter(LoadPhase.ALLOCATE);
        OptionalLong base = kernel.area().allocate(total);
        if (base.isEmpty()) {
            throw fail(Errno.ENOMEM, String.format("%s: no room for 0x%x bytes in the module area", file, total));
        }
        undo.push(() -> kernel.area().free(base.getAsLong()));
        LoadPlan plan = engine.plan(obj, Profile.KERNEL, new LayoutPolicy.Linux(base.getAsLong()));
        if (kernel.registered(facts.name()) != null) {
            throw fail(Errno.EEXIST, "Module " + facts.name() + " is already loaded");
        }

        enter(LoadPhase.RESOLVE_SYMBOLS);
        List<KernelSymbol> used = new ArrayList<>();
        ResolvedSymbols symbols = resolve(engine, obj, plan, facts, used);
        List<Module> targets = dependencies(used, facts);

        enter(LoadPhase.RELOCATE);
        LoadedImage image = engine.relocate(obj, plan, symbols, Profile.KERNEL);

        enter(LoadPhase.THIS_MODULE);
        checkThisModule(obj);

        Module m = new Module(facts.name(), file, facts, obj, ProcFs.symbols(obj, image), image, options.hooks());
        kernel.register(m);
        undo.push(() -> kernel.unregister(m));
        for (Module t : targets) {
            // ref_module(): a dependency edge holds a reference on the module it uses.
            t.get();
            t.addHolder(m);
            m.addUse(t);
            undo.push(() -> {
                t.removeHolder(m);
                t.put();
            });
        }

        enter(LoadPhase.EXPORTS);
        List<KernelSymbol> exports = ExportReader.exports(file, facts.name(), obj, image, kernel.addressBits());
        for (KernelSymbol s : exports) {
            Optional<KernelSymbol> other = kernel.findFormed(s.name());
            if (other.isPresent()) {
                throw fail(Errno.ENOEXEC, facts.name() + ": exports duplicate symbol " + s.name() + " (owned by "
                        + other.get().owner() + ")");
            }
        }
        m.exports(exports);

        enter(LoadPhase.COMING);
        m.moveTo(ModuleState.COMING);
        kernel.publish(m);
        undo.push(() -> kernel.unpublish(m));
        return m;
    }

    /** do_init_module(): init outside the lock; LIVE and init memory released, or everything undone. */
    private Module initialize(Module m) {
        int ret = 0;
        RuntimeException thrown = null;
        try {
            phase = LoadPhase.INIT;
            Optional<Errno> injected = options.faults().at(LoadPhase.INIT);
            if (injected.isPresent()) {
                ret = -injected.get().number();
            } else if (m.hasInit()) {
                ret = options.hooks().init(kernel, m);
                m.initRan(true);
            }
        } catch (RuntimeException e) {
            thrown = e;
        }
        synchronized (kernel.lock) {
            if (thrown == null && ret == 0) {
                try {
                    enter(LoadPhase.LIVE);
                    m.moveTo(ModuleState.LIVE);
                    kernel.area().shrink(m.coreBase(), m.image().plan().coreSize());
                    m.releaseInit();
                    for (Module.Taint t : taints) {
                        kernel.taint(m, t);
                    }
                    return m;
                } catch (RuntimeException e) {
                    thrown = e;
                }
            }
            // Init failed: GOING, then free_module; references others took during init go with it.
            m.moveTo(ModuleState.GOING);
            unwind();
        }
        if (thrown != null) {
            throw translate(thrown);
        }
        Errno errno = errnoOf(-ret);
        throw new KernelException(errno, LoadPhase.INIT, file, m.name() + ": init failed: " + errno.name());
    }

    private void checkVermagic(ModuleFacts facts) {
        Optional<String> kernelMagic = kernel.config().vermagic();
        if (kernelMagic.isEmpty()) {
            return;
        }
        if (options.ignoreVermagic()) {
            taints.add(Module.Taint.FORCED_LOAD);
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

    /** check_modstruct_version and check_version for every undefined symbol an exporter has a CRC for. */
    private void checkVersions(ElfFile obj, ModuleFacts facts) {
        if (!kernel.config().modversions() || options.ignoreModversions()) {
            if (options.ignoreModversions()) {
                taints.add(Module.Taint.FORCED_LOAD);
            }
            return;
        }
        Map<String, Long> versions = facts.versions();
        List<String> names = new ArrayList<>();
        names.add("module_layout");
        for (Symbol s : obj.symbols()) {
            if (s.isUndefined() && !s.name().isEmpty()) {
                names.add(s.name());
            }
        }
        for (String name : names) {
            Optional<KernelSymbol> exporter = kernel.findFormed(name);
            if (exporter.isEmpty() || exporter.get().crc().isEmpty()) {
                continue;
            }
            Long crc = versions.get(name);
            if (crc == null) {
                if (versions.isEmpty() && name.equals("module_layout")) {
                    throw fail(Errno.ENOEXEC, facts.name() + ": no symbol version for module_layout");
                }
                continue; // Linux: "no symbol version for X", a warning only.
            }
            kernel.countCrcCheck();
            if (crc != exporter.get().crc().getAsLong()) {
                throw fail(name.equals("module_layout") ? Errno.ENOEXEC : Errno.EINVAL,
                        facts.name() + ": disagrees about version of symbol " + name);
            }
        }
    }

    /** simplify_symbols(): kernel and formed modules; GPL-only and namespace rules; weak undefined may stay 0. */
    private ResolvedSymbols resolve(LinkEngine engine, ElfFile obj, LoadPlan plan, ModuleFacts facts,
            List<KernelSymbol> used) {
        try {
            return engine.resolve(obj, plan, name -> {
                Optional<KernelSymbol> k = kernel.findFormed(name);
                if (k.isEmpty()) {
                    return Optional.empty();
                }
                KernelSymbol s = k.get();
                if (s.gplOnly() && !facts.gplCompatible()) {
                    return Optional.empty(); // find_symbol skips GPL-only exports for non-GPL modules
                }
                if (s.hasNamespace() && !facts.importedNamespaces().contains(s.namespace())) {
                    throw fail(Errno.EINVAL, "module " + facts.name() + " uses symbol " + name + " from namespace "
                            + s.namespace() + ", but does not import it.");
                }
                used.add(s);
                return Optional.of(new SymbolDefinition(s.address(), s.descriptor()));
            });
        } catch (UnresolvedSymbolException e) {
            // Only a failed load looks the symbol up again, for its binding.
            boolean weak = obj.symbols().stream().filter(s -> s.isUndefined() && s.name().equals(e.symbol()))
                    .findFirst().map(s -> s.bind().equals(SymbolBinding.STB_WEAK)).orElse(false);
            Optional<KernelSymbol> k = kernel.findFormed(e.symbol());
            String why = k.isPresent() && k.get().gplOnly() && !weak
                    ? " (GPL-only symbol; module license '" + facts.license() + "')" : "";
            throw fail(Errno.ENOENT, facts.name() + ": Unknown symbol " + e.symbol() + " (err -2)" + why);
        }
    }

    /** The modules whose exports were used: ref_module() edges, each must be LIVE (strong_try_module_get). */
    private List<Module> dependencies(List<KernelSymbol> used, ModuleFacts facts) {
        List<Module> out = new ArrayList<>();
        for (KernelSymbol s : used) {
            if (s.owner().equals(KernelSymbol.VMLINUX)) {
                continue;
            }
            Module owner = kernel.registered(s.owner());
            if (owner == null || out.contains(owner)) {
                continue;
            }
            if (owner.state() != ModuleState.LIVE) {
                throw fail(Errno.EBUSY, facts.name() + ": uses " + s.name() + " of " + owner.name() + ", which is "
                        + owner.state().procName().toLowerCase(java.util.Locale.ROOT));
            }
            out.add(owner);
        }
        return out;
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
        Optional<Errno> injected = options.faults().at(next);
        if (injected.isPresent()) {
            throw fail(injected.get(), file + ": fault injected in " + next);
        }
    }

    private KernelException fail(Errno errno, String message) {
        return new KernelException(errno, phase, file, message);
    }

    private void unwind() {
        while (!undo.isEmpty()) {
            undo.pop().run();
        }
    }

    /** ELF, .modinfo and relocation refusals are ENOEXEC, as the kernel answers them. */
    private KernelException translate(RuntimeException e) {
        if (e instanceof KernelException k) {
            return k;
        }
        if (e instanceof LoaderException || e instanceof MalformedModuleException) {
            return new KernelException(Errno.ENOEXEC, phase, file, e.getMessage(), e);
        }
        throw e;
    }

    private static Errno errnoOf(int number) {
        for (Errno e : Errno.values()) {
            if (e.number() == number) {
                return e;
            }
        }
        return Errno.EINVAL;
    }
}
