package org.modload.kernel.modprobe;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.modload.kernel.depmod.Fnmatch;

/**
 * A modprobe configuration as libkmod keeps it ({@code struct kmod_config}): each directive in
 * the order the files were read. Names are stored with dashes already turned into underscores
 * (outside brackets), as {@code kmod_config_parse} stores them.
 *
 * @param aliases {@code alias PATTERN MODULE}
 * @param blacklist {@code blacklist MODULE}
 * @param options {@code options MODULE TEXT}
 * @param softdeps {@code softdep PATTERN pre: ... post: ...}
 * @param installs {@code install MODULE COMMAND}
 * @param removes {@code remove MODULE COMMAND}
 */
public record ModprobeConfig(List<Alias> aliases, List<String> blacklist, List<Options> options,
        List<Softdep> softdeps, List<Command> installs, List<Command> removes) {

    /** No configuration at all. */
    public static final ModprobeConfig EMPTY = new ModprobeConfig(List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of());

    public ModprobeConfig {
        aliases = List.copyOf(aliases);
        blacklist = List.copyOf(blacklist);
        options = List.copyOf(options);
        softdeps = List.copyOf(softdeps);
        installs = List.copyOf(installs);
        removes = List.copyOf(removes);
    }

    /** {@code alias PATTERN MODULE}: the pattern is matched with {@code fnmatch}. */
    public record Alias(String pattern, String module) {
        public Alias {
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(module, "module");
        }
    }

    /** {@code options MODULE TEXT}: the text as written after one separator, tabs turned into spaces. */
    public record Options(String module, String text) {
        public Options {
            Objects.requireNonNull(module, "module");
            Objects.requireNonNull(text, "text");
        }
    }

    /** {@code softdep PATTERN pre: A B post: C}. */
    public record Softdep(String pattern, List<String> pre, List<String> post) {
        public Softdep {
            Objects.requireNonNull(pattern, "pattern");
            pre = List.copyOf(pre);
            post = List.copyOf(post);
        }
    }

    /** {@code install MODULE COMMAND} or {@code remove MODULE COMMAND}. */
    public record Command(String module, String command) {
        public Command {
            Objects.requireNonNull(module, "module");
            Objects.requireNonNull(command, "command");
        }
    }

    /** {@code kmod_module_get_options}: every options text for the module's name or alias, joined by spaces; null if none. */
    String optionsOf(String name, String alias) {
        List<String> texts = new ArrayList<>();
        for (Options o : options) {
            if ((o.module().equals(name) || o.module().equals(alias)) && !o.text().isEmpty()) {
                texts.add(o.text());
            }
        }
        return texts.isEmpty() ? null : String.join(" ", texts);
    }

    /** {@code module_is_blacklisted}: by module name, exactly. */
    boolean blacklisted(String name) {
        return blacklist.contains(name);
    }

    /** {@code kmod_module_get_softdeps}: the first softdep whose pattern matches the name. */
    Optional<Softdep> softdepOf(String name) {
        return softdeps.stream().filter(s -> Fnmatch.matches(s.pattern(), name)).findFirst();
    }

    /** {@code kmod_module_get_install_commands}: the first install whose module (a pattern) matches. */
    Optional<String> installOf(String name) {
        return installs.stream().filter(c -> Fnmatch.matches(c.module(), name)).map(Command::command).findFirst();
    }

    /** {@code kmod_module_get_remove_commands}. */
    Optional<String> removeOf(String name) {
        return removes.stream().filter(c -> Fnmatch.matches(c.module(), name)).map(Command::command).findFirst();
    }
}
