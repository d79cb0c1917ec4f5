package org.modload.loader.testing.kit;

/**
 * The kit's checks, in the order it runs them. Each produces one or more probes (one JUnit test
 * each); a check with nothing to look at fails ("checked nothing") unless the spec says why it
 * does not apply.
 */
public enum KitCheck {
    /**
     * The SPI contract: a unique e_machine; class, byte order and relocation section type equal
     * to the fixtures'; every row well-formed (number, psABI spelling, field within the class,
     * overflow rule on a data word, formula evaluated or SPECIAL, the GOT/GP/entry terms its
     * formula needs provided in every profile that applies it); lookups deterministic.
     */
    CONTRACT("SPI contract"),
    /** The rows held against the plugin's psABI CSV, in both directions, formulas evaluated. */
    PSABI("psABI table"),
    /**
     * Numbers the plugin does not declare, and declared types a profile does not apply, refused by
     * the engine the same way every time: located, reason UNSUPPORTED_TYPE, the core's message.
     */
    REFUSALS("refusals"),
    /** The plugin's pass and boundary-fail vectors through the real engine, and their coverage. */
    VECTORS("vectors"),
    /** Tables counted before layout, planned, filled through the core service, allocated == used. */
    TABLES("tables"),
    /** The fixtures linked by GNU ld at the same addresses: byte-identical. */
    DIFFERENTIAL("GNU ld differential"),
    /** gcc-built programs linked by the engine, run on the host: the normally built program's output. */
    EXECUTION("execution");

    private final String title;

    KitCheck(String title) {
        this.title = title;
    }

    /** How reports name the check. */
    public String title() {
        return title;
    }
}
