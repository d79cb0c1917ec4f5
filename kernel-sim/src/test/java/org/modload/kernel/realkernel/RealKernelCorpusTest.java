package org.modload.kernel.realkernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.Kernel;
import org.modload.kernel.boot.KernelBoot;
import org.modload.kernel.image.KernelBuildConfig;
import org.modload.kernel.image.KernelImage;
import org.modload.kernel.model.KernelSymbol;
import org.modload.loader.testing.ExternalTools;

/**
 * The real kernel as the oracle (DESIGN.md 5.8), over Debian's own kernel of each corpus
 * flavour booted under qemu: {@value #RANDOM} modules picked at random (seed {@value #SEED})
 * with their dependencies, kvm's modules and our per-cpu fixture are loaded by the guest, then
 * by kernel-sim (booted from the same vmlinuz) at the guest's addresses; every /proc/modules
 * line, sysfs attribute and section address, /proc/kallsyms line and byte of core memory must
 * agree, each byte difference explained by a rule of {@link X86Patches}. A module the guest
 * refuses (no such hardware, a refused init) is left out and listed with the kernel's reason.
 * Run by {@code .ci/corpus}; the capture of a list is cached under the corpus directory.
 */
@Tag("corpus")
class RealKernelCorpusTest {
    static final int RANDOM = 350;
    static final long SEED = 12;
    /** The randomly picked modules the guest must load, at least. */
    static final int LOADED_AT_LEAST = 300;
    private static final int SHOWN = 40;

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "686"})
    void kernelSimAgreesWithTheRealKernel(String flavour) {
        long start = System.nanoTime();
        Path corpus = ExternalTools.corpus(flavour);
        Guest.requireTools(flavour);
        Path tree = only(corpus.resolve("root/lib/modules"));
        int count = Integer.getInteger("modload.realkernel.random", RANDOM);
        List<String> always = flavour.equals("amd64") ? List.of("kvm", "kvm_amd") : List.of("kvm");
        Path fixture = Path.of("src/test/resources/org/modload/kernel/realkernel/fixture", flavour, "percpu_demo.ko");
        GuestSelection selection = GuestSelection.select(tree, count, SEED, always, List.of(fixture));
        long selected = System.nanoTime();
        Path dir = Guest.capture(flavour, corpus.getParent(), selection);
        long booted = System.nanoTime();
        Capture capture = Capture.read(dir);

        Path vmlinuz = only(corpus.resolve("root/boot"), "vmlinuz-");
        KernelImage image = KernelImage.read(vmlinuz);
        Kernel kernel = Kernel.boot(KernelBoot.withBuildConfig(KernelBoot.fromImage(image, KernelBoot.release(image)),
                KernelBuildConfig.read(KernelBuildConfig.besideImage(vmlinuz).orElseThrow())));
        OptionalLong scanned = SimulatedLoad.percpuFieldByScan(capture, selection.order(), kernel.addressBits());
        OptionalLong btf = image.structModuleOffset("percpu");
        if (btf.isPresent()) {
            assertEquals(btf, scanned, "the per-cpu field found in memory is where BTF puts it");
        }
        System.out.printf("real kernel %s: struct module's percpu at %s (BTF %s)%n", flavour, scanned, btf);
        SimulatedLoad.Result sim = SimulatedLoad.run(kernel, capture, selection.order(), btf.isPresent() ? btf : scanned);
        Differential.Report report = Differential.compare(capture, kernel, sim, selection.order());
        long compared = System.nanoTime();
        write(dir.resolve("differences.txt"), String.join("\n", report.differences()) + "\n");

        List<String> refusedByGuest = new ArrayList<>();
        Map<String, Integer> reasons = new TreeMap<>();
        for (Capture.Insmod i : capture.insmods()) {
            if (!i.ok()) {
                String why = i.message().replaceAll(".*': ", "");
                refusedByGuest.add(i.file() + " (" + why + ")");
                reasons.merge(why, 1, Integer::sum);
            }
        }
        long randomLoaded = selection.order().stream().filter(m -> selection.random().contains(m.name()))
                .filter(m -> capture.procModule(m.name()).isPresent()).count();
        long kernelSymbols = 0;
        long kernelSymbolsAgree = 0;
        for (Map.Entry<String, Long> e : capture.kernelSymbols().entrySet()) {
            var k = kernel.findSymbol(e.getKey());
            if (k.isPresent() && k.get().owner().equals(KernelSymbol.VMLINUX)) {
                kernelSymbols++;
                kernelSymbolsAgree += k.get().address() == e.getValue() ? 1 : 0;
            }
        }
        System.out.printf("real kernel %s (%s): %d modules listed (%d random, %d of them loaded), %d loaded by the "
                + "guest; %d refused by the guest: %s%n", flavour, capture.release(), selection.order().size(),
                selection.random().size(), randomLoaded, capture.procModules().size(), refusedByGuest.size(), reasons);
        System.out.printf("real kernel %s: refused by the guest: %s%n", flavour, String.join(", ", refusedByGuest));
        System.out.printf("real kernel %s: %s; kernel exports at the guest's kallsyms addresses: %d/%d%n", flavour,
                report.summary(), kernelSymbolsAgree, kernelSymbols);
        report.explained().forEach(e -> System.out.printf("real kernel %s: explained: %s%n", flavour, e));
        System.out.printf("real kernel %s: selection %.1f s, boot %.1f s (%s), kernel-sim and comparison %.1f s%n",
                flavour, (selected - start) / 1e9, (booted - selected) / 1e9, dir, (compared - booted) / 1e9);
        for (String m : List.of("kvm", "kvm_amd", "percpu_demo")) {
            capture.kallsyms().getOrDefault(m, List.of()).stream().filter(l -> l.matches("[0-9a-f]+ [aA] .*"))
                    .forEach(l -> System.out.printf("real kernel %s: per-cpu %s%n", flavour, l));
        }

        assertEquals(kernelSymbols, kernelSymbolsAgree, "kernel-sim's exports from vmlinuz sit where the guest has them");
        assertTrue(randomLoaded >= Math.min(LOADED_AT_LEAST, count * 8 / 10), flavour + ": only " + randomLoaded
                + " of the random modules loaded in the guest");
        String shown = report.differences().stream().limit(SHOWN).collect(Collectors.joining("\n  ", "\n  ", ""));
        assertEquals(List.of(), report.differences().stream().limit(SHOWN).toList(), flavour + ": "
                + report.differences().size() + " differences; first ones:" + shown);
        assertEquals(0, report.unexplainedBytes());
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path only(Path dir) {
        return only(dir, "");
    }

    private static Path only(Path dir, String prefix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().findFirst()
                    .orElseThrow(() -> new AssertionError("nothing like " + prefix + "* in " + dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
