package org.modload.kernel.depmod;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The files kmod 30's depmod writes into a module directory, in the order of its
 * {@code depmod_output} table, with the bytes kmod writes: {@code modules.dep},
 * {@code modules.dep.bin}, {@code modules.alias}, {@code modules.alias.bin},
 * {@code modules.softdep}, {@code modules.symbols}, {@code modules.symbols.bin},
 * {@code modules.builtin.bin} (from {@code modules.builtin}), {@code modules.builtin.alias.bin}
 * (from {@code modules.builtin.modinfo}) and {@code modules.devname}. kmod 30 writes no
 * {@code modules.weakdep} (kmod 33 added it). A {@code .bin} index whose source file is missing
 * is an empty file, as kmod leaves it.
 *
 * <p>For {@code -n} ({@link #text}) kmod prints the text files one after another on standard
 * output and nothing of the binary ones: their writers return before writing, and before
 * warning.
 */
public final class DepmodFiles {

    /**
     * One output file.
     *
     * @param name its name in the module directory
     * @param bytes its content
     */
    public record File(String name, byte[] bytes) {
        public File {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(bytes, "bytes");
        }
    }

    /**
     * What the writers produced.
     *
     * @param files the files, in kmod's order
     * @param messages what kmod prints on standard error while writing them, each as
     *     {@code LEVEL: message} (its program name not included), in order
     */
    public record Output(List<File> files, List<String> messages) {
        public Output {
            files = List.copyOf(files);
            messages = List.copyOf(messages);
        }
    }

    private static final String ALIAS = "alias";
    private static final String DEVNAME = "devname:";
    private static final int PATH_MAX = 4096;

    private final DepmodResult result;
    private final Path dir;
    private final String dirname;
    private final boolean warnDuplicates;
    private final List<String> messages = new ArrayList<>();

    private DepmodFiles(DepmodResult result, Path dir, String dirname, boolean warnDuplicates) {
        this.result = result;
        this.dir = dir;
        this.dirname = dirname;
        this.warnDuplicates = warnDuplicates;
    }

    /**
     * Every file, binary indexes included.
     *
     * @param dir the module directory, where {@code modules.builtin} and
     *     {@code modules.builtin.modinfo} are read
     * @param dirname the directory as kmod names it in messages
     * @param warnDuplicates {@code -w}: warn about values a binary index holds twice under one key
     * @throws IOException if {@code modules.builtin} or {@code modules.builtin.modinfo} exists but cannot be read
     */
    public static Output all(DepmodResult result, Path dir, String dirname, boolean warnDuplicates) throws IOException {
        DepmodFiles w = new DepmodFiles(result, dir, dirname, warnDuplicates);
        List<File> files = new ArrayList<>();
        files.add(new File("modules.dep", w.deps()));
        files.add(new File("modules.dep.bin", w.depsBin()));
        files.add(new File("modules.alias", w.aliases()));
        files.add(new File("modules.alias.bin", w.aliasesBin()));
        files.add(new File("modules.softdep", w.softdeps()));
        files.add(new File("modules.symbols", w.symbols()));
        files.add(new File("modules.symbols.bin", w.symbolsBin()));
        files.add(new File("modules.builtin.bin", w.builtinBin()));
        files.add(new File("modules.builtin.alias.bin", w.builtinAliasBin()));
        files.add(new File("modules.devname", w.devname()));
        return new Output(files, w.messages);
    }

    /** What {@code depmod -n} prints: the text files, in order, and the messages of their writers. */
    public static Output text(DepmodResult result, String dirname) {
        DepmodFiles w = new DepmodFiles(result, null, dirname, false);
        List<File> files = new ArrayList<>();
        files.add(new File("modules.dep", w.deps()));
        files.add(new File("modules.alias", w.aliases()));
        files.add(new File("modules.softdep", w.softdeps()));
        files.add(new File("modules.symbols", w.symbols()));
        files.add(new File("modules.devname", w.devname()));
        return new Output(files, w.messages);
    }

    private byte[] deps() {
        return ascii(result.modulesDep());
    }

    private byte[] depsBin() {
        KmodIndexWriter index = new KmodIndexWriter();
        for (int i = 0; i < result.modules().size(); i++) {
            ModuleDependencies m = result.modules().get(i);
            if (index.insert(m.name(), m.line(), i) && warnDuplicates) {
                messages.add("WARNING: duplicate module deps:\n" + m.line());
            }
        }
        return index.bytes();
    }

    private byte[] aliases() {
        StringBuilder b = new StringBuilder("# Aliases extracted from modules themselves.\n");
        for (ModuleFile m : result.files()) {
            for (String alias : m.values(ALIAS)) {
                b.append("alias ").append(alias).append(' ').append(m.name()).append('\n');
            }
        }
        return ascii(b.toString());
    }

    private byte[] aliasesBin() {
        KmodIndexWriter index = new KmodIndexWriter();
        for (int i = 0; i < result.files().size(); i++) {
            ModuleFile m = result.files().get(i);
            for (String value : m.values(ALIAS)) {
                Optional<String> alias = ModuleLookup.aliasNormalize(value);
                if (alias.isEmpty()) {
                    messages.add("WARNING: Unmatched bracket in " + value);
                    continue;
                }
                if (index.insert(alias.get(), m.name(), i) && warnDuplicates) {
                    messages.add("WARNING: duplicate module alias:\n" + alias.get() + " " + m.name());
                }
            }
        }
        return index.bytes();
    }

    private byte[] softdeps() {
        StringBuilder b = new StringBuilder("# Soft dependencies extracted from modules themselves.\n");
        for (ModuleFile m : result.files()) {
            for (String softdep : m.values("softdep")) {
                b.append("softdep ").append(m.name()).append(' ').append(softdep).append('\n');
            }
        }
        return ascii(b.toString());
    }

    private byte[] symbols() {
        StringBuilder b = new StringBuilder("# Aliases for symbols, used by symbol_request().\n");
        for (DepmodResult.SymbolOwner s : result.symbols()) {
            b.append("alias symbol:").append(s.name()).append(' ').append(result.files().get(s.module()).name())
                    .append('\n');
        }
        return ascii(b.toString());
    }

    private byte[] symbolsBin() {
        KmodIndexWriter index = new KmodIndexWriter();
        for (DepmodResult.SymbolOwner s : result.symbols()) {
            String owner = result.files().get(s.module()).name();
            if (index.insert("symbol:" + s.name(), owner, s.module()) && warnDuplicates) {
                messages.add("WARNING: duplicate module syms:\nsymbol:" + s.name() + " " + owner);
            }
        }
        return index.bytes();
    }

    /** output_builtin_bin: one key per {@code modules.builtin} line, the module name of its path. */
    private byte[] builtinBin() throws IOException {
        Optional<byte[]> in = source("modules.builtin");
        if (in.isEmpty()) {
            return new byte[0];
        }
        KmodIndexWriter index = new KmodIndexWriter();
        for (String line : fgetsLines(in.get())) {
            if (line.isEmpty() || !isAlpha(line.charAt(0))) {
                messages.add("ERROR: Invalid modules.builtin line: " + line);
                continue;
            }
            index.insert(pathToModname(line), "", 0);
        }
        return index.bytes();
    }

    /** output_builtin_alias_bin: the {@code MODULE.alias=VALUE} strings of {@code modules.builtin.modinfo}. */
    private byte[] builtinAliasBin() throws IOException {
        Optional<byte[]> in = source("modules.builtin.modinfo");
        if (in.isEmpty()) {
            return new byte[0];
        }
        KmodIndexWriter index = new KmodIndexWriter();
        Stream s = new Stream(in.get());
        while (!s.eof()) {
            String modname = s.flushTo('.');
            if (modname.isEmpty()) {
                continue;
            }
            String key = s.flushTo('=');
            if (!key.equals(ALIAS)) {
                s.flush('\0');
                continue;
            }
            String value = s.flushTo('\0');
            if (value.isEmpty()) {
                continue;
            }
            Optional<String> alias = ModuleLookup.aliasNormalize(value);
            if (alias.isEmpty()) {
                messages.add("WARNING: Unmatched bracket in " + value);
                continue;
            }
            index.insert(alias.get(), modname, 0);
        }
        return index.bytes();
    }

    /** output_devname: a module with a {@code devname:} alias and a char or block major-minor alias. */
    private byte[] devname() {
        StringBuilder b = new StringBuilder();
        boolean empty = true;
        for (ModuleFile m : result.files()) {
            String devname = null;
            char type = '\0';
            long major = 0;
            long minor = 0;
            for (String value : m.values(ALIAS)) {
                long[] mm;
                if (value.startsWith(DEVNAME)) {
                    devname = value.substring(DEVNAME.length());
                } else if ((mm = majorMinor(value, "char-major-")) != null) {
                    type = 'c';
                    major = mm[0];
                    minor = mm[1];
                } else if ((mm = majorMinor(value, "block-major-")) != null) {
                    type = 'b';
                    major = mm[0];
                    minor = mm[1];
                }
                if (type != '\0' && devname != null) {
                    break;
                }
            }
            if (devname == null) {
                continue;
            }
            if (type == '\0') {
                messages.add("ERROR: Module '" + m.name() + "' has devname (" + devname
                        + ") but lacks major and minor information. Ignoring.");
                continue;
            }
            if (empty) {
                b.append("# Device nodes to trigger on-demand module loading.\n");
                empty = false;
            }
            b.append(m.name()).append(' ').append(devname).append(' ').append(type).append(major).append(':')
                    .append(minor).append('\n');
        }
        return ascii(b.toString());
    }

    /** {@code sscanf(value, "PREFIX%u-%u", ...) == 2}: the two numbers, or null. */
    static long[] majorMinor(String value, String prefix) {
        if (!value.startsWith(prefix)) {
            return null;
        }
        int[] at = {prefix.length()};
        Long major = scanUnsigned(value, at);
        if (major == null || at[0] >= value.length() || value.charAt(at[0]) != '-') {
            return null;
        }
        at[0]++;
        Long minor = scanUnsigned(value, at);
        return minor == null ? null : new long[] {major, minor};
    }

    /** scanf's {@code %u}: white space, a sign, decimal digits; the value taken modulo 2^32 ({@code unsigned int}). */
    private static Long scanUnsigned(String s, int[] at) {
        int i = at[0];
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int digits = i;
        long v = 0;
        boolean overflow = false;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            long next = v * 10 + (s.charAt(i) - '0');
            if (next < v || v > Long.MAX_VALUE / 10) {
                overflow = true;
            }
            v = next;
            i++;
        }
        if (i == digits) {
            return null;
        }
        at[0] = i;
        // strtoul saturates at ULONG_MAX, whose low 32 bits are all ones.
        long u = overflow ? 0xffffffffL : (negative ? -v : v) & 0xffffffffL;
        return u;
    }

    /** The content of a file of the module directory, or empty with kmod's dfdopen warning. */
    private Optional<byte[]> source(String name) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(dir.resolve(name)));
        } catch (NoSuchFileException e) {
            messages.add("WARNING: could not open " + name + " at " + dirname + ": No such file or directory");
            return Optional.empty();
        } catch (AccessDeniedException e) {
            messages.add("WARNING: could not open " + name + " at " + dirname + ": Permission denied");
            return Optional.empty();
        }
    }

    /** The lines {@code fgets(line, PATH_MAX, in)} reads, each with its newline if it had one. */
    private static List<String> fgetsLines(byte[] bytes) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n' || i - start + 1 == PATH_MAX - 1) {
                out.add(new String(bytes, start, i + 1 - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < bytes.length) {
            out.add(new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** libkmod's {@code path_to_modname}: the base name up to its first dot, dashes as underscores. */
    static String pathToModname(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < base.length() && base.charAt(i) != '.'; i++) {
            char c = base.charAt(i);
            b.append(c == '-' ? '_' : c);
        }
        return b.toString();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** depmod's {@code flush_stream} and {@code flush_stream_to} over {@code modules.builtin.modinfo}. */
    private final class Stream {
        private final byte[] bytes;
        private int at;
        private boolean eof;

        Stream(byte[] bytes) {
            this.bytes = bytes;
        }

        boolean eof() {
            return eof;
        }

        private int next() {
            if (at >= bytes.length) {
                eof = true;
                return -1;
            }
            return bytes[at++] & 0xff;
        }

        /** Reads up to {@code end}, a NUL or the end; the text read if {@code end} ended it, else "". */
        String flushTo(char end) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c = next();
            while (c != -1 && c != end && c != 0 && b.size() < PATH_MAX) {
                b.write(c);
                c = next();
            }
            byte[] text = b.toByteArray();
            int length = text.length;
            if (length == PATH_MAX) {
                messages.add("WARNING: Could not flush stream: 28. Partial content: "
                        + new String(text, StandardCharsets.UTF_8));
                length--;
            }
            return c == end ? new String(text, 0, length, StandardCharsets.UTF_8) : "";
        }

        /** Skips up to {@code end}, a NUL or the end. */
        void flush(char end) {
            int c = next();
            while (c != -1 && c != end && c != 0) {
                c = next();
            }
        }
    }
}
