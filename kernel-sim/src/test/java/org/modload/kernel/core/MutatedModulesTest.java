package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.TestKernels;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.KernelSnapshot;
import org.modload.loader.elf.Machine;

/**
 * Hostile input: the sample modules with random bytes changed, loaded into a kernel that already
 * holds demo_core. Every load either succeeds (and is unloaded again) or fails with a
 * KernelException carrying a message; never another exception, and a failed load leaves the
 * kernel's snapshot exactly as it was. Seeds are fixed, so a failure reproduces.
 */
class MutatedModulesTest {
    private static final int ROUNDS_PER_MODULE = 400;

    @Test
    void mutatedModulesFailCleanlyAndLeaveTheKernelAsItWas() {
        for (String arch : List.of("x86_64", "i386")) {
            Machine machine = arch.equals("x86_64") ? Machine.EM_X86_64 : Machine.EM_386;
            Kernel kernel = Kernel.boot(TestKernels.builtin(machine));
            kernel.load("demo_core.ko", Samples.bytes(arch, "demo_core"), LoadOptions.defaults());
            int refused = 0;
            int loaded = 0;
            for (String module : List.of("hello", "demo_user", "demo_leaf")) {
                byte[] original = new byte[Samples.bytes(arch, module).remaining()];
                Samples.bytes(arch, module).get(original);
                SplittableRandom random = new SplittableRandom(module.hashCode() * 31L + arch.hashCode());
                for (int round = 0; round < ROUNDS_PER_MODULE; round++) {
                    byte[] b = original.clone();
                    int flips = 1 + random.nextInt(8);
                    for (int i = 0; i < flips; i++) {
                        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
                    }
                    KernelSnapshot before = kernel.snapshot();
                    try {
                        String name = kernel.load(module + ".ko", ByteBuffer.wrap(b), LoadOptions.defaults()).name();
                        loaded++;
                        kernel.deleteModule(name, true);
                    } catch (KernelException e) {
                        refused++;
                        if (e.getMessage() == null || e.getMessage().isBlank()) {
                            fail(arch + " " + module + " round " + round + ": refusal without a message");
                        }
                        assertEquals(before, kernel.snapshot(), arch + " " + module + " round " + round + ": " + e.getMessage());
                    } catch (RuntimeException e) {
                        throw new AssertionError(arch + " " + module + " round " + round + ": " + e, e);
                    }
                }
            }
            System.out.printf("mutated modules (%s): %d refused cleanly, %d still loaded%n", arch, refused, loaded);
        }
    }
}
