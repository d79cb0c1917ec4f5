package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
import org.modload.kernel.proc.ProcFs;
import org.modload.loader.elf.Machine;
import org.modload.loader.spi.Architectures;

/**
 * A failed unload step of a module that shares its dependency with other users must give the
 * used module back its users in their order: /proc/modules' "used by" column (Linux lists a
 * module's source_list, most recent user first) is the one read before the failed call. With
 * three users of demo_core, each of them (first, middle, last loaded) fails to unload at each
 * {@link UnloadStep}, under each unload policy.
 */
class UnloadUsersOrderTest {

    private static FaultInjection failingAt(UnloadStep failing) {
        return new FaultInjection() {
            @Override
            public Optional<Errno> at(LoadPhase phase) {
                return Optional.empty();
            }

            @Override
            public Optional<Errno> at(UnloadStep step) {
                return step == failing ? Optional.of(Errno.EINTR) : Optional.empty();
            }
        };
    }

    /** demo_user with every "demo_user" (its name, its export, its functions) renamed to {@code name} (9 characters). */
    static ByteBuffer renamedUser(String name) {
        ByteBuffer original = Samples.x86_64("demo_user");
        byte[] b = new byte[original.remaining()];
        original.duplicate().get(b);
        byte[] from = "demo_user".getBytes(StandardCharsets.US_ASCII);
        byte[] to = name.getBytes(StandardCharsets.US_ASCII);
        if (to.length != from.length) {
            throw new IllegalArgumentException(name);
        }
        int replaced = 0;
        outer:
        for (int i = 0; i + from.length <= b.length; i++) {
            for (int k = 0; k < from.length; k++) {
                if (b[i + k] != from[k]) {
                    continue outer;
                }
            }
            System.arraycopy(to, 0, b, i, to.length);
            replaced++;
        }
        if (replaced == 0) {
            throw new IllegalStateException("demo_user not in demo_user.ko");
        }
        return ByteBuffer.wrap(b);
    }

    @ParameterizedTest
    @EnumSource(UnloadStep.class)
    void aFailedStepKeepsTheUsedModulesUsersInOrder(UnloadStep step) {
        for (UnloadPolicy policy : UnloadPolicy.values()) {
            for (String victim : List.of("demo_user", "demo_usr2", "demo_usr3")) {
                Kernel kernel = Kernel.boot(TestKernels.builtin(Machine.EM_X86_64), Architectures.installed(),
                        KernelParameters.defaults().withUnloadPolicy(policy));
                kernel.load("demo_core.ko", Samples.x86_64("demo_core"), LoadOptions.defaults());
                for (String user : List.of("demo_user", "demo_usr2", "demo_usr3")) {
                    kernel.load(user + ".ko", renamedUser(user), LoadOptions.defaults());
                }
                List<String> before = ProcFs.modules(kernel);
                KernelSnapshot snapshot = kernel.snapshot();
                String core = before.stream().filter(l -> l.startsWith("demo_core ")).findFirst().orElseThrow();
                // The independent order: Linux's add_module_usage list_add()s each new user at the head.
                assertEquals("demo_usr3,demo_usr2,demo_user,", core.split(" ")[3], core);

                KernelException e = assertThrows(KernelException.class,
                        () -> kernel.deleteModule(victim, false, failingAt(step)));
                assertEquals(Errno.EINTR, e.errno(), e.getMessage());
                String where = policy + " " + step + " " + victim;
                assertEquals(before, ProcFs.modules(kernel), where);
                assertEquals(snapshot, kernel.snapshot(), where);

                // And the unload that then succeeds takes only the victim out of the list.
                kernel.deleteModule(victim, false);
                String after = ProcFs.modules(kernel).stream().filter(l -> l.startsWith("demo_core ")).findFirst()
                        .orElseThrow().split(" ")[3];
                assertEquals(String.join(",", List.of("demo_usr3", "demo_usr2", "demo_user").stream()
                        .filter(u -> !u.equals(victim)).toList()) + ",", after, where);
            }
        }
    }
}
