package org.modload.kernel.modprobe;

/**
 * How kmod's tools print a message ({@code tools/log.c}): {@code PROGRAM: PRIORITY: text} on
 * standard error. With {@code -s} kmod sends {@code PRIORITY: text} to syslog under the ident
 * {@code PROGRAM} and the daemon facility; the simulation has no syslog daemon, so such a line is
 * written to standard error as syslog(3) hands it to {@code /dev/log}, without the timestamp:
 * {@code <PRI>PROGRAM: PRIORITY: text}, PRI being 24 (daemon) plus the priority.
 */
public final class Messages {
    /** syslog's priorities, as kmod uses them. */
    public static final int LOG_EMERG = 0;
    public static final int LOG_CRIT = 2;
    public static final int LOG_ERR = 3;
    public static final int LOG_WARNING = 4;
    public static final int LOG_NOTICE = 5;

    private static final int LOG_DAEMON = 3 << 3;

    private Messages() {
    }

    /** kmod's {@code prio_to_str}. */
    public static String priorityName(int prio) {
        switch (prio) {
            case LOG_CRIT:
                return "FATAL";
            case LOG_ERR:
                return "ERROR";
            case LOG_WARNING:
                return "WARNING";
            case LOG_NOTICE:
                return "NOTICE";
            case 6:
                return "INFO";
            case 7:
                return "DEBUG";
            default:
                return String.format("LOG-%03d", prio);
        }
    }

    /** One message line, without its newline. */
    public static String line(String program, int prio, String text, boolean syslog) {
        String line = program + ": " + priorityName(prio) + ": " + text;
        return syslog ? "<" + (LOG_DAEMON + prio) + ">" + line : line;
    }
}
