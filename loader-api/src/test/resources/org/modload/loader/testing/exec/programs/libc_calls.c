/* Calls into libc, with callbacks from libc (qsort, bsearch) into this object. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_value(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv)
{
	int values[] = { 42, -7, 1000, 3, 3, 19, -250, 8 };
	size_t n = sizeof values / sizeof values[0];
	const char *names[] = { "qsort", "bsearch", "strcmp", "printf", "abs", "memcpy" };
	size_t m = sizeof names / sizeof names[0];
	char buf[64];
	int key = 19, sum = 0;

	qsort(values, n, sizeof values[0], by_value);
	for (size_t i = 0; i < n; i++) {
		printf("%d%c", values[i], i + 1 < n ? ' ' : '\n');
		sum += abs(values[i]);
	}
	int *hit = bsearch(&key, values, n, sizeof values[0], by_value);
	printf("bsearch 19 -> index %d\n", hit ? (int)(hit - values) : -1);
	qsort(names, m, sizeof names[0], by_name);
	for (size_t i = 0; i < m; i++)
		puts(names[i]);
	snprintf(buf, sizeof buf, "%s:%05d:%x", "sum", sum, sum);
	printf("%s (%zu chars)\n", buf, strlen(buf));
	memcpy(buf, "copied", 7);
	printf("%s %ld %d\n", buf, strtol("-123456", NULL, 10), argc);
	return sum % 256;
}
