/* The second object of the split program (see split_main.c). */
int lib_counter = 7;
const char *const lib_words[] = { "alpha", "beta", "gamma" };
extern int main_scale;

__attribute__((weak)) const char *flavour(void)
{
	return "weak, from split_lib.o";
}

int lib_apply(int (*fn)(int), int times)
{
	int v = 1;
	for (int i = 0; i < times; i++)
		v = fn(v) + lib_counter;
	return v;
}

int lib_total(void)
{
	return lib_counter * main_scale;
}

const char *lib_flavour(void)
{
	return flavour();
}
