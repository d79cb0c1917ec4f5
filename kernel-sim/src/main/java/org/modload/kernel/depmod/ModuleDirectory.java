package org.modload.kernel.depmod;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.modload.kernel.compress.ModuleFiles;
import org.modload.kernel.diag.ModuleTreeException;

/**
 * The module files of a tree, found as kmod's depmod finds them: the directory is walked depth
 * first, each directory's entries in name order, symbolic links followed (to directories and to
 * files: on merged-/usr systems {@code /lib} itself is one), entries named {@code build} or
 * {@code source} skipped, every file named {@code *.ko}, {@code *.ko.gz}, {@code *.ko.xz} or
 * {@code *.ko.zst} taken. One file per module name is kept: the first found, unless a later one
 * lies under {@code updates} (kmod's default search order, with no {@code depmod.d}); every
 * other file of a kept name is a {@link Duplicate}, which the tools report instead of dropping.
 * kmod keeps the first in {@code readdir} order, which no tree should depend on.
 *
 * <p>Where the walk starts ({@link #resolve}): given a system root ({@code /}, or an unpacked
 * kernel package), its {@code lib/modules} or {@code usr/lib/modules}; given such a
 * {@code modules} directory holding one release, that release's directory
 * ({@code lib/modules/<release>}, where {@code modules.order} lives and the paths of
 * {@code modules.dep} start); any other directory as it is.
 *
 * @param given the directory as named by the caller
 * @param root where the walk started, relative paths count from
 * @param modules the kept modules' paths relative to {@code root}, {@code /}-separated, in path order
 * @param duplicates the other files of a kept name, in path order
 */
public record ModuleDirectory(Path given, Path root, List<String> modules, List<Duplicate> duplicates) {

    /** Directory entries depmod never descends into or reads, at any depth. */
    private static final Set<String> SKIPPED = Set.of("build", "source");
    /** Without a depmod.d configuration kmod searches "updates" first: a module there wins. */
    private static final String UPDATES = "updates";
    /** Files that mark a directory as one release's module directory, besides {@code kernel/}. */
    private static final List<String> RELEASE_MARKS = List.of("kernel", "modules.order", "modules.dep");

    /**
     * A second file for a module name.
     *
     * @param name the module name both files give (kmod's, from the file name)
     * @param path this file, relative to the root
     * @param kept the file kept for the name, relative to the root
     */
    public record Duplicate(String name, String path, String kept) {
        public Duplicate {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(kept, "kept");
        }
    }

    public ModuleDirectory {
        Objects.requireNonNull(given, "given");
        Objects.requireNonNull(root, "root");
        modules = List.copyOf(modules);
        duplicates = List.copyOf(duplicates);
    }

    /**
     * Walks {@code dir} (after {@link #resolve}). Reads no file: only names are looked at.
     *
     * @throws IOException if a directory cannot be listed
     * @throws ModuleTreeException if {@code dir} is not a directory (a symbolic link to one is),
     *     or holds modules of several releases under {@code lib/modules}
     */
    public static ModuleDirectory scan(Path dir) throws IOException {
        return walkFrom(dir, resolve(dir));
    }

    /**
     * As {@link #scan}, but {@code dir} is walked as it is, as kmod's depmod walks
     * {@code BASEDIR/lib/modules/RELEASE}.
     *
     * @throws ModuleTreeException if {@code dir} is not a directory
     */
    public static ModuleDirectory scanRelease(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw ModuleTreeException.of(dir.toString(), Files.exists(dir) ? "not a directory" : "no such directory");
        }
        return walkFrom(dir, dir);
    }

    private static ModuleDirectory walkFrom(Path dir, Path root) throws IOException {
        Map<String, String> kept = new LinkedHashMap<>();
        List<String[]> found = new ArrayList<>();
        walk(root, "", new HashSet<>(Set.of(root.toRealPath())), found);
        for (String[] f : found) {
            String old = kept.get(f[1]);
            if (old == null || (f[0].startsWith(UPDATES + "/") && !old.startsWith(UPDATES + "/"))) {
                kept.put(f[1], f[0]);
            }
        }
        List<String> modules = new ArrayList<>(kept.values());
        modules.sort(null);
        List<Duplicate> duplicates = new ArrayList<>();
        for (String[] f : found) {
            String k = kept.get(f[1]);
            if (!k.equals(f[0])) {
                duplicates.add(new Duplicate(f[1], f[0], k));
            }
        }
        duplicates.sort((a, b) -> a.path().compareTo(b.path()));
        return new ModuleDirectory(dir, root, modules, duplicates);
    }

    /**
     * As {@link #scan}, and an empty tree is an error: what {@code load-tree}, {@code modprobe}
     * and the shell need before they load anything.
     *
     * @throws ModuleTreeException also when no module file lies under {@code dir}
     */
    public static ModuleDirectory scanNonEmpty(Path dir) throws IOException {
        ModuleDirectory d = scan(dir);
        if (d.modules().isEmpty()) {
            throw ModuleTreeException.noModules(dir.toString());
        }
        return d;
    }

    /**
     * Where a walk of {@code dir} starts: see the class comment.
     *
     * @throws ModuleTreeException if {@code dir} is not a directory, or its {@code lib/modules}
     *     holds several releases
     */
    public static Path resolve(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw ModuleTreeException.of(dir.toString(), Files.exists(dir) ? "not a directory" : "no such directory");
        }
        for (String modules : List.of("lib/modules", "usr/lib/modules")) {
            Path m = dir.resolve(modules);
            if (Files.isDirectory(m)) {
                List<Path> releases = releases(m);
                if (releases.size() > 1) {
                    throw ModuleTreeException.of(m.toString(), "holds modules of " + releases.size() + " releases ("
                            + String.join(", ", releases.stream().map(r -> r.getFileName().toString()).toList())
                            + "): name one, e.g. --tree " + releases.get(0));
                }
                if (releases.size() == 1) {
                    return releases.get(0);
                }
            }
        }
        List<Path> releases = releases(dir);
        return releases.size() == 1 && onlyDirectories(dir) ? releases.get(0) : dir;
    }

    /** The file of each kept module: {@link #root} resolved against its path. */
    public List<Path> files() {
        return modules.stream().map(root::resolve).toList();
    }

    /** The subdirectories of {@code dir} that look like one release's module directory, in name order. */
    private static List<Path> releases(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : sortedEntries(dir)) {
            if (Files.isDirectory(p) && RELEASE_MARKS.stream().anyMatch(mark -> Files.exists(p.resolve(mark)))) {
                out.add(p);
            }
        }
        return out;
    }

    private static boolean onlyDirectories(Path dir) throws IOException {
        for (Path p : sortedEntries(dir)) {
            if (!Files.isDirectory(p)) {
                return false;
            }
        }
        return true;
    }

    private static void walk(Path dir, String rel, Set<Path> seen, List<String[]> found) throws IOException {
        for (Path p : sortedEntries(dir)) {
            String name = p.getFileName().toString();
            if (SKIPPED.contains(name)) {
                continue;
            }
            if (Files.isDirectory(p)) {
                // A symbolic link back up the tree, or a second way into a directory (/lib and
                // /usr/lib on merged-/usr systems), would otherwise be walked again.
                if (seen.add(p.toRealPath())) {
                    walk(p, rel + name + "/", seen, found);
                }
            } else if (Files.isRegularFile(p) && ModuleFiles.isModuleFileName(name)) {
                String path = rel + name;
                found.add(new String[] {path, ModuleFile.nameOf(path)});
            }
        }
    }

    private static List<Path> sortedEntries(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(entries::add);
        }
        entries.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return entries;
    }
}
