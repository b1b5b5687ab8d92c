// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * migration-data/...: device state carried by the migration stream, seen
 * through a personality: round trips on one device and to a peer device
 * (--peer / VFIO_CONFORM_PEER), repeated and back-to-back migrations, the
 * DMA engine's ring position, P2P quiescing, a PRE_COPY session with
 * changes during pre-copy (SPEC.md REQ-MIGDATA-*).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "area_util.h"
#include "mig_common.h"

#define RING_IOVA	0x40000000ull
#define BUF_IOVA	0x40100000ull
#define BUF_LEN		0x4000u

/* load a stream into d: STOP -> RESUMING -> write -> STOP -> RUNNING */
static void load(struct vfio_dev *d, const uint8_t *buf, size_t len, const char *who)
{
	int fd, rc;

	if (mig_state_now(d) != VFIO_DEVICE_STATE_STOP)
		mig_go(d, VFIO_DEVICE_STATE_STOP);
	fd = mig_go(d, VFIO_DEVICE_STATE_RESUMING);
	conform_check(fd >= 0, "%s: STOP -> RESUMING returned no data fd", who);
	rc = __mig_write_all(fd, buf, len, 0);
	conform_check(!rc, "%s: writing %zu bytes of state: %s", who, len, errname(rc));
	rc = __vfio_mig_set_state(d->fd, VFIO_DEVICE_STATE_STOP, NULL);
	close(fd);
	conform_check(!rc, "%s: RESUMING -> STOP with a stream saved by STOP_COPY: %s", who,
		      errname(rc));
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
}

static void snap(struct pers_dev *p, struct pers_state *s)
{
	conform_check(!p->ops->read_state(p, s), "reading device state: %s", p->why);
}

static void put_state(struct pers_dev *p, uint32_t seed)
{
	conform_check(!p->ops->set_state(p, seed), "setting device state: %s", p->why);
}

/* The device's state (p) now equals want. */
static void expect_state(struct pers_dev *p, const struct pers_state *want, const char *what)
{
	struct pers_state got;
	char why[256];

	snap(p, &got);
	conform_check(pers_state_equal(want, &got, why, sizeof(why)), "%s: %s", what, why);
}

static void expect_differ(const struct pers_state *a, const struct pers_state *b)
{
	char why[256];

	conform_check(!pers_state_equal(a, b, why, sizeof(why)),
		      "the device state did not change when rewritten: the check could not fail");
}

/* Migration first: a device without it SKIPs for that, not for a personality. */
static void need_mig_pers(struct vfio_dev *d, struct pers_dev *p)
{
	need_migration(d);
	need_pers(d, p);
}

static struct vfio_dev *open_peer(void)
{
	char err[VFIO_ERR_LEN] = "";
	struct vfio_dev *pd;
	int rc;

	if (!conform_env.peer)
		conform_skip("no peer device (--peer BDF or VFIO_CONFORM_PEER)");
	pd = calloc(1, sizeof(*pd));
	conform_check(pd != NULL, "out of memory");
	rc = __vfio_dev_open(pd, NULL, conform_env.peer,
			   conform_use_token() ? conform_env.token : NULL, err, sizeof(err));
	conform_check(!rc, "opening the peer %s: %s", conform_env.peer, err);
	return pd;
}

static void test_round_trip_self(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct pers_state a, b;
	struct pers_dev p;
	uint8_t *buf;
	size_t n;

	need_mig_pers(d, &p);
	put_state(&p, 0x1111);
	snap(&p, &a);
	n = mig_save_stop_copy(d, &buf);
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	put_state(&p, 0x2222);
	snap(&p, &b);
	expect_differ(&a, &b);
	load(d, buf, n, "self");
	expect_state(&p, &a, "state after loading the saved stream");
	free(buf);
}

static void test_round_trip_peer(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state), *peer;
	struct pers_state a;
	struct pers_dev p, q;
	uint8_t *buf;
	size_t n;

	need_mig_pers(d, &p);
	peer = open_peer();
	need_mig_pers(peer, &q);
	put_state(&q, 0x7777);
	put_state(&p, 0x3333);
	snap(&p, &a);
	n = mig_save_stop_copy(d, &buf);
	load(peer, buf, n, "peer");
	expect_state(&q, &a, "peer state after loading the source's stream");
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	free(buf);
	vfio_dev_close(peer);
}

static void test_ping_pong_peer(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state), *peer;
	struct pers_state a;
	struct pers_dev p, q;
	uint8_t *buf, *buf2;
	size_t n, n2;

	need_mig_pers(d, &p);
	peer = open_peer();
	need_mig_pers(peer, &q);
	put_state(&p, 0x4444);
	snap(&p, &a);
	n = mig_save_stop_copy(d, &buf);
	load(peer, buf, n, "peer");
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	put_state(&p, 0x5555);
	n2 = mig_save_stop_copy(peer, &buf2);
	load(d, buf2, n2, "back to the source");
	expect_state(&p, &a, "source state after source -> peer -> source");
	mig_go(peer, VFIO_DEVICE_STATE_RUNNING);
	free(buf);
	free(buf2);
	vfio_dev_close(peer);
}

static void test_repeated(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct pers_state a, b;
	struct pers_dev p;
	uint8_t *buf;
	size_t n;
	int round;

	need_mig_pers(d, &p);
	for (round = 0; round < 5; round++) {
		put_state(&p, 0x100u + (uint32_t)round);
		snap(&p, &a);
		n = mig_save_stop_copy(d, &buf);
		mig_go(d, VFIO_DEVICE_STATE_RUNNING);
		put_state(&p, 0x900u + (uint32_t)round);
		load(d, buf, n, "repeated");
		snap(&p, &b);
		free(buf);
		conform_check(pers_state_equal(&a, &b, p.why, sizeof(p.why)), "round %d: %s",
			      round + 1, p.why);
	}
}

static void test_back_to_back(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct pers_state a;
	struct pers_dev p;
	uint8_t *b1, *b2;
	size_t n1, n2;

	need_mig_pers(d, &p);
	put_state(&p, 0xabcd);
	snap(&p, &a);
	n1 = mig_save_stop_copy(d, &b1);
	n2 = mig_save_stop_copy(d, &b2);	/* STOP -> STOP_COPY again, no RUNNING between */
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	put_state(&p, 0xdcba);
	load(d, b1, n1, "first of two back-to-back saves");
	expect_state(&p, &a, "state from the first save");
	put_state(&p, 0xdcbb);
	load(d, b2, n2, "second of two back-to-back saves");
	expect_state(&p, &a, "state from the second save");
	free(b1);
	free(b2);
}

static void dma_setup(struct vfio_dev *d, struct dma_buf *ring, struct dma_buf *buf)
{
	conform_check_rc(__dma_buf_map(ring, d->ctr->fd, RING_IOVA, 0x1000), "MAP_DMA ring");
	conform_check_rc(__dma_buf_map(buf, d->ctr->fd, BUF_IOVA, BUF_LEN), "MAP_DMA buffer");
}

static void dma_copy(struct pers_dev *p, struct dma_buf *ring, struct dma_buf *buf,
		     uint8_t tag)
{
	uint8_t *m = buf->va;

	memset(m, tag, BUF_LEN / 2);
	memset(m + BUF_LEN / 2, 0, BUF_LEN / 2);
	conform_check(!p->ops->do_dma(p, ring, BUF_IOVA, BUF_IOVA + BUF_LEN / 2, BUF_LEN / 2,
				      5000), "DMA copy: %s", p->why);
	conform_check(!memcmp(m, m + BUF_LEN / 2, BUF_LEN / 2), "DMA copy: destination differs");
}

static void test_dma_ring_position(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct dma_buf ring, buf;
	struct pers_state a, b;
	struct pers_dev p;
	uint8_t *s;
	size_t n;
	int i;

	need_migration(d);
	need_dma(d, &p);
	need_reset_flag(d);
	dma_setup(d, &ring, &buf);
	for (i = 0; i < 3; i++)
		dma_copy(&p, &ring, &buf, (uint8_t)(0x30 + i));
	snap(&p, &a);
	n = mig_save_stop_copy(d, &s);
	conform_check_rc(ioctl(d->fd, VFIO_DEVICE_RESET) ? -errno : 0, "VFIO_DEVICE_RESET");
	snap(&p, &b);
	expect_differ(&a, &b);
	load(d, s, n, "after a reset");
	expect_state(&p, &a, "DMA engine state after loading");
	dma_copy(&p, &ring, &buf, 0x77);	/* the engine continues where it was */
	free(s);
	dma_buf_unmap(&buf);
	dma_buf_unmap(&ring);
}

static void test_p2p_quiesces(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t flags = need_migration(d);
	struct dma_buf ring, buf;
	struct pers_dev p;
	uint8_t *m;
	int rc, waited;

	need_mig_state(flags, VFIO_DEVICE_STATE_RUNNING_P2P);
	need_dma(d, &p);
	if (!p.ops->p2p_stops_all_dma)
		conform_skip("personality %s cannot tell whether DMA is P2P", p.ops->name);
	dma_setup(d, &ring, &buf);
	dma_copy(&p, &ring, &buf, 0x11);
	mig_go(d, VFIO_DEVICE_STATE_RUNNING_P2P);
	m = buf.va;
	memset(m, 0x5c, BUF_LEN / 2);
	memset(m + BUF_LEN / 2, 0, BUF_LEN / 2);
	rc = p.ops->do_dma(&p, &ring, BUF_IOVA, BUF_IOVA + BUF_LEN / 2, BUF_LEN / 2, 300);
	conform_check(rc == -ETIMEDOUT, "a DMA copy posted in RUNNING_P2P %s",
		      rc ? p.why : "ran to completion");
	conform_check(m[BUF_LEN / 2] == 0, "the device wrote memory in RUNNING_P2P");
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	for (waited = 0; waited < 5000 && m[BUF_LEN - 1] != 0x5c; waited += 10)
		usleep(10000);
	conform_check(!memcmp(m, m + BUF_LEN / 2, BUF_LEN / 2),
		      "the DMA posted in RUNNING_P2P did not run after RUNNING_P2P -> RUNNING");
	dma_buf_unmap(&buf);
	dma_buf_unmap(&ring);
}

static void test_precopy_changes(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t flags = need_migration(d);
	struct pers_state a;
	struct pers_dev p;
	uint8_t *all = NULL, *rest = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, rc;

	need_mig_state(flags, VFIO_DEVICE_STATE_PRE_COPY);
	need_pers(d, &p);
	put_state(&p, 0x6001);
	fd = mig_go(d, VFIO_DEVICE_STATE_PRE_COPY);
	conform_check(fd >= 0, "RUNNING -> PRE_COPY returned no fd");
	rc = drain_precopy(fd, &all, &len);
	conform_check(rc == -ENOMSG, "end of initial PRE_COPY data: %s", rc ? errname(rc) : "EOF");
	put_state(&p, 0x6002);		/* changes while pre-copying */
	snap(&p, &a);
	__vfio_precopy_info(fd, NULL, NULL);
	mig_go(d, VFIO_DEVICE_STATE_STOP_COPY);
	n = __mig_read_all(fd, &rest, MIG_MAX_DATA);
	conform_check(n >= 0, "reading STOP_COPY: %s", errname((int)n));
	mig_append(&all, &len, rest, (size_t)n);
	close(fd);
	mig_go(d, VFIO_DEVICE_STATE_STOP);
	mig_go(d, VFIO_DEVICE_STATE_RUNNING);
	put_state(&p, 0x6003);
	load(d, all, len, "PRE_COPY + STOP_COPY session");
	expect_state(&p, &a, "state changed during PRE_COPY, after loading the session");
	free(all);
	free(rest);
}

static const struct conform_test tests[] = {
	{ "migration-data/round-trip-same-device", { "REQ-MIGDATA-001" }, test_round_trip_self, 0, 0 },
	{ "migration-data/round-trip-to-peer", { "REQ-MIGDATA-002" }, test_round_trip_peer, 0, 0 },
	{ "migration-data/ping-pong-with-peer", { "REQ-MIGDATA-002" }, test_ping_pong_peer, 0, 0 },
	{ "migration-data/repeated-migrations", { "REQ-MIGDATA-001" }, test_repeated, 0, 120 },
	{ "migration-data/back-to-back-saves", { "REQ-MIGDATA-003" }, test_back_to_back, 0, 0 },
	{ "migration-data/dma-ring-position-migrates", { "REQ-MIGDATA-004" }, test_dma_ring_position, 0, 0 },
	{ "migration-data/p2p-quiesces-dma", { "REQ-MIGDATA-005" }, test_p2p_quiesces, 0, 0 },
	{ "migration-data/pre-copy-session-with-changes", { "REQ-MIGDATA-006" }, test_precopy_changes, 0, 0 },
};

CONFORM_AREA(conform_area_migration_data, "migration-data", tests, 1100);
