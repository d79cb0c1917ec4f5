package org.modload.kernel;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

import org.modload.kernel.model.ModuleEvent;
import org.modload.kernel.model.SignaturePolicy;

/**
 * What a kernel is told at boot beyond its configuration, as Linux takes kernel parameters.
 *
 * @param symbolWait how long a load waits for an exporting module that is still running its
 *     init before it gives up with EBUSY (Linux's {@code resolve_symbol_wait}: 30 s)
 * @param trace told of each change of the module list ({@link ModuleEvent}), with the module
 *     mutex held, so the order of calls is the order of the changes; must return quickly and
 *     must not call the kernel
 * @param signaturePolicy what the kernel does with a module whose signature is not verified
 *     ({@code module.sig_enforce=1} is {@link SignaturePolicy#ENFORCE})
 */
public record KernelParameters(Duration symbolWait, Consumer<ModuleEvent> trace, SignaturePolicy signaturePolicy) {

    public KernelParameters {
        Objects.requireNonNull(symbolWait, "symbolWait");
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(signaturePolicy, "signaturePolicy");
        if (symbolWait.isNegative()) {
            throw new IllegalArgumentException("negative symbol wait " + symbolWait);
        }
    }

    /** Linux's defaults: a 30 s symbol wait; no tracing; signatures checked, not enforced (Debian's configuration). */
    public static KernelParameters defaults() {
        return new KernelParameters(Duration.ofSeconds(30), event -> { }, SignaturePolicy.WARN);
    }

    /** These parameters with another symbol wait. */
    public KernelParameters withSymbolWait(Duration wait) {
        return new KernelParameters(wait, trace, signaturePolicy);
    }

    /** These parameters with another trace. */
    public KernelParameters withTrace(Consumer<ModuleEvent> t) {
        return new KernelParameters(symbolWait, t, signaturePolicy);
    }

    /** These parameters with another signature policy. */
    public KernelParameters withSignaturePolicy(SignaturePolicy p) {
        return new KernelParameters(symbolWait, trace, p);
    }
}
