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
	/*
	 * Larger than any kmalloc cache: straight from the page allocator.
	 * A leaked 4 KiB slab object was never reported on 7.3 (not even four
	 * zeroed ones): most likely a stale pointer in SLUB's per-CPU caches
	 * (the sheaves of 7.x) still references it for kmemleak.
	 */
	refdev_selftest_ptr = kzalloc(4 * PAGE_SIZE, GFP_KERNEL);
	/* Drop the only reference: a real leak, as drivers ship them. */
	refdev_selftest_ptr = NULL;
	return 0;
}
module_init(leak_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-refdev runner self-test: a planted memory leak");
