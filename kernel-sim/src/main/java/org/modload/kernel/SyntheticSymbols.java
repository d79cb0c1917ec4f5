package org.modload.kernel;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32;

import org.modload.loader.elf.ElfClass;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.link.SymbolResolver;
import org.modload.loader.spi.Architecture;

/**
 * Deterministic made-up addresses for any symbol name, for loads with no kernel symbol table:
 * {@code base + (crc32(name) & 0xffffff) * stride}, inside the kernel's text (x86_64
 * {@code 0xffffffff81000000}, 16-byte steps; 32-bit {@code 0xc1000000}, 4-byte steps), so that
 * every module-to-kernel pc-relative reference is in reach as it is on a real kernel. The same
 * name always gets the same address; two names may share one.
 */
public final class SyntheticSymbols implements SymbolResolver {
    private final long base;
    private final int shift;

    private SyntheticSymbols(long base, int shift) {
        this.base = base;
        this.shift = shift;
    }

    /** The synthetic table for {@code arch}'s address size. */
    public static SyntheticSymbols forArchitecture(Architecture arch) {
        return arch.elfClass().equals(ElfClass.ELFCLASS64)
                ? new SyntheticSymbols(0xffffffff81000000L, 4)
                : new SyntheticSymbols(0xc1000000L, 2);
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
