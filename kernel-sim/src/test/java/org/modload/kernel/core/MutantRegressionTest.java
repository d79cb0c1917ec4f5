package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;
import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.TestKernels;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.KernelSnapshot;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;

/** Each finding of the mutation runs and the fuzzers, kept as the input that found it. */
class MutantRegressionTest {

    /**
     * MutatedModulesTest, demo_user.ko section 14 "sh_type random": an SHF_ALLOC section whose
     * sh_type became SHT_NULL has no file bytes in the model, but layout placed it and relocation
     * copied sh_size bytes from an empty view (IndexOutOfBoundsException). Now a located ENOEXEC.
     */
    @Test
    void anAllocatedSectionOfTypeNullIsRefusedWhereItIs() {
        ByteBuffer original = Samples.x86_64("hello");
        byte[] b = new byte[original.remaining()];
        original.duplicate().get(b);
        int text = ElfFile.parse("hello.ko", ByteBuffer.wrap(b)).section(".rodata.str1.1").orElseThrow().index();
        ByteBuffer w = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = w.getLong(40);
        w.putInt((int) (shoff + 64L * text + 4), 0);
        Kernel kernel = Kernel.boot(TestKernels.builtin(Machine.EM_X86_64));
        KernelSnapshot before = kernel.snapshot();
        KernelException e = assertThrows(KernelException.class,
                () -> kernel.load("hello.ko", ByteBuffer.wrap(b), LoadOptions.defaults()));
        assertEquals(Errno.ENOEXEC, e.errno());
        assertTrue(e.getMessage().startsWith("hello.ko: section header " + text + " (.rodata.str1.1): sh_type SHT_NULL with SHF_ALLOC"),
                e.getMessage());
        assertEquals(before, kernel.snapshot());
    }
}
