// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * precopy/...: the PRE_COPY contract (VFIO_MIG_GET_PRECOPY_INFO, the
 * temporary end of stream, STOP_COPY after PRE_COPY) and the
 * VFIO_DEVICE_FEATURE_MIG_DATA_SIZE query, the PRECOPY_INFOv2 opt-in and
 * VFIO_PRECOPY_INFO_REINIT (SPEC.md REQ-PRECOPY-*).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "area_util.h"
#include "mig_common.h"

/* PRE_COPY supported, else SKIP; returns the flags */
static uint64_t need_precopy(struct vfio_dev *d)
{
	uint64_t flags = need_migration(d);

	need_mig_state(flags, VFIO_DEVICE_STATE_PRE_COPY);
	return flags;
}

/* RUNNING -> PRE_COPY: its data fd; without one the test SKIPs (REQ-MIG-005). */
static int precopy_enter(struct vfio_dev *d)
{
	int fd = mig_go_prereq(d, VFIO_DEVICE_STATE_PRE_COPY);

	if (fd < 0)
		conform_skip_prereq("REQ-MIG-005", "RUNNING -> PRE_COPY returned no data fd");
	return fd;
}

#define MANDATORY_Q VFIO_H("Support for this ioctl is mandatory if a driver claims to " \
			   "support VFIO_MIGRATION_PRE_COPY")
#define ONLY_PRE_Q VFIO_H("This ioctl is valid only in PRE_COPY states and kernel driver " \
			  "should return -EINVAL from any other migration state")

/* REQ-PRECOPY-001 (MUST): PRECOPY_INFO works in both PRE_COPY states. */
static void test_info_in_pre_copy(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t flags = need_precopy(d);
	struct vfio_precopy_info bad = { .argsz = 8 };
	int fd, rc;

	fd = precopy_enter(d);
	rc = __vfio_precopy_info(fd, NULL, NULL);
	conform_check(!rc, "PRECOPY_INFO in PRE_COPY: %s" MANDATORY_Q, errname(rc));
	rc = ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &bad) ? -errno : 0;
	conform_check(rc == -EINVAL, "PRECOPY_INFO with argsz 8: %s, expected EINVAL "
		      "(vfio_check_precopy_ioctl)", errname(rc));
	if (mig_state_supported(VFIO_DEVICE_STATE_PRE_COPY_P2P, flags)) {
		mig_go_prereq(d, VFIO_DEVICE_STATE_PRE_COPY_P2P);
		rc = __vfio_precopy_info(fd, NULL, NULL);
		conform_check(!rc, "PRECOPY_INFO in PRE_COPY_P2P: %s" MANDATORY_Q, errname(rc));
	}
	close(fd);
	mig_restore(d);
}

/* REQ-PRECOPY-008 (SHOULD): and fails with EINVAL in the other states. */
static void test_info_states(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	int fd, fd2, rc;

	need_precopy(d);
	fd = precopy_enter(d);
	rc = __vfio_precopy_info(fd, NULL, NULL);
	if (rc)
		conform_skip_prereq("REQ-PRECOPY-001", "PRECOPY_INFO in PRE_COPY: %s", errname(rc));
	mig_go_prereq(d, VFIO_DEVICE_STATE_STOP_COPY);
	rc = __vfio_precopy_info(fd, NULL, NULL);
	conform_check(rc == -EINVAL, "PRECOPY_INFO in STOP_COPY: %s, expected EINVAL" ONLY_PRE_Q,
		      errname(rc));
	close(fd);
	mig_go(d, VFIO_DEVICE_STATE_STOP);
	fd2 = mig_go(d, VFIO_DEVICE_STATE_RESUMING);
	rc = __vfio_precopy_info(fd2, NULL, NULL);
	/* a resuming fd may not implement the ioctl at all (ENOTTY) */
	conform_check(rc == -EINVAL || rc == -ENOTTY, "PRECOPY_INFO on a RESUMING fd: %s, "
		      "expected EINVAL (or ENOTTY: no ioctl on that fd)" ONLY_PRE_Q, errname(rc));
	close(fd2);
	mig_restore(d);
}

#define INITIAL_Q VFIO_H("This field should have a non-zero initial value and decrease as " \
			 "migration data is read from the device")
#define ENOMSG_Q VFIO_H("When read() is done on this temporary end of stream the kernel " \
			"driver should return ENOMSG from read()")

static void test_initial_decreases(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t init0 = 0, dirty0 = 0, init, dirty, prev, total = 0;
	uint8_t chunk[256];
	ssize_t n;
	int fd, reads = 0;

	need_precopy(d);
	fd = precopy_enter(d);
	conform_check_rc(__vfio_precopy_info(fd, &init0, &dirty0), "PRECOPY_INFO");
	print_message("initial_bytes %llu dirty_bytes %llu\n", (unsigned long long)init0,
		      (unsigned long long)dirty0);
	conform_check(init0 > 0, "initial_bytes is 0 at the start of PRE_COPY" INITIAL_Q);
	prev = init0;
	while (total < init0 && reads < 100000) {
		n = read_some(fd, chunk, sizeof(chunk));
		conform_check(n > 0, "read with initial_bytes %llu left: %s",
			      (unsigned long long)prev, n ? errname((int)n) : "EOF");
		reads++;
		total += (uint64_t)n;
		conform_check_rc(__vfio_precopy_info(fd, &init, &dirty), "PRECOPY_INFO");
		conform_check(init <= prev, "initial_bytes grew from %llu to %llu while reading"
			      INITIAL_Q,
			      (unsigned long long)prev, (unsigned long long)init);
		prev = init;
	}
	conform_check(prev == 0, "initial_bytes still %llu after reading the %llu initial bytes"
		      INITIAL_Q,
		      (unsigned long long)prev, (unsigned long long)init0);
	close(fd);
	mig_restore(d);
}

static void test_enomsg(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t init = 1, dirty = 1;
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd, rc, rounds = 0;

	need_precopy(d);
	fd = precopy_enter(d);
	do {
		rc = drain_precopy(fd, &buf, &len);
		if (rc != -ENOMSG) {
			close(fd);
			mig_restore(d);	/* before the FAIL: the run goes on */
		}
		conform_check(rc == -ENOMSG, "read at the end of PRE_COPY data (after %zu bytes): "
			      "%s, expected ENOMSG (temporary end of stream)" ENOMSG_Q, len,
			      rc ? errname(rc) : "0 (end of stream)");
		conform_check_rc(__vfio_precopy_info(fd, &init, &dirty), "PRECOPY_INFO");
	} while ((init || dirty) && ++rounds < 16);
	conform_check(!init && !dirty, "idle device: initial %llu dirty %llu after 16 rounds"
		      INITIAL_Q,
		      (unsigned long long)init, (unsigned long long)dirty);
	rc = drain_precopy(fd, &buf, &len);
	conform_check(rc == -ENOMSG, "read with initial_bytes = dirty_bytes = 0: %s, expected "
		      "ENOMSG" ENOMSG_Q, rc ? errname(rc) : "0 (end of stream)");
	free(buf);
	close(fd);
	mig_restore(d);
}

static void test_stop_copy_rest(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint8_t *buf = NULL;
	size_t len = 0, pre;
	int fd, rc, fd2;

	need_precopy(d);
	fd = precopy_enter(d);
	rc = drain_precopy(fd, &buf, &len);
	/* 0 instead of ENOMSG is REQ-PRECOPY-003's (a SHOULD), not this test's */
	conform_check(rc == -ENOMSG || rc == 0, "PRE_COPY read: %s", errname(rc));
	if (rc == 0)
		print_message("PRE_COPY data ended with read() = 0, not ENOMSG "
			      "(see precopy/enomsg-at-temporary-end)\n");
	pre = len;
	fd2 = mig_go(d, VFIO_DEVICE_STATE_STOP_COPY);
	conform_check(fd2 < 0, "PRE_COPY -> STOP_COPY returned a new fd: the session continues");
	rc = drain_precopy(fd, &buf, &len);
	conform_check(rc == 0, "STOP_COPY read after PRE_COPY: %s, expected end of stream "
		      "(ENOMSG may not be returned in STOP_COPY)", errname(rc));
	print_message("PRE_COPY %zu bytes, STOP_COPY %zu more\n", pre, len - pre);
	close(fd);
	/* the whole session's stream restores the device */
	mig_go(d, VFIO_DEVICE_STATE_STOP);
	fd = mig_go(d, VFIO_DEVICE_STATE_RESUMING);
	conform_check_rc(__mig_write_all(fd, buf, len, 0), "writing the PRE_COPY+STOP_COPY stream");
	rc = __vfio_mig_set_state(d->fd, VFIO_DEVICE_STATE_STOP, NULL);
	conform_check(!rc, "RESUMING -> STOP with the session's whole stream: %s", errname(rc));
	close(fd);
	free(buf);
	mig_restore(d);
}

static void test_running_ends_session(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t flags = need_precopy(d);
	int fd;

	fd = precopy_enter(d);
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	mig_check_fd_dead(fd, VFIO_DEVICE_STATE_PRE_COPY, "after PRE_COPY -> RUNNING");
	close(fd);
	if (!mig_state_supported(VFIO_DEVICE_STATE_PRE_COPY_P2P, flags))
		return;
	mig_go(d, VFIO_DEVICE_STATE_RUNNING_P2P);
	fd = mig_go_prereq(d, VFIO_DEVICE_STATE_PRE_COPY_P2P);
	if (fd < 0)
		conform_skip_prereq("REQ-MIG-005", "RUNNING_P2P -> PRE_COPY_P2P returned no data fd");
	mig_go(d, VFIO_DEVICE_STATE_RUNNING_P2P);
	mig_check_fd_dead(fd, VFIO_DEVICE_STATE_PRE_COPY_P2P, "after PRE_COPY_P2P -> RUNNING_P2P");
	close(fd);
	mig_restore(d);
}

static uint64_t need_data_size(struct vfio_dev *d)
{
	uint64_t sz = 0;
	int rc;

	need_migration(d);
	rc = __vfio_mig_data_size(d->fd, &sz);
	if (rc == -ENOTTY || rc == -EINVAL)
		conform_skip("VFIO_DEVICE_FEATURE_MIG_DATA_SIZE not supported here (%s)",
			     errname(rc));
	conform_check(!rc, "MIG_DATA_SIZE: %s", errname(rc));
	return sz;
}

static void test_data_size_states(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t flags = need_migration(d), sz = need_data_size(d);
	const uint32_t st[] = { VFIO_DEVICE_STATE_PRE_COPY, VFIO_DEVICE_STATE_RUNNING,
				VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_STOP,
				VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_STOP,
				VFIO_DEVICE_STATE_RESUMING };
	size_t i;
	int fd = -1, nfd, rc;

	print_message("RUNNING: %llu\n", (unsigned long long)sz);
	for (i = 0; i < NELEM(st); i++) {
		if (!mig_state_supported(st[i], flags))
			continue;
		nfd = mig_go(d, st[i]);
		if (nfd >= 0) {
			close_fd(&fd);
			fd = nfd;
		}
		rc = __vfio_mig_data_size(d->fd, &sz);
		conform_check(!rc, "MIG_DATA_SIZE in %s: %s", mig_state_name(st[i]), errname(rc));
		print_message("%s: %llu\n", mig_state_name(st[i]), (unsigned long long)sz);
	}
	close_fd(&fd);
	mig_restore(d);
}

static void test_data_size_bound(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t sz_run, sz_stop = 0;
	uint8_t *buf = NULL;
	size_t n;
	int fd;
	ssize_t got;

	sz_run = need_data_size(d);
	mig_go(d, VFIO_DEVICE_STATE_STOP);
	conform_check_rc(__vfio_mig_data_size(d->fd, &sz_stop), "MIG_DATA_SIZE in STOP");
	fd = mig_go(d, VFIO_DEVICE_STATE_STOP_COPY);
	got = __mig_read_all(fd, &buf, MIG_MAX_DATA);
	close(fd);
	conform_check(got >= 0, "reading STOP_COPY: %s", errname((int)got));
	n = (size_t)got;
	free(buf);
	print_message("estimate RUNNING %llu, STOP %llu; STOP_COPY produced %zu\n",
		      (unsigned long long)sz_run, (unsigned long long)sz_stop, n);
	conform_check(sz_stop >= n, "MIG_DATA_SIZE in STOP said %llu bytes, STOP_COPY then "
		      "produced %zu", (unsigned long long)sz_stop, n);
	conform_check(sz_run >= n, "MIG_DATA_SIZE in RUNNING said %llu bytes, STOP_COPY then "
		      "produced %zu", (unsigned long long)sz_run, n);
	mig_restore(d);
}


/* ---- PRECOPY_INFOv2 and VFIO_PRECOPY_INFO_REINIT (REQ-PRECOPY-009..014) ---- */

#define V2_FEATURE	VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2
#define PROBE_Q VFIO_H("Probing a feature will return success if the feature is supported " \
		       "and all of the optionally indicated GET/SET methods are supported")
#define V2_SET_Q VFIO_H("On SET, enables the v2 pre_copy_info behaviour, where the " \
			"vfio_precopy_info.flags is a valid output field")
#define OPT_IN_Q VFIO_H("VFIO_PRECOPY_INFO_REINIT can be reported only after userspace " \
			"opts in to VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2")
#define REINIT_Q VFIO_H("The presence of the VFIO_PRECOPY_INFO_REINIT output flag " \
			"indicates that new initial data is present on the stream")
#define REINIT_INIT_Q VFIO_H("In that case initial_bytes may report a non-zero value " \
			     "irrespective of any previously reported values, which progresses " \
			     "towards zero as precopy data is read from the data stream")
#define REINIT_DIRTY_Q VFIO_H("dirty_bytes is also reset to zero")
#define SINGLE_FD_Q VFIO_H("The data stream fed into the data_fd should be taken from the " \
			   "data transfer output of a single FD")

/* PRECOPY_INFO passing flags_in; the whole answer in *out. */
static int precopy_info_in(int fd, uint32_t flags_in, struct vfio_precopy_info *out)
{
	struct vfio_precopy_info p = { .argsz = sizeof(p), .flags = flags_in };

	if (ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &p))
		return -errno;
	*out = p;
	return 0;
}

/* The kernel offers the opt-in (PROBE with SET), else SKIP with its answer. */
static void need_precopy_v2(struct vfio_dev *d)
{
	int rc;

	need_precopy(d);
	rc = __vfio_feature(d->fd, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
			  V2_FEATURE, NULL, 0);
	if (rc)
		conform_skip("kernel has no VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2 "
			     "(PROBE|SET: %s)", errname(rc));
}

static void precopy_v2_opt_in(struct vfio_dev *d)
{
	int rc = __vfio_feature(d->fd, VFIO_DEVICE_FEATURE_SET | V2_FEATURE, NULL, 0);

	conform_check(!rc, "SET VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2: %s" V2_SET_Q, errname(rc));
}

/* The personality's re-initialisation event, else SKIP. */
static void need_reinit(struct vfio_dev *d, struct pers_dev *p)
{
	need_pers(d, p);
	if (!p->ops->reinit)
		conform_skip("personality %s has no re-initialisation event", p->ops->name);
}

static void do_reinit(struct pers_dev *p)
{
	int rc = p->ops->reinit(p);

	if (rc == -EOPNOTSUPP)
		conform_skip("%s", p->why);
	conform_check(!rc, "re-initialising the device: %s", p->why);
}

/* Read PRE_COPY data to the temporary end; appends to *buf. */
static void drain_to_enomsg(int fd, uint8_t **buf, size_t *len)
{
	int rc = drain_precopy(fd, buf, len);

	conform_check(rc == -ENOMSG, "PRE_COPY read after %zu bytes: %s, expected ENOMSG",
		      *len, rc ? errname(rc) : "0 (end of stream)");
}

/* Read to the temporary end until the device is idle (initial_bytes and
 * dirty_bytes 0), so that what follows is the re-initialisation only. */
static void drain_to_idle(int fd, uint8_t **buf, size_t *len)
{
	struct vfio_precopy_info in = { 0 };
	int rounds = 0;

	do {
		drain_to_enomsg(fd, buf, len);
		conform_check_rc(precopy_info_in(fd, 0, &in), "PRECOPY_INFO");
	} while ((in.initial_bytes || in.dirty_bytes) && ++rounds < 16);
	conform_check(!in.initial_bytes && !in.dirty_bytes, "device not idle in PRE_COPY after "
		      "16 rounds (initial %llu dirty %llu)", (unsigned long long)in.initial_bytes,
		      (unsigned long long)in.dirty_bytes);
}

/* Read exactly n bytes of PRE_COPY data; appends to *buf. */
static void read_n(int fd, uint8_t **buf, size_t *len, uint64_t n)
{
	uint8_t chunk[4096];
	ssize_t got;

	while (n) {
		got = read_some(fd, chunk, n < sizeof(chunk) ? (size_t)n : sizeof(chunk));
		conform_check(got > 0, "read with %llu reported bytes left: %s",
			      (unsigned long long)n, got ? errname((int)got) : "EOF");
		mig_append(buf, len, chunk, (size_t)got);
		n -= (uint64_t)got;
	}
}

/* STOP_COPY to the end, then load the session's whole stream back into d
 * over another state; the state before STOP_COPY must come back. */
static void finish_and_resume(struct vfio_dev *d, struct pers_dev *p, int fd,
			      uint8_t **buf, size_t *len)
{
	struct pers_state a, b;
	int rc;

	conform_check(!p->ops->read_state(p, &a), "reading device state: %s", p->why);
	mig_go(d, VFIO_DEVICE_STATE_STOP_COPY);
	rc = drain_precopy(fd, buf, len);
	conform_check(rc == 0, "STOP_COPY read: %s, expected end of stream", errname(rc));
	mig_go(d, VFIO_DEVICE_STATE_STOP);
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	conform_check(!p->ops->set_state(p, 0x7e57), "setting device state: %s", p->why);
	mig_go(d, VFIO_DEVICE_STATE_STOP);
	fd = mig_go(d, VFIO_DEVICE_STATE_RESUMING);
	conform_check(fd >= 0, "STOP -> RESUMING returned no data fd");
	conform_check_rc(__mig_write_all(fd, *buf, *len, 0), "writing the session's stream");
	rc = __vfio_mig_set_state(d->fd, VFIO_DEVICE_STATE_STOP, NULL);
	close(fd);
	conform_check(!rc, "RESUMING -> STOP with the session's stream (%zu bytes, with the "
		      "re-initialisation): %s" SINGLE_FD_Q, *len, errname(rc));
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	conform_check(!p->ops->read_state(p, &b), "reading device state: %s", p->why);
	conform_check(pers_state_equal(&a, &b, p->why, sizeof(p->why)),
		      "state after loading the session: %s" SINGLE_FD_Q, p->why);
}

static void test_v2_opt_in(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	int rc;

	need_precopy_v2(d);
	rc = __vfio_feature(d->fd, VFIO_DEVICE_FEATURE_PROBE | V2_FEATURE, NULL, 0);
	conform_check(!rc, "PROBE of MIG_PRECOPY_INFOv2: %s (PROBE|SET succeeded)" PROBE_Q,
		      errname(rc));
	rc = __vfio_feature(d->fd, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
			  V2_FEATURE, NULL, 0);
	conform_check(rc, "PROBE|GET of MIG_PRECOPY_INFOv2 succeeded: the feature is SET only"
		      PROBE_Q);
	rc = __vfio_feature(d->fd, VFIO_DEVICE_FEATURE_GET | V2_FEATURE, NULL, 0);
	conform_check(rc, "GET of MIG_PRECOPY_INFOv2 succeeded: the feature is SET only"
		      V2_SET_Q);
	precopy_v2_opt_in(d);
	precopy_v2_opt_in(d);	/* again: still on */
	rc = precopy_enter(d);
	conform_check_rc(__vfio_precopy_info(rc, NULL, NULL), "PRECOPY_INFO after the opt-in");
	close(rc);
	mig_restore(d);
}

/* PRECOPY_INFO's flags between reads of the stream: 0 without the v2
 * opt-in, nothing but REINIT with it whatever is passed in. */
static void flags_while_reading(struct vfio_dev *d, bool v2)
{
	struct vfio_precopy_info in = { 0 };
	uint8_t chunk[512];
	int fd, i;

	fd = precopy_enter(d);
	for (i = 0; i < 64; i++) {
		conform_check_rc(precopy_info_in(fd, v2 ? 0xffffffffu : 0, &in), "PRECOPY_INFO");
		if (v2)
			conform_check(!(in.flags & ~(uint32_t)VFIO_PRECOPY_INFO_REINIT),
				      "PRECOPY_INFO after the v2 opt-in returned flags 0x%x for "
				      "0xffffffff passed in: flags is an output (only REINIT is "
				      "defined)" V2_SET_Q, in.flags);
		else
			conform_check(in.flags == 0, "PRECOPY_INFO without the v2 opt-in returned "
				      "flags 0x%x (passed 0)" OPT_IN_Q, in.flags);
		if (read_some(fd, chunk, sizeof(chunk)) <= 0)
			break;
	}
	close(fd);
	mig_restore(d);
}

static void test_v1_flags(void **state)
{
	need_precopy(CONFORM_DEV(state));
	flags_while_reading(CONFORM_DEV(state), false);
}

static void test_v2_flags_output(void **state)
{
	need_precopy_v2(CONFORM_DEV(state));
	precopy_v2_opt_in(CONFORM_DEV(state));
	flags_while_reading(CONFORM_DEV(state), true);
}

/* PRE_COPY read to idle, then the device re-initialises (@p): the data fd,
 * and PRECOPY_INFO (flags in) after the re-initialisation in @in. */
static int reinit_in_precopy(struct vfio_dev *d, struct pers_dev *p, uint8_t **buf,
			     size_t *len, struct vfio_precopy_info *in)
{
	int fd = precopy_enter(d);

	drain_to_idle(fd, buf, len);
	do_reinit(p);
	conform_check_rc(precopy_info_in(fd, 0, in), "PRECOPY_INFO after the re-initialisation");
	return fd;
}

static void test_reinit_reported(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_precopy_info in = { 0 };
	uint64_t prev;
	uint8_t *buf = NULL;
	size_t len = 0;
	struct pers_dev p;
	int fd;

	need_precopy_v2(d);
	need_reinit(d, &p);
	precopy_v2_opt_in(d);
	fd = reinit_in_precopy(d, &p, &buf, &len, &in);
	prev = 0;
	print_message("after %zu bytes and a re-initialisation: flags 0x%x initial_bytes %llu "
		      "dirty_bytes %llu\n", len, in.flags, (unsigned long long)in.initial_bytes,
		      (unsigned long long)in.dirty_bytes);
	conform_check(in.flags & VFIO_PRECOPY_INFO_REINIT,
		      "the device re-initialised (personality %s) but PRECOPY_INFO has no "
		      "VFIO_PRECOPY_INFO_REINIT (flags 0x%x)" REINIT_Q, p.ops->name, in.flags);
	conform_check(in.initial_bytes > prev, "REINIT with initial_bytes %llu (was %llu): no new "
		      "initial data" REINIT_Q, (unsigned long long)in.initial_bytes,
		      (unsigned long long)prev);
	conform_check(in.dirty_bytes == 0, "REINIT with dirty_bytes %llu" REINIT_DIRTY_Q,
		      (unsigned long long)in.dirty_bytes);
	prev = in.initial_bytes;
	read_n(fd, &buf, &len, prev);
	conform_check_rc(precopy_info_in(fd, 0, &in), "PRECOPY_INFO");
	conform_check(in.initial_bytes == 0, "initial_bytes %llu after reading the %llu new "
		      "initial bytes" REINIT_INIT_Q, (unsigned long long)in.initial_bytes,
		      (unsigned long long)prev);
	finish_and_resume(d, &p, fd, &buf, &len);
	close(fd);
	free(buf);
	mig_restore(d);
}

static void test_reinit_without_opt_in(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_precopy_info in = { 0 };
	uint64_t prev;
	uint8_t *buf = NULL;
	size_t len = 0;
	struct pers_dev p;
	int fd;

	need_precopy(d);
	need_reinit(d, &p);
	fd = reinit_in_precopy(d, &p, &buf, &len, &in);
	prev = 0;
	print_message("without the opt-in, after a re-initialisation: flags 0x%x initial_bytes "
		      "%llu dirty_bytes %llu\n", in.flags, (unsigned long long)in.initial_bytes,
		      (unsigned long long)in.dirty_bytes);
	conform_check(in.flags == 0, "REINIT reported without the v2 opt-in (flags 0x%x)" OPT_IN_Q,
		      in.flags);
	conform_check(in.initial_bytes <= prev, "initial_bytes grew from %llu to %llu without "
		      "the v2 opt-in" INITIAL_Q, (unsigned long long)prev,
		      (unsigned long long)in.initial_bytes);
	drain_to_enomsg(fd, &buf, &len);
	finish_and_resume(d, &p, fd, &buf, &len);
	close(fd);
	free(buf);
	mig_restore(d);
}

static const struct conform_test tests[] = {
	{ "precopy/info-in-pre-copy-states", { "REQ-PRECOPY-001" }, test_info_in_pre_copy, 0, 0 },
	{ "precopy/info-only-in-pre-copy-states", { "REQ-PRECOPY-008" }, test_info_states, 0, 0 },
	{ "precopy/initial-bytes-decrease-as-read", { "REQ-PRECOPY-002" }, test_initial_decreases, 0, 0 },
	{ "precopy/enomsg-at-temporary-end", { "REQ-PRECOPY-003" }, test_enomsg, 0, 0 },
	{ "precopy/stop-copy-gives-the-rest", { "REQ-PRECOPY-004" }, test_stop_copy_rest, 0, 0 },
	{ "precopy/leaving-pre-copy-ends-session", { "REQ-PRECOPY-005" }, test_running_ends_session, 0, 0 },
	{ "precopy/mig-data-size-in-every-state", { "REQ-PRECOPY-006" }, test_data_size_states, 0, 0 },
	{ "precopy/mig-data-size-bounds-stop-copy", { "REQ-PRECOPY-007" }, test_data_size_bound, 0, 0 },
	{ "precopy/info-v2-opt-in", { "REQ-PRECOPY-009" }, test_v2_opt_in, 0, 0 },
	{ "precopy/info-v1-flags-without-opt-in", { "REQ-PRECOPY-010" }, test_v1_flags, 0, 0 },
	{ "precopy/info-v2-flags-are-output", { "REQ-PRECOPY-011" }, test_v2_flags_output, 0, 0 },
	{ "precopy/reinit-reported-after-opt-in", { "REQ-PRECOPY-012", "REQ-PRECOPY-013", "REQ-PRECOPY-014" }, test_reinit_reported, 0, 0 },
	{ "precopy/reinit-not-reported-without-opt-in", { "REQ-PRECOPY-010", "REQ-PRECOPY-012", "REQ-PRECOPY-014" }, test_reinit_without_opt_in, 0, 0 },
};

CONFORM_AREA(conform_area_precopy, "precopy", tests, 1000);
