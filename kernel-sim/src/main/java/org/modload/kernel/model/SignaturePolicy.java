package org.modload.kernel.model;

/**
 * What a kernel does with a module's appended signature, as Linux's {@code module_sig_check()}
 * decides. A signature that is present but bad (malformed, or not matching the module) is refused
 * under both {@link #ENFORCE} and {@link #WARN}; they differ only for a module that is unsigned,
 * signed with a key the kernel does not hold, or signed with crypto it does not support.
 */
public enum SignaturePolicy {
    /**
     * {@code module.sig_enforce=1} (or {@code CONFIG_MODULE_SIG_FORCE}): only a module whose
     * signature verifies against the kernel's keyring loads; an unsigned one is refused with
     * EKEYREJECTED, "Loading of unsigned module is rejected".
     */
    ENFORCE,
    /**
     * {@code CONFIG_MODULE_SIG} without enforcement, Debian's default: an unsigned module, or one
     * whose key or crypto the kernel lacks, loads and taints the kernel {@code E}.
     */
    WARN,
    /**
     * A kernel built without {@code CONFIG_MODULE_SIG}: the signature is not looked at, the whole
     * file goes to the ELF checks, and nothing taints.
     */
    IGNORE
}
