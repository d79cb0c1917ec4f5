package org.modload.arch.ia64;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.SectionType;
import org.modload.loader.link.LayoutPolicy;
import org.modload.loader.link.LinkEngine;
import org.modload.loader.link.LoadPlan;
import org.modload.loader.link.SymbolDefinition;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Profile;
import org.modload.loader.testing.PsAbiCalculation;
import org.modload.loader.testing.PsAbiTable;
import org.modload.loader.testing.kit.Binutils;
import org.modload.loader.testing.kit.KitFixture;
import org.modload.loader.testing.kit.KitSpec;
import org.modload.loader.testing.kit.Vectors;

/**
 * What ia64 hands the conformance kit: the psABI CSV transcribed from binutils and Linux, the
 * assembled fixtures and a few of the gcc corpus (their undefined symbols defined as
 * {@link Fixtures#kernel} defines them, functions with descriptors), ia64-edges.o linked by GNU
 * ld too (every site on an edge of its field, with the engine's {@code __gp}), the vectors of
 * {@code kit/vectors.txt} and the ia64 cross binutils. No ia64 host runs its code.
 */
final class Ia64Kit {
    private static final Ia64Architecture ARCH = new Ia64Architecture();
    /** The layout and edges of EdgeTest: .text.hi and .text.lo 16 MiB away from .text. */
    private static final long TEXT = 0xa000000201000000L;
    private static final LayoutPolicy EDGES = new LayoutPolicy.Explicit(Map.of(".text", TEXT, ".text.hi",
            TEXT + 0x20 + (1L << 24) - 16, ".text.lo", TEXT + 0x30 - (1L << 24)), 0);

    private Ia64Kit() {
    }

    private static byte[] read(String name) {
        try (InputStream in = Ia64Kit.class.getResourceAsStream("/fixtures/" + name)) {
            if (in == null) {
                throw new AssertionError("fixture " + name + " is missing: run src/test/resources/fixtures/regen.sh");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A KERNEL fixture whose undefined symbols are {@link Fixtures#kernel}'s. */
    private static KitFixture kernel(String name) {
        byte[] b = read(name);
        ElfFile obj = ElfFile.parse(name, ByteBuffer.wrap(b));
        return new KitFixture(Path.of(name).getFileName().toString(), ByteBuffer.wrap(b), Profile.KERNEL,
                Fixtures.resolver(Fixtures.kernel(obj)), Optional.empty(), false);
    }

    /** ia64-edges.o with its symbols on the edges for the engine's gp (which depends on the layout only). */
    private static KitFixture edges() {
        byte[] b = read("ia64-edges.o");
        ElfFile obj = ElfFile.parse("ia64-edges.o", ByteBuffer.wrap(b));
        LoadPlan plan = new LinkEngine(ARCH).plan(obj, Profile.KERNEL, EDGES);
        long gp = LinuxGp.of(plan.coreBase(), plan.coreSize());
        Map<String, SymbolDefinition> m = new LinkedHashMap<>();
        m.put("e_gprel_hi", Fixtures.data(gp + (1L << 21) - 1));
        m.put("e_gprel_lo", Fixtures.data(gp - (1L << 21)));
        m.put("e_imm22_hi", Fixtures.data((1L << 21) - 1));
        m.put("e_imm22_lo", Fixtures.data(-(1L << 21)));
        return new KitFixture("ia64-edges.o", ByteBuffer.wrap(b), Profile.KERNEL, Fixtures.resolver(m),
                Optional.of(EDGES), true);
    }

    /** The spec for {@code arch}: the plugin, or a variant of it. */
    static KitSpec.Builder spec(Architecture arch, Path work) {
        KitSpec.Builder b = KitSpec.of(arch, SectionType.SHT_RELA, work)
                .psAbi(PsAbiTable.read(Ia64Kit.class.getResourceAsStream("/psabi/ia64.csv")), PsAbiCalculation.G.OFFSET)
                .fixture(edges());
        for (String f : List.of("ia64-tables.o", "ia64-tables-lds.o", "ia64-shared.o", "ia64-special.o",
                "ia64-bigcore.o", "gcc/chardev-O2.o", "gcc/table-O0.o", "gcc-lds/tiny-O2autopic.o")) {
            b.fixture(kernel(f));
        }
        return b.vectors(Vectors.read(Ia64Kit.class.getResourceAsStream("/kit/vectors.txt"), "vectors.txt"))
                .binutils(new Binutils("ia64-linux-gnu-", "binutils-ia64-linux-gnu", "elf64_ia64"))
                .withoutExecution("no ia64 host: the execution oracle runs x86 code only");
    }
}
