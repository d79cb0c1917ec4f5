package org.modload.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.modload.kernel.compress.ModuleFiles;
import org.modload.kernel.depmod.ModuleLookup;
import org.modload.kernel.diag.ModuleTreeException;
import org.modload.kernel.modinfo.BuiltinModinfo;
import org.modload.kernel.diag.CompressedDataException;
import org.modload.kernel.diag.MalformedModuleException;
import org.modload.kernel.modinfo.ModuleInfo;
import org.modload.kernel.modinfo.ModuleSignature;
import org.modload.loader.elf.ElfFile;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code modload modinfo [-F field] [-0] [-p] [-a] [-d] [-l] [-n] [-m] [-k release] [-b basedir]
 * module|file...}: what kmod 30's {@code modinfo} prints, byte for byte. An argument that is an
 * existing regular file ending in {@code .ko} (or {@code .ko.gz}, {@code .ko.xz}, {@code .ko.zst})
 * is read as a file; anything else is looked up as libkmod looks it up ({@link ModuleLookup}: a
 * module name through {@code modules.dep.bin}, an alias, {@code symbol:NAME}, a built-in module
 * whose entries come from {@code modules.builtin.modinfo}) in {@code BASEDIR/lib/modules/RELEASE}
 * (default {@code /lib/modules/`uname -r`}). Without a field every entry is printed as
 * {@code key:<padding>value}: the {@code filename:} line (a built-in's {@code name:} and
 * {@code filename: (builtin)}), the {@code .modinfo} entries in section order except the
 * parameters, the signature fields, then one {@code parm:} line per parameter; with a field
 * only the values of that key; {@code -0} ends each with NUL instead of a newline (entries then
 * read {@code key=value}). A module that cannot be read or found is one line on standard error
 * and the exit status 1; the other arguments are still shown.
 */
@Command(name = "modinfo", mixinStandardHelpOptions = true, version = KmodVersion.TEXT,
        description = "Show modules' .modinfo entries and signatures, as kmod's modinfo does.")
final class ModinfoCommand implements Callable<Integer> {

    /** kmod pads a field name and its colon to this width ({@code "%-16s"}). */
    private static final int FIELD_WIDTH = 16;

    /** kmod starts a new, tab-indented line of hex after this many bytes. */
    private static final int HEX_BYTES_PER_LINE = 20;

    /** The module file endings kmod reads as files (kmod 30's {@code path_ends_with_kmod_ext}). */
    private static final List<String> MODULE_SUFFIXES = List.of(".ko", ".ko.gz", ".ko.xz", ".ko.zst");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The one field printed, or null for all; each of -a/-d/-l/-p/-n/-F replaces it, the last given winning as in kmod. */
    private String field;

    @Option(names = {"-a", "--author"}, description = "Print only 'author'.")
    void author(boolean on) {
        field = "author";
    }

    @Option(names = {"-d", "--description"}, description = "Print only 'description'.")
    void description(boolean on) {
        field = "description";
    }

    @Option(names = {"-l", "--license"}, description = "Print only 'license'.")
    void license(boolean on) {
        field = "license";
    }

    @Option(names = {"-p", "--parameters"}, description = "Print only 'parm'.")
    void parameters(boolean on) {
        field = "parm";
    }

    @Option(names = {"-n", "--filename"}, description = "Print only 'filename'.")
    void filename(boolean on) {
        field = "filename";
    }

    @Option(names = {"-F", "--field"}, paramLabel = "FIELD", description = "Print only the values of FIELD.")
    void field(String name) {
        field = name;
    }

    @Option(names = {"-0", "--null"}, description = "Use \\0 instead of \\n.")
    boolean nul;
    @Option(names = {"-m", "--modname"}, description = "Handle arguments as module names instead of aliases or file names.")
    boolean modname;
    @Option(names = {"-k", "--set-version"}, paramLabel = "VERSION", description = "Use VERSION instead of `uname -r`.")
    String release;
    @Option(names = {"-b", "--basedir"}, paramLabel = "DIR", description = "Use DIR as filesystem root for /lib/modules.")
    String basedir;

    /** Kept as typed: kmod prints a relative path after the working directory without normalizing it. */
    @Parameters(paramLabel = "MODULE", arity = "1..*",
            description = "A module file (.ko, or compressed: .ko.gz, .ko.xz, .ko.zst), a module name or an alias.")
    List<String> modules;

    @Override
    public Integer call() {
        Format format = new Format(field, nul ? '\0' : '\n');
        ModuleLookup lookup = new ModuleLookup(dirname());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int status = 0;
        for (String module : modules) {
            try {
                StringBuilder text = new StringBuilder();
                boolean ok = show(module, lookup, format, text, err);
                out.print(text);
                status = ok ? status : 1;
            } catch (MalformedModuleException | CompressedDataException | ModuleTreeException e) {
                err.println(e.getMessage());
                status = 1;
            }
        }
        out.flush();
        return status;
    }

    /** {@code BASEDIR/lib/modules/RELEASE} made absolute as libkmod's {@code kmod_new} makes it. */
    private String dirname() {
        if (basedir == null && release == null) {
            return "/lib/modules/" + System.getProperty("os.version");
        }
        String rel = release != null ? release : System.getProperty("os.version");
        return absolute((basedir == null ? "" : basedir) + "/lib/modules/" + rel);
    }

    private boolean show(String module, ModuleLookup lookup, Format format, StringBuilder out, PrintWriter err) {
        if (modname) {
            Optional<ModuleLookup.Found> found = lookup.lookupName(module);
            if (found.isEmpty()) {
                err.println("modinfo: ERROR: Module name " + module + " not found.");
                return false;
            }
            return show(found.get(), lookup, format, out, err);
        }
        if (isModuleFile(module)) {
            String display = display(module);
            return render(absolute(module), null, readFile(Path.of(module), display), format, out, err, display);
        }
        List<ModuleLookup.Found> found = lookup.lookup(module);
        if (found.isEmpty()) {
            err.println("modinfo: ERROR: Module " + module + " not found.");
            return false;
        }
        boolean ok = true;
        for (ModuleLookup.Found f : found) {
            ok &= show(f, lookup, format, out, err);
        }
        return ok;
    }

    private boolean show(ModuleLookup.Found found, ModuleLookup lookup, Format format, StringBuilder out, PrintWriter err) {
        if (found.path().isPresent()) {
            String path = found.path().get();
            Path file = Path.of(path);
            if (!Files.isRegularFile(file)) {
                out.append(format.line("filename", path));
                err.println("modinfo: ERROR: could not get modinfo from '" + found.name() + "': No such file or directory");
                return false;
            }
            return render(path, null, readFile(file, display(path)), format, out, err, found.name());
        }
        Optional<Contents> contents;
        Path builtinModinfo = Path.of(lookup.dirname(), "modules.builtin.modinfo");
        if (!Files.isRegularFile(builtinModinfo)) {
            contents = Optional.of(new Contents(Optional.empty(), Optional.empty())); // an old kernel: name and filename only
        } else {
            contents = BuiltinModinfo.of(bytes(builtinModinfo), found.name())
                    .map(i -> new Contents(Optional.of(i), Optional.empty()));
        }
        return render("(builtin)", found.name(), contents, format, out, err, found.name());
    }

    /** A module's information: its entries (empty for a built-in of an old kernel) and signature. */
    private record Contents(Optional<ModuleInfo> info, Optional<ModuleSignature> signature) {
    }

    private static Optional<Contents> readFile(Path path, String display) {
        // A compressed module's signature and .modinfo are those of its decompressed image, as kmod reads them.
        ByteBuffer whole;
        try {
            whole = ModuleFiles.read(path, display).asReadOnlyBuffer();
        } catch (IOException e) {
            throw ModuleTreeException.of(path.toString(), "cannot read: " + e.getMessage());
        }
        Optional<ModuleSignature> signature = ModuleSignature.read(display, whole);
        ByteBuffer elfPart = signature.map(s -> s.content(whole)).orElse(whole);
        ElfFile elf = ElfFile.parse(display, elfPart);
        Optional<ModuleInfo> info = ModuleInfo.read(elf);
        if (info.isEmpty()) {
            throw ModuleTreeException.of(display, "no " + ModuleInfo.SECTION + " section");
        }
        return Optional.of(new Contents(info, signature));
    }

    private static boolean render(String filename, String builtinName, Optional<Contents> contents, Format format,
            StringBuilder out, PrintWriter err, String name) {
        if (builtinName != null) {
            if (format.field() == null) {
                out.append(padded("name:")).append(builtinName).append(format.separator());
            } else if (format.field().equals("name")) {
                out.append(builtinName).append(format.separator());
            }
        }
        if ("filename".equals(format.field())) {
            out.append(filename).append(format.separator());
            return true;
        }
        if (format.field() == null) {
            out.append(padded("filename:")).append(filename).append(format.separator());
        }
        if (contents.isEmpty()) {
            err.println("modinfo: ERROR: could not get modinfo from '" + name + "': Function not implemented");
            return false;
        }
        out.append(render(entries(contents.get()), format));
        return true;
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw ModuleTreeException.of(file.toString(), "cannot read: " + e.getMessage());
        }
    }

    /** The ELF file's own name, for messages. */
    private static String display(String file) {
        Path fileName = Path.of(file).getFileName();
        return fileName == null ? file : fileName.toString();
    }

    /** kmod 30's {@code is_module_filename}: an existing regular file with a module ending. */
    private static boolean isModuleFile(String name) {
        return Files.isRegularFile(Path.of(name)) && MODULE_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    /** How kmod prints: one field or all ({@code field} null), each value ended by {@code separator}. */
    record Format(String field, char separator) {
        String line(String key, String value) {
            return field == null ? padded(key + ":") + value + separator : value + separator;
        }
    }

    /** The entries in libkmod's {@code kmod_module_get_info} order: {@code .modinfo}, then the signature's. */
    private static List<ModuleInfo.Entry> entries(Contents contents) {
        List<ModuleInfo.Entry> all = new ArrayList<>(contents.info().map(ModuleInfo::entries).orElse(List.of()));
        contents.signature().ifPresent(s -> {
            all.add(new ModuleInfo.Entry("sig_id", s.idType()));
            all.add(new ModuleInfo.Entry("signer", s.signer()));
            all.add(new ModuleInfo.Entry("sig_key", hex(s.keyId())));
            all.add(new ModuleInfo.Entry("sig_hashalgo", s.hashAlgorithm()));
            all.add(new ModuleInfo.Entry("signature", hex(s.signature())));
        });
        return all;
    }

    /** kmod's rendering of {@code modinfo FILE}, without options. */
    static String render(String filename, ModuleInfo info, Optional<ModuleSignature> signature) {
        Format format = new Format(null, '\n');
        return padded("filename:") + filename + "\n" + render(entries(new Contents(Optional.of(info), signature)), format);
    }

    /**
     * kmod's {@code modinfo_do} after the filename. Parameters are merged by name ({@code parm}
     * gives the description, {@code parmtype} the type, a later entry replacing an earlier one)
     * and printed last, most recently first seen first: kmod pushes each new name on the front of
     * a list. With {@code -F parm} they are printed without the {@code parm:} label.
     */
    private static String render(List<ModuleInfo.Entry> entries, Format format) {
        StringBuilder out = new StringBuilder();
        char sep = format.separator();
        List<Param> params = new ArrayList<>();
        if ("parm".equals(format.field())) {
            entries.stream().filter(e -> e.key().equals("parm") || e.key().equals("parmtype")).forEach(e -> merge(params, e));
            for (Param p : params) {
                out.append(p.name()).append(':');
                if (p.description() == null) {
                    out.append(" (").append(p.type()).append(')');
                } else if (p.type() != null) {
                    out.append(p.description()).append(" (").append(p.type()).append(')');
                } else {
                    out.append(p.description());
                }
                out.append(sep);
            }
            return out.toString();
        }
        for (ModuleInfo.Entry e : entries) {
            if (format.field() != null) {
                if (format.field().equals(e.key())) {
                    out.append(e.value()).append(sep);
                }
            } else if (e.key().equals("parm") || e.key().equals("parmtype")) {
                merge(params, e);
            } else if (sep == '\0') {
                out.append(e.key()).append('=').append(e.value()).append(sep);
            } else {
                field(out, e.key(), e.value(), sep);
            }
        }
        if (format.field() != null) {
            return out.toString();
        }
        for (Param p : params) {
            out.append(padded("parm:")).append(p.name()).append(':');
            if (p.description() == null) {
                out.append(p.type());
            } else if (p.type() == null) {
                out.append(p.description());
            } else {
                out.append(p.description()).append(" (").append(p.type()).append(')');
            }
            out.append(sep);
        }
        return out.toString();
    }

    /** One parameter being merged; null marks a part not (yet) seen. */
    private record Param(String name, String description, String type) {
    }

    private static void merge(List<Param> params, ModuleInfo.Entry e) {
        int colon = e.value().indexOf(':');
        if (colon < 0) {
            return; // kmod complains on stderr and skips it
        }
        String name = e.value().substring(0, colon);
        String rest = e.value().substring(colon + 1);
        boolean isType = e.key().equals("parmtype");
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            if (p.name().equals(name)) {
                params.set(i, isType ? new Param(name, p.description(), rest) : new Param(name, rest, p.type()));
                return;
            }
        }
        params.add(0, isType ? new Param(name, null, rest) : new Param(name, rest, null));
    }

    /** {@code key:} then spaces up to column 16; kmod's {@code "%-*s"} with width 15 - strlen(key) pads a longer key by the excess. */
    private static void field(StringBuilder out, String key, String value, char sep) {
        int keyLength = key.getBytes(StandardCharsets.UTF_8).length;
        out.append(key).append(':').append(" ".repeat(Math.abs(FIELD_WIDTH - 1 - keyLength))).append(value).append(sep);
    }

    private static String padded(String label) {
        return label + " ".repeat(Math.max(0, FIELD_WIDTH - label.length()));
    }

    /** {@code 3D:46:...}, upper case, a newline and two tabs after every 20th byte but the last. */
    static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length * 3);
        for (int i = 0; i < bytes.length; i++) {
            s.append(String.format("%02X", bytes[i]));
            if (i < bytes.length - 1) {
                s.append(':');
                if ((i + 1) % HEX_BYTES_PER_LINE == 0) {
                    s.append("\n\t\t");
                }
            }
        }
        return s.toString();
    }

    /**
     * The path as kmod prints it: unchanged when absolute, else the working directory, a slash
     * and the path as typed. Like glibc's {@code get_current_dir_name()}, the working directory
     * is {@code $PWD} when that names the same directory (keeping its symbolic links).
     */
    static String absolute(String file) {
        if (file.startsWith("/")) {
            return file;
        }
        String cwd = System.getProperty("user.dir");
        String pwd = System.getenv("PWD");
        if (pwd != null && pwd.startsWith("/") && !pwd.equals(cwd)) {
            try {
                if (Files.isSameFile(Path.of(pwd), Path.of(cwd))) {
                    cwd = pwd;
                }
            } catch (IOException | RuntimeException e) {
                // $PWD is stale or unreadable: glibc falls back to getcwd(), and so do we
            }
        }
        return cwd + "/" + file;
    }
}
