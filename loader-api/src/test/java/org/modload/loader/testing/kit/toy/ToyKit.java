package org.modload.loader.testing.kit.toy;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.modload.loader.elf.SectionType;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Profile;
import org.modload.loader.testing.PsAbiCalculation;
import org.modload.loader.testing.PsAbiTable;
import org.modload.loader.testing.RelocationFixtures;
import org.modload.loader.testing.exec.Abi;
import org.modload.loader.testing.exec.TestProgram;
import org.modload.loader.testing.exec.Variant;
import org.modload.loader.testing.kit.Binutils;
import org.modload.loader.testing.kit.Execution;
import org.modload.loader.testing.kit.KitFixture;
import org.modload.loader.testing.kit.KitSpec;
import org.modload.loader.testing.kit.Vectors;

/**
 * Step 6 of "Adding an architecture": what the toy hands the kit. Its psABI CSV, its two fixtures
 * (assembled by {@code regen.sh}; the KERNEL one also linked by GNU ld), its vectors, the host's
 * binutils, and a small execution matrix: gcc {@code -fPIE} programs run far from libc (through
 * stubs and GOT words) and near it.
 */
final class ToyKit {
    /** Kernel addresses for the undefined symbols of toy-kernel.s; low_const is below 4 GiB. */
    static final Map<String, Long> KERNEL_SYMBOLS = Map.of("printk", 0xffffffff81000000L, "ext_data",
            0xffffffff82000040L, "ext_func", 0xffffffff81234560L, "low_const", 0x12345678L);
    /** libc-like addresses for toy-permissive.s: three far from the module area, one within reach. */
    static final Map<String, Long> USER_SYMBOLS = Map.of("ext_data", 0x00007f1234560000L, "ext_func",
            0x00007f1234561000L, "ext_far", 0x00007f1234562000L, "ext_near", 0xffffffffc1000000L);

    private ToyKit() {
    }

    private static InputStream open(String name) {
        return ToyKit.class.getResourceAsStream(name);
    }

    /** The toy's execution matrix: -fPIE code needs only PC32, PLT32 and 64. */
    static Execution execution() {
        List<TestProgram> programs = TestProgram.all().stream()
                .filter(p -> List.of("libc_calls", "data", "sections").contains(p.name())).toList();
        return Execution.everyCellRuns(Abi.X86_64, programs, List.of(Variant.of("-O2", "-fPIE"), Variant.of("-O0",
                "-fPIE")));
    }

    /** The toy's spec for {@code arch} (the toy, or a broken variant of it), to be built or changed. */
    static KitSpec.Builder spec(Architecture arch, Path work) {
        return KitSpec.of(arch, SectionType.SHT_RELA, work)
                .psAbi(PsAbiTable.read(open("toy.csv")), PsAbiCalculation.G.OFFSET)
                .fixture(KitFixture.of("toy-kernel.o", open("toy-kernel.o"), Profile.KERNEL,
                        RelocationFixtures.resolver(KERNEL_SYMBOLS)).withLd())
                .fixture(KitFixture.of("toy-permissive.o", open("toy-permissive.o"), Profile.PERMISSIVE,
                        RelocationFixtures.resolver(USER_SYMBOLS)))
                .vectors(Vectors.read(open("vectors.txt"), "vectors.txt"))
                .binutils(new Binutils("", "binutils", "elf_x86_64"))
                .execution(execution());
    }
}
