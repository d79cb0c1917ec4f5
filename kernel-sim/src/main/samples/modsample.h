/* Minimal stand-ins for <linux/module.h>, enough for sample modules that
 * modload links against its built-in kernel symbol table. No kernel headers
 * are needed: these samples are built with the host gcc by build.sh. */
#define __used __attribute__((used))
#define __init __attribute__((section(".init.text")))
#define __exit __attribute__((section(".exit.text")))
#define MODINFO(tag, value) \
	static const char __UNIQUE_ID_##tag[] __used \
	__attribute__((section(".modinfo"), aligned(1))) = #tag "=" value
#define MODULE_LICENSE(l) MODINFO(license, l)
#define MODULE_DESCRIPTION(d) MODINFO(description, d)
#define MODULE_AUTHOR(a) MODINFO(author, a)
/* What modpost adds to a real module besides its name= and depends= (MODINFO lines in each
 * sample): __this_module in .gnu.linkonce.this_module, here a stand-in of struct module's first fields. */
#ifdef KBUILD_MODNAME
struct module { int state; void *list[2]; char name[56]; };
struct module __this_module __used __attribute__((section(".gnu.linkonce.this_module"))) = {
	.name = KBUILD_MODNAME,
};
#endif
/* 6.x export table entry: PREL32 offsets to the symbol, its name and its namespace. */
#define EXPORT_SYMBOL_GPL(sym) \
	__asm__(".pushsection __ksymtab_strings,\"aMS\",%progbits,1\n" \
		"__kstrtab_" #sym ": .asciz \"" #sym "\"\n" \
		"__kstrtabns_" #sym ": .asciz \"\"\n" \
		".popsection\n.pushsection __ksymtab_gpl,\"a\"\n.balign 4\n" \
		"__ksymtab_" #sym ":\n" \
		".long " #sym " - .\n.long __kstrtab_" #sym " - .\n.long __kstrtabns_" #sym " - .\n" \
		".popsection\n")
#define module_init(fn) int init_module(void) __attribute__((alias(#fn)))
#define module_exit(fn) void cleanup_module(void) __attribute__((alias(#fn)))

extern int _printk(const char *fmt, ...);
extern void *__kmalloc(unsigned long size, unsigned int flags);
extern void kfree(const void *p);
#define printk _printk
#define KERN_INFO "\0016"
#define GFP_KERNEL 0xcc0u
