package org.modload.kernel.modprobe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a modprobe configuration as kmod 30's {@code kmod_config_new} does. The files are the
 * tree's {@code modules.softdep} and, from each configuration path in turn, the path itself when
 * it is a file, or the entries of a directory whose names end in {@code .conf} or {@code .alias}
 * and do not start with a dot; they are read in the order of their file names, all paths merged,
 * a name met again later being skipped (so {@code /etc/modprobe.d/x.conf} hides
 * {@code /lib/modprobe.d/x.conf}). Lines are read as {@code freadline_wrapped} reads them (a
 * backslash joins the next line), {@code #} starts a comment only in the first column, and a
 * line libkmod cannot parse is reported as libkmod reports it and skipped. kmod also reads
 * {@code MODNAME.PARAM=VALUE} options from {@code /proc/cmdline}; the simulated kernel has no
 * command line, so there are none.
 */
public final class ConfigReader {
    /** kmod 30's configuration directories when no {@code -C} is given (read on the real root, not under {@code -d}). */
    public static final List<String> DEFAULT_PATHS = List.of("/etc/modprobe.d", "/run/modprobe.d",
            "/usr/local/lib/modprobe.d", "/lib/modprobe.d");

    private ConfigReader() {
    }

    /**
     * The configuration and libkmod's complaints about it.
     *
     * @param config what was read
     * @param messages libkmod's lines for lines it skipped, as its default logger prints them
     *                 ({@code libkmod: kmod_config_parse: FILE line N: ...})
     */
    public record Result(ModprobeConfig config, List<String> messages) {
        public Result {
            messages = List.copyOf(messages);
        }
    }

    /** One file to read: {@code dir/name}, or {@code path} itself for a file named on its own. */
    private record ConfFile(String path, String name, boolean single) {
        String file() {
            return single ? path : path + "/" + name;
        }
    }

    /**
     * Reads the configuration of {@code dirname} (the module directory, for its
     * {@code modules.softdep}) and of {@code paths} ({@link #DEFAULT_PATHS} or the {@code -C}
     * arguments).
     */
    public static Result read(List<String> paths, String dirname) {
        List<String> messages = new ArrayList<>();
        List<ConfFile> files = new ArrayList<>();
        insertSorted(files, new ConfFile(dirname, "modules.softdep", false));
        for (String p : paths) {
            Path path = Path.of(p);
            if (!Files.exists(path)) {
                continue;
            }
            if (!Files.isDirectory(path)) {
                insertSorted(files, new ConfFile(p, basename(p), true));
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(path)) {
                for (Path e : ds) {
                    String fn = e.getFileName().toString();
                    if (fn.startsWith(".") || fn.length() < 6 || !(fn.endsWith(".conf") || fn.endsWith(".alias"))) {
                        continue;
                    }
                    if (Files.isDirectory(e)) {
                        messages.add("libkmod: conf_files_filter_out: Directories inside directories are not supported: "
                                + p + "/" + fn);
                        continue;
                    }
                    insertSorted(files, new ConfFile(p, fn, false));
                }
            } catch (IOException e) {
                messages.add("libkmod: conf_files_list: opendir(" + p + "): " + e.getMessage());
            }
        }
        Parser parser = new Parser(messages);
        for (ConfFile f : files) {
            Optional<String> text = readFile(f.file());
            text.ifPresent(t -> parser.parse(f.file(), t));
        }
        return new Result(parser.config(), messages);
    }

    private static Optional<String> readFile(String file) {
        try {
            Path p = Path.of(file);
            if (!Files.isRegularFile(p)) {
                return Optional.empty();
            }
            return Optional.of(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@code conf_files_insert_sorted}: by name; a name already listed is ignored. */
    private static void insertSorted(List<ConfFile> files, ConfFile f) {
        int i = 0;
        while (i < files.size() && f.name().compareTo(files.get(i).name()) > 0) {
            i++;
        }
        if (i < files.size() && files.get(i).name().equals(f.name())) {
            return;
        }
        files.add(i, f);
    }

    private static String basename(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** {@code kmod_config_parse} over the files in order, filling one configuration. */
    private static final class Parser {
        private final List<String> messages;
        private final List<ModprobeConfig.Alias> aliases = new ArrayList<>();
        private final List<String> blacklist = new ArrayList<>();
        private final List<ModprobeConfig.Options> options = new ArrayList<>();
        private final List<ModprobeConfig.Softdep> softdeps = new ArrayList<>();
        private final List<ModprobeConfig.Command> installs = new ArrayList<>();
        private final List<ModprobeConfig.Command> removes = new ArrayList<>();

        Parser(List<String> messages) {
            this.messages = messages;
        }

        ModprobeConfig config() {
            return new ModprobeConfig(aliases, blacklist, options, softdeps, installs, removes);
        }

        void parse(String filename, String text) {
            int linenum = 0;
            int pos = 0;
            while (pos < text.length()) {
                StringBuilder line = new StringBuilder();
                int newlines = 0;
                while (pos < text.length()) {
                    char c = text.charAt(pos++);
                    if (c == '\n') {
                        newlines++;
                        break;
                    }
                    if (c == '\\' && pos < text.length()) {
                        char next = text.charAt(pos++);
                        if (next == '\n') {
                            newlines++;
                            continue;
                        }
                        c = next;
                    } else if (c == '\\') {
                        continue;
                    }
                    line.append(c);
                }
                // freadline_wrapped counts a last line without a newline too
                linenum += Math.max(newlines, 1);
                parseLine(filename, linenum, line.toString());
            }
        }

        private void parseLine(String filename, int linenum, String line) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                return;
            }
            Tokens t = new Tokens(line);
            String cmd = t.next();
            if (cmd == null) {
                return;
            }
            boolean ok;
            switch (cmd) {
                case "alias": {
                    String alias = underscores(t.next());
                    String modname = underscores(t.next());
                    ok = alias != null && modname != null;
                    if (ok) {
                        aliases.add(new ModprobeConfig.Alias(alias, modname));
                    }
                    break;
                }
                case "blacklist": {
                    String modname = underscores(t.next());
                    ok = modname != null;
                    if (ok) {
                        blacklist.add(modname);
                    }
                    break;
                }
                case "options":
                case "install":
                case "remove":
                case "softdep": {
                    String modname = underscores(t.next());
                    String rest = t.rest();
                    ok = modname != null && rest != null;
                    if (ok) {
                        add(cmd, modname, rest);
                    }
                    break;
                }
                case "include":
                case "config":
                    messages.add("libkmod: kmod_config_parse: " + filename + ": command " + cmd
                            + " is deprecated and not parsed anymore");
                    return;
                default:
                    ok = false;
            }
            if (!ok) {
                messages.add("libkmod: kmod_config_parse: " + filename + " line " + linenum
                        + ": ignoring bad line starting with '" + cmd + "'");
            }
        }

        private void add(String cmd, String modname, String rest) {
            switch (cmd) {
                case "options":
                    options.add(new ModprobeConfig.Options(modname, rest.replace('\t', ' ')));
                    break;
                case "install":
                    installs.add(new ModprobeConfig.Command(modname, rest));
                    break;
                case "remove":
                    removes.add(new ModprobeConfig.Command(modname, rest));
                    break;
                default:
                    softdeps.add(softdep(modname, rest));
            }
        }

        /** {@code kmod_config_add_softdep}: words after {@code pre:} are pre, after {@code post:} post, others ignored. */
        private static ModprobeConfig.Softdep softdep(String modname, String line) {
            List<String> pre = new ArrayList<>();
            List<String> post = new ArrayList<>();
            List<String> mode = null;
            for (String word : line.split("[ \t\n\u000b\f\r]+")) {
                if (word.isEmpty()) {
                    continue;
                }
                if (word.equals("pre:")) {
                    mode = pre;
                } else if (word.equals("post:")) {
                    mode = post;
                } else if (mode != null) {
                    mode.add(word);
                }
            }
            return new ModprobeConfig.Softdep(modname, pre, post);
        }
    }

    /** libkmod's {@code underscores}: dashes to underscores outside brackets; null for null or an unbalanced bracket. */
    static String underscores(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ']') {
                return null;
            }
            if (c == '[') {
                int close = s.indexOf(']', i);
                if (close < 0) {
                    return null;
                }
                out.append(s, i, close + 1);
                i = close;
            } else {
                out.append(c == '-' ? '_' : c);
            }
        }
        return out.toString();
    }

    /** {@code strtok_r} over one line with the delimiters {@code "\t "}, and the rest of the line after one delimiter. */
    private static final class Tokens {
        private final String line;
        private int pos;

        Tokens(String line) {
            this.line = line;
        }

        String next() {
            while (pos < line.length() && isDelimiter(line.charAt(pos))) {
                pos++;
            }
            if (pos >= line.length()) {
                return null;
            }
            int start = pos;
            while (pos < line.length() && !isDelimiter(line.charAt(pos))) {
                pos++;
            }
            String token = line.substring(start, pos);
            if (pos < line.length()) {
                pos++; // strtok_r overwrites the one delimiter that ends the token
            }
            return token;
        }

        /** {@code strtok_r(NULL, "\0", ...)}: whatever is left, or null when nothing is. */
        String rest() {
            if (pos >= line.length()) {
                return null;
            }
            String r = line.substring(pos);
            pos = line.length();
            return r;
        }

        private static boolean isDelimiter(char c) {
            return c == ' ' || c == '\t';
        }
    }
}
