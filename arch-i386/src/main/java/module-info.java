/** The i386 (EM_386, SHT_REL) architecture plugin. Exports nothing; found through ServiceLoader. */
module org.modload.arch.i386 {
    requires org.modload.loader;

    provides org.modload.loader.spi.Architecture with org.modload.arch.i386.I386Architecture;
}
