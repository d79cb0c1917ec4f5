package org.modload.kernel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.function.BooleanSupplier;

import org.modload.kernel.diag.KernelInputException;
import org.modload.kernel.model.KernelException;
import org.modload.loader.diag.LoaderException;

import picocli.CommandLine;

/**
 * Turns a failed command into its exit status and one line on standard error, chosen by the
 * failure's type: a refusal of the kernel, the loader or a kernel-side input reader is 1 with
 * its located message; an unreadable file 1 with its path; a usage error 2; anything else is a
 * bug, 1 with "internal error". A stack trace is printed only with {@code --debug}.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {
    /** Exit status of a load or input error. */
    static final int INPUT = 1;
    /** Exit status of a usage error, as picocli gives for parse errors. */
    static final int USAGE = 2;

    private final BooleanSupplier debug;

    Failures(BooleanSupplier debug) {
        this.debug = debug;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (ex instanceof UsageException u) {
            err.println("modload: " + u.getMessage());
            cl.usage(err);
            err.flush();
            return USAGE;
        }
        err.println(message(ex));
        if (debug.getAsBoolean()) {
            ex.printStackTrace(err);
        }
        err.flush();
        return INPUT;
    }

    /** The one line for a failure that is not a usage error. */
    static String message(Throwable ex) {
        if (ex instanceof KernelException || ex instanceof LoaderException || ex instanceof KernelInputException) {
            return ex.getMessage(); // located and complete
        }
        if (ex instanceof InputFileException) {
            return "modload: " + ex.getMessage();
        }
        if (ex instanceof UncheckedIOException u) {
            return message(u.getCause());
        }
        if (ex instanceof NoSuchFileException nf) {
            return "modload: " + nf.getFile() + ": no such file";
        }
        if (ex instanceof IOException io) {
            return "modload: " + io.getMessage();
        }
        return "modload: internal error: " + ex + (ex.getStackTrace().length > 0
                ? " (at " + ex.getStackTrace()[0] + "; --debug shows the stack trace)" : "");
    }
}
