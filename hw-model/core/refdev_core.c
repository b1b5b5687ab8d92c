// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * refdev device core. See SPEC.md, "Device", for the IDs cited here.
 */
#include <string.h>

#include "refdev_core.h"
#include "refdev_dev.h"

void refdev_func_init(struct refdev_func *f, const struct refdev_ops *ops,
		      void *opaque, bool is_vf, uint16_t vf_index)
{
	memset(f, 0, sizeof(*f));
	f->ops = ops;
	f->opaque = opaque;
	f->is_vf = is_vf;
	f->vf_index = is_vf ? vf_index : 0;
	f->msix_vectors = is_vf ? REFDEV_VF_MSIX_VECTORS : REFDEV_PF_MSIX_VECTORS;
	refdev_func_reset(f);
	f->reset_count = 0;
}

void refdev_func_reset(struct refdev_func *f)
{
	f->scratch = 0;
	memset(f->sram, 0, sizeof(f->sram));
	f->sram_changed = ~0ull;	/* the next DELTA carries everything */
	/* Saturates: a wrapped counter would read as "never reset" (DEV-REG-007). */
	if (f->reset_count != UINT32_MAX)
		f->reset_count++;
}

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
		/* v1 registers exist only on functions of a device object. */
		if (f->dev)
			return refdev_dev_reg_read(f, reg);
		return 0;	/* reserved and write-only registers read 0 */
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
		if (f->dev && !refdev_dev_irq_allowed(f))
			break;	/* suspended VF: no interrupts (ADM-002) */
		if (val < f->msix_vectors && f->ops && f->ops->raise_msix)
			f->ops->raise_msix(f->opaque, val);
		break;
	default:
		if (f->dev)
			refdev_dev_reg_write(f, reg, val);
		break;		/* read-only and reserved: writes dropped */
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
	if (f->dev && refdev_dev_mmio_blocked(f, false))
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
	if (f->dev && refdev_dev_mmio_blocked(f, true))
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
