package org.modload.kernel.sig;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The one-line name Linux's {@code x509_fabricate_name()} gives an X.509 name, for key
 * descriptions and messages: the commonName; the organization, then the e-mail address, when
 * there is none; {@code "O: CN"} when both are there and the commonName does not start with the
 * organization (or share its first 7 characters). Stateless.
 */
final class X509Names {
    private static final int SHARED_PREFIX = 7;

    private X509Names() {
    }

    static String of(X500Name name) {
        String cn = last(name, BCStyle.CN);
        String o = last(name, BCStyle.O);
        String email = last(name, BCStyle.EmailAddress);
        if (!cn.isEmpty() && !o.isEmpty()) {
            boolean prefixed = cn.startsWith(o)
                    || cn.length() >= SHARED_PREFIX && o.length() >= SHARED_PREFIX
                            && cn.regionMatches(0, o, 0, SHARED_PREFIX);
            return prefixed ? cn : o + ": " + cn;
        }
        if (!cn.isEmpty()) {
            return cn;
        }
        return o.isEmpty() ? email : o;
    }

    /** The value of the last attribute of type {@code type}, as Linux's parser keeps the last one it meets. */
    private static String last(X500Name name, ASN1ObjectIdentifier type) {
        String value = "";
        for (RDN rdn : name.getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                if (atv.getType().equals(type)) {
                    value = text(atv.getValue());
                }
            }
        }
        return value;
    }

    private static String text(ASN1Encodable value) {
        return value instanceof ASN1String s ? s.getString() : value.toString();
    }
}
