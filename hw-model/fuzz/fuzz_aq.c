// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * libFuzzer target: admin-command sequences (SPEC 1.8, ADM-*) mixed with
 * MMIO on the PF and VFs, host memory writes, deferred-work steps, timer
 * expiries, FLRs and PF resets (1.6-1.11).
 *
 * Input: a sequence of operations, each an opcode byte (low 3 bits):
 *   0 submit: 64 command bytes (vf taken mod 4; bit 3 of the opcode keeps
 *     addr raw, else addr &= 0x3ffff so buffers are mostly reachable)
 *   1 PF register write: reg byte (0x100 + 4 * (b % 12)), u32 value
 *   2 VF register write: vf byte, reg byte (4 * b), u32 value
 *   3 host memory: fn byte, u16 offset, 32 bytes
 *   4 one step of deferred work
 *   5 time passes: u16 microseconds; the timer fires if due
 *   6 reset: byte: 0 PF reset (+ re-attach), 1..2 FLR of VF 0..1,
 *     3..4 detach / re-attach VF 0 (mod 5); bit 7 set: instead toggles
 *     synchronous completion (DEV-AQ-018)
 *   7 the driver consumes every completion (CQ_HEAD = device's tail)
 * The device has FUZZ_MEM bytes of device memory per VF (DEV-MEM-001), so
 * saves carry STR-007/008 sections and the chunked commands (ADM-014/015)
 * stage them.
 * Invariants (refdev_fake.h and after every operation): indices inside the
 * rings, status consistent, dirty state consistent, no interrupt from a
 * suspended VF, no MMIO during DMA, each step and each doorbell write
 * bounded (DEV-DMA-005, DEV-AQ-018).
 */
#include "refdev_fake.h"

#define SQ	0x0ull
#define CQ	0x4000ull
#define DEPTH	16u
#define FUZZ_MEM	REFDEV_MEM_PAGE

static void aq_setup(struct fake *h)
{
	struct refdev_func *pf = &h->d->pf;

	refdev_mmio_write(pf, 0, REFDEV_REG_AQ_SQ_LO, 4, SQ);
	refdev_mmio_write(pf, 0, REFDEV_REG_AQ_CQ_LO, 4, CQ);
	refdev_mmio_write(pf, 0, REFDEV_REG_AQ_SIZE, 4, DEPTH);
	refdev_mmio_write(pf, 0, REFDEV_REG_AQ_CTRL, 4, 3);
}

static void check(struct fake *h)
{
	const struct refdev_aq *q = &h->d->aq;

	FAKE_CHECK(q->status != (REFDEV_AQ_STATUS_READY | REFDEV_AQ_STATUS_FATAL),
	      "status %#x", q->status);
	if (q->status == REFDEV_AQ_STATUS_READY)
		FAKE_CHECK(q->sq_head < q->size && q->sq_tail < q->size &&
		      q->cq_head < q->size && q->cq_tail < q->size &&
		      q->phase <= 1, "AQ indices");
	for (int i = 0; i < REFDEV_MAX_VFS; i++) {
		const struct refdev_vf *v = &h->d->vf[i];

		FAKE_CHECK(v->state <= REFDEV_VF_STOP, "state %u", v->state);
		FAKE_CHECK(!(v->dma.ctrl & ~3u), "ctrl %#x", v->dma.ctrl);
		if (v->dma.ctrl & REFDEV_DMA_CTRL_ENABLE)
			FAKE_CHECK(v->dma.size && v->dma.size <= REFDEV_DMA_RING_MAX &&
			      v->dma.head < v->dma.size && v->dma.tail < v->dma.size,
			      "DMA indices");
		else
			FAKE_CHECK(!v->dma.head && !v->dma.tail && !v->dma.doorbell,
			      "disabled engine not idle");
		FAKE_CHECK(v->dirty.on == (v->dirty.bits != NULL) &&
		      v->dirty.npages <= REFDEV_DIRTY_MAX_PAGES, "dirty state");
		FAKE_CHECK(v->present || (!v->dirty.on && !v->dma.ctrl),
		      "absent VF %d has state", i);
		FAKE_CHECK(v->stage.len <= v->stage.total &&
		      (v->stage.loading ? v->stage.total : v->stage.prefix) <=
		      v->stage.cap && v->stage.prefix <= v->stage.total &&
		      v->stage.total <= refdev_stream_limit(h->d) &&
		      v->stage.cap <= refdev_stream_limit(h->d) &&
		      (!v->stage.total || v->stage.buf), "staging of VF %d", i);
	}
}

/* DEV-AQ-018: a doorbell write runs at most 8 short commands. */
static void doorbell(struct fake *h, uint64_t reg, uint32_t val)
{
	h->step_bytes = 0;
	refdev_mmio_write(&h->d->pf, 0, reg, 4, val);
	FAKE_CHECK(h->step_bytes <= REFDEV_AQ_STEP_CMDS *
		   (REFDEV_AQ_SYNC_BYTES + 64 + 16),
		   "doorbell moved %llu bytes", (unsigned long long)h->step_bytes);
}

static void submit(struct fake *h, const uint8_t *c, bool raw)
{
	uint8_t cmd[64];
	uint32_t tail = h->d->aq.sq_tail;

	memcpy(cmd, c, 64);
	cmd[4] &= 3;
	cmd[5] = cmd[4] == 3 ? 0xff : 0;	/* 3 -> 0xffff (any VF) */
	if (cmd[4] == 3)
		cmd[4] = 0xff;
	if (!raw) {
		uint64_t a = refdev_le_get(cmd + 8, 8) & 0x3ffff;

		refdev_le_put(cmd + 8, a, 8);
	}
	memcpy(h->fn[0].mem + SQ + tail * 64, cmd, 64);
	doorbell(h, REFDEV_REG_AQ_SQ_TAIL, (tail + 1) % DEPTH);
}

static void do_reset(struct fake *h, uint8_t b)
{
	if (b & 0x80) {
		refdev_dev_set_aq_sync(h->d, !h->d->aq_sync);
		return;
	}
	switch (b % 5) {
	case 0:
		refdev_dev_pf_reset(h->d);
		refdev_dev_vf_attach(h->d, 0, &h->fn[1]);
		refdev_dev_vf_attach(h->d, 1, &h->fn[2]);
		aq_setup(h);
		break;
	case 1:
	case 2:
		refdev_dev_vf_flr(h->d, (uint16_t)(b % 5 - 1));
		break;
	case 3:
		refdev_dev_vf_detach(h->d, 0);
		break;
	default:
		refdev_dev_vf_attach(h->d, 0, &h->fn[1]);
		break;
	}
}

static void time_passes(struct fake *h, uint16_t us)
{
	h->now += (uint64_t)us * 1000;
	if (h->timer_armed && h->now >= h->timer_due) {
		h->timer_armed = false;
		refdev_dev_timer(h->d);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n)
{
	struct fake *h = fake_new_fuzz();
	const uint8_t *end = p + n;
	uint64_t v;

	refdev_dev_set_mem_size(h->d, FUZZ_MEM);
	aq_setup(h);
	while (p < end) {
		uint8_t op = *p++;
		size_t left = (size_t)(end - p);

		switch (op & 7) {
		case 0:
			if (left < 64)
				goto out;
			submit(h, p, op & 8);
			p += 64;
			break;
		case 1:
			if (left < 5)
				goto out;
			doorbell(h, 0x100 + 4 * (p[0] % 12), (uint32_t)refdev_le_get(p + 1, 4));
			p += 5;
			break;
		case 2:
			if (left < 6)
				goto out;
			refdev_mmio_write(&h->d->vf[p[0] & 1].func, (op & 8) ? 2 : 0,
					  4u * p[1], 4, refdev_le_get(p + 2, 4));
			refdev_mmio_read(&h->d->vf[p[0] & 1].func, 0, 4u * p[1], 4, &v);
			p += 6;
			break;
		case 3:
			if (left < 35)
				goto out;
			memcpy(h->fn[p[0] % FAKE_FUZZ_FNS].mem +
			       (refdev_le_get(p + 1, 2) << 2) % (FAKE_FUZZ_MEM - 32), p + 3, 32);
			p += 35;
			break;
		case 4:
			fake_run_max(h, 1);
			break;
		case 5:
			if (left < 2)
				goto out;
			time_passes(h, (uint16_t)refdev_le_get(p, 2));
			p += 2;
			break;
		case 6:
			if (left < 1)
				goto out;
			do_reset(h, *p++);
			break;
		default:
			doorbell(h, REFDEV_REG_AQ_CQ_HEAD, h->d->aq.cq_tail);
			break;
		}
		check(h);
	}
out:
	fake_run_max(h, 64);
	check(h);
	fake_free(h);
	return 0;
}
