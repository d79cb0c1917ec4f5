/*
 * The native baseline of .ci/bench-peers: the practical lower bound of what modload's link phase
 * does, in C at -O2. For every x86_64 .ko named on the command line (or one per line on stdin with
 * "-"): read the file, check the ELF header, lay the SHF_ALLOC sections out one after another from
 * 0xffffffffc0000000 at their alignment (as modload's Linux layout, without the core/init split),
 * copy them, give every undefined symbol the synthetic address modload's SyntheticSymbols gives it
 * (CRC-32 of the name; one lookup per symbol, not per relocation), and apply every SHT_RELA entry
 * whose target is allocated as Linux's apply_relocate_add does (64, 32, 32S, PC32, PLT32, PC64,
 * place must be zero, value must fit). Prints modules, relocations and a checksum of the images.
 */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t crc_table[256];

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32s(const char *s) {
    uint32_t c = 0xffffffffu;
    for (; *s; s++) c = crc_table[(c ^ (uint8_t)*s) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

static unsigned long long relocations, failures, checksum;

static int link_one(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); return -1; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *file = malloc(size);
    if (fread(file, 1, size, f) != (size_t)size) { fclose(f); free(file); return -1; }
    fclose(f);
    Elf64_Ehdr *eh = (Elf64_Ehdr *)file;
    if (size < (long)sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64
        || eh->e_machine != EM_X86_64 || eh->e_type != ET_REL || eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > (uint64_t)size) {
        fprintf(stderr, "%s: not an x86_64 relocatable object\n", path); free(file); return -1;
    }
    Elf64_Shdr *sh = (Elf64_Shdr *)(file + eh->e_shoff);
    int n = eh->e_shnum;
    uint64_t *addr = calloc(n, sizeof *addr);
    unsigned char **mem = calloc(n, sizeof *mem);
    uint64_t at = 0xffffffffc0000000ull, total = 0;
    for (int i = 1; i < n; i++) {
        if (!(sh[i].sh_flags & SHF_ALLOC)) continue;
        uint64_t al = sh[i].sh_addralign ? sh[i].sh_addralign : 1;
        at = (at + al - 1) & ~(al - 1);
        addr[i] = at;
        at += sh[i].sh_size;
        total += sh[i].sh_size;
    }
    unsigned char *image = calloc(1, total + 64);
    uint64_t off = 0;
    for (int i = 1; i < n; i++) {
        if (!(sh[i].sh_flags & SHF_ALLOC)) continue;
        mem[i] = image + off;
        off += sh[i].sh_size;
        if (sh[i].sh_type != SHT_NOBITS) memcpy(mem[i], file + sh[i].sh_offset, sh[i].sh_size);
    }
    int sym = 0;
    for (int i = 1; i < n; i++) if (sh[i].sh_type == SHT_SYMTAB) sym = i;
    Elf64_Sym *syms = (Elf64_Sym *)(file + sh[sym].sh_offset);
    int nsyms = sh[sym].sh_size / sizeof(Elf64_Sym);
    const char *strtab = (const char *)(file + sh[sh[sym].sh_link].sh_offset);
    uint64_t *value = malloc(nsyms * sizeof *value);
    for (int s = 0; s < nsyms; s++) {
        Elf64_Sym *y = &syms[s];
        if (y->st_shndx == SHN_UNDEF) value[s] = s == 0 ? 0 : 0xffffffff81000000ull + ((uint64_t)(crc32s(strtab + y->st_name) & 0xffffff) << 4);
        else if (y->st_shndx == SHN_ABS) value[s] = y->st_value;
        else if (y->st_shndx < n) value[s] = addr[y->st_shndx] + y->st_value;
        else value[s] = 0;
    }
    int bad = 0;
    for (int i = 1; i < n && !bad; i++) {
        if (sh[i].sh_type != SHT_RELA) continue;
        int t = sh[i].sh_info;
        if (t <= 0 || t >= n || !mem[t]) continue;
        Elf64_Rela *r = (Elf64_Rela *)(file + sh[i].sh_offset);
        int count = sh[i].sh_size / sizeof *r;
        unsigned char *m = mem[t];
        uint64_t tsize = sh[t].sh_size;
        for (int k = 0; k < count; k++) {
            uint64_t o = r[k].r_offset;
            uint64_t v = value[ELF64_R_SYM(r[k].r_info)] + r[k].r_addend;
            uint64_t p = addr[t] + o;
            int width;
            switch (ELF64_R_TYPE(r[k].r_info)) {
            case R_X86_64_NONE: continue;
            case R_X86_64_64: width = 8; break;
            case R_X86_64_32: width = 4; if (v != (uint32_t)v) bad = 1; break;
            case R_X86_64_32S: width = 4; if ((int64_t)v != (int32_t)v) bad = 1; break;
            case R_X86_64_PC32: case R_X86_64_PLT32: width = 4; v -= p; if ((int64_t)v != (int32_t)v) bad = 1; break;
            case R_X86_64_PC64: width = 8; v -= p; break;
            default: bad = 1; width = 0;
            }
            if (bad || o + width > tsize) { bad = 1; break; }
            if (width == 8) {
                if (*(uint64_t *)(m + o)) { bad = 1; break; }
                memcpy(m + o, &v, 8);
            } else {
                if (*(uint32_t *)(m + o)) { bad = 1; break; }
                uint32_t w = (uint32_t)v;
                memcpy(m + o, &w, 4);
            }
            relocations++;
        }
    }
    for (uint64_t i = 0; i < total; i += 64) checksum += image[i];
    failures += bad;
    free(value); free(image); free(mem); free(addr); free(file);
    return bad;
}

int main(int argc, char **argv) {
    crc_init();
    unsigned long long modules = 0;
    char line[4096];
    for (int a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "-")) {
            while (fgets(line, sizeof line, stdin)) {
                line[strcspn(line, "\n")] = 0;
                if (*line) { link_one(line); modules++; }
            }
        } else {
            link_one(argv[a]);
            modules++;
        }
    }
    printf("modules %llu relocations %llu refused %llu checksum %llu\n", modules, relocations, failures, checksum);
    return 0;
}
