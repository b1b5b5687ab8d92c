// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * refdev-migrate: in-guest end-to-end check of refdev_vfio_pci.
 *
 *   refdev-migrate [-v] <bdf-A> <bdf-B>
 *
 * A and B are two refdev VFs bound to refdev_vfio_pci (their PF bound to
 * refdev_core). Both go into one VFIO container (type1), so they share one
 * IOVA space, as two devices of one VM would before and after migration.
 *
 * 1. DMA logging starts on A, A's DMA engine (SPEC 1.7) runs COPY, FILL and
 *    CHECKSUM descriptors; the logged pages must be exactly the written ones.
 * 2. A migrates: RUNNING -> PRE_COPY (where offered) -> PRE_COPY_P2P or
 *    RUNNING_P2P (a doorbell rung there must not run: P2P quiesces DMA)
 *    -> STOP_COPY; all data is read.
 *    A PRE_COPY session aborted to RUNNING must end its fd; STOP_COPY ->
 *    PRE_COPY must be refused. In PRE_COPY, A re-initialises (DEV-REINIT-001):
 *    the driver must put a new INITIAL on the stream and, after the
 *    PRECOPY_INFOv2 opt-in where the kernel has it, report REINIT.
 * 3. B: a copy of the data with one byte flipped must be refused at
 *    RESUMING -> STOP (then B is reset). STOP -> RESUMING, the data is
 *    written in odd-sized pieces -> STOP.
 *    B's registers, SRAM and ring position must equal A's; then B runs: the
 *    doorbell recorded on A executes on B and the ring continues. B logs
 *    through 16 one-page ranges: more than the device tracks, so the driver
 *    must combine them without losing a page.
 * 4. A is reset in STOP_COPY: it must be RUNNING and its data fd dead.
 *
 * Output: TAP 13 on stdout; test names "migration-data/..." and "dirty/...".
 * Exit status 0 when nothing failed.
 */
#include <errno.h>
#include <inttypes.h>
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

#define PAGE		4096u
#define DMA_IOVA	0x40000000ull
#define DMA_SIZE	(2u << 20)
#define RING_ENTRIES	64u
/* page numbers inside the DMA area */
#define PG_RING		0
#define PG_SRC		1
#define PG_COPY		2
#define PG_FILL		4
#define PG_P2P_A	8	/* descriptors posted while A is quiesced */
#define PG_P2P_B	9
#define PG_TARGET	10	/* posted on B after the migration */
#define FILL_PATTERN	0x0123456789abcdefull
#define P2P_PATTERN	0xfeedfacecafef00dull
#define TARGET_PATTERN	0x5a5a5a5aa5a5a5a5ull
#define SCRATCH_MAGIC	0x5eed1234u
#define MIG_MAX		(4u << 20)
#define RUN_BITS	(REFDEV_DMA_STATUS_BUSY | REFDEV_DMA_STATUS_PAUSED)
#define NO_PRE_COPY	"no VFIO_MIGRATION_PRE_COPY (kernel uAPI without PRE_COPY)"

/* ---- TAP ------------------------------------------------------------------ */

static const char *const tests[] = {
	"migration-data/feature-flags",
	"dirty/start",
	"migration-data/source-dma-workload",
	"dirty/report-exact",
	"dirty/report-clears",
	"migration-data/precopy-abort-ends-session",
	"migration-data/precopy-initial",
	"migration-data/precopy-dirty-bytes",
	"migration-data/precopy-reinit",
	"migration-data/p2p-quiesces-dma",
	"migration-data/stop-copy-read",
	"migration-data/data-size",
	"migration-data/stop-copy-to-pre-copy-rejected",
	"migration-data/source-reset-ends-session",
	"migration-data/resume-rejects-corrupt",
	"migration-data/resume-write",
	"migration-data/resume-to-stop",
	"migration-data/registers-match",
	"migration-data/sram-matches",
	"migration-data/ring-position-matches",
	"dirty/target-start",
	"migration-data/target-continues-dma",
	"dirty/target-report-exact",
	"dirty/stop",
};
#define NTESTS (sizeof(tests) / sizeof(tests[0]))
static bool reported[NTESTS];
static enum tap_status result[NTESTS];
static char reason[NTESTS][256];	/* results waiting for their turn */
static size_t next_out;
static int failures;

static int test_index(const char *name)
{
	for (size_t i = 0; i < NTESTS; i++)
		if (!strcmp(tests[i], name))
			return (int)i;
	fprintf(stderr, "unknown test %s\n", name);
	exit(2);
}

/* TAP numbers must ascend: print results in table order as they arrive. */
static void flush_in_order(void)
{
	for (; next_out < NTESTS && reported[next_out]; next_out++) {
		tap_line(stdout, next_out + 1, tests[next_out], result[next_out],
			 reason[next_out]);
		if (result[next_out] != TAP_SKIP && *reason[next_out])
			tap_diag(stdout, reason[next_out]);
	}
}

#define diag(...)	tap_diagf(stdout, __VA_ARGS__)

/* Report @name once; TAP numbers follow the table order. */
static void tap(const char *name, enum tap_status st, const char *fmt, ...)
{
	int i = test_index(name);
	va_list ap;

	if (reported[i])
		return;
	reported[i] = true;
	result[i] = st;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(reason[i], sizeof(reason[i]), fmt, ap);
		va_end(ap);
	}
	failures += st == TAP_FAIL;
	flush_in_order();
}

static void tap_check(const char *name, bool ok, const char *ids,
		      const char *fmt, ...)
{
	char why[256] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	tap(name, ok ? TAP_PASS : TAP_FAIL, "%s%s%s", ids, *why ? "; " : "", why);
}

/* TAP wants every planned test: what a failure upstream kept from running. */
static void tap_finish(const char *why)
{
	for (size_t i = 0; i < NTESTS; i++)
		if (!reported[i])
			tap(tests[i], TAP_SKIP, "%s", why);
}

/* ---- VFIO plumbing ---------------------------------------------------------- */

struct vdev {
	const char *bdf;
	struct vfio_dev dev;
	struct vfio_region_info bar0, bar2;
};

static struct vfio_container container = { .fd = -1 };
static uint8_t *dma_mem;

/* The engine's DMA needs Memory Space and Bus Master in PCI_COMMAND. */
static int enable_bus_master(struct vdev *d)
{
	int rc = __vfio_dev_enable_dma(&d->dev);

	if (rc)
		diag("%s: PCI_COMMAND: %s", d->bdf, strerror(-rc));
	return rc;
}

/* Open @d in the shared container, with its BAR0 and BAR2. */
static int open_device(struct vdev *d)
{
	char err[VFIO_ERR_LEN] = "";
	int rc = __vfio_dev_open(&d->dev, &container, d->bdf, NULL, err, sizeof(err));

	if (!rc)
		rc = __vfio_region_info_fixed(d->dev.fd, VFIO_PCI_BAR0_REGION_INDEX, &d->bar0);
	if (!rc)
		rc = __vfio_region_info_fixed(d->dev.fd, VFIO_PCI_BAR2_REGION_INDEX, &d->bar2);
	if (rc) {
		diag("%s: %s", d->bdf, *err ? err : strerror(-rc));
		return rc;
	}
	return enable_bus_master(d);
}

static int setup_dma(void)
{
	struct dma_buf b;
	int rc = __dma_buf_map(&b, container.fd, DMA_IOVA, DMA_SIZE);

	if (rc)
		diag("VFIO_IOMMU_MAP_DMA: %s", strerror(-rc));
	dma_mem = b.va;
	return rc;
}

static uint32_t rd32(struct vdev *d, uint32_t reg)
{
	uint32_t v = 0xffffffffu;
	int rc = __vfio_region_read32(d->dev.fd, &d->bar0, reg, &v);

	if (rc)
		diag("%s: read reg %#x: %s", d->bdf, reg, strerror(-rc));
	return v;
}

static void wr32(struct vdev *d, uint32_t reg, uint32_t v)
{
	int rc = __vfio_region_write32(d->dev.fd, &d->bar0, reg, v);

	if (rc)
		diag("%s: write reg %#x: %s", d->bdf, reg, strerror(-rc));
}

static int sram_io(struct vdev *d, void *buf, size_t len, size_t off, bool wr)
{
	return wr ? __vfio_region_write(d->dev.fd, &d->bar2, off, buf, len) :
		    __vfio_region_read(d->dev.fd, &d->bar2, off, buf, len);
}

static int set_state(struct vdev *d, uint32_t state, int *data_fd)
{
	int ret = __vfio_mig_set_state(d->dev.fd, state, data_fd);

	if (ret)
		diag("%s: -> state %u: %s", d->bdf, state, strerror(-ret));
	return ret;
}

static uint64_t iova_of(unsigned int page)
{
	return DMA_IOVA + (uint64_t)page * PAGE;
}

/* ---- DMA logging -------------------------------------------------------------- */

/* Log @n one-page ranges from DMA_IOVA on, or the whole area for n = 0. */
static int log_start(struct vdev *d, unsigned int n)
{
	struct vfio_device_feature_dma_logging_range range[16] = {
		{ .iova = DMA_IOVA, .length = DMA_SIZE },
	};
	struct vfio_device_feature_dma_logging_control ctl = {
		.page_size = PAGE, .num_ranges = n ? n : 1,
		.ranges = (uintptr_t)range,
	};

	for (unsigned int i = 0; i < n && i < 16; i++) {
		range[i].iova = iova_of(i);
		range[i].length = PAGE;
	}
	int ret = __vfio_feature(d->dev.fd, VFIO_DEVICE_FEATURE_SET |
				 VFIO_DEVICE_FEATURE_DMA_LOGGING_START, &ctl, sizeof(ctl));

	if (!ret && ctl.page_size != PAGE) {
		diag("%s: driver tracks at %llu bytes, not 4 KiB", d->bdf,
		     (unsigned long long)ctl.page_size);
		return -ERANGE;
	}
	return ret;
}

static int log_stop(struct vdev *d)
{
	return __vfio_feature(d->dev.fd, VFIO_DEVICE_FEATURE_SET |
			      VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, NULL, 0);
}

/* Report-and-clear the whole DMA area; @bits gets one byte per page. */
static int log_report(struct vdev *d, uint8_t *bits)
{
	uint64_t bitmap[DMA_SIZE / PAGE / 64] = { 0 };
	struct vfio_device_feature_dma_logging_report rep = {
		.iova = DMA_IOVA, .length = DMA_SIZE, .page_size = PAGE,
		.bitmap = (uintptr_t)bitmap,
	};
	int ret = __vfio_feature(d->dev.fd, VFIO_DEVICE_FEATURE_GET |
				 VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, &rep, sizeof(rep));

	for (unsigned int p = 0; p < DMA_SIZE / PAGE; p++)
		bits[p] = (bitmap[p / 64] >> (p % 64)) & 1;
	return ret;
}

/* Compare the pages logged with @want (terminated by -1). */
static bool pages_exact(const uint8_t *bits, const int *want, char *why,
			size_t whylen)
{
	uint8_t expect[DMA_SIZE / PAGE] = { 0 };
	bool ok = true;
	size_t used = 0;

	for (; *want >= 0; want++)
		expect[*want] = 1;
	why[0] = '\0';
	for (unsigned int p = 0; p < DMA_SIZE / PAGE; p++) {
		if (bits[p] == expect[p])
			continue;
		ok = false;
		if (used < whylen)
			used += snprintf(why + used, whylen - used, "page %u %s; ",
					 p, bits[p] ? "logged but not written" :
						      "written but not logged");
	}
	return ok;
}

/* ---- the DMA engine (SPEC 1.7) -------------------------------------------------- */

static struct refdev_dma_desc *ring(void)
{
	return (struct refdev_dma_desc *)(dma_mem + PG_RING * PAGE);
}

static void post(unsigned int slot, uint8_t op, uint32_t len, uint64_t src,
		 uint64_t dst)
{
	ring()[slot % RING_ENTRIES] = (struct refdev_dma_desc){
		.opcode = op, .len = len, .src = src, .dst = dst };
}

static void ring_setup(struct vdev *d)
{
	wr32(d, REFDEV_REG_DMA_CTRL, 0);
	wr32(d, REFDEV_REG_DMA_RING_LO, (uint32_t)iova_of(PG_RING));
	wr32(d, REFDEV_REG_DMA_RING_HI, (uint32_t)(iova_of(PG_RING) >> 32));
	wr32(d, REFDEV_REG_DMA_RING_SIZE, RING_ENTRIES);
	wr32(d, REFDEV_REG_DMA_CTRL, REFDEV_DMA_CTRL_ENABLE);
}

static bool wait_done(struct vdev *d, uint32_t want, unsigned int ms)
{
	struct timespec ts = { 0, 1000000 };

	for (unsigned int i = 0; i < ms; i++) {
		if (rd32(d, REFDEV_REG_DMA_DONE) == want)
			return true;
		nanosleep(&ts, NULL);
	}
	return rd32(d, REFDEV_REG_DMA_DONE) == want;
}

static bool filled(unsigned int page, uint64_t pattern)
{
	const uint8_t *p = dma_mem + page * PAGE;

	for (unsigned int i = 0; i < PAGE; i++)
		if (p[i] != (uint8_t)(pattern >> (8 * (i % 8))))
			return false;
	return true;
}

static bool desc_ok(unsigned int slot)
{
	uint16_t st = ring()[slot % RING_ENTRIES].status;

	return (st & REFDEV_DESC_S_DONE) && !(st >> REFDEV_DESC_S_ERR_SHIFT);
}

/* ---- device state snapshots ------------------------------------------------------ */

struct snap {
	uint32_t scratch, ring_lo, ring_hi, size, ctrl, head, tail, status, done;
	uint8_t sram[REFDEV_BAR_SRAM_SIZE];
};

static int snapshot(struct vdev *d, struct snap *s)
{
	s->scratch = rd32(d, REFDEV_REG_SCRATCH);
	s->ring_lo = rd32(d, REFDEV_REG_DMA_RING_LO);
	s->ring_hi = rd32(d, REFDEV_REG_DMA_RING_HI);
	s->size = rd32(d, REFDEV_REG_DMA_RING_SIZE);
	s->ctrl = rd32(d, REFDEV_REG_DMA_CTRL);
	s->head = rd32(d, REFDEV_REG_DMA_HEAD);
	s->tail = rd32(d, REFDEV_REG_DMA_TAIL);
	s->status = rd32(d, REFDEV_REG_DMA_STATUS);
	s->done = rd32(d, REFDEV_REG_DMA_DONE);
	return sram_io(d, s->sram, sizeof(s->sram), 0, false);
}

/* ---- migration data ---------------------------------------------------------------- */

struct blob {
	uint8_t *buf;
	size_t len;
};

/* Read until EOF (STOP_COPY) or ENOMSG (PRE_COPY); returns bytes or -errno. */
static ssize_t drain(int fd, struct blob *b, bool precopy, bool *enomsg)
{
	size_t start = b->len;

	*enomsg = false;
	for (;;) {
		ssize_t n = read(fd, b->buf + b->len, MIG_MAX - b->len > 4096 ?
						      4096 : MIG_MAX - b->len);

		if (n > 0) {
			b->len += n;
			if (b->len == MIG_MAX)
				return -EFBIG;
			continue;
		}
		if (n == 0) {
			if (precopy)
				diag("read() returned 0 (end of stream) in PRE_COPY");
			break;
		}
		if (errno == ENOMSG) {
			*enomsg = true;
			break;
		}
		if (errno == EINTR)
			continue;
		return -errno;
	}
	return (ssize_t)(b->len - start);
}

/* Write @b in odd-sized pieces: the driver must reassemble its streams. */
#define feed(fd, b)	__mig_write_all(fd, (b)->buf, (b)->len, 1000)

/* ---- the scenario ------------------------------------------------------------------- */

struct ctx {
	struct vdev a, b;
	bool precopy, p2p, logging, report;
	uint32_t posted;	/* descriptors posted on the ring so far */
	struct blob data;
	struct snap snap_a;
	int saving_fd;
};

static bool check_flags(struct ctx *c)
{
	uint64_t flags = 0;
	int ret = __vfio_mig_flags(c->a.dev.fd, &flags);

	if (ret) {
		tap_check("migration-data/feature-flags", false, "REQ: DEV-AQ-*",
			  "VFIO_DEVICE_FEATURE_MIGRATION: %s (VF on refdev_vfio_pci, PF on refdev_core?)",
			  strerror(-ret));
		return false;
	}
	c->p2p = flags & VFIO_MIGRATION_P2P;
	c->precopy = flags & VFIO_MIGRATION_PRE_COPY;
	tap_check("migration-data/feature-flags", (flags & VFIO_MIGRATION_STOP_COPY) && c->p2p,
		  "REQ: ADM-002, ADM-005", "flags %#llx%s", (unsigned long long)flags,
		  c->precopy ? "" : " (no PRE_COPY in this kernel)");
	return flags & VFIO_MIGRATION_STOP_COPY;
}

static void start_logging(struct ctx *c)
{
	int ret = log_start(&c->a, 0);

	if (ret == -ENOTTY) {
		tap("dirty/start", TAP_SKIP, "driver has no DMA logging (ENOTTY)");
		return;
	}
	c->logging = !ret;
	tap_check("dirty/start", !ret, "REQ: DRT-001, ADM-007",
		  ret ? "DMA_LOGGING_START: %s" : NULL, strerror(-ret));
}

/* COPY src -> copy page, FILL fill page, CHECKSUM src: all on A. */
static bool source_workload(struct ctx *c)
{
	uint8_t *src = dma_mem + PG_SRC * PAGE;
	uint32_t crc;
	bool ok;

	for (unsigned int i = 0; i < PAGE; i++)
		src[i] = (uint8_t)(i * 7 + 3);
	crc = crc32c_sum(src, PAGE);

	ring_setup(&c->a);
	post(0, REFDEV_DMA_OP_COPY, PAGE, iova_of(PG_SRC), iova_of(PG_COPY));
	post(1, REFDEV_DMA_OP_FILL, PAGE, FILL_PATTERN, iova_of(PG_FILL));
	post(2, REFDEV_DMA_OP_CHECKSUM, PAGE, iova_of(PG_SRC), 0);
	c->posted = 3;
	wr32(&c->a, REFDEV_REG_DMA_TAIL, c->posted);

	ok = wait_done(&c->a, 3, 5000);
	ok = ok && desc_ok(0) && desc_ok(1) && desc_ok(2);
	ok = ok && !memcmp(dma_mem + PG_COPY * PAGE, src, PAGE);
	ok = ok && filled(PG_FILL, FILL_PATTERN);
	ok = ok && ring()[2].result == crc;
	tap_check("migration-data/source-dma-workload", ok,
		  "REQ: DEV-DMA-002, DEV-DMA-003",
		  "DONE %u HEAD %u status %#x crc %#llx (want %#x)",
		  rd32(&c->a, REFDEV_REG_DMA_DONE), rd32(&c->a, REFDEV_REG_DMA_HEAD),
		  rd32(&c->a, REFDEV_REG_DMA_STATUS),
		  (unsigned long long)ring()[2].result, crc);
	return ok;
}

static void report_source(struct ctx *c)
{
	static const int want[] = { PG_RING, PG_COPY, PG_FILL, -1 };
	static const int none[] = { -1 };
	uint8_t bits[DMA_SIZE / PAGE];
	char why[512];
	int ret;

	if (!c->logging) {
		tap("dirty/report-exact", TAP_SKIP, "DMA logging not started");
		tap("dirty/report-clears", TAP_SKIP, "DMA logging not started");
		return;
	}
	ret = log_report(&c->a, bits);
	if (ret == -EOPNOTSUPP) {
		const char *why_skip = "DMA_LOGGING_REPORT returns EOPNOTSUPP: this kernel has no IOMMUFD_DRIVER iova_bitmap helpers (e.g. Debian 6.12, IOMMUFD off)";

		tap("dirty/report-exact", TAP_SKIP, "%s", why_skip);
		tap("dirty/report-clears", TAP_SKIP, "%s", why_skip);
		tap("dirty/target-report-exact", TAP_SKIP, "%s", why_skip);
		return;
	}
	c->report = !ret;
	if (ret) {
		tap_check("dirty/report-exact", false, "REQ: DRT-002", "REPORT: %s",
			  strerror(-ret));
		return;
	}
	tap_check("dirty/report-exact", pages_exact(bits, want, why, sizeof(why)),
		  "REQ: DRT-002, DRT-004, DEV-DMA-007", "%s", why);

	ret = log_report(&c->a, bits);
	tap_check("dirty/report-clears",
		  !ret && pages_exact(bits, none, why, sizeof(why)),
		  "REQ: DRT-002", ret ? "REPORT: %s" : "%s",
		  ret ? strerror(-ret) : why);
}

/* SCRATCH and SRAM: device state the stream must carry (STR-003/004). */
static void dirty_device_state(struct ctx *c)
{
	uint8_t sram[REFDEV_BAR_SRAM_SIZE];

	for (unsigned int i = 0; i < sizeof(sram); i++)
		sram[i] = (uint8_t)(i ^ 0xa5);
	if (sram_io(&c->a, sram, sizeof(sram), 0, true))
		diag("SRAM write failed: %s", strerror(errno));
	wr32(&c->a, REFDEV_REG_SCRATCH, SCRATCH_MAGIC);
}

/* PRE_COPY -> RUNNING terminates the data transfer session (vfio.h). */
static void precopy_abort(struct ctx *c)
{
	uint32_t state = 0;
	ssize_t n = 0;
	char byte;
	int fd;

	if (set_state(&c->a, VFIO_DEVICE_STATE_PRE_COPY, &fd) || fd < 0) {
		tap_check("migration-data/precopy-abort-ends-session", false,
			  "REQ: ADM-005", "RUNNING -> PRE_COPY failed");
		return;
	}
	if (!set_state(&c->a, VFIO_DEVICE_STATE_RUNNING, NULL))
		n = read(fd, &byte, 1);
	__vfio_mig_get_state(c->a.dev.fd, &state);
	tap_check("migration-data/precopy-abort-ends-session",
		  n < 0 && state == VFIO_DEVICE_STATE_RUNNING, "REQ: ADM-003",
		  "state %u, read on the old fd %zd (%s)", state, n,
		  n < 0 ? strerror(errno) : "data");
	close(fd);
}

/*
 * DEV-REINIT-001/002: A re-initialises at the temporary end of its data. The
 * new INITIAL is reported as REINIT with initial_bytes after the v2 opt-in,
 * as dirty_bytes without it (initial_bytes must not grow); either way it is
 * read here and B must load it (resume-to-stop, sram-matches).
 */
static void precopy_reinit(struct ctx *c)
{
	struct vfio_precopy_info info;
	bool v2, enomsg, ok;
	ssize_t n;
	int ret;

	v2 = !__vfio_feature(c->a.dev.fd, VFIO_DEVICE_FEATURE_SET |
			     VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2, NULL, 0);
	wr32(&c->a, REFDEV_REG_VF_REINIT, 1);
	ret = __vfio_precopy_info_get(c->saving_fd, &info);
	n = drain(c->saving_fd, &c->data, true, &enomsg);
	if (v2)
		ok = (info.flags & VFIO_PRECOPY_INFO_REINIT) && !info.dirty_bytes &&
		     n == (ssize_t)info.initial_bytes;
	else
		ok = !info.flags && !info.initial_bytes &&
		     n == (ssize_t)info.dirty_bytes;
	tap_check("migration-data/precopy-reinit", !ret && ok && n > 0 && enomsg,
		  "REQ: DEV-REINIT-001, DEV-REINIT-002",
		  "%s: info %s flags %#x initial %llu dirty %llu, read %zd, ENOMSG %d",
		  v2 ? "after the PRECOPY_INFOv2 opt-in" : "no PRECOPY_INFOv2 here",
		  ret ? strerror(-ret) : "ok", info.flags,
		  (unsigned long long)info.initial_bytes,
		  (unsigned long long)info.dirty_bytes, n, enomsg);
}

static void precopy_phase(struct ctx *c)
{
	struct vfio_precopy_info info, idle;
	uint32_t chunk[16];
	bool enomsg;
	ssize_t n;
	int ret, ret2;

	if (!c->precopy) {
		for (int i = test_index("migration-data/precopy-abort-ends-session");
		     i <= test_index("migration-data/precopy-reinit"); i++)
			tap(tests[i], TAP_SKIP, NO_PRE_COPY);
		return;
	}
	precopy_abort(c);
	if (set_state(&c->a, VFIO_DEVICE_STATE_PRE_COPY, &c->saving_fd)) {
		tap_check("migration-data/precopy-initial", false,
			  "REQ: ADM-005", "RUNNING -> PRE_COPY failed");
		return;
	}
	ret = __vfio_precopy_info_get(c->saving_fd, &info);
	n = drain(c->saving_fd, &c->data, true, &enomsg);
	tap_check("migration-data/precopy-initial",
		  !ret && info.initial_bytes > 0 && enomsg &&
		  n == (ssize_t)(info.initial_bytes + info.dirty_bytes),
		  "REQ: ADM-005, STR-004",
		  "info %s initial %llu dirty %llu, read %zd, ENOMSG %d",
		  ret ? strerror(-ret) : "ok",
		  (unsigned long long)info.initial_bytes,
		  (unsigned long long)info.dirty_bytes, n, enomsg);

	/* change two SRAM chunks while running: a DELTA must carry them */
	memset(chunk, 0x3c, sizeof(chunk));
	sram_io(&c->a, chunk, sizeof(chunk), 128, true);
	sram_io(&c->a, chunk, sizeof(chunk), 1024, true);
	ret = __vfio_precopy_info_get(c->saving_fd, &info);
	n = drain(c->saving_fd, &c->data, true, &enomsg);
	ret2 = __vfio_precopy_info_get(c->saving_fd, &idle);
	tap_check("migration-data/precopy-dirty-bytes",
		  !ret && info.dirty_bytes > 0 && enomsg && n == (ssize_t)info.dirty_bytes &&
		  !ret2 && !idle.initial_bytes && !idle.dirty_bytes, "REQ: ADM-005, STR-005",
		  "dirty %llu read %zd ENOMSG %d, then idle %llu/%llu",
		  (unsigned long long)info.dirty_bytes, n, enomsg,
		  (unsigned long long)idle.initial_bytes, (unsigned long long)idle.dirty_bytes);
	precopy_reinit(c);
}

/* Quiesce A (PRE_COPY_P2P or RUNNING_P2P), then ring a doorbell. */
static bool quiesce_source(struct ctx *c)
{
	uint32_t state = c->precopy && c->saving_fd >= 0 ?
			 VFIO_DEVICE_STATE_PRE_COPY_P2P :
			 VFIO_DEVICE_STATE_RUNNING_P2P;
	struct timespec ts = { 0, 200000000 };
	uint32_t done;
	bool ok;

	if (set_state(&c->a, state, NULL)) {
		tap_check("migration-data/p2p-quiesces-dma", false,
			  "REQ: ADM-002", "-> P2P state failed");
		return false;
	}
	done = rd32(&c->a, REFDEV_REG_DMA_DONE);
	post(c->posted, REFDEV_DMA_OP_FILL, PAGE, P2P_PATTERN, iova_of(PG_P2P_A));
	post(c->posted + 1, REFDEV_DMA_OP_FILL, PAGE, P2P_PATTERN,
	     iova_of(PG_P2P_B));
	c->posted += 2;
	wr32(&c->a, REFDEV_REG_DMA_TAIL, c->posted % RING_ENTRIES);
	nanosleep(&ts, NULL);
	ok = rd32(&c->a, REFDEV_REG_DMA_DONE) == done &&
	     !filled(PG_P2P_A, P2P_PATTERN) && !filled(PG_P2P_B, P2P_PATTERN);
	tap_check("migration-data/p2p-quiesces-dma", ok, "REQ: ADM-002",
		  "DONE %u -> %u after a doorbell in P2P", done,
		  rd32(&c->a, REFDEV_REG_DMA_DONE));
	return true;
}

static void stop_copy(struct ctx *c)
{
	struct timespec t0, t1;
	uint64_t estimate = 0;
	int fd = -1, ret_sz;
	bool enomsg;
	ssize_t n;

	ret_sz = __vfio_mig_data_size(c->a.dev.fd, &estimate);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (set_state(&c->a, VFIO_DEVICE_STATE_STOP_COPY, &fd)) {
		tap_check("migration-data/stop-copy-read", false, "REQ: ADM-005",
			  "-> STOP_COPY failed");
		return;
	}
	if (fd < 0)
		fd = c->saving_fd;	/* the saving session continues */
	else
		c->saving_fd = fd;
	n = drain(fd, &c->data, false, &enomsg);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* a figure for the record (guest clock, TCG): not a pass criterion */
	printf("# STOP_COPY: arc + reading %zd bytes took %ld us\n", n,
	       (long)((t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000));
	tap_check("migration-data/stop-copy-read", n > 0 && !enomsg,
		  "REQ: ADM-005, STR-001", "read %zd bytes%s (total %zu)", n,
		  enomsg ? ", ENOMSG in STOP_COPY" : "", c->data.len);

	if (ret_sz == -ENOTTY || ret_sz == -EINVAL)
		tap("migration-data/data-size", TAP_SKIP,
		    "no VFIO_DEVICE_FEATURE_MIG_DATA_SIZE in this kernel (%s)",
		    strerror(-ret_sz));
	else
		tap_check("migration-data/data-size",
			  !ret_sz && n > 0 && estimate >= (uint64_t)n,
			  "REQ: ADM-004", "estimate %llu, STOP_COPY read %zd",
			  (unsigned long long)estimate, n);

	if (!c->precopy) {
		tap("migration-data/stop-copy-to-pre-copy-rejected", TAP_SKIP, NO_PRE_COPY);
	} else {
		uint32_t state = 0;
		int ret = __vfio_mig_set_state(c->a.dev.fd, VFIO_DEVICE_STATE_PRE_COPY, NULL);

		__vfio_mig_get_state(c->a.dev.fd, &state);
		tap_check("migration-data/stop-copy-to-pre-copy-rejected",
			  ret && state == VFIO_DEVICE_STATE_STOP_COPY,
			  "REQ: ADM-005", "SET PRE_COPY: %s, state %u",
			  ret ? strerror(-ret) : "accepted", state);
	}
	snapshot(&c->a, &c->snap_a);
}

/* Reset A in STOP_COPY: back to RUNNING, its data fd must be dead. */
static void reset_source(struct ctx *c)
{
	uint32_t state = 0;
	char byte;
	ssize_t n;
	int ret;

	ret = __vfio_dev_reset(c->a.dev.fd);
	__vfio_mig_get_state(c->a.dev.fd, &state);
	n = read(c->saving_fd, &byte, 1);
	tap_check("migration-data/source-reset-ends-session",
		  !ret && state == VFIO_DEVICE_STATE_RUNNING && n < 0,
		  "REQ: DEV-RST-001", "reset %s, state %u, read after reset %zd (%s)",
		  ret ? strerror(-ret) : "ok", state, n, n < 0 ? strerror(errno) : "data");
	close(c->saving_fd);
	c->saving_fd = -1;
	wr32(&c->a, REFDEV_REG_DMA_CTRL, 0);
}

/* One flipped byte in the last stream: B must refuse it (STR-010 CRC). */
static void resume_corrupt(struct ctx *c)
{
	struct blob bad = { .buf = malloc(c->data.len), .len = c->data.len };
	int fd = -1, wret = 0, sret = 0;
	uint32_t state = 0;

	if (!bad.buf || !bad.len) {
		tap("migration-data/resume-rejects-corrupt", TAP_SKIP, "no data");
		free(bad.buf);
		return;
	}
	memcpy(bad.buf, c->data.buf, bad.len);
	bad.buf[bad.len - 1] ^= 0x01;
	if (set_state(&c->b, VFIO_DEVICE_STATE_RESUMING, &fd) || fd < 0) {
		tap_check("migration-data/resume-rejects-corrupt", false,
			  "REQ: STR-010", "-> RESUMING failed");
		free(bad.buf);
		return;
	}
	wret = feed(fd, &bad);
	if (!wret)
		sret = set_state(&c->b, VFIO_DEVICE_STATE_STOP, NULL);
	tap_check("migration-data/resume-rejects-corrupt", wret || sret,
		  "REQ: ADM-006, STR-010", "write %s, RESUMING -> STOP %s",
		  wret ? strerror(-wret) : "ok", sret ? strerror(-sret) : "ok");
	close(fd);
	free(bad.buf);
	/* abort the session: a reset is the only way out of RESUMING */
	__vfio_dev_reset(c->b.dev.fd);
	__vfio_mig_get_state(c->b.dev.fd, &state);
	if (state != VFIO_DEVICE_STATE_RUNNING)
		diag("B in state %u after reset", state);
	enable_bus_master(&c->b);
	set_state(&c->b, VFIO_DEVICE_STATE_STOP, NULL);
}

static bool resume_target(struct ctx *c)
{
	int fd, ret;

	if (set_state(&c->b, VFIO_DEVICE_STATE_RESUMING, &fd) || fd < 0) {
		tap_check("migration-data/resume-write", false, "REQ: ADM-006",
			  "-> RESUMING failed");
		return false;
	}
	ret = feed(fd, &c->data);
	tap_check("migration-data/resume-write", !ret, "REQ: ADM-006, STR-011",
		  "wrote %zu bytes: %s", c->data.len, ret ? strerror(-ret) : "ok");
	ret = set_state(&c->b, VFIO_DEVICE_STATE_STOP, NULL);
	tap_check("migration-data/resume-to-stop", !ret, "REQ: ADM-006, STR-010",
		  ret ? "RESUMING -> STOP: %s" : NULL, strerror(-ret));
	close(fd);
	return !ret;
}

static void compare_target(struct ctx *c)
{
	struct snap *a = &c->snap_a, b;

	snapshot(&c->b, &b);
	tap_check("migration-data/registers-match",
		  a->scratch == b.scratch && a->ring_lo == b.ring_lo &&
		  a->ring_hi == b.ring_hi && a->size == b.size &&
		  a->ctrl == b.ctrl &&
		  /* BUSY/PAUSED describe the engine's run state, not its state */
		  (a->status & ~RUN_BITS) == (b.status & ~RUN_BITS),
		  "REQ: STR-003", "scratch %#x/%#x ring %#x:%#x/%#x:%#x size %u/%u ctrl %#x/%#x status %#x/%#x",
		  a->scratch, b.scratch, a->ring_hi, a->ring_lo, b.ring_hi,
		  b.ring_lo, a->size, b.size, a->ctrl, b.ctrl, a->status, b.status);
	tap_check("migration-data/sram-matches",
		  !memcmp(a->sram, b.sram, sizeof(b.sram)),
		  "REQ: STR-004, STR-005", NULL);
	tap_check("migration-data/ring-position-matches",
		  a->head == b.head && a->tail == b.tail && a->done == b.done,
		  "REQ: STR-003, STR-006", "head %u/%u tail %u/%u done %u/%u",
		  a->head, b.head, a->tail, b.tail, a->done, b.done);
}

/* B runs: the doorbell recorded on A executes, and the ring goes on. */
static void run_target(struct ctx *c)
{
	static const int want[] = { PG_RING, PG_P2P_A, PG_P2P_B, PG_TARGET, -1 };
	uint8_t bits[DMA_SIZE / PAGE];
	uint32_t done0 = c->snap_a.done;
	char why[512];
	bool ok;
	int ret;

	if (c->logging) {
		ret = log_start(&c->b, 16);
		tap_check("dirty/target-start", !ret, "REQ: DRT-001",
			  ret ? "START on B: %s" : NULL, strerror(-ret));
	} else {
		tap("dirty/target-start", TAP_SKIP, "DMA logging not available");
	}

	if (set_state(&c->b, VFIO_DEVICE_STATE_RUNNING, NULL)) {
		tap_check("migration-data/target-continues-dma", false,
			  "REQ: ADM-003", "STOP -> RUNNING failed");
		return;
	}
	ok = wait_done(&c->b, done0 + 2, 5000) && filled(PG_P2P_A, P2P_PATTERN) &&
	     filled(PG_P2P_B, P2P_PATTERN);
	post(c->posted, REFDEV_DMA_OP_FILL, PAGE, TARGET_PATTERN, iova_of(PG_TARGET));
	c->posted++;
	wr32(&c->b, REFDEV_REG_DMA_TAIL, c->posted % RING_ENTRIES);
	ok = ok && wait_done(&c->b, done0 + 3, 5000) &&
	     filled(PG_TARGET, TARGET_PATTERN) &&
	     rd32(&c->b, REFDEV_REG_DMA_HEAD) == c->posted % RING_ENTRIES;
	tap_check("migration-data/target-continues-dma", ok,
		  "REQ: ADM-003, DEV-DMA-003", "DONE %u (from %u) HEAD %u",
		  rd32(&c->b, REFDEV_REG_DMA_DONE), done0,
		  rd32(&c->b, REFDEV_REG_DMA_HEAD));

	if (!c->logging || reported[test_index("dirty/target-report-exact")])
		return;
	ret = log_report(&c->b, bits);
	if (ret) {
		tap_check("dirty/target-report-exact", false, "REQ: DRT-002",
			  "REPORT on B: %s", strerror(-ret));
		return;
	}
	tap_check("dirty/target-report-exact",
		  pages_exact(bits, want, why, sizeof(why)),
		  "REQ: DRT-002, DRT-004", "%s", why);
}

static void stop_logging(struct ctx *c)
{
	int ra, rb;

	if (!c->logging) {
		tap("dirty/stop", TAP_SKIP, "DMA logging not started");
		return;
	}
	/* A's tracking ended with its reset (DRT-005); STOP must still be fine */
	ra = log_stop(&c->a);
	rb = log_stop(&c->b);
	tap_check("dirty/stop", !ra && !rb, "REQ: ADM-009, DRT-005",
		  "stop A: %s, stop B: %s", ra ? strerror(-ra) : "ok",
		  rb ? strerror(-rb) : "ok");
}

/* The checks in order; the reason the rest are skipped, or NULL. */
static const char *run(struct ctx *c)
{
	char err[VFIO_ERR_LEN] = "";

	if (__vfio_container_init(&container, err, sizeof(err))) {
		diag("%s", err);
		return "no usable /dev/vfio/vfio container";
	}
	if (open_device(&c->a) || open_device(&c->b) || setup_dma())
		return "VFIO setup failed (see diagnostics)";
	c->data.buf = malloc(MIG_MAX);
	c->saving_fd = -1;
	if (!c->data.buf || !check_flags(c))
		return "no migration support on A";
	start_logging(c);
	if (!source_workload(c))
		return "the DMA engine of A does not work";
	report_source(c);
	dirty_device_state(c);
	precopy_phase(c);
	if (!quiesce_source(c))
		return "could not quiesce A";
	stop_copy(c);
	reset_source(c);
	if (set_state(&c->b, VFIO_DEVICE_STATE_STOP, NULL))
		return "B does not stop";
	resume_corrupt(c);
	if (!resume_target(c))
		return "resume on B failed";
	compare_target(c);
	run_target(c);
	stop_logging(c);
	wr32(&c->b, REFDEV_REG_DMA_CTRL, 0);
	__vfio_dev_reset(c->b.dev.fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct ctx c = { .a.dev.fd = -1, .b.dev.fd = -1 };
	const char *why;

	if (argc != 3) {
		fprintf(stderr, "usage: %s <bdf-A> <bdf-B>\n", argv[0]);
		return 2;
	}
	c.a.bdf = argv[1];
	c.b.bdf = argv[2];

	tap_header(stdout, NTESTS);
	diag("refdev-migrate: A=%s B=%s", c.a.bdf, c.b.bdf);
	why = run(&c);
	tap_finish(why ? why : "not reached");
	return failures ? 1 : 0;
}
