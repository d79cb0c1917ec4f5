package org.modload.kernel.depmod;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The iteration order of kmod's string hash table ({@code shared/hash.c}), which decides the
 * order of the modules that {@code modules.order} does not list: buckets in index order, where a
 * key's bucket is Paul Hsieh's SuperFastHash of its bytes modulo the bucket count, and keys in
 * {@code strcmp} order inside a bucket. The byte reads are those of the x86 hosts kmod runs on:
 * 16-bit little-endian loads, and {@code char} signed.
 */
final class KmodHash {

    /** depmod's {@code modules_by_name} table: {@code hash_new(512, NULL)}. */
    static final int MODULE_BUCKETS = 512;

    /** kmod's iteration order of a {@code modules_by_name} table holding these names. */
    static final Comparator<String> MODULE_ITERATION_ORDER = Comparator
            .comparingInt((String k) -> bucket(k, MODULE_BUCKETS))
            .thenComparing(KmodHash::bytes, Arrays::compareUnsigned);

    private KmodHash() {
    }

    static int bucket(String key, int buckets) {
        return superFast(bytes(key)) & (buckets - 1);
    }

    static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code hash_superfast(key, strlen(key))}, as an unsigned 32-bit value in an int. */
    static int superFast(byte[] key) {
        int len = key.length;
        int hash = len;
        int rem = len & 3;
        int p = 0;
        for (int n = len >>> 2; n > 0; n--) {
            hash += u16(key, p);
            int tmp = (u16(key, p + 2) << 11) ^ hash;
            hash = (hash << 16) ^ tmp;
            p += 4;
            hash += hash >>> 11;
        }
        switch (rem) {
            case 3 -> {
                hash += u16(key, p);
                hash ^= hash << 16;
                hash ^= key[p + 2] << 18;
                hash += hash >>> 11;
            }
            case 2 -> {
                hash += u16(key, p);
                hash ^= hash << 11;
                hash += hash >>> 17;
            }
            case 1 -> {
                hash += key[p];
                hash ^= hash << 10;
                hash += hash >>> 1;
            }
            default -> {
            }
        }
        hash ^= hash << 3;
        hash += hash >>> 5;
        hash ^= hash << 4;
        hash += hash >>> 17;
        hash ^= hash << 25;
        hash += hash >>> 6;
        return hash;
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }
}
