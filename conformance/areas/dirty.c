// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * dirty/...: VFIO_DEVICE_FEATURE_DMA_LOGGING_START / STOP / REPORT
 * (SPEC.md REQ-DIRTY-*): the probe, the core's argument checks, the
 * driver's range limit, double start, report without start, report page
 * sizes, and with a personality the bits of pages the device wrote.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "area_util.h"

#define PG		4096ull
#define RING_IOVA	0x50000000ull
#define BUF_IOVA	0x50100000ull
#define BUF_PAGES	16u
#define SPREAD_IOVA	0x60000000ull	/* single-page ranges, 1 MiB apart */

static int log_start(int fd, uint64_t *page_size, const struct vfio_device_feature_dma_logging_range *r,
		     uint32_t n)
{
	struct vfio_device_feature_dma_logging_control c = {
		.page_size = *page_size,
		.num_ranges = n,
		.ranges = (uint64_t)(uintptr_t)r,
	};
	int rc = __vfio_feature(fd, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
			      &c, sizeof(c));

	if (!rc)
		*page_size = c.page_size;
	return rc;
}

static int log_start1(int fd, uint64_t iova, uint64_t len, uint64_t *pgsz)
{
	struct vfio_device_feature_dma_logging_range r = { .iova = iova, .length = len };
	uint64_t p = PG;

	return log_start(fd, pgsz ? pgsz : &p, &r, 1);
}

static int log_stop(int fd)
{
	return __vfio_feature(fd, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP,
			    NULL, 0);
}

static int log_report(int fd, uint64_t iova, uint64_t len, uint64_t pgsz, uint64_t *bitmap)
{
	struct vfio_device_feature_dma_logging_report r = {
		.iova = iova, .length = len, .page_size = pgsz,
		.bitmap = (uint64_t)(uintptr_t)bitmap,
	};

	return __vfio_feature(fd, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT,
			    &r, sizeof(r));
}

static void need_logging(struct vfio_dev *d)
{
	int rc = __vfio_feature(d->fd, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
			      VFIO_DEVICE_FEATURE_DMA_LOGGING_START, NULL, 0);

	if (rc)
		conform_skip("device does not support DMA logging "
			     "(VFIO_DEVICE_FEATURE_DMA_LOGGING_START: %s)", errname(rc));
}

/* START a small range and REPORT it: SKIP when REPORT cannot work here. */
static void need_report(struct vfio_dev *d)
{
	uint64_t bm[4] = { 0 };
	int rc;

	need_logging(d);
	conform_check_rc(log_start1(d->fd, BUF_IOVA, BUF_PAGES * PG, NULL), "DMA_LOGGING_START");
	rc = log_report(d->fd, BUF_IOVA, BUF_PAGES * PG, PG, bm);
	log_stop(d->fd);
	if (rc == -EOPNOTSUPP)
		conform_skip("DMA logging REPORT unavailable on this kernel (IOMMUFD_DRIVER off)");
	conform_check(!rc, "DMA_LOGGING_REPORT of a started range: %s", errname(rc));
}

static void test_probe(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	int rc;

	need_logging(d);
	rc = __vfio_feature(d->fd, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
			  VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, NULL, 0);
	conform_check(!rc, "START probes but STOP does not: %s", errname(rc));
	rc = __vfio_feature(d->fd, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
			  VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, NULL, 0);
	conform_check(!rc, "START probes but REPORT (GET) does not: %s", errname(rc));
	rc = __vfio_feature(d->fd, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
			  VFIO_DEVICE_FEATURE_DMA_LOGGING_START, NULL, 0);
	conform_check(rc != 0, "PROBE|GET of DMA_LOGGING_START (SET-only) succeeded");
}

static void test_zero_ranges(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_device_feature_dma_logging_range r = { BUF_IOVA, PG };
	uint64_t p = PG;
	int rc;

	need_logging(d);
	rc = log_start(d->fd, &p, &r, 0);
	if (!rc)
		log_stop(d->fd);
	conform_check_err(rc, -EINVAL, "START with 0 ranges");
}

static void test_too_many(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t max = (uint32_t)sysconf(_SC_PAGESIZE) /
		       sizeof(struct vfio_device_feature_dma_logging_range);
	struct vfio_device_feature_dma_logging_range *r = calloc(max + 1, sizeof(*r));
	uint64_t p = PG;
	uint32_t i;
	int rc;

	need_logging(d);
	conform_check(r != NULL, "out of memory");
	for (i = 0; i <= max; i++) {
		r[i].iova = SPREAD_IOVA + (uint64_t)i * 0x100000ull;
		r[i].length = PG;
	}
	rc = log_start(d->fd, &p, r, max + 1);
	if (!rc)
		log_stop(d->fd);
	conform_check(rc == -E2BIG, "START with %u ranges (more than a page of ranges, %u): %s, "
		      "expected E2BIG", max + 1, max, errname(rc));
	free(r);
}

static void test_limit_consistent(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t max = (uint32_t)sysconf(_SC_PAGESIZE) /
		       sizeof(struct vfio_device_feature_dma_logging_range);
	struct vfio_device_feature_dma_logging_range *r = calloc(max, sizeof(*r));
	uint32_t n, best = 0, i;
	uint64_t p;
	int rc, rc2;

	need_logging(d);
	conform_check(r != NULL, "out of memory");
	for (i = 0; i < max; i++) {
		r[i].iova = SPREAD_IOVA + (uint64_t)i * 0x100000ull;
		r[i].length = PG;
	}
	for (n = 1; n <= max; n++) {
		p = PG;
		rc = log_start(d->fd, &p, r, n);
		if (rc)
			break;
		best = n;
		conform_check_rc(log_stop(d->fd), "STOP after START of %u ranges", n);
	}
	print_message("the driver accepts up to %u ranges%s%s\n", best,
		      best < max ? ", then: " : "", best < max ? errname(rc) : "");
	conform_check(best >= 1, "START with one page-aligned range fails: %s", errname(rc));
	p = PG;
	rc = log_start(d->fd, &p, r, best);
	conform_check(!rc, "START with %u ranges worked once, not again: %s", best, errname(rc));
	log_stop(d->fd);
	if (best < max) {
		p = PG;
		rc2 = log_start(d->fd, &p, r, best + 1);
		if (!rc2)
			log_stop(d->fd);
		conform_check(rc2 != 0, "START with %u ranges failed once, then succeeded", best + 1);
	}
	free(r);
}

static void test_overlap(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_device_feature_dma_logging_range r[2] = {
		{ BUF_IOVA, 4 * PG }, { BUF_IOVA + 2 * PG, 4 * PG },
	};
	uint64_t p = PG;
	int rc;

	need_logging(d);
	rc = log_start(d->fd, &p, r, 2);
	if (!rc)
		log_stop(d->fd);
	conform_check_err(rc, -EINVAL, "START with overlapping ranges");
	r[1].iova = BUF_IOVA;
	p = PG;
	rc = log_start(d->fd, &p, r, 2);
	if (!rc)
		log_stop(d->fd);
	conform_check_err(rc, -EINVAL, "START with the same range twice");
}

static void test_unaligned(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const struct { uint64_t iova, len; } bad[] = {
		{ BUF_IOVA + 512, PG }, { BUF_IOVA, PG + 1 }, { BUF_IOVA + 1, 2 * PG - 1 },
	};
	size_t i;
	int rc;

	need_logging(d);
	for (i = 0; i < NELEM(bad); i++) {
		rc = log_start1(d->fd, bad[i].iova, bad[i].len, NULL);
		if (!rc)
			log_stop(d->fd);
		conform_check(rc == -EINVAL, "START of [0x%llx, +0x%llx) with page size 4096: %s, "
			      "expected EINVAL", (unsigned long long)bad[i].iova,
			      (unsigned long long)bad[i].len, errname(rc));
	}
}

static void test_wrap(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	int rc;

	need_logging(d);
	rc = log_start1(d->fd, 0xfffffffffff00000ull, 0x200000ull, NULL);
	if (!rc)
		log_stop(d->fd);
	conform_check(rc != 0, "START of a range that wraps past 2^64 succeeded");
	print_message("wrapping range: %s\n", errname(rc));
}

static void test_double_start(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	int rc;

	need_logging(d);
	rc = log_start1(d->fd, BUF_IOVA, 4 * PG, NULL);
	if (rc)
		conform_skip_prereq("REQ-DIRTY-002", "DMA_LOGGING_START of one aligned range: %s",
				    errname(rc));
	rc = log_start1(d->fd, BUF_IOVA + 0x100000, 4 * PG, NULL);
	print_message("second START: %s\n", errname(rc));
	log_stop(d->fd);
	/*
	 * INFO (REQ-DIRTY-008): "Another start is not allowed in the meantime."
	 * binds the caller; the in-tree drivers refuse it.
	 */
	conform_check(rc != 0, "a second START while logging succeeded (in-tree drivers "
		      "refuse it; vfio.h: \"Another start is not allowed in the meantime\" "
		      "binds the caller)");
}

#define STOP_Q VFIO_H("A single call to start device DMA logging can be issued and a " \
		       "matching stop should follow at the end")

static void test_stop_without_start(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	int rc;

	need_logging(d);
	rc = log_stop(d->fd);
	print_message("STOP without START: %s\n", errname(rc));
	rc = log_start1(d->fd, BUF_IOVA, 4 * PG, NULL);
	conform_check(!rc, "START after a STOP without START: %s" STOP_Q, errname(rc));
	conform_check_rc(log_stop(d->fd), "STOP");
	rc = log_stop(d->fd);
	print_message("second STOP: %s\n", errname(rc));
	rc = log_start1(d->fd, BUF_IOVA, 4 * PG, NULL);
	conform_check(!rc, "START after START, STOP, STOP: %s" STOP_Q, errname(rc));
	log_stop(d->fd);
}

static void test_report_without_start(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t bm[4] = { 0 };
	int rc;

	need_report(d);
	rc = log_report(d->fd, BUF_IOVA, BUF_PAGES * PG, PG, bm);
	conform_check(rc != 0, "REPORT without START succeeded"
		      VFIO_H("If DMA logging is not enabled, an error will be returned."));
	print_message("REPORT without START: %s\n", errname(rc));
}

static void test_report_bad_page_size(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const uint64_t bad[] = { 0, 512, 2048, 4096 + 4096 / 2, 3 * 4096 };
	uint64_t bm[8] = { 0 };
	size_t i;
	int rc;

	need_report(d);
	conform_check_rc(log_start1(d->fd, BUF_IOVA, BUF_PAGES * PG, NULL), "START");
	for (i = 0; i < NELEM(bad); i++) {
		rc = log_report(d->fd, BUF_IOVA, BUF_PAGES * PG, bad[i], bm);
		conform_check(rc == -EINVAL, "REPORT with page size %llu: %s, expected EINVAL",
			      (unsigned long long)bad[i], errname(rc));
	}
	log_stop(d->fd);
}

static void test_report_other_page_size(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t bm[8] = { 0 };
	int rc;

	need_report(d);
	conform_check_rc(log_start1(d->fd, BUF_IOVA, BUF_PAGES * PG, NULL), "START");
	rc = log_report(d->fd, BUF_IOVA, BUF_PAGES * PG, 2 * PG, bm);
	conform_check(!rc, "REPORT with page size 8192 after START with 4096: %s (the report "
		      "page size does not have to match)", errname(rc));
	rc = log_report(d->fd, BUF_IOVA, BUF_PAGES * PG, 16 * PG, bm);
	conform_check(!rc, "REPORT with page size 65536 after START with 4096: %s", errname(rc));
	log_stop(d->fd);
}

/* ---- with the device's DMA ---- */

struct dma_env {
	struct pers_dev p;
	struct dma_buf ring, buf;
};

static void dma_env(struct vfio_dev *d, struct dma_env *e)
{
	need_report(d);
	need_dma(d, &e->p);
	conform_check_rc(__dma_buf_map(&e->ring, d->ctr->fd, RING_IOVA, 0x1000), "MAP_DMA ring");
	conform_check_rc(__dma_buf_map(&e->buf, d->ctr->fd, BUF_IOVA, BUF_PAGES * PG),
			 "MAP_DMA buffer");
}

static void dma_page(struct dma_env *e, unsigned int src_pg, uint64_t dst_iova)
{
	conform_check(!e->p.ops->do_dma(&e->p, &e->ring, BUF_IOVA + src_pg * PG, dst_iova,
					(uint32_t)PG, 5000), "DMA copy: %s", e->p.why);
}

static void test_bits_exact(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t pg = PG, bm[4], want;
	struct dma_env e;
	unsigned int i;

	dma_env(d, &e);
	/* track pages 4..15; the source (page 0) and the ring are untracked */
	conform_check_rc(log_start1(d->fd, BUF_IOVA + 4 * PG, 12 * PG, &pg), "START");
	print_message("page size chosen by the driver: %llu\n", (unsigned long long)pg);
	memset(bm, 0, sizeof(bm));
	conform_check_rc(log_report(d->fd, BUF_IOVA + 4 * PG, 12 * PG, PG, bm), "first REPORT");
	dma_page(&e, 0, BUF_IOVA + 6 * PG);
	dma_page(&e, 1, BUF_IOVA + 9 * PG);
	memset(bm, 0, sizeof(bm));
	conform_check_rc(log_report(d->fd, BUF_IOVA + 4 * PG, 12 * PG, PG, bm), "REPORT");
	want = (1ull << 2) | (1ull << 5);
	if (pg == PG)
		conform_check(bm[0] == want, "dirty bitmap 0x%llx after device writes to pages "
			      "+2 and +5, expected exactly 0x%llx", (unsigned long long)bm[0],
			      (unsigned long long)want);
	else
		conform_check((bm[0] & want) == want, "dirty bitmap 0x%llx misses written pages "
			      "(0x%llx)", (unsigned long long)bm[0], (unsigned long long)want);
	for (i = 0; i < 2; i++) {
		memset(bm, 0, sizeof(bm));
		conform_check_rc(log_report(d->fd, BUF_IOVA + 4 * PG, 12 * PG, PG, bm), "REPORT");
		conform_check(bm[0] == 0, "REPORT #%u after a report of the same pages: 0x%llx, "
			      "the report clears the log", i + 2, (unsigned long long)bm[0]);
	}
	log_stop(d->fd);
}

static void test_bits_many_ranges(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_device_feature_dma_logging_range r[12];
	struct dma_buf far;
	uint64_t pg = PG, bm[1];
	struct dma_env e;
	unsigned int i;

	dma_env(d, &e);
	conform_check_rc(__dma_buf_map(&far, d->ctr->fd, SPREAD_IOVA + 11 * 0x100000ull, PG),
			 "MAP_DMA far page");
	for (i = 0; i < NELEM(r); i++) {
		r[i].iova = SPREAD_IOVA + (uint64_t)i * 0x100000ull;
		r[i].length = PG;
	}
	conform_check_rc(log_start(d->fd, &pg, r, NELEM(r)), "START with %zu ranges", NELEM(r));
	dma_page(&e, 0, SPREAD_IOVA + 11 * 0x100000ull);
	bm[0] = 0;
	conform_check_rc(log_report(d->fd, SPREAD_IOVA + 11 * 0x100000ull, PG, PG, bm),
			 "REPORT of the last range");
	conform_check(bm[0] & 1, "a device write into the last of %zu ranges is not reported "
		      "(ranges beyond the device's limit dropped?)", NELEM(r));
	bm[0] = 0;
	conform_check_rc(log_report(d->fd, SPREAD_IOVA, PG, PG, bm), "REPORT of the first range");
	conform_check(bm[0] == 0 || pg != PG, "unwritten first range reported dirty (0x%llx)",
		      (unsigned long long)bm[0]);
	log_stop(d->fd);
	dma_buf_unmap(&far);
}

static void test_bits_larger_page(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t pg = PG, bm[1];
	struct dma_env e;

	dma_env(d, &e);
	conform_check_rc(log_start1(d->fd, BUF_IOVA + 4 * PG, 12 * PG, &pg), "START");
	dma_page(&e, 0, BUF_IOVA + 9 * PG);	/* page +5 at 4 KiB = +2 at 8 KiB */
	bm[0] = 0;
	conform_check_rc(log_report(d->fd, BUF_IOVA + 4 * PG, 12 * PG, 2 * PG, bm),
			 "REPORT with page size 8192");
	if (pg == PG)
		conform_check(bm[0] == (1ull << 2), "8 KiB report 0x%llx, expected 0x4",
			      (unsigned long long)bm[0]);
	else
		conform_check(bm[0] & (1ull << 2), "8 KiB report 0x%llx misses bit 2",
			      (unsigned long long)bm[0]);
	log_stop(d->fd);
}

static void test_stop_ends_report(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t bm[1] = { 0 };
	int rc;

	need_report(d);
	conform_check_rc(log_start1(d->fd, BUF_IOVA, BUF_PAGES * PG, NULL), "START");
	conform_check_rc(log_stop(d->fd), "STOP");
	rc = log_report(d->fd, BUF_IOVA, BUF_PAGES * PG, PG, bm);
	conform_check(rc != 0, "REPORT after STOP succeeded"
		      VFIO_H("If DMA logging is not enabled, an error will be returned."));
}

static const struct conform_test tests[] = {
	{ "dirty/feature-probe", { "REQ-DIRTY-001" }, test_probe, 0, 0 },
	{ "dirty/start-zero-ranges-rejected", { "REQ-DIRTY-002" }, test_zero_ranges, 0, 0 },
	{ "dirty/start-too-many-ranges-rejected", { "REQ-DIRTY-003" }, test_too_many, 0, 0 },
	{ "dirty/start-range-limit-consistent", { "REQ-DIRTY-003" }, test_limit_consistent, 0, 120 },
	{ "dirty/start-overlapping-ranges-rejected", { "REQ-DIRTY-002" }, test_overlap, 0, 0 },
	{ "dirty/start-unaligned-range-rejected", { "REQ-DIRTY-002" }, test_unaligned, 0, 0 },
	{ "dirty/start-wrapping-range-rejected", { "REQ-DIRTY-002" }, test_wrap, 0, 0 },
	{ "dirty/double-start-rejected", { "REQ-DIRTY-008" }, test_double_start, 0, 0 },
	{ "dirty/stop-without-start-harmless", { "REQ-DIRTY-004" }, test_stop_without_start, 0, 0 },
	{ "dirty/report-without-start-rejected", { "REQ-DIRTY-005" }, test_report_without_start, 0, 0 },
	{ "dirty/report-after-stop-rejected", { "REQ-DIRTY-005" }, test_stop_ends_report, 0, 0 },
	{ "dirty/report-bad-page-size-rejected", { "REQ-DIRTY-006" }, test_report_bad_page_size, 0, 0 },
	{ "dirty/report-other-page-size-accepted", { "REQ-DIRTY-006" }, test_report_other_page_size, 0, 0 },
	{ "dirty/report-bits-exact-and-cleared", { "REQ-DIRTY-007" }, test_bits_exact, 0, 0 },
	{ "dirty/report-last-of-many-ranges", { "REQ-DIRTY-007" }, test_bits_many_ranges, 0, 0 },
	{ "dirty/report-larger-page-size-bits", { "REQ-DIRTY-006", "REQ-DIRTY-007" }, test_bits_larger_page, 0, 0 },
};

CONFORM_AREA(conform_area_dirty, "dirty", tests, 1300);
