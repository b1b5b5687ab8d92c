// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * refdev-migbench: the migration data path of make bench, in the guest,
 * through the variant driver (refdev_vfio_pci) on two VFs of a refdev whose
 * VFs have MEM bytes of device memory (QEMU vf-mem-size, SPEC DEV-MEM-001).
 *
 *   refdev-migbench VF0 VF1 MEM OUT.json [all | report]
 *
 * Rows, each a ratio of two times taken here, side by side:
 *   stopcopy  STOP_COPY read of the whole state through the data fd (from
 *             the arc to EOF) vs memcpy of as many bytes, and read(2) of a
 *             RAM file that large (the kernel's copy_to_user alone); median of 3;
 *   precopy   (rows precopy and blackout with "all") PRE_COPY rounds with the DMA engine dirtying DIRTY_FRACTION of
 *             what the previous round sent, until the remainder is under
 *             THRESHOLD: rounds and bytes sent vs the state size;
 *   blackout  VF0 stopped with DMA descriptors pending,
 *             its state read and resumed into VF1, VF1 running: that time
 *             vs the STOP_COPY read alone.
 *   report    (with "report", on a kernel where DMA logging reaches the
 *             driver) VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT over 4 GiB of
 *             IOVA at 4 KiB pages (a 128 KiB bitmap) vs memcpy of 128 KiB;
 *             median of 9 each.
 * Each migrated state is checked on VF1 (CHECKSUM of both VFs' memory by
 * their DMA engines, SRC_MEM): TAP lines on stdout; the figures in OUT.json.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libvfio.h"
#include "refdev_regs.h"

#define IOVA_RING	0x100000ull
#define RING		1024u
#define PIECE		(1u << 20)		/* per descriptor (DEV-DMA-002) */
#define PAGE		REFDEV_MEM_PAGE
#define DIRTY_FRACTION	4u			/* 1/4 of the previous round */
#define THRESHOLD	(64u * 1024)
#define MAX_ROUNDS	40
#define REPS		3

struct vf {
	struct vfio_dev dev;
	struct vfio_region_info bar0;
	struct refdev_dma_desc *ring;
	uint32_t tail, posted;
};

static size_t test_no;
static int failures;
static uint64_t mem_size;

static void tap(bool ok, const char *name, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	tap_line(stdout, ++test_no, name, ok ? TAP_PASS : TAP_FAIL, NULL);
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
		tap_diag(stdout, why);
	}
	failures += !ok;
}

static void die(const char *what)
{
	vfio_fail("%s: %s", what, strerror(errno));
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- VFIO (libvfio: each step fails the run with a message) ------------ */

/* Type1 container, BAR0, the ring mapped at IOVA_RING, MEM and bus master. */
static void open_vf(struct vf *vf, const char *bdf)
{
	struct dma_buf ring;

	vfio_dev_open(&vf->dev, NULL, bdf, NULL);
	vfio_region_info_fixed(vf->dev.fd, VFIO_PCI_BAR0_REGION_INDEX, &vf->bar0);
	dma_buf_map(&ring, vf->dev.ctr->fd, IOVA_RING, RING * sizeof(*vf->ring));
	vf->ring = ring.va;
	vfio_dev_enable_dma(&vf->dev);
}

static uint32_t reg_read(struct vf *vf, uint32_t reg)
{
	return vfio_region_read32(vf->dev.fd, &vf->bar0, reg);
}

static void reg_write(struct vf *vf, uint32_t reg, uint32_t v)
{
	vfio_region_write32(vf->dev.fd, &vf->bar0, reg, v);
}

/* A fresh engine: ring at IOVA_RING, HEAD = TAIL = 0 (DEV-DMA-001). */
static void engine_start(struct vf *vf)
{
	reg_write(vf, REFDEV_REG_DMA_CTRL, 0);
	reg_write(vf, REFDEV_REG_DMA_STATUS, REFDEV_DMA_STATUS_ERROR);
	reg_write(vf, REFDEV_REG_DMA_RING_LO, (uint32_t)IOVA_RING);
	reg_write(vf, REFDEV_REG_DMA_RING_HI, 0);
	reg_write(vf, REFDEV_REG_DMA_RING_SIZE, RING);
	reg_write(vf, REFDEV_REG_DMA_CTRL, REFDEV_DMA_CTRL_ENABLE);
	vf->tail = 0;
	vf->posted = reg_read(vf, REFDEV_REG_DMA_DONE);
}

/* Queue one descriptor (the doorbell comes with engine_kick). */
static struct refdev_dma_desc *engine_put(struct vf *vf, uint8_t op,
					  uint8_t flags, uint32_t len,
					  uint64_t src, uint64_t dst)
{
	struct refdev_dma_desc *d = &vf->ring[vf->tail];

	*d = (struct refdev_dma_desc){ .opcode = op, .flags = flags,
				       .len = len, .src = src, .dst = dst };
	vf->tail = (vf->tail + 1) % RING;
	vf->posted++;
	return d;
}

static void engine_kick(struct vf *vf)
{
	__sync_synchronize();
	reg_write(vf, REFDEV_REG_DMA_TAIL, vf->tail);
}

#define ENGINE_TIMEOUT_NS	(60ull * 1000000000ull)

static void engine_wait(struct vf *vf)
{
	uint64_t t0 = now_ns();

	while (reg_read(vf, REFDEV_REG_DMA_DONE) != vf->posted) {
		if (reg_read(vf, REFDEV_REG_DMA_STATUS) & REFDEV_DMA_STATUS_ERROR) {
			errno = EIO;
			die("DMA engine error");
		}
		if (now_ns() - t0 > ENGINE_TIMEOUT_NS) {
			errno = ETIMEDOUT;
			die("DMA engine");
		}
		usleep(50);
	}
}

/* FILL device memory [off, off + len) with a pattern of @seed. */
static void mem_fill(struct vf *vf, uint64_t off, uint64_t len, uint64_t seed)
{
	unsigned int queued = 0;

	while (len) {
		uint32_t n = len < PIECE ? (uint32_t)len : PIECE;

		engine_put(vf, REFDEV_DMA_OP_FILL, REFDEV_DESC_F_DST_MEM, n,
			   seed * 0x9e3779b97f4a7c15ull + off, off);
		off += n;
		len -= n;
		if (++queued == RING / 2 || !len) {
			engine_kick(vf);
			engine_wait(vf);
			queued = 0;
		}
	}
}

/* CRC32C of every PIECE of the device memory, by the VF's own engine. */
static void mem_crcs(struct vf *vf, uint64_t *crc, unsigned int pieces)
{
	for (unsigned int i = 0; i < pieces;) {
		unsigned int first = vf->tail, k;

		for (k = 0; k < RING / 2 && i + k < pieces; k++)
			engine_put(vf, REFDEV_DMA_OP_CHECKSUM, REFDEV_DESC_F_SRC_MEM,
				   mem_size < PIECE ? (uint32_t)mem_size : PIECE,
				   (uint64_t)(i + k) * PIECE, 0);
		engine_kick(vf);
		engine_wait(vf);
		for (unsigned int j = 0; j < k; j++)
			crc[i + j] = vf->ring[(first + j) % RING].result;
		i += k;
	}
}

static void engine_idle(struct vf *vf)
{
	uint64_t t0 = now_ns();

	while (reg_read(vf, REFDEV_REG_DMA_STATUS) & REFDEV_DMA_STATUS_BUSY) {
		if (now_ns() - t0 > ENGINE_TIMEOUT_NS) {
			errno = ETIMEDOUT;
			die("DMA engine busy");
		}
		usleep(50);
	}
}

/* Both VFs' memory by their engines (a loaded VF has the source's rings). */
static bool same_memory(struct vf *a, struct vf *b)
{
	unsigned int pieces = (unsigned int)((mem_size + PIECE - 1) / PIECE);
	uint64_t *ca = calloc(pieces, 8), *cb = calloc(pieces, 8);
	bool same;

	if (!ca || !cb)
		die("calloc");
	engine_idle(a);
	engine_idle(b);
	engine_start(a);
	engine_start(b);
	mem_crcs(a, ca, pieces);
	mem_crcs(b, cb, pieces);
	same = !memcmp(ca, cb, pieces * 8ull);
	free(ca);
	free(cb);
	return same;
}

/* ---- migration uAPI ---------------------------------------------------- */

/* Returns the data fd of the arc (or -1 when it has none). */
static int mig_set(struct vf *vf, uint32_t state)
{
	return vfio_mig_set_state(vf->dev.fd, state);
}

/* Read what the data fd has now into @buf at @at (up to @cap). */
static uint64_t drain(int fd, uint8_t *buf, uint64_t at, uint64_t cap, bool precopy)
{
	uint64_t got = 0;

	for (;;) {
		ssize_t n = read(fd, buf + at + got, cap - at - got);

		if (n > 0) {
			got += (uint64_t)n;
			continue;
		}
		if (n == 0 || (precopy && errno == ENOMSG))
			return got;
		die("read the data fd");
	}
}

/* VF1 takes @len bytes of stream and runs. */
static void resume_into(struct vf *vf, const uint8_t *buf, uint64_t len)
{
	int fd;

	mig_set(vf, VFIO_DEVICE_STATE_STOP);
	fd = mig_set(vf, VFIO_DEVICE_STATE_RESUMING);
	errno = -__mig_write_all(fd, buf, len, 0);
	if (errno)
		die("write the data fd");
	mig_set(vf, VFIO_DEVICE_STATE_STOP);
	close(fd);
	mig_set(vf, VFIO_DEVICE_STATE_RUNNING);
}

/*
 * Where a read's time goes: reads of 256 KiB, so that one in CHUNK_READS
 * makes the driver pull its next chunk (4 MiB) from the device (ADM-014)
 * and the others only copy to user space. Sums of both kinds, in ns.
 */
#define CHUNK_READS	16
static uint64_t pull_ns, copy_ns, arc_ns;

static uint64_t drain_split(int fd, uint8_t *buf, uint64_t cap)
{
	uint64_t got = 0;
	unsigned int i = 0;

	pull_ns = copy_ns = 0;
	for (;; i++) {
		uint64_t t0 = now_ns();
		ssize_t n = read(fd, buf + got, cap - got < (256u << 10) ?
				 cap - got : (256u << 10));

		if (n < 0)
			die("read the data fd");
		if (!n)
			return got;
		if (i % CHUNK_READS == 0 && i)
			pull_ns += now_ns() - t0;
		else if (i % CHUNK_READS)
			copy_ns += now_ns() - t0;
		got += (uint64_t)n;
	}
}

/* STOP_COPY of a stopped VF: the arc to EOF; returns ns, *len bytes. */
static uint64_t stop_copy(struct vf *vf, uint8_t *buf, uint64_t cap, uint64_t *len)
{
	uint64_t t0 = now_ns(), t;
	int fd = mig_set(vf, VFIO_DEVICE_STATE_STOP_COPY);

	arc_ns = now_ns() - t0;
	*len = drain_split(fd, buf, cap);
	t = now_ns() - t0;
	mig_set(vf, VFIO_DEVICE_STATE_STOP);
	close(fd);
	return t;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

static uint64_t memcpy_ns(uint8_t *dst, const uint8_t *src, uint64_t n)
{
	uint64_t t[REPS];

	for (int i = 0; i < REPS; i++) {
		uint64_t t0 = now_ns();

		memcpy(dst, src, n);
		__asm__ volatile("" ::: "memory");
		t[i] = now_ns() - t0;
	}
	return median(t, REPS);
}

/*
 * The kernel's copy_to_user() alone: read(2) of a RAM file as large as the
 * state (what every byte of the data fd also goes through).
 */
static uint64_t kcopy_ns(uint8_t *dst, const uint8_t *src, uint64_t n)
{
	uint64_t t[REPS];
	int fd = open("/tmp/migbench.kcopy", O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, src, n) != (ssize_t)n)
		die("/tmp/migbench.kcopy");
	for (int i = 0; i < REPS; i++) {
		uint64_t t0 = now_ns();

		if (pread(fd, dst, n, 0) != (ssize_t)n)
			die("read /tmp/migbench.kcopy");
		t[i] = now_ns() - t0;
	}
	close(fd);
	unlink("/tmp/migbench.kcopy");
	return median(t, REPS);
}

/* ---- rows -------------------------------------------------------------- */

struct results {
	uint64_t state, read_ns, memcpy_ns, kcopy_ns;
	uint64_t arc_ns, pull_ns, copy_ns;	/* of the last STOP_COPY read */
	unsigned int rounds;
	uint64_t pre_bytes, final_bytes;
	uint64_t blackout_ns, blackout_read_ns;
	uint32_t pending_at_stop;
};

static void row_stopcopy(struct vf *v0, struct vf *v1, uint8_t *buf,
			 uint8_t *spare, uint64_t cap, struct results *r)
{
	uint64_t t[REPS];

	mig_set(v0, VFIO_DEVICE_STATE_STOP);
	for (int i = 0; i < REPS; i++)
		t[i] = stop_copy(v0, buf, cap, &r->state);
	r->read_ns = median(t, REPS);
	r->arc_ns = arc_ns;
	r->pull_ns = pull_ns;
	r->copy_ns = copy_ns;
	r->memcpy_ns = memcpy_ns(spare, buf, r->state);
	r->kcopy_ns = kcopy_ns(spare, buf, r->state);
	resume_into(v1, buf, r->state);
	mig_set(v0, VFIO_DEVICE_STATE_RUNNING);
	tap(same_memory(v0, v1), "migbench/stopcopy-state-moved",
	    "%llu bytes of state, device memory %llu bytes",
	    (unsigned long long)r->state, (unsigned long long)mem_size);
}

/* Dirty @pages pages of device memory, round-robin from *@next. */
static void dirty_pages(struct vf *vf, uint64_t pages, uint64_t *next, uint64_t seed)
{
	uint64_t total = mem_size / PAGE;

	for (uint64_t i = 0; i < pages; i++) {
		engine_put(vf, REFDEV_DMA_OP_FILL, REFDEV_DESC_F_DST_MEM, PAGE,
			   seed + i, (*next % total) * PAGE);
		(*next)++;
		if ((i + 1) % (RING / 2) == 0 || i + 1 == pages) {
			engine_kick(vf);
			engine_wait(vf);
		}
	}
}

static void row_precopy(struct vf *v0, struct vf *v1, uint8_t *buf,
			uint64_t cap, struct results *r)
{
	uint64_t len = 0, sent, next = 0, initial, dirty;
	int fd = mig_set(v0, VFIO_DEVICE_STATE_PRE_COPY);

	sent = drain(fd, buf, 0, cap, true);
	len = sent;
	for (r->rounds = 1; r->rounds < MAX_ROUNDS; r->rounds++) {
		uint64_t pages = sent / PAGE / DIRTY_FRACTION;

		dirty_pages(v0, pages ? pages : 1, &next, r->rounds);
		errno = -__vfio_precopy_info(fd, &initial, &dirty);
		if (errno)
			die("VFIO_MIG_GET_PRECOPY_INFO");
		if (initial + dirty < THRESHOLD)
			break;
		sent = drain(fd, buf, len, cap, true);
		len += sent;
	}
	r->pre_bytes = len;
	mig_set(v0, VFIO_DEVICE_STATE_PRE_COPY_P2P);
	mig_set(v0, VFIO_DEVICE_STATE_STOP_COPY);
	r->final_bytes = drain(fd, buf, len, cap, false);
	len += r->final_bytes;
	mig_set(v0, VFIO_DEVICE_STATE_STOP);
	close(fd);
	resume_into(v1, buf, len);
	mig_set(v0, VFIO_DEVICE_STATE_RUNNING);	/* STOP drops MMIO writes */
	tap(same_memory(v0, v1), "migbench/precopy-state-moved",
	    "%u rounds, %llu bytes before STOP_COPY, %llu after",
	    r->rounds, (unsigned long long)r->pre_bytes,
	    (unsigned long long)r->final_bytes);
}

/* VF0 -> VF1 with the engine busy: stop, read, resume, run. */
static void row_blackout(struct vf *v0, struct vf *v1, uint8_t *buf,
			 uint64_t cap, struct results *r)
{
	uint64_t t0, len, t[REPS];
	uint32_t target;

	mig_set(v0, VFIO_DEVICE_STATE_STOP);
	for (int i = 0; i < REPS; i++)
		t[i] = stop_copy(v0, buf, cap, &len);
	r->blackout_read_ns = median(t, REPS);
	mig_set(v0, VFIO_DEVICE_STATE_RUNNING);
	engine_start(v0);
	for (unsigned int i = 0; i < RING - 1; i++)
		engine_put(v0, REFDEV_DMA_OP_FILL, REFDEV_DESC_F_DST_MEM,
			   mem_size < PIECE ? (uint32_t)mem_size : PIECE, i, 0);
	target = v0->posted;
	engine_kick(v0);
	t0 = now_ns();
	mig_set(v0, VFIO_DEVICE_STATE_STOP);
	r->pending_at_stop = target - reg_read(v0, REFDEV_REG_DMA_DONE);
	{
		int fd = mig_set(v0, VFIO_DEVICE_STATE_STOP_COPY);

		len = drain(fd, buf, 0, cap, false);
		mig_set(v0, VFIO_DEVICE_STATE_STOP);
		close(fd);
	}
	/* the ring is guest memory, which a real migration moves too */
	memcpy(v1->ring, v0->ring, RING * sizeof(*v0->ring));
	resume_into(v1, buf, len);
	r->blackout_ns = now_ns() - t0;
	/* both engines finish what was pending: the same memory */
	mig_set(v0, VFIO_DEVICE_STATE_RUNNING);
	tap(same_memory(v0, v1), "migbench/blackout-state-moved",
	    "%u descriptors pending at STOP", r->pending_at_stop);
}

#define REPORT_SPAN	(4ull << 30)
#define REPORT_BITMAP	(REPORT_SPAN / 4096 / 8)
#define REPORT_REPS	9

/* REPORT of 4 GiB at 4 KiB pages vs a plain copy of its bitmap; 0 = ok. */
static int row_report(struct vf *vf, uint64_t *report_ns, uint64_t *copy_ns)
{
	struct vfio_device_feature_dma_logging_range range = { 0, REPORT_SPAN };
	struct vfio_device_feature_dma_logging_control ctl = {
		.page_size = 4096, .num_ranges = 1, .ranges = (uintptr_t)&range,
	};
	struct vfio_device_feature_dma_logging_report rep = {
		.iova = 0, .length = REPORT_SPAN, .page_size = 4096,
	};
	uint64_t tr[REPORT_REPS], tc[REPORT_REPS];
	uint8_t *bm = calloc(1, REPORT_BITMAP), *cp = calloc(1, REPORT_BITMAP);

	if (!bm || !cp)
		die("calloc");
	rep.bitmap = (uintptr_t)bm;
	errno = -__vfio_feature(vf->dev.fd, VFIO_DEVICE_FEATURE_SET |
				VFIO_DEVICE_FEATURE_DMA_LOGGING_START, &ctl, sizeof(ctl));
	if (errno) {
		tap(false, "migbench/report-4g", "DMA_LOGGING_START: %s", strerror(errno));
		return -1;
	}
	for (int i = 0; i < REPORT_REPS; i++) {
		uint64_t t0 = now_ns();

		errno = -__vfio_feature(vf->dev.fd, VFIO_DEVICE_FEATURE_GET |
					VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, &rep, sizeof(rep));
		if (errno)
			die("DMA_LOGGING_REPORT");
		tr[i] = now_ns() - t0;
		t0 = now_ns();
		memcpy(cp, bm, REPORT_BITMAP);
		__asm__ volatile("" ::: "memory");
		tc[i] = now_ns() - t0;
	}
	__vfio_feature(vf->dev.fd, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP,
		       NULL, 0);
	*report_ns = median(tr, REPORT_REPS);
	*copy_ns = median(tc, REPORT_REPS);
	tap(true, "migbench/report-4g", "REPORT %llu ns, bitmap copy %llu ns",
	    (unsigned long long)*report_ns, (unsigned long long)*copy_ns);
	free(bm);
	free(cp);
	return 0;
}

static void write_json(const char *path, const struct results *r, bool blackout)
{
	FILE *f = fopen(path, "w");

	if (!f)
		die(path);
	fprintf(f, "{\"mem_size\": %llu, \"state_bytes\": %llu,\n",
		(unsigned long long)mem_size, (unsigned long long)r->state);
	fprintf(f, " \"stopcopy\": {\"read_ns\": %llu, \"memcpy_ns\": %llu, \"kcopy_ns\": %llu},\n",
		(unsigned long long)r->read_ns, (unsigned long long)r->memcpy_ns,
		(unsigned long long)r->kcopy_ns);
	fprintf(f, " \"stopcopy_split\": {\"arc_ns\": %llu, \"pull_reads_ns\": %llu, "
		"\"copy_reads_ns\": %llu},\n", (unsigned long long)r->arc_ns,
		(unsigned long long)r->pull_ns, (unsigned long long)r->copy_ns);
	fprintf(f, " \"precopy\": {\"rounds\": %u, \"dirty_fraction\": %.2f, "
		"\"threshold\": %u, \"bytes_precopy\": %llu, \"bytes_final\": %llu}",
		r->rounds, 1.0 / DIRTY_FRACTION, THRESHOLD,
		(unsigned long long)r->pre_bytes, (unsigned long long)r->final_bytes);
	if (blackout)
		fprintf(f, ",\n \"blackout\": {\"blackout_ns\": %llu, \"read_ns\": %llu, "
			"\"pending_at_stop\": %u}", (unsigned long long)r->blackout_ns,
			(unsigned long long)r->blackout_read_ns, r->pending_at_stop);
	fprintf(f, "}\n");
	fclose(f);
}

int main(int argc, char **argv)
{
	struct results r = { 0 };
	struct vf v0, v1;
	uint8_t *buf, *spare;
	uint64_t cap;
	bool blackout;
	uint64_t rep_ns, cp_ns;

	if (argc < 5) {
		fprintf(stderr, "usage: refdev-migbench VF0 VF1 MEM OUT.json [blackout]\n");
		return 2;
	}
	mem_size = strtoull(argv[3], NULL, 0);
	blackout = argc > 5 && !strcmp(argv[5], "all");
	/* pre-copy sends up to 4/3 of the state (DIRTY_FRACTION) */
	cap = 2 * mem_size + (2u << 20);
	buf = malloc(cap);
	spare = malloc(mem_size + (1u << 20));
	if (!buf || !spare)
		die("malloc");
	memset(buf, 1, cap);
	memset(spare, 2, mem_size + (1u << 20));
	printf("TAP version 13\n");	/* the plan comes last */
	open_vf(&v0, argv[1]);
	open_vf(&v1, argv[2]);
	if (argc > 5 && !strcmp(argv[5], "report")) {
		FILE *f;

		if (row_report(&v0, &rep_ns, &cp_ns))
			return 1;
		f = fopen(argv[4], "w");
		if (!f)
			die(argv[4]);
		fprintf(f, "{\"report\": {\"span\": %llu, \"page_size\": 4096, "
			"\"bitmap_bytes\": %llu, \"report_ns\": %llu, \"copy_ns\": %llu}}\n",
			REPORT_SPAN, REPORT_BITMAP, (unsigned long long)rep_ns,
			(unsigned long long)cp_ns);
		fclose(f);
		printf("1..%zu\n", test_no);
		return 0;
	}
	engine_start(&v0);
	engine_start(&v1);
	if (mem_size)
		mem_fill(&v0, 0, mem_size, 7);
	row_stopcopy(&v0, &v1, buf, spare, cap, &r);
	if (blackout && mem_size) {
		engine_start(&v0);
		engine_start(&v1);
		row_precopy(&v0, &v1, buf, cap, &r);
	}
	if (blackout && mem_size) {
		engine_start(&v1);
		row_blackout(&v0, &v1, buf, cap, &r);
	}
	write_json(argv[4], &r, blackout);
	printf("1..%zu\n", test_no);
	return failures ? 1 : 0;
}
