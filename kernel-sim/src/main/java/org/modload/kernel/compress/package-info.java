/**
 * Compressed inputs, recognized by magic as the kernel and kmod recognize them
 * ({@link org.modload.kernel.compress.Compression}): module files ({@code .ko.gz}, {@code .ko.xz},
 * {@code .ko.zst}), which every module reader gets through
 * {@link org.modload.kernel.compress.ModuleFiles}, and kernel payloads in any of the seven
 * {@code CONFIG_KERNEL_*} compressions, which {@code org.modload.kernel.image} decompresses with
 * {@link org.modload.kernel.compress.Decompressor}. Every failure is one located
 * {@link org.modload.kernel.diag.CompressedDataException}.
 */
package org.modload.kernel.compress;
