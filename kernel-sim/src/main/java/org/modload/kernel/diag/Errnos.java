package org.modload.kernel.diag;

import org.modload.kernel.model.Errno;
import org.modload.loader.diag.ArchitectureException;
import org.modload.loader.diag.DuplicateSymbolException;
import org.modload.loader.diag.LayoutException;
import org.modload.loader.diag.LoaderException;
import org.modload.loader.diag.MalformedElfException;
import org.modload.loader.diag.RelocationException;
import org.modload.loader.diag.UnresolvedSymbolException;

/**
 * The one place where input errors become errno values, as Linux's {@code load_module()} answers
 * them: whatever is wrong with the bytes of a module (ELF structure, relocation, layout,
 * architecture, {@code .modinfo}, signature trailer) is ENOEXEC; an unknown symbol is ENOENT. Input
 * errors outside a load have the errno a tool reports for them: a malformed kernel image ENOEXEC,
 * a malformed Module.symvers EINVAL, a dependency cycle ELOOP, an unreadable module tree ENOENT,
 * a compressed module that does not decompress EINVAL (as the kernel's own decompression answers).
 * A module signature that does not verify answers as module_sig_check() does, by its reason:
 * unsigned ENODATA, malformed EBADMSG, unsupported crypto ENOPKG, a PKCS#7 kind the parser
 * refuses EINVAL, no such key ENOKEY, a signature that does not verify EKEYREJECTED; a keyring
 * certificate that cannot be read is EBADMSG, as x509_cert_parse() answers.
 * Both families are sealed; a test checks that every subclass has its row here.
 */
public final class Errnos {
    private Errnos() {
    }

    /** The errno for a refusal of the loader. */
    public static Errno of(LoaderException e) {
        if (e instanceof UnresolvedSymbolException) {
            return Errno.ENOENT;
        }
        // A duplicate definition across objects cannot arise in a one-object module load; as
        // Linux refuses a module exporting a duplicate symbol, it is ENOEXEC.
        if (e instanceof MalformedElfException || e instanceof RelocationException || e instanceof LayoutException
                || e instanceof ArchitectureException || e instanceof DuplicateSymbolException) {
            return Errno.ENOEXEC;
        }
        throw new IllegalArgumentException("no errno for " + e.getClass().getName());
    }

    /** The errno for a kernel-side input error. */
    public static Errno of(KernelInputException e) {
        if (e instanceof MalformedModuleException || e instanceof KernelImageException) {
            return Errno.ENOEXEC;
        }
        if (e instanceof SymversFormatException) {
            return Errno.EINVAL;
        }
        if (e instanceof DependencyCycleException) {
            return Errno.ELOOP;
        }
        if (e instanceof ModuleTreeException) {
            return Errno.ENOENT;
        }
        if (e instanceof ModuleSignatureException s) {
            return of(s.reason());
        }
        if (e instanceof CertificateFormatException) {
            return Errno.EBADMSG;
        }
        // Linux's module_decompress() answers a stream it cannot decompress with EINVAL.
        if (e instanceof CompressedDataException) {
            return Errno.EINVAL;
        }
        throw new IllegalArgumentException("no errno for " + e.getClass().getName());
    }

    /** The errno module_sig_check() returns for a signature that fails for {@code reason}. */
    public static Errno of(ModuleSignatureException.Reason reason) {
        return switch (reason) {
            case UNSIGNED -> Errno.ENODATA;
            case MALFORMED -> Errno.EBADMSG;
            case UNSUPPORTED -> Errno.ENOPKG;
            case INVALID -> Errno.EINVAL;
            case NO_KEY -> Errno.ENOKEY;
            case REJECTED -> Errno.EKEYREJECTED;
        };
    }
}
