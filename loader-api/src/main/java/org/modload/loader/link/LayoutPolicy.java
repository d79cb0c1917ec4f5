package org.modload.loader.link;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/** How the engine places an object's allocated sections. */
public sealed interface LayoutPolicy {

    /**
     * Linux's {@code layout_sections()}: core then init, each grouped by the kernel's five flag
     * masks (text, read-only, ro-after-init, writable, small data), page-aligned between
     * groups, alignment honoured, {@code .init*} sections in init. Core starts at {@code base};
     * init follows core on the next page unless {@code initBase} says where it goes (Linux
     * allocates the two regions separately).
     *
     * <p>What Linux's loader decides around {@code layout_sections()} can be said too, for the
     * sections of the link's first (for a kernel, only) object, by index: {@code unallocated}
     * sections are treated as not allocated (Linux clears SHF_ALLOC of {@code .modinfo} and
     * {@code __versions}: they are not placed, their relocations are not applied and their
     * symbols count as address 0 plus st_value); {@code detached} sections are placed at the
     * address given, outside both regions (Linux's per-cpu section: its symbols take that
     * address, its bytes are not part of the image and its relocations are not applied, as
     * Linux skips the relocations of sections it does not allocate); {@code reservations} are
     * appended to their region in order, after every section and table, each at its alignment,
     * and the region is then page-aligned again ({@code layout_symtab()}).
     *
     * @param base where core starts
     * @param initBase where init starts; empty: on the page after core
     * @param unallocated section indices of the first object treated as not allocated
     * @param detached section index of the first object to its address outside the image
     * @param reservations memory appended to core and init, in order
     */
    record Linux(long base, OptionalLong initBase, Set<Integer> unallocated, Map<Integer, Long> detached,
            List<Reservation> reservations) implements LayoutPolicy {

        public Linux {
            unallocated = Set.copyOf(unallocated);
            detached = Map.copyOf(detached);
            reservations = List.copyOf(reservations);
            Set<String> names = new HashSet<>();
            for (Reservation r : reservations) {
                if (!names.add(r.name())) {
                    throw new IllegalArgumentException("two reservations are called " + r.name());
                }
            }
            for (Integer i : detached.keySet()) {
                if (unallocated.contains(i)) {
                    throw new IllegalArgumentException("section " + i + " is both unallocated and detached");
                }
            }
        }

        /** Core at {@code base}, init on the page after it, nothing else said. */
        public Linux(long base) {
            this(base, OptionalLong.empty(), Set.of(), Map.of(), List.of());
        }

        /** This policy with init starting at {@code address}. */
        public Linux initAt(long address) {
            return new Linux(base, OptionalLong.of(address), unallocated, detached, reservations);
        }

        /** This policy with the given sections of the first object treated as not allocated. */
        public Linux withUnallocated(Set<Integer> sections) {
            return new Linux(base, initBase, sections, detached, reservations);
        }

        /** This policy with the given sections of the first object placed at their own addresses. */
        public Linux withDetached(Map<Integer, Long> sections) {
            return new Linux(base, initBase, unallocated, sections, reservations);
        }

        /** This policy with {@code appended} reserved at the ends of their regions. */
        public Linux withReservations(List<Reservation> appended) {
            return new Linux(base, initBase, unallocated, detached, appended);
        }
    }

    /**
     * Sections (and tables) named in {@code addresses} are pinned there; the rest are laid out
     * as {@link Linux} from the first page at or above both {@code base} and the highest pinned
     * end (pass 0 as {@code base} to follow the pinned sections directly).
     */
    record Explicit(Map<String, Long> addresses, long base) implements LayoutPolicy {
        public Explicit {
            addresses = Map.copyOf(addresses);
        }
    }
}
