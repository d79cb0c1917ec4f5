package org.modload.arch.x86_64;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

import org.modload.loader.elf.SectionType;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Profile;
import org.modload.loader.testing.PsAbiCalculation;
import org.modload.loader.testing.PsAbiTable;
import org.modload.loader.testing.RelocationFixtures;
import org.modload.loader.testing.kit.Binutils;
import org.modload.loader.testing.kit.KitFixture;
import org.modload.loader.testing.kit.KitSpec;
import org.modload.loader.testing.kit.Vectors;

/**
 * What x86_64 hands the conformance kit: the AMD64 psABI CSV, the fixtures (the KERNEL types
 * object, also linked by GNU ld; the PERMISSIVE object, whose GOT and stubs the table check
 * follows), the vectors of {@code kit/vectors.txt}, the host's binutils and the whole execution
 * matrix ({@link ExecutionMatrix}).
 */
final class X86_64Kit {
    /** Kernel addresses for the undefined symbols of x86_64-kernel-types.s; low_const is below 4 GiB. */
    static final Map<String, Long> KERNEL_SYMBOLS = Map.of("printk", 0xffffffff81000000L, "ext_data",
            0xffffffff82000040L, "ext_func", 0xffffffff81234560L, "low_const", 0x12345678L);
    /** libc-like addresses for x86_64-permissive.s, more than 4 GiB from its image. */
    static final Map<String, Long> FAR_SYMBOLS = Map.of("ext_data", 0x7f1234568000L, "ext_func", 0x7f1234567000L,
            "ext_byte", 0x7fL, "ext_word", 0x7fffL);

    private X86_64Kit() {
    }

    private static InputStream open(String name) {
        return X86_64Kit.class.getResourceAsStream(name);
    }

    /** The spec for {@code arch}: the plugin, or a variant of it. */
    static KitSpec.Builder spec(Architecture arch, Path work) {
        return KitSpec.of(arch, SectionType.SHT_RELA, work)
                .psAbi(PsAbiTable.read(open("/psabi/x86_64.csv")), PsAbiCalculation.G.OFFSET)
                .fixture(KitFixture.of("x86_64-kernel-types.o", open("/fixtures/x86_64-kernel-types.o"), Profile.KERNEL,
                        RelocationFixtures.resolver(KERNEL_SYMBOLS)).withLd())
                .fixture(KitFixture.of("x86_64-permissive.o", open("/fixtures/x86_64-permissive.o"),
                        Profile.PERMISSIVE, RelocationFixtures.resolver(FAR_SYMBOLS))
                        .laidOutBy(new org.modload.loader.link.LayoutPolicy.Linux(0x400000)))
                .vectors(Vectors.read(open("/kit/vectors.txt"), "vectors.txt"))
                .binutils(new Binutils("", "binutils", "elf_x86_64"))
                .execution(ExecutionMatrix.execution());
    }
}
