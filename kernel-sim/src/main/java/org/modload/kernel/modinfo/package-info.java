/**
 * What a module file says about itself before it is loaded: its {@code .modinfo} entries
 * ({@link org.modload.kernel.modinfo.ModuleInfo}: name, license, vermagic, depends, import_ns,
 * parameters...) and the PKCS#7 signature appended to it
 * ({@link org.modload.kernel.modinfo.ModuleSignature}: signer, key identifier, digest algorithm,
 * signature value). Both are read as the kernel's loader and kmod's {@code modinfo} read them;
 * every malformed input ends in one {@link org.modload.kernel.diag.MalformedModuleException}.
 */
package org.modload.kernel.modinfo;
