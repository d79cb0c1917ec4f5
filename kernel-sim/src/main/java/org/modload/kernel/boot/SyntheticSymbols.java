package org.modload.kernel.boot;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32;

import org.modload.loader.elf.ElfClass;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.link.SymbolResolver;
import org.modload.loader.spi.Architecture;

/**
 * Deterministic made-up addresses for any symbol name, for loads with no kernel symbol table:
 * {@code base + (crc32(name) & 0xffffff) * stride}, inside the kernel's text: where the
 * architecture's kernel support says its text starts, else by ELF class ({@code 0xffffffff81000000}
 * with 16-byte steps for 64-bit, {@code 0xc1000000} with 4-byte steps for 32-bit, the usual
 * kernel text bases), so that module-to-kernel pc-relative references are in reach as they
 * are on a real kernel. The same name always gets the same address; two names may share one.
 */
public final class SyntheticSymbols implements SymbolResolver {
    private final long base;
    private final int shift;

    private SyntheticSymbols(long base, int shift) {
        this.base = base;
        this.shift = shift;
    }

    /** The synthetic table for {@code arch}. */
    public static SyntheticSymbols forArchitecture(Architecture arch) {
        boolean wide = arch.elfClass().equals(ElfClass.ELFCLASS64);
        long base = arch.kernelSupport().kernelTextBase().orElse(wide ? 0xffffffff81000000L : 0xc1000000L);
        return new SyntheticSymbols(base, wide ? 4 : 2);
    }

    /** Where the kernel's text starts. */
    public long textBase() {
        return base;
    }

    /** The address of {@code name}. */
    public long address(String name) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        return base + ((crc.getValue() & 0xffffff) << shift);
    }

    @Override
    public Optional<SymbolDefinition> resolve(String name) {
        return Optional.of(SymbolDefinition.at(address(name)));
    }
}
