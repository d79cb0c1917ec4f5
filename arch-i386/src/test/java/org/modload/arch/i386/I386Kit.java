package org.modload.arch.i386;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.modload.loader.elf.SectionType;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Profile;
import org.modload.loader.testing.PsAbiCalculation;
import org.modload.loader.testing.PsAbiTable;
import org.modload.loader.testing.RelocationFixtures;
import org.modload.loader.testing.exec.Abi;
import org.modload.loader.testing.exec.Expectation;
import org.modload.loader.testing.exec.KnownGaps;
import org.modload.loader.testing.exec.PeerExpectation;
import org.modload.loader.testing.exec.TestProgram;
import org.modload.loader.testing.exec.Variant;
import org.modload.loader.testing.kit.Binutils;
import org.modload.loader.testing.kit.Execution;
import org.modload.loader.testing.kit.KitFixture;
import org.modload.loader.testing.kit.KitSpec;
import org.modload.loader.testing.kit.Vectors;

/**
 * What i386 hands the conformance kit: the i386 psABI CSV (whose G is the GOT entry's address),
 * the fixtures (the KERNEL types object, also linked by GNU ld; the PERMISSIVE object with its
 * GOT), the vectors of {@code kit/vectors.txt}, the host's binutils ({@code ld -m elf_i386}) and
 * the execution matrix: the test programs built by {@code gcc -m32} (gcc-multilib) in every
 * variant, linked in a low region and beside libc, run by runimage built {@code -m32}. Every
 * i386 address is reachable modulo 2^32, so every cell must run. llvm-jitlink-14 has no ELF
 * i386 backend: its cells are "n/a", still checked against what it says.
 */
final class I386Kit {
    /** Kernel addresses for the undefined symbols of i386-kernel-types.s. */
    static final Map<String, Long> KERNEL_SYMBOLS = Map.of("printk", 0xc1000000L, "ext_data", 0xc2000040L,
            "ext_func", 0xc1234560L, "low_const", 0x12345678L);
    /** User-space addresses for i386-permissive.s. */
    static final Map<String, Long> USER_SYMBOLS = Map.of("ext_data", 0x09000000L, "ext_func", 0xf7d01230L,
            "ext_byte", 0x7fL, "ext_word", 0x7fffL);

    static final List<String> OPTS = List.of("-O0", "-O2", "-Os");
    static final List<Variant> VARIANTS = Variant.product(OPTS,
            List.of(List.of("-fPIC"), List.of("-fPIE"), List.of("-fno-pic")));

    /**
     * JITLink 14 has no ELF i386 backend; two PIC objects are refused earlier, when their COMDAT
     * pc thunks meet, before the machine is looked at.
     */
    static final PeerExpectation NO_I386_BACKEND = PeerExpectation.notApplicable(
            "Unsupported target machine architecture in ELF object"
                    + "|Duplicate definition of symbol '__x86\\.get_pc_thunk\\.\\w+'",
            "llvm-jitlink-14 has no ELF i386 backend");

    private I386Kit() {
    }

    private static InputStream open(String name) {
        return I386Kit.class.getResourceAsStream(name);
    }

    static Execution execution() {
        return new Execution(Abi.I386, TestProgram.all(), VARIANTS, (c, input) -> Expectation.runs(), KnownGaps.none(),
                (p, v) -> NO_I386_BACKEND);
    }

    /** The spec for {@code arch}: the plugin, or a variant of it. */
    static KitSpec.Builder spec(Architecture arch, Path work) {
        return KitSpec.of(arch, SectionType.SHT_REL, work)
                .psAbi(PsAbiTable.read(open("/psabi/i386.csv")), PsAbiCalculation.G.ADDRESS)
                .fixture(KitFixture.of("i386-kernel-types.o", open("/fixtures/i386-kernel-types.o"), Profile.KERNEL,
                        RelocationFixtures.resolver(KERNEL_SYMBOLS)).withLd())
                .fixture(KitFixture.of("i386-permissive.o", open("/fixtures/i386-permissive.o"), Profile.PERMISSIVE,
                        RelocationFixtures.resolver(USER_SYMBOLS)).laidOutBy(new LayoutPolicy.Linux(0x08048000L)))
                .vectors(Vectors.read(open("/kit/vectors.txt"), "vectors.txt"))
                .binutils(new Binutils("", "binutils", "elf_i386"))
                .execution(execution());
    }
}
