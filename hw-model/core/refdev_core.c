// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * refdev device core, its entry points: MMIO into BAR0 and BAR2 (the
 * function registers of SPEC 1.5 here, the engines' of 1.7 and 1.8 through
 * refdev_dma.c and refdev_aq.c), deferred work, the timer, the PF reset.
 * The top of the layers that refdev_dev.h lists.
 */
#include <string.h>

#include "refdev_dev.h"

static bool access_ok(uint64_t offset, unsigned int size, uint64_t limit)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	if (offset & (size - 1))
		return false;
	return offset < limit && size <= limit - offset;
}

static uint32_t func_reg(const struct refdev_func *f)
{
	return f->is_vf ? (REFDEV_FUNC_IS_VF | f->vf_index) : 0;
}

static uint32_t dev_reg_read(struct refdev_func *f, uint64_t reg)
{
	if (f->is_vf && reg == REFDEV_REG_VF_REINIT)
		return refdev_func_vf(f)->reinit_count;
	if (f->is_vf)
		return refdev_dma_reg_read(refdev_func_vf(f), reg);
	return refdev_aq_reg_read(f->dev, reg);
}

/* DEV-REINIT-001: a reconfiguration invalidates what pre-copy sent. */
static void vf_reinit(struct refdev_vf *vf)
{
	vf->reinit = true;
	vf->reinit_count++;
	vf->func.sram_changed = ~0ull;
	refdev_mem_all_changed(vf);
}

static void dev_reg_write(struct refdev_func *f, uint64_t reg, uint32_t val)
{
	if (f->is_vf && reg == REFDEV_REG_VF_REINIT)
		vf_reinit(refdev_func_vf(f));
	else if (f->is_vf)
		refdev_dma_reg_write(f->dev, refdev_func_vf(f), reg, val);
	else
		refdev_aq_reg_write(f->dev, reg, val);
}

static uint32_t regs_read32(struct refdev_func *f, uint64_t reg)
{
	switch (reg) {
	case REFDEV_REG_ID:
		return REFDEV_ID_MAGIC;
	case REFDEV_REG_VERSION:
		return REFDEV_VERSION;
	case REFDEV_REG_FUNC:
		return func_reg(f);
	case REFDEV_REG_CAPS:
		return REFDEV_CAP_SRAM | REFDEV_CAP_IRQ_RAISE;
	case REFDEV_REG_SCRATCH:
		return f->scratch;
	case REFDEV_REG_RESET_COUNT:
		return f->reset_count;
	default:
		/* v1 registers (1.7, 1.8); reserved and write-only ones read 0 */
		return dev_reg_read(f, reg);
	}
}

static void regs_write32(struct refdev_func *f, uint64_t reg, uint32_t val)
{
	switch (reg) {
	case REFDEV_REG_SCRATCH:
		f->scratch = val;
		break;
	case REFDEV_REG_IRQ_RAISE:
		/* Vectors beyond the table are ignored (DEV-REG-006). */
		if (!refdev_dev_irq_allowed(f))
			break;	/* suspended VF: no interrupts (ADM-002) */
		if (val < f->msix_vectors && f->ops && f->ops->raise_msix)
			f->ops->raise_msix(f->opaque, val);
		break;
	default:
		dev_reg_write(f, reg, val);	/* read-only, reserved: dropped */
		break;
	}
}

/* Registers are 32-bit; narrower or wider accesses are split or merged. */
static uint64_t regs_read(struct refdev_func *f, uint64_t offset,
			  unsigned int size)
{
	uint64_t reg = offset & ~3ull;
	unsigned int shift = (offset & 3) * 8;
	uint64_t val;

	if (size == 8)
		return regs_read32(f, reg) |
		       ((uint64_t)regs_read32(f, reg + 4) << 32);
	val = regs_read32(f, reg) >> shift;
	return size == 4 ? val : val & ((1ull << (size * 8)) - 1);
}

static void regs_write(struct refdev_func *f, uint64_t offset,
		       unsigned int size, uint64_t val)
{
	/* Sub-dword writes are dropped: no register has byte lanes (DEV-REG-008). */
	if (size == 4) {
		regs_write32(f, offset, (uint32_t)val);
	} else if (size == 8) {
		regs_write32(f, offset, (uint32_t)val);
		regs_write32(f, offset + 4, (uint32_t)(val >> 32));
	}
}

static uint64_t sram_read(const struct refdev_func *f, uint64_t offset,
			  unsigned int size)
{
	uint64_t val = 0;

	for (unsigned int i = 0; i < size; i++)
		val |= (uint64_t)f->sram[offset + i] << (8 * i);
	return val;
}

static void sram_write(struct refdev_func *f, uint64_t offset,
		       unsigned int size, uint64_t val)
{
	for (unsigned int i = 0; i < size; i++)
		f->sram[offset + i] = (uint8_t)(val >> (8 * i));
	/* Aligned and at most 8 bytes: one chunk (STR-005). */
	f->sram_changed |= 1ull << (offset / REFDEV_SRAM_CHUNK);
}

bool refdev_mmio_read(struct refdev_func *f, int bar, uint64_t offset,
		      unsigned int size, uint64_t *val)
{
	*val = 0;
	if (refdev_dev_mmio_blocked(f, false))
		return false;
	switch (bar) {
	case REFDEV_BAR_REGS:
		if (!access_ok(offset, size, REFDEV_REGS_WINDOW))
			return false;
		*val = regs_read(f, offset, size);
		return true;
	case REFDEV_BAR_SRAM:
		if (!access_ok(offset, size, REFDEV_BAR_SRAM_SIZE))
			return false;
		*val = sram_read(f, offset, size);
		return true;
	default:
		return false;
	}
}

bool refdev_mmio_write(struct refdev_func *f, int bar, uint64_t offset,
		       unsigned int size, uint64_t val)
{
	/* Dropped: re-entry from DMA is an error, a write in STOP is not. */
	if (refdev_dev_mmio_blocked(f, true))
		return !f->dev->in_dma;
	switch (bar) {
	case REFDEV_BAR_REGS:
		if (!access_ok(offset, size, REFDEV_REGS_WINDOW))
			return false;
		regs_write(f, offset, size, val);
		return true;
	case REFDEV_BAR_SRAM:
		if (!access_ok(offset, size, REFDEV_BAR_SRAM_SIZE))
			return false;
		sram_write(f, offset, size, val);
		return true;
	default:
		return false;
	}
}

/* ---- device-wide entry points ------------------------------------------ */

/* DEV-AQ-006, DEV-RST-002: the AQ and every VF go back to power-on. */
void refdev_dev_pf_reset(struct refdev_dev *d)
{
	refdev_func_reset(&d->pf);
	refdev_aq_reset(&d->aq);
	memset(d->fault, 0, sizeof(d->fault));
	for (uint16_t i = 0; i < REFDEV_MAX_VFS; i++)
		refdev_dev_vf_detach(d, i);
}

/* One bounded step of every engine and of the AQ (DEV-DMA-005). */
void refdev_dev_run(struct refdev_dev *d)
{
	bool more = false;

	d->run_scheduled = false;
	for (unsigned int i = 0; i < d->total_vfs; i++) {
		struct refdev_vf *vf = &d->vf[i];

		if (!vf->present || !refdev_dma_runnable(vf))
			continue;
		refdev_dma_step(d, vf);
		more |= refdev_dma_runnable(vf);
	}
	refdev_aq_step(d);
	more |= refdev_aq_pending(d);
	if (more)
		refdev_dev_kick(d);
}

void refdev_dev_timer(struct refdev_dev *d)
{
	refdev_aq_timer(d);
}
