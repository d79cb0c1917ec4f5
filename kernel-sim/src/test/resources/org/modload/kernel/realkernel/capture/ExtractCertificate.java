import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.modload.kernel.image.KernelImage;
import org.modload.kernel.image.SystemCertificate;

/**
 * Writes the first certificate of a kernel image's system_certificate_list (the key Debian
 * signed the package's modules with) as DER: {@code java -cp kernel-sim/target/modload.jar
 * ExtractCertificate.java VMLINUZ OUT.der}. Used by regen.sh; check the result with
 * {@code openssl x509 -inform der -noout -subject -in OUT.der}.
 */
public class ExtractCertificate {
    public static void main(String[] args) throws Exception {
        List<SystemCertificate> certs = KernelImage.read(Path.of(args[0])).certificates();
        if (certs.isEmpty()) {
            throw new IllegalStateException(args[0] + ": no certificate in system_certificate_list");
        }
        Files.write(Path.of(args[1]), certs.get(0).der());
    }
}
