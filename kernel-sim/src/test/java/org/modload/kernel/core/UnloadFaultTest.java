package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.modload.kernel.Kernel;
import org.modload.kernel.KernelParameters;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.TestKernels;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.FaultInjection;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.KernelSnapshot;
import org.modload.kernel.model.LoadPhase;
import org.modload.kernel.model.UnloadPolicy;
import org.modload.kernel.model.UnloadStep;
import org.modload.loader.elf.Machine;
import org.modload.loader.spi.Architectures;

/**
 * Faults in every step of delete_module: each {@link UnloadStep} fails in turn, for a module that
 * uses another and exports symbols, and the kernel's snapshot must be exactly the one before the
 * call; the same unload without the fault must then reach exactly the snapshot of a kernel that
 * never loaded the module. Never a state between.
 */
class UnloadFaultTest {

    /** Records the steps asked and fails {@code failing}. */
    private static final class Recording implements FaultInjection {
        final List<UnloadStep> asked = new ArrayList<>();
        private final UnloadStep failing;

        Recording(UnloadStep failing) {
            this.failing = failing;
        }

        @Override
        public Optional<Errno> at(LoadPhase phase) {
            return Optional.empty();
        }

        @Override
        public Optional<Errno> at(UnloadStep step) {
            asked.add(step);
            return step == failing ? Optional.of(Errno.EINTR) : Optional.empty();
        }
    }

    @ParameterizedTest
    @EnumSource(UnloadStep.class)
    void aFailedStepLeavesTheKernelAsBeforeAndTheRetryAsAfter(UnloadStep step) {
        for (UnloadPolicy policy : UnloadPolicy.values()) {
            Kernel kernel = Kernel.boot(TestKernels.builtin(Machine.EM_X86_64), Architectures.installed(),
                    KernelParameters.defaults().withUnloadPolicy(policy));
            kernel.load("demo_core.ko", Samples.x86_64("demo_core"), LoadOptions.defaults());
            KernelSnapshot after = kernel.snapshot();
            kernel.load("demo_user.ko", Samples.x86_64("demo_user"), LoadOptions.defaults());
            KernelSnapshot before = kernel.snapshot();
            assertTrue(before.modules().stream().anyMatch(l -> l.startsWith("demo_core LIVE 1 uses=[] usedBy=[demo_user]")),
                    before.toString());
            assertTrue(before.symbols().contains("demo_user_twice"), before.toString());

            Recording faults = new Recording(step);
            KernelException e = assertThrows(KernelException.class, () -> kernel.deleteModule("demo_user", false, faults));
            assertEquals(Errno.EINTR, e.errno(), e.getMessage());
            assertEquals("delete_module demo_user: " + step + " failed (EINTR, injected)", e.getMessage());
            assertEquals(List.of(UnloadStep.values()).subList(0, step.ordinal() + 1), faults.asked, policy + " " + step);
            assertEquals(before, kernel.snapshot(), policy + " " + step);
            // The module is usable as before: references can be taken and dropped.
            assertTrue(kernel.tryModuleGet("demo_user"), policy + " " + step);
            kernel.modulePut("demo_user");

            Recording none = new Recording(null);
            kernel.deleteModule("demo_user", false, none);
            assertEquals(List.of(UnloadStep.values()), none.asked, policy + " " + step);
            assertEquals(after, kernel.snapshot(), policy + " " + step);
        }
    }
}
