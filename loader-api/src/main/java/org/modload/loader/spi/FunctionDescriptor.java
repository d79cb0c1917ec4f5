package org.modload.loader.spi;

/**
 * The contents of a function descriptor, on architectures whose function pointers point at one
 * (ia64): the entry point and the callee's global pointer.
 */
public record FunctionDescriptor(long ip, long gp) {
}
