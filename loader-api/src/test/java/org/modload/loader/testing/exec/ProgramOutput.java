package org.modload.loader.testing.exec;

/**
 * What a run of a test program showed: everything the oracle compares.
 *
 * @param stdout the program's standard output
 * @param stderr the program's standard error
 * @param status its exit status (128 + N when killed by signal N, -1 when killed for running too long)
 */
public record ProgramOutput(String stdout, String stderr, int status) {

    /** The first way {@code other} differs from this (expected) output, or null when equal. */
    public String difference(ProgramOutput other) {
        if (status != other.status) {
            return "exit status " + other.status + ", expected " + status + describeSignal(other.status);
        }
        if (!stdout.equals(other.stdout)) {
            return "stdout differs: expected " + excerpt(stdout) + ", got " + excerpt(other.stdout);
        }
        if (!stderr.equals(other.stderr)) {
            return "stderr differs: expected " + excerpt(stderr) + ", got " + excerpt(other.stderr);
        }
        return null;
    }

    private static String describeSignal(int status) {
        if (status == -1) {
            return " (killed: it ran longer than " + RunImage.RUN_TIMEOUT.toSeconds() + " s)";
        }
        // A status of 128 + N is also what a process killed by signal N reports; named for the
        // signals a broken image dies of, since a program may exit with any of the others.
        String signal = switch (status) {
            case 132 -> "SIGILL";
            case 134 -> "SIGABRT";
            case 135 -> "SIGBUS";
            case 136 -> "SIGFPE";
            case 139 -> "SIGSEGV";
            default -> null;
        };
        return signal == null ? "" : " (the status of a process killed by " + signal + ")";
    }

    private static String excerpt(String s) {
        String one = s.replace("\n", "\\n");
        return "\"" + (one.length() > 120 ? one.substring(0, 120) + "..." : one) + "\"";
    }
}
