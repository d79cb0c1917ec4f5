package org.modload.kernel.core;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.model.KernelSnapshot;
import org.modload.kernel.model.ModuleState;
import org.modload.kernel.model.ModuleView;
import org.modload.loader.link.PlacedSection;

/**
 * Loads mutants into one kernel and sorts each outcome into its class; anything outside the
 * mutant's expected class is a violation, collected with the mutant's description. The classes:
 * <ul>
 * <li>refused: a KernelException with an errno Linux's loader gives for bad input (ENOEXEC for a
 *     malformed object; ENOENT for an unknown symbol, EINVAL, ENOMEM, EEXIST, ENOKEY, EKEYREJECTED,
 *     EBADMSG for what a changed byte may turn the module into), a one-line message naming
 *     the file and a field or symbol, and a kernel snapshot equal to the one before the load;
 *     a mutant expected REFUSED must have errno ENOEXEC and name its field;
 * <li>loaded: the module is LIVE, passes {@link #imageChecks} (the checks the original passes),
 *     and after rmmod the kernel's snapshot is the one before.
 * </ul>
 */
final class MutationRun {
    /** What a changed byte may make of a module, each an errno Linux's load_module returns. */
    private static final Set<Errno> BAD_INPUT = Set.of(Errno.ENOEXEC, Errno.ENOENT, Errno.EINVAL, Errno.ENOMEM,
            Errno.EEXIST, Errno.ENOKEY, Errno.EKEYREJECTED, Errno.EBADMSG);
    /** A field of the ELF specification, a relocation or section type, or a named symbol. */
    private static final Pattern NAMES_SOMETHING = Pattern.compile(
            "\\b(e|sh|st|r|ch|p)_[a-z]+\\b|\\bEI_[A-Z]+|\\bR_[A-Z0-9_]+|\\bSHT_|\\bsymbol\\b|section header|\\bsection\\b"
            + "|relocation|string table|vermagic|modinfo|\\.modinfo|\\.gnu\\.linkonce|module name|struct module|signature"
            + "|__versions|__ksymtab|Unknown symbol|version|file size"
            // Linux's own words for an object without .gnu.linkonce.this_module.
            + "|No module found in object");

    /** Counts of one kind. */
    static final class Tally {
        int mutants;
        int loaded;
        int refused;
        final Map<Errno, Integer> byErrno = new EnumMap<>(Errno.class);
        int namedField;

        @Override
        public String toString() {
            return mutants + " mutants: " + loaded + " loaded, " + refused + " refused " + byErrno
                    + (namedField > 0 ? " (" + namedField + " naming the changed field)" : "");
        }
    }

    private final Kernel kernel;
    private final LoadOptions options;
    final Map<Mutants.Kind, Tally> tallies = new EnumMap<>(Mutants.Kind.class);
    final List<String> violations = new ArrayList<>();
    long slowestNanos;
    String slowest = "";

    MutationRun(Kernel kernel, LoadOptions options) {
        this.kernel = kernel;
        this.options = options;
        for (Mutants.Kind k : Mutants.Kind.values()) {
            tallies.put(k, new Tally());
        }
    }

    /** Loads each of {@code mutants} as {@code file} and classifies the outcome. */
    void run(String file, List<Mutants.Mutant> mutants) {
        for (Mutants.Mutant m : mutants) {
            one(file, m);
        }
    }

    private void one(String file, Mutants.Mutant m) {
        Tally t = tallies.get(m.kind());
        t.mutants++;
        String where = file + " " + m.kind() + " " + m.what();
        KernelSnapshot before = kernel.snapshot();
        long start = System.nanoTime();
        ModuleView view;
        try {
            view = kernel.load(file, ByteBuffer.wrap(m.bytes()), options);
        } catch (KernelException e) {
            timed(start, where);
            t.refused++;
            t.byErrno.merge(e.errno(), 1, Integer::sum);
            refused(where, file, m, e, before, t);
            return;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            StringBuilder at = new StringBuilder();
            int ours = 0;
            for (StackTraceElement f : e.getStackTrace()) {
                if (f.getClassName().startsWith("org.modload.") && ours++ < 4) {
                    at.append(" at ").append(f);
                }
            }
            violations.add(where + ": not a KernelException: " + e + at);
            return;
        }
        timed(start, where);
        t.loaded++;
        if (m.expect() == Mutants.Expect.REFUSED) {
            violations.add(where + ": loaded, but must be refused");
        }
        String bad = imageChecks(view);
        if (bad != null) {
            violations.add(where + ": loaded, but " + bad);
        }
        try {
            kernel.deleteModule(view.name(), true);
        } catch (KernelException e) {
            violations.add(where + ": loaded, then rmmod failed: " + e.getMessage());
            return;
        }
        // Taints are sticky, as in Linux: a module without a license leaves P behind.
        KernelSnapshot after = kernel.snapshot();
        if (!before.modules().equals(after.modules()) || !before.symbols().equals(after.symbols())
                || before.memoryInUse() != after.memoryInUse() || before.allocations() != after.allocations()
                || !containsAll(after.taints(), before.taints())) {
            violations.add(where + ": loaded and removed, but the kernel is not as before: " + after);
        }
    }

    /** Whether {@code msg} names one of {@code fields}, alternatives separated by '|'. */
    private static boolean names(String msg, String fields) {
        for (String f : fields.split("\\|")) {
            if (msg.contains(f)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsAll(String letters, String of) {
        return of.chars().allMatch(c -> letters.indexOf(c) >= 0);
    }

    private void timed(long start, String where) {
        long took = System.nanoTime() - start;
        if (took > slowestNanos) {
            slowestNanos = took;
            slowest = where;
        }
    }

    private void refused(String where, String file, Mutants.Mutant m, KernelException e, KernelSnapshot before, Tally t) {
        String msg = e.getMessage();
        if (!before.equals(kernel.snapshot())) {
            violations.add(where + ": refused (" + msg + "), but the kernel changed");
        }
        if (msg == null || msg.isBlank() || msg.lines().count() != 1) {
            violations.add(where + ": refusal without a one-line message: " + msg);
            return;
        }
        if (m.expect() == Mutants.Expect.LOADS) {
            violations.add(where + ": refused, but must load: " + e.errno() + " " + msg);
            return;
        }
        if (!BAD_INPUT.contains(e.errno())) {
            violations.add(where + ": refused with " + e.errno() + ", not an errno of bad input: " + msg);
        }
        String module = file.replaceAll("\\.ko.*$", "");
        if (!msg.contains(module) && !msg.contains(module.replace('-', '_'))) {
            violations.add(where + ": the message names neither the file nor the module: " + msg);
        }
        if (!NAMES_SOMETHING.matcher(msg).find()) {
            violations.add(where + ": the message names no field, section or symbol: " + msg);
        }
        if (!m.field().isEmpty() && names(msg, m.field())) {
            t.namedField++;
        }
        if (m.expect() == Mutants.Expect.REFUSED) {
            if (e.errno() != Errno.ENOEXEC) {
                violations.add(where + ": refused with " + e.errno() + ", not ENOEXEC: " + msg);
            }
            if (!m.field().isEmpty() && !names(msg, m.field())) {
                violations.add(where + ": the message does not name " + m.field() + ": " + msg);
            }
        }
    }

    /**
     * What the original modules pass once loaded: LIVE, every placed core section inside the
     * module's core memory with all of its bytes.
     *
     * @return what failed, or null
     */
    static String imageChecks(ModuleView v) {
        if (v.state() != ModuleState.LIVE) {
            return "state " + v.state();
        }
        if (v.size() <= 0) {
            return "size " + v.size();
        }
        for (PlacedSection p : v.image().plan().placed()) {
            if (p.size() < 0 || Long.compareUnsigned(p.address(), p.address() + p.size()) > 0) {
                return "section " + p.name() + " wraps";
            }
            if (p.region() == org.modload.loader.link.Region.CORE) {
                long base = v.image().plan().coreBase();
                if (p.address() < base || p.address() + p.size() > base + v.image().plan().coreSize()) {
                    return "section " + p.name() + " at 0x" + Long.toHexString(p.address()) + " outside core";
                }
                if (v.image().bytes(p).remaining() != p.size()) {
                    return "section " + p.name() + " has " + v.image().bytes(p).remaining() + " bytes, not " + p.size();
                }
            }
        }
        return null;
    }
}
