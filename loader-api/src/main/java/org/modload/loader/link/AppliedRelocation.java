package org.modload.loader.link;

import java.nio.ByteBuffer;
import java.util.Objects;

import org.modload.loader.spi.Applied;
import org.modload.loader.spi.RelocationSite;

/**
 * One relocation as the engine applied it, for a {@link RelocationListener}: the site (its
 * memory a read-only view of the section after the write), what the engine computed
 * ({@link Applied}: the row, the rule's need, the operands S, A, P, GOT, entry..., the value) and
 * the bytes the write changed, before and after. The bytes cover the field at the place and every
 * byte the architecture rewrote around it (an instruction relaxed, an ia64 bundle), from
 * {@link #bytesOffset()} in the section. Immutable.
 *
 * @param site the relocation (read-only memory)
 * @param applied what was computed and handed to the architecture's write
 * @param bytesOffset the section offset of the first byte of {@code before} and {@code after}
 * @param before the bytes before the write (read-only)
 * @param after the same bytes after it (read-only)
 */
public record AppliedRelocation(RelocationSite site, Applied applied, long bytesOffset, ByteBuffer before,
        ByteBuffer after) {

    public AppliedRelocation {
        Objects.requireNonNull(site);
        Objects.requireNonNull(applied);
        before = before.asReadOnlyBuffer();
        after = after.asReadOnlyBuffer();
        if (before.capacity() != after.capacity()) {
            throw new IllegalArgumentException("before and after differ in size");
        }
    }
}
