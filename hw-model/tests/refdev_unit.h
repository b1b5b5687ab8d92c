/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * What every unit test (tests/test_*.c) includes: cmocka (with the headers
 * it wants before it), the fake host of refdev_fake.h, which then fails the
 * running test on a broken invariant, and the tests' helpers on it.
 */
#ifndef REFDEV_UNIT_H
#define REFDEV_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "refdev_fake.h"

static inline struct refdev_func *fake_vf(struct fake *fx, unsigned int i)
{
	return &fx->d->vf[i].func;
}

static inline uint8_t *fake_mem(struct fake *fx, int id)
{
	return fx->fn[id].mem;
}

static inline void wr32(struct refdev_func *f, uint64_t reg, uint32_t v)
{
	assert_true(refdev_mmio_write(f, REFDEV_BAR_REGS, reg, 4, v));
}

static inline uint32_t rd32(struct refdev_func *f, uint64_t reg)
{
	uint64_t v = 0;

	assert_true(refdev_mmio_read(f, REFDEV_BAR_REGS, reg, 4, &v));
	return (uint32_t)v;
}

static inline unsigned int fake_irqs(struct fake *fx, int id, unsigned int vec)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < fx->nirq; i++)
		n += fx->irq[i].id == id && fx->irq[i].vec == vec;
	return n;
}

/* ---- admin queue helpers ------------------------------------------------ */

struct aq_res {
	uint16_t cid, status, sq_head, phase;
	uint32_t result0, result1;
};

static inline void aq_enable(struct fake *fx, uint32_t size, bool irq)
{
	struct refdev_func *pf = &fx->d->pf;

	wr32(pf, REFDEV_REG_AQ_CTRL, 0);
	wr32(pf, REFDEV_REG_AQ_SQ_LO, (uint32_t)PF_SQ);
	wr32(pf, REFDEV_REG_AQ_SQ_HI, 0);
	wr32(pf, REFDEV_REG_AQ_CQ_LO, (uint32_t)PF_CQ);
	wr32(pf, REFDEV_REG_AQ_CQ_HI, 0);
	wr32(pf, REFDEV_REG_AQ_SIZE, size);
	wr32(pf, REFDEV_REG_AQ_CTRL, REFDEV_AQ_CTRL_ENABLE |
	     (irq ? REFDEV_AQ_CTRL_IRQ : 0));
	assert_int_equal(rd32(pf, REFDEV_REG_AQ_STATUS), REFDEV_AQ_STATUS_READY);
}

static inline struct refdev_aq_cmd aq_cmd(uint8_t op, uint16_t vf)
{
	static uint16_t cid;
	struct refdev_aq_cmd c;

	memset(&c, 0, sizeof(c));
	c.opcode = op;
	c.vf = vf;
	c.cid = ++cid;
	return c;
}

/* Writes @n commands into the SQ slots from the current tail (the host is
 * LE), with one doorbell write for all. */
static inline void aq_post_many(struct fake *fx, const struct refdev_aq_cmd *c,
				unsigned int n)
{
	struct refdev_func *pf = &fx->d->pf;
	uint32_t tail = rd32(pf, REFDEV_REG_AQ_SQ_TAIL);
	uint32_t size = rd32(pf, REFDEV_REG_AQ_SIZE);

	for (unsigned int i = 0; i < n; i++)
		memcpy(fake_mem(fx, 0) + PF_SQ + ((tail + i) & (size - 1)) * 64,
		       &c[i], 64);
	wr32(pf, REFDEV_REG_AQ_SQ_TAIL, (tail + n) & (size - 1));
}

static inline void aq_post(struct fake *fx, const struct refdev_aq_cmd *c)
{
	aq_post_many(fx, c, 1);
}

static inline struct aq_res aq_read_cpl(struct fake *fx, uint32_t idx)
{
	const uint8_t *p = fake_mem(fx, 0) + PF_CQ + idx * 16;
	struct aq_res r;

	r.cid = (uint16_t)refdev_le_get(p, 2);
	r.status = (uint16_t)refdev_le_get(p + 2, 2);
	r.result0 = (uint32_t)refdev_le_get(p + 4, 4);
	r.result1 = (uint32_t)refdev_le_get(p + 8, 4);
	r.sq_head = (uint16_t)refdev_le_get(p + 12, 2);
	r.phase = (uint16_t)refdev_le_get(p + 14, 2);
	return r;
}

/* Driver-side consumer state */
struct aq_drv {
	uint32_t head;
	uint16_t phase;
};

static inline bool aq_poll(struct fake *fx, struct aq_drv *drv,
			   struct aq_res *r)
{
	uint32_t size = rd32(&fx->d->pf, REFDEV_REG_AQ_SIZE);

	*r = aq_read_cpl(fx, drv->head);
	if ((r->phase & 1) != drv->phase)
		return false;
	drv->head = (drv->head + 1) & (size - 1);
	if (!drv->head)
		drv->phase ^= 1;
	wr32(&fx->d->pf, REFDEV_REG_AQ_CQ_HEAD, drv->head);
	return true;
}

/* Submits a command with the given fields, runs the device, returns its
 * completion. */
static inline struct aq_res aq_do(struct fake *fx, struct aq_drv *drv,
				  uint8_t op, uint16_t vf, uint32_t p0,
				  uint64_t p1, uint64_t p2, uint64_t addr,
				  uint32_t len)
{
	struct refdev_aq_cmd c = aq_cmd(op, vf);
	struct aq_res r;

	c.param0 = p0;
	c.param1 = p1;
	c.param2 = p2;
	c.addr = addr;
	c.len = len;
	aq_post(fx, &c);
	fake_run(fx);
	assert_true(aq_poll(fx, drv, &r));
	assert_int_equal(r.cid, c.cid);
	return r;
}

/* A fixture with the AQ enabled (size 8, no IRQ) and @nvfs VFs. */
struct afx {
	struct fake *fx;
	struct aq_drv drv;
};

/* (Re-)enables the AQ with @size slots; the driver starts at slot 0, phase 1. */
static inline void afx_enable(struct afx *a, uint32_t size, bool irq)
{
	aq_enable(a->fx, size, irq);
	a->drv = (struct aq_drv){ .phase = 1 };
}

static inline struct afx *afx_new(unsigned int nvfs)
{
	struct afx *a = test_calloc(1, sizeof(*a));

	a->fx = fake_new(8, nvfs);
	afx_enable(a, 8, false);
	return a;
}

static inline void afx_free(struct afx *a)
{
	fake_free(a->fx);
	test_free(a);
}

/* An AQ test file's fixture: setup() (or AFX_SETUP's @name) makes an afx
 * a with @nvfs VFs and runs @init on it, teardown() frees it; A declares a
 * and fx in a test. */
#define AFX_SETUP(name, nvfs, init)					\
	static int name(void **state)					\
	{								\
		struct afx *a = afx_new(nvfs);				\
		init;							\
		*state = a;						\
		return 0;						\
	}
#define AFX_FIXTURE(nvfs)	AFX_FIXTURE_INIT(nvfs, (void)a)
#define AFX_FIXTURE_INIT(nvfs, init)					\
	AFX_SETUP(setup, nvfs, init)					\
	static int teardown(void **state)				\
	{								\
		afx_free(*state);					\
		return 0;						\
	}
#define A	struct afx *a = *state; struct fake *fx = a->fx; (void)fx

static inline uint16_t aq_st(struct afx *a, uint8_t op, uint16_t vf,
			     uint32_t p0, uint64_t p1, uint64_t p2,
			     uint64_t addr, uint32_t len)
{
	return aq_do(a->fx, &a->drv, op, vf, p0, p1, p2, addr, len).status;
}

/* ---- DMA engine helpers ------------------------------------------------- */

static inline void dma_enable(struct fake *fx, unsigned int vf, uint32_t size,
			      bool irq)
{
	struct refdev_func *f = fake_vf(fx, vf);

	wr32(f, REFDEV_REG_DMA_RING_LO, (uint32_t)VF_RING);
	wr32(f, REFDEV_REG_DMA_RING_HI, 0);
	wr32(f, REFDEV_REG_DMA_RING_SIZE, size);
	wr32(f, REFDEV_REG_DMA_CTRL, REFDEV_DMA_CTRL_ENABLE |
	     (irq ? REFDEV_DMA_CTRL_IRQ : 0));
	assert_true(rd32(f, REFDEV_REG_DMA_CTRL) & REFDEV_DMA_CTRL_ENABLE);
}

static inline void dma_put(struct fake *fx, unsigned int vf, uint32_t idx,
			   uint8_t op, uint8_t flags, uint32_t len,
			   uint64_t src, uint64_t dst)
{
	struct refdev_dma_desc ds = {
		.opcode = op, .flags = flags, .len = len, .src = src, .dst = dst,
	};

	memcpy(fake_mem(fx, 1 + (int)vf) + VF_RING + idx * 32, &ds, 32);
}

static inline struct refdev_dma_desc dma_get(struct fake *fx, unsigned int vf,
					     uint32_t idx)
{
	struct refdev_dma_desc ds;

	memcpy(&ds, fake_mem(fx, 1 + (int)vf) + VF_RING + idx * 32, 32);
	return ds;
}

#endif /* REFDEV_UNIT_H */
