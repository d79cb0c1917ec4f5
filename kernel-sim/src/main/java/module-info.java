/**
 * The simulated kernel module subsystem and the {@code modload} command line. Architectures
 * are handed in (the command line discovers them through ServiceLoader); nothing here names
 * their classes. {@code org.modload.kernel.core}, the load phases and the mutable kernel state,
 * is not exported: callers go through {@link org.modload.kernel.Kernel}.
 */
module org.modload.kernel {
    requires transitive org.modload.loader;
    requires com.google.common;
    requires info.picocli;
    requires org.tukaani.xz;
    requires org.apache.commons.compress;
    // aircompressor 2.x names no module: its automatic name comes from the jar's file name.
    requires aircompressor;
    requires com.github.luben.zstd_jni;
    // aircompressor's LZO and LZ4 decoders read memory through sun.misc.Unsafe.
    requires jdk.unsupported;
    requires jdk.management;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;

    exports org.modload.kernel;
    exports org.modload.kernel.model;
    exports org.modload.kernel.diag;
    exports org.modload.kernel.boot;
    exports org.modload.kernel.proc;
    exports org.modload.kernel.sys;
    exports org.modload.kernel.tree;
    exports org.modload.kernel.image;
    exports org.modload.kernel.depmod;
    exports org.modload.kernel.symvers;
    exports org.modload.kernel.modinfo;
    exports org.modload.kernel.compress;
    exports org.modload.kernel.sig;

    // picocli injects options into the command objects.
    opens org.modload.kernel.cli to info.picocli;
}
