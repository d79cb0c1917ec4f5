package org.modload.loader.link;

/** The two memory regions of a module: core stays, init is freed once init has run. */
public enum Region {
    CORE, INIT
}
