/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * Minimal host for the refdev device object in the fuzz targets: a memory
 * array per function as its IOVA space, counters for MSI-X and schedule,
 * and invariant checks that abort() (libFuzzer reports a crash).
 */
#ifndef FUZZ_HOST_H
#define FUZZ_HOST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refdev_dev.h"

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz: invariant violated: %s: ", #cond); \
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

#define FH_NFN		3		/* PF + 2 VFs */
#define FH_MEM		(256u * 1024)

struct fh;

struct fh_fn {
	struct fh *h;
	int id;
	uint8_t mem[FH_MEM];
};

struct fh {
	struct refdev_dev *d;
	struct fh_fn fn[FH_NFN];
	unsigned int scheduled;
	uint64_t now, due;
	bool armed;
	uint64_t step_bytes;		/* device-accessed bytes in this step */
	unsigned int irqs;
};

static bool fh_ok(struct fh_fn *fn, uint64_t a, uint32_t len)
{
	CHECK(len && len <= REFDEV_DMA_XFER &&
	      (a & ~0xfffull) == ((a + len - 1) & ~0xfffull),
	      "host access %#llx+%u crosses a page", (unsigned long long)a, len);
	fn->h->step_bytes += len;
	return a < FH_MEM && len <= FH_MEM - a;
}

static bool fh_read(void *o, uint64_t a, void *buf, uint32_t len)
{
	struct fh_fn *fn = o;
	uint64_t v;

	/* DEV-DMA-006: MMIO from inside DMA must be refused */
	CHECK(!refdev_mmio_read(fn->id ? &fn->h->d->vf[fn->id - 1].func :
				&fn->h->d->pf, REFDEV_BAR_REGS, 0, 4, &v),
	      "MMIO accepted during DMA");
	if (!fh_ok(fn, a, len))
		return false;
	memcpy(buf, fn->mem + a, len);
	return true;
}

static bool fh_write(void *o, uint64_t a, const void *buf, uint32_t len)
{
	struct fh_fn *fn = o;

	CHECK(!refdev_mmio_write(fn->id ? &fn->h->d->vf[fn->id - 1].func :
				 &fn->h->d->pf, REFDEV_BAR_REGS,
				 REFDEV_REG_SCRATCH, 4, 1),
	      "MMIO accepted during DMA");
	if (!fh_ok(fn, a, len))
		return false;
	memcpy(fn->mem + a, buf, len);
	return true;
}

static void fh_raise(void *o, unsigned int vec)
{
	struct fh_fn *fn = o;

	CHECK(vec < 4, "vector %u", vec);
	if (fn->id)
		CHECK(fn->h->d->vf[fn->id - 1].state == REFDEV_VF_RUNNING,
		      "IRQ from a suspended VF %d", fn->id - 1);
	fn->h->irqs++;
}

static void fh_schedule(void *o)
{
	((struct fh_fn *)o)->h->scheduled++;
}

static void fh_timer(void *o, uint64_t ns)
{
	struct fh *h = ((struct fh_fn *)o)->h;

	h->armed = true;
	h->due = ns;
}

static uint64_t fh_now(void *o)
{
	return ((struct fh_fn *)o)->h->now;
}

static const struct refdev_ops fh_ops = {
	.raise_msix = fh_raise,
	.dma_read = fh_read,
	.dma_write = fh_write,
	.schedule = fh_schedule,
	.timer_arm = fh_timer,
	.now_ns = fh_now,
};

static struct fh *fh_new(void)
{
	struct fh *h = calloc(1, sizeof(*h));

	h->d = malloc(sizeof(*h->d));
	for (int i = 0; i < FH_NFN; i++) {
		h->fn[i].h = h;
		h->fn[i].id = i;
	}
	refdev_dev_init(h->d, &fh_ops, &h->fn[0], 4);
	for (int i = 1; i < FH_NFN; i++)
		refdev_dev_vf_attach(h->d, (uint16_t)(i - 1), &h->fn[i]);
	return h;
}

static void fh_free(struct fh *h)
{
	refdev_dev_fini(h->d);
	free(h->d);
	free(h);
}

/* One step of deferred work, with DEV-DMA-005's bound checked. */
static void fh_step(struct fh *h)
{
	if (!h->scheduled)
		return;
	h->scheduled = 0;
	h->step_bytes = 0;
	refdev_dev_run(h->d);
	/* 2 engines * (4 MiB data + 64 * (fetch + write-backs)) + 8 AQ
	 * commands of at most 64 KiB + 128 KiB (a bitmap) each */
	CHECK(h->step_bytes <= 2 * ((4u << 20) + 64 * 64) + 8 * (200u << 10),
	      "step moved %llu bytes", (unsigned long long)h->step_bytes);
}

static void fh_run(struct fh *h, unsigned int max)
{
	for (unsigned int i = 0; i < max && h->scheduled; i++)
		fh_step(h);
}

#endif /* FUZZ_HOST_H */
