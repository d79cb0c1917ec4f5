package org.modload.loader.testing.kit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.ElfData;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Machine;
import org.modload.loader.elf.RelocationSection;
import org.modload.loader.elf.SectionType;
import org.modload.loader.reloc.Field;
import org.modload.loader.reloc.Formula;
import org.modload.loader.reloc.Overflow;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.reloc.Term;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;
import org.modload.loader.spi.LinkSymbols;
import org.modload.loader.spi.Profile;

/** {@link KitCheck#CONTRACT}: what every plugin must be before any object is linked. */
final class ContractCheck {
    /** psABI spelling: {@code R_X86_64_PC32}, {@code R_386_GOT32X}, {@code R_IA64_LTOFF_FPTR22}. */
    private static final Pattern PSABI_NAME = Pattern.compile("R_[A-Z0-9]+(_[A-Z0-9]+)+");

    private ContractCheck() {
    }

    static List<Probe> probes(KitContext ctx) {
        return List.of(
                new Probe(KitCheck.CONTRACT, "e_machine is unique", () -> unique(ctx)),
                new Probe(KitCheck.CONTRACT, "class, byte order and relocation sections agree with the fixtures",
                        () -> fixtures(ctx)),
                new Probe(KitCheck.CONTRACT, "every row is well-formed", () -> rows(ctx)),
                new Probe(KitCheck.CONTRACT, "lookups are deterministic", () -> deterministic(ctx)));
    }

    private static String unique(KitContext ctx) {
        Architecture plugin = ctx.plugin();
        Machine m = plugin.machine();
        if (m == null || m.equals(Machine.EM_NONE)) {
            throw new AssertionError("machine() is " + m + "; a plugin handles one real e_machine");
        }
        List<Architecture> installed = ctx.spec().installed().orElseGet(() -> Architectures.installed().all());
        List<Architecture> all = new ArrayList<>();
        // The plugin's own provider (found by ServiceLoader in its module) is the plugin itself.
        installed.stream().filter(a -> a.getClass() != plugin.getClass()).forEach(all::add);
        all.add(plugin);
        try {
            Architectures.of(all);
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage(), e);
        }
        return m.specName() + " (" + m.value() + "), unique among " + all.size() + " installed";
    }

    private static String fixtures(KitContext ctx) {
        Architecture plugin = ctx.plugin();
        List<KitFixture> fixtures = ctx.spec().fixtures();
        if (fixtures.isEmpty()) {
            throw new AssertionError("checked nothing: the spec has no fixtures to hold the plugin's class and byte"
                    + " order against (add the objects regen.sh builds)");
        }
        ElfData data = plugin.byteOrder().equals(java.nio.ByteOrder.LITTLE_ENDIAN) ? ElfData.ELFDATA2LSB
                : ElfData.ELFDATA2MSB;
        List<String> problems = new ArrayList<>();
        for (KitFixture f : fixtures) {
            ElfFile obj = f.parse();
            if (!obj.machine().equals(plugin.machine())) {
                problems.add(f.name() + ": e_machine " + obj.machine() + ", the plugin's " + plugin.machine());
            }
            if (obj.elfClass() != plugin.elfClass()) {
                problems.add(f.name() + ": " + obj.elfClass() + ", the plugin says " + plugin.elfClass());
            }
            if (obj.data() != data) {
                problems.add(f.name() + ": " + obj.data() + ", the plugin's byte order is " + plugin.byteOrder());
            }
            for (RelocationSection rs : obj.relocationSections()) {
                SectionType t = rs.isRela() ? SectionType.SHT_RELA : SectionType.SHT_REL;
                if (rs.target().isAllocated() && !t.equals(ctx.spec().relocations())) {
                    problems.add(f.name() + ": " + rs.section().name() + " is " + t + ", the spec says the plugin's"
                            + " objects carry " + ctx.spec().relocations());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n", problems));
        }
        return fixtures.size() + " fixtures: " + plugin.machine().specName() + " " + plugin.elfClass() + " " + data;
    }

    private static String rows(KitContext ctx) {
        Architecture plugin = ctx.plugin();
        Rows rows = ctx.rows();
        List<String> problems = new ArrayList<>(rows.problems());
        if (rows.byNumber().isEmpty() && problems.isEmpty()) {
            throw new AssertionError("checked nothing: relocationType(n) gives no row for any n from 0 to "
                    + Rows.limit(plugin));
        }
        Map<String, Integer> names = new HashMap<>();
        int classBits = plugin.elfClass() == ElfClass.ELFCLASS32 ? 32 : 64;
        for (Map.Entry<Integer, RelocationType> e : rows.byNumber().entrySet()) {
            int n = e.getKey();
            RelocationType r = e.getValue();
            String at = "relocationType(" + n + ") = " + r.name() + ": ";
            if (r.number() != n) {
                problems.add(at + "its number() is " + r.number() + ", not " + n);
            }
            if (r.name() == null || !PSABI_NAME.matcher(r.name()).matches()) {
                problems.add(at + "the name is not in psABI spelling (R_ARCH_NAME), as readelf -r prints it");
            }
            Integer prior = names.put(r.name(), n);
            if (prior != null) {
                problems.add(at + "the name is also the row of " + prior);
            }
            if (!r.name().equals(plugin.relocationName(n))) {
                problems.add(at + "relocationName(" + n + ") is '" + plugin.relocationName(n) + "'");
            }
            Field f = r.field();
            Overflow o = r.overflow();
            Formula fm = r.formula();
            if (f == null || o == null || fm == null) {
                problems.add(at + "field " + f + ", overflow " + o + ", formula " + fm + ": none may be null");
                continue;
            }
            if (f.bits() > classBits) {
                problems.add(at + "field " + f + " is wider than the " + plugin.elfClass() + " word");
            }
            if (f == Field.NONE && fm != Formula.NONE && fm != Formula.SPECIAL) {
                problems.add(at + "writes nothing (Field.NONE) but computes " + fm.text());
            }
            if (o != Overflow.NONE && (f == Field.NONE || f == Field.INSTRUCTION)) {
                problems.add(at + "overflow rule " + o + " on field " + f + ": the core checks ranges of data words"
                        + " only; an instruction field checks its own range in write()");
            }
            for (Profile p : Profile.values()) {
                if (applies(plugin, r, p, problems, at)) {
                    terms(plugin, r, p, problems, at);
                }
            }
        }
        for (int unknown : List.of(-1, Integer.MAX_VALUE)) {
            try {
                if (plugin.relocationType(unknown).isPresent()) {
                    problems.add("relocationType(" + unknown + ") gives a row");
                }
                if (!plugin.relocationName(unknown).equals("unknown(" + unknown + ")")) {
                    problems.add("relocationName(" + unknown + ") is '" + plugin.relocationName(unknown)
                            + "', not 'unknown(" + unknown + ")'");
                }
            } catch (RuntimeException x) {
                problems.add("relocationType(" + unknown + ") threw " + x);
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " problems:\n" + String.join("\n", problems));
        }
        return rows.byNumber().size() + " rows, numbers 0-" + Rows.limit(plugin) + " asked";
    }

    private static boolean applies(Architecture plugin, RelocationType r, Profile p, List<String> problems, String at) {
        try {
            return plugin.applies(r, p);
        } catch (RuntimeException e) {
            problems.add(at + "applies(" + p + ") threw " + e);
            return false;
        }
    }

    /** The terms a formula names must exist wherever the row is applied. */
    private static void terms(Architecture plugin, RelocationType r, Profile p, List<String> problems, String at) {
        Set<Term> uses = r.formula().uses();
        List<String> symbols = plugin.linkSymbolNames(p);
        if ((uses.contains(Term.GOT) || uses.contains(Term.G)) && !symbols.contains(LinkSymbols.GLOBAL_OFFSET_TABLE)) {
            problems.add(at + "applied in " + p + ", its formula " + r.formula().text() + " needs GOT, but"
                    + " linkSymbolNames(" + p + ") has no " + LinkSymbols.GLOBAL_OFFSET_TABLE);
        }
        if (uses.contains(Term.GP) && !symbols.contains(LinkSymbols.GP)) {
            problems.add(at + "applied in " + p + ", its formula " + r.formula().text() + " needs GP, but"
                    + " linkSymbolNames(" + p + ") has no " + LinkSymbols.GP);
        }
        if (uses.contains(Term.G) && plugin.entryKinds(p).isEmpty()) {
            problems.add(at + "applied in " + p + ", its formula " + r.formula().text() + " needs a table entry (G),"
                    + " but entryKinds(" + p + ") is empty");
        }
    }

    private static String deterministic(KitContext ctx) {
        Architecture plugin = ctx.plugin();
        List<String> problems = new ArrayList<>();
        int asked = 0;
        for (int n = 0; n <= Rows.limit(plugin); n++) {
            Optional<RelocationType> a;
            Optional<RelocationType> b;
            try {
                a = plugin.relocationType(n);
                b = plugin.relocationType(n);
            } catch (RuntimeException e) {
                continue; // reported by the row check
            }
            asked++;
            if (!a.equals(b)) {
                problems.add("relocationType(" + n + ") gave " + a + ", then " + b);
                continue;
            }
            if (a.isPresent()) {
                for (Profile p : Profile.values()) {
                    try {
                        if (plugin.applies(a.get(), p) != plugin.applies(a.get(), p)) {
                            problems.add("applies(" + a.get().name() + ", " + p + ") changed between two calls");
                        }
                    } catch (RuntimeException e) {
                        // reported by the row check
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n", problems));
        }
        return asked + " numbers asked twice";
    }
}
