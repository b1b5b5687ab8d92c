// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * fault/...: what the migration uAPI promises when the device fails
 * (SPEC.md REQ-FAULT-*). The device is made to fail by its personality's
 * fault hooks (personality.h fault_arm: refdev drives DEV-FI-* through
 * refdev_core's debugfs); without them every test SKIPs with the reason.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "area_util.h"
#include "mig_common.h"

#define ERROR_Q VFIO_H("ERROR - The device has failed and must be reset")
#define RECOVER_Q VFIO_H("To recover from ERROR VFIO_DEVICE_RESET must be used to return " \
			 "the device_state back to RUNNING")

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Migration, reset and a personality with fault hooks, or SKIP. */
static uint64_t need_faults(struct vfio_dev *d, struct pers_dev *p)
{
	uint64_t flags = need_migration(d);

	need_reset_flag(d);
	need_pers(d, p);
	if (!p->ops->fault_arm || !p->ops->fault_clear)
		conform_skip("personality %s has no fault injection", p->ops->name);
	return flags;
}

/*
 * quick: the test needs a command to time out but does not measure how
 * long the driver waits, so the personality may shorten that wait until
 * disarm() (fault_quick_timeout, before the arming: a LATE completion is
 * timed from it). REQ-FAULT-002 measures the wait: not quick.
 */
static void arm(struct pers_dev *p, enum pers_fault f, unsigned int count, bool quick)
{
	int rc = quick && p->ops->fault_quick_timeout ? p->ops->fault_quick_timeout(p) : 0;

	if (rc && rc != -EOPNOTSUPP)
		print_message("the driver keeps its own timeout: %s\n", p->why);
	rc = p->ops->fault_arm(p, f, count);
	if (rc == -EOPNOTSUPP)
		conform_skip("%s", p->why);
	conform_check(!rc, "arming a fault: %s", p->why);
}

static void disarm(struct pers_dev *p)
{
	conform_check(!p->ops->fault_clear(p), "disarming the faults: %s", p->why);
}

/* VFIO_DEVICE_RESET that must bring device_state back to RUNNING. */
static void reset_to_running(struct vfio_dev *d, const char *after)
{
	int rc = ioctl(d->fd, VFIO_DEVICE_RESET) ? -errno : 0;
	uint32_t s;

	conform_check(!rc, "VFIO_DEVICE_RESET after %s: %s" RECOVER_Q, after, errname(rc));
	s = mig_state_now(d);
	conform_check(s == VFIO_DEVICE_STATE_RUNNING, "device_state %s after VFIO_DEVICE_RESET "
		      "(after %s)" RECOVER_Q, mig_state_name(s), after);
}

struct arc {
	uint32_t from, to;
};

#define FAILED_Q VFIO_H("If this function fails then current device_state may be the original " \
			"operating state or some other state along the combination transition path")

/* Whether `s` is ERROR or on the combination path cur -> target. */
static bool state_after_failure_ok(uint32_t s, uint32_t cur, uint32_t target, uint64_t flags)
{
	uint32_t path[MIG_MAX_PATH];
	int i, n = mig_path(cur, target, flags, path);

	if (s == VFIO_DEVICE_STATE_ERROR)
		return true;
	for (i = 0; i < n; i++)
		if (path[i] == s)
			return true;
	return false;
}

/*
 * A driver that reported a valid state `s` after the failed arc claims the
 * device works in it: with the fault cleared the arc again from `s` must
 * either succeed (and read `to`) or fail as any arc may (FAILED_Q).
 */
static void retry_from(struct vfio_dev *d, uint64_t flags, uint32_t s, uint32_t to,
		       const char *what)
{
	int fd = -1, rc = __vfio_mig_set_state(d->fd, to, &fd);
	uint32_t now = mig_state_now(d);

	close_fd(&fd);
	print_message("%s reported %s; the arc again with the fault cleared: %s, device_state "
		      "%s\n", what, mig_state_name(s), rc ? errname(rc) : "succeeded",
		      mig_state_name(now));
	if (!rc)
		conform_check(now == to, "after %s the device reported %s; SET %s then succeeded "
			      "and device_state reads %s" TRANSITION_Q, what, mig_state_name(s),
			      mig_state_name(to), mig_state_name(now));
	else
		conform_check(state_after_failure_ok(now, s, to, flags), "after %s the device "
			      "reported %s; SET %s then failed (%s) and device_state reads %s"
			      FAILED_Q, what, mig_state_name(s), mig_state_name(to), errname(rc),
			      mig_state_name(now));
}

/*
 * From a fresh RUNNING to `a->from` (RESUMING with the device's own saved
 * stream written, so that leaving it asks the device to load), the device
 * made to hang on its next operation, then the arc. The failed arc may
 * leave ERROR or any state of its path (FAILED_Q: mlx5, hisi_acc, virtio,
 * qat and xe keep the last state they reached). ERROR must hold until the
 * reset; a valid state must be true enough to retry the arc from; and the
 * reset must return RUNNING either way. Returns false when the arc needed
 * no device operation (it succeeded; nothing to check).
 */
static bool stuck_arc(struct vfio_dev *d, struct pers_dev *p, uint64_t flags,
		      const struct arc *a)
{
	struct mig_reach r;
	char what[96];
	uint32_t s;
	int rc;

	mig_reach(d, flags, a->from, &r);
	arm(p, PERS_FAULT_STUCK, 1, true);
	rc = __vfio_mig_set_state(d->fd, a->to, NULL);
	disarm(p);
	snprintf(what, sizeof(what), "%s -> %s on a device that stopped answering",
		 mig_state_name(a->from), mig_state_name(a->to));
	if (!rc) {
		print_message("%s succeeded: the arc needed no device operation\n", what);
		mig_reach_done(&r);
		reset_to_running(d, what);
		return false;
	}
	s = mig_state_now(d);
	print_message("%s: %s, device_state %s\n", what, errname(rc), mig_state_name(s));
	conform_check(state_after_failure_ok(s, a->from, a->to, flags), "%s failed (%s) and "
		      "device_state reads %s: neither ERROR nor a state of the arc's path"
		      FAILED_Q, what, errname(rc), mig_state_name(s));
	if (s == VFIO_DEVICE_STATE_ERROR) {
		rc = __vfio_mig_set_state(d->fd, VFIO_DEVICE_STATE_RUNNING, NULL);
		s = mig_state_now(d);
		conform_check(rc && s == VFIO_DEVICE_STATE_ERROR, "in ERROR, SET RUNNING %s and "
			      "device_state reads %s" ERROR_Q, rc ? "failed" : "succeeded",
			      mig_state_name(s));
	} else if (s != a->to) {
		retry_from(d, flags, s, a->to, what);
	}
	mig_reach_done(&r);
	reset_to_running(d, what);
	return true;
}

static void test_stuck_arc_error(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const struct arc arcs[] = {
		{ VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_STOP },
		{ VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_STOP_COPY },
		{ VFIO_DEVICE_STATE_RUNNING, VFIO_DEVICE_STATE_PRE_COPY },
		{ VFIO_DEVICE_STATE_RESUMING, VFIO_DEVICE_STATE_STOP },
	};
	struct pers_dev p;
	unsigned int checked = 0;
	uint64_t flags = need_faults(d, &p);
	size_t i;

	for (i = 0; i < NELEM(arcs); i++) {
		if (!mig_state_supported(arcs[i].to, flags))
			continue;
		checked += stuck_arc(d, &p, flags, &arcs[i]);
	}
	if (!checked)
		conform_skip("no arc needed a device operation: nothing could hang");
	mig_restore(d);
}

/*
 * The arc of a child process, waiting on the hung device; the parent resets
 * meanwhile. The child reports when its SET_STATE returned.
 */
static pid_t stuck_arc_child(struct vfio_dev *d, int *rfd)
{
	int pfd[2];
	pid_t pid;

	conform_check(!pipe(pfd), "pipe: %s", strerror(errno));
	pid = fork();
	conform_check(pid >= 0, "fork: %s", strerror(errno));
	if (!pid) {
		long long end;

		close(pfd[0]);
		(void)!__vfio_mig_set_state(d->fd, VFIO_DEVICE_STATE_STOP, NULL);
		end = now_ms();
		(void)!write(pfd[1], &end, sizeof(end));
		_exit(0);
	}
	close(pfd[1]);
	*rfd = pfd[0];
	return pid;
}

/*
 * Wait (at most 3 s) until the child sleeps ('S' or 'D' in /proc/<pid>/stat):
 * it has nothing to wait for but the hung device in its SET_STATE.
 */
static void wait_child_sleeps(pid_t pid)
{
	char path[32], buf[256], *st;
	long long end = now_ms() + 3000;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	while (now_ms() < end) {
		f = fopen(path, "r");
		st = f && fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		if (f)
			fclose(f);
		if (!st || (st[1] == ' ' && st[2] && strchr("SDZ", st[2])))
			break;
		usleep(10 * 1000);
	}
	usleep(50 * 1000);	/* past the core's entry into the driver */
}

static void test_reset_during_stuck_arc(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	long long t0, t_reset, t_done, t_arc = 0, waited;
	struct pers_dev p;
	int rfd, rc;
	pid_t pid;

	need_faults(d, &p);
	arm(&p, PERS_FAULT_STUCK, 1, false);
	t0 = now_ms();
	pid = stuck_arc_child(d, &rfd);
	wait_child_sleeps(pid);
	t_reset = now_ms();
	rc = ioctl(d->fd, VFIO_DEVICE_RESET) ? -errno : 0;
	t_done = now_ms();
	if (read(rfd, &t_arc, sizeof(t_arc)) != sizeof(t_arc))
		t_arc = 0;
	close(rfd);
	waitpid(pid, NULL, 0);
	disarm(&p);
	print_message("RUNNING -> STOP on a hung device returned after %lld ms; "
		      "VFIO_DEVICE_RESET issued at %lld ms returned after %lld ms\n",
		      t_arc - t0, t_reset - t0, t_done - t_reset);
	conform_check(t_arc, "the child's arc did not report back");
	if (t_arc <= t_reset)
		conform_skip("RUNNING -> STOP returned before the reset (%lld ms): the driver "
			     "did not wait on the hung device", t_arc - t0);
	conform_check(!rc, "VFIO_DEVICE_RESET during a stuck arc: %s" RECOVER_Q, errname(rc));
	/*
	 * The arc's own wait is the driver's command timeout. Only a reset
	 * that plainly waited for it fails (over 1 s and over half of it):
	 * no tie of clocks, no scheduling delay on a loaded host.
	 */
	waited = t_done - t_reset;
	conform_check(waited <= 1000 || waited <= (t_arc - t0) / 2, "VFIO_DEVICE_RESET issued "
		      "while an arc waited on a hung device returned after %lld ms, the arc gave "
		      "up after %lld ms (%lld ms after the reset): the reset waits for the "
		      "driver's command timeout, not for the device's reset" RECOVER_Q
		      PCI_REF("PCIe Base 6.0 6.6.2", "a function must complete an FLR within "
			      "100 ms"), waited, t_arc - t0, t_arc - t_reset);
	if (mig_state_now(d) != VFIO_DEVICE_STATE_RUNNING)
		reset_to_running(d, "the stuck arc ended");
}

/* One step of the check below: it must work, since the device works again. */
static int must_go(struct vfio_dev *d, uint32_t s, const char *why)
{
	int fd = -1, rc = __vfio_mig_set_state(d->fd, s, &fd);

	conform_check(!rc, "%s: SET %s: %s" TRANSITION_Q, why, mig_state_name(s), errname(rc));
	return fd;
}

#define AFTER_LATE "after a command timed out and the device was reset"

static void test_late_completion(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct pers_state want, got;
	struct pers_dev p;
	char why[PERS_WHY];
	long long t0;
	uint8_t *buf;
	ssize_t n;
	int fd, rc;

	need_faults(d, &p);
	if (!p.ops->set_state || !p.ops->read_state)
		conform_skip("personality %s cannot set and read state", p.ops->name);
	arm(&p, PERS_FAULT_LATE, 1, true);
	t0 = now_ms();
	rc = __vfio_mig_set_state(d->fd, VFIO_DEVICE_STATE_STOP, NULL);
	print_message("RUNNING -> STOP with a late completion: %s after %lld ms\n",
		      rc ? errname(rc) : "succeeded", now_ms() - t0);
	if (!rc) {
		disarm(&p);
		conform_skip("the driver waited for the late completion: no command timed out");
	}
	/*
	 * The timed-out command took the fault. No disarm here: that is a
	 * command too (refdev: FAULT_INJECT), so it would be the first to
	 * meet the late completion, and the check is about the driver's own.
	 */
	reset_to_running(d, "a timed-out command");

	/* the late completion is still due: nothing below may receive it */
	conform_check(!p.ops->set_state(&p, 0x5eed0003) && !p.ops->read_state(&p, &want),
		      "personality: %s", p.why);
	must_go(d, VFIO_DEVICE_STATE_STOP, AFTER_LATE);
	fd = must_go(d, VFIO_DEVICE_STATE_STOP_COPY, AFTER_LATE);
	conform_check(fd >= 0, AFTER_LATE ": STOP -> STOP_COPY returned no data fd" DATA_FD_Q);
	n = __mig_read_all(fd, &buf, MIG_MAX_DATA);
	close(fd);
	conform_check(n > 0, AFTER_LATE ": reading the STOP_COPY stream: %s",
		      n ? errname((int)n) : "no data");
	must_go(d, VFIO_DEVICE_STATE_RUNNING, AFTER_LATE);
	conform_check(!p.ops->set_state(&p, 0x5eed0004), "personality: %s", p.why);
	must_go(d, VFIO_DEVICE_STATE_STOP, AFTER_LATE);
	fd = must_go(d, VFIO_DEVICE_STATE_RESUMING, AFTER_LATE);
	rc = __mig_write_all(fd, buf, (size_t)n, 0);
	free(buf);
	conform_check(!rc, AFTER_LATE ": writing the saved stream: %s", errname(rc));
	must_go(d, VFIO_DEVICE_STATE_STOP, AFTER_LATE);
	close(fd);
	must_go(d, VFIO_DEVICE_STATE_RUNNING, AFTER_LATE);
	conform_check(!p.ops->read_state(&p, &got), "personality: %s", p.why);
	conform_check(pers_state_equal(&want, &got, why, sizeof(why)),
		      AFTER_LATE ", the state saved and loaded back differs: %s"
		      VFIO_H("RESUMING - The device is stopped and is loading a new internal "
			     "state"), why);
	disarm(&p);
}

static const struct conform_test tests[] = {
	{ "fault/stuck-arc-enters-error", { "REQ-FAULT-001" }, test_stuck_arc_error, 0, 120 },
	{ "fault/reset-during-stuck-arc-returns", { "REQ-FAULT-002" },
	  test_reset_during_stuck_arc, 0, 0 },
	{ "fault/timed-out-command-never-completes-later", { "REQ-FAULT-003" },
	  test_late_completion, 0, 120 },
};

CONFORM_AREA(conform_area_fault, "fault", tests, 1250);
