package org.modload.kernel.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.modload.loader.elf.Machine;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;

/** ServiceLoader finds the three plugins on the class path through META-INF/services. */
class ClassPathDiscoveryTest {

    @Test
    void findsEachArchitectureThroughMetaInfServices() {
        assertFalse(Architecture.class.getModule().isNamed(), "this execution runs on the class path");
        List<Architecture> all = Architectures.installed().all();
        assertEquals(List.of(Machine.EM_386, Machine.EM_IA_64, Machine.EM_X86_64),
                all.stream().map(Architecture::machine).toList());
        all.forEach(a -> assertFalse(a.getClass().getModule().isNamed()));
    }
}
