package org.modload.loader.testing.kit;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * The conformance kit: the checks every {@link org.modload.loader.spi.Architecture} plugin passes,
 * run against the plugin by its own module's tests with a few lines of setup:
 *
 * <pre>
 * class ConformanceTest {
 *     &#64;TempDir Path work;
 *
 *     &#64;TestFactory
 *     Stream&lt;DynamicNode&gt; kit() {
 *         return ConformanceKit.tests(KitSpec.of(new MyArchitecture(), SectionType.SHT_RELA, work)
 *                 .psAbi(PsAbiTable.read(open("/psabi/my.csv")), PsAbiCalculation.G.OFFSET)
 *                 .fixture(KitFixture.of("my-kernel.o", open("/fixtures/my-kernel.o"), Profile.KERNEL, symbols).withLd())
 *                 .vectors(Vectors.read(open("/kit/vectors.txt"), "vectors.txt"))
 *                 .binutils(new Binutils("my-linux-gnu-", "binutils-my-linux-gnu", "elf64_my"))
 *                 .withoutExecution("no my host")
 *                 .build());
 *     }
 * }
 * </pre>
 *
 * The checks ({@link KitCheck}): the SPI contract, the psABI table both ways, refusals of unknown
 * and unapplied types, the vectors, the table service on the fixtures, the GNU ld differential
 * and execution. Each check is a container of probes, one JUnit test each; a probe fails with a
 * message naming what is wrong, and is skipped only when a tool is missing on a developer machine
 * ({@code MODLOAD_REQUIRE_TOOLS=1} fails instead) or the spec says why the check does not apply.
 * A check that finds nothing to look at fails; and after the checks, one more test fails when no
 * probe passed at all, since such a run proves nothing. Stateless: each call makes its own run.
 */
public final class ConformanceKit {
    private ConformanceKit() {
    }

    /**
     * The kit's tests for a {@code @TestFactory}: one container per check, one test per probe, then
     * "at least one check ran". Probes run when JUnit runs them; the last test prints the report.
     */
    public static Stream<DynamicNode> tests(KitSpec spec) {
        KitContext ctx = new KitContext(spec);
        List<KitReport.Result> results = new ArrayList<>();
        List<DynamicNode> nodes = new ArrayList<>();
        for (KitCheck c : KitCheck.values()) {
            if (!spec.checks().contains(c)) {
                continue;
            }
            List<DynamicTest> tests = probes(ctx, c).stream().map(p -> DynamicTest.dynamicTest(p.name(), () -> {
                Outcome o = p.execute();
                synchronized (results) {
                    results.add(new KitReport.Result(p.check(), p.name(), o));
                }
                o.report();
            })).toList();
            nodes.add(DynamicContainer.dynamicContainer(c.title(), tests));
        }
        nodes.add(DynamicTest.dynamicTest("at least one check ran", () -> {
            KitReport report;
            synchronized (results) {
                report = new KitReport(spec.plugin().getClass().getName(), results);
            }
            System.out.println(report.summary());
            if (!report.ranAnything()) {
                throw new AssertionError(KitReport.NOTHING_RAN);
            }
        }));
        return nodes.stream();
    }

    /**
     * Runs every selected check now, in order, and returns what each probe found; for tests of the
     * kit itself, which must see a check fail.
     */
    public static KitReport run(KitSpec spec) {
        KitContext ctx = new KitContext(spec);
        List<KitReport.Result> results = new ArrayList<>();
        for (KitCheck c : KitCheck.values()) {
            if (spec.checks().contains(c)) {
                for (Probe p : probes(ctx, c)) {
                    results.add(new KitReport.Result(c, p.name(), p.execute()));
                }
            }
        }
        return new KitReport(spec.plugin().getClass().getName(), results);
    }

    /** The probes of check {@code c}; a check that cannot even list them fails as one probe. */
    private static List<Probe> probes(KitContext ctx, KitCheck c) {
        try {
            return switch (c) {
                case CONTRACT -> ContractCheck.probes(ctx);
                case PSABI -> PsAbiCheck.probes(ctx);
                case REFUSALS -> RefusalCheck.probes(ctx);
                case VECTORS -> VectorCheck.probes(ctx);
                case TABLES -> TableCheck.probes(ctx);
                case DIFFERENTIAL -> DifferentialCheck.probes(ctx);
                case EXECUTION -> ExecutionCheck.probes(ctx);
            };
        } catch (RuntimeException e) {
            return List.of(Probe.failing(c, c.title(), "the check could not start: " + e));
        }
    }
}
