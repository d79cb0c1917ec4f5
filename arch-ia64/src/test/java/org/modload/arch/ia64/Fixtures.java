package org.modload.arch.ia64;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.link.SymbolResolver;
import org.modload.loader.spi.FunctionDescriptor;

/**
 * The committed objects of {@code src/test/resources/fixtures} (built by its {@code regen.sh};
 * {@code gcc/} holds the gcc-compiled corpus) and the symbol values the tests give them.
 */
final class Fixtures {
    private Fixtures() {
    }

    /** Copies fixture {@code name} (a path under fixtures/) into {@code dir} and returns its path. */
    static Path copy(String name, Path dir) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
            assertNotNull(in, "fixture " + name + " is missing: run src/test/resources/fixtures/regen.sh");
            Path p = dir.resolve(Path.of(name).getFileName().toString());
            Files.copy(in, p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ElfFile parse(Path object) {
        try {
            return ElfFile.parse(object.getFileName().toString(), ByteBuffer.wrap(Files.readAllBytes(object)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A resolver that knows exactly {@code definitions}. */
    static SymbolResolver resolver(Map<String, SymbolDefinition> definitions) {
        return name -> Optional.ofNullable(definitions.get(name));
    }

    /** A plain address. */
    static SymbolDefinition data(long address) {
        return SymbolDefinition.at(address);
    }

    /** A function: the address of its descriptor and the descriptor's contents. */
    static SymbolDefinition function(long descriptor, long ip, long gp) {
        return new SymbolDefinition(descriptor, Optional.of(new FunctionDescriptor(ip, gp)));
    }

    /**
     * Kernel-like definitions for every undefined symbol of the fixtures and the gcc corpus,
     * within 16 MiB below the module area so that GNU ld can also reach them with a direct
     * branch: data at their address, functions with a descriptor whose ip is elsewhere and whose
     * gp is the kernel's.
     */
    static Map<String, SymbolDefinition> kernel(ElfFile obj) {
        Map<String, SymbolDefinition> defs = new LinkedHashMap<>();
        long kernelGp = 0xa000000200000000L - 0x400000L;
        long next = 0xa000000200000000L - 0x800000L;
        for (var s : obj.symbols()) {
            if (!s.isUndefined() || s.name().isEmpty() || defs.containsKey(s.name())) {
                continue;
            }
            next += 0x1000;
            if (s.name().equals("small_abs")) {
                defs.put(s.name(), data(0x1234));
            } else if (s.name().equals("ext_b")) {
                // Beyond a br's reach, so that ld keeps the brl it branches with.
                defs.put(s.name(), data(0xa000000100000000L));
            } else if (s.name().startsWith("ext_f") || s.name().startsWith("ext_g") || !s.name().startsWith("ext_")) {
                // Functions, and every undefined name of the gcc corpus (kernel functions and
                // data alike get a descriptor: the resolver cannot tell, the loader only reads
                // it for calls).
                defs.put(s.name(), function(next, next + 0x100000, kernelGp));
            } else {
                defs.put(s.name(), data(next));
            }
        }
        return defs;
    }
}
