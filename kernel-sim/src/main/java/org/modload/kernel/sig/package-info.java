/**
 * Module signatures checked as Linux's {@code module_sig_check()} checks them, off-target: the
 * appended {@code struct module_signature} and its PKCS#7 message (parsed by Bouncy Castle) are
 * held to the rules of {@code mod_check_sig()}, {@code pkcs7_parse_message()} and
 * {@code pkcs7_verify()}, and the signature is verified against a
 * {@link org.modload.kernel.model.Keyring} with the JDK's RSA and ECDSA. Entry points:
 * {@link org.modload.kernel.sig.ModuleVerifier#verify} and
 * {@link org.modload.kernel.sig.Certificates} (X.509 certificates to keyring keys); every
 * failure is one {@link org.modload.kernel.diag.ModuleSignatureException} or
 * {@link org.modload.kernel.diag.CertificateFormatException}.
 */
package org.modload.kernel.sig;
