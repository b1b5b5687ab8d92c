// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * migration/...: VFIO_DEVICE_FEATURE_MIGRATION and MIG_DEVICE_STATE: the
 * feature probe, every arc of the FSM (base arcs and the combinations the
 * core takes by the shortest path, with mig_fsm.c as the oracle), invalid
 * requests, data-fd semantics and VFIO_DEVICE_RESET in each state
 * (SPEC.md REQ-MIG-*).  Devices without migration SKIP every test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "area_util.h"
#include "mig_common.h"

enum {
	ST_STOP = VFIO_DEVICE_STATE_STOP,
	ST_RUN = VFIO_DEVICE_STATE_RUNNING,
	ST_SCOPY = VFIO_DEVICE_STATE_STOP_COPY,
	ST_RES = VFIO_DEVICE_STATE_RESUMING,
	ST_RP2P = VFIO_DEVICE_STATE_RUNNING_P2P,
	ST_PRE = VFIO_DEVICE_STATE_PRE_COPY,
	ST_PREP2P = VFIO_DEVICE_STATE_PRE_COPY_P2P,
};

/* ---------------- the feature ---------------- */

static void test_feature_probe(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t flags = need_migration(d);
	int rc;

	print_message("migration flags 0x%llx\n", (unsigned long long)flags);
	conform_check(flags & VFIO_MIGRATION_STOP_COPY, "flags 0x%llx lack STOP_COPY",
		      (unsigned long long)flags);
	conform_check(!(flags & ~7ull), "undefined migration flags 0x%llx",
		      (unsigned long long)(flags & ~7ull));
	rc = __vfio_feature(d->fd, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
			  VFIO_DEVICE_FEATURE_MIGRATION, NULL, 0);
	conform_check(!rc, "PROBE|GET of MIGRATION: %s", errname(rc));
	rc = __vfio_feature(d->fd, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
			  VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, NULL, 0);
	conform_check(!rc, "PROBE|GET|SET of MIG_DEVICE_STATE: %s", errname(rc));
}

static void test_feature_set_rejected(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_device_feature_migration m = { .flags = VFIO_MIGRATION_STOP_COPY };
	int rc;

	need_migration(d);
	rc = __vfio_feature(d->fd, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIGRATION,
			  &m, sizeof(m));
	conform_check(rc != 0, "SET of VFIO_DEVICE_FEATURE_MIGRATION (GET-only) succeeded");
	rc = __vfio_feature(d->fd, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
			  VFIO_DEVICE_FEATURE_MIGRATION, NULL, 0);
	conform_check(rc != 0, "PROBE|SET of VFIO_DEVICE_FEATURE_MIGRATION succeeded");
}

static void test_state_running_after_open(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t s;

	need_migration(d);
	s = mig_state_now(d);
	conform_check(s == ST_RUN, "device_state %s (%u) after open, expected RUNNING"
		      VFIO_H("RUNNING - The device is running normally"), mig_state_name(s), s);
}

/*
 * REQ-MIG-002 across a close: a user that closes the device in any state (a
 * session it abandons, a device it left stopped) and opens it again finds
 * it RUNNING.  RESUMING first (the case drivers get wrong most).  A device
 * that keeps the state is reset afterwards ("To abort a RESUMING session
 * the device must be reset"), so that the run can go on.
 */
static uint32_t closed_in(uint32_t target, uint64_t *flags)
{
	char err[VFIO_ERR_LEN] = "";
	struct vfio_dev *d = NULL;
	struct mig_reach r;
	uint32_t s;
	int rc;

	conform_check(!conform_fixture_open(&d, err, sizeof(err)), "opening the device: %s", err);
	*flags = need_migration(d);
	if (!mig_state_supported(target, *flags)) {
		conform_fixture_close(d);
		return ST_RUN;
	}
	mig_reach(d, *flags, target, &r);
	mig_reach_done(&r);
	conform_fixture_close(d);
	conform_check(!conform_fixture_open(&d, err, sizeof(err)), "opening the device again: %s",
		      err);
	s = mig_state_now(d);
	if (s != ST_RUN) {
		rc = ioctl(d->fd, VFIO_DEVICE_RESET) ? -errno : 0;
		print_message("device_state %s after reopen; VFIO_DEVICE_RESET: %s, then %s\n",
			      mig_state_name(s), errname(rc), mig_state_name(mig_state_now(d)));
	}
	conform_fixture_close(d);
	return s;
}

static void test_state_running_after_reopen(void **state)
{
	static const uint32_t states[] = {
		ST_RES, ST_STOP, VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_RUNNING_P2P,
		VFIO_DEVICE_STATE_PRE_COPY, VFIO_DEVICE_STATE_PRE_COPY_P2P,
	};
	uint64_t flags;
	uint32_t s;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(states); i++) {
		s = closed_in(states[i], &flags);
		conform_check(s == ST_RUN, "closed in %s and opened again: device_state %s, "
			      "expected RUNNING" VFIO_H("RUNNING - The device is running normally"),
			      mig_state_name(states[i]), mig_state_name(s));
	}
}

static void test_state_argsz(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t st = ST_STOP;
	int rc;

	need_migration(d);
	rc = __vfio_feature(d->fd, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
			  &st, sizeof(st));
	conform_check(rc == -EINVAL, "SET MIG_DEVICE_STATE with a 4-byte payload: %s, expected "
		      "EINVAL", errname(rc));
	conform_check(mig_state_now(d) == ST_RUN, "state changed to %s by a rejected SET",
		      mig_state_name(mig_state_now(d)));
}

/* ---------------- arcs ---------------- */

static void arc(void **state, uint32_t from, uint32_t to)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t flags = need_migration(d);
	uint32_t path[MIG_MAX_PATH], now;
	int n, rc, fd = -1;
	struct mig_reach r;
	bool want_fd;

	need_mig_state(flags, from);
	need_mig_state(flags, to);
	mig_reach(d, flags, from, &r);
	n = mig_path(from, to, flags, path);
	rc = __vfio_mig_set_state(d->fd, to, &fd);
	now = mig_state_now(d);
	if (n < 0) {
		close_fd(&fd);
		conform_check(rc != 0, "%s -> %s is not a valid arc but SET succeeded",
			      mig_state_name(from), mig_state_name(to));
		conform_check(now == from, "rejected %s -> %s left the device in %s",
			      mig_state_name(from), mig_state_name(to), mig_state_name(now));
		mig_reach_done(&r);
		mig_restore(d);
		return;
	}
	conform_check(!rc, "SET %s -> %s (path of %d arcs): %s", mig_state_name(from),
		      mig_state_name(to), n - 1, errname(rc));
	conform_check(now == to, "after SET %s -> %s the device reports %s",
		      mig_state_name(from), mig_state_name(to), mig_state_name(now));
	want_fd = mig_returns_fd(from, to, flags);
	conform_check(want_fd == (fd >= 0), "%s -> %s: data_fd %d, %s", mig_state_name(from),
		      mig_state_name(to), fd, want_fd ? "the arc starts a data transfer session "
		      "and must return a new fd" : "no new session, expected -1");
	if (fd >= 0)
		conform_check(fd != r.fd, "new data_fd %d equals the open session's fd", fd);
	close_fd(&fd);
	/* an old session that the arc terminated must not move data any more */
	if (r.fd >= 0 && !mig_session_alive(r.session, to))
		mig_check_fd_dead(r.fd, r.session, "after leaving the session's states");
	mig_reach_done(&r);
	mig_restore(d);
}

#define ARC(f, t, fs, ts, name, reqs)							\
	static void arc_##f##_##t(void **state) { arc(state, fs, ts); }
#define ARCS(X)\
	X(stop, stop, ST_STOP, ST_STOP, "migration/arc-stop-to-stop", R_ARC) \
	X(stop, running, ST_STOP, ST_RUN, "migration/arc-stop-to-running", R_ARC) \
	X(stop, stop_copy, ST_STOP, ST_SCOPY, "migration/arc-stop-to-stop-copy", R_ARC) \
	X(stop, resuming, ST_STOP, ST_RES, "migration/arc-stop-to-resuming", R_ARC) \
	X(stop, running_p2p, ST_STOP, ST_RP2P, "migration/arc-stop-to-running-p2p", R_ARC) \
	X(stop, pre_copy, ST_STOP, ST_PRE, "migration/arc-stop-to-pre-copy", R_ARC) \
	X(stop, pre_copy_p2p, ST_STOP, ST_PREP2P, "migration/arc-stop-to-pre-copy-p2p", R_ARC) \
	X(running, stop, ST_RUN, ST_STOP, "migration/arc-running-to-stop", R_ARC) \
	X(running, running, ST_RUN, ST_RUN, "migration/arc-running-to-running", R_ARC) \
	X(running, stop_copy, ST_RUN, ST_SCOPY, "migration/arc-running-to-stop-copy", R_ARC) \
	X(running, resuming, ST_RUN, ST_RES, "migration/arc-running-to-resuming", R_ARC) \
	X(running, running_p2p, ST_RUN, ST_RP2P, "migration/arc-running-to-running-p2p", R_ARC) \
	X(running, pre_copy, ST_RUN, ST_PRE, "migration/arc-running-to-pre-copy", R_ARC) \
	X(running, pre_copy_p2p, ST_RUN, ST_PREP2P, "migration/arc-running-to-pre-copy-p2p", R_ARC) \
	X(stop_copy, stop, ST_SCOPY, ST_STOP, "migration/arc-stop-copy-to-stop", R_ARC) \
	X(stop_copy, running, ST_SCOPY, ST_RUN, "migration/arc-stop-copy-to-running", R_ARC) \
	X(stop_copy, stop_copy, ST_SCOPY, ST_SCOPY, "migration/arc-stop-copy-to-stop-copy", R_ARC) \
	X(stop_copy, resuming, ST_SCOPY, ST_RES, "migration/arc-stop-copy-to-resuming", R_ARC) \
	X(stop_copy, running_p2p, ST_SCOPY, ST_RP2P, "migration/arc-stop-copy-to-running-p2p", R_ARC) \
	X(stop_copy, pre_copy, ST_SCOPY, ST_PRE, "migration/arc-stop-copy-to-pre-copy-rejected", R_ARC_BAD) \
	X(stop_copy, pre_copy_p2p, ST_SCOPY, ST_PREP2P, "migration/arc-stop-copy-to-pre-copy-p2p-rejected", R_ARC_BAD) \
	X(resuming, stop, ST_RES, ST_STOP, "migration/arc-resuming-to-stop", R_ARC) \
	X(resuming, running, ST_RES, ST_RUN, "migration/arc-resuming-to-running", R_ARC) \
	X(resuming, stop_copy, ST_RES, ST_SCOPY, "migration/arc-resuming-to-stop-copy", R_ARC) \
	X(resuming, resuming, ST_RES, ST_RES, "migration/arc-resuming-to-resuming", R_ARC) \
	X(resuming, running_p2p, ST_RES, ST_RP2P, "migration/arc-resuming-to-running-p2p", R_ARC) \
	X(resuming, pre_copy, ST_RES, ST_PRE, "migration/arc-resuming-to-pre-copy", R_ARC) \
	X(resuming, pre_copy_p2p, ST_RES, ST_PREP2P, "migration/arc-resuming-to-pre-copy-p2p", R_ARC) \
	X(running_p2p, stop, ST_RP2P, ST_STOP, "migration/arc-running-p2p-to-stop", R_ARC) \
	X(running_p2p, running, ST_RP2P, ST_RUN, "migration/arc-running-p2p-to-running", R_ARC) \
	X(running_p2p, stop_copy, ST_RP2P, ST_SCOPY, "migration/arc-running-p2p-to-stop-copy", R_ARC) \
	X(running_p2p, resuming, ST_RP2P, ST_RES, "migration/arc-running-p2p-to-resuming", R_ARC) \
	X(running_p2p, running_p2p, ST_RP2P, ST_RP2P, "migration/arc-running-p2p-to-running-p2p", R_ARC) \
	X(running_p2p, pre_copy, ST_RP2P, ST_PRE, "migration/arc-running-p2p-to-pre-copy", R_ARC) \
	X(running_p2p, pre_copy_p2p, ST_RP2P, ST_PREP2P, "migration/arc-running-p2p-to-pre-copy-p2p", R_ARC) \
	X(pre_copy, stop, ST_PRE, ST_STOP, "migration/arc-pre-copy-to-stop", R_ARC) \
	X(pre_copy, running, ST_PRE, ST_RUN, "migration/arc-pre-copy-to-running", R_ARC) \
	X(pre_copy, stop_copy, ST_PRE, ST_SCOPY, "migration/arc-pre-copy-to-stop-copy", R_ARC) \
	X(pre_copy, resuming, ST_PRE, ST_RES, "migration/arc-pre-copy-to-resuming", R_ARC) \
	X(pre_copy, running_p2p, ST_PRE, ST_RP2P, "migration/arc-pre-copy-to-running-p2p", R_ARC) \
	X(pre_copy, pre_copy, ST_PRE, ST_PRE, "migration/arc-pre-copy-to-pre-copy", R_ARC) \
	X(pre_copy, pre_copy_p2p, ST_PRE, ST_PREP2P, "migration/arc-pre-copy-to-pre-copy-p2p", R_ARC) \
	X(pre_copy_p2p, stop, ST_PREP2P, ST_STOP, "migration/arc-pre-copy-p2p-to-stop", R_ARC) \
	X(pre_copy_p2p, running, ST_PREP2P, ST_RUN, "migration/arc-pre-copy-p2p-to-running", R_ARC) \
	X(pre_copy_p2p, stop_copy, ST_PREP2P, ST_SCOPY, "migration/arc-pre-copy-p2p-to-stop-copy", R_ARC) \
	X(pre_copy_p2p, resuming, ST_PREP2P, ST_RES, "migration/arc-pre-copy-p2p-to-resuming", R_ARC) \
	X(pre_copy_p2p, running_p2p, ST_PREP2P, ST_RP2P, "migration/arc-pre-copy-p2p-to-running-p2p", R_ARC) \
	X(pre_copy_p2p, pre_copy, ST_PREP2P, ST_PRE, "migration/arc-pre-copy-p2p-to-pre-copy", R_ARC) \
	X(pre_copy_p2p, pre_copy_p2p, ST_PREP2P, ST_PREP2P, "migration/arc-pre-copy-p2p-to-pre-copy-p2p", R_ARC)
ARCS(ARC)

static void test_to_error(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t flags = need_migration(d);
	const uint32_t from[] = { ST_RUN, ST_STOP, ST_SCOPY, ST_RP2P, ST_PRE, ST_PREP2P };
	struct mig_reach r;
	uint32_t now;
	size_t i;
	int rc, fd;

	for (i = 0; i < NELEM(from); i++) {
		if (!mig_state_supported(from[i], flags))
			continue;
		mig_reach(d, flags, from[i], &r);
		fd = -1;
		rc = __vfio_mig_set_state(d->fd, VFIO_DEVICE_STATE_ERROR, &fd);
		close_fd(&fd);
		now = mig_state_now(d);
		conform_check(rc != 0, "SET ERROR from %s succeeded: ERROR cannot be requested",
			      mig_state_name(from[i]));
		conform_check(now == from[i], "SET ERROR from %s moved the device to %s",
			      mig_state_name(from[i]), mig_state_name(now));
		mig_reach_done(&r);
		mig_go(d, ST_RUN);
	}
}

static void test_bogus_state(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const uint32_t bad[] = { VFIO_DEVICE_STATE_NR, VFIO_DEVICE_STATE_NR + 1, 0x100,
				 0x80000002u, 0xffffffffu };
	size_t i;
	int rc, fd;

	need_migration(d);
	for (i = 0; i < NELEM(bad); i++) {
		fd = -1;
		rc = __vfio_mig_set_state(d->fd, bad[i], &fd);
		close_fd(&fd);
		conform_check(rc != 0, "SET device_state %u (no such state) succeeded", bad[i]);
		conform_check(mig_state_now(d) == ST_RUN, "SET %u moved the device to %s", bad[i],
			      mig_state_name(mig_state_now(d)));
	}
	mig_restore(d);
}

static void test_unsupported_states(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t flags = need_migration(d);
	uint32_t s;
	bool any = false;
	int rc, fd;

	for (s = ST_STOP; s < VFIO_DEVICE_STATE_NR; s++) {
		if (mig_state_supported(s, flags))
			continue;
		any = true;
		fd = -1;
		rc = __vfio_mig_set_state(d->fd, s, &fd);
		close_fd(&fd);
		conform_check(rc != 0, "SET %s succeeded but flags 0x%llx do not support it",
			      mig_state_name(s), (unsigned long long)flags);
		conform_check(mig_state_now(d) == ST_RUN, "SET %s moved the device to %s",
			      mig_state_name(s), mig_state_name(mig_state_now(d)));
	}
	if (!any)
		conform_skip("the device supports every state (flags 0x%llx)",
			     (unsigned long long)flags);
	mig_restore(d);
}

/* ---------------- data fd semantics ---------------- */

static void test_stop_copy_eof(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint8_t *buf = NULL, b;
	ssize_t n, again;
	int fd;

	need_migration(d);
	mig_go(d, ST_STOP);
	fd = mig_go(d, ST_SCOPY);
	conform_check(fd >= 0, "STOP -> STOP_COPY returned no data fd");
	n = __mig_read_all(fd, &buf, MIG_MAX_DATA);
	conform_check(n >= 0, "reading the STOP_COPY stream: %s", errname((int)n));
	print_message("STOP_COPY stream: %zd bytes\n", n);
	again = read(fd, &b, 1);
	conform_check(again == 0, "read after end of stream returned %zd (%s): EOF is permanent "
		      "in STOP_COPY", again, again < 0 ? errname(errno) : "data");
	free(buf);
	close(fd);
	mig_go(d, ST_STOP);
	mig_go(d, ST_RUN);
	mig_restore(d);
}

/* A data fd takes one direction only: a write() to a saving fd or a read()
 * from a resuming one fails. */
static void check_wrong_direction(void **state, uint32_t to, bool wr, const char *what)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint8_t b[16] = { 0 };
	ssize_t n;
	int fd;

	need_migration(d);
	mig_go(d, ST_STOP);
	fd = mig_go(d, to);
	conform_check(fd >= 0, "no data fd");
	n = wr ? write(fd, b, sizeof(b)) : read(fd, b, sizeof(b));
	conform_check(n < 0, "%s returned %zd", what, n);
	close(fd);
	mig_restore(d);
}

static void test_saving_fd_write(void **state)
{
	check_wrong_direction(state, ST_SCOPY, true, "write() to the STOP_COPY (saving) data fd");
}

static void test_resuming_fd_read(void **state)
{
	check_wrong_direction(state, ST_RES, false, "read() from the RESUMING data fd");
}

static void test_fd_seek(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint8_t b[16] = { 0 };
	off_t o;
	ssize_t n;
	int fd;

	need_migration(d);
	mig_go(d, ST_STOP);
	fd = mig_go(d, ST_SCOPY);
	conform_check(fd >= 0, "no data fd");
	o = lseek(fd, 16, SEEK_SET);
	conform_check(o < 0, "lseek(16) on the saving data fd returned %lld", (long long)o);
	n = pread(fd, b, sizeof(b), 0);
	conform_check(n < 0, "pread() on the saving data fd returned %zd", n);
	close(fd);
	mig_go(d, ST_STOP);
	fd = mig_go(d, ST_RES);
	conform_check(fd >= 0, "no data fd");
	n = pwrite(fd, b, sizeof(b), 0);
	conform_check(n < 0, "pwrite() on the resuming data fd returned %zd", n);
	close(fd);
	mig_restore(d);
}

static void test_saving_fd_dead(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	int fd;

	need_migration(d);
	mig_go(d, ST_STOP);
	fd = mig_go(d, ST_SCOPY);
	conform_check(fd >= 0, "no data fd");
	mig_go(d, ST_STOP);
	mig_check_fd_dead(fd, ST_SCOPY, "after STOP_COPY -> STOP");
	close(fd);
	mig_restore(d);
}

static void test_resuming_fd_dead(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t flags = need_migration(d);
	struct mig_reach r;

	mig_reach(d, flags, ST_RES, &r);
	mig_go(d, ST_STOP);
	mig_check_fd_dead(r.fd, ST_RES, "after RESUMING -> STOP");
	mig_reach_done(&r);
	mig_restore(d);
}

static void reset_in(void **state, uint32_t s)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t flags = need_migration(d);
	struct mig_reach r;
	uint32_t now;
	int rc;

	need_reset_flag(d);
	need_mig_state(flags, s);
	if (s == ST_RES) {
		/* an empty session: a live one would still take a byte */
		mig_go(d, ST_STOP);
		r.fd = mig_go(d, ST_RES);
		r.session = ST_RES;
		conform_check(r.fd >= 0, "STOP -> RESUMING returned no data fd");
	} else {
		mig_reach(d, flags, s, &r);
	}
	rc = ioctl(d->fd, VFIO_DEVICE_RESET) ? -errno : 0;
	conform_check(!rc, "VFIO_DEVICE_RESET in %s: %s", mig_state_name(s), errname(rc));
	now = mig_state_now(d);
	conform_check(now == ST_RUN, "device_state %s after VFIO_DEVICE_RESET in %s, expected "
		      "RUNNING", mig_state_name(now), mig_state_name(s));
	if (r.fd >= 0)
		mig_check_fd_dead(r.fd, r.session, "after VFIO_DEVICE_RESET");
	mig_reach_done(&r);
	/* the FSM works again from RUNNING */
	mig_go(d, ST_STOP);
	mig_go(d, ST_RUN);
}

#define RESET_IN(n, s) static void reset_in_##n(void **state) { reset_in(state, s); }
RESET_IN(stop, ST_STOP)
RESET_IN(running, ST_RUN)
RESET_IN(stop_copy, ST_SCOPY)
RESET_IN(resuming, ST_RES)
RESET_IN(running_p2p, ST_RP2P)
RESET_IN(pre_copy, ST_PRE)
RESET_IN(pre_copy_p2p, ST_PREP2P)

#define R_ARC		{ "REQ-MIG-004", "REQ-MIG-005" }
#define R_ARC_BAD	{ "REQ-MIG-006" }
#define A(f, t, fs, ts, name, reqs) { name, reqs, arc_##f##_##t, 0, 0 },

static const struct conform_test tests[] = {
	{ "migration/feature-probe", { "REQ-MIG-001" }, test_feature_probe, 0, 0 },
	{ "migration/feature-set-rejected", { "REQ-MIG-001" }, test_feature_set_rejected, 0, 0 },
	{ "migration/state-running-after-open", { "REQ-MIG-002" }, test_state_running_after_open, 0, 0 },
	{ "migration/state-running-after-reopen", { "REQ-MIG-002" }, test_state_running_after_reopen,
	  CONFORM_F_NO_FIXTURE, 0 },
	{ "migration/state-argsz-too-small-rejected", { "REQ-MIG-003" }, test_state_argsz, 0, 0 },
	ARCS(A)
	{ "migration/arc-any-to-error-rejected", R_ARC_BAD, test_to_error, 0, 0 },
	{ "migration/arc-to-bogus-state-rejected", R_ARC_BAD, test_bogus_state, 0, 0 },
	{ "migration/arc-to-unsupported-state-rejected", R_ARC_BAD, test_unsupported_states, 0, 0 },
	{ "migration/stop-copy-read-to-eof", { "REQ-MIG-007" }, test_stop_copy_eof, 0, 0 },
	{ "migration/saving-fd-write-rejected", { "REQ-MIG-008" }, test_saving_fd_write, 0, 0 },
	{ "migration/resuming-fd-read-rejected", { "REQ-MIG-008" }, test_resuming_fd_read, 0, 0 },
	{ "migration/data-fd-seek-pread-pwrite-rejected", { "REQ-MIG-009" }, test_fd_seek, 0, 0 },
	{ "migration/saving-fd-dead-after-stop", { "REQ-MIG-010" }, test_saving_fd_dead, 0, 0 },
	{ "migration/resuming-fd-dead-after-stop", { "REQ-MIG-010" }, test_resuming_fd_dead, 0, 0 },
	{ "migration/reset-in-stop", { "REQ-MIG-011" }, reset_in_stop, 0, 0 },
	{ "migration/reset-in-running", { "REQ-MIG-011" }, reset_in_running, 0, 0 },
	{ "migration/reset-in-stop-copy", { "REQ-MIG-011" }, reset_in_stop_copy, 0, 0 },
	{ "migration/reset-in-resuming", { "REQ-MIG-011" }, reset_in_resuming, 0, 0 },
	{ "migration/reset-in-running-p2p", { "REQ-MIG-011" }, reset_in_running_p2p, 0, 0 },
	{ "migration/reset-in-pre-copy", { "REQ-MIG-011" }, reset_in_pre_copy, 0, 0 },
	{ "migration/reset-in-pre-copy-p2p", { "REQ-MIG-011" }, reset_in_pre_copy_p2p, 0, 0 },
};

CONFORM_AREA(conform_area_migration, "migration", tests, 900);
