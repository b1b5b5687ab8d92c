// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Dirty page tracking of a VF's DMA writes (SPEC 1.10, DRT-*): one bit per
 * page of up to 8 IOVA ranges, at most 2^20 pages in all.
 */
#include <stdlib.h>
#include <string.h>

#include "refdev_dev.h"

static bool pgsize_ok(uint64_t pg)
{
	return pg == 0x1000 || pg == 0x200000;
}

/* [iova, iova + len) is page aligned, non-empty and does not wrap. */
static bool span_ok(uint64_t iova, uint64_t len, uint64_t pg)
{
	return len && !(iova & (pg - 1)) && !(len & (pg - 1)) &&
	       len - 1 <= UINT64_MAX - iova;
}

static uint64_t span_end(uint64_t iova, uint64_t len)
{
	return iova + (len - 1);		/* inclusive: never wraps */
}

static bool overlap(const struct refdev_dirty_range *a,
		    const struct refdev_dirty_range *b)
{
	return a->iova <= span_end(b->iova, b->length) &&
	       b->iova <= span_end(a->iova, a->length);
}

/* DRT-001 */
uint16_t refdev_dirty_start(struct refdev_dirty *t,
			    const struct refdev_dirty_range *r,
			    uint32_t count, uint64_t pgsize)
{
	uint64_t pages = 0;

	if (t->on)
		return REFDEV_AQ_S_BUSY;
	if (!count || count > REFDEV_DIRTY_MAX_RANGES || !pgsize_ok(pgsize))
		return REFDEV_AQ_S_INVALID_PARAM;
	for (uint32_t i = 0; i < count; i++) {
		if (!span_ok(r[i].iova, r[i].length, pgsize))
			return REFDEV_AQ_S_INVALID_PARAM;
		for (uint32_t j = 0; j < i; j++)
			if (overlap(&r[i], &r[j]))
				return REFDEV_AQ_S_INVALID_PARAM;
		pages += r[i].length / pgsize;
		if (pages > REFDEV_DIRTY_MAX_PAGES)
			return REFDEV_AQ_S_INVALID_PARAM;
	}
	t->bits = calloc((size_t)(pages + 7) / 8, 1);
	if (!t->bits)
		return REFDEV_AQ_S_BUSY;	/* host out of memory: try later */
	t->on = true;
	t->pgsize = pgsize;
	t->nranges = count;
	t->npages = (uint32_t)pages;
	pages = 0;
	for (uint32_t i = 0; i < count; i++) {
		t->range[i] = r[i];
		t->first[i] = (uint32_t)pages;
		pages += r[i].length / pgsize;
	}
	return REFDEV_AQ_S_OK;
}

/* DRT-005, ADM-009 */
void refdev_dirty_stop(struct refdev_dirty *t)
{
	free(t->bits);
	memset(t, 0, sizeof(*t));
}

static void bit_set(uint8_t *b, uint64_t k)
{
	b[k / 8] |= (uint8_t)(1u << (k % 8));
}

static bool bit_get(const uint8_t *b, uint64_t k)
{
	return b[k / 8] & (1u << (k % 8));
}

static void bit_clear(uint8_t *b, uint64_t k)
{
	b[k / 8] &= (uint8_t)~(1u << (k % 8));
}

/* @n bits of @src from bit @s into @dst from bit @d; bytes where aligned. */
static void bits_copy(uint8_t *dst, uint64_t d, const uint8_t *src, uint64_t s,
		      uint64_t n)
{
	for (; n && ((d | s) & 7); n--, d++, s++)
		if (bit_get(src, s))
			bit_set(dst, d);
	if (n >= 8) {
		memcpy(dst + d / 8, src + s / 8, (size_t)(n / 8));
		d += n & ~7ull;
		s += n & ~7ull;
		n &= 7;
	}
	for (; n; n--, d++, s++)
		if (bit_get(src, s))
			bit_set(dst, d);
}

static void bits_clear(uint8_t *b, uint64_t s, uint64_t n)
{
	for (; n && (s & 7); n--, s++)
		bit_clear(b, s);
	if (n >= 8) {
		memset(b + s / 8, 0, (size_t)(n / 8));
		s += n & ~7ull;
		n &= 7;
	}
	for (; n; n--, s++)
		bit_clear(b, s);
}

/*
 * Calls @fn for each run of pages of [iova, end] (inclusive) inside one
 * tracked range: @n pages from tracker bit @bit, @k the first one's index
 * from @iova. Runs, not pages: a REPORT of 4 GiB at 4 KiB is 1M pages, and
 * its bitmap is a copy of the tracker's bits (bench/ row report).
 */
typedef void (*run_fn)(struct refdev_dirty *t, uint64_t bit, uint64_t k,
		       uint64_t n, void *arg);

static uint64_t walk(struct refdev_dirty *t, uint64_t iova, uint64_t end,
		     run_fn fn, void *arg)
{
	uint64_t seen = 0;

	/* a wrapped addr + len - 1: no page, or n below would underflow */
	if (end < iova)
		return 0;
	for (unsigned int i = 0; i < t->nranges; i++) {
		const struct refdev_dirty_range *r = &t->range[i];
		uint64_t lo = r->iova, hi = span_end(r->iova, r->length), n;

		if (iova > hi || end < lo)
			continue;
		lo = iova > lo ? iova : lo;
		hi = end < hi ? end : hi;
		lo &= ~(t->pgsize - 1);
		n = (hi - lo) / t->pgsize + 1;
		seen += n;
		if (fn)
			fn(t, t->first[i] + (lo - r->iova) / t->pgsize,
			   (lo - (iova & ~(t->pgsize - 1))) / t->pgsize, n, arg);
	}
	return seen;
}

static void mark(struct refdev_dirty *t, uint64_t bit, uint64_t k, uint64_t n,
		 void *arg)
{
	(void)k;
	(void)arg;
	for (uint64_t j = 0; j < n; j++)
		bit_set(t->bits, bit + j);
}

/* DRT-004: called for each successful engine write. */
void refdev_dirty_record(struct refdev_dirty *t, uint64_t addr, uint64_t len)
{
	if (!t->on || !len)
		return;
	walk(t, addr, addr + (len - 1), mark, NULL);
}

/* DRT-002 */
uint16_t refdev_dirty_report_check(const struct refdev_dirty *t,
				   uint64_t iova, uint64_t length,
				   uint64_t pgsize, uint32_t *bytes)
{
	uint64_t pages;

	*bytes = 0;
	if (!t->on)
		return REFDEV_AQ_S_INVALID_STATE;
	if (pgsize != t->pgsize || !span_ok(iova, length, pgsize))
		return REFDEV_AQ_S_INVALID_PARAM;
	pages = length / pgsize;
	/* Ranges do not overlap: covered iff every page is in one of them. */
	if (pages > t->npages ||
	    walk((struct refdev_dirty *)t, iova, span_end(iova, length),
		 NULL, NULL) != pages)
		return REFDEV_AQ_S_INVALID_PARAM;
	*bytes = (uint32_t)((pages + 7) / 8);
	return REFDEV_AQ_S_OK;
}

static void fill(struct refdev_dirty *t, uint64_t bit, uint64_t k, uint64_t n,
		 void *arg)
{
	bits_copy(arg, k, t->bits, bit, n);
}

void refdev_dirty_report_fill(const struct refdev_dirty *t, uint64_t iova,
			      uint64_t length, uint8_t *bitmap)
{
	memset(bitmap, 0, (size_t)((length / t->pgsize + 7) / 8));
	walk((struct refdev_dirty *)t, iova, span_end(iova, length), fill,
	     bitmap);
}

static void clear(struct refdev_dirty *t, uint64_t bit, uint64_t k, uint64_t n,
		  void *arg)
{
	(void)k;
	(void)arg;
	bits_clear(t->bits, bit, n);
}

void refdev_dirty_report_clear(struct refdev_dirty *t, uint64_t iova,
			       uint64_t length)
{
	walk(t, iova, span_end(iova, length), clear, NULL);
}
