// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Unit tests of the VF DMA engine (SPEC 1.7, DEV-DMA-*), VF FLR
 * (DEV-RST-001) and suspend semantics on the engine (ADM-002/003).
 */
#include "refdev_unit.h"

#define OP_NOP	REFDEV_DMA_OP_NOP
#define OP_COPY	REFDEV_DMA_OP_COPY
#define OP_FILL	REFDEV_DMA_OP_FILL
#define OP_CSUM	REFDEV_DMA_OP_CHECKSUM
#define F_IRQ	REFDEV_DESC_F_IRQ

static int setup(void **state)
{
	*state = fake_new(8, 2);
	return 0;
}

static int teardown(void **state)
{
	fake_free(*state);
	return 0;
}

#define F	struct fake *fx = *state; struct refdev_func *vf = fake_vf(fx, 0); \
		uint8_t *m = fake_mem(fx, 1); (void)m

static uint32_t st(struct refdev_func *vf)
{
	return rd32(vf, REFDEV_REG_DMA_STATUS);
}

static uint32_t errcode(struct refdev_func *vf)
{
	return (st(vf) >> REFDEV_DMA_STATUS_ERRCODE_SHIFT) & 0xff;
}

/* crc32c check value */
static void crc32c_check(void **state)
{
	(void)state;
	assert_int_equal(crc32c_sum("123456789", 9), 0xe3069283u);
	assert_int_equal(crc32c_sum("", 0), 0);
}

/* DEV-DMA-001: invalid rings set ERROR/RING and leave ENABLE clear. */
static void dma_001_ring_validation(void **state)
{
	F;
	static const struct { uint64_t base; uint32_t size; } bad[] = {
		{ VF_RING + 32, 16 }, { VF_RING, 0 }, { VF_RING, 3 },
		{ VF_RING, 2048 }, { 0xffffffffffffffc0ull, 4 },
	};

	assert_int_equal(rd32(vf, REFDEV_REG_DMA_CTRL), 0);
	for (unsigned int i = 0; i < 5; i++) {
		wr32(vf, REFDEV_REG_DMA_RING_LO, (uint32_t)bad[i].base);
		wr32(vf, REFDEV_REG_DMA_RING_HI, (uint32_t)(bad[i].base >> 32));
		wr32(vf, REFDEV_REG_DMA_RING_SIZE, bad[i].size);
		wr32(vf, REFDEV_REG_DMA_CTRL, REFDEV_DMA_CTRL_ENABLE | REFDEV_DMA_CTRL_IRQ);
		assert_int_equal(rd32(vf, REFDEV_REG_DMA_CTRL), REFDEV_DMA_CTRL_IRQ);
		assert_int_equal(st(vf), REFDEV_DMA_STATUS_ERROR |
				 (REFDEV_DMA_ERR_RING << REFDEV_DMA_STATUS_ERRCODE_SHIFT));
		wr32(vf, REFDEV_REG_DMA_STATUS, REFDEV_DMA_STATUS_ERROR);
		assert_int_equal(st(vf), 0);
	}
	assert_int_equal(fx->nirq, 0);
	dma_enable(fx, 0, 1, false);
	wr32(vf, REFDEV_REG_DMA_CTRL, 0);
	dma_enable(fx, 0, 1024, false);
	/* geometry is fixed while enabled */
	wr32(vf, REFDEV_REG_DMA_RING_SIZE, 4);
	wr32(vf, REFDEV_REG_DMA_RING_LO, 0x40);
	wr32(vf, REFDEV_REG_DMA_RING_HI, 1);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_RING_SIZE), 1024);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_RING_LO), VF_RING);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_RING_HI), 0);
	/* RO registers */
	wr32(vf, REFDEV_REG_DMA_HEAD, 5);
	wr32(vf, REFDEV_REG_DMA_DONE, 5);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_HEAD), 0);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_DONE), 0);
	/* the PF has no DMA registers beyond its AQ */
	assert_int_equal(rd32(&fx->d->pf, REFDEV_REG_DMA_DONE), 0);
}

/* DEV-DMA-002/003: COPY, FILL, CHECKSUM, NOP; write-back; HEAD/DONE; IRQ. */
static void dma_003_ops(void **state)
{
	F;
	struct refdev_dma_desc ds;

	for (int i = 0; i < 10000; i++)
		m[VF_DATA + i] = (uint8_t)(i * 7 + 1);
	dma_enable(fx, 0, 8, true);
	dma_put(fx, 0, 0, OP_COPY, F_IRQ, 10000, VF_DATA, VF_DATA + 0x10000 + 3);
	dma_put(fx, 0, 1, OP_FILL, 0, 77, 0x0807060504030201ull, VF_DATA + 0x20001);
	dma_put(fx, 0, 2, OP_CSUM, F_IRQ, 9, VF_DATA + 0x30000, 0);
	dma_put(fx, 0, 3, OP_NOP, F_IRQ, 0, 0, 0);
	memcpy(m + VF_DATA + 0x30000, "123456789", 9);
	wr32(vf, REFDEV_REG_DMA_TAIL, 4);
	assert_true(st(vf) & REFDEV_DMA_STATUS_BUSY);
	assert_int_equal(fx->nwr, 0);		/* MMIO never runs the engine */
	fake_run(fx);
	assert_int_equal(memcmp(m + VF_DATA, m + VF_DATA + 0x10003, 10000), 0);
	for (int i = 0; i < 77; i++)
		assert_int_equal(m[VF_DATA + 0x20001 + i], (i % 8) + 1);
	assert_int_equal(m[VF_DATA + 0x20001 + 77], 0);
	for (int i = 0; i < 4; i++) {
		ds = dma_get(fx, 0, (uint32_t)i);
		assert_int_equal(ds.status, REFDEV_DESC_S_DONE);
	}
	assert_int_equal(dma_get(fx, 0, 2).result, 0xe3069283u);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_HEAD), 4);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_DONE), 4);
	assert_int_equal(st(vf), 0);
	assert_int_equal(fake_irqs(fx, 1, 0), 3);
	/* without CTRL.IRQ no completion interrupt */
	wr32(vf, REFDEV_REG_DMA_CTRL, REFDEV_DMA_CTRL_ENABLE);
	dma_put(fx, 0, 4, OP_NOP, F_IRQ, 0, 0, 0);
	wr32(vf, REFDEV_REG_DMA_TAIL, 5);
	fake_run(fx);
	assert_int_equal(fake_irqs(fx, 1, 0), 3);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_DONE), 5);
	/* the ring wraps; TAIL is taken mod size */
	for (uint32_t i = 5; i < 8; i++)
		dma_put(fx, 0, i, OP_NOP, 0, 0, 0, 0);
	dma_put(fx, 0, 0, OP_NOP, 0, 0, 0, 0);
	wr32(vf, REFDEV_REG_DMA_TAIL, 8 + 1);
	fake_run(fx);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_HEAD), 1);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_DONE), 9);
	/* the host never saw an access over 4 KiB or across a page */
	assert_true(fx->max_dma <= REFDEV_DMA_XFER);
	/* nothing reached the PF's or another VF's IOVA space */
	for (unsigned int i = 0; i < fx->nwr; i++)
		assert_int_equal(fx->wr[i].id, 1);
}

static void expect_error(struct fake *fx, struct refdev_func *vf, uint32_t idx,
			 uint8_t code, unsigned int irqs1)
{
	assert_int_equal(errcode(vf), code);
	assert_true(st(vf) & REFDEV_DMA_STATUS_ERROR);
	assert_false(st(vf) & REFDEV_DMA_STATUS_BUSY);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_HEAD), idx + 1);
	assert_int_equal(fake_irqs(fx, 1, 1), irqs1);
}

/* DEV-DMA-004: each error code; engine stops; W1C + doorbell continues. */
static void dma_004_errors(void **state)
{
	F;
	struct {
		uint8_t op;
		uint32_t len;
		uint64_t src, dst;
		uint8_t code;
	} c[] = {
		{ 9, 8, VF_DATA, VF_DATA, REFDEV_DMA_ERR_OPCODE },
		{ OP_COPY, 0, VF_DATA, VF_DATA, REFDEV_DMA_ERR_LENGTH },
		{ OP_FILL, REFDEV_DMA_MAX_LEN + 1, 0, VF_DATA, REFDEV_DMA_ERR_LENGTH },
		{ OP_CSUM, 0, VF_DATA, 0, REFDEV_DMA_ERR_LENGTH },
		{ OP_COPY, 64, FAKE_VF_MEM - 32, VF_DATA, REFDEV_DMA_ERR_READ },
		{ OP_COPY, 64, VF_DATA, FAKE_VF_MEM - 32, REFDEV_DMA_ERR_WRITE },
		{ OP_FILL, 64, 0, ~0ull - 8, REFDEV_DMA_ERR_WRITE },
		{ OP_FILL, 64, 0, FAKE_VF_MEM - 32, REFDEV_DMA_ERR_WRITE },
		{ OP_COPY, 64, VF_DATA, ~0ull - 8, REFDEV_DMA_ERR_WRITE },
		{ OP_COPY, 64, ~0ull - 8, VF_DATA, REFDEV_DMA_ERR_READ },
		{ OP_CSUM, 64, FAKE_VF_MEM, 0, REFDEV_DMA_ERR_READ },
		{ OP_CSUM, 64, ~0ull, 0, REFDEV_DMA_ERR_READ },
	};
	unsigned int n = sizeof(c) / sizeof(c[0]);

	dma_enable(fx, 0, 16, true);
	for (uint32_t i = 0; i < n; i++) {
		dma_put(fx, 0, i, c[i].op, F_IRQ, c[i].len, c[i].src, c[i].dst);
		dma_put(fx, 0, i + 1, OP_NOP, F_IRQ, 0, 0, 0);
		fx->nirq = 0;
		wr32(vf, REFDEV_REG_DMA_TAIL, i + 2);
		fake_run(fx);
		expect_error(fx, vf, i, c[i].code, 1);
		assert_int_equal(dma_get(fx, 0, i).status,
				 REFDEV_DESC_S_DONE | (c[i].code << REFDEV_DESC_S_ERR_SHIFT));
		assert_int_equal(fake_irqs(fx, 1, 0), 0);
		/* clearing ERROR does not restart; the next doorbell does */
		wr32(vf, REFDEV_REG_DMA_STATUS, REFDEV_DMA_STATUS_ERROR);
		assert_int_equal(st(vf), 0);
		assert_int_equal(fx->scheduled, 0);
		wr32(vf, REFDEV_REG_DMA_TAIL, i + 2);
		fake_run(fx);
		assert_int_equal(rd32(vf, REFDEV_REG_DMA_HEAD), i + 2);
		assert_int_equal(fake_irqs(fx, 1, 0), 1);
		fx->nirq = 0;
		/* back one so the next case reuses slot i + 1 */
		wr32(vf, REFDEV_REG_DMA_CTRL, 0);
		dma_enable(fx, 0, 16, true);
		for (uint32_t k = 0; k <= i; k++)
			dma_put(fx, 0, k, OP_NOP, 0, 0, 0, 0);
		wr32(vf, REFDEV_REG_DMA_TAIL, i + 1);
		fake_run(fx);
	}
}

/* DEV-DMA-004: descriptor fetch and write-back faults; a doorbell while
 * ERROR is set is recorded and served once ERROR is cleared. */
static void dma_004_fetch_writeback_faults(void **state)
{
	F;

	dma_enable(fx, 0, 4, false);
	fx->fn[1].bad_lo = VF_RING;
	fx->fn[1].bad_hi = VF_RING + 32;
	wr32(vf, REFDEV_REG_DMA_TAIL, 2);
	fake_run(fx);
	expect_error(fx, vf, 0, REFDEV_DMA_ERR_READ, 1);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_DONE), 1);
	/* write-back of a good COPY fails: WRITE, data already written */
	fx->fn[1].bad_lo = VF_RING + 32;
	fx->fn[1].bad_hi = VF_RING + 36;
	fx->fn[1].bad_wonly = true;
	dma_put(fx, 0, 1, OP_FILL, 0, 8, 0x1111111111111111ull, VF_DATA);
	wr32(vf, REFDEV_REG_DMA_TAIL, 2);		/* recorded while ERROR */
	assert_int_equal(fx->scheduled, 0);
	wr32(vf, REFDEV_REG_DMA_STATUS, REFDEV_DMA_STATUS_ERROR);
	fake_run(fx);
	expect_error(fx, vf, 1, REFDEV_DMA_ERR_WRITE, 2);
	assert_int_equal(m[VF_DATA], 0x11);
	/* CHECKSUM result write-back fails */
	fx->fn[1].bad_lo = VF_RING + 64 + 24;
	fx->fn[1].bad_hi = VF_RING + 64 + 32;
	dma_put(fx, 0, 2, OP_CSUM, 0, 8, VF_DATA, 0);
	wr32(vf, REFDEV_REG_DMA_STATUS, REFDEV_DMA_STATUS_ERROR);
	wr32(vf, REFDEV_REG_DMA_TAIL, 3);
	fake_run(fx);
	expect_error(fx, vf, 2, REFDEV_DMA_ERR_WRITE, 3);
	assert_int_equal(dma_get(fx, 0, 2).status,
			 REFDEV_DESC_S_DONE | (REFDEV_DMA_ERR_WRITE << REFDEV_DESC_S_ERR_SHIFT));
}

/* DEV-DMA-005: at most 64 descriptors or 4 MiB per step. */
static void dma_005_bounded(void **state)
{
	F;

	dma_enable(fx, 0, 256, false);
	for (uint32_t i = 0; i < 200; i++)
		dma_put(fx, 0, i, OP_NOP, 0, 0, 0, 0);
	wr32(vf, REFDEV_REG_DMA_TAIL, 200);
	fake_step(fx);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_HEAD), 64);
	assert_true(fx->scheduled);
	assert_int_equal(fake_run(fx), 3);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_HEAD), 200);
	/* 1 MiB fills: four per step, the fifth waits */
	for (uint32_t i = 200; i < 210; i++)
		dma_put(fx, 0, i, OP_FILL, 0, REFDEV_DMA_MAX_LEN, i, VF_DATA);
	wr32(vf, REFDEV_REG_DMA_TAIL, 210);
	fake_step(fx);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_HEAD), 204);
	fake_step(fx);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_HEAD), 208);
	/* mixed: 3 MiB + 0.5 MiB + 1 MiB: the last waits */
	dma_put(fx, 0, 210, OP_FILL, 0, 512 * 1024, 1, VF_DATA);
	dma_put(fx, 0, 211, OP_FILL, 0, REFDEV_DMA_MAX_LEN, 1, VF_DATA);
	wr32(vf, REFDEV_REG_DMA_TAIL, 212);
	fake_step(fx);		/* 208, 209 (2 MiB), 210 (0.5), 211 fits (3.5) */
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_HEAD), 212);
	assert_int_equal(fx->scheduled, 0);
}

/* DEV-DMA-001: clearing ENABLE stops the engine, HEAD = TAIL = 0. */
static void dma_001_disable(void **state)
{
	F;

	dma_enable(fx, 0, 128, false);
	for (uint32_t i = 0; i < 100; i++)
		dma_put(fx, 0, i, OP_NOP, 0, 0, 0, 0);
	wr32(vf, REFDEV_REG_DMA_TAIL, 100);
	fake_step(fx);
	wr32(vf, REFDEV_REG_DMA_CTRL, 0);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_HEAD), 0);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_TAIL), 0);
	fake_run(fx);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_DONE), 64);
	/* TAIL writes with ENABLE clear are ignored */
	wr32(vf, REFDEV_REG_DMA_TAIL, 5);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_TAIL), 0);
	assert_int_equal(fx->scheduled, 0);
}

/* ADM-002/003: P2P records the doorbell, runs nothing; resume runs it. */
static void dma_suspend_doorbell(void **state)
{
	F;

	dma_enable(fx, 0, 8, true);
	dma_put(fx, 0, 0, OP_FILL, F_IRQ, 8, 0x55, VF_DATA);
	refdev_vf_set_state(fx->d, &fx->d->vf[0], REFDEV_VF_P2P);
	wr32(vf, REFDEV_REG_DMA_TAIL, 1);
	assert_int_equal(fx->scheduled, 0);
	assert_int_equal(st(vf), REFDEV_DMA_STATUS_BUSY | REFDEV_DMA_STATUS_PAUSED);
	refdev_dev_run(fx->d);			/* a stray run does nothing */
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_HEAD), 0);
	refdev_vf_set_state(fx->d, &fx->d->vf[0], REFDEV_VF_STOP);
	refdev_vf_set_state(fx->d, &fx->d->vf[0], REFDEV_VF_RUNNING);
	assert_true(fx->scheduled);
	fake_run(fx);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_HEAD), 1);
	assert_int_equal(m[VF_DATA], 0x55);
	assert_int_equal(fake_irqs(fx, 1, 0), 1);
	/* STOP: the doorbell write itself is dropped */
	refdev_vf_set_state(fx->d, &fx->d->vf[0], REFDEV_VF_STOP);
	dma_put(fx, 0, 1, OP_NOP, 0, 0, 0, 0);
	wr32(vf, REFDEV_REG_DMA_TAIL, 2);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_TAIL), 1);
	refdev_vf_set_state(fx->d, &fx->d->vf[0], REFDEV_VF_RUNNING);
	assert_int_equal(fx->scheduled, 0);
}

/* DEV-DMA-006: MMIO from inside a DMA access is dropped. */
static void dma_006_no_reentry(void **state)
{
	F;

	wr32(vf, REFDEV_REG_SCRATCH, 1);
	dma_enable(fx, 0, 8, false);
	dma_put(fx, 0, 0, OP_FILL, 0, 8, 0x55, VF_DATA);
	wr32(vf, REFDEV_REG_DMA_TAIL, 1);
	fx->reenter = true;
	fake_run(fx);
	fx->reenter = false;
	assert_int_equal(fx->reenter_ok, 0);
	assert_int_equal(rd32(vf, REFDEV_REG_SCRATCH), 1);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_HEAD), 1);
}

/* A VF without a host object (detached) does no DMA. */
static void dma_detached(void **state)
{
	F;

	dma_enable(fx, 0, 8, false);
	dma_put(fx, 0, 0, OP_FILL, 0, 8, 0x55, VF_DATA);
	refdev_dev_vf_detach(fx->d, 0);
	assert_int_equal(fx->d->vf[0].dma.ctrl, 0);
	/* no MMIO reaches a slot without its VF */
	uint64_t v;
	assert_false(refdev_mmio_read(vf, REFDEV_BAR_REGS, REFDEV_REG_ID, 4, &v));
	assert_int_equal(v, 0);
	refdev_mmio_write(vf, REFDEV_BAR_REGS, REFDEV_REG_DMA_CTRL, 4, 1);
	assert_int_equal(fx->d->vf[0].dma.ctrl, 0);
	refdev_dev_run(fx->d);
	assert_int_equal(fx->nwr, 0);
	refdev_dev_vf_detach(fx->d, 99);	/* ignored */
	assert_null(refdev_dev_vf(fx->d, 0));
	/* raising on a detached function goes nowhere */
	refdev_dev_raise(vf, 0);
	assert_int_equal(fx->nirq, 0);
}

/* DEV-RST-001: host FLR resets the VF, its engine and its counters. */
static void rst_001_vf_flr(void **state)
{
	F;

	wr32(vf, REFDEV_REG_SCRATCH, 3);
	assert_true(refdev_mmio_write(vf, REFDEV_BAR_SRAM, 0x40, 8, ~0ull));
	dma_enable(fx, 0, 8, true);
	dma_put(fx, 0, 0, 9, 0, 0, 0, 0);
	wr32(vf, REFDEV_REG_DMA_TAIL, 1);
	fake_run(fx);
	assert_true(st(vf) & REFDEV_DMA_STATUS_ERROR);
	refdev_dev_vf_flr(fx->d, 0);
	for (uint64_t r = 0x100; r < 0x120; r += 4)
		assert_int_equal(rd32(vf, r), 0);
	assert_int_equal(rd32(vf, REFDEV_REG_SCRATCH), 0);
	assert_int_equal(rd32(vf, REFDEV_REG_RESET_COUNT), 1);
	assert_int_equal(vf->sram[0x40], 0);
	/* the other VF is untouched */
	assert_int_equal(rd32(fake_vf(fx, 1), REFDEV_REG_RESET_COUNT), 0);
}

int main(void)
{
#define T(t)	cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crc32c_check),
		T(dma_001_ring_validation),
		T(dma_003_ops),
		T(dma_004_errors),
		T(dma_004_fetch_writeback_faults),
		T(dma_005_bounded),
		T(dma_001_disable),
		T(dma_suspend_doorbell),
		T(dma_006_no_reentry),
		T(dma_detached),
		T(rst_001_vf_flr),
	};
	return cmocka_run_group_tests_name("refdev_dma", tests, NULL, NULL);
}
