package org.modload.kernel;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

import org.modload.kernel.model.LoadPolicy;
import org.modload.kernel.model.ModuleEvent;
import org.modload.kernel.model.SignaturePolicy;
import org.modload.kernel.model.UnloadPolicy;

/**
 * What a kernel is told at boot beyond its configuration, as Linux takes kernel parameters.
 *
 * @param symbolWait how long a load waits for an exporting module that is still running its
 *     init before it gives up with EBUSY (Linux's {@code resolve_symbol_wait}: 30 s)
 * @param trace told of each change of the module list ({@link ModuleEvent}), with the module
 *     mutex held, so the order of calls is the order of the changes; must return quickly and
 *     must not call the kernel
 * @param loadPolicy which loading system calls the kernel has (Linux's one call by default)
 * @param unloadPolicy who decides an unload (Linux's reference counts by default)
 * @param signaturePolicy what the kernel does with a module whose signature is not verified
 *     ({@code module.sig_enforce=1} is {@link SignaturePolicy#ENFORCE})
 */
public record KernelParameters(Duration symbolWait, Consumer<ModuleEvent> trace, LoadPolicy loadPolicy,
        UnloadPolicy unloadPolicy, SignaturePolicy signaturePolicy) {

    public KernelParameters {
        Objects.requireNonNull(symbolWait, "symbolWait");
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(loadPolicy, "loadPolicy");
        Objects.requireNonNull(unloadPolicy, "unloadPolicy");
        Objects.requireNonNull(signaturePolicy, "signaturePolicy");
        if (symbolWait.isNegative()) {
            throw new IllegalArgumentException("negative symbol wait " + symbolWait);
        }
    }

    /** Linux's loading, unloading and signature checking with this symbol wait and trace. */
    public KernelParameters(Duration symbolWait, Consumer<ModuleEvent> trace) {
        this(symbolWait, trace, LoadPolicy.LINUX, UnloadPolicy.LINUX, SignaturePolicy.WARN);
    }

    /**
     * Linux's defaults: a 30 s symbol wait; no tracing; one-call loading; reference-counted
     * unloading; signatures checked, not enforced (Debian's configuration).
     */
    public static KernelParameters defaults() {
        return new KernelParameters(Duration.ofSeconds(30), event -> { });
    }

    /** These parameters with another symbol wait. */
    public KernelParameters withSymbolWait(Duration wait) {
        return new KernelParameters(wait, trace, loadPolicy, unloadPolicy, signaturePolicy);
    }

    /** These parameters with another trace. */
    public KernelParameters withTrace(Consumer<ModuleEvent> t) {
        return new KernelParameters(symbolWait, t, loadPolicy, unloadPolicy, signaturePolicy);
    }

    /** These parameters with another loading policy. */
    public KernelParameters withLoadPolicy(LoadPolicy p) {
        return new KernelParameters(symbolWait, trace, p, unloadPolicy, signaturePolicy);
    }

    /** These parameters with another unloading policy. */
    public KernelParameters withUnloadPolicy(UnloadPolicy p) {
        return new KernelParameters(symbolWait, trace, loadPolicy, p, signaturePolicy);
    }

    /** These parameters with another signature policy. */
    public KernelParameters withSignaturePolicy(SignaturePolicy p) {
        return new KernelParameters(symbolWait, trace, loadPolicy, unloadPolicy, p);
    }
}
