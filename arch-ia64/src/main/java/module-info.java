/** The ia64 (EM_IA_64, SHT_RELA) architecture plugin. Exports nothing; found through ServiceLoader. */
module org.modload.arch.ia64 {
    requires org.modload.loader;

    provides org.modload.loader.spi.Architecture with org.modload.arch.ia64.Ia64Architecture;
}
