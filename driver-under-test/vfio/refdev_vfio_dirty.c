// SPDX-License-Identifier: GPL-2.0
/*
 * refdev VF DMA logging (VFIO_DEVICE_FEATURE_DMA_LOGGING_*) on top of the
 * device's dirty tracking (SPEC 1.10, ADM-007..009).
 *
 * The device tracks at most dirty_max_ranges ranges and 2^20 pages at 4 KiB
 * or 2 MiB: the user's ranges are merged across their smallest gaps until
 * they fit (tracking more than asked is allowed, missing pages is not), and
 * the page size is the largest supported one not above the user's, or a
 * larger one when the pages would not fit.
 */
#include <linux/bitmap.h>
#include <linux/interval_tree.h>
#include <linux/iova_bitmap.h>
#include <linux/slab.h>

#include "refdev_vfio.h"

/*
 * Bitmap bytes per REPORT: as many pages as the device tracks at all
 * (DRT, 1M pages: 4 GiB at 4 KiB), so that a REPORT of everything tracked is
 * one admin command, not one per 128 MiB (bench/ row report).
 */
#define REFDEV_REPORT_BYTES	(REFDEV_DIRTY_MAX_PAGES / BITS_PER_BYTE)

struct refdev_span {
	u64 start;
	u64 last;		/* inclusive */
};

/* The user's ranges in ascending order (the interval tree sorts them). */
static u32 refdev_collect(struct rb_root_cached *ranges, struct refdev_span *s,
			  u32 max)
{
	struct interval_tree_node *node;
	u32 n = 0;

	for (node = interval_tree_iter_first(ranges, 0, ULONG_MAX);
	     node && n < max; node = interval_tree_iter_next(node, 0, ULONG_MAX)) {
		s[n].start = node->start;
		s[n].last = node->last;
		n++;
	}
	return n;
}

static void refdev_span_remove(struct refdev_span *s, u32 *n, u32 i)
{
	memmove(&s[i], &s[i + 1], (*n - i - 1) * sizeof(*s));
	(*n)--;
}

/* Merge neighbours across the smallest gaps until @max spans are left. */
static void refdev_combine(struct refdev_span *s, u32 *n, u32 max)
{
	while (*n > max) {
		u64 gap, best = U64_MAX;
		u32 i, at = 0;

		for (i = 0; i + 1 < *n; i++) {
			gap = s[i + 1].start - s[i].last;
			if (gap < best) {
				best = gap;
				at = i;
			}
		}
		s[at].last = s[at + 1].last;
		refdev_span_remove(s, n, at + 1);
	}
}

/* Align to @pgsize and merge spans that now touch; returns the page count. */
static u64 refdev_align(struct refdev_span *s, u32 *n, u64 pgsize)
{
	u64 pages = 0;
	u32 i;

	for (i = 0; i < *n; i++) {
		s[i].start = ALIGN_DOWN(s[i].start, pgsize);
		s[i].last = ALIGN(s[i].last + 1, pgsize) - 1;
	}
	for (i = 0; i + 1 < *n;) {
		if (s[i + 1].start <= s[i].last + 1) {
			s[i].last = max(s[i].last, s[i + 1].last);
			refdev_span_remove(s, n, i + 1);
		} else {
			i++;
		}
	}
	for (i = 0; i < *n; i++)
		pages += (s[i].last - s[i].start + 1) / pgsize;
	return pages;
}

/* Largest supported page size <= @want, else the smallest supported. */
static u64 refdev_pick_pgsize(u64 supported, u64 want)
{
	u64 fit = supported & GENMASK_ULL(ilog2(want ?: 1), 0);

	return fit ? BIT_ULL(fls64(fit) - 1) : BIT_ULL(__ffs64(supported));
}

/* Next supported page size above @pg, 0 when none. */
static u64 refdev_next_pgsize(u64 supported, u64 pg)
{
	u64 larger = supported & ~GENMASK_ULL(ilog2(pg), 0);

	return larger ? BIT_ULL(__ffs64(larger)) : 0;
}

static int refdev_plan(struct refdev_vfio *rdev, struct refdev_span *s, u32 *n,
		       u64 *pgsize)
{
	u64 supported = rdev->id.dirty_pgsizes & REFDEV_DIRTY_PGSIZES;
	u32 max = min_t(u32, rdev->id.dirty_max_ranges, REFDEV_DIRTY_MAX_RANGES);
	u64 pg;

	if (!supported || !max)
		return -EOPNOTSUPP;
	refdev_combine(s, n, max);
	for (pg = refdev_pick_pgsize(supported, *pgsize); pg;
	     pg = refdev_next_pgsize(supported, pg)) {
		if (refdev_align(s, n, pg) <= REFDEV_DIRTY_MAX_PAGES) {
			*pgsize = pg;
			return 0;
		}
	}
	return -E2BIG;
}

static int refdev_log_start(struct vfio_device *vdev,
			    struct rb_root_cached *ranges, u32 nnodes,
			    u64 *page_size)
{
	struct refdev_vfio *rdev = to_refdev(vdev);
	struct refdev_span *s;
	u64 pgsize = *page_size;
	u32 i, n;
	int ret;

	s = kcalloc(nnodes, sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	n = refdev_collect(ranges, s, nnodes);

	mutex_lock(&rdev->state_mutex);
	if (rdev->dirty_on) {
		ret = -EBUSY;
		goto out;
	}
	ret = refdev_plan(rdev, s, &n, &pgsize);
	if (ret)
		goto out;
	for (i = 0; i < n; i++) {
		rdev->dirty_ranges[i].iova = s[i].start;
		rdev->dirty_ranges[i].length = s[i].last - s[i].start + 1;
	}
	if (!rdev->dirty_xb) {
		struct refdev_xfer_buf *xb;

		/* the device writes REPORT bitmaps here: no bounce, no copy */
		xb = refdev_vf_xfer_alloc(rdev->vf, REFDEV_REPORT_BYTES,
					  GFP_KERNEL);
		if (IS_ERR(xb)) {
			ret = PTR_ERR(xb);
			goto out;
		}
		rdev->dirty_xb = xb;
	}
	ret = refdev_vf_dirty_start(rdev->vf, rdev->dirty_ranges, n, pgsize);
	if (ret)
		goto out;
	rdev->dirty_on = true;
	rdev->dirty_nranges = n;
	rdev->dirty_pgsize = pgsize;
	*page_size = pgsize;
out:
	refdev_state_mutex_unlock(rdev);
	kfree(s);
	return ret;
}

/* Tracking is gone on the device side (FLR, DRT-005): forget ours. */
void refdev_dirty_forget(struct refdev_vfio *rdev)
{
	rdev->dirty_on = false;
	rdev->dirty_nranges = 0;
}

void refdev_dirty_stop_locked(struct refdev_vfio *rdev)
{
	refdev_xfer_free(rdev->dirty_xb);	/* kept across a reset's forget */
	rdev->dirty_xb = NULL;
	if (!rdev->dirty_on)
		return;
	/* -EPROTO: the device already stopped (a reset raced with us) */
	refdev_vf_dirty_stop(rdev->vf);
	refdev_dirty_forget(rdev);
}

static int refdev_log_stop(struct vfio_device *vdev)
{
	struct refdev_vfio *rdev = to_refdev(vdev);

	mutex_lock(&rdev->state_mutex);
	refdev_dirty_stop_locked(rdev);
	refdev_state_mutex_unlock(rdev);
	return 0;
}

/* Mark [page, page + pg) in @dirty, clipped to the window [lo, hi). */
static void refdev_mark(struct iova_bitmap *dirty, u64 page, u64 pg, u64 lo,
			u64 hi)
{
	u64 s = max(page, lo), e = min(page + pg, hi);

	if (s < e)
		iova_bitmap_set(dirty, s, e - s);
}

/*
 * REPORT [start, end) (inside one tracked range) in bitmap-sized chunks. The
 * device writes every byte of the first DIV_ROUND_UP(pages, 8) (ADM-008):
 * nothing to clear first, and bits past @pages are never looked at.
 */
static int refdev_report_span(struct refdev_vfio *rdev, u64 start, u64 end,
			      u64 lo, u64 hi, struct iova_bitmap *dirty)
{
	unsigned long *bitmap = refdev_xfer_cpu(rdev->dirty_xb);
	u64 pg = rdev->dirty_pgsize;
	u64 chunk = (u64)REFDEV_REPORT_BYTES * BITS_PER_BYTE * pg;
	unsigned long bit;
	int ret;

	while (start < end) {
		u64 len = min(end - start, chunk);
		unsigned long pages = len / pg;

		ret = refdev_vf_dirty_report_xfer(rdev->vf, start, len, pg,
						  rdev->dirty_xb,
						  DIV_ROUND_UP(pages, BITS_PER_BYTE));
		if (ret)
			return ret;
		/* LSB-first bytes read as longs: same bit order on LE hosts */
		for_each_set_bit(bit, bitmap, pages)
			refdev_mark(dirty, start + bit * pg, pg, lo, hi);
		start += len;
	}
	return 0;
}

static int refdev_log_read_and_clear(struct vfio_device *vdev,
				     unsigned long iova, unsigned long length,
				     struct iova_bitmap *dirty)
{
	struct refdev_vfio *rdev = to_refdev(vdev);
	u64 lo = iova, hi = (u64)iova + length;
	int ret = 0;
	u32 i;

	mutex_lock(&rdev->state_mutex);
	if (!rdev->dirty_on) {
		ret = -EINVAL;
		goto out;
	}
	for (i = 0; i < rdev->dirty_nranges && !ret; i++) {
		struct refdev_dirty_range *r = &rdev->dirty_ranges[i];
		u64 s = max(lo, r->iova), e = min(hi, r->iova + r->length);

		if (s >= e)
			continue;
		/* whole tracking pages; the ranges are aligned to them */
		s = ALIGN_DOWN(s, rdev->dirty_pgsize);
		e = ALIGN(e, rdev->dirty_pgsize);
		ret = refdev_report_span(rdev, s, e, lo, hi, dirty);
	}
	if (ret)
		refdev_enter_error(rdev, ret);
out:
	refdev_state_mutex_unlock(rdev);
	return ret;
}

const struct vfio_log_ops refdev_log_ops = {
	.log_start = refdev_log_start,
	.log_stop = refdev_log_stop,
	.log_read_and_clear = refdev_log_read_and_clear,
};
