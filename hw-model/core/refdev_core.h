/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * refdev device core: the behaviour of one refdev function (PF or VF),
 * free of QEMU. The glue (hw-model/qemu/) owns PCI config space, BAR
 * mapping and MSI-X; the core owns the registers behind BAR0 and BAR2
 * and reaches the outside only through struct refdev_ops.
 */
#ifndef REFDEV_CORE_H
#define REFDEV_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "refdev_regs.h"

/* What the core may ask of its host (QEMU glue, or a unit test). */
struct refdev_ops {
	/* Raise MSI-X vector @vector of this function. */
	void (*raise_msix)(void *opaque, unsigned int vector);
};

struct refdev_func {
	const struct refdev_ops *ops;
	void *opaque;
	bool is_vf;
	uint16_t vf_index;
	unsigned int msix_vectors;

	/* Registers (DEV-REG-*) */
	uint32_t scratch;
	uint32_t reset_count;
	uint8_t sram[REFDEV_BAR_SRAM_SIZE];
};

void refdev_func_init(struct refdev_func *f, const struct refdev_ops *ops,
		      void *opaque, bool is_vf, uint16_t vf_index);
/* Function-level reset (FLR, or the PF's reset for the PF): DEV-RST-001. */
void refdev_func_reset(struct refdev_func *f);

/*
 * MMIO into BAR @bar at @offset, @size in {1, 2, 4, 8}. Out-of-range or
 * misaligned accesses read as zero and drop writes (DEV-BAR-005): they
 * return false so the glue can log a guest error.
 */
bool refdev_mmio_read(struct refdev_func *f, int bar, uint64_t offset,
		      unsigned int size, uint64_t *val);
bool refdev_mmio_write(struct refdev_func *f, int bar, uint64_t offset,
		       unsigned int size, uint64_t val);

#endif /* REFDEV_CORE_H */
