package org.modload.kernel.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the layering rules over all five modules (main classes only), and over a deliberately
 * violating fixture to show that every rule can fail. Runs from the class path (see pom).
 */
class ArchitectureRulesTest {
    private static final String FIXTURE = "org.modload.kernel.architecture.fixture";

    private static final JavaClasses MODLOAD = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("org.modload");

    private static final JavaClasses VIOLATIONS = new ClassFileImporter().importPackages(FIXTURE);

    static Stream<LayeringRules.Named> modloadRules() {
        return Stream.concat(LayeringRules.all("org.modload").stream(), KernelRules.all("org.modload").stream());
    }

    static Stream<LayeringRules.Named> fixtureRules() {
        return Stream.concat(LayeringRules.all(FIXTURE).stream(), KernelRules.all(FIXTURE).stream());
    }

    @Test
    void allFiveModulesAreImported() {
        List<String> modules = List.of("org.modload.loader.elf", "org.modload.loader.link", "org.modload.arch.i386",
                "org.modload.arch.x86_64", "org.modload.arch.ia64", "org.modload.kernel.cli");
        for (String p : modules) {
            assertTrue(MODLOAD.containPackage(p) && !MODLOAD.getPackage(p).getClasses().isEmpty(), p);
        }
    }

    /** The package table is not vacuous: every package it names holds main classes. */
    @Test
    void everyPackageOfTheKernelTableHasClasses() {
        for (String p : List.of("org.modload.kernel", "org.modload.kernel.model", "org.modload.kernel.diag",
                "org.modload.kernel.core", "org.modload.kernel.boot", "org.modload.kernel.proc", "org.modload.kernel.tree",
                "org.modload.kernel.insmod", "org.modload.kernel.image", "org.modload.kernel.modinfo", "org.modload.kernel.symvers",
                "org.modload.kernel.depmod", "org.modload.kernel.sig", "org.modload.kernel.compress", "org.modload.kernel.cli")) {
            assertTrue(MODLOAD.containPackage(p) && !MODLOAD.getPackage(p).getClasses().isEmpty(), p);
        }
    }

    /** Each row of the table that the fixture breaks is reported, by the class that breaks it. */
    @Test
    void theKernelTableCatchesEachRowsViolation() {
        LayeringRules.Named table = KernelRules.all(FIXTURE).get(0);
        String report = String.join("\n", table.rule().evaluate(VIOLATIONS).getFailureReport().getDetails());
        for (String bad : List.of("kernel.model.BadModel", "kernel.image.BadImage", "kernel.proc.BadProc",
                "kernel.diag.BadKernelDiag", "kernel.insmod.BadInsmod", "kernel.sig.BadSig", "kernel.compress.BadCompress",
                "kernel.sys.BadSys")) {
            assertTrue(report.contains(FIXTURE + "." + bad), bad + " not reported:\n" + report);
        }
        assertFalse(report.contains("BadBoot.image"), "boot may use image:\n" + report);
        assertFalse(report.contains("BadCompress.diag"), "compress may use diag:\n" + report);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modloadRules")
    void modloadFollowsTheRule(LayeringRules.Named r) {
        r.rule().check(MODLOAD);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureRules")
    void theRuleCatchesItsViolation(LayeringRules.Named r) {
        EvaluationResult result = r.rule().evaluate(VIOLATIONS);
        assertTrue(result.hasViolation(), "rule '" + r.name() + "' found no violation in the fixture");
        assertFalse(result.getFailureReport().getDetails().isEmpty());
    }
}
