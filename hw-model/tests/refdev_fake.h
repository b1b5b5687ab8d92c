/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * The fake host of the refdev device object (refdev_dev.h), the one the
 * unit tests (tests/test_*.c) and the fuzz targets (fuzz/fuzz_*.c) share:
 * one memory array per function as its IOVA space (with an injectable
 * fault window), a log of device writes, recorded MSI-X, and deferred
 * work / timer that run only when the caller says so.  Included after
 * <cmocka.h> (refdev_unit.h, the unit tests' helpers) it fails the running
 * test; without cmocka (a fuzz target) a broken invariant abort()s, which
 * libFuzzer reports as a crash.
 */
#ifndef REFDEV_FAKE_H
#define REFDEV_FAKE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refdev_dev.h"

#ifdef CMOCKA_H_
#define FAKE_CHECK(cond, ...)	do { if (!(cond)) fail_msg(__VA_ARGS__); } while (0)
#else
#define FAKE_CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fake host: invariant violated: %s: ", #cond); \
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)
#define test_calloc	calloc
#define test_malloc	malloc
#define test_free	free
#endif

#define FAKE_PF_MEM	(1u << 20)
#define FAKE_VF_MEM	(8u << 20)
#define FAKE_FNS	(1 + REFDEV_MAX_VFS)
#define FAKE_LOG	4096
#define FAKE_IRQS	1024

/* PF memory layout used by the helpers */
#define PF_SQ		0x10000ull
#define PF_CQ		0x20000ull
#define PF_BUF		0x40000ull	/* data buffers */
#define PF_BUF2		0x80000ull
/* VF memory layout */
#define VF_RING		0x1000ull
#define VF_DATA		0x100000ull

struct fake;

struct fake_fn {
	struct fake *fx;
	int id;				/* 0 PF, 1 + i VF i */
	uint8_t *mem;
	uint64_t size;
	uint64_t bad_lo, bad_hi;	/* DMA to [lo, hi) fails */
	bool bad_wonly;			/* ... only writes */
};

struct fake_wr {
	int id;
	uint64_t addr;
	uint32_t len;
};

struct fake {
	struct refdev_dev *d;
	struct fake_fn fn[FAKE_FNS];
	unsigned int scheduled;		/* schedule() calls not yet run */
	unsigned int steps;
	bool timer_armed;
	uint64_t timer_due, now;
	unsigned int fn_resets;
	struct fake_wr wr[FAKE_LOG];
	unsigned int nwr;
	struct { int id; unsigned int vec; } irq[FAKE_IRQS];
	unsigned int nirq;
	bool reenter;			/* MMIO from inside DMA (DEV-DMA-006) */
	unsigned int reenter_ok;	/* ... that the core accepted */
	unsigned int max_dma;		/* largest single host access */
	uint64_t step_bytes;		/* host bytes the device moved this step */
	bool strict;			/* fuzz: no IRQ from a suspended VF */
};

static inline bool fake_ok(struct fake_fn *fn, uint64_t a, uint32_t len,
			   bool write)
{
	FAKE_CHECK(len && len <= REFDEV_DMA_XFER &&
		   (a & ~0xfffull) == ((a + len - 1) & ~0xfffull),
		   "host access crosses a 4 KiB page: %#llx+%u", (unsigned long long)a, len);
	fn->fx->step_bytes += len;
	if (len > fn->fx->max_dma)
		fn->fx->max_dma = len;
	if (!fn->mem || a >= fn->size || len > fn->size - a)
		return false;
	return a + len <= fn->bad_lo || a >= fn->bad_hi ||
	       (fn->bad_wonly && !write);
}

static inline void fake_reenter(struct fake_fn *fn)
{
	struct fake *fx = fn->fx;
	struct refdev_func *f = fn->id ? &fx->d->vf[fn->id - 1].func : &fx->d->pf;
	uint64_t v;

	if (!fx->reenter)
		return;
	fx->reenter_ok += refdev_mmio_write(f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH,
					    4, 0xbad);
	fx->reenter_ok += refdev_mmio_read(f, REFDEV_BAR_SRAM, 0, 4, &v);
	FAKE_CHECK(!fx->strict || !fx->reenter_ok, "MMIO accepted during DMA");
}

static inline bool fake_dma_read(void *opaque, uint64_t a, void *buf,
				 uint32_t len)
{
	struct fake_fn *fn = opaque;

	fake_reenter(fn);
	if (!fake_ok(fn, a, len, false))
		return false;
	memcpy(buf, fn->mem + a, len);
	return true;
}

static inline bool fake_dma_write(void *opaque, uint64_t a, const void *buf,
				  uint32_t len)
{
	struct fake_fn *fn = opaque;
	struct fake *fx = fn->fx;

	fake_reenter(fn);
	if (!fake_ok(fn, a, len, true))
		return false;
	memcpy(fn->mem + a, buf, len);
	if (fx->nwr < FAKE_LOG)
		fx->wr[fx->nwr++] = (struct fake_wr){ fn->id, a, len };
	return true;
}

static inline void fake_raise(void *opaque, unsigned int vec)
{
	struct fake_fn *fn = opaque;
	struct fake *fx = fn->fx;

	if (fx->strict) {
		FAKE_CHECK(vec < 4, "vector %u", vec);
		FAKE_CHECK(!fn->id || fx->d->vf[fn->id - 1].state == REFDEV_VF_RUNNING,
			   "IRQ from a suspended VF %d", fn->id - 1);
	}
	FAKE_CHECK(fx->strict || fx->nirq < FAKE_IRQS, "more than %d interrupts", FAKE_IRQS);
	if (fx->nirq < FAKE_IRQS) {
		fx->irq[fx->nirq].id = fn->id;
		fx->irq[fx->nirq++].vec = vec;
	}
}

static inline void fake_schedule(void *opaque)
{
	((struct fake_fn *)opaque)->fx->scheduled++;
}

static inline void fake_timer_arm(void *opaque, uint64_t ns)
{
	struct fake *fx = ((struct fake_fn *)opaque)->fx;

	fx->timer_armed = true;
	fx->timer_due = ns;
}

static inline uint64_t fake_now(void *opaque)
{
	return ((struct fake_fn *)opaque)->fx->now;
}

static inline void fake_fn_reset(void *opaque)
{
	((struct fake_fn *)opaque)->fx->fn_resets++;
}

/* A host that takes no MSI-X (DEV-REG-006 without a raise_msix op). */
static const struct refdev_ops fake_no_raise_ops = { .raise_msix = NULL };

static const struct refdev_ops fake_dev_ops = {
	.raise_msix = fake_raise,
	.dma_read = fake_dma_read,
	.dma_write = fake_dma_write,
	.schedule = fake_schedule,
	.timer_arm = fake_timer_arm,
	.now_ns = fake_now,
	.function_reset = fake_fn_reset,
};

/* PF with total_vfs possible VFs, nvfs of them attached; pf_mem/vf_mem
 * bytes of IOVA space each. */
static inline struct fake *fake_new_sized(uint16_t total_vfs, unsigned int nvfs,
					  uint32_t pf_mem, uint32_t vf_mem)
{
	struct fake *fx = test_calloc(1, sizeof(*fx));

	fx->d = test_malloc(sizeof(*fx->d));
	memset(fx->d, 0xa5, sizeof(*fx->d));	/* init must not rely on zeroes */
	for (int i = 0; i < FAKE_FNS; i++) {
		fx->fn[i].fx = fx;
		fx->fn[i].id = i;
	}
	fx->fn[0].size = pf_mem;
	fx->fn[0].mem = test_calloc(1, pf_mem);
	refdev_dev_init(fx->d, &fake_dev_ops, &fx->fn[0], total_vfs);
	for (unsigned int i = 0; i < nvfs; i++) {
		fx->fn[1 + i].size = vf_mem;
		fx->fn[1 + i].mem = test_calloc(1, vf_mem);
		FAKE_CHECK(refdev_dev_vf_attach(fx->d, (uint16_t)i, &fx->fn[1 + i]),
			   "attaching VF %u", i);
	}
	return fx;
}

static inline struct fake *fake_new(uint16_t total_vfs, unsigned int nvfs)
{
	return fake_new_sized(total_vfs, nvfs, FAKE_PF_MEM, FAKE_VF_MEM);
}

static inline void fake_free(struct fake *fx)
{
	refdev_dev_fini(fx->d);
	for (int i = 0; i < FAKE_FNS; i++)
		if (fx->fn[i].mem)
			test_free(fx->fn[i].mem);
	test_free(fx->d);
	test_free(fx);
}

/* Runs deferred work until idle; returns the number of steps. */
static inline unsigned int fake_run(struct fake *fx)
{
	unsigned int n = 0;

	while (fx->scheduled) {
		fx->scheduled = 0;
		refdev_dev_run(fx->d);
		n++;
		FAKE_CHECK(n < 100000, "deferred work never ends");
	}
	fx->steps += n;
	return n;
}

/* One step only (DEV-DMA-005 tests). */
static inline void fake_step(struct fake *fx)
{
	FAKE_CHECK(fx->scheduled > 0, "no deferred work to step");
	fx->scheduled = 0;
	refdev_dev_run(fx->d);
}

/* ---- the fuzz targets' host ---------------------------------------------- */

#define FAKE_FUZZ_FNS	3		/* PF + 2 VFs */
#define FAKE_FUZZ_MEM	(256u * 1024)	/* IOVA space each function reaches */

/* PF (4 VFs possible) + 2 VFs, FAKE_FUZZ_MEM reachable each, every
 * invariant on: MMIO from inside DMA refused (DEV-DMA-006), no interrupt
 * from a suspended VF. */
static inline struct fake *fake_new_fuzz(void)
{
	struct fake *fx = fake_new_sized(4, FAKE_FUZZ_FNS - 1, FAKE_FUZZ_MEM, FAKE_FUZZ_MEM);

	fx->strict = true;
	fx->reenter = true;
	return fx;
}

/* Up to max steps of deferred work, each within DEV-DMA-005's bound: 2
 * engines * (4 MiB data + 64 * (fetch + write-backs)) + 8 admin commands
 * of at most 64 KiB + 128 KiB (a bitmap) each. */
static inline void fake_run_max(struct fake *fx, unsigned int max)
{
	for (unsigned int i = 0; i < max && fx->scheduled; i++) {
		fx->scheduled = 0;
		fx->step_bytes = 0;
		refdev_dev_run(fx->d);
		FAKE_CHECK(fx->step_bytes <= 2 * ((4u << 20) + 64 * 64) + 8 * (200u << 10),
			   "step moved %llu bytes", (unsigned long long)fx->step_bytes);
	}
}

#endif /* REFDEV_FAKE_H */
