package org.modload.loader.link;

/**
 * A table the engine places, sized from the entries counted before layout (a GOT, a PLT, an
 * {@code .opd} of function descriptors).
 *
 * @param name the name it is shown under in layouts, e.g. {@code .got}
 * @param size its size in bytes
 * @param alignment its alignment in bytes (a power of two)
 * @param executable whether it holds code (placed with text) or data
 * @param init whether it belongs to the init region (freed after init) rather than core
 */
public record TableRequest(String name, long size, long alignment, boolean executable, boolean init) {
}
