package org.modload.kernel.model;

import java.util.Objects;

/**
 * One entry of {@code /sys/module/NAME/sections}: a section Linux allocated for the module,
 * with the address it was given. Linux lists every section that has SHF_ALLOC after its own
 * changes ({@code .modinfo}, {@code __versions} and the per-cpu section lose it;
 * {@code .symtab} and {@code .strtab} gain it, in init memory) and a size, init sections
 * included: their addresses stay listed after init memory is freed.
 *
 * @param name the section name
 * @param index its section header index
 * @param address the address Linux's {@code sh_addr} holds
 */
public record ModuleSection(String name, int index, long address) {

    public ModuleSection {
        Objects.requireNonNull(name, "name");
    }
}
