/* Built with -ffunction-sections -fdata-sections: calls and data references between sections,
 * recursion, a variadic function passing its va_list to libc, and libm. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

int scale = 3;
static double weights[] = { 0.5, 1.25, 2.0, 8.0 };
const char banner[] = "sections";
static char log_line[96];

static unsigned long fib(unsigned n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

__attribute__((noinline)) int logf_line(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(log_line, sizeof log_line, fmt, ap);
	va_end(ap);
	puts(log_line);
	return n;
}

__attribute__((noinline)) double weigh(int i)
{
	return weights[i & 3] * scale;
}

int main(void)
{
	double total = 0;
	for (int i = 0; i < 8; i++)
		total += weigh(i);
	int n = logf_line("%s: fib(20) = %lu, total = %.3f", banner, fib(20), total);
	n += logf_line("cbrt(%.1f) = %.6f, fmod = %.4f", total, cbrt(total), fmod(total, 7.5));
	return n;
}
