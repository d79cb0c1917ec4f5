package org.modload.loader.testing.exec;

import java.util.List;

import org.modload.loader.elf.Machine;

/**
 * A host ABI the execution oracle can run: how gcc is told to build for it, how objdump decodes
 * it, and the names of the regions {@code runimage} reserves for it.
 */
public enum Abi {
    /** 64-bit: a far region below 2 GiB and more than 4 GiB from libc, a near one within 1 GiB of it. */
    X86_64(Machine.EM_X86_64, "-m64", "i386:x86-64", 8, List.of("far", "near")),
    /** 32-bit (gcc-multilib): a low region and one beside libc. */
    I386(Machine.EM_386, "-m32", "i386", 4, List.of("low", "near"));

    private final Machine machine;
    private final String gccFlag;
    private final String objdumpMachine;
    private final int wordSize;
    private final List<String> placements;

    Abi(Machine machine, String gccFlag, String objdumpMachine, int wordSize, List<String> placements) {
        this.machine = machine;
        this.gccFlag = gccFlag;
        this.objdumpMachine = objdumpMachine;
        this.wordSize = wordSize;
        this.placements = placements;
    }

    /** The ELF machine of its objects. */
    public Machine machine() {
        return machine;
    }

    /** {@code -m64} or {@code -m32}. */
    public String gccFlag() {
        return gccFlag;
    }

    /** objdump's {@code -m} argument for raw bytes of this ABI. */
    public String objdumpMachine() {
        return objdumpMachine;
    }

    /** The size of a pointer, of a GOT entry. */
    public int wordSize() {
        return wordSize;
    }

    /** The names of the regions runimage reserves, in the order it reports them. */
    public List<String> placements() {
        return placements;
    }
}
