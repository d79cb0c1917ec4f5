package org.modload.kernel.model;

/** The errno values the module system answers with, numbered as Linux's asm-generic errno.h numbers them. */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    EINTR(4, "Interrupted system call"),
    ENOEXEC(8, "Exec format error"),
    EWOULDBLOCK(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    EINVAL(22, "Invalid argument"),
    ENOSYS(38, "Function not implemented"),
    ELOOP(40, "Too many levels of symbolic links"),
    ENODATA(61, "No data available"),
    ENOPKG(65, "Package not installed"),
    EBADMSG(74, "Bad message"),
    ENOKEY(126, "Required key not available"),
    EKEYREJECTED(129, "Key was rejected by service");

    private final int number;
    private final String text;

    Errno(int number, String text) {
        this.number = number;
        this.text = text;
    }

    /** The positive errno number. */
    public int number() {
        return number;
    }

    /** strerror's text, as kmod prints it. */
    public String text() {
        return text;
    }

    /** The errno numbered {@code number}, or EINVAL for one the module system never returns. */
    public static Errno ofNumber(int number) {
        for (Errno e : values()) {
            if (e.number == number) {
                return e;
            }
        }
        return EINVAL;
    }
}
