package org.modload.loader.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.modload.loader.diag.ArchitectureException;
import org.modload.loader.elf.ElfClass;
import org.modload.loader.elf.Machine;
import org.modload.loader.reloc.RelocationType;

/** The registry's duplicate check and lookups, with plugins constructed directly. */
class ArchitecturesTest {

    private record Fake(Machine machine) implements Architecture {
        @Override
        public ElfClass elfClass() {
            return ElfClass.ELFCLASS64;
        }

        @Override
        public ByteOrder byteOrder() {
            return ByteOrder.LITTLE_ENDIAN;
        }

        @Override
        public long moduleAreaBase() {
            return 0;
        }

        @Override
        public Optional<RelocationType> relocationType(int rType) {
            return Optional.empty();
        }

        @Override
        public long implicitAddend(RelocationSite site) {
            return 0;
        }

        @Override
        public boolean applies(RelocationType type, Profile profile) {
            return false;
        }
    }

    @Test
    void twoProvidersForOneMachineAreRejected() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Architectures.of(List.of(new Fake(Machine.EM_X86_64), new Fake(Machine.EM_X86_64))));
        assertTrue(e.getMessage().startsWith("two architectures are installed for e_machine EM_X86_64: "
                + Fake.class.getName()), e.getMessage());
    }

    @Test
    void lookupByMachineAndAClearRefusal() {
        Architectures a = Architectures.of(List.of(new Fake(Machine.EM_X86_64), new Fake(Machine.EM_386)));
        assertEquals(Machine.EM_386, a.all().get(0).machine());
        assertTrue(a.find(Machine.EM_X86_64).isPresent());
        ArchitectureException e = assertThrows(ArchitectureException.class,
                () -> a.require(new Machine(183), "m.ko"));
        assertEquals("m.ko: no architecture is installed for e_machine EM_AARCH64 (installed: EM_386, EM_X86_64)",
                e.getMessage());
        assertEquals("EM_AARCH64", e.machine());
    }

    @Test
    void unknownRelocationNamesPrintTheirNumber() {
        assertEquals("unknown(99)", new Fake(Machine.EM_X86_64).relocationName(99));
    }
}
