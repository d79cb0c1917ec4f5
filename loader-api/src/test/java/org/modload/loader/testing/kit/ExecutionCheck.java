package org.modload.loader.testing.kit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.modload.loader.testing.exec.ExecMatrix;

/**
 * {@link KitCheck#EXECUTION}: the spec's {@link Execution} matrix run with the plugin under test
 * (the execution oracle of {@code org.modload.loader.testing.exec}: gcc objects linked by the
 * engine, mapped by runimage, run; their output and exit status those of gcc's own build; GOT and
 * PLT sites followed; llvm-jitlink as the peer). The table is printed.
 */
final class ExecutionCheck {
    private ExecutionCheck() {
    }

    static List<Probe> probes(KitContext ctx) {
        KitSpec spec = ctx.spec();
        if (spec.execution().isEmpty()) {
            return List.of(spec.withoutExecution().isEmpty()
                    ? Probe.failing(KitCheck.EXECUTION, "execution", "the spec declares neither execution(...) nor"
                            + " withoutExecution(why)")
                    : Probe.skipped(KitCheck.EXECUTION, "execution", spec.withoutExecution()));
        }
        Execution e = spec.execution().get();
        String name = e.abi() + ": " + e.programs().size() + " programs x " + e.variants().size() + " variants x "
                + e.abi().placements().size() + " placements";
        return List.of(new Probe(KitCheck.EXECUTION, name, () -> {
            Path work = Files.createDirectories(spec.work().resolve("exec"));
            ExecMatrix.Result r = ExecMatrix.run(e.matrix(ctx.plugin()), work);
            System.out.println(r.table());
            if (r.cells().isEmpty()) {
                throw new AssertionError("checked nothing: the matrix has no cells");
            }
            if (!r.problems().isEmpty()) {
                throw new AssertionError(r.problems().size() + " cells not as specified (" + r.counts() + "):\n"
                        + String.join("\n", r.problems()));
            }
            return r.counts();
        }));
    }
}
