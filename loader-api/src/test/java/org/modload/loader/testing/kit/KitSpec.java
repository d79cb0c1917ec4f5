package org.modload.loader.testing.kit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.modload.loader.elf.SectionType;
import org.modload.loader.spi.Architecture;
import org.modload.loader.testing.PsAbiCalculation;
import org.modload.loader.testing.PsAbiTable;

/**
 * What an architecture module hands the kit about its plugin: the plugin instance, the
 * relocation section type its objects use, its psABI CSV, its fixtures and vectors, its binutils
 * (or why there is no ld differential), its execution matrix (or why its code cannot run here),
 * and a scratch directory. Built with {@link #of} and the builder's methods; immutable once built.
 *
 * @param plugin the architecture under test, constructed directly
 * @param relocations SHT_REL or SHT_RELA: what the kit's one-relocation objects carry
 * @param psAbi the psABI table the plugin ships, and what its G means; empty fails the psABI check
 * @param fixtures the committed fixture objects
 * @param vectors the per-type pass and boundary-fail vectors
 * @param binutils the GNU tools for the differential
 * @param withoutLd why there is no differential, when {@code binutils} is empty
 * @param execution the execution matrix
 * @param withoutExecution why the code cannot be run here, when {@code execution} is empty
 * @param installed the architectures installed beside the plugin (for the e_machine check);
 *     empty: whatever {@code Architectures.installed()} finds when the check runs
 * @param checks the checks to run (all by default; fewer only while developing a plugin)
 * @param work a scratch directory of the run's own (a JUnit {@code @TempDir})
 */
public record KitSpec(Architecture plugin, SectionType relocations, Optional<PsAbi> psAbi, List<KitFixture> fixtures,
        List<Vector> vectors, Optional<Binutils> binutils, String withoutLd, Optional<Execution> execution,
        String withoutExecution, Optional<List<Architecture>> installed, Set<KitCheck> checks, Path work) {

    /**
     * A psABI CSV and how to evaluate its text.
     *
     * @param table the rows as transcribed
     * @param g what the document's G means (AMD64 and ia64: the entry's offset from GOT; i386:
     *     its address)
     */
    public record PsAbi(PsAbiTable table, PsAbiCalculation.G g) {
        public PsAbi {
            Objects.requireNonNull(table);
            Objects.requireNonNull(g);
        }
    }

    public KitSpec {
        Objects.requireNonNull(plugin);
        if (!relocations.equals(SectionType.SHT_REL) && !relocations.equals(SectionType.SHT_RELA)) {
            throw new IllegalArgumentException("relocations must be SHT_REL or SHT_RELA, not " + relocations);
        }
        Objects.requireNonNull(psAbi);
        fixtures = List.copyOf(fixtures);
        vectors = List.copyOf(vectors);
        Objects.requireNonNull(binutils);
        Objects.requireNonNull(withoutLd);
        Objects.requireNonNull(execution);
        Objects.requireNonNull(withoutExecution);
        installed = installed.map(List::copyOf);
        checks = Set.copyOf(checks);
        Objects.requireNonNull(work);
    }

    /** Starts a spec for {@code plugin}, whose objects carry {@code relocations} sections. */
    public static Builder of(Architecture plugin, SectionType relocations, Path work) {
        return new Builder(plugin, relocations, work);
    }

    /** Whether objects carry addends in the entries. */
    boolean rela() {
        return relocations.equals(SectionType.SHT_RELA);
    }

    /** A builder; each method returns it. Not thread-safe; build one spec per test. */
    public static final class Builder {
        private final Architecture plugin;
        private final SectionType relocations;
        private final Path work;
        private Optional<PsAbi> psAbi = Optional.empty();
        private final List<KitFixture> fixtures = new ArrayList<>();
        private final List<Vector> vectors = new ArrayList<>();
        private Optional<Binutils> binutils = Optional.empty();
        private String withoutLd = "";
        private Optional<Execution> execution = Optional.empty();
        private String withoutExecution = "";
        private Optional<List<Architecture>> installed = Optional.empty();
        private Set<KitCheck> checks = EnumSet.allOf(KitCheck.class);

        private Builder(Architecture plugin, SectionType relocations, Path work) {
            this.plugin = plugin;
            this.relocations = relocations;
            this.work = work;
        }

        /** The psABI table the plugin ships ({@link PsAbiTable#read}) and what its G means. */
        public Builder psAbi(PsAbiTable table, PsAbiCalculation.G g) {
            this.psAbi = Optional.of(new PsAbi(table, g));
            return this;
        }

        /** Adds a fixture: held against the plugin's class, linked by the table and (if marked) ld checks. */
        public Builder fixture(KitFixture f) {
            fixtures.add(f);
            return this;
        }

        /** Adds vectors ({@link Vectors#read}); every type a profile applies needs a pass and a fail vector. */
        public Builder vectors(List<Vector> v) {
            vectors.addAll(v);
            return this;
        }

        /** The differential links the {@link KitFixture#withLd} fixtures with these tools. */
        public Builder binutils(Binutils b) {
            this.binutils = Optional.of(b);
            this.withoutLd = "";
            return this;
        }

        /** There is no GNU ld for this architecture; the differential reports {@code why} and is skipped. */
        public Builder withoutLd(String why) {
            this.binutils = Optional.empty();
            this.withoutLd = why;
            return this;
        }

        /** The execution check runs this matrix with the plugin. */
        public Builder execution(Execution e) {
            this.execution = Optional.of(e);
            this.withoutExecution = "";
            return this;
        }

        /** The host cannot run this architecture's code; the execution check reports {@code why} and is skipped. */
        public Builder withoutExecution(String why) {
            this.execution = Optional.empty();
            this.withoutExecution = why;
            return this;
        }

        /** The architectures installed beside the plugin, instead of what ServiceLoader finds. */
        public Builder installed(List<Architecture> others) {
            this.installed = Optional.of(others);
            return this;
        }

        /** Only these checks (while developing a plugin; a conformance run uses all). */
        public Builder only(KitCheck first, KitCheck... rest) {
            this.checks = EnumSet.of(first, rest);
            return this;
        }

        /** The spec; what it lacks, the checks report when they run ("checked nothing", "declares neither"). */
        public KitSpec build() {
            return new KitSpec(plugin, relocations, psAbi, fixtures, vectors, binutils, withoutLd, execution,
                    withoutExecution, installed, checks, work);
        }
    }
}
