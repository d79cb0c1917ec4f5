package org.modload.kernel.diag;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.modload.kernel.model.Errno;
import org.modload.loader.diag.ArchitectureException;
import org.modload.loader.diag.DuplicateSymbolException;
import org.modload.loader.diag.ElfCheck;
import org.modload.loader.diag.LayoutException;
import org.modload.loader.diag.LoaderException;
import org.modload.loader.diag.Location;
import org.modload.loader.diag.MalformedElfException;
import org.modload.loader.diag.RelocationException;
import org.modload.loader.diag.UnresolvedSymbolException;

/**
 * The one errno table: a row for every member of both sealed families (a new member without a
 * row fails here), and the family's located messages and fields.
 */
class ErrnosTest {
    private static final Location AT = Location.ofPlace("m.ko", 3, ".text", 0x1a);

    @Test
    void everyKernelInputErrorHasItsErrno() {
        Map<KernelInputException, Errno> rows = new LinkedHashMap<>();
        rows.put(KernelImageException.inBzImage("vmlinuz", 0x202, "not an x86 bzImage"), Errno.ENOEXEC);
        rows.put(MalformedModuleException.inModinfo("m.ko", 5, ".modinfo", 0x1c, "entry is not NUL-terminated"),
                Errno.ENOEXEC);
        rows.put(new SymversFormatException("Module.symvers", 12, "'x' is not a hexadecimal CRC"), Errno.EINVAL);
        rows.put(new DependencyCycleException(List.of("a.ko", "b.ko", "a.ko"), 2), Errno.ELOOP);
        rows.put(ModuleTreeException.of("lib/modules/6.1", "not a directory"), Errno.ENOENT);
        // module_sig_check()'s answers, one per reason (kernel/module/signing.c, crypto/asymmetric_keys).
        Map<ModuleSignatureException.Reason, Errno> linux = Map.of(
                ModuleSignatureException.Reason.UNSIGNED, Errno.ENODATA,
                ModuleSignatureException.Reason.MALFORMED, Errno.EBADMSG,
                ModuleSignatureException.Reason.UNSUPPORTED, Errno.ENOPKG,
                ModuleSignatureException.Reason.INVALID, Errno.EINVAL,
                ModuleSignatureException.Reason.NO_KEY, Errno.ENOKEY,
                ModuleSignatureException.Reason.REJECTED, Errno.EKEYREJECTED);
        assertEquals(Set.of(ModuleSignatureException.Reason.values()), linux.keySet(), "one row per reason");
        linux.forEach((reason, errno) -> rows.put(ModuleSignatureException.of("m.ko", reason, "why", 0, null), errno));
        rows.put(CertificateFormatException.at(Location.ofFile("key.pem"), "not X.509", null), Errno.EBADMSG);
        rows.put(CompressedDataException.of("af_key.ko.xz", "xz", OptionalLong.of(0x40), "corrupt", null), Errno.EINVAL);
        assertEquals(permitted(KernelInputException.class), rows.keySet().stream().map(Object::getClass)
                .collect(Collectors.toSet()), "one row per member of the family");
        rows.forEach((e, errno) -> assertEquals(errno, Errnos.of(e), e.getMessage()));
    }

    /** Linux lets a module load unverified only for ENODATA, ENOPKG and ENOKEY, and names each so when it refuses. */
    @Test
    void onlyUnsignedUnsupportedAndMissingKeyAreNonFatal() {
        Map<ModuleSignatureException.Reason, String> nonFatal = new LinkedHashMap<>();
        for (ModuleSignatureException.Reason r : ModuleSignatureException.Reason.values()) {
            if (r.nonFatal()) {
                nonFatal.put(r, r.rejectedAs());
            }
        }
        assertEquals(Map.of(ModuleSignatureException.Reason.UNSIGNED, "unsigned module",
                ModuleSignatureException.Reason.UNSUPPORTED, "module with unsupported crypto",
                ModuleSignatureException.Reason.NO_KEY, "module with unavailable key"), nonFatal);
        assertEquals("REJECTED is fatal under every policy", org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, ModuleSignatureException.Reason.REJECTED::rejectedAs).getMessage());
    }

    @Test
    void signatureFailuresAreLocatedAtAFileOffset() {
        ModuleSignatureException at = ModuleSignatureException.at("af_key.ko", ModuleSignatureException.Reason.MALFORMED,
                0x18230, "PKCS#7 signature info has unexpected non-zero params", 0x18264, null);
        assertAll(
                () -> assertEquals("af_key.ko: offset 0x18230: PKCS#7 signature info has unexpected non-zero params",
                        at.getMessage()),
                () -> assertEquals("offset 0x18230: PKCS#7 signature info has unexpected non-zero params",
                        at.placedDetail()),
                () -> assertEquals(OptionalLong.of(0x18230), at.offset()),
                () -> assertEquals(0x18264, at.moduleLength()),
                () -> assertEquals("hello.ko: unsigned module", ModuleSignatureException.of("hello.ko",
                        ModuleSignatureException.Reason.UNSIGNED, "unsigned module", 10, null).getMessage()),
                () -> assertEquals("vmlinuz(vmlinux):(.init.data+0x94c58): not X.509", CertificateFormatException.at(
                        Location.ofPlace("vmlinuz(vmlinux)", 24, ".init.data", 0x94c58), "not X.509", null)
                        .getMessage()));
    }

    @Test
    void everyLoaderErrorHasItsErrno() {
        Map<LoaderException, Errno> rows = new LinkedHashMap<>();
        rows.put(new MalformedElfException(AT, ElfCheck.values()[0], "bad"), Errno.ENOEXEC);
        rows.put(RelocationException.unsupported(AT, "R_X86_64_GOTPCREL", "printk"), Errno.ENOEXEC);
        rows.put(new UnresolvedSymbolException(AT, "printk"), Errno.ENOENT);
        rows.put(new ArchitectureException(AT, "EM_ALPHA", "no architecture"), Errno.ENOEXEC);
        rows.put(new LayoutException(AT, "common symbol"), Errno.ENOEXEC);
        rows.put(new DuplicateSymbolException(AT, "printk", "a.o"), Errno.ENOEXEC);
        assertEquals(permitted(LoaderException.class), rows.keySet().stream().map(Object::getClass)
                .collect(Collectors.toSet()), "one row per member of the family");
        rows.forEach((e, errno) -> assertEquals(errno, Errnos.of(e), e.getClass().getSimpleName()));
    }

    private static Set<Class<?>> permitted(Class<?> sealed) {
        return Arrays.stream(sealed.getPermittedSubclasses()).collect(Collectors.toSet());
    }

    @Test
    void eachMemberIsLocatedWithTheLoadersLocation() {
        KernelImageException section = KernelImageException.inSection("vmlinuz", 7, "__ksymtab", 0x1c, "name_offset bad");
        KernelImageException bz = KernelImageException.inBzImage("vmlinuz", 0x202, "no HdrS");
        MalformedModuleException sig = MalformedModuleException.inSignature("af_key.ko", 0x18520, "sig_len too big", null);
        MalformedModuleException exports = MalformedModuleException.inExports("m.ko", 9, "__ksymtab", 4, "outside");
        SymversFormatException symvers = new SymversFormatException("Module.symvers", 12, "bad CRC");
        DependencyCycleException cycle = new DependencyCycleException(List.of("a.ko", "b.ko", "a.ko"), 2);
        CompressedDataException xz = CompressedDataException.of("af_key.ko.xz", "xz", OptionalLong.of(0x40),
                "corrupt near byte 0x40: Compressed data is corrupt", null);
        assertAll(
                () -> assertEquals(new Location("af_key.ko.xz", OptionalInt.empty(), "", OptionalLong.of(0x40)),
                        xz.location()),
                () -> assertEquals("af_key.ko.xz: xz data: corrupt near byte 0x40: Compressed data is corrupt",
                        xz.getMessage()),
                () -> assertEquals("xz", xz.format()),
                () -> assertEquals(OptionalLong.of(0x40), xz.offset()),
                () -> assertEquals(Location.ofPlace("vmlinuz(vmlinux)", 7, "__ksymtab", 0x1c), section.location()),
                () -> assertEquals("vmlinuz(vmlinux):(__ksymtab+0x1c): name_offset bad", section.getMessage()),
                () -> assertEquals(KernelImageException.Part.VMLINUX, section.part()),
                () -> assertEquals(new Location("vmlinuz", OptionalInt.empty(), "", OptionalLong.of(0x202)), bz.location()),
                () -> assertEquals("vmlinuz: offset 0x202: no HdrS", bz.getMessage()),
                () -> assertEquals(OptionalLong.of(0x18520), sig.location().offset()),
                () -> assertEquals("af_key.ko: offset 0x18520: sig_len too big", sig.getMessage()),
                () -> assertEquals("m.ko:(__ksymtab+0x4): outside", exports.getMessage()),
                () -> assertEquals(MalformedModuleException.Part.EXPORTS, exports.part()),
                () -> assertEquals(Location.ofFile("Module.symvers"), symvers.location()),
                () -> assertEquals("Module.symvers:12: bad CRC", symvers.getMessage()),
                () -> assertEquals(12, symvers.line()),
                () -> assertEquals("bad CRC", symvers.detail()),
                () -> assertEquals("dependency cycle: a.ko -> b.ko -> a.ko (2 modules in dependency cycles)",
                        cycle.getMessage()),
                () -> assertEquals(Location.ofFile("a.ko"), cycle.location()),
                () -> assertEquals(0, cycle.getStackTrace().length, "the message is the whole report"));
    }
}
