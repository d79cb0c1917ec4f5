package org.modload.kernel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.modload.loader.elf.Machine;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;

/**
 * ServiceLoader finds the three plugins on the module path, where they are named modules that
 * {@code provides} the service. The class-path case (META-INF/services) is
 * {@code architecture.ClassPathDiscoveryTest}, which runs in the class-path surefire execution.
 */
class DiscoveryTest {

    @Test
    void findsEachArchitectureOnce() {
        List<Architecture> all = Architectures.installed().all();
        assertEquals(List.of(Machine.EM_386, Machine.EM_IA_64, Machine.EM_X86_64),
                all.stream().map(Architecture::machine).toList());
    }

    @Test
    void pluginsAreNamedModulesOnTheModulePath() {
        Module self = DiscoveryTest.class.getModule();
        for (Architecture a : Architectures.installed().all()) {
            Module m = a.getClass().getModule();
            assertTrue(self.isNamed(), "surefire runs this test on the module path");
            assertTrue(m.isNamed(), a.getClass() + " is on the module path");
            assertTrue(m.getName().startsWith("org.modload.arch."), m.getName());
            assertTrue(m.getDescriptor().provides().stream()
                    .anyMatch(p -> p.service().equals(Architecture.class.getName())));
        }
    }
}
