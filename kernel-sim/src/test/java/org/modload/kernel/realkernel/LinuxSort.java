package org.modload.kernel.realkernel;

import java.util.ArrayList;
import java.util.List;

/**
 * Linux's {@code lib/sort.c} {@code sort_r()}, the bottom-up heapsort every table of a loaded
 * module is sorted with (exception table, ORC, mcount locations, jump labels, static call
 * sites), reproduced step for step: it is not stable, so for entries that compare equal only
 * the same sequence of compares and swaps gives Linux's order. Sorts a list of position-free
 * entries (each holding absolute addresses); the caller re-encodes each at its final slot,
 * which is what Linux's swap functions achieve by adjusting relative offsets as they move
 * entries.
 */
final class LinuxSort {

    /** Linux's {@code cmp_func_t} on two entries. */
    interface Comparator<T> {
        int compare(T a, T b);
    }

    private LinuxSort() {
    }

    /** The entries in the order Linux's {@code sort()} leaves them. */
    static <T> List<T> sort(List<T> entries, Comparator<T> cmp) {
        List<T> base = new ArrayList<>(entries);
        int num = base.size();
        // Indices count elements, as sort_r's byte offsets divided by the element size.
        int n = num;
        int a = num / 2;
        if (a == 0) {
            return base;
        }
        while (true) {
            int b;
            int c;
            int d;
            if (a > 0) {
                a--;
            } else if (--n > 0) {
                swap(base, 0, n);
            } else {
                break;
            }
            for (b = a; (d = (c = 2 * b + 1) + 1) < n;) {
                b = cmp.compare(base.get(c), base.get(d)) >= 0 ? c : d;
            }
            if (d == n) {
                b = c;
            }
            while (b != a && cmp.compare(base.get(a), base.get(b)) >= 0) {
                b = parent(b);
            }
            c = b;
            while (b != a) {
                b = parent(b);
                swap(base, b, c);
            }
        }
        return base;
    }

    /** sort_r's parent(): (i - 1) / 2 in element counts. */
    private static int parent(int i) {
        return (i - 1) / 2;
    }

    private static <T> void swap(List<T> l, int i, int j) {
        T t = l.get(i);
        l.set(i, l.get(j));
        l.set(j, t);
    }
}
