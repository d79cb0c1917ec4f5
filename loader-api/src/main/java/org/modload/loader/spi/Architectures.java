package org.modload.loader.spi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

import org.modload.loader.diag.ArchitectureException;
import org.modload.loader.diag.Location;
import org.modload.loader.elf.Machine;

/**
 * The set of installed architectures, one per e_machine. Immutable. {@link #installed()} wraps
 * a single {@link ServiceLoader} call, which works on the module path (through {@code uses} /
 * {@code provides}) and on the class path (through {@code META-INF/services}).
 */
public final class Architectures {
    private final Map<Machine, Architecture> byMachine;

    private Architectures(Map<Machine, Architecture> byMachine) {
        this.byMachine = byMachine;
    }

    /**
     * Every architecture that {@link ServiceLoader} finds for this module's class loader or
     * module layer.
     *
     * @throws IllegalStateException when two providers claim one e_machine
     */
    public static Architectures installed() {
        List<Architecture> found = new ArrayList<>();
        ServiceLoader.load(Architecture.class, Architecture.class.getClassLoader()).forEach(found::add);
        return of(found);
    }

    /**
     * The given architectures, checked for duplicates separately from discovery so that the
     * check can be tested.
     *
     * @throws IllegalStateException when two of them claim one e_machine
     */
    public static Architectures of(Collection<? extends Architecture> architectures) {
        Map<Machine, Architecture> map = new LinkedHashMap<>();
        List<Architecture> sorted = new ArrayList<>(architectures);
        sorted.sort(Comparator.comparingInt(a -> a.machine().value()));
        for (Architecture a : sorted) {
            Architecture prior = map.putIfAbsent(a.machine(), a);
            if (prior != null) {
                throw new IllegalStateException("two architectures are installed for e_machine " + a.machine()
                        + ": " + describe(prior) + " and " + describe(a));
            }
        }
        return new Architectures(Map.copyOf(map));
    }

    private static String describe(Architecture a) {
        Module m = a.getClass().getModule();
        return a.getClass().getName() + (m.isNamed() ? " (module " + m.getName() + ")" : " (class path)");
    }

    /** The installed architectures ordered by e_machine number. */
    public List<Architecture> all() {
        return byMachine.values().stream().sorted(Comparator.comparingInt(a -> a.machine().value()))
                .collect(Collectors.toUnmodifiableList());
    }

    /** The architecture for {@code machine}, if installed. */
    public Optional<Architecture> find(Machine machine) {
        return Optional.ofNullable(byMachine.get(machine));
    }

    /**
     * The architecture for {@code machine}.
     *
     * @param file the object's name, for the message
     * @throws ArchitectureException when none is installed
     */
    public Architecture require(Machine machine, String file) {
        Architecture a = byMachine.get(machine);
        if (a == null) {
            throw new ArchitectureException(Location.ofFile(file), machine.specName(),
                    "no architecture is installed for e_machine " + machine + " (installed: "
                            + all().stream().map(x -> x.machine().specName()).collect(Collectors.joining(", ")) + ")");
        }
        return a;
    }
}
