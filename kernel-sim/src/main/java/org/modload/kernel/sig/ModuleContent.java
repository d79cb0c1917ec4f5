package org.modload.kernel.sig;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.cms.CMSTypedData;

/**
 * The signed module as the detached content of its PKCS#7 message: Bouncy Castle's
 * {@link CMSTypedData} over a buffer, written to the digest without a copy of the module.
 * Immutable (each write reads its own view).
 */
final class ModuleContent implements CMSTypedData {
    private static final int CHUNK = 1 << 16;

    private final ByteBuffer module;

    ModuleContent(ByteBuffer module) {
        this.module = module.asReadOnlyBuffer();
    }

    @Override
    public ASN1ObjectIdentifier getContentType() {
        return CMSObjectIdentifiers.data;
    }

    @Override
    public void write(OutputStream out) throws IOException {
        ByteBuffer b = module.duplicate();
        byte[] chunk = new byte[Math.min(CHUNK, b.remaining())];
        while (b.hasRemaining()) {
            int n = Math.min(chunk.length, b.remaining());
            b.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }

    /** The module, read-only: what {@link #write} writes. */
    @Override
    public Object getContent() {
        return module.duplicate();
    }
}
