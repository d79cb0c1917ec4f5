package org.modload.kernel.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.modload.kernel.compress.ModuleFiles;
import org.modload.kernel.diag.CompressedDataException;
import org.modload.kernel.diag.MalformedModuleException;
import org.modload.kernel.modinfo.ModuleInfo;
import org.modload.kernel.modinfo.ModuleSignature;
import org.modload.loader.elf.ElfFile;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code modload modinfo FILE}: what kmod's {@code modinfo FILE} prints, byte for byte: the
 * {@code filename:} line, every {@code .modinfo} entry in section order except the parameters,
 * the signature fields, then one {@code parm:} line per parameter with its {@code parmtype}.
 * A malformed module prints nothing on standard output and one located line on standard error.
 */
@Command(name = "modinfo", description = "Show a module's .modinfo entries and signature, as kmod's modinfo FILE does.")
final class ModinfoCommand implements Callable<Integer> {

    /** kmod pads a field name and its colon to this width ({@code "%-16s"}). */
    private static final int FIELD_WIDTH = 16;

    /** kmod starts a new, tab-indented line of hex after this many bytes. */
    private static final int HEX_BYTES_PER_LINE = 20;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Kept as typed: kmod prints a relative path after the working directory without normalizing it. */
    @Parameters(paramLabel = "FILE", description = "The module file (.ko, or compressed: .ko.gz, .ko.xz, .ko.zst).")
    String file;

    @Override
    public Integer call() throws IOException {
        Path path = Path.of(file);
        Path fileName = path.getFileName();
        String display = fileName == null ? file : fileName.toString();
        String text;
        try {
            // A compressed module's signature and .modinfo are those of its decompressed image, as kmod reads them.
            ByteBuffer whole = ModuleFiles.read(path, display).asReadOnlyBuffer();
            Optional<ModuleSignature> signature = ModuleSignature.read(display, whole);
            ByteBuffer elfPart = signature.map(s -> s.content(whole)).orElse(whole);
            ElfFile elf = ElfFile.parse(display, elfPart);
            Optional<ModuleInfo> info = ModuleInfo.read(elf);
            if (info.isEmpty()) {
                spec.commandLine().getErr().println(display + ": no " + ModuleInfo.SECTION + " section");
                return 1;
            }
            text = render(absolute(file), info.get(), signature);
        } catch (MalformedModuleException | CompressedDataException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 1;
        }
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /**
     * kmod's rendering. Parameters are merged by name ({@code parm} gives the description,
     * {@code parmtype} the type, a later entry replacing an earlier one) and printed last, most
     * recently first seen first: kmod pushes each new name on the front of a list.
     */
    static String render(String filename, ModuleInfo info, Optional<ModuleSignature> signature) {
        StringBuilder out = new StringBuilder();
        out.append(padded("filename:")).append(filename).append('\n');
        List<Param> params = new ArrayList<>();
        for (ModuleInfo.Entry e : info.entries()) {
            if (e.key().equals("parm") || e.key().equals("parmtype")) {
                merge(params, e);
            } else {
                field(out, e.key(), e.value());
            }
        }
        signature.ifPresent(s -> {
            field(out, "sig_id", s.idType());
            field(out, "signer", s.signer());
            field(out, "sig_key", hex(s.keyId()));
            field(out, "sig_hashalgo", s.hashAlgorithm());
            field(out, "signature", hex(s.signature()));
        });
        for (Param p : params) {
            out.append(padded("parm:")).append(p.name()).append(':');
            if (p.description() == null) {
                out.append(p.type());
            } else if (p.type() == null) {
                out.append(p.description());
            } else {
                out.append(p.description()).append(" (").append(p.type()).append(')');
            }
            out.append('\n');
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
    private static void field(StringBuilder out, String key, String value) {
        int keyLength = key.getBytes(StandardCharsets.UTF_8).length;
        out.append(key).append(':').append(" ".repeat(Math.abs(FIELD_WIDTH - 1 - keyLength))).append(value).append('\n');
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
