#include "modsample.h"

struct demo_hook { struct demo_hook *next; int (*fn)(int); };
static struct demo_hook *hooks;
static int *counter;

int demo_register(struct demo_hook *h)
{
	h->next = hooks;
	hooks = h;
	return ++*counter;
}
EXPORT_SYMBOL_GPL(demo_register);

void demo_unregister(struct demo_hook *h)
{
	struct demo_hook **p;
	for (p = &hooks; *p; p = &(*p)->next)
		if (*p == h) { *p = h->next; --*counter; return; }
}
EXPORT_SYMBOL_GPL(demo_unregister);

static int __init demo_core_init(void)
{
	counter = __kmalloc(sizeof(*counter), GFP_KERNEL);
	if (!counter)
		return -12;
	*counter = 0;
	printk(KERN_INFO "demo_core: ready\n");
	return 0;
}

static void __exit demo_core_exit(void)
{
	kfree(counter);
}

module_init(demo_core_init);
module_exit(demo_core_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("modload sample: a hook registry other modules use");
MODINFO(depends, "");
MODINFO(name, "demo_core");
