package org.modload.loader.testing.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One C test program of the execution oracle: its sources (test resources under
 * {@code programs/}, one object each) and the flags it always needs. Output never depends on
 * addresses, so every way of building and loading it must print the same.
 *
 * @param name the program's name in the matrix
 * @param sources the resource names of its C files, one object each, in link order
 * @param extraFlags compile flags it always adds to the variant's
 */
public record TestProgram(String name, List<String> sources, List<String> extraFlags) {
    public TestProgram {
        sources = List.copyOf(sources);
        extraFlags = List.copyOf(extraFlags);
    }

    private static TestProgram single(String name, String... extraFlags) {
        return new TestProgram(name, List.of(name + ".c"), List.of(extraFlags));
    }

    /** The programs, each small and aimed at one kind of reference. */
    public static List<TestProgram> all() {
        return List.of(
                single("libc_calls"),                // libc calls, qsort/bsearch calling back
                single("fnptr_switch"),              // function pointer tables, jump tables
                single("data"),                      // global/static/const data, literals, pointers in data
                single("weak"),                      // weak undefined: one resolved, two absent
                single("libc_data"),                 // stdout, stderr, optind, errno
                single("sections", "-ffunction-sections", "-fdata-sections"),
                single("large"),                     // arrays past the medium model's threshold
                new TestProgram("split", List.of("split_main.c", "split_lib.c"), List.of()));
    }

    /** Copies the sources into {@code dir}; returns their paths in order. */
    public List<Path> writeSources(Path dir) {
        return sources.stream().map(s -> copyResource("programs/" + s, dir.resolve(s))).toList();
    }

    /** The object file name of source {@code i}. */
    public String objectName(int i) {
        String s = sources.get(i);
        return s.substring(0, s.length() - 2) + ".o";
    }

    /** Copies a resource of this package to {@code target}. */
    static Path copyResource(String resource, Path target) {
        try (InputStream in = TestProgram.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            Files.copy(in, target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
