package org.modload.kernel.modprobe;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.modload.kernel.model.Errno;

/**
 * The kernel modprobe works on, as libkmod sees it through {@code /sys/module} and the two
 * system calls: what is loaded, its references and holders, {@code init_module} and
 * {@code delete_module}.
 */
public interface ModprobeTarget {

    /** {@code /sys/module/NAME/initstate} of a loaded module. */
    enum State {
        LIVE, COMING, GOING
    }

    /** The module's state, empty when it is not loaded. */
    Optional<State> state(String name);

    /** {@code /sys/module/NAME/refcnt}, or -1 when the module is not loaded. */
    int refcount(String name);

    /** {@code /sys/module/NAME/holders}. */
    List<String> holders(String name);

    /**
     * {@code init_module} of one module file.
     *
     * @param request what to insert
     */
    Inserted insert(InsertRequest request);

    /** {@code delete_module(name, O_NONBLOCK | (force ? O_TRUNC : 0))}: empty on success, else the errno. */
    Optional<Errno> remove(String name, boolean force);

    /**
     * One insertion.
     *
     * @param name the module's name
     * @param path its file, as modprobe prints it
     * @param options the parameters modprobe passes ({@code options} lines joined, then the
     *                command line's for the module asked for), as the string {@code init_module} gets;
     *                empty for none. Module parameters are not applied yet: this is where they arrive.
     * @param asked whether this is the module asked for, not a dependency or soft dependency
     */
    record InsertRequest(String name, String path, String options, boolean asked) {
        public InsertRequest {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(options, "options");
        }
    }

    /**
     * How an insertion ended.
     *
     * @param error the errno init_module failed with, empty on success
     * @param killed whether the inserting process was killed (modprobe stops there)
     */
    record Inserted(Optional<Errno> error, boolean killed) {
        public Inserted {
            Objects.requireNonNull(error, "error");
        }

        public static Inserted ok() {
            return new Inserted(Optional.empty(), false);
        }

        public static Inserted failed(Errno e) {
            return new Inserted(Optional.of(e), false);
        }

        public static Inserted killedProcess() {
            return new Inserted(Optional.empty(), true);
        }
    }
}
