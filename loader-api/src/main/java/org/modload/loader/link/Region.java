package org.modload.loader.link;

/**
 * Where a placed piece lives: the two memory regions of a module (core stays, init is freed
 * once init has run), or outside both ({@link #DETACHED}: a section the layout policy put at an
 * address of its own, such as Linux's per-cpu data, whose symbols take that address but whose
 * bytes are not part of the image).
 */
public enum Region {
    CORE, INIT, DETACHED
}
