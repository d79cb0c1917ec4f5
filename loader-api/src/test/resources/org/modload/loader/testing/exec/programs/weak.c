/* Weak undefined symbols: one that libc defines (strnlen), two that nobody defines (NULL). */
#include <stdio.h>
#include <string.h>

extern int modload_never_defined(int) __attribute__((weak));
extern int modload_never_defined_data __attribute__((weak));
extern size_t strnlen(const char *, size_t) __attribute__((weak));

int main(void)
{
	printf("weak function absent: %s\n", modload_never_defined ? "no" : "yes");
	printf("weak data absent: %s\n", &modload_never_defined_data ? "no" : "yes");
	if (strnlen == NULL)
		return 1;
	printf("weak function present: strnlen = %zu\n", strnlen("resolved weakly", 8));
	return modload_never_defined ? modload_never_defined(1) : 4;
}
