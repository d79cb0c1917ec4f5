package org.modload.kernel.depmod;

import java.util.List;
import java.util.Objects;

/**
 * What kmod's depmod is told besides the modules: the kernel's symbols and the options that
 * change what it computes or reports.
 *
 * @param dirname the module directory as kmod spells it in messages ({@code BASEDIR/lib/modules/RELEASE},
 *     BASEDIR made absolute, not normalized); a module's path in a message is {@code dirname/path}
 * @param kernel the kernel's symbols in the order their file lists them, with their CRCs (a later
 *     line of a name replaces an earlier one, as kmod's hash does); empty when none was given
 * @param kernelGiven whether a symbol file was loaded ({@code -E} or {@code -F}): only then does
 *     kmod add its fake symbols ({@code __this_module}, {@code _GLOBAL_OFFSET_TABLE_}, {@code TOC.})
 * @param checkSymvers {@code -E}: compare the CRC a module was built against with its exporter's
 * @param printUnknown {@code -e} (and a symbol file given): warn about unknown symbols and CRC mismatches
 * @param symbolPrefix {@code -P}: the architecture's symbol prefix, {@code '\0'} for none
 * @param verbose {@code -v}: list each dependency found, as kmod's {@code SHOW} does
 */
public record DepmodConfig(String dirname, List<ExportedSymbol> kernel, boolean kernelGiven, boolean checkSymvers,
        boolean printUnknown, char symbolPrefix, boolean verbose) {

    public DepmodConfig {
        Objects.requireNonNull(dirname, "dirname");
        kernel = List.copyOf(kernel);
    }

    /** Kernel symbol names only (CRC 0), no checks, no messages: what modules.dep alone needs. */
    public static DepmodConfig ofKernelSymbols(Iterable<String> names) {
        List<ExportedSymbol> kernel = new java.util.ArrayList<>();
        names.forEach(n -> kernel.add(new ExportedSymbol(n, 0)));
        return new DepmodConfig("", kernel, true, false, false, '\0', false);
    }

    /** {@code path} as kmod names the module in a message: under the directory unless absolute. */
    String fullPath(String path) {
        return path.startsWith("/") ? path : dirname + "/" + path;
    }
}
