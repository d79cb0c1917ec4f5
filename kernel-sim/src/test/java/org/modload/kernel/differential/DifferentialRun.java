package org.modload.kernel.differential;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import org.modload.loader.diag.LoaderException;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.link.LoadedImage;
import org.modload.loader.link.SymbolResolver;
import org.modload.loader.spi.Architecture;
import org.modload.loader.spi.Architectures;
import org.modload.kernel.Corpora;
import org.modload.loader.testing.LdDifferential;

/**
 * Runs the ld differential over many objects in parallel and tallies the outcome: identical,
 * different, or refused by the engine (with its located message).
 */
final class DifferentialRun {

    /** One object's outcome. */
    record Outcome(Path object, LdDifferential.Comparison comparison, String refusal) {
        boolean identical() {
            return refusal == null && comparison.identical();
        }

        String describe() {
            return refusal != null ? object + ": engine refused: " + refusal
                    : object + ": " + String.join("; ", comparison.differences());
        }
    }

    /** The totals of one run. */
    record Totals(int objects, int identical, long sections, long bytes, long relocations, List<Outcome> failures) {
    }

    private DifferentialRun() {
    }

    /**
     * An image linked by someone else (kernel-sim's load of a module), to compare with ld as it
     * is: the module file (compressed or not) and the image, which may be the retained one a
     * loaded module keeps (its plan without the object: the object is read again from the file).
     */
    record Linked(Path object, LoadedImage image) {
    }

    /** Compares each image with GNU ld's link of its object at the image's addresses, in parallel. */
    static Totals runImages(List<Linked> images, Path scratch) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                Linked l = images.get(i);
                Path work = scratch.resolve(Integer.toString(i));
                futures.add(pool.submit(() -> {
                    Files.createDirectories(work);
                    try {
                        // GNU ld reads no compressed module: a Debian 13 .ko.xz is compared as xz -dc restores it.
                        Path plain = Corpora.plain(l.object(), work.resolve("plain"));
                        ElfFile obj = ElfFile.parse(plain.getFileName().toString(),
                                ByteBuffer.wrap(Files.readAllBytes(plain)));
                        LdDifferential ld = LdDifferential.forMachine(obj.machine());
                        return new Outcome(l.object(), ld.compare(plain, obj, l.image(), work), null);
                    } finally {
                        LdDifferential.deleteTree(work);
                    }
                }));
            }
            return totals(images.size(), futures);
        } finally {
            pool.shutdownNow();
        }
    }

    static Totals run(List<Path> objects, Function<Architecture, SymbolResolver> resolvers, Path scratch)
            throws InterruptedException {
        Architectures archs = Architectures.installed();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < objects.size(); i++) {
                Path object = objects.get(i);
                Path work = scratch.resolve(Integer.toString(i));
                futures.add(pool.submit(() -> one(object, archs, resolvers, work)));
            }
            return totals(objects.size(), futures);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Totals totals(int count, List<Future<Outcome>> futures) throws InterruptedException {
        int identical = 0;
        long sections = 0;
        long bytes = 0;
        long relocations = 0;
        List<Outcome> failures = new ArrayList<>();
        for (Future<Outcome> f : futures) {
            Outcome o = get(f);
            if (o.identical()) {
                identical++;
            } else {
                failures.add(o);
            }
            if (o.comparison() != null) {
                sections += o.comparison().sections();
                bytes += o.comparison().bytes();
                relocations += o.comparison().relocations();
            }
        }
        return new Totals(count, identical, sections, bytes, relocations, failures);
    }

    private static Outcome one(Path object, Architectures archs, Function<Architecture, SymbolResolver> resolvers,
            Path work) throws IOException {
        Files.createDirectories(work);
        try {
            // GNU ld reads no compressed module: a Debian 13 .ko.xz is compared as xz -dc restores it.
            Path plain = Corpora.plain(object, work.resolve("plain"));
            String name = plain.getFileName().toString();
            ElfFile header = ElfFile.parse(name, ByteBuffer.wrap(Files.readAllBytes(plain)));
            Architecture arch = archs.require(header.machine(), name);
            LdDifferential ld = LdDifferential.forMachine(arch.machine());
            return new Outcome(object, ld.compare(plain, arch, resolvers.apply(arch), work), null);
        } catch (LoaderException e) {
            return new Outcome(object, null, e.getMessage());
        } finally {
            LdDifferential.deleteTree(work);
        }
    }

    private static Outcome get(Future<Outcome> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }

}
