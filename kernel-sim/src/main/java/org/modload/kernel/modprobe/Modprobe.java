package org.modload.kernel.modprobe;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.modload.kernel.depmod.Fnmatch;
import org.modload.kernel.depmod.ModuleLookup;
import org.modload.kernel.model.Errno;

/**
 * kmod 30's {@code modprobe} after its options are parsed ({@code tools/modprobe.c} with the
 * libkmod calls it makes): names and aliases looked up as {@code kmod_module_new_from_lookup}
 * does (configuration aliases, {@code modules.dep}, {@code symbol:} names, install and remove
 * commands, {@code modules.alias}, built-ins, built-in aliases; the first that finds anything
 * decides), each module found probed as {@code kmod_module_probe_insert_module} probes it
 * (dependencies from {@code modules.dep} in reverse order, each with its soft dependencies: the
 * {@code pre:} modules before, the {@code post:} ones after; options from the configuration,
 * the command line's for the module asked for; the blacklist applied to aliases, or to
 * everything with {@code -b}), and with {@code -r} removed as {@code rmmod_do_module} removes
 * (post soft dependencies, holders with {@code --remove-holders}, the module unless in use, then
 * its dependencies nobody uses any more, then its pre soft dependencies). Messages and their
 * priorities are kmod's: a FATAL one ends the run with status 1, {@code -q} silences them,
 * {@code -a} turns them into warnings. {@code install} and {@code remove} commands are printed
 * where kmod prints them but never run: the simulation refuses them with one line.
 */
public final class Modprobe {
    private static final int LOG_CRIT = 2;
    private static final int LOG_ERR = 3;
    private static final int LOG_WARNING = 4;
    /** modprobe's default verbosity. */
    public static final int DEFAULT_VERBOSE = LOG_WARNING;

    /** Returned by a step that printed a FATAL message: the run ends. */
    private static final int FATAL = Integer.MIN_VALUE;
    /** An install or remove command the simulation refused (already reported). */
    private static final int REFUSED = Integer.MIN_VALUE + 1;
    /** The inserting process was killed. */
    private static final int KILLED = Integer.MIN_VALUE + 2;

    /**
     * What the command line asked for.
     *
     * @param all {@code -a}: every argument is a module (no parameters)
     * @param remove {@code -r}
     * @param removeHolders {@code --remove-holders}
     * @param firstTime {@code --first-time}
     * @param ignoreCommands {@code -i}
     * @param useBlacklist {@code -b}
     * @param force {@code -f} (passed on as the kernel's force flags by the caller; kept for removal)
     * @param showDepends {@code -D/--show-depends}: ignore what is loaded, print, load nothing
     * @param dryRun {@code -n}
     * @param resolveAlias {@code -R}: print the names an alias resolves to
     * @param verbose kmod's log level: {@link #DEFAULT_VERBOSE}, 0 with {@code -q}, one more per {@code -v}
     * @param syslog {@code -s}: messages as syslog receives them ({@link Messages#line})
     */
    public record Flags(boolean all, boolean remove, boolean removeHolders, boolean firstTime, boolean ignoreCommands,
            boolean useBlacklist, boolean force, boolean showDepends, boolean dryRun, boolean resolveAlias, int verbose,
            boolean syslog) {

        /** {@code modprobe NAME}. */
        public static Flags defaults() {
            return new Flags(false, false, false, false, false, false, false, false, false, false, DEFAULT_VERBOSE, false);
        }
    }

    private final ModprobeConfig config;
    private final ModuleSource source;
    private final ModprobeTarget target;
    private final Flags flags;
    private final PrintWriter out;
    private final PrintWriter err;
    private final String program;
    /** modprobe's LOG priority: FATAL, or a warning with {@code -a}. */
    private final int logPriority;
    private final boolean ignoreLoaded;
    private final boolean dryRun;
    private final Map<String, Mod> pool = new HashMap<>();
    private boolean fatal;
    private boolean killed;

    /**
     * @param program the name messages start with ({@code modprobe})
     * @param out where {@code insmod}/{@code rmmod}/{@code builtin} lines go
     * @param err where messages go
     */
    public Modprobe(ModprobeConfig config, ModuleSource source, ModprobeTarget target, Flags flags, String program,
            PrintWriter out, PrintWriter err) {
        this.config = Objects.requireNonNull(config, "config");
        this.source = Objects.requireNonNull(source, "source");
        this.target = Objects.requireNonNull(target, "target");
        this.flags = Objects.requireNonNull(flags, "flags");
        this.program = program;
        this.out = out;
        this.err = err;
        this.logPriority = flags.all() ? LOG_WARNING : LOG_CRIT;
        this.ignoreLoaded = flags.showDepends();
        this.dryRun = flags.showDepends() || flags.dryRun();
    }

    /** Whether the last run ended because the inserting process was killed. */
    public boolean killed() {
        return killed;
    }

    /**
     * Runs modprobe on its non-option arguments: each a module with {@code -a} or {@code -r}, else
     * the first a module and the others its parameters.
     *
     * @return the exit status, 0 or 1
     */
    public int run(List<String> args) {
        int e;
        if (flags.remove()) {
            e = 0;
            for (String a : args) {
                int r = rmmod(a);
                if (fatal || killed) {
                    return 1;
                }
                if (r < 0) {
                    e = r;
                }
            }
        } else if (flags.all()) {
            e = 0;
            for (String a : args) {
                int r = insmod(a, null);
                if (fatal || killed) {
                    return 1;
                }
                if (r < 0) {
                    e = r;
                }
            }
        } else {
            e = insmod(args.get(0), optionsFromArray(args));
        }
        out.flush();
        err.flush();
        return fatal || killed || e < 0 ? 1 : 0;
    }

    /** {@code options_from_array}: the arguments after the module, a value with a space quoted. */
    static String optionsFromArray(List<String> args) {
        if (args.size() < 2) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (String a : args.subList(1, args.size())) {
            int eq = a.indexOf('=');
            if (eq >= 0) {
                String value = a.substring(eq + 1);
                if (!value.startsWith("\"") && !value.startsWith("'") && value.indexOf(' ') >= 0) {
                    parts.add(a.substring(0, eq + 1) + "\"" + value + "\"");
                    continue;
                }
            }
            parts.add(a);
        }
        return String.join(" ", parts);
    }

    // ---- messages ----------------------------------------------------------------------------

    /** {@code log_printf}: printed up to the verbosity; a FATAL one, printed, ends the run. */
    private void log(int prio, String msg) {
        if (prio > flags.verbose()) {
            return;
        }
        err.print(Messages.line(program, prio, msg, flags.syslog()) + "\n");
        if (prio <= LOG_CRIT) {
            fatal = true;
        }
    }

    /** libkmod's own messages, through modprobe's logger: never fatal. */
    private void libkmod(int prio, String msg) {
        if (prio <= flags.verbose()) {
            err.print(Messages.line(program, prio, msg, flags.syslog()) + "\n");
        }
    }

    /** {@code SHOW}: printed with {@code --show-depends} or {@code -v}. */
    private void show(String line) {
        if (flags.showDepends() || flags.verbose() > DEFAULT_VERBOSE) {
            out.print(line + "\n");
            out.flush();
        }
    }

    // ---- modules -----------------------------------------------------------------------------

    /** A {@code struct kmod_module}: one per name, or per name and alias when found through an alias. */
    private final class Mod {
        final String name;
        final String alias;
        String path;
        boolean pathKnown;
        boolean builtin;
        String installCommand;
        boolean installKnown;
        String removeCommand;
        boolean removeKnown;
        List<Mod> deps;
        boolean visited;
        boolean required;
        boolean ignorecmd;

        Mod(String name, String alias) {
            this.name = name;
            this.alias = alias;
        }

        /** {@code kmod_module_get_path}: from the module's modules.dep line. */
        String path() {
            if (!pathKnown) {
                pathKnown = true;
                source.depLine(name).ifPresent(line -> {
                    int colon = line.indexOf(':');
                    if (colon >= 0) {
                        path = join(line.substring(0, colon));
                    }
                });
            }
            return path;
        }

        /** {@code kmod_module_get_dependencies}: the modules.dep line's modules, last first. */
        List<Mod> dependencies() {
            if (deps == null) {
                List<Mod> list = new ArrayList<>();
                Optional<String> line = source.depLine(name);
                if (line.isPresent() && line.get().indexOf(':') >= 0) {
                    String l = line.get();
                    int colon = l.indexOf(':');
                    if (!pathKnown) {
                        pathKnown = true;
                        path = join(l.substring(0, colon));
                    }
                    for (String p : l.substring(colon + 1).trim().split("[ \t]+")) {
                        if (!p.isEmpty()) {
                            Mod d = byPath(join(p));
                            list.add(0, d);
                        }
                    }
                }
                deps = list;
            }
            return deps;
        }

        boolean isBuiltin() {
            return builtin || source.isBuiltin(name);
        }

        String installCommand() {
            if (!installKnown) {
                installKnown = true;
                installCommand = config.installOf(name).orElse(null);
            }
            return installCommand;
        }

        String removeCommand() {
            if (!removeKnown) {
                removeKnown = true;
                removeCommand = config.removeOf(name).orElse(null);
            }
            return removeCommand;
        }
    }

    private String join(String rel) {
        return rel.startsWith("/") ? rel : source.dirname() + "/" + rel;
    }

    private Mod named(String name) {
        return pool.computeIfAbsent(name, n -> new Mod(n, null));
    }

    private Mod aliased(String name, String alias) {
        return pool.computeIfAbsent(name + "\\" + alias, k -> new Mod(name, alias));
    }

    /** {@code kmod_module_new_from_path} for a modules.dep entry. */
    private Mod byPath(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        Mod m = named(ModuleLookup.modnameNormalize(base));
        if (!m.pathKnown || m.path == null) {
            m.pathKnown = true;
            m.path = path;
        }
        return m;
    }

    /** {@code kmod_module_new_from_lookup}; empty for an invalid alias (an unbalanced bracket). */
    private List<Mod> lookup(String given) {
        Optional<String> normalized = ModuleLookup.aliasNormalize(given);
        if (normalized.isEmpty()) {
            return List.of();
        }
        String alias = normalized.get();
        List<Mod> found = new ArrayList<>();
        for (ModprobeConfig.Alias a : config.aliases()) {
            if (Fnmatch.matches(a.pattern(), alias)) {
                found.add(aliased(a.module(), a.pattern()));
            }
        }
        if (!found.isEmpty()) {
            return found;
        }
        if (source.depLine(alias).isPresent()) {
            return List.of(named(alias));
        }
        if (alias.startsWith("symbol:")) {
            source.aliased(ModuleSource.AliasIndex.SYMBOLS, alias).forEach(n -> found.add(aliased(n, alias)));
            if (!found.isEmpty()) {
                return found;
            }
        }
        Optional<ModprobeConfig.Command> install = config.installs().stream().filter(c -> c.module().equals(alias))
                .findFirst();
        if (install.isPresent()) {
            Mod m = named(ModuleLookup.modnameNormalize(alias));
            m.installKnown = true;
            m.installCommand = install.get().command();
            return List.of(m);
        }
        Optional<ModprobeConfig.Command> remove = config.removes().stream().filter(c -> c.module().equals(alias))
                .findFirst();
        if (remove.isPresent()) {
            Mod m = named(ModuleLookup.modnameNormalize(alias));
            m.removeKnown = true;
            m.removeCommand = remove.get().command();
            return List.of(m);
        }
        source.aliased(ModuleSource.AliasIndex.ALIASES, alias).forEach(n -> found.add(aliased(n, alias)));
        if (!found.isEmpty()) {
            return found;
        }
        if (source.isBuiltin(alias)) {
            Mod m = named(ModuleLookup.modnameNormalize(alias));
            m.builtin = true;
            return List.of(m);
        }
        for (String n : source.aliased(ModuleSource.AliasIndex.BUILTIN_ALIASES, alias)) {
            Mod m = aliased(n, alias);
            m.builtin = true;
            found.add(m);
        }
        return found;
    }

    private enum InitState {
        NONE, BUILTIN, LIVE, COMING, GOING
    }

    /** {@code kmod_module_get_initstate}: built-in first, then what the kernel says. */
    private InitState initstate(Mod m) {
        if (m.isBuiltin()) {
            return InitState.BUILTIN;
        }
        Optional<ModprobeTarget.State> s = target.state(m.name);
        if (s.isEmpty()) {
            return InitState.NONE;
        }
        switch (s.get()) {
            case LIVE:
                return InitState.LIVE;
            case COMING:
                return InitState.COMING;
            default:
                return InitState.GOING;
        }
    }

    private boolean inKernel(Mod m) {
        InitState s = initstate(m);
        return s == InitState.LIVE || s == InitState.BUILTIN;
    }

    // ---- insertion ---------------------------------------------------------------------------

    /** modprobe's {@code insmod()}: look the name up, probe each module found. */
    private int insmod(String alias, String extraOptions) {
        List<Mod> list = lookup(alias);
        if (list.isEmpty()) {
            log(logPriority, "Module " + alias + " not found in directory " + source.dirname());
            return fatal ? FATAL : -Errno.ENOENT.number();
        }
        int e = 0;
        for (Mod mod : list) {
            if (flags.resolveAlias()) {
                out.print(mod.name + "\n");
            } else {
                e = probeInsert(mod, extraOptions);
            }
            if (killed) {
                return KILLED;
            }
            if (e >= 0) {
                e = 0;
            } else if (e == REFUSED) {
                e = -Errno.EPERM.number();
            } else if (e == -Errno.EEXIST.number()) {
                log(LOG_ERR, "could not insert '" + mod.name + "': Module already in kernel");
            } else if (e == -Errno.ENOENT.number()) {
                log(LOG_ERR, "could not insert '" + mod.name + "': Unknown symbol in module, or unknown parameter (see dmesg)");
            } else {
                log(LOG_ERR, "could not insert '" + mod.name + "': " + strerror(-e));
            }
        }
        return e;
    }

    private static String strerror(int errno) {
        for (Errno e : Errno.values()) {
            if (e.number() == errno) {
                return e.text();
            }
        }
        return "Unknown error " + errno;
    }

    /** {@code kmod_module_probe_insert_module}. */
    private int probeInsert(Mod mod, String extraOptions) {
        if (!ignoreLoaded && inKernel(mod)) {
            return flags.firstTime() ? -Errno.EEXIST.number() : 0;
        }
        if ((mod.alias != null || flags.useBlacklist()) && config.blacklisted(mod.name)) {
            return 1; // stopped by a flag: not an error
        }
        List<Mod> list = probeList(mod, flags.ignoreCommands());
        int e = 0;
        for (Mod m : list) {
            if (!ignoreLoaded && inKernel(m)) {
                e = -Errno.EEXIST.number();
            } else {
                String options = concat(config.optionsOf(m.name, m.alias), m == mod ? extraOptions : null);
                String shown = options == null ? "" : options;
                String cmd = m.installCommand();
                if (cmd != null && !m.ignorecmd) {
                    show("install " + cmd + " " + shown);
                    if (!dryRun) {
                        libkmod(LOG_ERR, "could not insert '" + m.name + "': install command not run (the simulation"
                                + " runs no commands): " + cmd);
                        e = REFUSED;
                    }
                } else {
                    printInsmod(m, shown);
                    if (!dryRun) {
                        e = insert(m, shown, m == mod);
                        if (killed) {
                            return KILLED;
                        }
                    }
                }
            }
            if (e == -Errno.EEXIST.number() && m == mod && flags.firstTime()) {
                break;
            }
            if (e == -Errno.EEXIST.number() || !m.required) {
                e = 0;
            } else if (e < 0) {
                break;
            }
        }
        return e;
    }

    /** {@code print_action} for a module file: {@code insmod PATH OPTIONS}, or {@code builtin NAME}. */
    private void printInsmod(Mod m, String options) {
        String path = m.path();
        if (path == null) {
            if (initstate(m) == InitState.BUILTIN) {
                show("builtin " + m.name);
            }
        } else {
            show("insmod " + path + " " + options);
        }
    }

    private int insert(Mod m, String options, boolean asked) {
        String path = m.path();
        if (path == null) {
            libkmod(LOG_ERR, "could not find module by name='" + m.name + "'");
            return -Errno.ENOENT.number();
        }
        ModprobeTarget.Inserted r = target.insert(new ModprobeTarget.InsertRequest(m.name, path, options, asked));
        if (r.killed()) {
            killed = true;
            return KILLED;
        }
        return r.error().map(x -> -x.number()).orElse(0);
    }

    /** {@code module_options_concat}: configuration options, a space, the command line's. */
    private static String concat(String opt, String xopt) {
        int optlen = opt == null ? 0 : opt.length();
        int xoptlen = xopt == null ? 0 : xopt.length();
        if (optlen == 0 && xoptlen == 0) {
            return null;
        }
        return (opt != null ? opt + " " : "") + (xopt != null ? xopt : "");
    }

    private List<Mod> probeList(Mod mod, boolean ignorecmd) {
        for (Mod m : pool.values()) {
            m.visited = false;
            m.required = false;
        }
        List<Mod> list = new ArrayList<>();
        probeList(mod, true, ignorecmd, list);
        return list;
    }

    /** {@code __kmod_module_get_probe_list}. */
    private void probeList(Mod mod, boolean required, boolean ignorecmd, List<Mod> list) {
        if (mod.visited) {
            return;
        }
        mod.visited = true;
        List<Mod> dep = mod.dependencies();
        if (required) {
            mod.required = true;
            dep.forEach(d -> d.required = true);
        }
        for (Mod d : dep) {
            fillSoftdep(d, list);
        }
        if (ignorecmd) {
            list.add(mod);
            mod.ignorecmd = true;
        } else {
            fillSoftdep(mod, list);
        }
    }

    /** {@code __kmod_module_fill_softdep}: pre soft dependencies, the module, post soft dependencies. */
    private void fillSoftdep(Mod mod, List<Mod> list) {
        List<Mod> pre = new ArrayList<>();
        List<Mod> post = new ArrayList<>();
        softdeps(mod, pre, post);
        for (Mod m : pre) {
            probeList(m, false, false, list);
        }
        list.add(mod);
        mod.ignorecmd = !pre.isEmpty() || !post.isEmpty();
        for (Mod m : post) {
            probeList(m, false, false, list);
        }
    }

    /** {@code kmod_module_get_softdeps}: each name of the first matching softdep looked up. */
    private void softdeps(Mod mod, List<Mod> pre, List<Mod> post) {
        config.softdepOf(mod.name).ifPresent(s -> {
            s.pre().forEach(n -> pre.addAll(lookup(n)));
            s.post().forEach(n -> post.addAll(lookup(n)));
        });
    }

    // ---- removal -----------------------------------------------------------------------------

    private static final int REMOVE_HOLDERS = 1;
    private static final int IGNORE_BUILTIN = 2;

    /** modprobe's {@code rmmod()}. */
    private int rmmod(String alias) {
        List<Mod> list = lookup(alias);
        int e = 0;
        if (list.isEmpty()) {
            log(logPriority, "Module " + alias + " not found.");
            e = fatal ? FATAL : -Errno.ENOENT.number();
        }
        for (Mod mod : list) {
            e = rmmodModule(mod, flags.removeHolders() ? REMOVE_HOLDERS : 0);
            if (fatal) {
                return FATAL;
            }
            if (e < 0) {
                break;
            }
        }
        return e;
    }

    /** {@code rmmod_do_module}. */
    private int rmmodModule(Mod mod, int how) {
        List<Mod> pre = new ArrayList<>();
        List<Mod> post = new ArrayList<>();
        String cmd = null;
        if (!flags.ignoreCommands()) {
            softdeps(mod, pre, post);
            cmd = mod.removeCommand();
        }
        if (cmd == null && !ignoreLoaded) {
            InitState state = initstate(mod);
            if (state == InitState.NONE) {
                if (flags.firstTime()) {
                    log(logPriority, "Module " + mod.name + " is not in kernel.");
                    return fatal ? FATAL : -Errno.ENOENT.number();
                }
                return 0;
            } else if (state == InitState.BUILTIN) {
                if ((how & IGNORE_BUILTIN) != 0) {
                    return 0;
                }
                log(logPriority, "Module " + mod.name + " is builtin.");
                return fatal ? FATAL : -Errno.ENOENT.number();
            }
        }
        rmmodList(post, false);
        if (fatal) {
            return FATAL;
        }
        if ((how & REMOVE_HOLDERS) != 0) {
            List<Mod> holders = new ArrayList<>();
            target.holders(mod.name).forEach(h -> holders.add(named(h)));
            int e = rmmodList(holders, true);
            if (fatal) {
                return FATAL;
            }
            if (e < 0) {
                return e;
            }
        }
        if (cmd == null && !ignoreLoaded) {
            int usage = target.refcount(mod.name);
            if (usage > 0) {
                log(logPriority, "Module " + mod.name + " is in use.");
                return fatal ? FATAL : -Errno.EBUSY.number();
            }
        }
        int e;
        if (cmd == null) {
            e = removeModule(mod);
        } else {
            show("remove " + cmd);
            if (dryRun) {
                e = 0;
            } else {
                log(LOG_ERR, "could not remove '" + mod.name + "': remove command not run (the simulation runs no"
                        + " commands): " + cmd);
                e = -Errno.EPERM.number();
            }
        }
        if (e < 0) {
            return e;
        }
        if (cmd == null) {
            for (Mod d : mod.dependencies()) {
                if (target.refcount(d.name) == 0) {
                    removeModule(d);
                }
            }
        }
        rmmodList(pre, false);
        return fatal ? FATAL : e;
    }

    /** {@code rmmod_do_modlist}: last first. */
    private int rmmodList(List<Mod> list, boolean stopOnErrors) {
        for (int i = list.size() - 1; i >= 0; i--) {
            int r = rmmodModule(list.get(i), IGNORE_BUILTIN);
            if (fatal) {
                return FATAL;
            }
            if (r < 0 && stopOnErrors) {
                return r;
            }
        }
        return 0;
    }

    /** {@code rmmod_do_remove_module}. */
    private int removeModule(Mod mod) {
        show("rmmod " + mod.name);
        if (dryRun) {
            return 0;
        }
        Optional<Errno> e = target.remove(mod.name, flags.force());
        if (e.isPresent()) {
            libkmod(LOG_ERR, "could not remove '" + mod.name + "': " + e.get().text());
            return -e.get().number();
        }
        return 0;
    }
}
