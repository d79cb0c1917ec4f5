package org.modload.kernel.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.TestKernels;
import org.modload.kernel.diag.KernelInputException;
import org.modload.kernel.image.KernelImage;
import org.modload.kernel.insmod.Insmod;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.KernelSnapshot;
import org.modload.kernel.model.ModuleView;
import org.modload.kernel.modinfo.ModuleInfo;
import org.modload.kernel.modinfo.ModuleSignature;
import org.modload.loader.diag.LoaderException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.elf.Relocation;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.elf.Section;
import org.modload.loader.elf.Symbol;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;
import org.modload.loader.spi.Profile;

/**
 * Coverage-guided fuzzing (Jazzer) of every reader of untrusted bytes: the ELF parser, the link
 * engine with each installed architecture in both profiles, .modinfo and signature trailers,
 * the kernel image reader, and a whole insmod into a booted kernel. The only acceptable failure
 * is the reader's own located, one-line exception (LoaderException, KernelInputException,
 * KernelException); anything else, a hang or a kernel changed by a refused insmod is a finding.
 *
 * <p>In the default build Jazzer runs in regression mode: each target runs its seeds (the
 * committed sample modules, copied under {@code LoaderFuzzTestInputs/TARGET/}) and every earlier
 * finding kept there. {@code JAZZER_FUZZ=1} fuzzes (see .ci/fuzz); a crash is written to the same
 * directory and so becomes a regression input.
 */
class LoaderFuzzTest {

    private static void oneLine(RuntimeException e) {
        String m = e.getMessage();
        assertFalse(m == null || m.isBlank() || m.lines().count() != 1, "not one line: " + m);
    }

    /** Everything a reader of the model touches: sections, symbols, relocations, notes. */
    private static void walk(ElfFile f) {
        for (Section s : f.sections()) {
            s.name();
            if (s.compression().isEmpty()) {
                s.bytes();
            }
        }
        for (Symbol s : f.symbols()) {
            s.name();
        }
        for (Symbol s : f.dynamicSymbols()) {
            s.name();
        }
        for (RelocationSection r : f.relocationSections()) {
            for (Relocation x : r.entries()) {
                x.offset();
            }
        }
        f.notes();
        f.dynamic();
    }

    @FuzzTest(maxDuration = "30s")
    void parseElf(byte[] data) {
        try {
            walk(ElfFile.parseAnyType("fuzz.o", ByteBuffer.wrap(data)));
        } catch (LoaderException e) {
            oneLine(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void linkWithEachArchitecture(byte[] data) {
        ElfFile obj;
        try {
            obj = ElfFile.parse("fuzz.o", ByteBuffer.wrap(data));
        } catch (LoaderException e) {
            return;
        }
        // The object's own architecture, and each other one (which must refuse it cleanly).
        for (Architecture arch : Architectures.installed().all()) {
            for (Profile profile : Profile.values()) {
                try {
                    new LinkEngine(arch).link(List.of(obj), profile, new LayoutPolicy.Linux(arch.moduleAreaBase()),
                            name -> Optional.of(SymbolDefinition.at(arch.moduleAreaBase() - 0x100000)));
                } catch (LoaderException e) {
                    oneLine(e);
                }
            }
        }
    }

    @FuzzTest(maxDuration = "30s")
    void modinfoAndSignature(byte[] data) {
        try {
            ModuleSignature.read("fuzz.ko", ByteBuffer.wrap(data));
            ByteBuffer content = ModuleSignature.unsignedContent("fuzz.ko", ByteBuffer.wrap(data));
            ModuleInfo.read(ElfFile.parse("fuzz.ko", content));
        } catch (LoaderException | KernelInputException e) {
            oneLine(e);
        }
        try {
            ModuleInfo.parse("fuzz.ko", 1, ByteBuffer.wrap(data));
        } catch (KernelInputException e) {
            oneLine(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void kernelImage(byte[] data) {
        try {
            KernelImage.read("vmlinuz", ByteBuffer.wrap(data));
        } catch (LoaderException | KernelInputException e) {
            oneLine(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void insmodIntoABootedKernel(byte[] data) {
        Machine machine = data.length > 18 && data[18] == 3 ? Machine.EM_386 : Machine.EM_X86_64;
        Kernel kernel = Kernel.boot(TestKernels.builtin(machine));
        KernelSnapshot before = kernel.snapshot();
        ModuleView v;
        try {
            v = Insmod.insert(kernel, "fuzz.ko", ByteBuffer.wrap(data), LoadOptions.defaults());
        } catch (KernelException e) {
            oneLine(e);
            assertEquals(before, kernel.snapshot(), e.getMessage());
            return;
        }
        kernel.deleteModule(v.name(), true);
        KernelSnapshot after = kernel.snapshot();
        assertEquals(before.modules(), after.modules());
        assertEquals(before.symbols(), after.symbols());
        assertEquals(before.memoryInUse(), after.memoryInUse());
    }
}
