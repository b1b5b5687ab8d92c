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
	rc = __mig_write_all(fd, buf, len, chunk);
	*where = "write()";
	if (!rc) {
		rc = __vfio_mig_set_state(d->fd, VFIO_DEVICE_STATE_STOP, NULL);
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

/* ---- checks that need no personality ------------------------------------ */

#define FIRST_BYTES	8

/* write() of the whole buffer, stopping at the first refusal (0 or -errno). */
static int write_until_refused(int fd, const uint8_t *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(fd, buf + done, len - done);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return n ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* Inverts the first bytes: a stream header's magic, if it has one. */
static void invert_first_bytes(uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < FIRST_BYTES && i < len; i++)
		buf[i] ^= 0xff;
}

static const char *rc_str(int rc)
{
	return rc ? errname(rc) : "ok";
}

/*
 * One RESUMING session with the pieces written one write() each, then
 * RESUMING -> STOP; returns the SET's result, *refused the first write()
 * error. The device is left in STOP or (after a failed SET) RESUMING/ERROR.
 */
static int session(struct vfio_dev *d, const uint8_t *a, size_t alen, const uint8_t *b,
		   size_t blen, int *refused)
{
	int fd, stop;

	if (mig_state_now(d) != VFIO_DEVICE_STATE_STOP)
		mig_go(d, VFIO_DEVICE_STATE_STOP);
	fd = mig_go(d, VFIO_DEVICE_STATE_RESUMING);
	conform_check(fd >= 0, "STOP -> RESUMING returned no data fd" DATA_FD_Q);
	*refused = write_until_refused(fd, a, alen);
	if (!*refused && blen)
		*refused = write_until_refused(fd, b, blen);
	stop = __vfio_mig_set_state(d->fd, VFIO_DEVICE_STATE_STOP, NULL);
	close(fd);
	return stop;
}

/*
 * session(), then back to RUNNING, reset if it has to be (also without
 * VFIO_DEVICE_FLAGS_RESET: mig_restore), so that a FAIL leaves a device
 * the next test can use.
 */
static void resume_pieces(struct vfio_dev *d, const uint8_t *a, size_t alen,
			  const uint8_t *b, size_t blen, int *refused, int *stop)
{
	*stop = session(d, a, alen, b, blen, refused);
	mig_restore(d);
}

#define INVALID_Q VFIO_H("If the user provided data is found to be incomplete, inconsistent, " \
			 "or otherwise invalid, the migration driver must fail the SET_STATE ioctl")

/*
 * A driver that refuses a write() has found the data invalid; the session
 * should not then load (SHOULD, REQ-RESUME-007: a maintainer may argue a
 * refused write() delivered nothing, and an empty session may be accepted,
 * REQ-RESUME-006; the kernel's mtty refuses a bad header yet loads the
 * bytes). Bytes refused after a whole stream are not checked: the data
 * already written is complete and valid, and loading it is right (mtty,
 * hisi_acc and qat refuse them with -ENOMEM).
 */
static void test_refused_write(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	int refused, stop;
	uint8_t *buf;
	size_t len;

	need_migration(d);
	len = mig_save_stop_copy(d, &buf);
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	if (!len)
		conform_skip("the device's STOP_COPY stream is empty");
	invert_first_bytes(buf, len);
	resume_pieces(d, buf, len, NULL, 0, &refused, &stop);
	free(buf);
	print_message("the stream with its first bytes inverted: write() %s, RESUMING -> STOP %s\n",
		      rc_str(refused), rc_str(stop));
	if (!refused)
		conform_skip("the driver accepted the write() (it may check the data at "
			     "RESUMING -> STOP only)");
	conform_check(stop, "write() refused the stream with its first bytes inverted (%s), "
		      "yet RESUMING -> STOP succeeded" INVALID_Q, errname(refused));
}

/* Whether the device's state now saves as `ref` (the device is left in STOP). */
static bool saves_as(struct vfio_dev *d, const uint8_t *ref, size_t len)
{
	uint8_t *now;
	size_t n = mig_save_stop_copy(d, &now);
	bool same = n == len && !memcmp(now, ref, len);

	free(now);
	return same;
}

/*
 * What an accepted empty session leaves (the STOP -> RESUMING arc may
 * reset the device): true when it saves as the state the refused session
 * left (`ref`). The device is left in STOP.
 */
static bool empty_session_saves_as(struct vfio_dev *d, const uint8_t *ref, size_t len)
{
	int refused, stop = session(d, NULL, 0, NULL, 0, &refused);

	if (stop) {
		mig_restore(d);
		return false;
	}
	return saves_as(d, ref, len);
}

/*
 * REQ-RESUME-010: a session whose write() was refused may load nothing or
 * what was accepted, never the refused bytes. The stream is the device's
 * own, its first bytes inverted: where two saves are identical, the rest
 * is the state the device already has, so after an accepted RESUMING ->
 * STOP the device must save as before (or as an empty session leaves it).
 */
static void test_refused_write_state(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint8_t *buf, *again, *after;
	int refused, stop;
	size_t len, n;
	bool ok;

	need_migration(d);
	len = mig_save_stop_copy(d, &buf);
	n = mig_save_stop_copy(d, &again);
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	ok = len > FIRST_BYTES && n == len && !memcmp(buf, again, len);
	free(again);
	if (!ok) {
		free(buf);
		conform_skip("two saves of the idle device differ (or the stream has at most %d "
			     "bytes): no state to compare a load with", FIRST_BYTES);
	}
	again = malloc(len);
	conform_check(again != NULL, "out of memory");
	memcpy(again, buf, len);
	invert_first_bytes(again, len);
	stop = session(d, again, len, NULL, 0, &refused);
	free(again);
	print_message("the stream with its first bytes inverted: write() %s, RESUMING -> STOP %s\n",
		      rc_str(refused), rc_str(stop));
	if (!refused || stop) {
		mig_restore(d);
		free(buf);
		if (!refused)
			conform_skip("the driver accepted the write() (REQ-RESUME-009 judges that)");
		return;		/* nothing loaded */
	}
	n = mig_save_stop_copy(d, &after);
	ok = (n == len && !memcmp(after, buf, len)) || empty_session_saves_as(d, after, n);
	free(after);
	free(buf);
	mig_restore(d);
	conform_check(ok, "write() refused the device's own stream with its first %d bytes "
		      "inverted (%s), RESUMING -> STOP succeeded, and the device now saves "
		      "neither as before nor as after an empty session: it loaded the bytes it "
		      "refused" INVALID_Q, FIRST_BYTES, errname(refused));
}

/*
 * The first of three malformed sessions whose RESUMING -> STOP fails (the
 * device left there), or NULL when every one loaded.
 */
static const char *fail_a_resume(struct vfio_dev *d, const uint8_t *buf, size_t len)
{
	static const char *const what[] = {
		"the stream cut to half its length",
		"the stream with its first bytes inverted",
		"the stream with 4096 bytes appended",
	};
	const size_t n[] = { len / 2, len, len + 4096 };
	uint8_t *bad = malloc(len + 4096);
	int refused, stop;
	size_t i;

	conform_check(bad != NULL, "out of memory");
	for (i = 0; i < NELEM(what); i++) {
		memcpy(bad, buf, len);
		memset(bad + len, 0xa5, 4096);
		if (i == 1)
			invert_first_bytes(bad, len);
		stop = session(d, bad, n[i], NULL, 0, &refused);
		print_message("%s: write() %s, RESUMING -> STOP %s\n", what[i], rc_str(refused),
			      rc_str(stop));
		if (stop)
			break;
		mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	}
	free(bad);
	return i < NELEM(what) ? what[i] : NULL;
}

static void test_reset_after_failed_stop(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct saved good;
	const char *what;
	uint32_t now;
	uint8_t *buf;
	size_t len;
	int rc;

	need_migration(d);
	need_reset_flag(d);
	len = mig_save_stop_copy(d, &buf);
	good.buf = buf;
	good.len = len;
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	if (len < 2)
		conform_skip("the device's STOP_COPY stream has %zu bytes", len);
	what = fail_a_resume(d, buf, len);
	if (!what) {
		free(buf);
		conform_skip("no malformed session made RESUMING -> STOP fail");
	}
	rc = ioctl(d->fd, VFIO_DEVICE_RESET) ? -errno : 0;
	conform_check(!rc, "VFIO_DEVICE_RESET after RESUMING -> STOP failed on %s: %s"
		      VFIO_H("To abort a RESUMING session the device must be reset"), what,
		      errname(rc));
	now = mig_state_now(d);
	conform_check(now == VFIO_DEVICE_STATE_RUNNING, "device_state %s after the reset "
		      "that followed a failed RESUMING -> STOP"
		      VFIO_H("To recover from ERROR VFIO_DEVICE_RESET must be used to return the "
			     "device_state back to RUNNING"), mig_state_name(now));
	accept_ok(d, &good, 0, "the device's own stream after the reset");
	free(buf);
}

/*
 * Two saves with the personality's state set to two values between them
 * (the device is left in RUNNING); SKIPs without a personality that sets
 * state, or when the change does not show in the stream.
 */
static size_t two_different_saves(struct vfio_dev *d, uint8_t **a, uint8_t **b)
{
	struct pers_dev p;
	size_t len, len2;

	need_pers(d, &p);
	if (!p.ops->set_state)
		conform_skip("personality %s cannot change the device's state: two saves of "
			     "an idle device tell no header from state", p.ops->name);
	conform_check(!p.ops->set_state(&p, 0x5eed0009), "personality: %s", p.why);
	len = mig_save_stop_copy(d, a);
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	conform_check(!p.ops->set_state(&p, 0x5eed000a), "personality: %s", p.why);
	len2 = mig_save_stop_copy(d, b);
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	if (len == len2 && !memcmp(*a, *b, len)) {
		free(*a);
		free(*b);
		conform_skip("two saves of different states are identical");
	}
	return len <= FIRST_BYTES || len2 <= FIRST_BYTES ? 0 : len;
}

/*
 * Leading bytes that stay the same in two saves while the device's state
 * changed are a format header (a magic, a version), not state; a driver
 * that writes one should check it. Not every stream has one, and vfio.h
 * requires no check: SHOULD.
 */
static void test_first_bytes(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint8_t *buf, *again;
	int refused, stop;
	size_t len;

	need_migration(d);
	len = two_different_saves(d, &buf, &again);
	if (!len || memcmp(buf, again, FIRST_BYTES)) {
		free(again);
		free(buf);
		conform_skip("the first %d bytes of two saves of different states differ (or "
			     "the stream is shorter): state, not a format header", FIRST_BYTES);
	}
	free(again);
	invert_first_bytes(buf, len);
	resume_pieces(d, buf, len, NULL, 0, &refused, &stop);
	free(buf);
	print_message("the stream with its first %d bytes inverted: write() %s, RESUMING -> "
		      "STOP %s\n", FIRST_BYTES, rc_str(refused), rc_str(stop));
	conform_check(refused || stop, "the device's stream with its first %d bytes (the same "
		      "in saves of different states: a format header) inverted loaded: "
		      "RESUMING -> STOP succeeded" INVALID_Q, FIRST_BYTES);
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
	{ "resume/refused-write-fails-stop", { "REQ-RESUME-007" }, test_refused_write, 0, 0 },
	{ "resume/refused-write-loads-nothing-refused", { "REQ-RESUME-010" },
	  test_refused_write_state, 0, 0 },
	{ "resume/reset-after-failed-stop", { "REQ-RESUME-008" }, test_reset_after_failed_stop, 0, 0 },
	{ "resume/altered-first-bytes-rejected", { "REQ-RESUME-009" }, test_first_bytes, 0, 0 },
};

CONFORM_AREA(conform_area_resume, "resume", tests, 1200);
