// SPDX-License-Identifier: GPL-2.0
/*
 * Runner self-test: takes two mutexes in both orders (A->B, then B->A), the
 * reset/state-lock inversion variant drivers ship. Lockdep must report a
 * possible circular locking dependency and ci/run-vm.sh must fail the run.
 */
#include <linux/module.h>
#include <linux/mutex.h>

static DEFINE_MUTEX(state_mutex);
static DEFINE_MUTEX(reset_mutex);

static int __init lockorder_init(void)
{
	mutex_lock(&state_mutex);
	mutex_lock(&reset_mutex);
	mutex_unlock(&reset_mutex);
	mutex_unlock(&state_mutex);

	mutex_lock(&reset_mutex);
	mutex_lock(&state_mutex);
	mutex_unlock(&state_mutex);
	mutex_unlock(&reset_mutex);
	return 0;
}
module_init(lockorder_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-refdev runner self-test: a planted lock-order inversion");
