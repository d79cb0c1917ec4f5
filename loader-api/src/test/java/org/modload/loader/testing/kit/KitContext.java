package org.modload.loader.testing.kit;

import java.util.Objects;

import org.modload.loader.spi.Architecture;

/**
 * One run of the kit: the spec and what every check shares (the plugin's rows, scanned once per
 * run). Not shared between runs; no statics.
 */
final class KitContext {
    private final KitSpec spec;
    private Rows rows;

    KitContext(KitSpec spec) {
        this.spec = Objects.requireNonNull(spec);
    }

    KitSpec spec() {
        return spec;
    }

    Architecture plugin() {
        return spec.plugin();
    }

    /** The rows, scanned on first use. */
    synchronized Rows rows() {
        if (rows == null) {
            rows = Rows.scan(spec.plugin());
        }
        return rows;
    }

    /** The e_flags of the kit's objects: the first fixture's, else 0. */
    long elfFlags() {
        if (spec.fixtures().isEmpty()) {
            return 0;
        }
        try {
            return spec.fixtures().get(0).parse().header().flags();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
