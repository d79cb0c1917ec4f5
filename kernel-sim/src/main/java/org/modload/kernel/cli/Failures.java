package org.modload.kernel.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

import org.modload.loader.diag.LoaderException;

import picocli.CommandLine;

/** Turns a failed command into one line on standard error and exit status 1. */
final class Failures implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        cl.getErr().println(message(ex));
        cl.getErr().flush();
        return 1;
    }

    static String message(Throwable ex) {
        if (ex instanceof LoaderException le) {
            return le.getMessage();
        }
        if (ex instanceof RuntimeException && ex.getClass().getPackageName().startsWith("org.modload.")
                && ex.getMessage() != null) {
            return ex.getMessage(); // our refusals are located and complete (KernelException, image, symvers...)
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
        if (ex instanceof IllegalStateException || ex instanceof IllegalArgumentException) {
            return "modload: " + ex.getMessage();
        }
        return "modload: internal error: " + ex;
    }
}
