package org.modload.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.modload.kernel.modinfo.ModuleInfo;
import org.modload.kernel.modinfo.ModuleSignature;
import org.modload.kernel.modinfo.ModuleVersions;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Symbol;

/**
 * Reads what the loader needs before layout: the appended signature's extent (stripped before
 * the ELF checks, as module_sig_check does), {@code .modinfo} ({@link ModuleInfo}) and
 * {@code __versions} ({@link ModuleVersions}).
 */
final class ModuleReader {

    private ModuleReader() {
    }

    /**
     * The module bytes without an appended signature; the same buffer when unsigned. Only the
     * trailer's extent is read here: its PKCS#7 message is decoded by {@link ModuleSignature}.
     */
    static ByteBuffer withoutSignature(String file, ByteBuffer bytes) {
        int n = bytes.remaining();
        if (!isSigned(bytes)) {
            return bytes;
        }
        int info = n - ModuleSignature.MAGIC.length() - ModuleSignature.INFO_SIZE;
        if (info < 0) {
            throw new KernelException(Errno.ENOEXEC, LoadPhase.SIGNATURE, file,
                    file + ": signature marker without room for its module_signature header");
        }
        long sigLen = bytes.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(bytes.position() + info + 8) & 0xffffffffL;
        if (sigLen > info) {
            throw new KernelException(Errno.ENOEXEC, LoadPhase.SIGNATURE, file, String.format(
                    "%s: signature length %d at offset 0x%x exceeds the %d bytes before it", file, sigLen, info + 8, info));
        }
        ByteBuffer b = bytes.duplicate();
        b.limit(b.position() + info - (int) sigLen);
        return b.slice();
    }

    static boolean isSigned(ByteBuffer bytes) {
        return ModuleSignature.isSigned(bytes);
    }

    /**
     * The facts of a parsed module.
     *
     * @throws org.modload.kernel.modinfo.MalformedModuleException if .modinfo's last entry is not
     *     NUL-terminated
     */
    static ModuleFacts facts(String file, ElfFile obj, boolean signed) {
        ModuleInfo info = ModuleInfo.read(obj).orElse(new ModuleInfo(List.of()));
        String name = info.name().filter(n -> !n.isEmpty()).orElseGet(() -> stripKo(file));
        // depends names module files; module names use '_' where file names may use '-'.
        List<String> depends = info.depends().stream().map(d -> d.replace('-', '_')).toList();
        boolean hasInit = false;
        boolean hasExit = false;
        for (Symbol s : obj.symbols()) {
            if (!s.isUndefined() && s.name().equals("init_module")) {
                hasInit = true;
            } else if (!s.isUndefined() && s.name().equals("cleanup_module")) {
                hasExit = true;
            }
        }
        return new ModuleFacts(name, info.license().orElse(""), info.vermagic(), depends, info.importNamespaces(),
                ModuleVersions.read(obj).crcs(), hasInit, hasExit, signed, info.value("intree").isPresent());
    }

    static String stripKo(String file) {
        String base = file.substring(file.lastIndexOf('/') + 1);
        return base.endsWith(".ko") ? base.substring(0, base.length() - 3) : base;
    }
}
