package org.modload.kernel.depmod;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.modload.kernel.diag.ModuleTreeException;

/**
 * One of kmod's binary indexes ({@code modules.dep.bin}, {@code modules.alias.bin},
 * {@code modules.symbols.bin}, {@code modules.builtin.bin}, {@code modules.builtin.alias.bin}),
 * read as {@code libkmod-index.c} reads it: a big-endian header (magic {@code 0xB007F457},
 * version 2.x, root offset) and a trie of nodes whose offset word carries flags (prefix string,
 * children, values); each value has a priority and lists keep values in priority order.
 * {@link #search} is {@code index_search} (the first value of the key's node),
 * {@link #searchWild} {@code index_searchwild} (keys may be {@code fnmatch} patterns).
 */
public final class KmodIndex {
    static final int MAGIC = 0xB007F457;
    static final int VERSION_MAJOR = 2;
    static final int NODE_PREFIX = 0x80000000;
    static final int NODE_VALUES = 0x40000000;
    static final int NODE_CHILDS = 0x20000000;
    static final int NODE_MASK = 0x0FFFFFFF;

    private final String name;
    private final ByteBuffer bytes;
    private final int root;

    private KmodIndex(String name, ByteBuffer bytes, int root) {
        this.name = name;
        this.bytes = bytes;
        this.root = root;
    }

    /** A value of a node and its priority (the order depmod inserted it in). */
    private record Value(int priority, String value) {
    }

    /** A node as read: its prefix, child offsets from {@code first}, values in priority order. */
    private record Node(String prefix, int first, int[] children, List<Value> values) {
        int child(int ch) {
            int i = ch - first;
            return i >= 0 && i < children.length ? children[i] : 0;
        }
    }

    /**
     * Opens {@code file}; empty when it does not exist or is not a kmod index (wrong magic or
     * major version), as {@code index_file_open} returns NULL and the lookup is skipped.
     *
     * @throws ModuleTreeException if the file cannot be read
     */
    public static Optional<KmodIndex> open(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw ModuleTreeException.of(file.toString(), "cannot read: " + e.getMessage());
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN).asReadOnlyBuffer();
        if (data.length < 12 || b.getInt(0) != MAGIC || (b.getInt(4) >>> 16) != VERSION_MAJOR) {
            return Optional.empty();
        }
        return Optional.of(new KmodIndex(file.toString(), b, b.getInt(8)));
    }

    /** {@code index_search}: the first (lowest-priority) value stored under exactly {@code key}. */
    public Optional<String> search(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int i = 0;
        Node node = read(root);
        while (node != null) {
            byte[] prefix = node.prefix().getBytes(StandardCharsets.UTF_8);
            for (int j = 0; j < prefix.length; j++) {
                if (i + j >= k.length || prefix[j] != k[i + j]) {
                    return Optional.empty();
                }
            }
            i += prefix.length;
            if (i == k.length) {
                return node.values().isEmpty() ? Optional.empty() : Optional.of(node.values().get(0).value());
            }
            node = read(node.child(k[i] & 0xff));
            i++;
        }
        return Optional.empty();
    }

    /**
     * {@code index_searchwild}: every value whose key equals {@code key} or is a pattern that
     * {@code fnmatch}es it, in priority order (ties in the order the trie walk finds them).
     */
    public List<String> searchWild(String key) {
        List<Value> out = new ArrayList<>();
        wildNode(read(root), key, 0, out);
        return out.stream().map(Value::value).toList();
    }

    private void wildNode(Node node, String key, int i, List<Value> out) {
        while (node != null) {
            String prefix = node.prefix();
            for (int j = 0; j < prefix.length(); j++) {
                char ch = prefix.charAt(j);
                if (ch == '*' || ch == '?' || ch == '[') {
                    all(node, j, new StringBuilder(), key.substring(Math.min(key.length(), i + j)), out);
                    return;
                }
                if (i + j >= key.length() || ch != key.charAt(i + j)) {
                    return;
                }
            }
            i += prefix.length();
            String rest = key.substring(i);
            for (char wild : new char[] {'*', '?', '['}) {
                Node child = read(node.child(wild));
                if (child != null) {
                    all(child, 0, new StringBuilder().append(wild), rest, out);
                }
            }
            if (i == key.length()) {
                node.values().forEach(v -> addValue(out, v));
                return;
            }
            node = read(node.child(key.charAt(i)));
            i++;
        }
    }

    /** {@code index_searchwild__all}: every key below {@code node}, as a pattern after {@code buf}, matched against {@code subkey}. */
    private void all(Node node, int j, StringBuilder buf, String subkey, List<Value> out) {
        int mark = buf.length();
        buf.append(node.prefix(), j, node.prefix().length());
        for (int ch = node.first(); ch < node.first() + node.children().length; ch++) {
            Node child = read(node.children()[ch - node.first()]);
            if (child != null) {
                buf.append((char) ch);
                all(child, 0, buf, subkey, out);
                buf.setLength(buf.length() - 1);
            }
        }
        if (!node.values().isEmpty() && Fnmatch.matches(buf.toString(), subkey)) {
            node.values().forEach(v -> addValue(out, v));
        }
        buf.setLength(mark);
    }

    /** {@code add_value}: before the first value of a higher priority. */
    private static void addValue(List<Value> values, Value v) {
        int at = 0;
        while (at < values.size() && Integer.compareUnsigned(values.get(at).priority(), v.priority()) < 0) {
            at++;
        }
        values.add(at, v);
    }

    private Node read(int offset) {
        if ((offset & NODE_MASK) == 0) {
            return null;
        }
        int p = offset & NODE_MASK;
        if ((offset & (NODE_PREFIX | NODE_CHILDS | NODE_VALUES)) != 0) {
            check(p); // a node without flags has no bytes: an empty index's root may sit at its very end
        }
        String prefix = "";
        if ((offset & NODE_PREFIX) != 0) {
            int end = nul(p);
            prefix = string(p, end);
            p = end + 1;
        }
        int first = 0;
        int[] children = new int[0];
        if ((offset & NODE_CHILDS) != 0) {
            check(p + 1);
            first = bytes.get(p);
            int last = bytes.get(p + 1);
            p += 2;
            children = new int[Math.max(0, last - first + 1)];
            for (int i = 0; i < children.length; i++) {
                check(p + 3);
                children[i] = bytes.getInt(p);
                p += 4;
            }
        }
        List<Value> values = new ArrayList<>();
        if ((offset & NODE_VALUES) != 0) {
            check(p + 3);
            int count = bytes.getInt(p);
            p += 4;
            for (int i = 0; i < count; i++) {
                check(p + 3);
                int priority = bytes.getInt(p);
                int end = nul(p + 4);
                addValue(values, new Value(priority, string(p + 4, end)));
                p = end + 1;
            }
        }
        return new Node(prefix, first, children, values);
    }

    private int nul(int from) {
        for (int i = from; i < bytes.limit(); i++) {
            if (bytes.get(i) == 0) {
                return i;
            }
        }
        throw ModuleTreeException.of(name, String.format("offset 0x%x: string runs past the end of the index", from));
    }

    private void check(int offset) {
        if (offset < 0 || offset >= bytes.limit()) {
            throw ModuleTreeException.of(name, String.format("offset 0x%x: beyond the end of the index (0x%x bytes)",
                    offset, bytes.limit()));
        }
    }

    private String string(int from, int to) {
        byte[] s = new byte[to - from];
        bytes.get(from, s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
