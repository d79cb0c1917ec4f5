package org.modload.kernel.tree;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.modload.kernel.Kernel;
import org.modload.kernel.LoadOptions;
import org.modload.kernel.compress.ModuleFiles;
import org.modload.kernel.diag.DependencyCycleException;
import org.modload.kernel.diag.Errnos;
import org.modload.kernel.diag.KernelInputException;
import org.modload.kernel.insmod.Insmod;
import org.modload.kernel.model.Errno;
import org.modload.kernel.model.KernelException;
import org.modload.kernel.modinfo.ModuleInfo;
import org.modload.kernel.modinfo.ModuleSignature;
import org.modload.loader.diag.LoaderException;
import org.modload.loader.elf.ElfFile;

/**
 * Loads a whole module tree into one kernel, each module after the modules its
 * {@code .modinfo depends} names (as modprobe would), in name order otherwise. With several
 * threads, modules whose dependencies are done load in parallel, as independent
 * {@code insmod}s do; which modules load, their references and edges are the same for any
 * number of threads (their addresses are not: the module area is handed out in load order).
 * A module on a dependency cycle is reported and not loaded.
 */
public final class TreeLoader {

    /** One module that did not load: its name, the errno and the located reason. */
    public record Failure(String module, Errno errno, String reason) {
        public Failure {
            Objects.requireNonNull(module, "module");
            Objects.requireNonNull(errno, "errno");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The outcome of loading a tree.
     *
     * @param loaded how many modules went LIVE
     * @param total how many files were given
     * @param failures the files that could not be read or repeat a module name already given (in
     *     the order given), then the modules that did not load (in load order)
     */
    public record Result(int loaded, int total, List<Failure> failures) {
        public Result {
            failures = List.copyOf(failures);
        }
    }

    /** What a module file says about its place in the order. */
    private record Entry(String name, Path path, List<String> depends) {
    }

    private TreeLoader() {
    }

    /** {@link #load(Kernel, List, LoadOptions, int)} on one thread. */
    public static Result load(Kernel kernel, List<Path> modules, LoadOptions options) {
        return load(kernel, modules, options, 1);
    }

    /**
     * Loads every file of {@code modules} into {@code kernel} in dependency order, on
     * {@code threads} threads; returns when every module is LIVE or has failed. Compressed files
     * ({@code .ko.gz}, {@code .ko.xz}, {@code .ko.zst}, by content) are decompressed first. Of two
     * files with one module name the first given loads and the other fails with EEXIST, naming both.
     *
     * @throws UncheckedIOException when a file cannot be read
     * @throws IllegalArgumentException when {@code threads} is not positive
     */
    public static Result load(Kernel kernel, List<Path> modules, LoadOptions options, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            return new Run(kernel, options, threads, pool).load(modules);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * {@link #load(Kernel, List, LoadOptions, int)} on the caller's {@code pool}, which must have
     * at least {@code threads} threads and is left running: a benchmark keeps its threads across
     * passes to measure what they allocate.
     *
     * @throws UncheckedIOException when a file cannot be read
     * @throws IllegalArgumentException when {@code threads} is not positive
     */
    public static Result load(Kernel kernel, List<Path> modules, LoadOptions options, ExecutorService pool,
            int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        return new Run(kernel, options, threads, pool).load(modules);
    }

    /**
     * The module names a module file's .modinfo {@code depends} lists.
     *
     * @throws IOException when the file cannot be read
     * @throws LoaderException when it is not a valid ELF object
     * @throws KernelInputException when its signature trailer or .modinfo is malformed
     */
    public static List<String> depends(Path file) throws IOException {
        return entry(file).depends();
    }

    private static Entry entry(Path p) throws IOException {
        return entry(p, ModuleFiles.read(p));
    }

    private static Entry entry(Path p, ByteBuffer image) {
        String file = p.getFileName().toString();
        ElfFile obj = ElfFile.parse(file, ModuleSignature.unsignedContent(file, image));
        ModuleInfo info = ModuleInfo.read(obj).orElse(new ModuleInfo(List.of()));
        return new Entry(info.moduleName(file), p, info.dependsModuleNames());
    }

    /** One tree load: the order, then a ready queue that the pool's threads drain. */
    private static final class Run {
        private final Kernel kernel;
        private final LoadOptions options;
        private final int threads;
        private final ExecutorService pool;
        private final AtomicInteger loaded = new AtomicInteger();
        /**
         * Decompressed images from the first reading of the tree, kept for the load while they
         * fit {@link #budget}: a tree is read twice (its order, then the load), and decompressing
         * twice would cost more than the load itself. A plain module is memory-mapped instead
         * (the kernel keeps only the sections it copies), which costs the heap nothing.
         */
        private final Map<Path, ByteBuffer> decompressed = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.concurrent.atomic.AtomicLong kept = new java.util.concurrent.atomic.AtomicLong();
        /** An eighth of the heap: a whole Debian tree (500 MB decompressed) under a default heap on 8 GB or more. */
        private final long budget = Runtime.getRuntime().maxMemory() / 8;
        /** Guards everything below. */
        private final Object lock = new Object();
        private final PriorityQueue<Integer> ready = new PriorityQueue<>();
        private final Map<String, Integer> waitingFor = new HashMap<>();
        private final Map<Integer, Failure> failed = new TreeMap<>();
        private int left;
        private DependencyGraph graph;
        private Map<String, Entry> byName;
        private Map<String, Integer> rank;

        Run(Kernel kernel, LoadOptions options, int threads, ExecutorService pool) {
            this.kernel = kernel;
            this.options = options;
            this.threads = threads;
            this.pool = pool;
        }

        Result load(List<Path> modules) {
            List<Failure> unreadable = new ArrayList<>();
            byName = new TreeMap<>();
            for (Object o : readAll(modules)) {
                if (o instanceof Entry e) {
                    Entry first = byName.putIfAbsent(e.name(), e);
                    if (first != null) {
                        // The kernel would refuse the second of a name (EEXIST): report it, never drop it.
                        unreadable.add(new Failure(e.name(), Errno.EEXIST, e.path() + ": duplicate module name "
                                + e.name() + ", also " + first.path() + " (loaded instead)"));
                    }
                } else {
                    unreadable.add((Failure) o);
                }
            }
            Map<String, List<String>> depends = new HashMap<>();
            byName.forEach((n, e) -> depends.put(n, e.depends()));
            graph = DependencyGraph.of(depends);
            List<String> order = graph.order();
            rank = new HashMap<>();
            for (int i = 0; i < order.size(); i++) {
                rank.put(order.get(i), i);
            }
            synchronized (lock) {
                left = order.size();
                for (String n : order) {
                    if (graph.onCycles().contains(n)) {
                        continue;
                    }
                    // A dependency on a cycle counts too: it is done (reported) below.
                    int pending = graph.dependencies(n).size();
                    waitingFor.put(n, pending);
                    if (pending == 0) {
                        ready.add(rank.get(n));
                    }
                }
                for (String n : order) {
                    if (graph.onCycles().contains(n)) {
                        DependencyCycleException e = new DependencyCycleException(graph.cycleThrough(n).orElseThrow(),
                                graph.onCycles().size());
                        done(n, new Failure(n, Errnos.of(e), n + ": " + e.getMessage()));
                    }
                }
            }
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(this::work));
            }
            await(workers);
            List<Failure> failures = new ArrayList<>(unreadable);
            failures.addAll(failed.values());
            return new Result(loaded.get(), modules.size(), failures);
        }

        /** Each file's entry or its failure, in path order, read on the pool's threads. */
        private List<Object> readAll(List<Path> modules) {
            List<Future<Object>> reads = new ArrayList<>();
            for (Path p : modules) {
                reads.add(pool.submit(() -> read(p)));
            }
            List<Object> out = new ArrayList<>();
            for (Future<Object> f : reads) {
                out.add(result(f));
            }
            return out;
        }

        private Object read(Path p) throws IOException {
            String file = p.getFileName().toString();
            try {
                ByteBuffer image = ModuleFiles.read(p);
                Entry e = entry(p, image);
                // ModuleFiles maps a plain file; anything else was decompressed into the heap.
                if (!(image instanceof MappedByteBuffer) && kept.addAndGet(image.capacity()) <= budget) {
                    decompressed.put(p, image);
                }
                return e;
            } catch (LoaderException e) {
                return new Failure(ModuleInfo.fileModuleName(file), Errnos.of(e), e.getMessage());
            } catch (KernelInputException e) {
                return new Failure(ModuleInfo.fileModuleName(file), Errnos.of(e), e.getMessage());
            }
        }

        /** A worker: loads ready modules, lowest rank first, until every module is done. */
        private Void work() throws IOException {
            while (true) {
                String name;
                synchronized (lock) {
                    while (ready.isEmpty() && left > 0) {
                        try {
                            lock.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return null;
                        }
                    }
                    if (left == 0) {
                        return null;
                    }
                    name = graph.order().get(ready.poll());
                }
                Failure failure = null;
                try {
                    Path p = byName.get(name).path();
                    ByteBuffer image = decompressed.remove(p);
                    Insmod.insert(kernel, p.getFileName().toString(), image != null ? image : ModuleFiles.read(p), options);
                    loaded.incrementAndGet();
                } catch (KernelException e) {
                    failure = new Failure(name, e.errno(), e.getMessage());
                } catch (IOException | RuntimeException e) {
                    synchronized (lock) {
                        // A bug or an unreadable file: stop every worker, report it from load().
                        left = 0;
                        lock.notifyAll();
                    }
                    throw e;
                }
                synchronized (lock) {
                    done(name, failure);
                }
            }
        }

        /** With the lock: {@code name} is done; its dependents may now be ready. */
        private void done(String name, Failure failure) {
            if (left == 0) {
                return;
            }
            if (failure != null) {
                failed.put(rank.get(name), failure);
            }
            left--;
            for (String user : graph.dependents(name)) {
                Integer w = waitingFor.get(user);
                if (w != null) {
                    waitingFor.put(user, w - 1);
                    if (w == 1) {
                        ready.add(rank.get(user));
                    }
                }
            }
            lock.notifyAll();
        }

        private static void await(List<Future<?>> workers) {
            for (Future<?> f : workers) {
                result(f);
            }
        }

        private static <T> T result(Future<T> f) {
            try {
                return f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while loading a tree", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof IOException io) {
                    throw new UncheckedIOException(io);
                }
                if (c instanceof RuntimeException r) {
                    throw r;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(c);
            }
        }
    }
}
