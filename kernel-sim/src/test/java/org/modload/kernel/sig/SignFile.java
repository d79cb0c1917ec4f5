package org.modload.kernel.sig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.modload.loader.testing.ExternalTools;

/**
 * Test keys and signed modules made by OpenSSL the way Linux makes them: a key and self-signed
 * certificate as {@code certs/Makefile} generates {@code signing_key.pem} from
 * {@code x509.genkey} (RSA, or ECDSA P-384 as with {@code CONFIG_MODULE_SIG_KEY_TYPE_ECDSA}),
 * and signatures as {@code scripts/sign-file} writes them: a detached PKCS#7/CMS message
 * without attributes or certificates over the module's bytes ({@code openssl cms -sign -binary
 * -noattr -nocerts -nosmimecap}, the key named by issuer and serial unless {@code -keyid}), then
 * {@code struct module_signature} (id_type 2, the rest zero, the big-endian length) and the
 * marker. OpenSSL is also the oracle: {@link #opensslVerifies} runs {@code openssl cms -verify}.
 */
public final class SignFile {
    /** The marker sign-file appends. */
    public static final String MARKER = "~Module signature appended~\n";

    private final Path dir;
    private final Path pem;
    private final Path openssl;

    private SignFile(Path dir, Path pem, Path openssl) {
        this.dir = dir;
        this.pem = pem;
        this.openssl = openssl;
    }

    /**
     * A new key and certificate in {@code dir} (key and certificate in one PEM file, as
     * {@code signing_key.pem}), with subject and issuer {@code CN=cn}.
     *
     * @param newkey openssl req's {@code -newkey} argument, e.g. {@code rsa:2048}, or {@code ec} for P-384
     * @param serial the certificate's serial number (openssl req {@code -set_serial}), e.g. {@code 0x1234}
     */
    public static SignFile newKey(Path dir, String name, String cn, String newkey, String serial) {
        Path openssl = ExternalTools.require("openssl", "openssl");
        try {
            Path conf = dir.resolve(name + ".genkey");
            Files.writeString(conf, String.join("\n",
                    "[ req ]", "distinguished_name = req_distinguished_name", "prompt = no",
                    "string_mask = utf8only", "x509_extensions = myexts", "",
                    "[ req_distinguished_name ]", "CN = " + cn, "",
                    "[ myexts ]", "basicConstraints=critical,CA:FALSE", "keyUsage=digitalSignature",
                    "subjectKeyIdentifier=hash", "authorityKeyIdentifier=keyid", ""));
            Path pem = dir.resolve(name + ".pem");
            List<String> cmd = new ArrayList<>(List.of(openssl.toString(), "req", "-new", "-nodes", "-utf8", "-sha256",
                    "-days", "36500", "-batch", "-x509", "-config", conf.toString(), "-outform", "PEM",
                    "-out", pem.toString(), "-keyout", pem.toString(), "-set_serial", serial));
            if (newkey.equals("ec")) {
                cmd.addAll(List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp384r1"));
            } else {
                cmd.addAll(List.of("-newkey", newkey));
            }
            ExternalTools.run(cmd);
            return new SignFile(dir, pem, openssl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A certificate made elsewhere (a kernel's), for {@link #x509} and {@link #opensslVerifies}; it cannot sign. */
    public static SignFile ofCertificate(Path dir, Path der) {
        Path openssl = ExternalTools.require("openssl", "openssl");
        Path pem = dir.resolve(der.getFileName() + ".pem");
        ExternalTools.run(List.of(openssl.toString(), "x509", "-inform", "DER", "-in", der.toString(), "-out",
                pem.toString()));
        return new SignFile(dir, pem, openssl);
    }

    /** The PEM file with the private key and the certificate. */
    public Path pem() {
        return pem;
    }

    /** The certificate alone, DER ({@code openssl x509 -outform DER}), as extract-cert writes signing_key.x509. */
    public Path der() {
        Path der = dir.resolve(pem.getFileName() + ".der");
        if (!Files.exists(der)) {
            ExternalTools.run(List.of(openssl.toString(), "x509", "-in", pem.toString(), "-outform", "DER", "-out",
                    der.toString()));
        }
        return der;
    }

    /** What {@code openssl x509 -noout OPTION} prints for the certificate, e.g. {@code -serial}. */
    public String x509(String... options) {
        List<String> cmd = new ArrayList<>(List.of(openssl.toString(), "x509", "-in", pem.toString(), "-noout"));
        cmd.addAll(List.of(options));
        return ExternalTools.run(cmd).trim();
    }

    /**
     * The key's description as Linux's x509_key_preparse() writes it ("CN: skid in hex"), from
     * what {@code openssl x509} prints of the certificate: its subject's commonName and its
     * subjectKeyIdentifier.
     */
    public String linuxDescription() {
        return describe(x509("-subject", "-nameopt", "multiline"), x509("-ext", "subjectKeyIdentifier"));
    }

    /** "CN: skid" from openssl's {@code -subject -nameopt multiline} and {@code -ext subjectKeyIdentifier} output. */
    public static String describe(String subject, String skidExtension) {
        String cn = subject.lines().map(String::trim).filter(l -> l.startsWith("commonName")).findFirst()
                .orElseThrow(() -> new AssertionError("no commonName in " + subject));
        String skid = skidExtension.lines().reduce((a, b) -> b).orElseThrow().trim();
        return cn.substring(cn.indexOf('=') + 1).trim() + ": " + skid.replace(":", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** sign-file's message for {@code module}: {@code openssl cms -sign -binary -noattr -nocerts -nosmimecap -md MD}. */
    public byte[] pkcs7(byte[] module, String md, String... extra) {
        try {
            Path in = Files.createTempFile(dir, "module", ".ko");
            Path out = Files.createTempFile(dir, "sig", ".p7");
            Files.write(in, module);
            List<String> cmd = new ArrayList<>(List.of(openssl.toString(), "cms", "-sign", "-in", in.toString(),
                    "-signer", pem.toString(), "-inkey", pem.toString(), "-binary", "-nocerts", "-nosmimecap",
                    "-outform", "DER", "-md", md, "-out", out.toString()));
            cmd.addAll(List.of(extra));
            ExternalTools.run(cmd);
            return Files.readAllBytes(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code module} signed as sign-file signs it (no attributes, key by issuer and serial). */
    public byte[] sign(byte[] module, String md) {
        return append(module, pkcs7(module, md, "-noattr"));
    }

    /** {@code module} with {@code pkcs7} appended as sign-file appends its message. */
    public static byte[] append(byte[] module, byte[] pkcs7) {
        byte[] marker = MARKER.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(module.length + pkcs7.length + 12 + marker.length);
        b.put(module).put(pkcs7);
        b.put(new byte[] {0, 0, 2, 0, 0, 0, 0, 0}).putInt(pkcs7.length); // big-endian sig_len
        b.put(marker);
        return b.array();
    }

    /**
     * The oracle: whether {@code openssl cms -verify} accepts the signature of a signed module
     * file against this key's certificate (content detached, the certificate not chained).
     */
    public boolean opensslVerifies(byte[] signed) {
        try {
            int sigLen = ByteBuffer.wrap(signed, signed.length - MARKER.length() - 4, 4).getInt();
            int pkcs7At = signed.length - MARKER.length() - 12 - sigLen;
            Path content = Files.createTempFile(dir, "content", ".ko");
            Path sig = Files.createTempFile(dir, "sig", ".p7");
            Files.write(content, java.util.Arrays.copyOfRange(signed, 0, pkcs7At));
            Files.write(sig, java.util.Arrays.copyOfRange(signed, pkcs7At, pkcs7At + sigLen));
            Process p = new ProcessBuilder(openssl.toString(), "cms", "-verify", "-binary", "-inform", "DER", "-in",
                    sig.toString(), "-content", content.toString(), "-certfile", pem.toString(), "-noverify",
                    "-out", "/dev/null").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
