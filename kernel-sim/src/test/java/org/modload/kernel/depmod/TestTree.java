package org.modload.kernel.depmod;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.modload.kernel.compress.Compression;
import org.modload.kernel.compress.Compressors;
import org.modload.loader.testing.ExternalTools;

/**
 * A synthetic module tree {@code ROOT/lib/modules/VERSION} of small {@code .ko}-like objects
 * assembled at test time by GNU as, shaped like real 6.x modules where depmod looks: exported
 * symbols have a {@code __ksymtab_NAME} entry, a {@code __ksymtab_strings} string and (with
 * modversions) a {@code __crc_NAME} symbol; needed symbols are undefined symbols (called), and
 * {@code __versions} holds {@code struct modversion_info} entries.
 */
final class TestTree {
    static final String VERSION = "6.1.0-modload";

    /** How a module's exports are visible to depmod. */
    enum Exports {
        /** {@code __crc_} symbols and {@code __ksymtab_strings}, as with CONFIG_MODVERSIONS. */
        CRC_AND_STRINGS,
        /** Only {@code __crc_} symbols. */
        CRC_ONLY,
        /** Only {@code __ksymtab_strings}, as without CONFIG_MODVERSIONS. */
        STRINGS_ONLY
    }

    /**
     * One module's source.
     *
     * @param exports symbols it defines and exports
     * @param style how the exports appear
     * @param extraStrings more {@code __ksymtab_strings} strings (6.x puts namespaces there)
     * @param calls symbols it calls (undefined, STB_GLOBAL)
     * @param weak symbols it references weakly (undefined, STB_WEAK)
     * @param versions names of its {@code __versions} entries
     * @param modinfo its {@code .modinfo} strings ({@code alias=...}, {@code softdep=...})
     */
    record Module(List<String> exports, Exports style, List<String> extraStrings, List<String> calls,
            List<String> weak, List<String> versions, List<String> modinfo) {

        Module(List<String> exports, Exports style, List<String> extraStrings, List<String> calls,
                List<String> weak, List<String> versions) {
            this(exports, style, extraStrings, calls, weak, versions, List.of());
        }

        static Module exporting(String... symbols) {
            return new Module(List.of(symbols), Exports.CRC_AND_STRINGS, List.of(), List.of(), List.of(), List.of());
        }

        Module info(String... strings) {
            return new Module(exports, style, extraStrings, calls, weak, versions, List.of(strings));
        }

        Module calling(String... symbols) {
            return new Module(exports, style, extraStrings, List.of(symbols), weak, versions, modinfo);
        }

        Module weakly(String... symbols) {
            return new Module(exports, style, extraStrings, calls, List.of(symbols), versions, modinfo);
        }

        Module versions(String... names) {
            return new Module(exports, style, extraStrings, calls, weak, List.of(names), modinfo);
        }

        Module style(Exports s) {
            return new Module(exports, s, extraStrings, calls, weak, versions, modinfo);
        }

        Module strings(String... more) {
            return new Module(exports, style, List.of(more), calls, weak, versions, modinfo);
        }
    }

    private final Path root;
    private final boolean is64;
    private int count;

    TestTree(Path root, boolean is64) {
        this.root = root;
        this.is64 = is64;
        ExternalTools.require("as", "binutils");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path root() {
        return root;
    }

    /** The module directory, {@code ROOT/lib/modules/VERSION}. */
    Path dir() {
        return root.resolve("lib/modules/" + VERSION);
    }

    /**
     * Assembles {@code m} into {@code DIR/path}; a path ending in {@code .ko.xz}, {@code .ko.zst} or
     * {@code .ko.gz} is compressed by that tool with {@code make modules_install}'s options.
     */
    TestTree add(String path, Module m) {
        try {
            Path src = root.resolve("src" + (count++) + ".s");
            Files.writeString(src, assembly(m));
            Path target = dir().resolve(path);
            Files.createDirectories(target.getParent());
            Compression c = path.endsWith(".ko.xz") ? Compression.XZ : path.endsWith(".ko.zst") ? Compression.ZSTD
                    : path.endsWith(".ko.gz") ? Compression.GZIP : null;
            Path obj = c != null ? root.resolve("obj" + count + ".o") : target;
            ExternalTools.run(List.of("as", is64 ? "--64" : "--32", "-o", obj.toString(), src.toString()));
            if (c != null) {
                Files.write(target, Compressors.module(c, Files.readAllBytes(obj)));
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code DIR/modules.order} with these lines, each followed by a newline. */
    TestTree order(String... lines) {
        return orderText(lines.length == 0 ? "" : String.join("\n", lines) + "\n");
    }

    /** Writes {@code DIR/modules.order} verbatim. */
    TestTree orderText(String text) {
        return write("modules.order", text);
    }

    /** Writes a file under the module directory. */
    TestTree write(String path, String text) {
        try {
            Path p = dir().resolve(path);
            Files.createDirectories(p.getParent());
            Files.writeString(p, text, StandardCharsets.UTF_8);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String assembly(Module m) {
        List<String> s = new ArrayList<>();
        s.add("\t.text");
        for (String e : m.exports()) {
            s.add("\t.globl " + e);
            s.add(e + ":\tret");
        }
        for (String w : m.weak()) {
            s.add("\t.weak " + w);
        }
        for (String c : m.calls()) {
            s.add("\tcall " + c);
        }
        for (String w : m.weak()) {
            s.add("\tcall " + w);
        }
        for (String e : m.exports()) {
            s.add("\t.section \"___ksymtab+" + e + "\",\"a\"");
            s.add("__ksymtab_" + e + ":\t.long 0, 0, 0");
            if (m.style() != Exports.STRINGS_ONLY) {
                s.add("\t.section \"___kcrctab+" + e + "\",\"a\"");
                s.add("__crc_" + e + ":\t.long 0x" + Integer.toHexString(e.hashCode()));
            }
        }
        if (m.style() != Exports.CRC_ONLY && !(m.exports().isEmpty() && m.extraStrings().isEmpty())) {
            s.add("\t.section __ksymtab_strings,\"aMS\",@progbits,1");
            for (String e : m.exports()) {
                s.add("\t.asciz \"" + e + "\"");
            }
            for (String e : m.extraStrings()) {
                s.add("\t.asciz \"" + e + "\"");
            }
        }
        if (!m.modinfo().isEmpty()) {
            s.add("\t.section .modinfo,\"a\"");
            for (String i : m.modinfo()) {
                s.add("\t.asciz \"" + i + "\"");
            }
        }
        if (!m.versions().isEmpty()) {
            // struct modversion_info { unsigned long crc; char name[64 - sizeof(unsigned long)]; }
            int nameSize = is64 ? 56 : 60;
            s.add("\t.section __versions,\"a\"");
            s.add("\t.balign 32");
            for (String v : m.versions()) {
                s.add(is64 ? "\t.quad 0x" + Integer.toHexString(v.hashCode()) : "\t.long 0x" + Integer.toHexString(v.hashCode()));
                s.add("\t.asciz \"" + v + "\"");
                s.add("\t.zero " + (nameSize - v.length() - 1));
            }
        }
        return String.join("\n", s) + "\n";
    }
}
