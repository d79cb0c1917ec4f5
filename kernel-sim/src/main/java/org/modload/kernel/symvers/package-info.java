/**
 * Reads a kernel build's {@code Module.symvers}: one line per exported symbol with its
 * modversions CRC, the module (or {@code vmlinux}) that exports it, whether it is GPL-only and
 * its namespace. Entry point: {@link org.modload.kernel.symvers.ModuleSymvers#read(java.nio.file.Path)};
 * a malformed line ends in one {@link org.modload.kernel.diag.SymversFormatException} that
 * names the file and line.
 */
package org.modload.kernel.symvers;
