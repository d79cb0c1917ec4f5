/**
 * The simulated kernel module subsystem and the {@code modload} command line. Architectures
 * are found at run time through ServiceLoader; nothing here names their classes.
 */
module org.modload.kernel {
    requires transitive org.modload.loader;
    requires info.picocli;
    requires org.tukaani.xz;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;

    exports org.modload.kernel;
    exports org.modload.kernel.image;
    exports org.modload.kernel.depmod;
    exports org.modload.kernel.symvers;
    exports org.modload.kernel.modinfo;

    // picocli injects options into the command objects.
    opens org.modload.kernel.cli to info.picocli;
}
