package org.modload.kernel.depmod;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.modload.kernel.diag.ModuleTreeException;

/**
 * Builds one of kmod's binary indexes ({@code modules.dep.bin}, {@code modules.alias.bin}, ...)
 * as kmod 30's depmod builds it (tools/depmod.c, code from module-init-tools' index.c), so that
 * the bytes are kmod's: a trie with path compression where a node's prefix is split at the first
 * differing character when a key leaves it, a new key tail becomes one child holding the whole
 * rest as its prefix, and each node's values form a list ordered by priority, a new value going
 * before the first value of equal or higher priority. {@link #bytes} writes the trie post-order
 * (children before their parent, in character order), after a 12-byte big-endian header (magic
 * {@code 0xB007F457}, version 2.1, root offset); {@link KmodIndex} reads what this writes.
 *
 * <p>Keys and values must be 7-bit ASCII, as kmod requires (its check lets other bytes through
 * on x86 and then indexes its child table with a negative number). Not thread-safe: one writer
 * per index.
 */
final class KmodIndexWriter {
    private static final int VERSION = KmodIndex.VERSION_MAJOR << 16 | 1;
    /** kmod's INDEX_CHILDMAX: keys are 7-bit ASCII. */
    private static final int CHILDMAX = 128;

    /** A value of a node, in its priority-ordered list. */
    private static final class Value {
        Value next;
        final int priority;
        final byte[] value;

        Value(int priority, byte[] value, Value next) {
            this.priority = priority;
            this.value = value;
            this.next = next;
        }
    }

    /** One trie node: kmod's {@code struct index_node}. */
    private static final class Node {
        byte[] prefix;
        Value values;
        int first = CHILDMAX;
        int last;
        Node[] children;

        Node(byte[] prefix) {
            this.prefix = prefix;
        }

        Node child(int ch) {
            return children == null ? null : children[ch];
        }

        void setChild(int ch, Node n) {
            if (children == null) {
                children = new Node[CHILDMAX];
            }
            children[ch] = n;
        }
    }

    private final Node root = new Node(new byte[0]);

    /**
     * {@code index_insert}: adds {@code value} under {@code key} with {@code priority} (compared
     * unsigned, as kmod's {@code unsigned int}).
     *
     * @return whether the key's node already held an equal value (what {@code -w} reports);
     *     like kmod, a key that makes a new node never counts as a duplicate
     */
    boolean insert(String key, String value, int priority) {
        byte[] k = ascii(key);
        byte[] v = ascii(value);
        Node node = root;
        int i = 0;
        while (true) {
            int j;
            for (j = 0; j < node.prefix.length; j++) {
                int ch = node.prefix[j] & 0xff;
                if (i + j >= k.length || ch != (k[i + j] & 0xff)) {
                    // The node keeps prefix[0..j); a copy of it with prefix[j+1..] becomes its child at prefix[j].
                    Node n = new Node(Arrays.copyOfRange(node.prefix, j + 1, node.prefix.length));
                    n.values = node.values;
                    n.first = node.first;
                    n.last = node.last;
                    n.children = node.children;
                    node.prefix = Arrays.copyOf(node.prefix, j);
                    node.values = null;
                    node.children = null;
                    node.first = ch;
                    node.last = ch;
                    node.setChild(ch, n);
                    break;
                }
            }
            i += j;
            if (i == k.length) {
                return addValue(node, v, priority);
            }
            int ch = k[i] & 0xff;
            Node child = node.child(ch);
            if (child == null) {
                node.first = Math.min(node.first, ch);
                node.last = Math.max(node.last, ch);
                child = new Node(Arrays.copyOfRange(k, i + 1, k.length));
                node.setChild(ch, child);
                addValue(child, v, priority);
                return false;
            }
            node = child;
            i++;
        }
    }

    private static byte[] ascii(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (byte c : b) {
            if (c < 0) {
                throw ModuleTreeException.of(s, "module index: bad character - only 7-bit ASCII is supported");
            }
        }
        return b;
    }

    /** {@code index_add_value}: before the first value whose priority is not lower. */
    private static boolean addValue(Node node, byte[] value, int priority) {
        boolean duplicate = false;
        for (Value v = node.values; v != null; v = v.next) {
            if (Arrays.equals(v.value, value)) {
                duplicate = true;
            }
        }
        if (node.values == null || Integer.compareUnsigned(node.values.priority, priority) >= 0) {
            node.values = new Value(priority, value, node.values);
            return duplicate;
        }
        Value at = node.values;
        while (at.next != null && Integer.compareUnsigned(at.next.priority, priority) < 0) {
            at = at.next;
        }
        at.next = new Value(priority, value, at.next);
        return duplicate;
    }

    /** {@code index_write}: the whole file. */
    byte[] bytes() {
        Out out = new Out();
        out.u32(KmodIndex.MAGIC);
        out.u32(VERSION);
        out.u32(0);
        int rootOffset = write(root, out);
        byte[] b = out.toByteArray();
        b[8] = (byte) (rootOffset >>> 24);
        b[9] = (byte) (rootOffset >>> 16);
        b[10] = (byte) (rootOffset >>> 8);
        b[11] = (byte) rootOffset;
        return b;
    }

    /** {@code index_write__node}: children first, then the node; returns its offset word. */
    private static int write(Node node, Out out) {
        if (node == null) {
            return 0;
        }
        int[] childOffsets = new int[0];
        if (node.first < CHILDMAX) {
            childOffsets = new int[node.last - node.first + 1];
            for (int i = 0; i < childOffsets.length; i++) {
                childOffsets[i] = write(node.child(node.first + i), out);
            }
        }
        int offset = out.size();
        if (node.prefix.length > 0) {
            out.write(node.prefix, 0, node.prefix.length);
            out.write(0);
            offset |= KmodIndex.NODE_PREFIX;
        }
        if (childOffsets.length > 0) {
            out.write(node.first);
            out.write(node.last);
            for (int c : childOffsets) {
                out.u32(c);
            }
            offset |= KmodIndex.NODE_CHILDS;
        }
        if (node.values != null) {
            int count = 0;
            for (Value v = node.values; v != null; v = v.next) {
                count++;
            }
            out.u32(count);
            for (Value v = node.values; v != null; v = v.next) {
                out.u32(v.priority);
                out.write(v.value, 0, v.value.length);
                out.write(0);
            }
            offset |= KmodIndex.NODE_VALUES;
        }
        return offset;
    }

    private static final class Out extends ByteArrayOutputStream {
        Out() {
            super(1 << 16);
        }

        void u32(int v) {
            write(v >>> 24);
            write(v >>> 16);
            write(v >>> 8);
            write(v);
        }
    }
}
