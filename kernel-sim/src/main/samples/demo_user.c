#include "modsample.h"

struct demo_hook { struct demo_hook *next; int (*fn)(int); };
extern int demo_register(struct demo_hook *h);
extern void demo_unregister(struct demo_hook *h);

static int twice(int x) { return 2 * x; }

/* Used by demo_leaf, so that demo_core <- demo_user <- demo_leaf is a chain of three. */
int demo_user_twice(int x) { return twice(x); }
EXPORT_SYMBOL_GPL(demo_user_twice);
static struct demo_hook hook = { 0, twice };

static int __init demo_user_init(void)
{
	int n = demo_register(&hook);
	printk(KERN_INFO "demo_user: registered hook %d\n", n);
	return 0;
}

static void __exit demo_user_exit(void)
{
	demo_unregister(&hook);
}

module_init(demo_user_init);
module_exit(demo_user_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modload sample: uses demo_core");
MODINFO(depends, "demo_core");
MODINFO(name, "demo_user");
