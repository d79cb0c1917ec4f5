package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.TestKernels;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;
import org.modload.loader.elf.Machine;

/**
 * Names the kernel's messages take from a module file (an undefined symbol's, the module's own)
 * may hold any byte but NUL: a newline in one must not split the one-line message, nor a control
 * character reach the terminal. They are shown as readelf shows them, {@code \xNN}
 * (Location.printable).
 */
class ControlCharacterMessagesTest {

    /** {@code original} with every occurrence of {@code from} replaced by {@code to} (same length). */
    private static ByteBuffer replacedEverywhere(ByteBuffer original, String from, String to) {
        byte[] b = new byte[original.remaining()];
        original.duplicate().get(b);
        byte[] f = from.getBytes(StandardCharsets.ISO_8859_1);
        byte[] t = to.getBytes(StandardCharsets.ISO_8859_1);
        int replaced = 0;
        outer:
        for (int i = 0; i + f.length <= b.length; i++) {
            for (int k = 0; k < f.length; k++) {
                if (b[i + k] != f[k]) {
                    continue outer;
                }
            }
            System.arraycopy(t, 0, b, i, t.length);
            replaced++;
        }
        assertTrue(replaced > 0, from);
        return ByteBuffer.wrap(b);
    }

    private static void assertOneLineWithoutControlCharacters(String message) {
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.chars().noneMatch(c -> c < 0x20 || c == 0x7f), message);
    }

    @Test
    void anUnknownSymbolWithANewlineInItsNameIsOneLine() {
        Kernel kernel = TestKernels.boot(Machine.EM_X86_64);
        // hello.ko's one undefined symbol, _printk, renamed "_pr\nntk" (string table and all).
        ByteBuffer hello = replacedEverywhere(Samples.x86_64("hello"), "_printk", "_pr\nntk");
        KernelException e = assertThrows(KernelException.class,
                () -> kernel.load("hello.ko", hello, LoadOptions.defaults()));
        assertEquals(Errno.ENOENT, e.errno(), e.getMessage());
        assertOneLineWithoutControlCharacters(e.getMessage());
        assertTrue(e.getMessage().contains("Unknown symbol _pr\\x0antk (err -2)"), e.getMessage());
    }

    @Test
    void anUnknownSymbolWithAnEscapeCharacterIsShownAsReadelfShowsIt() {
        Kernel kernel = TestKernels.boot(Machine.EM_X86_64);
        ByteBuffer hello = replacedEverywhere(Samples.x86_64("hello"), "_printk", "_\u001b[31mk");
        KernelException e = assertThrows(KernelException.class,
                () -> kernel.load("hello.ko", hello, LoadOptions.defaults()));
        assertOneLineWithoutControlCharacters(e.getMessage());
        assertTrue(e.getMessage().contains("Unknown symbol _\\x1b[31mk (err -2)"), e.getMessage());
    }

    @Test
    void aModuleNameWithControlCharactersIsEscapedInEveryMessageThatNamesIt() {
        Kernel kernel = TestKernels.boot(Machine.EM_X86_64);
        ByteBuffer hello = replacedEverywhere(Samples.x86_64("hello"), "name=hello", "name=h\tl\no");
        kernel.load("hello.ko", hello.duplicate(), LoadOptions.defaults());
        String name = "h\tl\no";
        assertTrue(kernel.module(name).isPresent(), kernel.modules().toString());
        // Loaded twice: EEXIST names the module.
        KernelException twice = assertThrows(KernelException.class,
                () -> kernel.load("hello.ko", hello.duplicate(), LoadOptions.defaults()));
        assertEquals(Errno.EEXIST, twice.errno(), twice.getMessage());
        assertOneLineWithoutControlCharacters(twice.getMessage());
        assertTrue(twice.getMessage().contains("h\\x09l\\x0ao"), twice.getMessage());
        // Held, it refuses to unload, naming itself.
        assertTrue(kernel.tryModuleGet(name));
        KernelException busy = assertThrows(KernelException.class, () -> kernel.deleteModule(name, false));
        assertEquals(Errno.EWOULDBLOCK, busy.errno(), busy.getMessage());
        assertEquals("Module h\\x09l\\x0ao is in use", busy.getMessage());
    }
}
