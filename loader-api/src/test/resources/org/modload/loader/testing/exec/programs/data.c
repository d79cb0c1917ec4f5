/* Global, static, const and read-only data, string literals and pointers between them. */
#include <stdio.h>
#include <string.h>

int counter = 5;
int zeroed[16];
static int hidden_static = 17;
static char scratch[32];
const int primes[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29 };
const char *const greetings[] = { "hello", "bonjour", "hallo", "ciao" };
const char *message = "a string literal reached through a pointer in .data";
struct point { int x, y; const char *label; };
struct point points[] = { { 1, 2, "p1" }, { -3, 4, "p2" }, { 5, -6, "p3" } };
static struct point *const origin_of = &points[1];
int *counter_ptr = &counter;

static int bump(void)
{
	static int calls;	/* a static local, zero-initialised (.bss) */
	return ++calls;
}

int main(void)
{
	int sum = 0;
	for (unsigned i = 0; i < sizeof primes / sizeof primes[0]; i++)
		sum += primes[i];
	for (unsigned i = 0; i < 16; i++)
		zeroed[i] += (int)i * counter;
	*counter_ptr += 10;
	strcpy(scratch, greetings[2]);
	strcat(scratch, "-welt");
	printf("%s %s %d %d\n", greetings[0], scratch, sum, counter);
	printf("%s (%zu)\n", message, strlen(message));
	for (unsigned i = 0; i < 3; i++)
		printf("%s=(%d,%d) ", points[i].label, points[i].x, points[i].y);
	printf("\norigin %s, hidden %d, zeroed[15] %d\n", origin_of->label, hidden_static++, zeroed[15]);
	bump();
	bump();
	printf("bump %d hidden %d\n", bump(), hidden_static);
	return (sum + counter + zeroed[3]) % 200;
}
