package org.modload.loader.testing.kit;

import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

import org.modload.loader.spi.Architecture;
import org.modload.loader.testing.exec.Abi;
import org.modload.loader.testing.exec.CellId;
import org.modload.loader.testing.exec.ExecMatrix;
import org.modload.loader.testing.exec.Expectation;
import org.modload.loader.testing.exec.KnownGaps;
import org.modload.loader.testing.exec.ObjectFiles;
import org.modload.loader.testing.exec.PeerExpectation;
import org.modload.loader.testing.exec.TestProgram;
import org.modload.loader.testing.exec.Variant;

/**
 * What the execution check runs on a host that can execute the plugin's code: the execution
 * oracle's matrix ({@link ExecMatrix}) of programs × gcc variants × placements, each cell
 * linked by the engine with the plugin under test, mapped by runimage and run, and held
 * against its expectation; llvm-jitlink as the peer. Immutable.
 *
 * @param abi the host ABI
 * @param programs the C test programs
 * @param variants the gcc variants
 * @param expectation each cell's expectation
 * @param knownGaps cells that miss their expectation today, exactly
 * @param peer the peer's expectation per program and variant
 */
public record Execution(Abi abi, List<TestProgram> programs, List<Variant> variants,
        BiFunction<CellId, ObjectFiles, Expectation> expectation, KnownGaps knownGaps,
        BiFunction<TestProgram, Variant, PeerExpectation> peer) {

    public Execution {
        Objects.requireNonNull(abi);
        programs = List.copyOf(programs);
        variants = List.copyOf(variants);
        Objects.requireNonNull(expectation);
        Objects.requireNonNull(knownGaps);
        Objects.requireNonNull(peer);
    }

    /** Every cell must run and print what gcc's own build prints; the peer too. */
    public static Execution everyCellRuns(Abi abi, List<TestProgram> programs, List<Variant> variants) {
        return new Execution(abi, programs, variants, (c, in) -> Expectation.runs(), KnownGaps.none(),
                (p, v) -> PeerExpectation.runs());
    }

    /** This execution with a different peer expectation. */
    public Execution withPeer(BiFunction<TestProgram, Variant, PeerExpectation> p) {
        return new Execution(abi, programs, variants, expectation, knownGaps, p);
    }

    /** The matrix for {@code arch}. */
    ExecMatrix.Spec matrix(Architecture arch) {
        return new ExecMatrix.Spec(abi, arch, programs, variants, expectation, knownGaps, peer);
    }
}
