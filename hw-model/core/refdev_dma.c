// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * VF DMA engine (SPEC 1.7, DEV-DMA-*). Runs only from refdev_dev_run(),
 * never from MMIO: a doorbell just schedules work.
 */
#include <string.h>

#include "refdev_dev.h"

#define DESC_SIZE	32u
#define DESC_STATUS_OFF	2u
#define DESC_RESULT_OFF	24u

static uint64_t ring_base(const struct refdev_dma *e)
{
	return ((uint64_t)e->ring_hi << 32) | e->ring_lo;
}

/* DEV-DMA-001: 64-byte aligned, 1..1024 entries, power of 2, no wrap. */
static bool ring_valid(const struct refdev_dma *e)
{
	uint64_t base = ring_base(e);

	if ((base & 63) || !e->size || e->size > REFDEV_DMA_RING_MAX ||
	    (e->size & (e->size - 1)))
		return false;
	return base <= UINT64_MAX - (uint64_t)e->size * DESC_SIZE + 1;
}

uint32_t refdev_dma_reg_read(struct refdev_vf *vf, uint64_t reg)
{
	const struct refdev_dma *e = &vf->dma;
	uint32_t st;

	switch (reg) {
	case REFDEV_REG_DMA_RING_LO:	return e->ring_lo;
	case REFDEV_REG_DMA_RING_HI:	return e->ring_hi;
	case REFDEV_REG_DMA_RING_SIZE:	return e->size;
	case REFDEV_REG_DMA_CTRL:	return e->ctrl;
	case REFDEV_REG_DMA_HEAD:	return e->head;
	case REFDEV_REG_DMA_TAIL:	return e->tail;
	case REFDEV_REG_DMA_DONE:	return e->done;
	case REFDEV_REG_DMA_STATUS:
		st = e->status;
		if ((e->ctrl & REFDEV_DMA_CTRL_ENABLE) && e->doorbell &&
		    !(st & REFDEV_DMA_STATUS_ERROR) && e->head != e->tail)
			st |= REFDEV_DMA_STATUS_BUSY;
		if (vf->state != REFDEV_VF_RUNNING)
			st |= REFDEV_DMA_STATUS_PAUSED;
		return st;
	default:
		return 0;
	}
}

static void ctrl_write(struct refdev_dma *e, uint32_t val)
{
	bool was_on = e->ctrl & REFDEV_DMA_CTRL_ENABLE;

	val &= REFDEV_DMA_CTRL_ENABLE | REFDEV_DMA_CTRL_IRQ;
	if ((val & REFDEV_DMA_CTRL_ENABLE) && !was_on && !ring_valid(e)) {
		e->status = REFDEV_DMA_STATUS_ERROR |
			    (REFDEV_DMA_ERR_RING << REFDEV_DMA_STATUS_ERRCODE_SHIFT);
		val &= ~REFDEV_DMA_CTRL_ENABLE;
	}
	if (!(val & REFDEV_DMA_CTRL_ENABLE)) {
		/* Steps are atomic, so "after the current descriptor" is now. */
		e->head = e->tail = 0;
		e->doorbell = false;
	}
	e->ctrl = val;
}

void refdev_dma_reg_write(struct refdev_dev *d, struct refdev_vf *vf,
			  uint64_t reg, uint32_t val)
{
	struct refdev_dma *e = &vf->dma;
	bool on = e->ctrl & REFDEV_DMA_CTRL_ENABLE;

	switch (reg) {
	case REFDEV_REG_DMA_RING_LO:	/* ring geometry is fixed while on */
		if (!on)
			e->ring_lo = val;
		break;
	case REFDEV_REG_DMA_RING_HI:
		if (!on)
			e->ring_hi = val;
		break;
	case REFDEV_REG_DMA_RING_SIZE:
		if (!on)
			e->size = val;
		break;
	case REFDEV_REG_DMA_CTRL:
		ctrl_write(e, val);
		break;
	case REFDEV_REG_DMA_TAIL:
		if (!on)
			break;
		e->tail = val & (e->size - 1);
		e->doorbell = true;	/* DEV-DMA-008: recorded even while suspended */
		break;
	case REFDEV_REG_DMA_STATUS:
		if (val & REFDEV_DMA_STATUS_ERROR)
			e->status = 0;
		break;
	default:
		return;
	}
	if (refdev_dma_runnable(vf))
		refdev_dev_kick(d);
}

/* ---- descriptor execution ---------------------------------------------- */

/* DEV-DMA-009: no host access crosses a 4 KiB IOVA boundary. */
static uint32_t xfer_len(uint64_t a, uint64_t b, uint32_t left)
{
	uint64_t n = REFDEV_DMA_XFER - (a & (REFDEV_DMA_XFER - 1));
	uint64_t m = REFDEV_DMA_XFER - (b & (REFDEV_DMA_XFER - 1));

	if (m < n)
		n = m;
	return n < left ? (uint32_t)n : left;
}

/* DEV-DMA-007, DRT-004: every engine write is recorded if tracked. */
static bool eng_write(struct refdev_dev *d, struct refdev_vf *vf,
		      uint64_t addr, const void *buf, uint32_t len)
{
	if (!refdev_dev_dma_write(d, &vf->func, addr, buf, len))
		return false;
	refdev_dirty_record(&vf->dirty, addr, len);
	return true;
}

/* DEV-MEM-002: the descriptor's flags say which side is device memory. */
static bool src_read(struct refdev_dev *d, struct refdev_vf *vf,
		     const struct refdev_dma_desc *ds, uint64_t src, void *buf,
		     uint32_t n)
{
	if (ds->flags & REFDEV_DESC_F_SRC_MEM)
		return refdev_mem_read(d, vf, src, buf, n);
	return refdev_dev_dma_read(d, &vf->func, src, buf, n);
}

static bool dst_write(struct refdev_dev *d, struct refdev_vf *vf,
		      const struct refdev_dma_desc *ds, uint64_t dst,
		      const void *buf, uint32_t n)
{
	if (ds->flags & REFDEV_DESC_F_DST_MEM)
		return refdev_mem_write(d, vf, dst, buf, n);
	return eng_write(d, vf, dst, buf, n);
}

static bool wraps(uint64_t addr, uint32_t len)
{
	return len && addr > UINT64_MAX - (len - 1);
}

static uint8_t op_copy(struct refdev_dev *d, struct refdev_vf *vf,
		       const struct refdev_dma_desc *ds, uint8_t *buf)
{
	uint64_t src = ds->src, dst = ds->dst;
	uint32_t left = ds->len;

	if (wraps(src, left))
		return REFDEV_DMA_ERR_READ;
	if (wraps(dst, left))
		return REFDEV_DMA_ERR_WRITE;
	while (left) {
		uint32_t n = xfer_len(src, dst, left);

		if (!src_read(d, vf, ds, src, buf, n))
			return REFDEV_DMA_ERR_READ;
		if (!dst_write(d, vf, ds, dst, buf, n))
			return REFDEV_DMA_ERR_WRITE;
		src += n;
		dst += n;
		left -= n;
	}
	return REFDEV_DMA_OK;
}

static uint8_t op_fill(struct refdev_dev *d, struct refdev_vf *vf,
		       const struct refdev_dma_desc *ds, uint8_t *buf)
{
	uint64_t dst = ds->dst, done = 0;
	uint32_t left = ds->len;

	if (wraps(dst, left))
		return REFDEV_DMA_ERR_WRITE;
	while (left) {
		uint32_t n = xfer_len(dst, dst, left);

		/* Byte i of the destination is pattern byte i % 8 (LE). */
		for (uint32_t i = 0; i < n; i++)
			buf[i] = (uint8_t)(ds->src >> (8 * ((done + i) & 7)));
		if (!dst_write(d, vf, ds, dst, buf, n))
			return REFDEV_DMA_ERR_WRITE;
		dst += n;
		done += n;
		left -= n;
	}
	return REFDEV_DMA_OK;
}

static uint8_t op_checksum(struct refdev_dev *d, struct refdev_vf *vf,
			   struct refdev_dma_desc *ds, uint8_t *buf)
{
	uint64_t src = ds->src;
	uint32_t left = ds->len, crc = ~0u;

	if (wraps(src, left))
		return REFDEV_DMA_ERR_READ;
	while (left) {
		uint32_t n = xfer_len(src, src, left);

		if (!src_read(d, vf, ds, src, buf, n))
			return REFDEV_DMA_ERR_READ;
		crc = crc32c_update(crc, buf, n);
		src += n;
		left -= n;
	}
	ds->result = ~crc;
	return REFDEV_DMA_OK;
}

static uint8_t desc_exec(struct refdev_dev *d, struct refdev_vf *vf,
			 struct refdev_dma_desc *ds)
{
	uint8_t buf[REFDEV_DMA_XFER];

	switch (ds->opcode) {	/* desc_check() passed; NOP never gets here */
	case REFDEV_DMA_OP_COPY:
		return op_copy(d, vf, ds, buf);
	case REFDEV_DMA_OP_FILL:
		return op_fill(d, vf, ds, buf);
	default:
		return op_checksum(d, vf, ds, buf);
	}
}

static uint8_t desc_check(const struct refdev_dma_desc *ds)
{
	if (ds->opcode > REFDEV_DMA_OP_CHECKSUM)
		return REFDEV_DMA_ERR_OPCODE;
	if (ds->opcode != REFDEV_DMA_OP_NOP &&
	    (ds->len == 0 || ds->len > REFDEV_DMA_MAX_LEN))
		return REFDEV_DMA_ERR_LENGTH;
	return REFDEV_DMA_OK;
}

static void desc_decode(struct refdev_dma_desc *ds, const uint8_t *raw)
{
	ds->opcode = raw[0];
	ds->flags = raw[1];
	ds->status = (uint16_t)refdev_le_get(raw + 2, 2);
	ds->len = (uint32_t)refdev_le_get(raw + 4, 4);
	ds->src = refdev_le_get(raw + 8, 8);
	ds->dst = refdev_le_get(raw + 16, 8);
	ds->result = refdev_le_get(raw + 24, 8);
}

/* DEV-DMA-003: result before status, so DONE implies a valid result. */
static uint8_t desc_writeback(struct refdev_dev *d, struct refdev_vf *vf,
			      uint64_t at, const struct refdev_dma_desc *ds,
			      uint8_t err)
{
	uint8_t b[8];

	if (!err && ds->opcode == REFDEV_DMA_OP_CHECKSUM) {
		refdev_le_put(b, ds->result, 8);
		if (!eng_write(d, vf, at + DESC_RESULT_OFF, b, 8))
			err = REFDEV_DMA_ERR_WRITE;	/* still try the status */
	}
	refdev_le_put(b, REFDEV_DESC_S_DONE | ((uint32_t)err << REFDEV_DESC_S_ERR_SHIFT), 2);
	if (!eng_write(d, vf, at + DESC_STATUS_OFF, b, 2))
		return err ? err : REFDEV_DMA_ERR_WRITE;
	return err;
}

/* DEV-DMA-004: stop, record, raise vector 1. */
static void eng_error(struct refdev_vf *vf, uint8_t err)
{
	vf->dma.status = REFDEV_DMA_STATUS_ERROR |
			 ((uint32_t)err << REFDEV_DMA_STATUS_ERRCODE_SHIFT);
	vf->dma.doorbell = false;
	refdev_dev_raise(&vf->func, REFDEV_DMA_ERR_VECTOR);
}

/* DEV-DMA-005: at most 64 descriptors and 4 MiB of data per call. */
void refdev_dma_step(struct refdev_dev *d, struct refdev_vf *vf)
{
	struct refdev_dma *e = &vf->dma;
	uint32_t bytes = 0;

	for (unsigned int n = 0; n < REFDEV_DMA_STEP_DESCS &&
	     refdev_dma_runnable(vf); n++) {
		uint64_t at = ring_base(e) + (uint64_t)e->head * DESC_SIZE;
		struct refdev_dma_desc ds;
		uint8_t raw[DESC_SIZE], err;

		if (!refdev_dev_dma_read(d, &vf->func, at, raw, DESC_SIZE)) {
			e->head = (e->head + 1) & (e->size - 1);
			e->done++;
			eng_error(vf, REFDEV_DMA_ERR_READ);
			return;
		}
		desc_decode(&ds, raw);
		err = desc_check(&ds);
		if (!err && ds.opcode != REFDEV_DMA_OP_NOP) {
			if (n && bytes + ds.len > REFDEV_DMA_STEP_BYTES)
				return;		/* yield; refetched next step */
			bytes += ds.len;
			err = desc_exec(d, vf, &ds);
		}
		err = desc_writeback(d, vf, at, &ds, err);
		e->head = (e->head + 1) & (e->size - 1);
		e->done++;
		if (err) {
			eng_error(vf, err);
			return;
		}
		if ((ds.flags & REFDEV_DESC_F_IRQ) && (e->ctrl & REFDEV_DMA_CTRL_IRQ))
			refdev_dev_raise(&vf->func, REFDEV_DMA_IRQ_VECTOR);
	}
}
