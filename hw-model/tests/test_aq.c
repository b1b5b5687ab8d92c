// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Unit tests of the PF admin queue (SPEC 1.8, DEV-AQ-*, ADM-*) and fault
 * injection (1.11, DEV-FI-*), against the fake host of refdev_fake.h.
 */
#include "refdev_unit.h"

AFX_FIXTURE(4)

/* The same fixture with DEV-AQ-018 on: every test of the group again. */
AFX_SETUP(setup_sync, 4, refdev_dev_set_aq_sync(a->fx->d, true))

#define PF	(&fx->d->pf)

/* DEV-AQ-001, DEV-AQ-014: enable with valid and invalid rings; disable. */
static void aq_001_enable(void **state)
{
	A;
	static const struct { uint64_t sq, cq; uint32_t size; } bad[] = {
		{ PF_SQ + 32, PF_CQ, 8 }, { PF_SQ, PF_CQ + 8, 8 },
		{ PF_SQ, PF_CQ, 1 }, { PF_SQ, PF_CQ, 3 }, { PF_SQ, PF_CQ, 512 },
		{ PF_SQ, PF_CQ, 0 }, { 0xffffffffffffffc0ull, PF_CQ, 8 },
		{ PF_SQ, 0xfffffffffffffff0ull, 8 },
	};

	assert_int_equal(rd32(PF, REFDEV_REG_AQ_CTRL), REFDEV_AQ_CTRL_ENABLE);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wr32(PF, REFDEV_REG_AQ_CTRL, 0);
		assert_int_equal(rd32(PF, REFDEV_REG_AQ_STATUS), 0);
		wr32(PF, REFDEV_REG_AQ_SQ_LO, (uint32_t)bad[i].sq);
		wr32(PF, REFDEV_REG_AQ_SQ_HI, (uint32_t)(bad[i].sq >> 32));
		wr32(PF, REFDEV_REG_AQ_CQ_LO, (uint32_t)bad[i].cq);
		wr32(PF, REFDEV_REG_AQ_CQ_HI, (uint32_t)(bad[i].cq >> 32));
		wr32(PF, REFDEV_REG_AQ_SIZE, bad[i].size);
		wr32(PF, REFDEV_REG_AQ_CTRL, REFDEV_AQ_CTRL_ENABLE);
		assert_int_equal(rd32(PF, REFDEV_REG_AQ_STATUS), REFDEV_AQ_STATUS_FATAL);
		/* a FATAL queue fetches nothing */
		wr32(PF, REFDEV_REG_AQ_SQ_TAIL, 1);
		assert_int_equal(rd32(PF, REFDEV_REG_AQ_SQ_TAIL), 0);
		assert_int_equal(fx->scheduled, 0);
	}
	aq_enable(fx, 2, false);
	aq_enable(fx, 256, false);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_SQ_HEAD), 0);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_CQ_HEAD), 0);
}

/* DEV-AQ-008: ring registers are fixed while enabled; bad indices ignored. */
static void aq_008_regs_locked(void **state)
{
	A;

	wr32(PF, REFDEV_REG_AQ_SQ_LO, 0x1000);
	wr32(PF, REFDEV_REG_AQ_SQ_HI, 1);
	wr32(PF, REFDEV_REG_AQ_CQ_LO, 0x1000);
	wr32(PF, REFDEV_REG_AQ_CQ_HI, 1);
	wr32(PF, REFDEV_REG_AQ_SIZE, 4);
	wr32(PF, REFDEV_REG_AQ_STATUS, 0xffffffffu);
	wr32(PF, REFDEV_REG_AQ_SQ_HEAD, 3);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_SQ_LO), (uint32_t)PF_SQ);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_SQ_HI), 0);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_CQ_LO), (uint32_t)PF_CQ);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_CQ_HI), 0);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_SIZE), 8);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_STATUS), REFDEV_AQ_STATUS_READY);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_SQ_HEAD), 0);
	wr32(PF, REFDEV_REG_AQ_SQ_TAIL, 8);
	wr32(PF, REFDEV_REG_AQ_CQ_HEAD, 9);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_SQ_TAIL), 0);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_CQ_HEAD), 0);
	/* the VF has no AQ registers */
	wr32(fake_vf(fx, 0), REFDEV_REG_AQ_CQ_HEAD, 1);
	assert_int_equal(rd32(fake_vf(fx, 0), REFDEV_REG_AQ_CQ_HEAD), 0);
	assert_int_equal(rd32(fake_vf(fx, 0), REFDEV_REG_AQ_SQ_HEAD), 0);
}

/* ADM-001: IDENTIFY contents; BUFFER_SMALL; DMA_ERROR. */
static void adm_001_identify(void **state)
{
	A;
	struct aq_res r;
	const uint8_t *p = fake_mem(fx, 0) + PF_BUF;

	memset(fake_mem(fx, 0) + PF_BUF, 0xee, 128);
	r = aq_do(fx, &a->drv, REFDEV_AQ_IDENTIFY, 0, 0, 0, 0, PF_BUF, 64);
	assert_int_equal(r.status, REFDEV_AQ_S_OK);
	assert_int_equal(r.result0, 64);
	assert_int_equal(refdev_le_get(p, 4), REFDEV_VERSION);
	assert_int_equal(refdev_le_get(p + 4, 2), 8);
	assert_int_equal(refdev_le_get(p + 6, 2), 4);
	assert_int_equal(refdev_le_get(p + 8, 4), REFDEV_MAX_STATE_SIZE);
	assert_int_equal(refdev_le_get(p + 12, 4), REFDEV_DIRTY_MAX_RANGES);
	assert_int_equal(refdev_le_get(p + 16, 8), REFDEV_DIRTY_PGSIZES);
	/* DEV-AQ-018: the AQ_SYNC bit says whether it is on */
	assert_int_equal(refdev_le_get(p + 24, 4), REFDEV_FEATURES |
			 (fx->d->aq_sync ? REFDEV_FEAT_AQ_SYNC : 0));
	for (int i = 28; i < 64; i++)
		assert_int_equal(p[i], 0);
	assert_int_equal(p[64], 0xee);
	assert_int_equal(sizeof(struct refdev_aq_identify), 64);

	r = aq_do(fx, &a->drv, REFDEV_AQ_IDENTIFY, 0, 0, 0, 0, PF_BUF, 63);
	assert_int_equal(r.status, REFDEV_AQ_S_BUFFER_SMALL);
	assert_int_equal(r.result0, 64);
	r = aq_do(fx, &a->drv, REFDEV_AQ_IDENTIFY, 0, 0, 0, 0, FAKE_PF_MEM - 32, 64);
	assert_int_equal(r.status, REFDEV_AQ_S_DMA_ERROR);
	r = aq_do(fx, &a->drv, REFDEV_AQ_IDENTIFY, 0, 0, 0, 0, ~0ull - 10, 64);
	assert_int_equal(r.status, REFDEV_AQ_S_DMA_ERROR);
}

/* Status INVALID_OPCODE and INVALID_VF (index >= NumVFs, or >= TotalVFs). */
static void aq_invalid_opcode_vf(void **state)
{
	A;
	static const uint8_t bad_ops[] = { 0x00, 0x10, 0x7f, 0xff };

	for (unsigned int i = 0; i < sizeof(bad_ops); i++)
		assert_int_equal(aq_st(a, bad_ops[i], 0, 0, 0, 0, 0, 0),
				 REFDEV_AQ_S_INVALID_OPCODE);
	for (uint8_t op = REFDEV_AQ_VF_SUSPEND; op <= REFDEV_AQ_VF_LAST; op++) {
		if (op == REFDEV_AQ_FAULT_INJECT || op == REFDEV_AQ_NOP)
			continue;	/* not a VF command */
		assert_int_equal(aq_st(a, op, 4, 2, 0, 0, 0, 0), REFDEV_AQ_S_INVALID_VF);
		assert_int_equal(aq_st(a, op, 8, 2, 0, 0, 0, 0), REFDEV_AQ_S_INVALID_VF);
		assert_int_equal(aq_st(a, op, 0xffff, 2, 0, 0, 0, 0), REFDEV_AQ_S_INVALID_VF);
	}
	refdev_dev_vf_detach(fx->d, 1);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_QUERY, 1, 0, 0, 0, 0, 0),
			 REFDEV_AQ_S_INVALID_VF);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_QUERY, 2, 0, 0, 0, 0, 0),
			 REFDEV_AQ_S_OK);
}

/* ADM-002, ADM-003, ADM-012: suspend states, transitions, query. */
static void adm_002_suspend_resume_query(void **state)
{
	A;
	struct aq_res r;

	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_QUERY, 1, 0, 0, 0, 0, 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.result0, 0);
	assert_int_equal(r.result1, 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 1, 0, 0, 0, 0, 0),
			 REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 1, 3, 0, 0, 0, 0),
			 REFDEV_AQ_S_INVALID_PARAM);
	static const uint32_t seq[] = { 1, 2, 1, 1, 2, 2 };
	for (unsigned int i = 0; i < 6; i++) {
		assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 1, seq[i], 0, 0, 0, 0), 0);
		r = aq_do(fx, &a->drv, REFDEV_AQ_VF_QUERY, 1, 0, 0, 0, 0, 0);
		assert_int_equal(r.result0, seq[i]);
		assert_true(rd32(fake_vf(fx, 1), REFDEV_REG_DMA_STATUS) &
			    REFDEV_DMA_STATUS_PAUSED);
	}
	/* other VFs are not affected */
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_QUERY, 0, 0, 0, 0, 0, 0);
	assert_int_equal(r.result0, 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_RESUME, 1, 0, 0, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_RESUME, 1, 0, 0, 0, 0, 0), 0);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_QUERY, 1, 0, 0, 0, 0, 0);
	assert_int_equal(r.result0, 0);
	assert_false(rd32(fake_vf(fx, 1), REFDEV_REG_DMA_STATUS) &
		     REFDEV_DMA_STATUS_PAUSED);
}

/* ADM-002: P2P accepts MMIO, raises no IRQ; STOP drops MMIO writes. */
static void adm_002_mmio_semantics(void **state)
{
	A;
	struct refdev_func *vf = fake_vf(fx, 0);
	uint64_t v;

	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, REFDEV_SUSPEND_P2P, 0, 0, 0, 0), 0);
	wr32(vf, REFDEV_REG_SCRATCH, 7);
	assert_true(refdev_mmio_write(vf, REFDEV_BAR_SRAM, 8, 8, 0x1122));
	unsigned int n = fx->nirq;
	wr32(vf, REFDEV_REG_IRQ_RAISE, 2);
	assert_int_equal(fx->nirq, n);
	assert_int_equal(rd32(vf, REFDEV_REG_SCRATCH), 7);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, REFDEV_SUSPEND_STOP, 0, 0, 0, 0), 0);
	wr32(vf, REFDEV_REG_SCRATCH, 8);
	assert_true(refdev_mmio_write(vf, REFDEV_BAR_SRAM, 8, 8, 0x3344));
	assert_int_equal(rd32(vf, REFDEV_REG_SCRATCH), 7);
	assert_true(refdev_mmio_read(vf, REFDEV_BAR_SRAM, 8, 8, &v));
	assert_int_equal(v, 0x1122);
	wr32(vf, REFDEV_REG_IRQ_RAISE, 2);
	assert_int_equal(fx->nirq, n);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_RESUME, 0, 0, 0, 0, 0, 0), 0);
	wr32(vf, REFDEV_REG_IRQ_RAISE, 2);
	assert_int_equal(fx->nirq, n + 1);
	assert_int_equal(fake_irqs(fx, 1, 2), 1);
	/* other VFs never stopped */
	wr32(fake_vf(fx, 1), REFDEV_REG_SCRATCH, 9);
	assert_int_equal(rd32(fake_vf(fx, 1), REFDEV_REG_SCRATCH), 9);
}

/* ADM-004: sizes per kind; exact in STOP, worst case otherwise. */
static void adm_004_state_size(void **state)
{
	A;
	struct aq_res r;

	assert_int_equal(aq_st(a, REFDEV_AQ_VF_STATE_SIZE, 0, 4, 0, 0, 0, 0),
			 REFDEV_AQ_S_INVALID_PARAM);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_STATE_SIZE, 0, REFDEV_SAVE_FULL, 0, 0, 0, 0);
	assert_int_equal(r.result0, 32 + 72 + 4104);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_STATE_SIZE, 0, REFDEV_SAVE_INITIAL, 0, 0, 0, 0);
	assert_int_equal(r.result0, 32 + 4104);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_STATE_SIZE, 0, REFDEV_SAVE_DELTA, 0, 0, 0, 0);
	assert_int_equal(r.result0, 32 + 16 + 4096);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_STATE_SIZE, 0, REFDEV_SAVE_FINAL, 0, 0, 0, 0);
	assert_int_equal(r.result0, REFDEV_MAX_STATE_SIZE);
	/* after an INITIAL save, with 2 chunks written, in STOP: exact */
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_INITIAL, 0, 0, PF_BUF, 8192);
	assert_int_equal(r.status, 0);
	assert_true(refdev_mmio_write(fake_vf(fx, 0), REFDEV_BAR_SRAM, 0, 4, 1));
	assert_true(refdev_mmio_write(fake_vf(fx, 0), REFDEV_BAR_SRAM, 0x800, 8, 1));
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_STATE_SIZE, 0, REFDEV_SAVE_DELTA, 0, 0, 0, 0);
	assert_int_equal(r.result0, 32 + 16 + 4096);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, 2, 0, 0, 0, 0), 0);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_STATE_SIZE, 0, REFDEV_SAVE_DELTA, 0, 0, 0, 0);
	assert_int_equal(r.result0, 32 + 16 + 128);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_STATE_SIZE, 0, REFDEV_SAVE_FINAL, 0, 0, 0, 0);
	assert_int_equal(r.result0, 32 + 72 + 16 + 128);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_FINAL, 0, 0, PF_BUF, 8192);
	assert_int_equal(r.result0, 32 + 72 + 16 + 128);
}

/* ADM-005: every error path of SAVE. */
static void adm_005_save_errors(void **state)
{
	A;
	struct aq_res r;

	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE, 0, 4, 0, 0, PF_BUF, 8192),
			 REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_FULL, 0, 0, PF_BUF, 8192),
			 REFDEV_AQ_S_INVALID_STATE);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_FINAL, 0, 0, PF_BUF, 8192),
			 REFDEV_AQ_S_INVALID_STATE);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, 1, 0, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_FULL, 0, 0, PF_BUF, 8192),
			 REFDEV_AQ_S_INVALID_STATE);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, 2, 0, 0, 0, 0), 0);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_FULL, 0, 0, PF_BUF, 4207);
	assert_int_equal(r.status, REFDEV_AQ_S_BUFFER_SMALL);
	assert_int_equal(r.result0, 4208);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_FULL, 0, 0,
			       FAKE_PF_MEM - 4096, 8192), REFDEV_AQ_S_DMA_ERROR);
	/* a failed save leaves the delta mask alone */
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_STATE_SIZE, 0, REFDEV_SAVE_DELTA, 0, 0, 0, 0);
	assert_int_equal(r.result0, 32 + 16 + 4096);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_FULL, 0, 0, PF_BUF, 4208);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.result0, 4208);
	/* INITIAL and DELTA work while running */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE, 1, REFDEV_SAVE_INITIAL, 0, 0, PF_BUF, 8192), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE, 1, REFDEV_SAVE_DELTA, 0, 0, PF_BUF, 8192), 0);
}

/* VF_QUERY result1: DEV-REINIT-002 pending bit. */
static bool reinit_pending(struct afx *a, uint16_t vf)
{
	struct aq_res r = aq_do(a->fx, &a->drv, REFDEV_AQ_VF_QUERY, vf, 0, 0, 0, 0, 0);

	assert_int_equal(r.status, 0);
	return r.result1 & REFDEV_QUERY_REINIT;
}

/* DEV-REINIT-001..003: the trigger, the refused deltas, what clears it. */
static void reinit_001_003(void **state)
{
	A;
	struct refdev_func *vf0 = fake_vf(fx, 0);

	assert_int_equal(rd32(vf0, REFDEV_REG_VF_REINIT), 0);
	assert_false(reinit_pending(a, 0));
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_INITIAL, 0, 0, PF_BUF, 8192), 0);
	fx->d->vf[0].func.sram_changed = 0;
	wr32(vf0, REFDEV_REG_VF_REINIT, 0x1234);
	assert_int_equal(rd32(vf0, REFDEV_REG_VF_REINIT), 1);
	assert_true(reinit_pending(a, 0));
	assert_false(reinit_pending(a, 1));	/* per VF */
	assert_int_equal(fx->d->vf[0].func.sram_changed, ~0ull);
	/* narrower writes are dropped (DEV-REG-008) */
	refdev_mmio_write(vf0, REFDEV_BAR_REGS, REFDEV_REG_VF_REINIT, 2, 1);
	assert_int_equal(rd32(vf0, REFDEV_REG_VF_REINIT), 1);
	/* deltas refused, nothing written, the mask kept; sizes still answered */
	memset(fake_mem(fx, 0) + PF_BUF, 0xee, 64);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_DELTA, 0, 0, PF_BUF, 8192),
			 REFDEV_AQ_S_REINIT);
	assert_int_equal(fake_mem(fx, 0)[PF_BUF], 0xee);
	assert_int_equal(fx->d->vf[0].func.sram_changed, ~0ull);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_STATE_SIZE, 0, REFDEV_SAVE_DELTA, 0, 0, 0, 0), 0);
	/* P2P still takes MMIO: the event can happen there */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, 1, 0, 0, 0, 0), 0);
	wr32(vf0, REFDEV_REG_VF_REINIT, 0);
	assert_int_equal(rd32(vf0, REFDEV_REG_VF_REINIT), 2);
	/* STOP drops it (ADM-002); FINAL refused too */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, 2, 0, 0, 0, 0), 0);
	wr32(vf0, REFDEV_REG_VF_REINIT, 0);
	assert_int_equal(rd32(vf0, REFDEV_REG_VF_REINIT), 2);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_FINAL, 0, 0, PF_BUF, 8192),
			 REFDEV_AQ_S_REINIT);
	/* an INITIAL save is the new base: deltas work again */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_INITIAL, 0, 0, PF_BUF, 8192), 0);
	assert_false(reinit_pending(a, 0));
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_FINAL, 0, 0, PF_BUF, 8192), 0);
	/* a FULL save clears it as well */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_RESUME, 0, 0, 0, 0, 0, 0), 0);
	wr32(vf0, REFDEV_REG_VF_REINIT, 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, 2, 0, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_FULL, 0, 0, PF_BUF, 8192), 0);
	assert_false(reinit_pending(a, 0));
	/* an FLR (host or VF_RESET) clears it; the count stays */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_RESUME, 0, 0, 0, 0, 0, 0), 0);
	wr32(vf0, REFDEV_REG_VF_REINIT, 0);
	refdev_dev_vf_flr(fx->d, 0);
	assert_false(reinit_pending(a, 0));
	assert_int_equal(rd32(vf0, REFDEV_REG_VF_REINIT), 4);
	wr32(vf0, REFDEV_REG_VF_REINIT, 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_RESET, 0, 0, 0, 0, 0, 0), 0);
	assert_false(reinit_pending(a, 0));
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_DELTA, 0, 0, PF_BUF, 8192), 0);
	/* the PF has no such register */
	wr32(PF, REFDEV_REG_VF_REINIT, 1);
	assert_int_equal(rd32(PF, REFDEV_REG_VF_REINIT), 0);
	assert_false(reinit_pending(a, 1));
	/* a new VF starts at 0 */
	refdev_dev_vf_detach(fx->d, 0);
	assert_non_null(refdev_dev_vf_attach(fx->d, 0, &fx->fn[1]));
	assert_int_equal(rd32(fake_vf(fx, 0), REFDEV_REG_VF_REINIT), 0);
	assert_false(reinit_pending(a, 0));
}

/* ADM-006: LOAD error paths (INVALID_STATE, STREAM_INVALID, DMA_ERROR). */
static void adm_006_load_errors(void **state)
{
	A;
	struct aq_res r;

	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, 2, 0, 0, 0, 0), 0);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_FULL, 0, 0, PF_BUF, 8192);
	assert_int_equal(r.status, 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_LOAD, 1, 0, 0, 0, PF_BUF, r.result0),
			 REFDEV_AQ_S_INVALID_STATE);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 1, 1, 0, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_LOAD, 1, 0, 0, 0, PF_BUF, r.result0),
			 REFDEV_AQ_S_INVALID_STATE);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 1, 2, 0, 0, 0, 0), 0);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_LOAD, 1, 0, 0, 0, PF_BUF, 4207);
	assert_int_equal(r.status, REFDEV_AQ_S_STREAM_INVALID);
	assert_int_equal(r.result0, REFDEV_STREAM_E_TRUNCATED);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_LOAD, 1, 0, 0, 0, PF_BUF, 31);
	assert_int_equal(r.result0, REFDEV_STREAM_E_TRUNCATED);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_LOAD, 1, 0, 0, 0, PF_BUF, 0);
	assert_int_equal(r.result0, REFDEV_STREAM_E_TRUNCATED);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_LOAD, 1, 0, 0, 0, PF_BUF + 1, 4208);
	assert_int_equal(r.status, REFDEV_AQ_S_STREAM_INVALID);
	assert_int_equal(r.result0, REFDEV_STREAM_E_MAGIC);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_LOAD, 1, 0, 0, 0, FAKE_PF_MEM - 16, 4208),
			 REFDEV_AQ_S_DMA_ERROR);
	/* header readable, body not */
	memcpy(fake_mem(fx, 0) + FAKE_PF_MEM - 32, fake_mem(fx, 0) + PF_BUF, 32);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_LOAD, 1, 0, 0, 0, FAKE_PF_MEM - 32, 8192),
			 REFDEV_AQ_S_DMA_ERROR);
	/* a longer buffer than the stream is fine */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_LOAD, 1, 0, 0, 0, PF_BUF, 65536 + 100), 0);
}

/* ADM-007..009 status codes (details in test_dirty.c). */
static void adm_007_009_dirty_status(void **state)
{
	A;
	uint8_t *m = fake_mem(fx, 0);
	struct aq_res r;

	refdev_le_put(m + PF_BUF, 0x100000, 8);
	refdev_le_put(m + PF_BUF + 8, 0x100000, 8);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_DIRTY_REPORT, 0, 4096, 0x100000, 4096, PF_BUF2, 64),
			 REFDEV_AQ_S_INVALID_STATE);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_DIRTY_STOP, 0, 0, 0, 0, 0, 0),
			 REFDEV_AQ_S_INVALID_STATE);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_DIRTY_START, 0, 1, 4096, 0, PF_BUF, 15),
			 REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_DIRTY_START, 0, 0, 4096, 0, PF_BUF, 16),
			 REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_DIRTY_START, 0, 1, 4096, 0, FAKE_PF_MEM, 16),
			 REFDEV_AQ_S_DMA_ERROR);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_DIRTY_START, 0, 1, 4096, 0, PF_BUF, 16), 0);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_QUERY, 0, 0, 0, 0, 0, 0);
	assert_int_equal(r.result1, 1);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_DIRTY_START, 0, 1, 4096, 0, PF_BUF, 16),
			 REFDEV_AQ_S_BUSY);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_DIRTY_REPORT, 0, 4096, 0x100000, 0x100000, PF_BUF2, 31);
	assert_int_equal(r.status, REFDEV_AQ_S_BUFFER_SMALL);
	assert_int_equal(r.result0, 32);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_DIRTY_REPORT, 0, 4096, 0x100000, 0x100000,
			       FAKE_PF_MEM - 16, 32), REFDEV_AQ_S_DMA_ERROR);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_DIRTY_REPORT, 0, 4096, 0x100000, 0x100000, PF_BUF2, 32);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.result0, 32);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_DIRTY_REPORT, 0, 0x200000, 0x100000, 0x100000, PF_BUF2, 32),
			 REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_DIRTY_STOP, 0, 0, 0, 0, 0, 0), 0);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_QUERY, 0, 0, 0, 0, 0, 0);
	assert_int_equal(r.result1, 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_DIRTY_STOP, 0, 0, 0, 0, 0, 0),
			 REFDEV_AQ_S_INVALID_STATE);
}

/* ADM-010: VF_RESET = FLR (DEV-RST-001) + resume, stops tracking (DRT-005). */
static void adm_010_vf_reset(void **state)
{
	A;
	struct refdev_func *vf = fake_vf(fx, 2);
	struct aq_res r;

	refdev_le_put(fake_mem(fx, 0) + PF_BUF, 0, 8);
	refdev_le_put(fake_mem(fx, 0) + PF_BUF + 8, 0x10000, 8);
	wr32(vf, REFDEV_REG_SCRATCH, 5);
	assert_true(refdev_mmio_write(vf, REFDEV_BAR_SRAM, 16, 4, 5));
	dma_enable(fx, 2, 16, true);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_DIRTY_START, 2, 1, 4096, 0, PF_BUF, 16), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 2, 2, 0, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_RESET, 2, 0, 0, 0, 0, 0), 0);
	assert_int_equal(fx->fn_resets, 1);
	assert_int_equal(rd32(vf, REFDEV_REG_SCRATCH), 0);
	assert_int_equal(rd32(vf, REFDEV_REG_RESET_COUNT), 1);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_CTRL), 0);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_RING_SIZE), 0);
	for (int i = 0; i < REFDEV_BAR_SRAM_SIZE; i++)
		assert_int_equal(vf->sram[i], 0);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_QUERY, 2, 0, 0, 0, 0, 0);
	assert_int_equal(r.result0, 0);
	assert_int_equal(r.result1, 0);
	/* LOAD of a DELTA after reset has no base (STR-010 ORDER) */
}

/* ADM-011: argument checks; fault 0 disarms everything. */
static void adm_011_fault_inject_params(void **state)
{
	A;

	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 0xffff, 8, 1, 0, 0, 0),
			 REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 0xffff, REFDEV_FAULT_FAIL_STATUS, 1, 0x10000, 0, 0),
			 REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 0xffff, REFDEV_FAULT_LATE, 1,
			       REFDEV_FAULT_LATE_MAX_US + 1, 0, 0), REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 8, REFDEV_FAULT_FAIL_STATUS, 1, 0, 0, 0),
			 REFDEV_AQ_S_INVALID_VF);
	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 0xffff, REFDEV_FAULT_FAIL_STATUS, 5, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 0xffff, REFDEV_FAULT_NONE, 0, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_QUERY, 0, 0, 0, 0, 0, 0), 0);
}

/* DEV-FI-001: status = param (0 -> INJECTED), no effect, count, vf filter. */
static void fi_001_fail_status(void **state)
{
	A;

	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 0xffff, REFDEV_FAULT_FAIL_STATUS, 2, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, 2, 0, 0, 0, 0), REFDEV_AQ_S_INJECTED);
	/* FAULT_INJECT itself is never affected */
	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 0xffff, REFDEV_FAULT_DROP_DIRTY, 0, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_IDENTIFY, 0, 0, 0, 0, PF_BUF, 64), REFDEV_AQ_S_INJECTED);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_QUERY, 0, 0, 0, 0, 0, 0), 0);
	assert_int_equal(fx->d->vf[0].state, REFDEV_VF_RUNNING);	/* no effect */
	/* param = status; armed for VF 1 only */
	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 1, REFDEV_FAULT_FAIL_STATUS, 1,
			       REFDEV_AQ_S_BUSY, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, 2, 0, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 1, 2, 0, 0, 0, 0), REFDEV_AQ_S_BUSY);
	assert_int_equal(fx->d->vf[1].state, REFDEV_VF_RUNNING);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 1, 2, 0, 0, 0, 0), 0);
}

/* DEV-FI-002: consumed, never completed; the next command completes. */
static void fi_002_no_completion(void **state)
{
	A;
	struct refdev_aq_cmd c = aq_cmd(REFDEV_AQ_VF_SUSPEND, 0);
	struct aq_res r;

	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 0xffff, REFDEV_FAULT_NO_COMPLETION, 1, 0, 0, 0), 0);
	c.param0 = 2;
	aq_post(fx, &c);
	fake_run(fx);
	assert_false(aq_poll(fx, &a->drv, &r));
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_SQ_HEAD), rd32(PF, REFDEV_REG_AQ_SQ_TAIL));
	assert_int_equal(fx->d->vf[0].state, REFDEV_VF_RUNNING);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_QUERY, 0, 0, 0, 0, 0, 0);
	assert_int_equal(r.status, 0);
}

/* DEV-FI-003: completes after param us (timer), effects with the completion. */
static void fi_003_late(void **state)
{
	A;
	struct refdev_aq_cmd c = aq_cmd(REFDEV_AQ_VF_SUSPEND, 0);
	struct refdev_aq_cmd q = aq_cmd(REFDEV_AQ_VF_QUERY, 0);
	struct aq_res r;

	fx->now = 1000;
	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 0xffff, REFDEV_FAULT_LATE, 1, 250, 0, 0), 0);
	c.param0 = 2;
	aq_post(fx, &c);
	aq_post(fx, &q);
	fake_run(fx);
	assert_false(aq_poll(fx, &a->drv, &r));
	assert_true(fx->timer_armed);
	assert_int_equal(fx->timer_due, 1000 + 250000);
	/* an early timer re-arms and completes nothing */
	fx->timer_armed = false;
	fx->now = 2000;
	refdev_dev_timer(fx->d);
	assert_true(fx->timer_armed);
	assert_false(aq_poll(fx, &a->drv, &r));
	fx->now = 251000;
	refdev_dev_timer(fx->d);
	assert_true(aq_poll(fx, &a->drv, &r));
	assert_int_equal(r.cid, c.cid);
	assert_int_equal(r.status, 0);
	fake_run(fx);
	assert_true(aq_poll(fx, &a->drv, &r));
	assert_int_equal(r.cid, q.cid);
	assert_int_equal(r.result0, 2);
	/* a second expiry does nothing */
	refdev_dev_timer(fx->d);
	assert_false(aq_poll(fx, &a->drv, &r));
}

/* DEV-AQ-001/006: disable or PF reset drops a LATE command. */
static void fi_003_late_dropped(void **state)
{
	A;
	struct refdev_aq_cmd c = aq_cmd(REFDEV_AQ_VF_SUSPEND, 0);
	struct aq_res r;

	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 0xffff, REFDEV_FAULT_LATE, 2, 10, 0, 0), 0);
	c.param0 = 2;
	aq_post(fx, &c);
	fake_run(fx);
	wr32(PF, REFDEV_REG_AQ_CTRL, 0);
	fx->now = ~0ull;
	refdev_dev_timer(fx->d);
	assert_int_equal(fx->d->vf[0].state, REFDEV_VF_RUNNING);
	afx_enable(a, 8, false);
	memset(fake_mem(fx, 0) + PF_CQ, 0, 8 * 16);
	aq_post(fx, &c);
	fake_run(fx);
	refdev_dev_pf_reset(fx->d);
	refdev_dev_timer(fx->d);
	assert_false(aq_poll(fx, &a->drv, &r));
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_CTRL), 0);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_STATUS), 0);
}

/* DEV-FI-004: a corrupted save is refused by LOAD with CRC. */
static void fi_004_corrupt_save(void **state)
{
	A;
	struct aq_res r;

	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, 2, 0, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 1, 2, 0, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 0, REFDEV_FAULT_CORRUPT_SAVE, 1, 4100, 0, 0), 0);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_FULL, 0, 0, PF_BUF, 8192);
	assert_int_equal(r.status, 0);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_LOAD, 1, 0, 0, 0, PF_BUF, 8192);
	assert_int_equal(r.status, REFDEV_AQ_S_STREAM_INVALID);
	assert_int_equal(r.result0, REFDEV_STREAM_E_CRC);
	/* disarmed after one */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_FULL, 0, 0, PF_BUF, 8192), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_LOAD, 1, 0, 0, 0, PF_BUF, 8192), 0);
}

/* DEV-FI-007: VF_RESET and host FLR leave the VF untouched. */
static void fi_007_flr_fail(void **state)
{
	A;
	struct refdev_func *vf = fake_vf(fx, 0);

	wr32(vf, REFDEV_REG_SCRATCH, 77);
	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 0xffff, REFDEV_FAULT_FLR_FAIL, 2, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, 1, 0, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_RESET, 0, 0, 0, 0, 0, 0), 0);
	assert_int_equal(rd32(vf, REFDEV_REG_SCRATCH), 77);
	assert_int_equal(rd32(vf, REFDEV_REG_RESET_COUNT), 0);
	assert_int_equal(fx->d->vf[0].state, REFDEV_VF_P2P);
	assert_int_equal(fx->fn_resets, 0);
	refdev_dev_vf_flr(fx->d, 0);
	assert_int_equal(rd32(vf, REFDEV_REG_SCRATCH), 77);
	refdev_dev_vf_flr(fx->d, 0);
	assert_int_equal(rd32(vf, REFDEV_REG_SCRATCH), 0);
	assert_int_equal(rd32(vf, REFDEV_REG_RESET_COUNT), 1);
	/* host FLR keeps the suspend state (DEV-RST-003) */
	assert_int_equal(fx->d->vf[0].state, REFDEV_VF_P2P);
	refdev_dev_vf_flr(fx->d, 7);	/* absent VF: ignored */
}

/* DEV-AQ-003: phase tag starts at 1, flips per wrap; sq_head; cid echo. */
static void aq_003_phase_wrap(void **state)
{
	A;

	afx_enable(a, 2, false);
	for (int i = 0; i < 9; i++) {
		struct refdev_aq_cmd c = aq_cmd(REFDEV_AQ_VF_QUERY, 0);
		struct aq_res r;

		aq_post(fx, &c);
		fake_run(fx);
		r = aq_read_cpl(fx, (uint32_t)(i & 1));
		assert_int_equal(r.phase, ((i / 2) & 1) ? 0 : 1);
		assert_int_equal(r.sq_head, (i + 1) & 1);
		assert_true(aq_poll(fx, &a->drv, &r));
		assert_int_equal(r.cid, c.cid);
	}
}

/* DEV-AQ-004/005: CQ full -> the device waits; CQ_HEAD resumes; IRQs. */
static void aq_004_cq_full_order_irq(void **state)
{
	A;
	struct refdev_aq_cmd c[7];
	struct aq_res r;

	afx_enable(a, 8, true);
	for (int i = 0; i < 7; i++) {
		c[i] = aq_cmd(REFDEV_AQ_VF_QUERY, 0);
		aq_post(fx, &c[i]);
	}
	fake_run(fx);
	/* 7 slots usable of 8: all complete, in order, one IRQ each */
	assert_int_equal(fake_irqs(fx, 0, 0), 7);
	/* consume nothing: the next command waits for a CQ slot */
	struct refdev_aq_cmd more[2] = { aq_cmd(REFDEV_AQ_VF_QUERY, 1), aq_cmd(REFDEV_AQ_VF_QUERY, 2) };
	aq_post(fx, &more[0]);
	fake_run(fx);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_SQ_HEAD), 7);
	assert_int_equal(fake_irqs(fx, 0, 0), 7);
	for (int i = 0; i < 7; i++) {
		assert_true(aq_poll(fx, &a->drv, &r));
		assert_int_equal(r.cid, c[i].cid);
		assert_int_equal(r.sq_head, i + 1);
	}
	fake_run(fx);
	aq_post(fx, &more[1]);
	fake_run(fx);
	assert_true(aq_poll(fx, &a->drv, &r));
	assert_int_equal(r.cid, more[0].cid);
	assert_true(aq_poll(fx, &a->drv, &r));
	assert_int_equal(r.cid, more[1].cid);
	assert_int_equal(fake_irqs(fx, 0, 0), 9);
}

/* DEV-AQ-007: a fetch or completion DMA error is FATAL until re-enable. */
static void aq_007_fatal(void **state)
{
	A;
	struct refdev_aq_cmd c = aq_cmd(REFDEV_AQ_VF_QUERY, 0);
	struct aq_res r;

	fx->fn[0].bad_lo = PF_CQ;
	fx->fn[0].bad_hi = PF_CQ + 4096;
	aq_post(fx, &c);
	fake_run(fx);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_STATUS), REFDEV_AQ_STATUS_FATAL);
	aq_post(fx, &c);
	assert_int_equal(fx->scheduled, 0);
	fx->fn[0].bad_lo = PF_SQ;
	fx->fn[0].bad_hi = PF_SQ + 4096;
	aq_enable(fx, 8, false);
	aq_post(fx, &c);
	fake_run(fx);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_STATUS), REFDEV_AQ_STATUS_FATAL);
	fx->fn[0].bad_hi = 0;
	afx_enable(a, 8, false);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_QUERY, 0, 0, 0, 0, 0, 0);
	assert_int_equal(r.status, 0);
}

/* DEV-DMA-005 (AQ): at most REFDEV_AQ_STEP_CMDS commands per step. */
static void aq_bounded_step(void **state)
{
	A;

	aq_enable(fx, 32, false);
	for (int i = 0; i < 20; i++) {
		struct refdev_aq_cmd c = aq_cmd(REFDEV_AQ_VF_QUERY, 0);

		aq_post(fx, &c);
	}
	fake_step(fx);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_SQ_HEAD), REFDEV_AQ_STEP_CMDS);
	assert_true(fx->scheduled > 0);
	assert_int_equal(fake_run(fx), 2);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_SQ_HEAD), 20);
}

/* DEV-AQ-018: a short command completes in its doorbell write, nothing is
 * deferred; POLL suppresses that completion's interrupt only; off, the
 * doorbell only schedules. */
static void aq_018_sync_doorbell(void **state)
{
	A;
	struct refdev_aq_cmd c = aq_cmd(REFDEV_AQ_VF_QUERY, 0);
	struct aq_res r;

	afx_enable(a, 8, true);
	aq_post(fx, &c);
	assert_int_equal(fx->scheduled, 0);
	assert_true(aq_poll(fx, &a->drv, &r));
	assert_int_equal(r.cid, c.cid);
	assert_int_equal(r.status, 0);
	assert_int_equal(fake_irqs(fx, 0, 0), 1);
	/* POLL: the driver reads the CQ after the doorbell, no interrupt */
	c = aq_cmd(REFDEV_AQ_NOP, 0);
	c.flags = REFDEV_AQ_F_POLL;
	aq_post(fx, &c);
	assert_true(aq_poll(fx, &a->drv, &r));
	assert_int_equal(r.cid, c.cid);
	assert_int_equal(fake_irqs(fx, 0, 0), 1);
	/* a freed CQ slot runs the waiting command in the CQ_HEAD write */
	for (int i = 0; i < 8; i++) {	/* 7 fill the CQ, the 8th waits */
		c = aq_cmd(REFDEV_AQ_NOP, 0);
		aq_post(fx, &c);
	}
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_SQ_HEAD), (2 + 7) & 7);
	assert_true(aq_poll(fx, &a->drv, &r));	/* writes CQ_HEAD */
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_SQ_HEAD), (2 + 8) & 7);
	assert_int_equal(fx->scheduled, 0);
	for (int i = 0; i < 7; i++)
		assert_true(aq_poll(fx, &a->drv, &r));
	assert_int_equal(r.cid, c.cid);
	/* off: the doorbell only schedules, as on slow hardware */
	refdev_dev_set_aq_sync(fx->d, false);
	c = aq_cmd(REFDEV_AQ_NOP, 0);
	c.flags = REFDEV_AQ_F_POLL;
	aq_post(fx, &c);
	assert_false(aq_poll(fx, &a->drv, &r));
	assert_true(fx->scheduled > 0);
	fake_run(fx);
	assert_true(aq_poll(fx, &a->drv, &r));
	assert_int_equal(r.cid, c.cid);
	assert_int_equal(fake_irqs(fx, 0, 0), 10);	/* deferred: POLL or not */
}

/* DEV-AQ-018 + DEV-AQ-009: at most REFDEV_AQ_STEP_CMDS in one doorbell
 * write, the rest deferred; a long command and all behind it wait for the
 * deferred step (DEV-AQ-004 order), its POLL completion interrupts. */
static void aq_018_sync_bounds(void **state)
{
	A;
	struct refdev_aq_cmd c[20];
	struct aq_res r;

	afx_enable(a, 32, true);
	for (int i = 0; i < 20; i++)
		c[i] = aq_cmd(REFDEV_AQ_NOP, 0);
	aq_post_many(fx, c, 20);
	assert_int_equal(rd32(PF, REFDEV_REG_AQ_SQ_HEAD), REFDEV_AQ_STEP_CMDS);
	assert_true(fx->scheduled > 0);
	fake_run(fx);
	for (int i = 0; i < 20; i++) {
		assert_true(aq_poll(fx, &a->drv, &r));
		assert_int_equal(r.cid, c[i].cid);
	}
	/* 8 MiB of device memory: staging a save is long, a 4 MiB piece short */
	assert_true(refdev_dev_set_mem_size(fx->d, 8u << 20));
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, REFDEV_SUSPEND_STOP, 0, 0, 0, 0), 0);
	c[0] = aq_cmd(REFDEV_AQ_VF_SAVE_CHUNK, 0);
	c[0].param0 = REFDEV_SAVE_FULL;
	c[0].addr = PF_BUF;
	c[0].len = 4096;
	c[0].flags = REFDEV_AQ_F_POLL;
	c[1] = aq_cmd(REFDEV_AQ_NOP, 0);
	c[1].flags = REFDEV_AQ_F_POLL;
	fx->nirq = 0;
	aq_post_many(fx, c, 2);
	assert_false(aq_poll(fx, &a->drv, &r));
	fake_run(fx);
	assert_true(aq_poll(fx, &a->drv, &r));
	assert_int_equal(r.cid, c[0].cid);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.result0, 4096);
	assert_true(aq_poll(fx, &a->drv, &r));
	assert_int_equal(r.cid, c[1].cid);
	assert_int_equal(fake_irqs(fx, 0, 0), 2);
	c[0].cid++;
	c[0].param1 = 4096;
	c[0].len = REFDEV_AQ_SYNC_BYTES;
	aq_post(fx, &c[0]);
	assert_true(aq_poll(fx, &a->drv, &r));
	assert_int_equal(r.cid, c[0].cid);
	assert_int_equal(r.status, REFDEV_AQ_S_DMA_ERROR);	/* past the 1 MiB PF space */
	assert_int_equal(fake_irqs(fx, 0, 0), 2);
}

/* ADM-016: NOP completes OK with no effect; faults match it by vf. */
static void adm_016_nop(void **state)
{
	A;
	struct aq_res r;

	r = aq_do(fx, &a->drv, REFDEV_AQ_NOP, 0xffff, 7, 8, 9, PF_BUF, 64);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.result0, 0);
	assert_int_equal(r.result1, 0);
	assert_int_equal(fx->nwr, 1);	/* the completion only */
	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 2, REFDEV_FAULT_FAIL_STATUS, 1, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_NOP, 1, 0, 0, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_NOP, 2, 0, 0, 0, 0, 0), REFDEV_AQ_S_INJECTED);
	assert_int_equal(aq_st(a, REFDEV_AQ_NOP, 2, 0, 0, 0, 0, 0), 0);
}

/* DEV-AQ-006: PF reset clears the AQ, removes VFs, stops tracking. */
static void aq_006_pf_reset(void **state)
{
	A;

	refdev_le_put(fake_mem(fx, 0) + PF_BUF, 0, 8);
	refdev_le_put(fake_mem(fx, 0) + PF_BUF + 8, 0x10000, 8);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_DIRTY_START, 1, 1, 4096, 0, PF_BUF, 16), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 1, 2, 0, 0, 0, 0), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_FAULT_INJECT, 0xffff, REFDEV_FAULT_FAIL_STATUS, 9, 0, 0, 0), 0);
	refdev_dev_pf_reset(fx->d);
	for (uint64_t reg = 0x100; reg <= 0x124; reg += 4)
		assert_int_equal(rd32(PF, reg), 0);
	assert_int_equal(rd32(PF, REFDEV_REG_RESET_COUNT), 1);
	for (int i = 0; i < REFDEV_MAX_VFS; i++) {
		assert_false(fx->d->vf[i].present);
		assert_false(fx->d->vf[i].dirty.on);
		assert_int_equal(fx->d->vf[i].state, REFDEV_VF_RUNNING);
	}
	/* VFs come back (Linux re-enables SR-IOV) at power-on state; faults gone */
	assert_non_null(refdev_dev_vf_attach(fx->d, 1, &fx->fn[2]));
	afx_enable(a, 8, false);
	struct aq_res r = aq_do(fx, &a->drv, REFDEV_AQ_VF_QUERY, 1, 0, 0, 0, 0, 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.result0, 0);
	assert_int_equal(r.result1, 0);
	assert_null(refdev_dev_vf_attach(fx->d, 8, &fx->fn[2]));
}

int main(void)
{
#define T(t)	cmocka_unit_test_setup_teardown(t, setup, teardown)
#define S(t)	cmocka_unit_test_setup_teardown(t, setup_sync, teardown)
#define BOTH(t)	T(t), S(t)
	const struct CMUnitTest tests[] = {
		BOTH(aq_001_enable),
		BOTH(aq_008_regs_locked),
		BOTH(adm_001_identify),
		BOTH(aq_invalid_opcode_vf),
		BOTH(adm_002_suspend_resume_query),
		BOTH(adm_002_mmio_semantics),
		BOTH(adm_004_state_size),
		BOTH(adm_005_save_errors),
		BOTH(adm_006_load_errors),
		BOTH(reinit_001_003),
		BOTH(adm_007_009_dirty_status),
		BOTH(adm_010_vf_reset),
		BOTH(adm_011_fault_inject_params),
		BOTH(fi_001_fail_status),
		BOTH(fi_002_no_completion),
		BOTH(fi_003_late),
		BOTH(fi_003_late_dropped),
		BOTH(fi_004_corrupt_save),
		BOTH(fi_007_flr_fail),
		BOTH(aq_003_phase_wrap),
		BOTH(aq_004_cq_full_order_irq),
		BOTH(aq_007_fatal),
		T(aq_bounded_step),
		S(aq_018_sync_doorbell),
		S(aq_018_sync_bounds),
		BOTH(adm_016_nop),
		BOTH(aq_006_pf_reset),
	};
	return cmocka_run_group_tests_name("refdev_aq", tests, NULL, NULL);
}
