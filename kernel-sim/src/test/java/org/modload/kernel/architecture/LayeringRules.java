package org.modload.kernel.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.util.List;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import com.tngtech.archunit.library.GeneralCodingRules;

/**
 * The rules of DESIGN.md section 1 and 4, as a table, parameterized by the root package so that
 * the same rules run against modload ({@code org.modload}) and against a small deliberately
 * violating class set (to show each rule can fail).
 */
final class LayeringRules {
    private LayeringRules() {
    }

    record Named(String name, ArchRule rule) {
    }

    static List<Named> all(String root) {
        String elf = root + ".loader.elf..";
        String diag = root + ".loader.diag..";
        String reloc = root + ".loader.reloc..";
        String link = root + ".loader.link..";
        String spi = root + ".loader.spi..";
        String arch = root + ".arch..";
        String cli = root + ".kernel.cli..";
        return List.of(
            new Named("diag depends on nothing of ours",
                noClasses().that().resideInAPackage(diag).should().dependOnClassesThat()
                    .resideInAnyPackage(elf, reloc, link, spi, arch, root + ".kernel..")),
            new Named("elf depends only on diag",
                noClasses().that().resideInAPackage(elf).should().dependOnClassesThat()
                    .resideInAnyPackage(reloc, link, spi, arch, root + ".kernel..")),
            new Named("reloc depends only on diag",
                noClasses().that().resideInAPackage(reloc).should().dependOnClassesThat()
                    .resideInAnyPackage(elf, link, spi, arch, root + ".kernel..")),
            new Named("spi uses elf, reloc and diag only; link drives spi",
                noClasses().that().resideInAPackage(spi).should().dependOnClassesThat()
                    .resideInAnyPackage(link, arch, root + ".kernel..")),
            new Named("the loader does not know the kernel",
                noClasses().that().resideInAPackage(root + ".loader..").should().dependOnClassesThat()
                    .resideInAnyPackage(root + ".kernel..")),
            new Named("nothing outside an arch module names its classes",
                noClasses().that().resideOutsideOfPackage(arch).should().dependOnClassesThat()
                    .resideInAPackage(arch)),
            new Named("arch modules are independent of each other",
                slices().matching(root + ".arch.(*)..").should().notDependOnEachOther()),
            new Named("no package cycles",
                slices().matching(root + ".(**)").should().beFreeOfCycles()),
            new Named("no reflection",
                noClasses().that().resideInAPackage(root + "..").should().dependOnClassesThat()
                    .resideInAPackage("java.lang.reflect..")
                    .orShould().callMethod(Class.class, "forName", String.class)
                    .orShould().callMethod(Class.class, "getDeclaredMethods")
                    .orShould().callMethod(Class.class, "getDeclaredFields")
                    .orShould().callMethod(Class.class, "getDeclaredConstructors")),
            new Named("no standard streams in library code",
                noClasses().that().resideInAPackage(root + "..").and().resideOutsideOfPackage(cli)
                    .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)),
            new Named("no Guava types in public signatures",
                ArchRuleDefinition.methods().that().arePublic().and().areDeclaredInClassesThat()
                    .resideInAPackage(root + "..").should(notExposeGuava())));
    }

    private static ArchCondition<JavaMethod> notExposeGuava() {
        DescribedPredicate<JavaClass> guava = JavaClass.Predicates.resideInAPackage("com.google.common..");
        return new ArchCondition<>("not expose Guava types") {
            @Override
            public void check(JavaMethod m, ConditionEvents events) {
                boolean bad = guava.test(m.getRawReturnType())
                        || m.getRawParameterTypes().stream().anyMatch(guava::test);
                if (bad) {
                    events.add(SimpleConditionEvent.violated(m, m.getFullName() + " exposes a Guava type"));
                }
            }
        };
    }
}
