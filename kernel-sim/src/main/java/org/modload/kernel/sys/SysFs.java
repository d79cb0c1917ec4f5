package org.modload.kernel.sys;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import org.modload.kernel.Kernel;
import org.modload.kernel.model.ModuleSection;
import org.modload.kernel.model.ModuleState;
import org.modload.kernel.model.ModuleView;

/**
 * The kernel's {@code /sys/module} tree for loaded modules, its files formatted as Linux 6.1
 * prints them: {@code /sys/module/NAME/sections/SECTION} ({@code 0x%px}: the address, zero-padded
 * to the pointer width), {@code coresize}, {@code initsize} (0 once init memory is freed),
 * {@code refcnt}, {@code taint} (the module's taint letters), {@code initstate}, and the
 * directories {@code sections} (one file per section Linux lists, dot-names included) and
 * {@code holders} (one entry per module that uses it). Paths are absolute, with or without a
 * trailing {@code /}. Every call reads one consistent view of the module and changes nothing.
 */
public final class SysFs {
    private static final String ROOT = "/sys/module";

    private SysFs() {
    }

    /**
     * The names in directory {@code path}, in byte order as {@code ls} sorts them in the C
     * locale; empty when {@code path} is no directory of the tree.
     */
    public static Optional<List<String>> list(Kernel kernel, String path) {
        List<String> p = parts(path);
        if (p == null) {
            return Optional.empty();
        }
        if (p.isEmpty()) {
            return Optional.of(sorted(kernel.modules().stream().map(ModuleView::name).toList()));
        }
        Optional<ModuleView> m = kernel.module(p.get(0));
        if (m.isEmpty()) {
            return Optional.empty();
        }
        if (p.size() == 1) {
            return Optional.of(sorted(List.of("coresize", "holders", "initsize", "initstate", "refcnt", "sections",
                    "taint")));
        }
        if (p.size() == 2 && p.get(1).equals("sections")) {
            return Optional.of(sorted(m.get().sections().stream().map(ModuleSection::name).toList()));
        }
        if (p.size() == 2 && p.get(1).equals("holders")) {
            return Optional.of(sorted(m.get().usedBy()));
        }
        return Optional.empty();
    }

    /** The contents of file {@code path}, its final newline included; empty when it is no file of the tree. */
    public static Optional<String> read(Kernel kernel, String path) {
        List<String> p = parts(path);
        if (p == null || p.size() < 2) {
            return Optional.empty();
        }
        Optional<ModuleView> found = kernel.module(p.get(0));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ModuleView m = found.get();
        if (p.size() == 3 && p.get(1).equals("sections")) {
            return m.sections().stream().filter(s -> s.name().equals(p.get(2))).findFirst()
                    .map(s -> address(kernel, s.address()) + "\n");
        }
        if (p.size() != 2) {
            return Optional.empty();
        }
        return switch (p.get(1)) {
            case "coresize" -> Optional.of(Long.toUnsignedString(m.coreSize()) + "\n");
            case "initsize" -> Optional.of(Long.toUnsignedString(m.initSize()) + "\n");
            case "refcnt" -> Optional.of(m.refcount() + "\n");
            case "taint" -> Optional.of(m.taintLetters() + "\n");
            case "initstate" -> Optional.of(initstate(m.state()) + "\n");
            default -> Optional.empty();
        };
    }

    /** show_initstate(). */
    private static String initstate(ModuleState state) {
        return switch (state) {
            case LIVE -> "live";
            case COMING -> "coming";
            case GOING -> "going";
            case UNFORMED -> "unformed";
        };
    }

    /** {@code 0x%px}: the full pointer width. */
    static String address(Kernel kernel, long address) {
        return kernel.addressBits() == 64 ? String.format("0x%016x", address)
                : String.format("0x%08x", address & 0xffffffffL);
    }

    /** The parts of {@code path} below /sys/module, or null when it is not under it. */
    private static List<String> parts(String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        if (!p.equals(ROOT) && !p.startsWith(ROOT + "/")) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String s : p.substring(ROOT.length()).split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static List<String> sorted(List<String> names) {
        // The C locale's ls order is byte order, which for these ASCII names is String order.
        return List.copyOf(new TreeSet<>(names));
    }
}
