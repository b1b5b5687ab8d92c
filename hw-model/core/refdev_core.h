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

struct refdev_dev;

/*
 * What the core may ask of its host (QEMU glue, or the unit tests' fake
 * host, tests/refdev_fake.h). @opaque is the function's; schedule,
 * timer_arm and now_ns get the device's (the PF's). Any may be NULL (DMA
 * then fails, nothing is raised or run).
 */
struct refdev_ops {
	/* Raise MSI-X vector @vector of this function. */
	void (*raise_msix)(void *opaque, unsigned int vector);
	/*
	 * DMA in this function's IOVA space (its requester ID). false = bus or
	 * IOMMU error; the host must also fail DMA to the device's own BARs
	 * (DEV-DMA-006). The core never crosses a 4 KiB boundary in one call.
	 */
	bool (*dma_read)(void *opaque, uint64_t addr, void *buf, uint32_t len);
	bool (*dma_write)(void *opaque, uint64_t addr, const void *buf,
			  uint32_t len);
	/* Call refdev_dev_run() soon, from a fresh call chain (bottom half). */
	void (*schedule)(void *opaque);
	/* Call refdev_dev_timer() once at now_ns() >= @expire_ns (re-arms). */
	void (*timer_arm)(void *opaque, uint64_t expire_ns);
	uint64_t (*now_ns)(void *opaque);
	/* Optional: reset the host-owned part (config space, MSI-X) of a VF
	 * that the device resets itself (ADM-010). */
	void (*function_reset)(void *opaque);
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

	struct refdev_dev *dev;		/* the device the function belongs to */
	uint64_t sram_changed;		/* STR-005: chunks written since last save */
};

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
