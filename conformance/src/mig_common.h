/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * Migration helpers shared by the migration, precopy, migration-data and
 * resume areas (in a test only: they fail the running test).
 */
#ifndef CONFORM_MIG_COMMON_H
#define CONFORM_MIG_COMMON_H

#include <stdlib.h>
#include <unistd.h>

#include "area_util.h"

#define MIG_MAX_DATA	(64u << 20)

struct mig_reach {
	int fd;			/* open data fd of the current session, or -1 */
	uint32_t session;	/* the state that opened it */
};

/* read once; returns bytes, 0 at EOF, -errno */
static inline ssize_t read_some(int fd, uint8_t *buf, size_t len)
{
	ssize_t n = read(fd, buf, len);

	return n < 0 ? -errno : n;
}

/* Append n bytes at data to the growing *buf of *len bytes. */
static inline void mig_append(uint8_t **buf, size_t *len, const void *data, size_t n)
{
	*buf = realloc(*buf, *len + n + 1);
	conform_check(*buf != NULL, "out of memory");
	memcpy(*buf + *len, data, n);
	*len += n;
}

/* Read a PRE_COPY fd until the temporary end (ENOMSG) or EOF; appends to
 * *buf.  Returns the terminating code: -ENOMSG, 0 (EOF) or -errno. */
static inline int drain_precopy(int fd, uint8_t **buf, size_t *len)
{
	uint8_t chunk[4096];
	ssize_t n;

	for (;;) {
		n = read_some(fd, chunk, sizeof(chunk));
		if (n <= 0)
			return (int)n;
		mig_append(buf, len, chunk, (size_t)n);
		conform_check(*len < MIG_MAX_DATA, "PRE_COPY stream exceeds %u bytes", MIG_MAX_DATA);
	}
}

/* Read the device's own STOP_COPY stream (RUNNING -> ... -> STOP_COPY ->
 * STOP); leaves the device in STOP. */
static inline size_t mig_save_stop_copy(struct vfio_dev *d, uint8_t **buf)
{
	ssize_t n;
	int fd;

	/* the arcs and the read are other tests' subjects (REQ-MIG-004/005/007) */
	mig_go_prereq(d, VFIO_DEVICE_STATE_STOP);
	fd = mig_go_prereq(d, VFIO_DEVICE_STATE_STOP_COPY);
	if (fd < 0)
		conform_skip_prereq("REQ-MIG-005", "STOP -> STOP_COPY returned no data fd");
	n = __mig_read_all(fd, buf, MIG_MAX_DATA);
	close(fd);
	if (n < 0)
		conform_skip_prereq("REQ-MIG-007", "reading the STOP_COPY stream: %s",
				    errname((int)n));
	mig_go_prereq(d, VFIO_DEVICE_STATE_STOP);
	return (size_t)n;
}

/*
 * From RUNNING (a fresh fixture) to `target` with one SET (the core's
 * combination path), checking the state and the data fd; RESUMING is
 * entered with the device's own saved state already written, so that
 * leaving it is valid.
 */
static inline void mig_reach(struct vfio_dev *d, uint64_t flags, uint32_t target,
			     struct mig_reach *r)
{
	uint32_t from = mig_state_now(d), now;
	uint8_t *buf = NULL;
	size_t n;
	int rc;

	r->fd = -1;
	r->session = 0;
	if (target == VFIO_DEVICE_STATE_RESUMING) {
		n = mig_save_stop_copy(d, &buf);
		r->fd = mig_go(d, VFIO_DEVICE_STATE_RESUMING);
		conform_check(r->fd >= 0, "STOP -> RESUMING returned no data fd");
		rc = __mig_write_all(r->fd, buf, n, 0);
		free(buf);
		conform_check(!rc, "writing %zu bytes of the device's own state: %s", n, errname(rc));
		r->session = target;
		return;
	}
	r->fd = mig_go(d, target);
	now = mig_state_now(d);
	conform_check(now == target, "SET %s from %s: the device reports %s" TRANSITION_Q,
		      mig_state_name(target), mig_state_name(from), mig_state_name(now));
	conform_check((r->fd >= 0) == mig_returns_fd(from, target, flags),
		      "SET %s from %s: data_fd %d" DATA_FD_Q, mig_state_name(target),
		      mig_state_name(from), r->fd);
	if (r->fd >= 0)
		r->session = target;
}

static inline void mig_reach_done(struct mig_reach *r)
{
	close_fd(&r->fd);
}

/* A terminated session moves no data: saving fds read <= 0, resuming
 * fds refuse writes (of one byte: too short for a driver to reject it as
 * malformed data, so only a dead session refuses it). */
static inline void mig_check_fd_dead(int fd, uint32_t session, const char *what)
{
	uint8_t b[16] = { 0 };
	ssize_t n;

	if (session == VFIO_DEVICE_STATE_RESUMING) {
		n = write(fd, b, 1);
		conform_check(n < 0, "%s the RESUMING data fd still accepted write() (%zd)"
			      VFIO_H("Leaving RESUMING terminates a data transfer session"), what, n);
	} else {
		n = read(fd, b, sizeof(b));
		conform_check(n <= 0, "%s the saving data fd still returned %zd bytes"
			      VFIO_H("will terminate a data transfer session"), what, n);
	}
}

#endif /* CONFORM_MIG_COMMON_H */
