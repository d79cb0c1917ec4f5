package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.TestKernels;
import org.modload.kernel.model.KernelSnapshot;
import org.modload.kernel.model.ModuleView;
import org.modload.loader.elf.Machine;

/**
 * Hostile input: the sample modules corrupted one kind at a time ({@link Mutants.Kind}: the ELF
 * header, section header fields, relocation offset, symbol and type, symbol name, section and
 * value, unterminated string tables, overlapping sections, truncation at every region boundary,
 * random bytes), loaded into a kernel that already holds demo_core. Each mutant's outcome must
 * be in its class ({@link MutationRun}): refused with ENOEXEC (or the errno Linux gives) and a
 * message naming the field, with the kernel as it was; or loaded, passing the original's image
 * checks, and removed leaving the kernel as it was. Every kind must produce mutants, and the
 * run fails on any outcome outside the classes. Seeds are fixed, so a failure reproduces.
 */
class MutatedModulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "i386"})
    void everyKindOfCorruptionHasItsExpectedOutcome(String arch) {
        Machine machine = arch.equals("x86_64") ? Machine.EM_X86_64 : Machine.EM_386;
        Kernel kernel = Kernel.boot(TestKernels.builtin(machine));
        kernel.load("demo_core.ko", Samples.bytes(arch, "demo_core"), LoadOptions.defaults());
        MutationRun run = new MutationRun(kernel, LoadOptions.defaults());
        for (String module : List.of("hello", "demo_user", "demo_leaf")) {
            byte[] original = new byte[Samples.bytes(arch, module).remaining()];
            Samples.bytes(arch, module).get(original);
            // The original itself passes the checks the loaded mutants must pass.
            KernelSnapshot before = kernel.snapshot();
            ModuleView v = kernel.load(module + ".ko", ByteBuffer.wrap(original), LoadOptions.defaults());
            assertNull(MutationRun.imageChecks(v), module);
            kernel.deleteModule(v.name(), true);
            assertEquals(before, kernel.snapshot(), module);

            Mutants mutants = new Mutants(original);
            SplittableRandom random = new SplittableRandom(module.hashCode() * 31L + arch.hashCode());
            for (Mutants.Kind kind : Mutants.Kind.values()) {
                run.run(module + ".ko", mutants.of(kind, random));
            }
            if (module.equals("demo_user")) {
                // demo_leaf uses demo_user's exports: it stays for the last module's mutants.
                kernel.load("demo_user.ko", ByteBuffer.wrap(original), LoadOptions.defaults());
            }
        }
        List<String> empty = new ArrayList<>();
        StringBuilder report = new StringBuilder("mutated sample modules (" + arch + "):\n");
        int total = 0;
        for (var e : run.tallies.entrySet()) {
            report.append("  ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
            total += e.getValue().mutants;
            if (e.getValue().mutants == 0) {
                empty.add(e.getKey().toString());
            }
        }
        report.append(String.format("  %d mutants, %d outside their class; slowest %.1f ms (%s)%n", total,
                run.violations.size(), run.slowestNanos / 1e6, run.slowest));
        System.out.print(report);
        assertTrue(empty.isEmpty(), "kinds without a mutant: " + empty);
        assertTrue(run.violations.isEmpty(), run.violations.size() + " outcomes outside their class:\n"
                + String.join("\n", run.violations.subList(0, Math.min(40, run.violations.size()))));
    }
}
