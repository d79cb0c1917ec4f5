package org.modload.kernel.modinfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code modules.builtin.modinfo}: the {@code .modinfo} strings of the modules built into the
 * kernel, each prefixed {@code MODULE.} and NUL-terminated, one module's strings together. Read
 * as kmod 30's {@code kmod_builtin_get_modinfo} reads it: the first run of strings with the
 * module's prefix is its information; a string without a dot ends the file.
 */
public final class BuiltinModinfo {
    private BuiltinModinfo() {
    }

    /** The entries of built-in module {@code module} in {@code file} (its bytes), or empty if it has none. */
    public static Optional<ModuleInfo> of(byte[] file, String module) {
        int pos = 0;
        while (pos < file.length) {
            String first = null;
            List<ModuleInfo.Entry> entries = new ArrayList<>();
            while (pos < file.length) {
                int end = pos;
                while (end < file.length && file[end] != 0) {
                    end++;
                }
                String s = new String(file, pos, end - pos, StandardCharsets.UTF_8);
                int dot = s.indexOf('.');
                if (dot < 0) {
                    return first != null && first.equals(module) ? Optional.of(new ModuleInfo(entries)) : Optional.empty();
                }
                String name = s.substring(0, dot);
                if (first == null) {
                    first = name;
                } else if (!first.equals(name)) {
                    break;
                }
                String text = s.substring(dot + 1);
                int eq = text.indexOf('=');
                entries.add(eq < 0 ? new ModuleInfo.Entry(text, "") : new ModuleInfo.Entry(text.substring(0, eq), text.substring(eq + 1)));
                pos = end + 1;
            }
            if (first != null && first.equals(module)) {
                return Optional.of(new ModuleInfo(entries));
            }
        }
        return Optional.empty();
    }
}
