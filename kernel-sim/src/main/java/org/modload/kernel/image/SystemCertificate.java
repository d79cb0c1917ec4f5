package org.modload.kernel.image;

import java.util.Objects;

import org.modload.loader.diag.Location;

/**
 * One X.509 certificate compiled into a kernel image's {@code system_certificate_list}, as DER
 * bytes (parsed by the keyring, not here). Immutable: the bytes are copied in and out.
 *
 * @param location where it lies: the vmlinux section and the offset in it, e.g.
 *     {@code vmlinuz-6.1.0-57-amd64(vmlinux):(.init.data+0x94c58)}
 * @param address its virtual address in the kernel
 * @param der its DER encoding, a copy
 */
public record SystemCertificate(Location location, long address, byte[] der) {

    public SystemCertificate {
        Objects.requireNonNull(location, "location");
        der = der.clone();
    }

    /** The DER encoding (a copy). */
    @Override
    public byte[] der() {
        return der.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SystemCertificate c && location.equals(c.location) && address == c.address
                && java.util.Arrays.equals(der, c.der);
    }

    @Override
    public int hashCode() {
        return Objects.hash(location, address, java.util.Arrays.hashCode(der));
    }

    @Override
    public String toString() {
        return location.placeForm() + ": " + der.length + "-byte certificate";
    }
}
