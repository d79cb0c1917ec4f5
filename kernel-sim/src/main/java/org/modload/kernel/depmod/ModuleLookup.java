package org.modload.kernel.depmod;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How libkmod finds a module by what a user typed (kmod 30's
 * {@code kmod_module_new_from_lookup} and {@code kmod_module_new_from_name_lookup}), over the
 * binary indexes depmod wrote into one module directory: {@code modules.dep.bin} (a module
 * name), {@code modules.symbols.bin} ({@code symbol:NAME}), {@code modules.alias.bin} (an alias,
 * patterns matched with {@code fnmatch}), {@code modules.builtin.bin} and
 * {@code modules.builtin.alias.bin} (modules built into the kernel). The first source that finds
 * anything decides; a missing index is skipped, as libkmod skips it. The configuration's
 * aliases and install commands are not consulted here (modinfo gives libkmod no configuration).
 */
public final class ModuleLookup {
    private final String dirname;

    /**
     * One module found.
     *
     * @param name the module name
     * @param path its file, {@code dirname/} joined to the path {@code modules.dep} gives
     *             (absolute paths kept); empty when the module has no {@code modules.dep} line
     * @param builtin whether the kernel has it built in (its information then comes from
     *                {@code modules.builtin.modinfo})
     */
    public record Found(String name, Optional<String> path, boolean builtin) {
        public Found {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(path, "path");
        }
    }

    /**
     * @param dirname the module directory as libkmod keeps it (absolute,
     *                {@code BASEDIR/lib/modules/RELEASE}), not normalized: its paths are printed
     */
    public ModuleLookup(String dirname) {
        this.dirname = Objects.requireNonNull(dirname, "dirname");
    }

    /** The module directory the indexes are read from. */
    public String dirname() {
        return dirname;
    }

    /**
     * {@code kmod_module_new_from_lookup}: {@code given} as an alias (dashes read as underscores
     * outside brackets), looked up in modules.dep, symbols, aliases, built-ins and built-in aliases,
     * in that order.
     *
     * @return the modules found, in libkmod's order; empty if none or if the alias is invalid
     *         (an unbalanced bracket)
     */
    public List<Found> lookup(String given) {
        Optional<String> alias = aliasNormalize(given);
        if (alias.isEmpty()) {
            return List.of();
        }
        String a = alias.get();
        List<Found> found = new ArrayList<>(moddep(a).stream().toList());
        if (found.isEmpty() && a.startsWith("symbol:")) {
            found.addAll(fromAliasIndex("modules.symbols.bin", a, false));
        }
        if (found.isEmpty()) {
            found.addAll(fromAliasIndex("modules.alias.bin", a, false));
        }
        if (found.isEmpty()) {
            found.addAll(builtin(a).stream().toList());
        }
        if (found.isEmpty()) {
            found.addAll(fromAliasIndex("modules.builtin.alias.bin", a, true));
        }
        return List.copyOf(found);
    }

    /**
     * {@code kmod_module_new_from_name_lookup} (modinfo's {@code -m}): {@code given} as a module
     * name only (dashes read as underscores, cut at the first dot), in modules.dep, then the
     * built-ins.
     */
    public Optional<Found> lookupName(String given) {
        String name = modnameNormalize(given);
        Optional<Found> found = moddep(name);
        if (found.isEmpty()) {
            found = builtin(name);
        }
        if (found.isEmpty()) {
            found = fromAliasIndex("modules.builtin.alias.bin", name, true).stream().findFirst();
        }
        return found;
    }

    /** The {@code modules.dep} line of a module name ({@code kernel/a.ko: kernel/b.ko}), if any. */
    public Optional<String> depLine(String name) {
        if (name.indexOf(':') >= 0) {
            return Optional.empty();
        }
        return KmodIndex.open(index("modules.dep.bin")).flatMap(i -> i.search(name));
    }

    /** Whether {@code modules.builtin.bin} names the module. */
    public boolean isBuiltin(String name) {
        return KmodIndex.open(index("modules.builtin.bin")).flatMap(i -> i.search(name)).isPresent();
    }

    private Optional<Found> moddep(String name) {
        return depLine(name).map(line -> new Found(name, Optional.of(pathOf(line)), false));
    }

    private Optional<Found> builtin(String name) {
        return isBuiltin(name) ? Optional.of(new Found(name, Optional.empty(), true)) : Optional.empty();
    }

    private List<Found> fromAliasIndex(String file, String alias, boolean builtin) {
        Optional<KmodIndex> index = KmodIndex.open(index(file));
        if (index.isEmpty()) {
            return List.of();
        }
        List<Found> out = new ArrayList<>();
        for (String realname : index.get().searchWild(alias)) {
            if (builtin) {
                out.add(new Found(realname, Optional.empty(), true));
            } else {
                Optional<String> line = depLine(realname);
                out.add(new Found(realname, line.map(this::pathOf), line.isEmpty() && isBuiltin(realname)));
            }
        }
        return out;
    }

    /** The first word of a modules.dep line, joined to the directory unless absolute ({@code path_join}). */
    private String pathOf(String depLine) {
        int colon = depLine.indexOf(':');
        String file = colon < 0 ? depLine : depLine.substring(0, colon);
        return file.startsWith("/") ? file : dirname + "/" + file;
    }

    private Path index(String file) {
        return Path.of(dirname, file);
    }

    /**
     * libkmod's {@code alias_normalize}: every {@code -} becomes {@code _} except inside
     * {@code [...]}; empty for an unbalanced bracket.
     */
    public static Optional<String> aliasNormalize(String alias) {
        StringBuilder out = new StringBuilder(alias.length());
        for (int i = 0; i < alias.length(); i++) {
            char c = alias.charAt(i);
            if (c == ']') {
                return Optional.empty();
            }
            if (c == '[') {
                int close = alias.indexOf(']', i);
                if (close < 0) {
                    return Optional.empty();
                }
                out.append(alias, i, close + 1);
                i = close;
            } else {
                out.append(c == '-' ? '_' : c);
            }
        }
        return Optional.of(out.toString());
    }

    /** libkmod's {@code modname_normalize}: dashes become underscores, the name ends at the first dot. */
    public static String modnameNormalize(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (int i = 0; i < name.length() && name.charAt(i) != '.'; i++) {
            char c = name.charAt(i);
            out.append(c == '-' ? '_' : c);
        }
        return out.toString();
    }
}
