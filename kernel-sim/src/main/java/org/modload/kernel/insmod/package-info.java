/**
 * Userspace's insmod, as a separate caller of the simulated kernel: on a Linux kernel one
 * {@code init_module} call with the whole file; on a {@code legacy-2.4} kernel modutils' way,
 * which relocates the module in userspace with modload's engine between {@code create_module}
 * and {@code init_module} ({@link org.modload.kernel.insmod.LegacyInsmod}). A simulated SIGKILL
 * can stop it at a chosen point, to show what each loader leaves behind.
 */
package org.modload.kernel.insmod;
