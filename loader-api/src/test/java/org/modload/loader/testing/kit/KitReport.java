package org.modload.loader.testing.kit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one run of the kit found: every probe's outcome in run order, and the verdict. A run
 * fails when any probe failed or when no probe passed at all (a run in which nothing was checked
 * proves nothing). Immutable.
 *
 * @param plugin the plugin's class name
 * @param results each probe's outcome
 */
public record KitReport(String plugin, List<Result> results) {

    /** One probe's outcome. */
    public record Result(KitCheck check, String probe, Outcome outcome) {
        public Result {
            Objects.requireNonNull(check);
            Objects.requireNonNull(probe);
            Objects.requireNonNull(outcome);
        }

        /** {@code [FAIL] vectors / vectors.txt:12 pass R_X86_64_PC32 KERNEL: message}. */
        public String line() {
            String what = check.title() + " / " + probe;
            if (outcome instanceof Outcome.Passed p) {
                return "[pass] " + what + ": " + p.detail();
            }
            if (outcome instanceof Outcome.Skipped s) {
                return "[skip] " + what + ": " + s.reason();
            }
            return "[FAIL] " + what + ": " + ((Outcome.Failed) outcome).message();
        }
    }

    /** The message of a run in which no probe passed. */
    public static final String NOTHING_RAN = "no check of the kit ran: every probe was skipped or failed, so the run"
            + " proves nothing about the plugin";

    public KitReport {
        Objects.requireNonNull(plugin);
        results = List.copyOf(results);
    }

    /** The probes that failed. */
    public List<Result> failures() {
        return results.stream().filter(r -> r.outcome() instanceof Outcome.Failed).toList();
    }

    /** The failures of one check. */
    public List<Result> failures(KitCheck check) {
        return failures().stream().filter(r -> r.check() == check).toList();
    }

    /** The probes that passed. */
    public List<Result> passed() {
        return results.stream().filter(r -> r.outcome() instanceof Outcome.Passed).toList();
    }

    /** The probes that were skipped. */
    public List<Result> skipped() {
        return results.stream().filter(r -> r.outcome() instanceof Outcome.Skipped).toList();
    }

    /** Whether some probe passed. */
    public boolean ranAnything() {
        return !passed().isEmpty();
    }

    /** Whether the plugin passed the kit: nothing failed and something ran. */
    public boolean passes() {
        return failures().isEmpty() && ranAnything();
    }

    /** Every problem, one line each; {@link #NOTHING_RAN} when nothing passed. Empty when the run passes. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        failures().forEach(r -> out.add(r.line()));
        if (!ranAnything()) {
            out.add(NOTHING_RAN);
        }
        return out;
    }

    /** One line per probe, then per check the counts. */
    public String summary() {
        StringBuilder sb = new StringBuilder("Conformance kit, " + plugin + ":\n");
        results.forEach(r -> sb.append("  ").append(r.line()).append('\n'));
        for (KitCheck c : KitCheck.values()) {
            long pass = results.stream().filter(r -> r.check() == c && r.outcome() instanceof Outcome.Passed).count();
            long fail = results.stream().filter(r -> r.check() == c && r.outcome() instanceof Outcome.Failed).count();
            long skip = results.stream().filter(r -> r.check() == c && r.outcome() instanceof Outcome.Skipped).count();
            if (pass + fail + skip > 0) {
                sb.append(String.format("  %-20s %3d passed, %d failed, %d skipped%n", c.title(), pass, fail, skip));
            }
        }
        sb.append(String.format("  %-20s %3d passed, %d failed, %d skipped%n", "total", passed().size(),
                failures().size(), skipped().size()));
        return sb.toString();
    }
}
