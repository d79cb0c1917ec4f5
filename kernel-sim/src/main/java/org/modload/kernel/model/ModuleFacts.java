package org.modload.kernel.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the loader reads from a module before placing it: its {@code .modinfo} fields, its
 * {@code __versions} table, whether it defines init and exit functions and whether it carries
 * an appended signature.
 *
 * @param name the module name (.modinfo {@code name}, else the file name without {@code .ko})
 * @param license the {@code license} field, empty when absent
 * @param vermagic the {@code vermagic} field, if present
 * @param depends the {@code depends} field's module names
 * @param importedNamespaces the {@code import_ns} fields
 * @param versions {@code __versions}: symbol name to CRC, in table order
 * @param hasInit whether {@code init_module} is defined
 * @param hasExit whether {@code cleanup_module} is defined
 * @param signed whether the file ends with an appended module signature
 * @param inTree whether .modinfo says {@code intree=Y} (built with the kernel)
 * @param staging whether .modinfo says {@code staging=Y} (from drivers/staging: taints C)
 */
public record ModuleFacts(String name, String license, Optional<String> vermagic, List<String> depends,
        List<String> importedNamespaces, Map<String, Long> versions, boolean hasInit, boolean hasExit,
        boolean signed, boolean inTree, boolean staging) {

    public ModuleFacts {
        Objects.requireNonNull(name);
        Objects.requireNonNull(license);
        Objects.requireNonNull(vermagic);
        depends = List.copyOf(depends);
        importedNamespaces = List.copyOf(importedNamespaces);
        versions = Map.copyOf(versions);
    }

    /**
     * Linux's license_is_gpl_compatible(): the licenses under which a module may use
     * EXPORT_SYMBOL_GPL symbols.
     */
    public boolean gplCompatible() {
        return gplCompatible(license);
    }

    /** license_is_gpl_compatible() of a {@code license} field. */
    public static boolean gplCompatible(String license) {
        return switch (license) {
            case "GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL" -> true;
            default -> false;
        };
    }
}
