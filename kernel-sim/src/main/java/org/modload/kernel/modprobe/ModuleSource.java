package org.modload.kernel.modprobe;

import java.util.List;
import java.util.Optional;

/**
 * Where modprobe finds modules: one module directory ({@code BASEDIR/lib/modules/RELEASE}) and
 * what depmod wrote there, as libkmod reads it. {@link Indexed} reads kmod's binary indexes;
 * a tree depmod has not run on can be given another source.
 */
public interface ModuleSource {

    /** The module directory as libkmod names it: printed in paths and messages, not normalized. */
    String dirname();

    /** The module's {@code modules.dep} line ({@code kernel/a.ko: kernel/b.ko kernel/c.ko}), if any. */
    Optional<String> depLine(String name);

    /**
     * The module names one of the alias indexes gives for {@code key} ({@code index_searchwild}):
     * {@code modules.symbols} ({@code symbol:NAME}), {@code modules.alias}, or
     * {@code modules.builtin.alias}; empty when the index does not exist.
     */
    List<String> aliased(AliasIndex index, String key);

    /** Whether {@code modules.builtin} names the module. */
    boolean isBuiltin(String name);

    /** The alias indexes libkmod searches with patterns. */
    enum AliasIndex {
        SYMBOLS("modules.symbols.bin"),
        ALIASES("modules.alias.bin"),
        BUILTIN_ALIASES("modules.builtin.alias.bin");

        private final String file;

        AliasIndex(String file) {
            this.file = file;
        }

        /** The index's file name in the module directory. */
        public String file() {
            return file;
        }
    }

    /** kmod's binary indexes in {@link #dirname()}; a missing index finds nothing, as libkmod skips it. */
    static ModuleSource indexed(String dirname) {
        return new Indexed(dirname);
    }
}
