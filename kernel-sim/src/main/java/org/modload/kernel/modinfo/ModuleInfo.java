package org.modload.kernel.modinfo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.modload.kernel.diag.MalformedModuleException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;

/**
 * A module's {@code .modinfo} section: the {@code key=value} strings that {@code MODULE_LICENSE},
 * {@code MODULE_AUTHOR}, {@code MODULE_PARM_DESC}, {@code MODULE_IMPORT_NS}, modpost
 * ({@code depends}, {@code name}, {@code vermagic}, {@code srcversion}, {@code retpoline},
 * {@code intree}) and friends leave there, each NUL-terminated, in section order. Keys repeat
 * ({@code alias}, {@code parm}, {@code import_ns}...); the accessors for single-valued keys
 * return the first entry, as the kernel's {@code get_modinfo()} does.
 *
 * @param entries the entries in section order
 */
public record ModuleInfo(List<Entry> entries) {

    /** The section the entries live in. */
    public static final String SECTION = ".modinfo";

    /** The module file endings kmod knows, compressed ones first (so that .ko.xz is not cut at .ko). */
    private static final List<String> MODULE_SUFFIXES = List.of(".ko.gz", ".ko.xz", ".ko.zst", ".ko");

    /** Longest entry text quoted in an error message. */
    private static final int QUOTED = 40;

    /**
     * One {@code key=value} string. A string without {@code '='} is a key with an empty value, as
     * kmod reads it.
     *
     * @param key the text before the first {@code '='}
     * @param value the text after it (may itself contain {@code '='})
     */
    public record Entry(String key, String value) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    public ModuleInfo {
        entries = List.copyOf(entries);
    }

    /**
     * Reads the first section called {@code .modinfo} of a module. Runs of NUL bytes (alignment
     * padding between entries) are skipped, as kmod and the kernel skip them; bytes are decoded
     * as UTF-8.
     *
     * @return the entries, or empty if the object has no {@code .modinfo} section
     * @throws MalformedModuleException if the last entry is not NUL-terminated
     */
    public static Optional<ModuleInfo> read(ElfFile module) {
        Optional<Section> section = module.section(SECTION);
        if (section.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(parse(module.name(), section.get().index(), section.get().bytes()));
    }

    /**
     * Parses the bytes of a {@code .modinfo} section (position to limit, header index
     * {@code sectionIndex}) of the file called {@code file} in messages.
     *
     * @throws MalformedModuleException if the last entry is not NUL-terminated
     */
    public static ModuleInfo parse(String file, int sectionIndex, ByteBuffer section) {
        ByteBuffer b = section.duplicate();
        int base = b.position();
        int end = b.limit();
        List<Entry> entries = new ArrayList<>();
        int i = base;
        while (i < end) {
            if (b.get(i) == 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < end && b.get(i) != 0) {
                i++;
            }
            byte[] text = new byte[i - start];
            b.get(start, text);
            if (i == end) {
                throw MalformedModuleException.inModinfo(file, sectionIndex, SECTION, start - base,
                        "entry " + quote(text) + " is not NUL-terminated");
            }
            entries.add(entry(new String(text, StandardCharsets.UTF_8)));
        }
        return new ModuleInfo(entries);
    }

    private static Entry entry(String text) {
        int eq = text.indexOf('=');
        return eq < 0 ? new Entry(text, "") : new Entry(text.substring(0, eq), text.substring(eq + 1));
    }

    private static String quote(byte[] text) {
        String s = new String(text, StandardCharsets.UTF_8);
        String shown = s.length() > QUOTED ? s.substring(0, QUOTED) + "..." : s;
        return "\"" + shown + "\" (" + text.length + " bytes)";
    }

    /** The values of every entry called {@code key}, in section order. */
    public List<String> values(String key) {
        return entries.stream().filter(e -> e.key().equals(key)).map(Entry::value).toList();
    }

    /** The value of the first entry called {@code key}, as the kernel's {@code get_modinfo()} finds it. */
    public Optional<String> value(String key) {
        return entries.stream().filter(e -> e.key().equals(key)).map(Entry::value).findFirst();
    }

    /** {@code name}: the module's name as modpost recorded it (dashes already turned into underscores). */
    public Optional<String> name() {
        return value("name");
    }

    /**
     * The name the kernel gives the module: {@code name} when present and not empty, else the file
     * name without its directory and {@code .ko}, as {@code load_module} falls back to it.
     */
    public String moduleName(String file) {
        return name().filter(n -> !n.isEmpty()).orElseGet(() -> fileModuleName(file));
    }

    /**
     * A module file's name without its directory and {@code .ko} (or {@code .ko.gz}, {@code .ko.xz},
     * {@code .ko.zst}): {@code a/b/af_key.ko.xz} is {@code af_key}.
     */
    public static String fileModuleName(String file) {
        String base = file.substring(file.lastIndexOf('/') + 1);
        for (String suffix : MODULE_SUFFIXES) {
            if (base.endsWith(suffix)) {
                return base.substring(0, base.length() - suffix.length());
            }
        }
        return base;
    }

    /**
     * {@link #depends()} as module names: {@code depends} names module files, and module names
     * use '_' where file names may use '-'.
     */
    public List<String> dependsModuleNames() {
        return depends().stream().map(d -> d.replace('-', '_')).toList();
    }

    /** {@code license}: decides whether the module may use GPL-only symbols and whether it taints. */
    public Optional<String> license() {
        return value("license");
    }

    /** {@code vermagic}: must match the running kernel's unless the load is forced. */
    public Optional<String> vermagic() {
        return value("vermagic");
    }

    /**
     * {@code depends}: the modules this one needs loaded first, split at commas; empty when the
     * entry is empty ({@code depends=}) or absent.
     */
    public List<String> depends() {
        return value("depends").map(ModuleInfo::commaList).orElse(List.of());
    }

    /** Every {@code import_ns} value: the symbol namespaces the module may use, in section order. */
    public List<String> importNamespaces() {
        return values("import_ns");
    }

    private static List<String> commaList(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.split(",", -1)) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return List.copyOf(out);
    }
}
