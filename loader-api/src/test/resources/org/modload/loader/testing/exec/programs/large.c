/* Arrays larger than gcc's -mlarge-data-threshold (64 KiB): with -mcmodel=medium they go to
 * .lbss, .ldata and .lrodata and are reached through 64-bit addresses. */
#include <stdio.h>

#define N_BSS 60000
#define N_DATA 20000

static int big_bss[N_BSS];
int big_data[N_DATA] = { [0] = 1, [1000] = 3, [N_DATA - 1] = 7 };
const unsigned short big_ro[40000] = { [0] = 11, [12345] = 13, [39999] = 17 };
int small_data = 2;

int main(void)
{
	long sum = 0;
	for (int i = 0; i < N_BSS; i++)
		big_bss[i] = i % 7 * small_data;
	for (int i = 0; i < N_BSS; i += 3)
		sum += big_bss[i];
	for (int i = 0; i < N_DATA; i++)
		sum += big_data[i];
	for (int i = 0; i < 40000; i++)
		sum += big_ro[i];
	big_data[5] = (int)sum;
	printf("sum %ld, big_data[5] %d, last %d %u\n", sum, big_data[5], big_bss[N_BSS - 1], big_ro[39999]);
	return (int)(sum % 97);
}
