/** The x86_64 (EM_X86_64, SHT_RELA) architecture plugin. Exports nothing; found through ServiceLoader. */
module org.modload.arch.x86_64 {
    requires org.modload.loader;

    provides org.modload.loader.spi.Architecture with org.modload.arch.x86_64.X86_64Architecture;
}
