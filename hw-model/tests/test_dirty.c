// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Unit tests of dirty tracking (SPEC 1.10, DRT-*) through the admin queue:
 * the reported bits are exactly the VF DMA engine's writes (DEV-DMA-007).
 */
#include "refdev_unit.h"

#define KB	4096ull
#define MB2	0x200000ull

AFX_FIXTURE(2)

static uint16_t start(struct afx *a, uint16_t vf, const uint64_t *r,
		      uint32_t n, uint64_t pg)
{
	uint8_t *m = fake_mem(a->fx, 0) + PF_BUF;

	for (uint32_t i = 0; i < 2 * n; i++)
		refdev_le_put(m + 8 * i, r[i], 8);
	return aq_st(a, REFDEV_AQ_VF_DIRTY_START, vf, n, pg, 0, PF_BUF, 16 * n);
}

/* Reports [iova, iova + len) into PF_BUF2; returns the status. */
static uint16_t report(struct afx *a, uint16_t vf, uint64_t iova, uint64_t len,
		       uint32_t pg)
{
	memset(fake_mem(a->fx, 0) + PF_BUF2, 0xee, 0x40000);
	return aq_st(a, REFDEV_AQ_VF_DIRTY_REPORT, vf, pg, iova, len, PF_BUF2,
		     0x40000);
}

static bool bit(struct fake *fx, uint64_t k)
{
	return fake_mem(fx, 0)[PF_BUF2 + k / 8] & (1u << (k % 8));
}

/* Expected bitmap of [iova, +len) from the fake's write log of VF @vf. */
static void expect_log(struct fake *fx, int id, uint64_t iova, uint64_t len,
		       uint64_t pg, unsigned int from)
{
	uint64_t pages = len / pg;

	for (uint64_t k = 0; k < pages; k++) {
		uint64_t lo = iova + k * pg, hi = lo + pg;
		bool want = false;

		for (unsigned int i = from; i < fx->nwr; i++)
			if (fx->wr[i].id == id && fx->wr[i].addr < hi &&
			    fx->wr[i].addr + fx->wr[i].len > lo)
				want = true;
		if (bit(fx, k) != want)
			fail_msg("page %llu of %#llx: bit %d, want %d",
				 (unsigned long long)k, (unsigned long long)iova,
				 bit(fx, k), want);
	}
	/* unused bits of the last byte are 0; nothing written beyond */
	for (uint64_t k = pages; k < ((pages + 7) & ~7ull); k++)
		assert_false(bit(fx, k));
	assert_int_equal(fake_mem(fx, 0)[PF_BUF2 + (pages + 7) / 8], 0xee);
}

/* DRT-002/004, DEV-DMA-007: bits = data writes + write-backs, inside the
 * tracked ranges only; reads set nothing; reports clear. */
static void drt_004_exact(void **state)
{
	A;
	struct refdev_func *vf = fake_vf(fx, 0);
	/* ring page, 64 KiB of data, and one more page far away */
	const uint64_t r[] = { VF_RING, KB, VF_DATA, 16 * KB, VF_DATA + 0x300000, KB };
	unsigned int from = fx->nwr;

	assert_int_equal(start(a, 0, r, 3, KB), 0);
	dma_enable(fx, 0, 16, false);
	dma_put(fx, 0, 0, REFDEV_DMA_OP_COPY, 0, 5000, VF_DATA + 0x200000, VF_DATA + KB + 100);
	dma_put(fx, 0, 1, REFDEV_DMA_OP_FILL, 0, 3, 7, VF_DATA + 15 * KB + 4095);
	dma_put(fx, 0, 2, REFDEV_DMA_OP_CHECKSUM, 0, 40000, VF_DATA, 0);
	dma_put(fx, 0, 3, REFDEV_DMA_OP_FILL, 0, 2 * KB, 7, VF_DATA + 0x100000);	/* untracked */
	dma_put(fx, 0, 4, REFDEV_DMA_OP_FILL, 0, 8, 7, VF_DATA + 0x300000 + 8);
	wr32(vf, REFDEV_REG_DMA_TAIL, 5);
	fake_run(fx);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_STATUS), 0);
	/* MMIO SRAM writes are not DMA: nothing */
	assert_true(refdev_mmio_write(vf, REFDEV_BAR_SRAM, 0, 8, 1));

	assert_int_equal(report(a, 0, VF_RING, KB, KB), 0);
	expect_log(fx, 1, VF_RING, KB, KB, from);
	assert_true(bit(fx, 0));
	assert_int_equal(report(a, 0, VF_DATA, 16 * KB, KB), 0);
	expect_log(fx, 1, VF_DATA, 16 * KB, KB, from);
	assert_false(bit(fx, 0));		/* read by CHECKSUM only */
	assert_true(bit(fx, 1) && bit(fx, 2));
	assert_false(bit(fx, 3));
	assert_true(bit(fx, 15) && !bit(fx, 14));
	/* the third range; the untracked write is nowhere */
	assert_int_equal(report(a, 0, VF_DATA + 0x300000, KB, KB), 0);
	assert_true(bit(fx, 0));
	/* report-and-clear: a second report is empty */
	assert_int_equal(report(a, 0, VF_DATA, 16 * KB, KB), 0);
	for (int k = 0; k < 16; k++)
		assert_false(bit(fx, (uint64_t)k));
	/* a sub-range report clears only its pages */
	dma_put(fx, 0, 5, REFDEV_DMA_OP_FILL, 0, 16 * KB, 7, VF_DATA);
	wr32(vf, REFDEV_REG_DMA_TAIL, 6);
	fake_run(fx);
	assert_int_equal(report(a, 0, VF_DATA + 4 * KB, 4 * KB, KB), 0);
	for (int k = 0; k < 4; k++)
		assert_true(bit(fx, (uint64_t)k));
	assert_int_equal(report(a, 0, VF_DATA, 16 * KB, KB), 0);
	for (int k = 0; k < 16; k++)
		assert_int_equal(bit(fx, (uint64_t)k), k < 4 || k >= 8);
	/* the other VF's tracking is separate */
	assert_int_equal(report(a, 1, VF_DATA, 16 * KB, KB), REFDEV_AQ_S_INVALID_STATE);
}

/* DRT-002: a report may span adjacent ranges; not outside; page size must
 * match START's; alignment. */
static void drt_002_report_params(void **state)
{
	A;
	const uint64_t r[] = { 0x10000, 2 * KB * 2, 0x14000, 4 * KB, 0x40000, KB };

	assert_int_equal(start(a, 0, r, 3, KB), 0);
	assert_int_equal(report(a, 0, 0x10000, 0x8000, KB), 0);
	assert_int_equal(report(a, 0, 0x10000, 0x9000, KB), REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(report(a, 0, 0xf000, 0x2000, KB), REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(report(a, 0, 0x3f000, 0x2000, KB), REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(report(a, 0, 0x40000, KB, KB), 0);
	assert_int_equal(report(a, 0, 0x10800, KB, KB), REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(report(a, 0, 0x10000, 0x800, KB), REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(report(a, 0, 0x10000, 0, KB), REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(report(a, 0, 0x10000, KB, 2 * MB2 / 2), REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(report(a, 0, 0x10000, KB, 8192), REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(report(a, 0, ~0ull - KB + 1, KB, KB), REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(report(a, 0, 0x10000, ~0ull - KB + 1, KB), REFDEV_AQ_S_INVALID_PARAM);
}

/* DRT-001: START validation. */
static void drt_001_start_params(void **state)
{
	A;
	static const struct { uint64_t r[4]; uint32_t n; uint64_t pg; } bad[] = {
		{ { 0, KB }, 1, 8192 },
		{ { 0, KB }, 1, 0 },
		{ { 0, MB2 / 2 }, 1, MB2 },			/* not 2 MiB aligned */
		{ { 0x800, KB }, 1, KB },
		{ { 0, 0 }, 1, KB },
		{ { 0, 0x1800 }, 1, KB },
		{ { 0, 2 * KB, KB, KB }, 2, KB },		/* overlap */
		{ { 0x10000, KB, 0x8000, 0x9000 }, 2, KB },	/* overlap */
		{ { ~0ull - KB + 1, 2 * KB }, 1, KB },		/* wraps */
		{ { 0, (1ull << 20) * KB + KB }, 1, KB },	/* > 2^20 pages */
		{ { 0, (1ull << 19) * KB, 1ull << 40, (1ull << 19) * KB + KB }, 2, KB },
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(start(a, 0, bad[i].r, bad[i].n, bad[i].pg),
				 REFDEV_AQ_S_INVALID_PARAM);
	uint64_t nine[18];
	for (int i = 0; i < 9; i++) {
		nine[2 * i] = (uint64_t)i * 0x10000;
		nine[2 * i + 1] = KB;
	}
	assert_int_equal(start(a, 0, nine, 9, KB), REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(start(a, 0, nine, 8, KB), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_DIRTY_STOP, 0, 0, 0, 0, 0, 0), 0);
	/* exactly 2^20 pages, ending at the top of the IOVA space */
	const uint64_t big[] = { 0, (1ull << 19) * KB, ~0ull - (1ull << 19) * KB + 1,
				 (1ull << 19) * KB };
	assert_int_equal(start(a, 0, big, 2, KB), 0);
	assert_int_equal(report(a, 0, 0, (1ull << 19) * KB, KB), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_DIRTY_STOP, 0, 0, 0, 0, 0, 0), 0);
	/* a bitmap buffer too small reports the size needed */
	const uint64_t r[] = { 0, 64 * KB };
	assert_int_equal(start(a, 0, r, 1, KB), 0);
	struct aq_res res = aq_do(fx, &a->drv, REFDEV_AQ_VF_DIRTY_REPORT, 0, KB, 0,
				  64 * KB, PF_BUF2, 7);
	assert_int_equal(res.status, REFDEV_AQ_S_BUFFER_SMALL);
	assert_int_equal(res.result0, 8);
}

/* DRT-001: 2 MiB pages. */
static void drt_001_2m_pages(void **state)
{
	A;
	struct refdev_func *vf = fake_vf(fx, 0);
	const uint64_t r[] = { 0, 2 * MB2 };

	assert_int_equal(start(a, 0, r, 1, MB2), 0);
	assert_int_equal(report(a, 0, 0, 2 * MB2, KB), REFDEV_AQ_S_INVALID_PARAM);
	dma_enable(fx, 0, 4, false);
	dma_put(fx, 0, 0, REFDEV_DMA_OP_FILL, 0, 8, 1, MB2 + 0x1234);
	wr32(vf, REFDEV_REG_DMA_TAIL, 1);
	fake_run(fx);
	assert_int_equal(report(a, 0, 0, 2 * MB2, MB2), 0);
	assert_true(bit(fx, 0));		/* the ring's write-back */
	assert_true(bit(fx, 1));
	assert_int_equal(report(a, 0, MB2, MB2, MB2), 0);
	assert_false(bit(fx, 0));
}

/* DEV-FI-005/006: one bit dropped / one bit added, per armed report. */
static void fi_005_006_dirty_faults(void **state)
{
	A;
	struct refdev_func *vf = fake_vf(fx, 0);
	const uint64_t r[] = { VF_DATA, 16 * KB };

	assert_int_equal(start(a, 0, r, 1, KB), 0);
	dma_enable(fx, 0, 4, false);
	dma_put(fx, 0, 0, REFDEV_DMA_OP_FILL, 0, 8, 1, VF_DATA + 2 * KB * 2);
	dma_put(fx, 0, 1, REFDEV_DMA_OP_FILL, 0, 8, 1, VF_DATA + 9 * KB);
	wr32(vf, REFDEV_REG_DMA_TAIL, 2);
	fake_run(fx);
	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 0, REFDEV_FAULT_DROP_DIRTY, 1, 0, 0, 0), 0);
	assert_int_equal(report(a, 0, VF_DATA, 16 * KB, KB), 0);
	assert_false(bit(fx, 4));		/* lowest set bit dropped */
	assert_true(bit(fx, 9));
	/* the dropped bit is lost (cleared), the device did its job badly */
	assert_int_equal(report(a, 0, VF_DATA, 16 * KB, KB), 0);
	assert_false(bit(fx, 4));
	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 0xffff, REFDEV_FAULT_EXTRA_DIRTY, 2, 0, 0, 0), 0);
	assert_int_equal(report(a, 0, VF_DATA, 16 * KB, KB), 0);
	assert_true(bit(fx, 0));
	for (int k = 1; k < 16; k++)
		assert_false(bit(fx, (uint64_t)k));
	assert_int_equal(report(a, 0, VF_DATA, 16 * KB, KB), 0);
	assert_true(bit(fx, 0));
	assert_int_equal(report(a, 0, VF_DATA, 16 * KB, KB), 0);
	assert_false(bit(fx, 0));
	/* armed for VF 1: VF 0's reports unaffected */
	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 1, REFDEV_FAULT_EXTRA_DIRTY, 1, 0, 0, 0), 0);
	assert_int_equal(report(a, 0, VF_DATA, 16 * KB, KB), 0);
	assert_false(bit(fx, 0));
}

/* DRT-003/005: FLR stops tracking; a report after it is INVALID_STATE. */
static void drt_005_flr_stops(void **state)
{
	A;
	const uint64_t r[] = { VF_DATA, 16 * KB };

	assert_int_equal(start(a, 0, r, 1, KB), 0);
	refdev_dev_vf_flr(fx->d, 0);
	assert_int_equal(report(a, 0, VF_DATA, 16 * KB, KB), REFDEV_AQ_S_INVALID_STATE);
	assert_int_equal(start(a, 0, r, 1, KB), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_RESET, 0, 0, 0, 0, 0, 0), 0);
	assert_int_equal(report(a, 0, VF_DATA, 16 * KB, KB), REFDEV_AQ_S_INVALID_STATE);
	assert_int_equal(start(a, 0, r, 1, KB), 0);
	refdev_dev_vf_detach(fx->d, 0);
	assert_false(fx->d->vf[0].dirty.on);
}

/* DRT-004: a write whose addr + len - 1 wraps past 2^64 marks nothing
 * (refdev_dma.c refuses it before; the tracker must not rely on that). */
static void drt_004_wrapped_range(void **state)
{
	A;
	const uint64_t r[] = { VF_DATA, 16 * KB };
	struct refdev_dirty *t = &fx->d->vf[0].dirty;

	assert_int_equal(start(a, 0, r, 1, KB), 0);
	/* end = VF_DATA + 8 KiB - 2, below addr, inside the range */
	refdev_dirty_record(t, VF_DATA + 8 * KB, UINT64_MAX);
	refdev_dirty_record(t, VF_DATA + 8 * KB, UINT64_MAX - 4 * KB);
	assert_int_equal(report(a, 0, VF_DATA, 16 * KB, KB), 0);
	expect_log(fx, 0, VF_DATA, 16 * KB, KB, fx->nwr);
}

int main(void)
{
#define T(t)	cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(drt_004_exact),
		T(drt_002_report_params),
		T(drt_001_start_params),
		T(drt_001_2m_pages),
		T(fi_005_006_dirty_faults),
		T(drt_005_flr_stops),
		T(drt_004_wrapped_range),
	};
	return cmocka_run_group_tests_name("refdev_dirty", tests, NULL, NULL);
}
