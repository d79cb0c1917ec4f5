package org.modload.kernel.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.modload.kernel.Kernel;
import org.modload.kernel.KernelParameters;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.TestKernels;
import org.modload.kernel.diag.ModuleSignatureException;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.KernelSnapshot;
import org.modload.kernel.model.Keyring;
import org.modload.kernel.model.LoadPhase;
import org.modload.kernel.model.SignaturePolicy;
import org.modload.kernel.proc.ProcFs;
import org.modload.kernel.sys.SysFs;
import org.modload.kernel.sig.Certificates;
import org.modload.kernel.sig.SignFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.spi.Architectures;

/**
 * module_sig_check() as the first phase of a load, under each policy, on the bundled
 * {@code hello.ko} signed at test time with a key of our own (OpenSSL, as sign-file): what loads,
 * what taints {@code E} (in {@code /proc/modules} and {@code /sys/module/hello/taint}), what is
 * refused with which errno and message, and that a refusal leaves the kernel exactly as it was.
 * The sample is out of tree, so it always taints {@code O}.
 */
class SignaturePolicyTest {
    @TempDir
    static Path dir;

    private static SignFile key;
    private static SignFile other;
    private static byte[] unsigned;
    private static byte[] signed;
    private static Keyring keyring;

    @BeforeAll
    static void keys() throws IOException {
        key = SignFile.newKey(dir, "kernel", "modload test kernel key", "rsa:2048", "0x1601");
        other = SignFile.newKey(dir, "other", "another kernel key", "rsa:2048", "0x1602");
        unsigned = bytes(Samples.x86_64("hello"));
        signed = key.sign(unsigned, "sha256");
        keyring = new Keyring(Certificates.read(key.der()));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static Kernel boot(SignaturePolicy policy) {
        return Kernel.boot(TestKernels.builtin(Machine.EM_X86_64).withKeyring(keyring), Architectures.installed(),
                KernelParameters.defaults().withSignaturePolicy(policy));
    }

    private static String taint(Kernel k) {
        return SysFs.read(k, "/sys/module/hello/taint").orElseThrow().strip();
    }

    @ParameterizedTest
    @EnumSource(SignaturePolicy.class)
    void aVerifiedModuleLoadsUntaintedByItsSignature(SignaturePolicy policy) {
        Kernel k = boot(policy);
        k.load("hello.ko", ByteBuffer.wrap(signed), LoadOptions.defaults());
        assertEquals("O", taint(k));
        assertEquals("O", k.taints());
    }

    @Test
    void unsignedUnderEnforceIsRejectedAndLeavesNothing() {
        Kernel k = boot(SignaturePolicy.ENFORCE);
        KernelSnapshot before = k.snapshot();
        KernelException e = assertThrows(KernelException.class,
                () -> k.load("hello.ko", ByteBuffer.wrap(unsigned), LoadOptions.defaults()));
        assertAll(
                () -> assertEquals(Errno.EKEYREJECTED, e.errno()),
                () -> assertEquals(Optional.of(LoadPhase.SIGNATURE), e.phase()),
                () -> assertEquals("hello.ko: Loading of unsigned module is rejected", e.getMessage()),
                () -> assertEquals(ModuleSignatureException.Reason.UNSIGNED,
                        ((ModuleSignatureException) e.getCause()).reason()),
                () -> assertEquals(before, k.snapshot()));
    }

    @Test
    void unsignedUnderWarnLoadsAndTaintsE() {
        Kernel k = boot(SignaturePolicy.WARN);
        k.load("hello.ko", ByteBuffer.wrap(unsigned), LoadOptions.defaults());
        assertEquals("OE", taint(k));
        assertEquals("OE", k.taints());
        assertEquals(List.of("(OE)"), ProcFs.modules(k).stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList());
    }

    @Test
    void unsignedUnderIgnoreLoadsUntainted() {
        Kernel k = boot(SignaturePolicy.IGNORE);
        k.load("hello.ko", ByteBuffer.wrap(unsigned), LoadOptions.defaults());
        assertEquals("O", taint(k));
    }

    /** A bad signature is refused under both policies that check; ignoring signatures loads it. */
    @ParameterizedTest
    @EnumSource(value = SignaturePolicy.class, names = {"ENFORCE", "WARN"})
    void aTamperedModuleIsRefusedWhereSignaturesAreChecked(SignaturePolicy policy) {
        byte[] file = signed.clone();
        file[0x40] ^= 1;
        Kernel k = boot(policy);
        KernelSnapshot before = k.snapshot();
        KernelException e = assertThrows(KernelException.class,
                () -> k.load("hello.ko", ByteBuffer.wrap(file), LoadOptions.defaults()));
        assertEquals(Errno.EKEYREJECTED, e.errno());
        assertEquals(Optional.of(LoadPhase.SIGNATURE), e.phase());
        assertEquals("hello.ko: offset 0x" + Integer.toHexString(unsigned.length) + ": sha256 signature by key \""
                + key.linuxDescription() + "\" (rsa) does not verify", e.getMessage());
        assertEquals(before, k.snapshot());
    }

    @Test
    void aMalformedTrailerIsRefusedEvenWithoutEnforcement() {
        byte[] file = signed.clone();
        file[file.length - SignFile.MARKER.length() - 12 + 5] = 1; // __pad[0]
        Kernel k = boot(SignaturePolicy.WARN);
        KernelException e = assertThrows(KernelException.class,
                () -> k.load("hello.ko", ByteBuffer.wrap(file), LoadOptions.defaults()));
        assertEquals(Errno.EBADMSG, e.errno());
        assertEquals(Optional.of(LoadPhase.SIGNATURE), e.phase());
    }

    @Test
    void aMalformedTrailerIsNotLookedAtWhenSignaturesAreIgnored() {
        byte[] file = signed.clone();
        file[file.length - SignFile.MARKER.length() - 12 + 5] = 1;
        Kernel k = boot(SignaturePolicy.IGNORE);
        k.load("hello.ko", ByteBuffer.wrap(file), LoadOptions.defaults());
        assertEquals("O", taint(k));
    }

    @Test
    void anotherKernelsKeyUnderWarnLoadsTaintedAndUnderEnforceIsRejected() {
        byte[] file = other.sign(unsigned, "sha256");
        Kernel warn = boot(SignaturePolicy.WARN);
        warn.load("hello.ko", ByteBuffer.wrap(file), LoadOptions.defaults());
        assertEquals("OE", taint(warn));

        Kernel enforce = boot(SignaturePolicy.ENFORCE);
        KernelSnapshot before = enforce.snapshot();
        KernelException e = assertThrows(KernelException.class,
                () -> enforce.load("hello.ko", ByteBuffer.wrap(file), LoadOptions.defaults()));
        assertEquals(Errno.EKEYREJECTED, e.errno());
        assertEquals("hello.ko: Loading of module with unavailable key is rejected (offset 0x"
                + Integer.toHexString(unsigned.length) + ": signer \"another kernel key\" key 16:02 is not in the"
                + " keyring (1 key))", e.getMessage());
        assertEquals(before, enforce.snapshot());
    }

    /** id_type changed: ENOPKG, which Linux lets through unenforced; what loads is the module before the trailer. */
    @Test
    void unsupportedCryptoUnderWarnLoadsTaintedAndUnderEnforceIsRejected() {
        byte[] file = signed.clone();
        file[file.length - SignFile.MARKER.length() - 12 + 2] = 0; // PKEY_ID_PGP
        Kernel warn = boot(SignaturePolicy.WARN);
        warn.load("hello.ko", ByteBuffer.wrap(file), LoadOptions.defaults());
        assertEquals("OE", taint(warn));

        KernelException e = assertThrows(KernelException.class,
                () -> boot(SignaturePolicy.ENFORCE).load("hello.ko", ByteBuffer.wrap(file), LoadOptions.defaults()));
        assertEquals(Errno.EKEYREJECTED, e.errno());
        assertEquals("hello.ko: Loading of module with unsupported crypto is rejected (offset 0x"
                + Integer.toHexString(file.length - SignFile.MARKER.length() - 12) + ": not signed with expected PKCS#7"
                + " message (id_type 0, PKEY_ID_PKCS7 is 2))", e.getMessage());
    }

    /**
     * modprobe --force-vermagic: module_sig_check() does not look at a "mangled" module, which
     * then counts as unsigned: tainted E without enforcement, rejected with it. (The built-in
     * kernel has no vermagic to skip, so the force does not taint F here.)
     */
    @Test
    void aForcedLoadIsNotTheModuleThatWasSigned() {
        Kernel warn = boot(SignaturePolicy.WARN);
        warn.load("hello.ko", ByteBuffer.wrap(signed), LoadOptions.defaults().ignoringVermagic());
        assertEquals("OE", taint(warn));

        KernelException e = assertThrows(KernelException.class, () -> boot(SignaturePolicy.ENFORCE)
                .load("hello.ko", ByteBuffer.wrap(signed), LoadOptions.defaults().ignoringModversions()));
        assertEquals(Errno.EKEYREJECTED, e.errno());
        assertEquals("hello.ko: Loading of unsigned module is rejected (not checked: a forced load's module is not the"
                + " module that was signed)", e.getMessage());
    }

    @Test
    void theDefaultParametersWarnAsDebianDoes() {
        assertSame(SignaturePolicy.WARN, KernelParameters.defaults().signaturePolicy());
    }
}
