/* Tables of function pointers (initialised statically, in data) and switch jump tables. */
#include <stdio.h>

typedef int (*op_fn)(int, int);

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
int max_of(int a, int b) { return a > b ? a : b; }

static const struct { const char *name; op_fn fn; } ops[] = {
	{ "add", add }, { "sub", sub }, { "mul", mul }, { "max", max_of },
};

op_fn chosen[] = { mul, add, max_of };

/* Dense cases: gcc emits a jump table for these at -O1 and above (and at -O0). */
__attribute__((noinline)) const char *day_name(int d)
{
	switch (d) {
	case 0: return "sunday";
	case 1: return "monday";
	case 2: return "tuesday";
	case 3: return "wednesday";
	case 4: return "thursday";
	case 5: return "friday";
	case 6: return "saturday";
	case 7: return "someday";
	default: return "never";
	}
}

__attribute__((noinline)) int classify(int c)
{
	switch (c) {
	case 'a': return 10; case 'b': return 11; case 'c': return 12; case 'd': return 13;
	case 'e': return 14; case 'f': return 15; case 'g': return 16; case 'h': return 17;
	case 'i': return 19; case 'j': return 23; case 'k': return 29;
	default: return -1;
	}
}

int main(void)
{
	int acc = 1;
	for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		int r = ops[i].fn(7, 5);
		printf("%s(7, 5) = %d\n", ops[i].name, r);
		acc = acc * 3 + r;
	}
	for (unsigned i = 0; i < sizeof chosen / sizeof chosen[0]; i++)
		acc = chosen[i](acc, (int)i + 2) % 100000;
	for (int d = -1; d < 9; d++)
		printf("%d:%s ", d, day_name(d));
	putchar('\n');
	for (const char *s = "abcxhijk"; *s; s++)
		acc += classify(*s);
	printf("acc %d\n", acc);
	return acc & 0x7f;
}
