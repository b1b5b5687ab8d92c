// SPDX-License-Identifier: GPL-2.0
/*
 * Runner self-test: leaks one allocation on load. kmemleak must report it
 * and ci/run-vm.sh must fail the run. Never loaded outside that self-test.
 */
#include <linux/module.h>
#include <linux/slab.h>

static void *refdev_selftest_ptr;

static int __init leak_init(void)
{
	refdev_selftest_ptr = kmalloc(4096, GFP_KERNEL);
	/* Drop the only reference: a real leak, as drivers ship them. */
	refdev_selftest_ptr = NULL;
	return 0;
}
module_init(leak_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-refdev runner self-test: a planted memory leak");
