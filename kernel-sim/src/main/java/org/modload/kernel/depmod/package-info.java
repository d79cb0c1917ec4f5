/**
 * Module dependencies as kmod's {@code depmod} computes them: which module exports each symbol,
 * which modules each module needs, and the {@code modules.dep} lines, in kmod's order.
 *
 * <p>Entry points: {@link org.modload.kernel.depmod.ModuleDirectory#scan(java.nio.file.Path)} finds
 * the module files of a tree as depmod finds them (the tools that load trees use it too);
 * {@link org.modload.kernel.depmod.ModuleTree#read(java.nio.file.Path)} reads a
 * module directory ({@code lib/modules/VERSION}); {@link org.modload.kernel.depmod.Depmod#compute}
 * turns its modules into a {@link org.modload.kernel.depmod.DepmodResult}. Symbols the kernel
 * itself exports (from {@code Module.symvers}, see {@code org.modload.kernel.symvers}) never
 * become dependencies; they only decide which undefined symbols are unknown.
 */
package org.modload.kernel.depmod;
