package org.modload.loader.testing.kit.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modload.loader.reloc.Formula;
import org.modload.loader.reloc.Overflow;
import org.modload.loader.reloc.RelocationType;
import org.modload.loader.spi.Applied;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Need;
import org.modload.loader.spi.Profile;
import org.modload.loader.spi.Reach;
import org.modload.loader.spi.RelocationSite;
import org.modload.loader.testing.kit.ConformanceKit;
import org.modload.loader.testing.kit.ForwardingArchitecture;
import org.modload.loader.testing.kit.KitCheck;
import org.modload.loader.testing.kit.KitReport;
import org.modload.loader.testing.kit.KitSpec;
import org.modload.loader.testing.kit.Outcome;
import org.opentest4j.TestAbortedException;

/**
 * Every check of the kit can fail: deliberately broken variants of the toy architecture (each
 * {@link ForwardingArchitecture} to the toy but for one mistake), or of its spec, each rejected by the check
 * it breaks and for the reason it breaks it (the message asserted), while the other selected
 * checks still pass. The failure messages are printed.
 */
class BrokenToysTest {
    private static final ToyArchitecture TOY = new ToyArchitecture();

    @TempDir
    Path work;

    private KitReport run(Architecture arch, UnaryOperator<KitSpec.Builder> tweak) {
        KitReport r = ConformanceKit.run(tweak.apply(ToyKit.spec(arch, work)).build());
        r.failures().forEach(f -> System.out.println(f.line()));
        return r;
    }

    /** The one failure of {@code check}'s probe {@code probe}, asserting which checks failed at all. */
    private static String failure(KitReport r, KitCheck check, String probe, Set<KitCheck> failing) {
        assertEquals(failing, r.failures().stream().map(KitReport.Result::check)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(KitCheck.class))), r::summary);
        assertTrue(!r.passes(), "the run passes");
        List<KitReport.Result> f = r.failures(check).stream().filter(x -> x.probe().equals(probe)).toList();
        assertEquals(1, f.size(), () -> "no failure of " + check + " / " + probe + ":\n" + r.summary());
        return ((Outcome.Failed) f.get(0).outcome()).message();
    }

    // --- SPI contract --------------------------------------------------------------------------

    /** A second plugin of another class for EM_X86_64. */
    private static final class OtherX86 extends ForwardingArchitecture {
        OtherX86() {
            super(TOY);
        }
    }

    @Test
    void aSecondPluginForTheSameMachineIsRefused() {
        KitReport r = run(TOY, b -> b.installed(List.of(new OtherX86())).only(KitCheck.CONTRACT));
        String m = failure(r, KitCheck.CONTRACT, "e_machine is unique", EnumSet.of(KitCheck.CONTRACT));
        assertEquals("two architectures are installed for e_machine EM_X86_64: " + OtherX86.class.getName()
                + " (module org.modload.loader) and " + ToyArchitecture.class.getName() + " (module org.modload.loader)",
                m);
    }

    @Test
    void aByteOrderTheFixturesDoNotHaveIsRefused() {
        Architecture big = new ForwardingArchitecture(TOY) {
            @Override
            public java.nio.ByteOrder byteOrder() {
                return java.nio.ByteOrder.BIG_ENDIAN;
            }
        };
        KitReport r = run(big, b -> b.only(KitCheck.CONTRACT));
        String m = failure(r, KitCheck.CONTRACT, "class, byte order and relocation sections agree with the fixtures",
                EnumSet.of(KitCheck.CONTRACT));
        assertEquals("toy-kernel.o: ELFDATA2LSB, the plugin's byte order is BIG_ENDIAN\n"
                + "toy-permissive.o: ELFDATA2LSB, the plugin's byte order is BIG_ENDIAN", m);
    }

    @Test
    void aFormulaWhoseGotTheProfileDoesNotDefineIsRefused() {
        Architecture noGot = new ForwardingArchitecture(TOY) {
            @Override
            public List<String> linkSymbolNames(Profile profile) {
                return List.of();
            }
        };
        KitReport r = run(noGot, b -> b.only(KitCheck.CONTRACT));
        String m = failure(r, KitCheck.CONTRACT, "every row is well-formed", EnumSet.of(KitCheck.CONTRACT));
        assertEquals("3 problems:\n"
                + "relocationType(9) = R_X86_64_GOTPCREL: applied in PERMISSIVE, its formula G + GOT + A - P needs GOT,"
                + " but linkSymbolNames(PERMISSIVE) has no _GLOBAL_OFFSET_TABLE_\n"
                + "relocationType(41) = R_X86_64_GOTPCRELX: applied in PERMISSIVE, its formula G + GOT + A - P needs GOT,"
                + " but linkSymbolNames(PERMISSIVE) has no _GLOBAL_OFFSET_TABLE_\n"
                + "relocationType(42) = R_X86_64_REX_GOTPCRELX: applied in PERMISSIVE, its formula G + GOT + A - P needs"
                + " GOT, but linkSymbolNames(PERMISSIVE) has no _GLOBAL_OFFSET_TABLE_", m);
    }

    @Test
    void aPluginWithStateIsRefused() {
        AtomicInteger calls = new AtomicInteger();
        Architecture flaky = new ForwardingArchitecture(TOY) {
            @Override
            public boolean applies(RelocationType type, Profile profile) {
                // A cache that forgets: every other answer for R_X86_64_64 in KERNEL is wrong.
                boolean right = inner.applies(type, profile);
                return type.number() == 1 && profile == Profile.KERNEL && calls.incrementAndGet() % 2 == 0 ? !right
                        : right;
            }
        };
        KitReport r = run(flaky, b -> b.only(KitCheck.CONTRACT));
        String m = failure(r, KitCheck.CONTRACT, "lookups are deterministic", EnumSet.of(KitCheck.CONTRACT));
        assertEquals("applies(R_X86_64_64, KERNEL) changed between two calls", m);
    }

    // --- psABI table ---------------------------------------------------------------------------

    /** The toy with one row replaced; the toy's own code still sees its constant. */
    private static class RowSwap extends ForwardingArchitecture {
        private final RelocationType row;

        RowSwap(RelocationType row) {
            super(TOY);
            this.row = row;
        }

        @Override
        public Optional<RelocationType> relocationType(int rType) {
            return rType == row.number() ? Optional.of(row) : inner.relocationType(rType);
        }

        private RelocationType own(RelocationType type) {
            return inner.relocationType(type.number()).orElse(type);
        }

        @Override
        public boolean applies(RelocationType type, Profile profile) {
            return type == row && inner.relocationType(type.number()).isEmpty() ? true : inner.applies(own(type), profile);
        }
    }

    private static RelocationType toyRow(int number) {
        return TOY.relocationType(number).orElseThrow();
    }

    @Test
    void aFormulaThatIsNotThePsAbisIsRefused() {
        Architecture wrong = new RowSwap(BrokenRow.withFormula(toyRow(2), Formula.S_A));
        KitReport r = run(wrong, b -> b.only(KitCheck.PSABI));
        String m = failure(r, KitCheck.PSABI, "every psABI row has its constant", EnumSet.of(KitCheck.PSABI));
        assertTrue(m.startsWith("1 rows differ from the psABI:\nR_X86_64_PC32 (2): calculation: psABI 'S + A - P',"
                + " enum 'S + A': evaluates to "), m);
        assertTrue(m.contains(" where the psABI's text gives "), m);
    }

    @Test
    void aConstantThePsAbiTableDoesNotHaveIsRefused() {
        RelocationType gotoff = new BrokenRow("R_X86_64_GOTOFF64", 25, org.modload.loader.reloc.Field.WORD64,
                Overflow.NONE, Formula.S_A_GOT);
        Architecture extra = new RowSwap(gotoff);
        KitReport r = run(extra, b -> b.only(KitCheck.PSABI));
        String m = failure(r, KitCheck.PSABI, "every constant has its psABI row", EnumSet.of(KitCheck.PSABI));
        assertEquals("constants the psABI table does not have: R_X86_64_GOTOFF64 (25)", m);
    }

    // --- refusals ------------------------------------------------------------------------------

    @Test
    void anUnknownNumberThatThrowsIsRefused() {
        Architecture throwing = new ForwardingArchitecture(TOY) {
            @Override
            public Optional<RelocationType> relocationType(int rType) {
                return Optional.of(inner.relocationType(rType).orElseThrow(
                        () -> new IllegalArgumentException("no toy relocation type " + rType)));
            }
        };
        KitReport r = run(throwing, b -> b.only(KitCheck.CONTRACT, KitCheck.REFUSALS));
        String m = failure(r, KitCheck.REFUSALS, "numbers without a row are refused as unknown (KERNEL)",
                EnumSet.of(KitCheck.CONTRACT, KitCheck.REFUSALS));
        assertTrue(m.startsWith("35 of 35 numbers:\nunknown(3): the link threw java.lang.IllegalArgumentException: no toy"
                + " relocation type 3, not the refusal 'kit.o:(.data+0x0): unsupported relocation type unknown(3);"
                + " references 'kit_sym''\n"), m);
        String c = failure(r, KitCheck.CONTRACT, "every row is well-formed", EnumSet.of(KitCheck.CONTRACT,
                KitCheck.REFUSALS));
        assertTrue(c.contains("relocationType(3) threw java.lang.IllegalArgumentException: no toy relocation type 3; a"
                + " number without a row must give Optional.empty(), so that the engine refuses it as unknown(3)"), c);
    }

    // --- vectors, differential, execution: one formula off by one ------------------------------

    /** PC32 one too high: caught by its vectors, by GNU ld and by running the programs. */
    @Test
    void aPc32OffByOneIsCaughtByVectorsLdAndExecution() {
        Architecture offByOne = new ForwardingArchitecture(TOY) {
            @Override
            public void write(RelocationSite site, Applied a, Profile profile) {
                boolean pc32 = a.row().number() == 2;
                inner.write(site, pc32 ? new Applied(a.row(), a.need(), a.operands(), a.value() + 1) : a, profile);
            }
        };
        KitReport r = run(offByOne, b -> b);
        String v = failure(r, KitCheck.VECTORS, "vectors.txt:12 pass R_X86_64_PC32 KERNEL",
                EnumSet.of(KitCheck.VECTORS, KitCheck.DIFFERENTIAL, KitCheck.EXECUTION));
        assertEquals("vectors.txt:12 pass R_X86_64_PC32 KERNEL: .text: expected 488d3d390000c2, the engine wrote"
                + " 488d3d3a0000c2 (first difference at +0x3)", v);
        String ld = failure(r, KitCheck.DIFFERENTIAL, "toy-kernel.o (KERNEL)", EnumSet.of(KitCheck.VECTORS,
                KitCheck.DIFFERENTIAL, KitCheck.EXECUTION));
        assertEquals("toy-kernel.o: 3 differences from GNU ld:\n"
                + ".text (section 1)+0x19: engine e4ffffc1488d351d, ld e3ffffc1488d351c\n"
                + ".data (section 3)+0x8: engine 622523c100000000, ld 612523c100000000\n"
                + ".init.text (section 6)+0x8: engine fdefffffc3, ld fcefffffc3", ld);
        String exec = failure(r, KitCheck.EXECUTION, "X86_64: 3 programs x 2 variants x 2 placements",
                EnumSet.of(KitCheck.VECTORS, KitCheck.DIFFERENTIAL, KitCheck.EXECUTION));
        assertTrue(exec.startsWith("12 cells not as specified (cells: pass 0,"), exec);
    }

    @Test
    void aRangeCheckLeftOutIsCaughtByTheBoundaryVector() {
        Architecture unchecked = new RowSwap(BrokenRow.withOverflow(toyRow(11), Overflow.NONE));
        KitReport r = run(unchecked, b -> b.only(KitCheck.CONTRACT, KitCheck.PSABI, KitCheck.VECTORS));
        String m = failure(r, KitCheck.VECTORS, "vectors.txt:29 fail R_X86_64_32S KERNEL", EnumSet.of(KitCheck.VECTORS));
        assertEquals("vectors.txt:29 fail R_X86_64_32S KERNEL: must be refused (OUT_OF_RANGE), but the engine wrote"
                + " 48c7c000000080", m);
    }

    @Test
    void aTypeWithoutVectorsIsRefused() {
        KitReport r = run(TOY, b -> b.only(KitCheck.VECTORS));
        assertTrue(r.passes(), r::summary);
        KitSpec full = ToyKit.spec(TOY, work).only(KitCheck.VECTORS).build();
        KitSpec withoutPc64 = copy(full, full.vectors().stream().filter(v -> !v.type().equals("R_X86_64_PC64")).toList());
        KitReport gap = ConformanceKit.run(withoutPc64);
        gap.failures().forEach(f -> System.out.println(f.line()));
        String m = failure(gap, KitCheck.VECTORS, "every applied type has its vectors", EnumSet.of(KitCheck.VECTORS));
        assertEquals("2 gaps in the vectors:\nR_X86_64_PC64 (applied in [KERNEL, PERMISSIVE]): no pass vector\n"
                + "R_X86_64_PC64 (applied in [KERNEL, PERMISSIVE]): no boundary-fail vector", m);
        KitReport none = ConformanceKit.run(copy(full, List.of()));
        assertEquals("checked nothing: the spec has no vectors (every type a profile applies needs a pass vector and a"
                + " boundary-fail vector)", failure(none, KitCheck.VECTORS, "every applied type has its vectors",
                        EnumSet.of(KitCheck.VECTORS)));
    }

    private static KitSpec copy(KitSpec s, List<org.modload.loader.testing.kit.Vector> vectors) {
        return new KitSpec(s.plugin(), s.relocations(), s.psAbi(), s.fixtures(), vectors, s.binutils(), s.withoutLd(),
                s.execution(), s.withoutExecution(), s.installed(), s.checks(), s.work());
    }

    // --- tables --------------------------------------------------------------------------------

    @Test
    void aRuleThatReadsThePlaceInsteadOfItsReachIsRefused() {
        Architecture readsPlace = new ForwardingArchitecture(TOY) {
            @Override
            public Need need(RelocationSite site, Profile profile, Reach reach) {
                // site.place() is 0 while the core counts: this rule asks for stubs it never counted.
                Need n = inner.need(site, profile, reach);
                return site.typeName().equals("R_X86_64_PLT32") && site.place() == 0 ? Need.NONE : n;
            }
        };
        KitReport r = run(readsPlace, b -> b.only(KitCheck.TABLES));
        String m = failure(r, KitCheck.TABLES, "toy-permissive.o (PERMISSIVE)", EnumSet.of(KitCheck.TABLES));
        assertTrue(m.startsWith("link: the core's table service refused the plugin's rule: toy-permissive.o:(.text+0x1a):"
                + " .plt entry for EntryKey[kind=.plt, target=EntryKey[kind=.got, target=SymbolKey[referent=Imported"
                + "[name=ext_func], addend=0]]] was not counted before layout"), m);
    }

    @Test
    void aRuleThatIsNoUpperBoundBeforeLayoutIsRefused() {
        Architecture optimistic = new ForwardingArchitecture(TOY) {
            @Override
            public Need need(RelocationSite site, Profile profile, Reach reach) {
                // Before layout nothing is known; this rule hopes every call will reach.
                return site.typeName().equals("R_X86_64_PLT32") && !reach.laidOut() ? Need.NONE
                        : inner.need(site, profile, reach);
            }
        };
        KitReport r = run(optimistic, b -> b.only(KitCheck.TABLES));
        String m = failure(r, KitCheck.TABLES, "toy-permissive.o (PERMISSIVE)", EnumSet.of(KitCheck.TABLES));
        assertEquals("toy-permissive.o: .plt: 2 entries after layout, but 0 counted before it; before layout the rule"
                + " must answer an upper bound (Reach.UNKNOWN)\n.got: 4 entries after layout, but 3 counted before it;"
                + " before layout the rule must answer an upper bound (Reach.UNKNOWN)", m);
    }

    @Test
    void tablesNoFixtureNeedsCheckNothing() {
        KitSpec full = ToyKit.spec(TOY, work).only(KitCheck.TABLES).build();
        KitSpec kernelOnly = new KitSpec(full.plugin(), full.relocations(), full.psAbi(),
                full.fixtures().subList(0, 1), full.vectors(), full.binutils(), full.withoutLd(), full.execution(),
                full.withoutExecution(), full.installed(), full.checks(), full.work());
        KitReport r = ConformanceKit.run(kernelOnly);
        r.failures().forEach(f -> System.out.println(f.line()));
        assertEquals("checked nothing: the plugin builds tables, but no fixture of a profile with entry kinds needs an"
                + " entry (add a fixture whose relocations need GOT/PLT/descriptor entries)",
                failure(r, KitCheck.TABLES, "some fixture needs a table entry", EnumSet.of(KitCheck.TABLES)));
    }

    // --- differential and execution: declared, or said why not -----------------------------------

    @Test
    void aSpecMustSayWhyItHasNoLdOrExecution() {
        KitSpec full = ToyKit.spec(TOY, work).only(KitCheck.DIFFERENTIAL, KitCheck.EXECUTION).build();
        KitSpec silent = new KitSpec(full.plugin(), full.relocations(), full.psAbi(), full.fixtures(), full.vectors(),
                Optional.empty(), "", Optional.empty(), "", full.installed(), full.checks(), full.work());
        KitReport r = ConformanceKit.run(silent);
        r.failures().forEach(f -> System.out.println(f.line()));
        Set<KitCheck> both = EnumSet.of(KitCheck.DIFFERENTIAL, KitCheck.EXECUTION);
        assertEquals("the spec declares neither binutils(...) nor withoutLd(why)",
                failure(r, KitCheck.DIFFERENTIAL, "GNU ld", both));
        assertEquals("the spec declares neither execution(...) nor withoutExecution(why)",
                failure(r, KitCheck.EXECUTION, "execution", both));
    }

    // --- a run in which nothing ran ------------------------------------------------------------

    @Test
    void aRunInWhichNoCheckRanFails() throws Throwable {
        KitSpec onlySkipped = ToyKit.spec(TOY, work).only(KitCheck.EXECUTION)
                .withoutExecution("this host cannot run the toy's code").build();
        KitReport r = ConformanceKit.run(onlySkipped);
        assertEquals(List.of(), r.failures());
        assertEquals(1, r.skipped().size());
        assertEquals(List.of(KitReport.NOTHING_RAN), r.problems());
        assertTrue(!r.passes());
        // And as JUnit runs it: the skipped probe aborts, then the last test fails.
        List<DynamicNode> nodes = ConformanceKit.tests(onlySkipped).toList();
        assertEquals(2, nodes.size());
        DynamicContainer execution = assertInstanceOf(DynamicContainer.class, nodes.get(0));
        List<DynamicTest> tests = new ArrayList<>();
        execution.getChildren().forEach(n -> tests.add((DynamicTest) n));
        assertThrows(TestAbortedException.class, () -> tests.get(0).getExecutable().execute());
        DynamicTest last = assertInstanceOf(DynamicTest.class, nodes.get(1));
        AssertionError e = assertThrows(AssertionError.class, () -> last.getExecutable().execute());
        assertEquals(KitReport.NOTHING_RAN, e.getMessage());
        System.out.println("[FAIL] " + last.getDisplayName() + ": " + e.getMessage());
    }
}
