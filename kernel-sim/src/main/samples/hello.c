#include "modsample.h"

static int __init hello_init(void)
{
	printk(KERN_INFO "hello: loaded\n");
	return 0;
}

static void __exit hello_exit(void)
{
	printk(KERN_INFO "hello: unloaded\n");
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modload sample: says hello");
MODINFO(depends, "");
MODINFO(name, "hello");
