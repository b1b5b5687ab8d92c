// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * resume/...: RESUMING with valid and malformed data (SPEC.md REQ-RESUME-*).
 * A malformed stream must be refused at write() or at RESUMING -> STOP; the
 * device is usable again after VFIO_DEVICE_RESET (a valid stream then loads).
 * Content corruptions need a personality that knows the stream format.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "area_util.h"
#include "mig_common.h"

struct saved {
	uint8_t *buf;
	size_t len;
};

static void save(struct vfio_dev *d, struct saved *s)
{
	need_migration(d);
	need_reset_flag(d);
	s->len = mig_save_stop_copy(d, &s->buf);
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
}

/* Resume with (buf, len) written in chunks; 0 if accepted, else the error
 * of write() or of RESUMING -> STOP. */
static int try_resume(struct vfio_dev *d, const uint8_t *buf, size_t len, size_t chunk,
		      const char **where)
{
	int fd, rc;

	if (mig_state_now(d) != VFIO_DEVICE_STATE_STOP)
		mig_go(d, VFIO_DEVICE_STATE_STOP);
	fd = mig_go(d, VFIO_DEVICE_STATE_RESUMING);
	conform_check(fd >= 0, "STOP -> RESUMING returned no data fd");
	rc = mig_write_all(fd, buf, len, chunk);
	*where = "write()";
	if (!rc) {
		rc = vfio_mig_set_state(d->fd, VFIO_DEVICE_STATE_STOP, NULL);
		*where = "RESUMING -> STOP";
	}
	close(fd);
	return rc;
}

static void accept_ok(struct vfio_dev *d, const struct saved *s, size_t chunk, const char *what)
{
	const char *where;
	int rc = try_resume(d, s->buf, s->len, chunk, &where);

	conform_check(!rc, "%s (%zu bytes): %s failed: %s"
		      VFIO_H("RESUMING - The device is stopped and is loading a new internal "
			     "state"), what, s->len, where, errname(rc));
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
}

/* the malformed stream is refused; then reset, RUNNING, a valid one loads */
static void reject(struct vfio_dev *d, const struct saved *good, const uint8_t *bad,
		   size_t len, const char *what)
{
	const char *where;
	uint32_t now;
	int rc = try_resume(d, bad, len, 0, &where);

	if (rc)
		print_message("%s: refused at %s: %s\n", what, where, errname(rc));
	conform_check(rc != 0, "%s (%zu bytes) was accepted: RESUMING -> STOP succeeded"
		      VFIO_H("If the user provided data is found to be incomplete, inconsistent, "
			     "or otherwise invalid, the migration driver must fail the SET_STATE "
			     "ioctl"), what, len);
	rc = ioctl(d->fd, VFIO_DEVICE_RESET) ? -errno : 0;
	conform_check(!rc, "VFIO_DEVICE_RESET after a refused resume: %s"
		      VFIO_H("To abort a RESUMING session the device must be reset"), errname(rc));
	now = mig_state_now(d);
	conform_check(now == VFIO_DEVICE_STATE_RUNNING, "device_state %s after the reset",
		      mig_state_name(now));
	accept_ok(d, good, 0, "a valid stream after the reset");
}

static void need_strict(struct vfio_dev *d, struct pers_dev *p)
{
	need_migration(d);
	need_pers(d, p);
	if (!p->ops->strict_stream)
		conform_skip("personality %s does not promise a checked stream", p->ops->name);
}

static void test_valid(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct saved s;

	save(d, &s);
	accept_ok(d, &s, 0, "the device's own STOP_COPY stream");
	accept_ok(d, &s, 0, "the same stream a second time");
	free(s.buf);
}

static void test_odd_writes(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const size_t chunks[] = { 1, 3, 7, 61, 4093 };
	struct saved s;
	size_t i;

	save(d, &s);
	for (i = 0; i < NELEM(chunks); i++) {
		char what[64];

		snprintf(what, sizeof(what), "the stream in %zu-byte writes", chunks[i]);
		accept_ok(d, &s, chunks[i], what);
	}
	free(s.buf);
}

/*
 * vfio.h does not say whether a RESUMING session with no data at all is
 * "incomplete" (refused) or a no-op: accept either, but the device must be
 * usable afterwards and a valid stream must then load.
 */
static void test_empty(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const char *where;
	struct saved s;
	int rc;

	save(d, &s);
	rc = try_resume(d, s.buf, 0, 0, &where);
	print_message("empty RESUMING session: %s\n", rc ? errname(rc) : "accepted");
	if (rc) {
		rc = ioctl(d->fd, VFIO_DEVICE_RESET) ? -errno : 0;
		conform_check(!rc, "VFIO_DEVICE_RESET after a refused empty session: %s",
			      errname(rc));
	} else {
		mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	}
	conform_check(mig_state_now(d) == VFIO_DEVICE_STATE_RUNNING, "device_state %s",
		      mig_state_name(mig_state_now(d)));
	accept_ok(d, &s, 0, "a valid stream after an empty session");
	free(s.buf);
}

static void test_truncated(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct saved s;
	size_t cut[3];
	size_t i;

	save(d, &s);
	if (s.len < 2)
		conform_skip("the device's STOP_COPY stream has %zu bytes", s.len);
	cut[0] = s.len - 1;
	cut[1] = s.len / 2;
	cut[2] = s.len > 16 ? 16 : 1;
	for (i = 0; i < NELEM(cut); i++) {
		char what[64];

		snprintf(what, sizeof(what), "the stream truncated to %zu of %zu bytes", cut[i],
			 s.len);
		reject(d, &s, s.buf, cut[i], what);
	}
	free(s.buf);
}

static void test_trailing(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct pers_dev p;
	struct saved s;
	uint8_t *big;
	size_t extra[] = { 1, 64, 4096 };
	size_t i;

	need_strict(d, &p);
	save(d, &s);
	for (i = 0; i < NELEM(extra); i++) {
		char what[64];

		big = malloc(s.len + extra[i]);
		conform_check(big != NULL, "out of memory");
		memcpy(big, s.buf, s.len);
		memset(big + s.len, 0xa5, extra[i]);
		snprintf(what, sizeof(what), "the stream with %zu bytes appended", extra[i]);
		reject(d, &s, big, s.len + extra[i], what);
		free(big);
	}
	free(s.buf);
}

static void corrupt(void **state, enum pers_corrupt how, const char *what)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct pers_dev p;
	struct saved s;
	uint8_t *bad;
	int rc;

	need_strict(d, &p);
	save(d, &s);
	bad = malloc(s.len + 1);
	conform_check(bad != NULL, "out of memory");
	memcpy(bad, s.buf, s.len);
	rc = p.ops->corrupt_stream ? p.ops->corrupt_stream(how, bad, s.len) : -EOPNOTSUPP;
	if (rc)
		conform_skip("personality %s cannot corrupt this stream (%zu bytes) that way",
			     p.ops->name, s.len);
	conform_check(memcmp(bad, s.buf, s.len), "corruption changed nothing");
	reject(d, &s, bad, s.len, what);
	free(bad);
	free(s.buf);
}

static void test_bitflip(void **state)
{
	corrupt(state, PERS_CORRUPT_BITFLIP, "the stream with one payload bit flipped");
}

static void test_magic(void **state)
{
	corrupt(state, PERS_CORRUPT_MAGIC, "the stream with a wrong magic");
}

static void test_version(void **state)
{
	corrupt(state, PERS_CORRUPT_VERSION, "the stream with an unknown version");
}

static void test_garbage(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct pers_dev p;
	struct saved s;
	uint8_t *bad;
	uint32_t x = 0x12345678;
	size_t i;

	need_strict(d, &p);
	save(d, &s);
	bad = malloc(s.len + 64);
	conform_check(bad != NULL, "out of memory");
	for (i = 0; i < s.len + 64; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		bad[i] = (uint8_t)x;
	}
	reject(d, &s, bad, s.len, "random bytes of the stream's length");
	reject(d, &s, bad, s.len + 64, "random bytes, 64 more than the stream");
	free(bad);
	free(s.buf);
}

static void test_swapped_halves(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct pers_dev p;
	struct saved s;
	uint8_t *bad;
	size_t h;

	need_strict(d, &p);
	save(d, &s);
	if (s.len < 2)
		conform_skip("stream too short");
	h = s.len / 2;
	bad = malloc(s.len);
	conform_check(bad != NULL, "out of memory");
	memcpy(bad, s.buf + h, s.len - h);
	memcpy(bad + (s.len - h), s.buf, h);
	reject(d, &s, bad, s.len, "the stream with its halves swapped (byte order not kept)");
	free(bad);
	free(s.buf);
}

static const struct conform_test tests[] = {
	{ "resume/valid-stream-accepted", { "REQ-RESUME-001" }, test_valid, 0, 0 },
	{ "resume/odd-write-sizes-accepted", { "REQ-RESUME-002" }, test_odd_writes, 0, 120 },
	{ "resume/empty-session-then-valid-stream", { "REQ-RESUME-006" }, test_empty, 0, 0 },
	{ "resume/truncated-stream-rejected", { "REQ-RESUME-003" }, test_truncated, 0, 0 },
	{ "resume/oversized-stream-rejected", { "REQ-RESUME-004", "REQ-RESUME-005" }, test_trailing, 0, 0 },
	{ "resume/bit-flipped-stream-rejected", { "REQ-RESUME-004", "REQ-RESUME-005" }, test_bitflip, 0, 0 },
	{ "resume/wrong-magic-rejected", { "REQ-RESUME-004", "REQ-RESUME-005" }, test_magic, 0, 0 },
	{ "resume/wrong-version-rejected", { "REQ-RESUME-004", "REQ-RESUME-005" }, test_version, 0, 0 },
	{ "resume/garbage-rejected", { "REQ-RESUME-004", "REQ-RESUME-005" }, test_garbage, 0, 0 },
	{ "resume/reordered-stream-rejected", { "REQ-RESUME-004", "REQ-RESUME-005" }, test_swapped_halves, 0, 0 },
};

CONFORM_AREA(conform_area_resume, "resume", tests, 1200);
