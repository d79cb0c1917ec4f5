package org.modload.kernel.depmod;

/**
 * glibc's {@code fnmatch(pattern, string, 0)}, as kmod matches alias patterns: {@code *} any
 * run of characters ({@code /} and a leading {@code .} included, no flags being set), {@code ?}
 * any one character, {@code [...]} a set ({@code !} or {@code ^} negates, {@code a-z} ranges, a
 * leading {@code ]} is literal), a backslash quotes the next character. A {@code [} without its
 * {@code ]} is an ordinary character.
 */
public final class Fnmatch {
    private Fnmatch() {
    }

    public static boolean matches(String pattern, String string) {
        return match(pattern, 0, string, 0);
    }

    private static boolean match(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                while (pi < p.length() && p.charAt(pi) == '*') {
                    pi++;
                }
                if (pi == p.length()) {
                    return true;
                }
                for (int k = si; k <= s.length(); k++) {
                    if (match(p, pi, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length()) {
                return false;
            }
            if (c == '?') {
                pi++;
                si++;
                continue;
            }
            if (c == '[') {
                int end = setEnd(p, pi);
                if (end > 0) {
                    if (!inSet(p, pi + 1, end, s.charAt(si))) {
                        return false;
                    }
                    pi = end + 1;
                    si++;
                    continue;
                }
            }
            if (c == '\\' && pi + 1 < p.length()) {
                pi++;
                c = p.charAt(pi);
            }
            if (c != s.charAt(si)) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length();
    }

    /** The index of the {@code ]} closing the set opened at {@code open}, or -1. */
    private static int setEnd(String p, int open) {
        int i = open + 1;
        if (i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^')) {
            i++;
        }
        if (i < p.length() && p.charAt(i) == ']') {
            i++;
        }
        for (; i < p.length(); i++) {
            if (p.charAt(i) == '\\') {
                i++;
            } else if (p.charAt(i) == ']') {
                return i;
            }
        }
        return -1;
    }

    private static boolean inSet(String p, int from, int end, char ch) {
        boolean negate = p.charAt(from) == '!' || p.charAt(from) == '^';
        int i = negate ? from + 1 : from;
        boolean found = false;
        boolean firstChar = true;
        while (i < end) {
            char lo = p.charAt(i);
            if (lo == ']' && !firstChar) {
                break;
            }
            firstChar = false;
            if (lo == '\\' && i + 1 < end) {
                i++;
                lo = p.charAt(i);
            }
            char hi = lo;
            if (i + 2 < end && p.charAt(i + 1) == '-') {
                hi = p.charAt(i + 2);
                if (hi == '\\' && i + 3 < end) {
                    hi = p.charAt(i + 3);
                    i++;
                }
                i += 2;
            }
            if (lo <= ch && ch <= hi) {
                found = true;
            }
            i++;
        }
        return found != negate;
    }
}
