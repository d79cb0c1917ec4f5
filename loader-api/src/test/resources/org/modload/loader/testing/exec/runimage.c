/*
 * runimage: the execution oracle's loader (DESIGN.md section 5.7). In one process, with ASLR on,
 * it resolves symbols with dlsym in its own process, reserves address regions and reports them,
 * then maps an image linked elsewhere (modload, or GNU ld in the harness's self-tests) at its
 * addresses and calls its entry point as int main(int, char **), exiting through exit() with
 * main's result so that stdio is flushed.
 *
 * Protocol (one command per line on standard input, answers on standard output, each flushed):
 *   sym NAME       -> "sym NAME 0xADDR" or "sym NAME absent"
 *   regions        -> "region NAME 0xBASE 0xSIZE" per reserved region, then "end"
 *   run DIR        -> maps DIR/image.txt, prints the marker line "--- program output ---",
 *                     then runs main; everything after the marker is the program's own output
 *   quit           -> exits 0
 * image.txt: "entry 0xADDR" and, per piece, "piece 0xADDR 0xSIZE PROT FILE", PROT made of the
 * letters r, w, x (or "-"), FILE relative to DIR or "-" for zeros.
 * A loader error is one line "runimage: ..." on standard error and exit status 126, always
 * before the marker.
 *
 * Built with -fPIC (linked as PIE) and without naming stdout or stderr in our own code: a PIE's
 * copy relocation would move those objects into this executable, far from libc, and the image
 * must see them where libc keeps them.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOADER_ERROR 126
#define MARKER "--- program output ---"
#define MAX_PIECES 256
#define MAX_LINE 4096

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#if UINTPTR_MAX > 0xffffffffu
/* Far: below 2 GiB, so that -fno-pic small and medium code (R_X86_64_32S) can run there, and
 * more than 4 GiB from libc, so that nothing in libc is within a 32-bit displacement. */
#define REGION_SIZE ((size_t)256 << 20)
#define FAR_NAME "far"
#define FAR_FIRST 0x40000000ul
#define FAR_LIMIT 0x80000000ul
#define FAR_MIN_DISTANCE (4ul << 30)
#else
/* i386: every address is reachable modulo 2^32; one region low, one beside libc. */
#define REGION_SIZE ((size_t)64 << 20)
#define FAR_NAME "low"
#define FAR_FIRST 0x10000000ul
#define FAR_LIMIT 0x40000000ul
#define FAR_MIN_DISTANCE 0ul
#endif
/* Near: every byte of the region within 1 GiB of libc's start, so that a 32-bit pc-relative
 * displacement from anywhere in an image reaches all of libc (and libm, mapped beside it). */
#define NEAR_MAX_DISTANCE (1ul << 30)

struct region {
	const char *name;
	uintptr_t base;
	size_t size;
};

static struct region regions[2];

/* One line on standard error (fd 2 directly: see the note on stderr above), then exit 126. */
static void fail(const char *fmt, ...)
{
	char line[MAX_LINE];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	dprintf(2, "runimage: %s\n", line);
	exit(LOADER_ERROR);
}

static void answer(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (fflush(NULL) != 0)
		fail("cannot write to standard output: %s", strerror(errno));
}

static uintptr_t distance(uintptr_t a, uintptr_t b)
{
	return a > b ? a - b : b - a;
}

/* The larger distance from either end of [base, base + size) to point. */
static uintptr_t span_distance(uintptr_t base, size_t size, uintptr_t point)
{
	uintptr_t d1 = distance(base, point), d2 = distance(base + size, point);
	return d1 > d2 ? d1 : d2;
}

/* An inaccessible reservation at exactly want, or 0 when that range is taken. */
static uintptr_t reserve_at(uintptr_t want, size_t size)
{
	void *p = mmap((void *)want, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
		       -1, 0);
	if (p == MAP_FAILED)
		return 0;
	if ((uintptr_t)p != want) {	/* a kernel older than 4.17 took the flag as a hint */
		munmap(p, size);
		return 0;
	}
	return want;
}

static uintptr_t libc_base(void)
{
	Dl_info info;
	void *f = dlsym(RTLD_DEFAULT, "printf");
	if (f == NULL || dladdr(f, &info) == 0 || info.dli_fbase == NULL)
		fail("cannot find libc in this process (dlsym/dladdr of printf failed)");
	return (uintptr_t)info.dli_fbase;
}

static void reserve_regions(void)
{
	uintptr_t libc = libc_base();
	uintptr_t far = 0;
	for (uintptr_t at = FAR_FIRST; far == 0 && at + REGION_SIZE <= FAR_LIMIT; at += REGION_SIZE)
		far = reserve_at(at, REGION_SIZE);
	if (far == 0)
		fail("cannot reserve a %s region of 0x%zx bytes between 0x%lx and 0x%lx", FAR_NAME, REGION_SIZE,
		     (unsigned long)FAR_FIRST, (unsigned long)FAR_LIMIT);
#if FAR_MIN_DISTANCE > 0
	/* The nearest byte of the region to libc's start, which lies above it. */
	if (libc < far + REGION_SIZE || libc - (far + REGION_SIZE) < FAR_MIN_DISTANCE)
		fail("%s region 0x%lx is within 0x%lx bytes of libc at 0x%lx", FAR_NAME, (unsigned long)far,
		     (unsigned long)FAR_MIN_DISTANCE, (unsigned long)libc);
#endif

	/* The kernel places a mapping without a hint just below the lowest one (top-down), which
	 * is beside the shared libraries; hints below libc are the fallback. */
	uintptr_t near = 0;
	void *p = mmap(NULL, REGION_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p != MAP_FAILED && span_distance((uintptr_t)p, REGION_SIZE, libc) <= NEAR_MAX_DISTANCE)
		near = (uintptr_t)p;
	else if (p != MAP_FAILED)
		munmap(p, REGION_SIZE);
	for (uintptr_t step = 1; near == 0 && step <= 8; step++) {
		uintptr_t at = (libc - step * REGION_SIZE) & ~(uintptr_t)0xfffff;
		if (at < libc && span_distance(at, REGION_SIZE, libc) <= NEAR_MAX_DISTANCE)
			near = reserve_at(at, REGION_SIZE);
	}
	if (near == 0)
		fail("cannot reserve a near region of 0x%zx bytes within 0x%lx bytes of libc at 0x%lx", REGION_SIZE,
		     (unsigned long)NEAR_MAX_DISTANCE, (unsigned long)libc);
	regions[0] = (struct region){ FAR_NAME, far, REGION_SIZE };
	regions[1] = (struct region){ "near", near, REGION_SIZE };
}

struct piece {
	uintptr_t address;
	size_t size;
	int prot;
	char file[MAX_LINE];
};

static int parse_prot(const char *s, const char *where)
{
	int prot = 0;
	if (strcmp(s, "-") == 0)
		return PROT_NONE;
	for (; *s; s++) {
		switch (*s) {
		case 'r': prot |= PROT_READ; break;
		case 'w': prot |= PROT_WRITE; break;
		case 'x': prot |= PROT_EXEC; break;
		default: fail("%s: bad protection '%s'", where, s);
		}
	}
	return prot;
}

static const struct region *region_of(uintptr_t lo, uintptr_t hi)
{
	for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
		if (lo >= regions[i].base && hi <= regions[i].base + regions[i].size)
			return &regions[i];
	return NULL;
}

static void copy_file(const char *dir, const struct piece *p)
{
	char path[2 * MAX_LINE];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", dir, p->file);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		fail("%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || (size_t)st.st_size != p->size)
		fail("%s: size %lld, the manifest says 0x%zx", path, (long long)st.st_size, p->size);
	for (size_t done = 0; done < p->size;) {
		ssize_t n = read(fd, (char *)p->address + done, p->size - done);
		if (n <= 0)
			fail("%s: read failed at 0x%zx: %s", path, done, n == 0 ? "early end of file" : strerror(errno));
		done += (size_t)n;
	}
	close(fd);
}

typedef int (*entry_fn)(int, char **);

/* Maps the image of dir/image.txt into the region that holds it; returns its entry point. */
static entry_fn map_image(const char *dir)
{
	static struct piece pieces[MAX_PIECES];
	char manifest[2 * MAX_LINE], line[MAX_LINE];
	size_t n = 0;
	uintptr_t entry = 0, lo = UINTPTR_MAX, hi = 0;
	int have_entry = 0;
	long page = sysconf(_SC_PAGESIZE);

	snprintf(manifest, sizeof manifest, "%s/image.txt", dir);
	FILE *f = fopen(manifest, "r");
	if (f == NULL)
		fail("%s: %s", manifest, strerror(errno));
	for (int lineno = 1; fgets(line, sizeof line, f) != NULL; lineno++) {
		char where[2 * MAX_LINE + 16], prot[8];
		unsigned long long a, s;
		snprintf(where, sizeof where, "%s:%d", manifest, lineno);
		if (sscanf(line, "entry %llx", &a) == 1) {
			entry = (uintptr_t)a;
			have_entry = 1;
		} else if (n < MAX_PIECES && sscanf(line, "piece %llx %llx %7s %4095s", &a, &s, prot,
						     pieces[n].file) == 4) {
			if (a + s < a || (uintptr_t)(a + s) != a + s)
				fail("%s: piece 0x%llx+0x%llx does not fit in the address space", where, a, s);
			pieces[n].address = (uintptr_t)a;
			pieces[n].size = (size_t)s;
			pieces[n].prot = parse_prot(prot, where);
			if (s > 0) {
				if (pieces[n].address < lo)
					lo = pieces[n].address;
				if (pieces[n].address + s > hi)
					hi = pieces[n].address + s;
			}
			n++;
		} else {
			fail("%s: cannot read '%.*s'", where, (int)strcspn(line, "\n"), line);
		}
	}
	fclose(f);
	if (!have_entry || lo >= hi)
		fail("%s: no entry line or no piece", manifest);
	lo &= ~(uintptr_t)(page - 1);
	hi = (hi + page - 1) & ~(uintptr_t)(page - 1);
	const struct region *r = region_of(lo, hi);
	if (r == NULL)
		fail("image 0x%lx-0x%lx lies in no reserved region (%s 0x%lx, near 0x%lx, 0x%zx bytes each)",
		     (unsigned long)lo, (unsigned long)hi, regions[0].name, (unsigned long)regions[0].base,
		     (unsigned long)regions[1].base, REGION_SIZE);

	/* Writable first, inside our own reservation (MAP_FIXED replaces only that), then the
	 * bytes, then each page's protection: the union of the pieces that touch it. */
	if (mmap((void *)lo, hi - lo, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
	    == MAP_FAILED)
		fail("mmap 0x%lx-0x%lx: %s", (unsigned long)lo, (unsigned long)hi, strerror(errno));
	int entry_ok = 0;
	for (size_t i = 0; i < n; i++) {
		if (pieces[i].size > 0 && strcmp(pieces[i].file, "-") != 0)
			copy_file(dir, &pieces[i]);
		if ((pieces[i].prot & PROT_EXEC) && entry >= pieces[i].address
		    && entry < pieces[i].address + pieces[i].size)
			entry_ok = 1;
	}
	if (!entry_ok)
		fail("entry 0x%lx is in no executable piece", (unsigned long)entry);
	for (uintptr_t at = lo; at < hi; at += (uintptr_t)page) {
		int prot = PROT_NONE;
		for (size_t i = 0; i < n; i++)
			if (pieces[i].size > 0 && pieces[i].address < at + (uintptr_t)page
			    && pieces[i].address + pieces[i].size > at)
				prot |= pieces[i].prot;
		if (mprotect((void *)at, (size_t)page, prot) != 0)
			fail("mprotect 0x%lx: %s", (unsigned long)at, strerror(errno));
	}
	return (entry_fn)entry;
}

int main(void)
{
	char line[MAX_LINE];
	reserve_regions();
	while (fgets(line, sizeof line, stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "sym ", 4) == 0) {
			void *p = dlsym(RTLD_DEFAULT, line + 4);
			if (p == NULL)
				answer("sym %s absent\n", line + 4);
			else
				answer("sym %s 0x%lx\n", line + 4, (unsigned long)(uintptr_t)p);
		} else if (strcmp(line, "regions") == 0) {
			for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
				answer("region %s 0x%lx 0x%zx\n", regions[i].name, (unsigned long)regions[i].base,
				       regions[i].size);
			answer("end\n");
		} else if (strncmp(line, "run ", 4) == 0) {
			entry_fn entry = map_image(line + 4);
			char *argv[] = { "image", NULL };
			answer("%s\n", MARKER);
			exit(entry(1, argv));
		} else if (strcmp(line, "quit") == 0) {
			return 0;
		} else {
			fail("unknown command '%s' (sym NAME, regions, run DIR, quit)", line);
		}
	}
	fail("standard input ended before a run command");
}
