package org.modload.kernel.modinfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modload.kernel.modinfo.ModinfoFixtures.AMD64_SIGNED;
import static org.modload.kernel.modinfo.ModinfoFixtures.I686_SIGNED;
import static org.modload.kernel.modinfo.ModinfoFixtures.UNSIGNED;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modload.kernel.diag.Errnos;
import org.modload.kernel.diag.MalformedModuleException;
import org.modload.kernel.model.Errno;
import org.modload.loader.diag.Location;
import org.modload.loader.elf.ElfFile;
import org.modload.loader.elf.Section;

/**
 * {@link ModuleInfo} reads the {@code .modinfo} entries kmod reads: the same entries in the same
 * order, and accessors that agree with {@code modinfo -F KEY}. kmod runs at test time.
 */
class ModuleInfoTest {
    /** Fields kmod adds after the {@code .modinfo} entries, from the signature. */
    private static final Set<String> SIGNATURE_FIELDS = Set.of("sig_id", "signer", "sig_key", "sig_hashalgo", "signature");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {AMD64_SIGNED, I686_SIGNED, UNSIGNED})
    void entriesAreTheOnesKmodPrintsInItsOrder(String resource) {
        Path ko = ModinfoFixtures.copy(resource, dir);
        ModuleInfo info = read(ko);

        // modinfo -0 prints "filename:       PATH", then key=value per entry except the parameters
        // (merged into trailing "parm:" records), then the signature fields; NUL after each.
        String[] records = ModinfoFixtures.kmod(null, "-0", ko.toString()).split("\0");
        List<String> kmod = Arrays.stream(records).skip(1)
                .filter(r -> !r.startsWith("parm:"))
                .filter(r -> !SIGNATURE_FIELDS.contains(r.substring(0, Math.max(0, r.indexOf('=')))))
                .toList();
        List<String> ours = info.entries().stream()
                .filter(e -> !e.key().equals("parm") && !e.key().equals("parmtype"))
                .map(e -> e.key() + "=" + e.value())
                .toList();
        assertEquals(kmod, ours);
    }

    @ParameterizedTest
    @ValueSource(strings = {AMD64_SIGNED, I686_SIGNED, UNSIGNED})
    void accessorsAgreeWithKmodFields(String resource) {
        Path ko = ModinfoFixtures.copy(resource, dir);
        ModuleInfo info = read(ko);

        assertEquals(field(ko, "name"), info.name().map(List::of).orElse(List.of()));
        assertEquals(field(ko, "license"), info.license().map(List::of).orElse(List.of()));
        assertEquals(field(ko, "vermagic"), info.vermagic().map(List::of).orElse(List.of()));
        assertEquals(field(ko, "import_ns"), info.importNamespaces());
        assertEquals(field(ko, "alias"), info.values("alias"));
        List<String> depends = field(ko, "depends");
        assertEquals(depends.isEmpty() || depends.get(0).isEmpty() ? List.of() : List.of(depends.get(0).split(",")),
                info.depends());
    }

    @Test
    void fixturesCoverWhatTheAccessorsReturn() {
        // Guards the comparisons above against all-empty answers.
        ModuleInfo pstore = read(ModinfoFixtures.copy(I686_SIGNED, dir));
        assertEquals(List.of("EFIVAR"), pstore.importNamespaces());
        assertEquals(Optional.of("efi_pstore"), pstore.name());
        ModuleInfo user = read(ModinfoFixtures.copy(UNSIGNED, dir));
        assertEquals(List.of("demo_core"), user.depends());
        assertTrue(read(ModinfoFixtures.copy(AMD64_SIGNED, dir)).values("parmtype").size() >= 2);
    }

    @Test
    void paddingBetweenEntriesIsSkippedAndEqualsSignsAfterTheFirstBelongToTheValue() {
        byte[] section = "\0\0alias=a=b\0\0\0flag\0depends=x,,y\0".getBytes(StandardCharsets.US_ASCII);
        ModuleInfo info = ModuleInfo.parse("m.ko", 3, ByteBuffer.wrap(section));
        assertEquals(List.of(new ModuleInfo.Entry("alias", "a=b"), new ModuleInfo.Entry("flag", ""),
                new ModuleInfo.Entry("depends", "x,,y")), info.entries());
        assertEquals(List.of("x", "y"), info.depends());
    }

    @Test
    void aLastEntryWithoutItsNulIsRefusedWhereItStarts() {
        // demo_user.ko's .modinfo (readelf -p .modinfo): ..., [0x4c] "license=GPL", 0x58 bytes in all.
        byte[] bytes = ModinfoFixtures.bytes(UNSIGNED);
        Section modinfo = ElfFile.parse("demo_user.ko", ByteBuffer.wrap(bytes)).section(".modinfo").orElseThrow();
        int last = (int) (modinfo.header().offset() + modinfo.size() - 1);
        assertEquals(0, bytes[last]);
        bytes[last] = 'X';

        ElfFile elf = ElfFile.parse("demo_user.ko", ByteBuffer.wrap(bytes));
        MalformedModuleException e = assertThrows(MalformedModuleException.class, () -> ModuleInfo.read(elf));
        assertEquals("demo_user.ko:(.modinfo+0x4c): entry \"license=GPLX\" (12 bytes) is not NUL-terminated",
                e.getMessage());
        assertEquals(MalformedModuleException.Part.MODINFO, e.part());
        assertEquals(0x4c, e.offset());
        assertEquals(Location.ofPlace("demo_user.ko", modinfo.index(), ".modinfo", 0x4c), e.location());
        assertEquals(Errno.ENOEXEC, Errnos.of(e));
    }

    @Test
    void anObjectWithoutModinfoHasNone() {
        byte[] bytes = ModinfoFixtures.bytes(UNSIGNED);
        renameModinfo(bytes);
        assertEquals(Optional.empty(), ModuleInfo.read(ElfFile.parse("demo_user.ko", ByteBuffer.wrap(bytes))));
    }

    /** Renames the {@code .modinfo} section to {@code .modinfX} in the section name table. */
    static void renameModinfo(byte[] bytes) {
        byte[] name = ".modinfo\0".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i + name.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + name.length, name, 0, name.length)) {
                bytes[i + name.length - 2] = 'X';
                return;
            }
        }
        throw new AssertionError("no .modinfo name in the file");
    }

    private static ModuleInfo read(Path ko) {
        ByteBuffer whole = ByteBuffer.wrap(readAll(ko));
        ByteBuffer elf = ModuleSignature.read(ko.getFileName().toString(), whole).map(s -> s.content(whole)).orElse(whole);
        return ModuleInfo.read(ElfFile.parse(ko.getFileName().toString(), elf)).orElseThrow();
    }

    static byte[] readAll(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code modinfo -F KEY}: one line per matching entry. */
    private static List<String> field(Path ko, String key) {
        String out = ModinfoFixtures.kmod(null, "-F", key, ko.toString());
        if (out.isEmpty()) {
            return List.of();
        }
        assertTrue(out.endsWith("\n"), out);
        return List.of(out.substring(0, out.length() - 1).split("\n", -1));
    }
}
