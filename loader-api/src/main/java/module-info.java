/**
 * modload's core: the ELF model and validated parser, the relocation vocabulary, the generic
 * link engine and the {@link org.modload.loader.spi.Architecture} SPI that plugins provide.
 */
module org.modload.loader {
    // Inflates ELFCOMPRESS_ZSTD sections (zlib comes from the JDK).
    requires com.github.luben.zstd_jni;

    exports org.modload.loader.elf;
    exports org.modload.loader.diag;
    exports org.modload.loader.reloc;
    exports org.modload.loader.link;
    exports org.modload.loader.spi;

    uses org.modload.loader.spi.Architecture;
}
