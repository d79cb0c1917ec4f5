package org.modload.kernel.core;

import java.util.List;

import org.modload.kernel.model.ModuleFacts;
import org.modload.kernel.modinfo.ModuleInfo;
import org.modload.kernel.modinfo.ModuleVersions;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Symbol;

/**
 * Reads what the loader needs before layout: {@code .modinfo} ({@link ModuleInfo}),
 * {@code __versions} ({@link ModuleVersions}) and whether init and exit functions are defined.
 */
final class ModuleReader {

    private ModuleReader() {
    }

    /**
     * The facts of a parsed module.
     *
     * @throws org.modload.kernel.diag.MalformedModuleException if .modinfo's last entry is not
     *     NUL-terminated
     */
    static ModuleFacts facts(String file, ElfFile obj, boolean signed) {
        ModuleInfo info = ModuleInfo.read(obj).orElse(new ModuleInfo(List.of()));
        boolean hasInit = false;
        boolean hasExit = false;
        for (Symbol s : obj.symbols()) {
            if (!s.isUndefined() && s.name().equals("init_module")) {
                hasInit = true;
            } else if (!s.isUndefined() && s.name().equals("cleanup_module")) {
                hasExit = true;
            }
        }
        return new ModuleFacts(info.moduleName(file), info.license().orElse(""), info.vermagic(),
                info.dependsModuleNames(), info.importNamespaces(), ModuleVersions.read(obj).crcs(), hasInit, hasExit,
                signed, info.value("intree").isPresent(), info.value("staging").isPresent());
    }
}
