// SPDX-License-Identifier: GPL-2.0
/*
 * Runner self-test: a CPU that spins with preemption off, the freeze a
 * driver waiting on a stuck device in atomic context causes. The soft-lockup
 * watchdog must panic the guest with every CPU's stack on the console and
 * ci/run-vm.sh must report an infrastructure failure (guest froze), with the
 * backtrace in infra-failure.txt, not a guest timeout.
 */
#include <linux/module.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/preempt.h>

static int __init lockup_init(void)
{
	unsigned long end = jiffies + 120 * HZ;

	preempt_disable();
	while (time_before(jiffies, end))
		cpu_relax();
	preempt_enable();
	return 0;
}
module_init(lockup_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-refdev runner self-test: a planted soft lockup");
