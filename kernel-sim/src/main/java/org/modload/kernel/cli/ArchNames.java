package org.modload.kernel.cli;

import java.util.stream.Collectors;

import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;

/**
 * The names users give architectures on the command line: the last part of the plugin's module
 * name ({@code org.modload.arch.x86_64} is {@code x86_64}), or of its package on the class path,
 * as {@code modload archs} prints them. Nothing here knows any architecture.
 */
final class ArchNames {
    /** The built-in kernel's architecture when the command line names none. */
    static final String DEFAULT = "x86_64";

    private ArchNames() {
    }

    /** The name of {@code arch}'s plugin module, or of its package on the class path. */
    static String provider(Architecture arch) {
        Module m = arch.getClass().getModule();
        return m.isNamed() ? m.getName() : arch.getClass().getPackageName();
    }

    /** The short name users type for {@code arch}. */
    static String of(Architecture arch) {
        String p = provider(arch);
        return p.substring(p.lastIndexOf('.') + 1);
    }

    /**
     * The installed architecture called {@code name}.
     *
     * @throws UsageException naming the installed ones when none is
     */
    static Architecture find(Architectures archs, String name) {
        return archs.all().stream().filter(a -> of(a).equals(name)).findFirst()
                .orElseThrow(() -> new UsageException("--arch: no installed architecture is called '" + name
                        + "' (installed: " + archs.all().stream().map(ArchNames::of).collect(Collectors.joining(", "))
                        + ")"));
    }
}
