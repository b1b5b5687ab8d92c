// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * libFuzzer target: loading migration streams (SPEC 1.9, STR-010, ADM-006).
 *
 * Input: 1 flag byte, then the stream.
 *   bit 0: VF 0 has a loaded base (DELTA/FINAL allowed)
 *   bit 1: load through the admin queue (VF_LOAD) instead of directly
 *   bit 2: VF 0 starts with non-zero state
 *   bit 3: the device has FUZZ_MEM bytes of device memory per VF (DEV-MEM-001,
 *     STR-007/008)
 * Invariants (abort() on violation):
 *   - refdev_stream_check and refdev_stream_load agree;
 *   - a rejected stream changes nothing (all VF state compared);
 *   - an accepted one leaves a VF whose FULL save loads into VF 1 and
 *     reproduces the same state; the VF then runs without breaking the
 *     DEV-DMA-005 bound or any host invariant (refdev_fake.h).
 */
#include "refdev_fake.h"

#define FUZZ_MEM	(2 * REFDEV_MEM_PAGE)

struct vf_state {
	uint32_t scratch;
	uint32_t r[9];
	bool doorbell, base;
	uint8_t sram[REFDEV_BAR_SRAM_SIZE];
	uint8_t mem[FUZZ_MEM];
};

static void grab(const struct refdev_vf *v, struct vf_state *s)
{
	const struct refdev_dma *e = &v->dma;
	const uint32_t r[9] = { e->ring_lo, e->ring_hi, e->size, e->ctrl,
				e->head, e->tail, e->status, e->done, 0 };

	memset(s, 0, sizeof(*s));
	s->scratch = v->func.scratch;
	memcpy(s->r, r, sizeof(r));
	s->doorbell = e->doorbell;
	s->base = v->base_loaded;
	memcpy(s->sram, v->func.sram, sizeof(s->sram));
	if (v->func.dev->mem_size)
		FAKE_CHECK(refdev_mem_read(v->func.dev, v, 0, s->mem, FUZZ_MEM), "mem");
}

static bool same(const struct vf_state *a, const struct vf_state *b, bool base)
{
	return a->scratch == b->scratch && !memcmp(a->r, b->r, sizeof(a->r)) &&
	       a->doorbell == b->doorbell && (!base || a->base == b->base) &&
	       !memcmp(a->sram, b->sram, sizeof(a->sram)) &&
	       !memcmp(a->mem, b->mem, sizeof(a->mem));
}

static void prestate(struct fake *h)
{
	struct refdev_vf *v = &h->d->vf[0];

	v->func.scratch = 0x1234;
	memset(v->func.sram, 0x5a, sizeof(v->func.sram));
	v->dma.ring_lo = 0x1000;
	v->dma.size = 8;
	v->dma.ctrl = REFDEV_DMA_CTRL_ENABLE;
	v->dma.head = 3;
	v->dma.tail = 5;
	v->dma.done = 3;
	if (h->d->mem_size)
		refdev_mem_write(h->d, v, REFDEV_MEM_PAGE - 4, "mem!state", 9);
}

/* VF_LOAD through a 2-entry admin queue; returns the STR error code. */
static uint32_t load_aq(struct fake *h, const uint8_t *s, size_t n)
{
	struct refdev_func *pf = &h->d->pf;
	uint8_t *m = h->fn[0].mem, cmd[64] = { 0 };
	size_t room = FAKE_FUZZ_MEM - 0x1000;

	if (n > room)
		n = room;
	memcpy(m + 0x1000, s, n);
	refdev_mmio_write(pf, 0, REFDEV_REG_AQ_SQ_LO, 4, 0);
	refdev_mmio_write(pf, 0, REFDEV_REG_AQ_CQ_LO, 4, 0x800);
	refdev_mmio_write(pf, 0, REFDEV_REG_AQ_SIZE, 4, 2);
	refdev_mmio_write(pf, 0, REFDEV_REG_AQ_CTRL, 4, 1);
	cmd[0] = REFDEV_AQ_VF_LOAD;
	refdev_le_put(cmd + 8, 0x1000, 8);
	refdev_le_put(cmd + 16, n, 4);
	memcpy(m, cmd, 64);
	memset(m + 0x800, 0, 16);
	refdev_mmio_write(pf, 0, REFDEV_REG_AQ_SQ_TAIL, 4, 1);
	fake_run_max(h, 4);
	FAKE_CHECK(m[0x800 + 14] & 1, "no completion");
	if (refdev_le_get(m + 0x802, 2) == REFDEV_AQ_S_OK)
		return 0;
	FAKE_CHECK(refdev_le_get(m + 0x802, 2) == REFDEV_AQ_S_STREAM_INVALID,
	      "status %llu", (unsigned long long)refdev_le_get(m + 0x802, 2));
	return (uint32_t)refdev_le_get(m + 0x804, 4);
}

static void round_trip(struct fake *h)
{
	static uint8_t buf[REFDEV_STREAM_MAX_SIZE];
	struct refdev_vf *v0 = &h->d->vf[0], *v1 = &h->d->vf[1];
	struct vf_state a, b;
	uint32_t n = refdev_stream_save(v0, REFDEV_SAVE_FULL, buf);

	FAKE_CHECK(n == refdev_stream_size_vf(v0, true, REFDEV_SAVE_FULL), "size %u", n);
	v1->state = REFDEV_VF_STOP;
	FAKE_CHECK(refdev_stream_load(v1, buf, n) == 0, "re-load of a save failed");
	grab(v0, &a);
	grab(v1, &b);
	FAKE_CHECK(same(&a, &b, false), "FULL round trip differs");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fake *h = fake_new_fuzz();
	struct refdev_vf *v0 = &h->d->vf[0];
	struct vf_state before, after;
	uint32_t err, chk;
	uint8_t flags;

	if (size < 1)
		goto out;
	flags = data[0];
	data++;
	size--;
	if (flags & 8)
		refdev_dev_set_mem_size(h->d, FUZZ_MEM);
	if (flags & 4)
		prestate(h);
	v0->state = REFDEV_VF_STOP;
	v0->base_loaded = flags & 1;
	grab(v0, &before);
	chk = refdev_stream_check(v0, data, (uint32_t)(size > UINT32_MAX ? UINT32_MAX : size));
	err = (flags & 2) ? load_aq(h, data, size) :
			    refdev_stream_load(v0, data, (uint32_t)size);
	FAKE_CHECK(err <= REFDEV_STREAM_E_ORDER, "error %u", err);
	if (!(flags & 2) || size <= REFDEV_STREAM_MAX_SIZE)
		FAKE_CHECK(err == chk, "check %u != load %u", chk, err);
	grab(v0, &after);
	if (err) {
		FAKE_CHECK(same(&before, &after, true), "rejected stream changed state");
		goto out;
	}
	round_trip(h);
	/* the loaded engine state runs safely */
	refdev_vf_set_state(h->d, v0, REFDEV_VF_RUNNING);
	fake_run_max(h, 8);
out:
	fake_free(h);
	return 0;
}
