package org.modload.kernel.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.List;

import com.tngtech.archunit.lang.ArchRule;

import org.modload.loader.spi.Architectures;

/**
 * kernel-sim's package table (README, "kernel-sim's packages") as ArchUnit rules, parameterized
 * by the root package so that they run against modload and against the deliberately violating
 * classes of {@code fixture.kernel}. The layered rule is the table itself: each package and the
 * packages it may use; the others say what the table cannot.
 */
final class KernelRules {
    private KernelRules() {
    }

    /** The packages of the table, by layer name. */
    static final List<String> LAYERS = List.of("Facade", "Model", "Diag", "Core", "Boot", "Proc", "Sys", "Tree", "Insmod",
            "Image", "Modinfo", "Symvers", "Depmod", "Modprobe", "Sig", "Compress", "Cli");

    static List<LayeringRules.Named> all(String root) {
        String kernel = root + ".kernel";
        return List.of(
            new LayeringRules.Named("kernel-sim's packages use only the packages the table allows", table(kernel)),
            new LayeringRules.Named("kernel-sim's packages are free of cycles",
                slices().matching(kernel + ".(**)").should().beFreeOfCycles()),
            new LayeringRules.Named("only the command line and Kernel.boot(config) discover architectures",
                noClasses().that().resideInAPackage(kernel + "..").and().resideOutsideOfPackage(kernel + ".cli..")
                    .and().doNotHaveFullyQualifiedName(kernel + ".Kernel")
                    .should().callMethod(Architectures.class, "installed")),
            new LayeringRules.Named("kernel-side exceptions are the diag family, besides the system call's refusal",
                classes().that().areAssignableTo(Throwable.class).and().resideInAPackage(kernel + "..")
                    .and().resideOutsideOfPackage(kernel + ".cli..")
                    .and().doNotHaveFullyQualifiedName(kernel + ".model.KernelException")
                    .should().resideInAPackage(kernel + ".diag..")));
    }

    private static ArchRule table(String kernel) {
        return layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true)
            .layer("Facade").definedBy(kernel)
            .layer("Model").definedBy(kernel + ".model..")
            .layer("Diag").definedBy(kernel + ".diag..")
            .layer("Core").definedBy(kernel + ".core..")
            .layer("Boot").definedBy(kernel + ".boot..")
            .layer("Proc").definedBy(kernel + ".proc..")
            .layer("Sys").definedBy(kernel + ".sys..")
            .layer("Tree").definedBy(kernel + ".tree..")
            .layer("Insmod").definedBy(kernel + ".insmod..")
            .layer("Image").definedBy(kernel + ".image..")
            .layer("Modinfo").definedBy(kernel + ".modinfo..")
            .layer("Symvers").definedBy(kernel + ".symvers..")
            .layer("Depmod").definedBy(kernel + ".depmod..")
            .layer("Modprobe").definedBy(kernel + ".modprobe..")
            .layer("Sig").definedBy(kernel + ".sig..")
            .layer("Compress").definedBy(kernel + ".compress..")
            .layer("Cli").definedBy(kernel + ".cli..")
            .whereLayer("Facade").mayOnlyAccessLayers("Core", "Model")
            .whereLayer("Model").mayNotAccessAnyLayer()
            .whereLayer("Diag").mayOnlyAccessLayers("Model")
            .whereLayer("Core").mayOnlyAccessLayers("Model", "Diag", "Modinfo", "Sig")
            .whereLayer("Core").mayOnlyBeAccessedByLayers("Facade")
            .whereLayer("Boot").mayOnlyAccessLayers("Model", "Image", "Symvers", "Sig")
            .whereLayer("Proc").mayOnlyAccessLayers("Facade", "Model")
            .whereLayer("Sys").mayOnlyAccessLayers("Facade", "Model")
            .whereLayer("Tree").mayOnlyAccessLayers("Facade", "Model", "Diag", "Modinfo", "Insmod", "Compress")
            .whereLayer("Insmod").mayOnlyAccessLayers("Facade", "Model", "Diag", "Modinfo")
            .whereLayer("Image").mayOnlyAccessLayers("Diag", "Compress")
            .whereLayer("Modinfo").mayOnlyAccessLayers("Diag")
            .whereLayer("Symvers").mayOnlyAccessLayers("Diag")
            .whereLayer("Depmod").mayOnlyAccessLayers("Diag", "Modinfo", "Compress")
            .whereLayer("Modprobe").mayOnlyAccessLayers("Model", "Depmod")
            .whereLayer("Sig").mayOnlyAccessLayers("Diag", "Model")
            .whereLayer("Compress").mayOnlyAccessLayers("Diag")
            .whereLayer("Cli").mayOnlyAccessLayers("Facade", "Model", "Diag", "Boot", "Proc", "Sys", "Tree", "Insmod",
                    "Image", "Modinfo", "Symvers", "Depmod", "Modprobe", "Sig", "Compress")
            .whereLayer("Cli").mayNotBeAccessedByAnyLayer();
    }
}
