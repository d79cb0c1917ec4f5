/* libc's data objects: stdout, stderr and optind, and errno (through __errno_location). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	errno = 0;
	strtol("99999999999999999999999", NULL, 10);
	int range = errno == ERANGE;
	fprintf(stdout, "fileno(stdout) = %d, fileno(stderr) = %d, optind = %d, ERANGE seen = %d\n",
		fileno(stdout), fileno(stderr), optind, range);
	fputs("to stderr\n", stderr);
	setvbuf(stdout, NULL, _IOLBF, 0);
	fputs("line buffered now\n", stdout);
	return 3 + range;
}
