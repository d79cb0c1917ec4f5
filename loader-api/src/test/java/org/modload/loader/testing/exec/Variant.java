package org.modload.loader.testing.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One way of compiling the test programs: gcc's code-generation flags, and the flags that build
 * the same objects into a normal executable (the expected output comes from running that).
 *
 * @param flags the compile flags, e.g. {@code -O2 -fPIC -mcmodel=large}
 * @param executableFlags how {@code gcc} links the objects into the reference executable:
 *     {@code -no-pie} for {@code -fno-pic} code, which cannot be a PIE, else {@code -pie}
 */
public record Variant(List<String> flags, List<String> executableFlags) {
    public Variant {
        flags = List.copyOf(flags);
        executableFlags = List.copyOf(executableFlags);
    }

    /** The variant of these compile flags. */
    public static Variant of(String... flags) {
        boolean pic = !Arrays.asList(flags).contains("-fno-pic");
        return new Variant(List.of(flags), List.of(pic ? "-pie" : "-no-pie"));
    }

    /** Every optimisation level of {@code opts} with every code model of {@code models}, opts outermost. */
    public static List<Variant> product(List<String> opts, List<List<String>> models) {
        List<Variant> all = new ArrayList<>();
        for (String opt : opts) {
            for (List<String> model : models) {
                List<String> f = new ArrayList<>();
                f.add(opt);
                f.addAll(model);
                all.add(of(f.toArray(String[]::new)));
            }
        }
        return List.copyOf(all);
    }

    /** The flags joined by spaces, as the matrix shows the variant. */
    public String name() {
        return String.join(" ", flags);
    }

    @Override
    public String toString() {
        return name();
    }
}
