// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * precopy/...: the PRE_COPY contract (VFIO_MIG_GET_PRECOPY_INFO, the
 * temporary end of stream, STOP_COPY after PRE_COPY) and the
 * VFIO_DEVICE_FEATURE_MIG_DATA_SIZE query (SPEC.md REQ-PRECOPY-*).
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

/* read once; returns bytes, 0 at EOF, -errno */
static ssize_t read_some(int fd, uint8_t *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);

	return n < 0 ? -errno : n;
}

/* Read a PRE_COPY fd until the temporary end (ENOMSG) or EOF; appends to
 * *buf.  Returns the terminating code: -ENOMSG, 0 (EOF) or -errno. */
static int drain_precopy(int fd, uint8_t **buf, size_t *len)
{
	uint8_t chunk[4096];
	ssize_t n;

	for (;;) {
		n = read_some(fd, chunk, sizeof(chunk));
		if (n <= 0)
			return (int)n;
		*buf = realloc(*buf, *len + (size_t)n);
		conform_check(*buf != NULL, "out of memory");
		memcpy(*buf + *len, chunk, (size_t)n);
		*len += (size_t)n;
		conform_check(*len < MIG_MAX_DATA, "PRE_COPY stream exceeds %u bytes", MIG_MAX_DATA);
	}
}

static void test_info_states(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t flags = need_precopy(d);
	struct vfio_precopy_info bad = { .argsz = 8 };
	int fd, fd2, rc;

	fd = mig_go(d, VFIO_DEVICE_STATE_PRE_COPY);
	conform_check(fd >= 0, "RUNNING -> PRE_COPY returned no data fd");
	rc = vfio_precopy_info(fd, NULL, NULL);
	conform_check(!rc, "PRECOPY_INFO in PRE_COPY: %s", errname(rc));
	rc = ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &bad) ? -errno : 0;
	conform_check(rc == -EINVAL, "PRECOPY_INFO with argsz 8: %s, expected EINVAL",
		      errname(rc));
	if (mig_state_supported(VFIO_DEVICE_STATE_PRE_COPY_P2P, flags)) {
		mig_go(d, VFIO_DEVICE_STATE_PRE_COPY_P2P);
		rc = vfio_precopy_info(fd, NULL, NULL);
		conform_check(!rc, "PRECOPY_INFO in PRE_COPY_P2P: %s", errname(rc));
	}
	mig_go(d, VFIO_DEVICE_STATE_STOP_COPY);
	rc = vfio_precopy_info(fd, NULL, NULL);
	conform_check(rc == -EINVAL, "PRECOPY_INFO in STOP_COPY: %s, expected EINVAL",
		      errname(rc));
	close(fd);
	mig_go(d, VFIO_DEVICE_STATE_STOP);
	fd2 = mig_go(d, VFIO_DEVICE_STATE_RESUMING);
	rc = vfio_precopy_info(fd2, NULL, NULL);
	/* a resuming fd may not implement the ioctl at all (ENOTTY) */
	conform_check(rc == -EINVAL || rc == -ENOTTY, "PRECOPY_INFO on a RESUMING fd: %s, "
		      "expected EINVAL (or ENOTTY: no ioctl on that fd)", errname(rc));
	close(fd2);
}

static void test_initial_decreases(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t init0 = 0, dirty0 = 0, init, dirty, prev, total = 0;
	uint8_t chunk[256];
	ssize_t n;
	int fd, reads = 0;

	need_precopy(d);
	fd = mig_go(d, VFIO_DEVICE_STATE_PRE_COPY);
	conform_check(fd >= 0, "no data fd");
	conform_check_rc(vfio_precopy_info(fd, &init0, &dirty0), "PRECOPY_INFO");
	print_message("initial_bytes %llu dirty_bytes %llu\n", (unsigned long long)init0,
		      (unsigned long long)dirty0);
	conform_check(init0 > 0, "initial_bytes is 0 at the start of PRE_COPY");
	prev = init0;
	while (total < init0 && reads < 100000) {
		n = read_some(fd, chunk, sizeof(chunk));
		conform_check(n > 0, "read with initial_bytes %llu left: %s",
			      (unsigned long long)prev, n ? errname((int)n) : "EOF");
		reads++;
		total += (uint64_t)n;
		conform_check_rc(vfio_precopy_info(fd, &init, &dirty), "PRECOPY_INFO");
		conform_check(init <= prev, "initial_bytes grew from %llu to %llu while reading",
			      (unsigned long long)prev, (unsigned long long)init);
		prev = init;
	}
	conform_check(prev == 0, "initial_bytes still %llu after reading the %llu initial bytes",
		      (unsigned long long)prev, (unsigned long long)init0);
	close(fd);
}

static void test_enomsg(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t init = 1, dirty = 1;
	uint8_t *buf = NULL;
	size_t len = 0;
	int fd, rc, rounds = 0;

	need_precopy(d);
	fd = mig_go(d, VFIO_DEVICE_STATE_PRE_COPY);
	conform_check(fd >= 0, "no data fd");
	do {
		rc = drain_precopy(fd, &buf, &len);
		conform_check(rc == -ENOMSG, "read at the end of PRE_COPY data (after %zu bytes): "
			      "%s, expected ENOMSG (temporary end of stream)", len,
			      rc ? errname(rc) : "0 (end of stream)");
		conform_check_rc(vfio_precopy_info(fd, &init, &dirty), "PRECOPY_INFO");
	} while ((init || dirty) && ++rounds < 16);
	conform_check(!init && !dirty, "idle device: initial %llu dirty %llu after 16 rounds",
		      (unsigned long long)init, (unsigned long long)dirty);
	rc = drain_precopy(fd, &buf, &len);
	conform_check(rc == -ENOMSG, "read with initial_bytes = dirty_bytes = 0: %s, expected "
		      "ENOMSG", rc ? errname(rc) : "0 (end of stream)");
	free(buf);
	close(fd);
}

static void test_stop_copy_rest(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint8_t *buf = NULL;
	size_t len = 0, pre;
	int fd, rc, fd2;

	need_precopy(d);
	fd = mig_go(d, VFIO_DEVICE_STATE_PRE_COPY);
	conform_check(fd >= 0, "no data fd");
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
	conform_check_rc(mig_write_all(fd, buf, len, 0), "writing the PRE_COPY+STOP_COPY stream");
	rc = vfio_mig_set_state(d->fd, VFIO_DEVICE_STATE_STOP, NULL);
	conform_check(!rc, "RESUMING -> STOP with the session's whole stream: %s", errname(rc));
	close(fd);
	free(buf);
}

static void test_running_ends_session(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t flags = need_precopy(d);
	int fd;

	fd = mig_go(d, VFIO_DEVICE_STATE_PRE_COPY);
	conform_check(fd >= 0, "no data fd");
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	mig_check_fd_dead(fd, VFIO_DEVICE_STATE_PRE_COPY, "after PRE_COPY -> RUNNING");
	close(fd);
	if (!mig_state_supported(VFIO_DEVICE_STATE_PRE_COPY_P2P, flags))
		return;
	mig_go(d, VFIO_DEVICE_STATE_RUNNING_P2P);
	fd = mig_go(d, VFIO_DEVICE_STATE_PRE_COPY_P2P);
	conform_check(fd >= 0, "RUNNING_P2P -> PRE_COPY_P2P returned no fd");
	mig_go(d, VFIO_DEVICE_STATE_RUNNING_P2P);
	mig_check_fd_dead(fd, VFIO_DEVICE_STATE_PRE_COPY_P2P, "after PRE_COPY_P2P -> RUNNING_P2P");
	close(fd);
}

static uint64_t need_data_size(struct vfio_dev *d)
{
	uint64_t sz = 0;
	int rc;

	need_migration(d);
	rc = vfio_mig_data_size(d->fd, &sz);
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
		rc = vfio_mig_data_size(d->fd, &sz);
		conform_check(!rc, "MIG_DATA_SIZE in %s: %s", mig_state_name(st[i]), errname(rc));
		print_message("%s: %llu\n", mig_state_name(st[i]), (unsigned long long)sz);
	}
	close_fd(&fd);
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
	conform_check_rc(vfio_mig_data_size(d->fd, &sz_stop), "MIG_DATA_SIZE in STOP");
	fd = mig_go(d, VFIO_DEVICE_STATE_STOP_COPY);
	got = mig_read_all(fd, &buf, MIG_MAX_DATA);
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
}

static const struct conform_test tests[] = {
	{ "precopy/info-only-in-pre-copy-states", { "REQ-PRECOPY-001", "REQ-PRECOPY-008" }, test_info_states, 0, 0 },
	{ "precopy/initial-bytes-decrease-as-read", { "REQ-PRECOPY-002" }, test_initial_decreases, 0, 0 },
	{ "precopy/enomsg-at-temporary-end", { "REQ-PRECOPY-003" }, test_enomsg, 0, 0 },
	{ "precopy/stop-copy-gives-the-rest", { "REQ-PRECOPY-004" }, test_stop_copy_rest, 0, 0 },
	{ "precopy/leaving-pre-copy-ends-session", { "REQ-PRECOPY-005" }, test_running_ends_session, 0, 0 },
	{ "precopy/mig-data-size-in-every-state", { "REQ-PRECOPY-006" }, test_data_size_states, 0, 0 },
	{ "precopy/mig-data-size-bounds-stop-copy", { "REQ-PRECOPY-007" }, test_data_size_bound, 0, 0 },
};

CONFORM_AREA(conform_area_precopy, "precopy", tests);
