package org.modload.kernel.insmod;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.diag.Errnos;
import org.modload.kernel.diag.KernelInputException;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.KernelSymbol;
import org.modload.kernel.model.LoadPhase;
import org.modload.kernel.model.ModuleFacts;
import org.modload.kernel.modinfo.ModuleInfo;
import org.modload.kernel.modinfo.ModuleSignature;
import org.modload.loader.diag.LoaderException;
import org.modload.loader.diag.UnresolvedSymbolException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.link.SymbolResolver;
import org.modload.loader.spi.Profile;

/**
 * modutils' insmod for a 2.4 kernel: the userspace half of the two-call loader. It links the
 * module itself, with modload's engine where modutils had its own {@code obj_relocate}:
 * {@code query_module} for the symbols of the kernel and its modules; every undefined symbol
 * resolved before anything is reserved ({@code obj_check_undefineds}: GPL-only symbols only for
 * a GPL-compatible license); {@code create_module} for the size the layout needs; the layout
 * and relocation at the address it returned; then {@code init_module} with the image and the
 * modules it was linked against. When a step after {@code create_module} fails, it removes the
 * entry with {@code delete_module}, as modutils did; when it is killed between the two calls,
 * nobody does. Stateless.
 *
 * <p>What 2.4's insmod also did is left out: {@code kernel_version} against {@code uname -r}
 * (vermagic and modversions CRCs are the one-call loader's checks), module parameters,
 * {@code ksymoops} symbols, autoclean.
 */
public final class LegacyInsmod {
    private LegacyInsmod() {
    }

    /**
     * Runs insmod on {@code file}, asking {@code checkpoint} after each step whether it dies.
     *
     * @param bytes the whole file; a signature trailer is dropped (2.4 knew none), not changed
     * @param options hooks and faults for the kernel's init_module
     * @return the LIVE module, or where insmod was killed
     * @throws KernelException the kernel's refusal, or insmod's own failure as the errno the
     *     one-call kernel gives for it (ENOEXEC for a bad object, ENOENT for an unresolved
     *     symbol); after a failure nothing of the load remains
     */
    public static Outcome run(Kernel kernel, String file, ByteBuffer bytes, LoadOptions options, Checkpoint checkpoint) {
        ElfFile obj;
        ModuleInfo info;
        try {
            obj = ElfFile.parse(file, ModuleSignature.unsignedContent(file, bytes.duplicate()));
            info = ModuleInfo.read(obj).orElse(new ModuleInfo(List.of()));
        } catch (LoaderException | KernelInputException e) {
            throw failure(file, LoadPhase.ELF_VALIDITY, e);
        }
        String name = info.moduleName(file);
        boolean gpl = ModuleFacts.gplCompatible(info.license().orElse(""));

        Map<String, KernelSymbol> exported = new HashMap<>();
        for (KernelSymbol s : kernel.queryModuleSymbols()) {
            exported.putIfAbsent(s.name(), s);
        }
        if (checkpoint.killedAfter(InsmodStep.QUERY_MODULE)) {
            return new Outcome.Killed("after " + InsmodStep.QUERY_MODULE.spelling());
        }
        Set<String> deps = new LinkedHashSet<>();
        SymbolResolver resolver = symbol -> {
            KernelSymbol k = exported.get(symbol);
            if (k == null || (k.gplOnly() && !gpl)) {
                return Optional.empty();
            }
            if (!k.owner().equals(KernelSymbol.VMLINUX)) {
                deps.add(k.owner());
            }
            return Optional.of(new SymbolDefinition(k.address(), k.descriptor()));
        };
        LinkEngine engine = new LinkEngine(kernel.architecture());
        long size;
        try {
            LoadPlan trial = engine.plan(obj, Profile.KERNEL, new LayoutPolicy.Linux(kernel.architecture().moduleAreaBase()));
            engine.resolve(obj, trial, resolver);
            size = trial.initBase() + trial.initSize() - trial.coreBase();
        } catch (LoaderException | KernelInputException e) {
            throw failure(file, LoadPhase.RESOLVE_SYMBOLS, e);
        }

        long address = kernel.createModule(name, size);
        if (checkpoint.killedAfter(InsmodStep.CREATE_MODULE)) {
            return new Outcome.Killed("after " + InsmodStep.CREATE_MODULE.spelling());
        }
        LoadedImage image;
        try {
            LoadPlan plan = engine.plan(obj, Profile.KERNEL, new LayoutPolicy.Linux(address));
            deps.clear();
            image = engine.relocate(obj, plan, engine.resolve(obj, plan, resolver), Profile.KERNEL);
        } catch (LoaderException | KernelInputException e) {
            throw cleanedUp(kernel, name, failure(file, LoadPhase.RELOCATE, e));
        }
        if (checkpoint.killedAfter(InsmodStep.RELOCATE)) {
            return new Outcome.Killed("after " + InsmodStep.RELOCATE.spelling());
        }
        try {
            return new Outcome.Loaded(kernel.initModule(name, image, List.copyOf(deps), options));
        } catch (KernelException e) {
            throw cleanedUp(kernel, name, e);
        }
    }

    /** modutils' {@code delete_module(m_name)} after a failure; its own refusal goes with the first one. */
    private static KernelException cleanedUp(Kernel kernel, String name, KernelException first) {
        try {
            kernel.deleteModule(name, false);
        } catch (KernelException e) {
            first.addSuppressed(e);
        }
        return first;
    }

    /** insmod's own failure, with the errno the kernel's one-call loader gives the same input error. */
    private static KernelException failure(String file, LoadPhase phase, RuntimeException e) {
        if (e instanceof UnresolvedSymbolException u) {
            return new KernelException(Errno.ENOENT, phase, file, file + ": unresolved symbol " + u.symbol(), e);
        }
        Errno errno = e instanceof LoaderException le ? Errnos.of(le) : Errnos.of((KernelInputException) e);
        return new KernelException(errno, phase, file, e.getMessage(), e);
    }
}
