#include "modsample.h"

extern int demo_user_twice(int x);

static int __init demo_leaf_init(void)
{
	printk(KERN_INFO "demo_leaf: twice 21 is %d\n", demo_user_twice(21));
	return 0;
}

static void __exit demo_leaf_exit(void)
{
}

module_init(demo_leaf_init);
module_exit(demo_leaf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modload sample: uses demo_user, the end of a chain of three");
MODINFO(depends, "demo_user");
MODINFO(name, "demo_leaf");
