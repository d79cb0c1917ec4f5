package org.modload.kernel;

/** The errno values the module system answers with, as Linux numbers them on x86. */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    ENOEXEC(8, "Exec format error"),
    EWOULDBLOCK(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    EINVAL(22, "Invalid argument"),
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
}
