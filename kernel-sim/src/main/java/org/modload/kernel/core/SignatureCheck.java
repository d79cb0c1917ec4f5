package org.modload.kernel.core;

import java.nio.ByteBuffer;

import org.modload.kernel.diag.ModuleSignatureException;
import org.modload.kernel.diag.ModuleSignatureException.Reason;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.Keyring;
import org.modload.kernel.model.LoadPhase;
import org.modload.kernel.model.SignaturePolicy;
import org.modload.kernel.sig.ModuleVerifier;

/**
 * Linux's {@code module_sig_check()}, the first phase of a load: the signature is verified
 * against the kernel's keyring; a module that is not verified is refused or let through as the
 * policy says; a bad signature is refused under every policy that looks at signatures. A forced
 * load (ignoring vermagic or modversions) is not checked at all and counts as unsigned: "a module
 * with version information removed is no longer the module that was signed". Stateless.
 */
final class SignatureCheck {

    /**
     * What the rest of load_module goes on with.
     *
     * @param module the bytes the ELF checks read: the signed module when the signature was read,
     *     the whole file when it was not
     * @param unverified whether the module loads without a verified signature, which taints it {@code E}
     */
    record Outcome(ByteBuffer module, boolean unverified) {
    }

    private SignatureCheck() {
    }

    /**
     * Checks one module file. Reads {@code bytes}; changes nothing.
     *
     * @param forced whether the load ignores vermagic or modversions
     * @throws KernelException EKEYREJECTED when enforcement refuses an unverified module
     * @throws ModuleSignatureException for a signature that no policy accepts (malformed, a kind
     *     the parser refuses, or one that does not verify)
     */
    static Outcome run(ModuleVerifier verifier, String file, ByteBuffer bytes, Keyring keyring, SignaturePolicy policy,
            boolean forced) {
        if (policy == SignaturePolicy.IGNORE) {
            return new Outcome(bytes, false);
        }
        ModuleSignatureException why;
        try {
            if (forced) {
                throw ModuleSignatureException.of(file, Reason.UNSIGNED, "not checked: a forced load's module is not"
                        + " the module that was signed", bytes.remaining(), null);
            }
            return new Outcome(verifier.verify(file, bytes, keyring).module(bytes), false);
        } catch (ModuleSignatureException e) {
            if (!e.reason().nonFatal()) {
                throw e;
            }
            why = e;
        }
        if (policy == SignaturePolicy.ENFORCE) {
            // module_sig_check(): pr_notice("Loading of %s is rejected\n", reason).
            boolean plain = why.reason() == Reason.UNSIGNED && why.offset().isEmpty() && !forced;
            throw new KernelException(Errno.EKEYREJECTED, LoadPhase.SIGNATURE, file, file + ": Loading of "
                    + why.reason().rejectedAs() + " is rejected" + (plain ? "" : " (" + why.placedDetail() + ")"), why);
        }
        ByteBuffer module = bytes.duplicate();
        module.limit(module.position() + (int) why.moduleLength());
        return new Outcome(module.slice().order(bytes.order()), true);
    }
}
