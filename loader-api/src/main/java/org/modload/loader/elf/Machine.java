package org.modload.loader.elf;

import java.util.Map;

/** e_machine: an open set, so a value record with named constants; unknown prints {@code unknown(183)}. */
public record Machine(int value) {
    public static final Machine EM_NONE = new Machine(0);
    public static final Machine EM_SPARC = new Machine(2);
    public static final Machine EM_386 = new Machine(3);
    public static final Machine EM_68K = new Machine(4);
    /** Accepted by Linux's i386 {@code elf_check_arch} alongside EM_386. */
    public static final Machine EM_486 = new Machine(6);
    public static final Machine EM_MIPS = new Machine(8);
    public static final Machine EM_PPC = new Machine(20);
    public static final Machine EM_PPC64 = new Machine(21);
    public static final Machine EM_S390 = new Machine(22);
    public static final Machine EM_ARM = new Machine(40);
    public static final Machine EM_IA_64 = new Machine(50);
    public static final Machine EM_X86_64 = new Machine(62);

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0, "EM_NONE"), Map.entry(2, "EM_SPARC"), Map.entry(3, "EM_386"),
            Map.entry(4, "EM_68K"), Map.entry(6, "EM_486"), Map.entry(8, "EM_MIPS"),
            Map.entry(20, "EM_PPC"), Map.entry(21, "EM_PPC64"), Map.entry(22, "EM_S390"),
            Map.entry(40, "EM_ARM"), Map.entry(50, "EM_IA_64"), Map.entry(62, "EM_X86_64"));

    /** The spec name, or {@code unknown(N)}. */
    public String specName() {
        return SpecNames.name(NAMES, value);
    }

    @Override
    public String toString() {
        return specName();
    }
}
