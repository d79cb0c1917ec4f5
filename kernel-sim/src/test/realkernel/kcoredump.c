/* kcoredump BASE SIZE: writes SIZE bytes of kernel virtual memory at BASE, read through /proc/kcore, to stdout. */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#if __SIZEOF_POINTER__ == 8
typedef Elf64_Ehdr Ehdr; typedef Elf64_Phdr Phdr;
#else
typedef Elf32_Ehdr Ehdr; typedef Elf32_Phdr Phdr;
#endif
int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: kcoredump BASE SIZE\n"); return 2; }
    unsigned long long base = strtoull(argv[1], 0, 0), size = strtoull(argv[2], 0, 0);
    int fd = open("/proc/kcore", O_RDONLY);
    if (fd < 0) { perror("/proc/kcore"); return 1; }
    Ehdr eh;
    if (pread(fd, &eh, sizeof eh, 0) != sizeof eh) { perror("ehdr"); return 1; }
    for (int i = 0; i < eh.e_phnum; i++) {
        Phdr ph;
        if (pread(fd, &ph, sizeof ph, eh.e_phoff + (off_t) i * eh.e_phentsize) != sizeof ph) { perror("phdr"); return 1; }
        if (ph.p_type != PT_LOAD || base < ph.p_vaddr || base + size > (unsigned long long) ph.p_vaddr + ph.p_memsz) continue;
        char buf[65536];
        unsigned long long done = 0;
        while (done < size) {
            size_t n = size - done < sizeof buf ? size - done : sizeof buf;
            ssize_t r = pread(fd, buf, n, (off_t) (ph.p_offset + (base - ph.p_vaddr) + done));
            if (r <= 0) { perror("read"); return 1; }
            fwrite(buf, 1, r, stdout);
            done += r;
        }
        return 0;
    }
    fprintf(stderr, "kcoredump: 0x%llx+0x%llx is in no PT_LOAD segment\n", base, size);
    return 1;
}
