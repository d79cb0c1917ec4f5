/**
 * kmod 30's {@code depmod}: which module exports each symbol, which modules each module needs,
 * and every file depmod writes into a module directory, with kmod's bytes.
 *
 * <p>Entry points: {@link org.modload.kernel.depmod.ModuleDirectory#scan(java.nio.file.Path)} finds
 * the module files of a tree as depmod finds them (the tools that load trees use it too);
 * {@link org.modload.kernel.depmod.ModuleTree#readRelease(java.nio.file.Path)} reads a
 * module directory ({@code lib/modules/VERSION}); {@link org.modload.kernel.depmod.Depmod#compute}
 * turns its modules into a {@link org.modload.kernel.depmod.DepmodResult} (module order,
 * dependencies, the symbol table, kmod's warnings); {@link org.modload.kernel.depmod.DepmodFiles}
 * renders the files ({@code modules.dep}, the binary indexes through
 * {@link org.modload.kernel.depmod.KmodIndexWriter}, aliases, softdeps, symbols, built-ins,
 * devnames) and {@link org.modload.kernel.depmod.DepmodWriter} puts them in place.
 * {@link org.modload.kernel.depmod.KmodIndex} and {@link org.modload.kernel.depmod.ModuleLookup}
 * read the indexes back as libkmod does. Symbols the kernel itself exports
 * ({@link org.modload.kernel.depmod.KernelSymbols}, from {@code Module.symvers} or
 * {@code System.map}) never become dependencies; they only decide which undefined symbols are
 * unknown and which CRCs disagree.
 */
package org.modload.kernel.depmod;
