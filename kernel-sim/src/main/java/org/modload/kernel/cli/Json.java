package org.modload.kernel.cli;

/**
 * A minimal streaming JSON writer for the command line's fixed shapes: objects, arrays,
 * strings, numbers (64-bit values printed signed or unsigned as the caller says) and null.
 */
final class Json {
    private final StringBuilder out = new StringBuilder();
    private boolean needComma;

    Json beginObject() {
        comma();
        out.append('{');
        needComma = false;
        return this;
    }

    /** Opens an object as the value of {@code key}. */
    Json beginObject(String key) {
        key(key);
        out.append('{');
        needComma = false;
        return this;
    }

    /** An unsigned 64-bit array element. */
    Json value(long value) {
        comma();
        out.append(Long.toUnsignedString(value));
        needComma = true;
        return this;
    }

    Json bool(String key, boolean value) {
        key(key);
        out.append(value);
        needComma = true;
        return this;
    }

    Json endObject() {
        out.append('}');
        needComma = true;
        return this;
    }

    Json beginArray(String key) {
        key(key);
        out.append('[');
        needComma = false;
        return this;
    }

    Json endArray() {
        out.append(']');
        needComma = true;
        return this;
    }

    Json string(String key, String value) {
        key(key);
        quote(value);
        needComma = true;
        return this;
    }

    Json signed(String key, long value) {
        key(key);
        out.append(value);
        needComma = true;
        return this;
    }

    Json unsigned(String key, long value) {
        key(key);
        out.append(Long.toUnsignedString(value));
        needComma = true;
        return this;
    }

    Json nullValue(String key) {
        key(key);
        out.append("null");
        needComma = true;
        return this;
    }

    private void comma() {
        if (needComma) {
            out.append(',');
        }
    }

    private void key(String key) {
        comma();
        quote(key);
        out.append(':');
        needComma = false;
    }

    private void quote(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
