package org.modload.kernel.core;

import java.nio.ByteBuffer;

import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.TestKernels;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.ModuleState;
import org.modload.kernel.model.ModuleView;
import org.modload.loader.elf.Machine;

/**
 * Lincheck check of the reference count and unload protocol of one LIVE module (hello):
 * try_module_get, module_put, delete_module with and without O_TRUNC (force) and an
 * observation of its state and count, run concurrently by Lincheck's stress strategy (3 threads
 * of 3 operations, 20 x 300 runs; -Dmodload.lincheck.iterations / .invocations for more), each
 * outcome checked for linearizability against {@link Spec}, a sequential specification
 * written from Linux's kernel/module/main.c (not from our code). delete_module is not atomic
 * (Linux runs the exit between GOING and free_module); it linearizes where the module leaves
 * LIVE, so a GOING module is observed as gone and refuses as one not live (Linux: ENOENT once
 * freed, EBUSY while GOING).
 *
 * <p>Runs from the class path (surefire execution "lincheck"), as Lincheck instruments classes
 * through its agent. Its model checking strategy cannot run this test: it gives objects
 * deterministic identity hash codes inside the run, other than those the kernel's module graph
 * (a Guava graph keyed by module identity) was filled with in the constructor, so every lookup
 * of the module fails ("Node hello is not an element of this graph").
 */
public class RefcountLincheckTest {
    private static final String NAME = "hello";
    private static final byte[] HELLO = bytes(Samples.x86_64(NAME));

    private final Kernel kernel = Kernel.boot(TestKernels.builtin(Machine.EM_X86_64));

    public RefcountLincheckTest() {
        kernel.load("hello.ko", ByteBuffer.wrap(HELLO), LoadOptions.defaults());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    @Operation
    public boolean tryModuleGet() {
        return kernel.tryModuleGet(NAME);
    }

    @Operation
    public void modulePut() {
        try {
            kernel.modulePut(NAME);
        } catch (KernelException e) {
            // EINVAL without a reference, ENOENT once gone: seen through state().
        }
    }

    @Operation
    public String deleteModule() {
        return delete(false);
    }

    @Operation
    public String deleteModuleForce() {
        return delete(true);
    }

    private String delete(boolean force) {
        try {
            kernel.deleteModule(NAME, force);
            return "ok";
        } catch (KernelException e) {
            return e.errno() == Errno.EWOULDBLOCK ? "in use" : e.errno() == Errno.ENOENT || e.errno() == Errno.EBUSY
                    ? "not live" : e.errno().name();
        }
    }

    @Operation
    public String state() {
        return kernel.module(NAME).filter(v -> v.state() != ModuleState.GOING)
                .map(RefcountLincheckTest::describe).orElse("gone");
    }

    private static String describe(ModuleView v) {
        return v.state() + " " + v.refcount();
    }

    /**
     * Linux's semantics, sequentially: the count starts at MODULE_REF_BASE (shown as 0 by
     * module_refcount); try_module_get succeeds while the module is live; module_put drops a held
     * reference (with none held, our documented contract is EINVAL and no change; Linux's
     * atomic_dec_if_positive would eat the base reference and later BUG_ON in
     * try_release_module_ref); delete_module refuses with EWOULDBLOCK while references are held
     * (try_stop_module), unless forced (O_TRUNC), and with ENOENT/EBUSY when the module is not
     * live; once deleted it is gone.
     */
    public static class Spec {
        private boolean present = true;
        private int references;

        public boolean tryModuleGet() {
            if (!present) {
                return false;
            }
            references++;
            return true;
        }

        public void modulePut() {
            if (present && references > 0) {
                references--;
            }
        }

        public String deleteModule() {
            if (!present) {
                return "not live";
            }
            if (references > 0) {
                return "in use";
            }
            present = false;
            return "ok";
        }

        public String deleteModuleForce() {
            if (!present) {
                return "not live";
            }
            present = false;
            return "ok";
        }

        public String state() {
            return present ? "LIVE " + references : "gone";
        }
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(Integer.getInteger("modload.lincheck.iterations", 20))
                .invocationsPerIteration(Integer.getInteger("modload.lincheck.invocations", 300))
                .threads(3)
                .actorsPerThread(3)
                .sequentialSpecification(Spec.class)
                .check(RefcountLincheckTest.class);
    }
}
