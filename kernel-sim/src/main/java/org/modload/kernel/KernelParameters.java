package org.modload.kernel;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

import org.modload.kernel.model.ModuleEvent;

/**
 * What a kernel is told at boot beyond its configuration, as Linux takes kernel parameters.
 *
 * @param symbolWait how long a load waits for an exporting module that is still running its
 *     init before it gives up with EBUSY (Linux's {@code resolve_symbol_wait}: 30 s)
 * @param trace told of each change of the module list ({@link ModuleEvent}), with the module
 *     mutex held, so the order of calls is the order of the changes; must return quickly and
 *     must not call the kernel
 */
public record KernelParameters(Duration symbolWait, Consumer<ModuleEvent> trace) {

    public KernelParameters {
        Objects.requireNonNull(symbolWait, "symbolWait");
        Objects.requireNonNull(trace, "trace");
        if (symbolWait.isNegative()) {
            throw new IllegalArgumentException("negative symbol wait " + symbolWait);
        }
    }

    /** Linux's defaults: a 30 s symbol wait; no tracing. */
    public static KernelParameters defaults() {
        return new KernelParameters(Duration.ofSeconds(30), event -> { });
    }

    /** These parameters with another symbol wait. */
    public KernelParameters withSymbolWait(Duration wait) {
        return new KernelParameters(wait, trace);
    }

    /** These parameters with another trace. */
    public KernelParameters withTrace(Consumer<ModuleEvent> t) {
        return new KernelParameters(symbolWait, t);
    }
}
