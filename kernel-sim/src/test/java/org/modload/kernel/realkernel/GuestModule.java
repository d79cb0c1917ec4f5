package org.modload.kernel.realkernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.modload.kernel.modinfo.ModuleInfo;
import org.modload.kernel.modinfo.ModuleSignature;
import org.modload.loader.elf.ElfFile;

/**
 * One module file of a guest's load list: its file, the stem {@code init} names it by (insmod's
 * argument), the module name the kernel knows it by, and its parsed object.
 */
record GuestModule(Path file, String stem, String name, ElfFile object) {

    static GuestModule read(Path file) {
        try {
            String f = file.getFileName().toString();
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
            ElfFile obj = ElfFile.parse(f, ModuleSignature.unsignedContent(f, bytes));
            String name = ModuleInfo.read(obj).orElse(new ModuleInfo(List.of())).moduleName(f);
            return new GuestModule(file, f.substring(0, f.length() - ".ko".length()), name, obj);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The whole file, signature included, as insmod hands it to the kernel. */
    ByteBuffer bytes() {
        try {
            return ByteBuffer.wrap(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
