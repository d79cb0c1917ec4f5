package org.modload.kernel.insmod;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

import org.modload.kernel.model.LoadPhase;
import org.modload.kernel.model.LoadPolicy;

/** Where a simulated SIGKILL reaches insmod; what points exist depends on the kernel's load policy. */
public sealed interface KillPoint {

    /**
     * Linux: insmod is inside its one init_module call, and load_module notices the fatal
     * signal as it enters {@code phase} (Linux looks for one only where it waits; the simulation
     * lets it arrive in any phase): EINTR, and the load is undone.
     */
    record InPhase(LoadPhase phase) implements KillPoint {
        public InPhase {
            Objects.requireNonNull(phase, "phase");
        }
    }

    /** 2.4: insmod dies once {@code step} is done, before its next system call. */
    record AfterStep(InsmodStep step) implements KillPoint {
        public AfterStep {
            Objects.requireNonNull(step, "step");
        }
    }

    /**
     * The point called {@code word} on a kernel of {@code policy}: a load phase in lower case
     * ({@code relocate}, {@code resolve_symbols}) for Linux, an {@link InsmodStep} for 2.4.
     *
     * @throws IllegalArgumentException naming the points there are, when {@code word} is none
     */
    static KillPoint parse(LoadPolicy policy, String word) {
        if (policy == LoadPolicy.LEGACY_2_4) {
            return InsmodStep.named(word).<KillPoint>map(AfterStep::new).orElseThrow(() -> new IllegalArgumentException(
                    "no insmod step '" + word + "' (" + Arrays.stream(InsmodStep.values()).map(InsmodStep::spelling)
                            .collect(Collectors.joining(", ")) + ")"));
        }
        return Arrays.stream(LoadPhase.values()).filter(p -> p.name().toLowerCase(Locale.ROOT).equals(word)).findFirst()
                .<KillPoint>map(InPhase::new).orElseThrow(() -> new IllegalArgumentException("no load phase '" + word + "' ("
                        + Arrays.stream(LoadPhase.values()).map(p -> p.name().toLowerCase(Locale.ROOT))
                                .collect(Collectors.joining(", ")) + ")"));
    }
}
