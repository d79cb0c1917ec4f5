/* One program in two objects (split_main.o, split_lib.o): calls, data and a callback across
 * them, and a weak definition in split_lib.o that this strong one overrides. */
#include <stdio.h>

extern int lib_counter;
extern const char *const lib_words[];
int lib_apply(int (*fn)(int), int times);
int lib_total(void);
const char *lib_flavour(void);

int main_scale = 3;

const char *flavour(void)
{
	return "strong, from split_main.o";
}

static int triple(int x)
{
	return x * main_scale;
}

int main(void)
{
	int r = lib_apply(triple, 4);
	lib_counter += 100;
	printf("apply %d, counter %d, total %d, %s %s\n", r, lib_counter, lib_total(), lib_words[0], lib_words[2]);
	printf("flavour: %s\n", lib_flavour());
	return r % 50;
}
