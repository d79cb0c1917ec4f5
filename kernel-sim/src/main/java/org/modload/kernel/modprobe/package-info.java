/**
 * What kmod 30's {@code modprobe} does between the command line and the kernel: its
 * configuration ({@code modprobe.d}: {@code alias}, {@code blacklist}, {@code options},
 * {@code softdep}, {@code install}, {@code remove}, and the tree's {@code modules.softdep}), read
 * as libkmod reads it ({@link org.modload.kernel.modprobe.ConfigReader}); module lookup by name,
 * alias and symbol over depmod's indexes ({@link org.modload.kernel.modprobe.ModuleSource});
 * and the probe and removal orders of {@code kmod_module_probe_insert_module} and
 * {@code modprobe -r} ({@link org.modload.kernel.modprobe.Modprobe}), run against a
 * {@link org.modload.kernel.modprobe.ModprobeTarget} (the simulated kernel). Commands named by
 * {@code install} and {@code remove} are printed in dry runs and never run.
 */
package org.modload.kernel.modprobe;
