package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.kernel.sig.SignFile;
import org.modload.loader.testing.ExternalTools;

/**
 * {@code modload verify} and {@code --sig-enforce}/{@code --cert} on the load commands, with a
 * key of our own and the bundled {@code hello.ko} signed by OpenSSL as sign-file signs.
 */
class VerifyCommandTest {
    @TempDir
    static Path dir;

    private static SignFile key;
    private static Path unsigned;
    private static Path signed;
    private static Path tampered;
    private static int moduleLength;

    @BeforeAll
    static void files() throws IOException {
        key = SignFile.newKey(dir, "cli", "modload test cli key", "rsa:2048", "0x1603");
        byte[] module;
        try (InputStream in = VerifyCommandTest.class.getResourceAsStream("/org/modload/kernel/samples/x86_64/hello.ko")) {
            module = in.readAllBytes();
        }
        moduleLength = module.length;
        unsigned = Files.write(dir.resolve("hello.ko"), module);
        Files.createDirectories(dir.resolve("signed"));
        signed = Files.write(dir.resolve("signed/hello.ko"), key.sign(module, "sha256"));
        byte[] bad = Files.readAllBytes(signed);
        bad[0x40] ^= 1;
        Files.createDirectories(dir.resolve("tampered"));
        tampered = Files.write(dir.resolve("tampered/hello.ko"), bad);
    }

    private static CliRun modload(String input, String... args) {
        return CliRun.withInput(input, args);
    }

    private static String description() {
        return key.linuxDescription();
    }

    @Test
    void verifyPrintsOneLinePerModuleAndFailsWhenOneDoesNotVerify() {
        CliRun r = modload("", "verify", "--cert", key.pem().toString(), signed.toString(), unsigned.toString(),
                tampered.toString());
        assertEquals(new CliRun(1, String.join("\n",
                signed + ": OK sha256 signer \"modload test cli key\" key 16:03",
                unsigned + ": ENODATA: unsigned module",
                tampered + ": EKEYREJECTED: offset 0x" + Integer.toHexString(moduleLength) + ": sha256 signature by key \""
                        + description() + "\" (rsa) does not verify", ""), ""), r);
    }

    @Test
    void verifyExitsZeroWhenEveryModuleVerifiesAgainstADerCertificate() {
        CliRun r = modload("", "verify", "--cert", key.der().toString(), signed.toString());
        assertEquals(new CliRun(0, signed + ": OK sha256 signer \"modload test cli key\" key 16:03\n", ""), r);
    }

    /** A .ko.xz (made by xz, as Debian 13 ships its modules) is verified on its decompressed image. */
    @Test
    void anXzCompressedModuleIsVerifiedDecompressed() throws IOException {
        Path xz = ExternalTools.require("xz", "xz-utils");
        Path copy = Files.copy(signed, dir.resolve("hello-xz.ko"));
        ExternalTools.run(List.of(xz.toString(), "--check=crc32", "--lzma2=dict=1MiB", copy.toString()));
        Path compressed = dir.resolve("hello-xz.ko.xz");
        CliRun r = modload("", "verify", "--cert", key.der().toString(), compressed.toString());
        assertEquals(new CliRun(0, compressed + ": OK sha256 signer \"modload test cli key\" key 16:03\n", ""), r);
    }

    /** A file that cannot be read is its own line; the others are still verified. */
    @Test
    void anUnreadableModuleIsItsLineAndTheRestAreChecked() throws IOException {
        Path corrupt = Files.write(dir.resolve("corrupt.ko.xz"), new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0, 1, 2, 3});
        Path missing = dir.resolve("missing.ko");
        CliRun r = modload("", "verify", "--cert", key.der().toString(), corrupt.toString(), missing.toString(),
                signed.toString());
        List<String> lines = r.out().lines().toList();
        assertEquals(1, r.status());
        assertEquals(3, lines.size(), r.out());
        assertEquals(true, lines.get(0).startsWith(corrupt + ": EINVAL: corrupt.ko.xz: xz data"),
                lines.get(0));
        assertEquals(missing + ": cannot read: no such file", lines.get(1));
        assertEquals(signed + ": OK sha256 signer \"modload test cli key\" key 16:03", lines.get(2));
    }

    @Test
    void verifyWithoutKeysIsAUsageError() {
        CliRun r = modload("", "verify", signed.toString());
        assertEquals(2, r.status());
        assertEquals("modload: verify needs keys: --kernel-image VMLINUZ and/or --cert FILE",
                r.err().lines().findFirst().orElseThrow());
    }

    @Test
    void aCertificateFileWithoutCertificateIsOneLine() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        CliRun r = modload("", "verify", "--cert", junk.toString(), signed.toString());
        assertEquals(new CliRun(1, "", junk + ": no certificate: neither DER X.509 nor PEM with a CERTIFICATE block\n"), r);
    }

    @Test
    void insmodWithSigEnforceRejectsAnUnsignedModule() {
        CliRun r = modload("", "insmod", "--sig-enforce", "--cert", key.pem().toString(), unsigned.toString());
        assertEquals(new CliRun(1, "", "insmod: ERROR: could not insert module " + unsigned
                + ": Key was rejected by service\n"),
                r);
    }

    @Test
    void insmodWithSigEnforceLoadsASignedModule() {
        CliRun r = modload("", "lsmod", "--sig-enforce", "--cert", key.pem().toString(), "--load", signed.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("hello", r.out().lines().skip(1).findFirst().orElseThrow().split("\\s+")[0]);
    }

    @Test
    void theShellShowsEachModulesTaint() {
        CliRun r = modload(String.join("\n", "insmod " + signed, "cat /sys/module/hello/taint", "rmmod hello",
                "insmod " + unsigned, "cat /sys/module/hello/taint", "cat /proc/modules", "cat /sys/module/nope/taint", ""),
                "shell", "--cert", key.pem().toString());
        assertEquals(1, r.status());
        List<String> out = r.out().lines().toList();
        assertEquals("O", out.get(0));
        assertEquals("OE", out.get(1));
        assertEquals(true, out.get(2).startsWith("hello ") && out.get(2).endsWith(" (OE)"), out.get(2));
        assertEquals("cat: can't open '/sys/module/nope/taint': No such file or directory\n", r.err());
    }

    @Test
    void loadTreeWithSigEnforceReportsEachRefusal() {
        CliRun r = modload("", "load-tree", "--sig-enforce", "--cert", key.pem().toString(), "--tree",
                unsigned.getParent().resolve("signed").toString());
        assertEquals(0, r.status(), r.out() + r.err());
        CliRun refused = modload("", "load-tree", "--sig-enforce", "--tree", unsigned.getParent().resolve("signed").toString());
        assertEquals(1, refused.status());
        assertEquals("hello\tEKEYREJECTED\thello.ko: Loading of module with unavailable key is rejected (offset 0x"
                + Integer.toHexString(moduleLength) + ": signer \"modload test cli key\" key 16:03 is not in the keyring"
                + " (0 keys))", refused.out().lines().findFirst().orElseThrow());
    }
}
