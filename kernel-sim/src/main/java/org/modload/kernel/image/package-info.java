/**
 * Reads a Linux kernel image the way the module loader sees it: the exported symbols of an x86
 * {@code vmlinuz} (a bzImage whose payload uses any of the kernel's seven compressions), with
 * their addresses, modversions CRCs, GPL-only flags and namespaces, taken from the vmlinux's
 * {@code __ksymtab*} and {@code __kcrctab*} sections. Entry point: {@link org.modload.kernel.image.KernelImage#read(java.nio.file.Path)};
 * the decompressed vmlinux itself: {@link org.modload.kernel.image.KernelPayload#vmlinux};
 * every malformed input ends in one {@link org.modload.kernel.diag.KernelImageException}.
 */
package org.modload.kernel.image;
