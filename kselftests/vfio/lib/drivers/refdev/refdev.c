// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO selftests driver for the refdev virtual function: memcpy through
 * the VF's DMA engine (a ring of COPY descriptors), MSI through the
 * engine's completion interrupt (MSI-X vector 0).
 */
#include <stdint.h>
#include <unistd.h>

#include <linux/errno.h>
#include <linux/io.h>
#include <linux/pci_ids.h>

#include <libvfio.h>

#include "hw.h"

/*
 * One descriptor slot stays free: the ring is empty when HEAD == TAIL, so
 * at most size - 1 descriptors can be outstanding.
 */
#define REFDEV_MAX_COUNT		(REFDEV_DMA_RING_MAX - 1)

struct refdev_state {
	/* The engine's ring: 32 KiB, 64-byte aligned as the device needs. */
	struct refdev_hw_desc ring[REFDEV_DMA_RING_MAX] __attribute__((aligned(64)));

	/* Next free ring slot, mirrors the device's TAIL. */
	u32 tail;

	/* DMA_DONE that marks the end of the memcpy in flight. */
	u32 done_target;
};

static inline struct refdev_state *to_refdev_state(struct vfio_pci_device *device)
{
	return device->driver.region.vaddr;
}

static inline void *refdev_bar0(struct vfio_pci_device *device)
{
	return device->bars[0].vaddr;
}

static int refdev_probe(struct vfio_pci_device *device)
{
	void *bar0 = refdev_bar0(device);

	if (!vfio_pci_device_match(device, PCI_VENDOR_ID_REDHAT,
				   REFDEV_PCI_VF_DEVICE_ID))
		return -EINVAL;

	VFIO_ASSERT_NOT_NULL(bar0);

	if (readl(bar0 + REFDEV_REG_ID) != REFDEV_ID_MAGIC ||
	    !(readl(bar0 + REFDEV_REG_FUNC) & REFDEV_FUNC_IS_VF)) {
		dev_err(device, "refdev: BAR0 is not a refdev VF\n");
		return -EINVAL;
	}

	return 0;
}

/*
 * Clearing ENABLE empties the ring (HEAD = TAIL = 0), ERROR is write-1-to-
 * clear; the ring geometry can only be written while the engine is off.
 */
static void refdev_engine_start(struct vfio_pci_device *device)
{
	struct refdev_state *refdev = to_refdev_state(device);
	iova_t ring_iova = to_iova(device, refdev->ring);
	void *bar0 = refdev_bar0(device);

	writel(0, bar0 + REFDEV_REG_DMA_CTRL);
	writel(REFDEV_DMA_STATUS_ERROR, bar0 + REFDEV_REG_DMA_STATUS);

	writel((u32)ring_iova, bar0 + REFDEV_REG_DMA_RING_LO);
	writel((u32)(ring_iova >> 32), bar0 + REFDEV_REG_DMA_RING_HI);
	writel(REFDEV_DMA_RING_MAX, bar0 + REFDEV_REG_DMA_RING_SIZE);
	writel(REFDEV_DMA_CTRL_ENABLE | REFDEV_DMA_CTRL_IRQ,
	       bar0 + REFDEV_REG_DMA_CTRL);

	VFIO_ASSERT_EQ(readl(bar0 + REFDEV_REG_DMA_STATUS), 0,
		       "refdev: the engine refused its ring\n");
	VFIO_ASSERT_EQ(readl(bar0 + REFDEV_REG_DMA_CTRL),
		       REFDEV_DMA_CTRL_ENABLE | REFDEV_DMA_CTRL_IRQ);

	refdev->tail = 0;
}

static void refdev_engine_stop(struct vfio_pci_device *device)
{
	void *bar0 = refdev_bar0(device);

	writel(0, bar0 + REFDEV_REG_DMA_CTRL);
	writel(REFDEV_DMA_STATUS_ERROR, bar0 + REFDEV_REG_DMA_STATUS);
}

static void refdev_init(struct vfio_pci_device *device)
{
	struct refdev_state *refdev = to_refdev_state(device);

	VFIO_ASSERT_GE(device->driver.region.size, sizeof(*refdev));

	vfio_pci_config_writew(device, PCI_COMMAND,
			       PCI_COMMAND_MEMORY |
			       PCI_COMMAND_MASTER |
			       PCI_COMMAND_INTX_DISABLE);

	refdev_engine_start(device);

	/* Vector 0 signals descriptor completions, vector 1 engine errors. */
	vfio_pci_msix_enable(device, 0, device->msix_info.count);

	device->driver.msi = REFDEV_DMA_IRQ_VECTOR;
	device->driver.max_memcpy_size = REFDEV_DMA_MAX_LEN;
	device->driver.max_memcpy_count = REFDEV_MAX_COUNT;
}

static void refdev_remove(struct vfio_pci_device *device)
{
	refdev_engine_stop(device);
	vfio_pci_msix_disable(device);
}

/* Post @count identical descriptors and ring the doorbell once. */
static void refdev_post(struct vfio_pci_device *device, u8 opcode, u8 flags,
			iova_t src, iova_t dst, u32 len, u64 count)
{
	struct refdev_state *refdev = to_refdev_state(device);
	void *bar0 = refdev_bar0(device);
	u64 i;

	refdev->done_target = readl(bar0 + REFDEV_REG_DMA_DONE) + count;

	for (i = 0; i < count; i++) {
		refdev->ring[refdev->tail] = (struct refdev_hw_desc) {
			.opcode = opcode,
			.flags = flags,
			.len = len,
			.src = src,
			.dst = dst,
		};
		refdev->tail = (refdev->tail + 1) % REFDEV_DMA_RING_MAX;
	}

	/* The descriptors must be visible before the doorbell. */
	writel(refdev->tail, bar0 + REFDEV_REG_DMA_TAIL);
}

static void refdev_memcpy_start(struct vfio_pci_device *device,
				iova_t src, iova_t dst, u64 size, u64 count)
{
	refdev_post(device, REFDEV_DMA_OP_COPY, 0, src, dst, size, count);
}

static int refdev_memcpy_wait(struct vfio_pci_device *device)
{
	struct refdev_state *refdev = to_refdev_state(device);
	void *bar0 = refdev_bar0(device);
	u32 status;

	/* DMA_DONE counts completions, failed ones included, and wraps. */
	for (;;) {
		status = readl(bar0 + REFDEV_REG_DMA_STATUS);
		if (status & REFDEV_DMA_STATUS_ERROR)
			break;

		if ((s32)(readl(bar0 + REFDEV_REG_DMA_DONE) -
			  refdev->done_target) >= 0)
			return 0;
	}

	dev_err(device, "refdev: DMA error code %u\n",
		status >> REFDEV_DMA_STATUS_ERRCODE_SHIFT);

	/* The engine stopped on the failed descriptor: start it afresh. */
	refdev_engine_start(device);
	return -1;
}

static void refdev_send_msi(struct vfio_pci_device *device)
{
	/* A NOP whose completion raises vector 0 (DMA_CTRL.IRQ is set). */
	refdev_post(device, REFDEV_DMA_OP_NOP, REFDEV_DESC_F_IRQ, 0, 0, 0, 1);

	VFIO_ASSERT_EQ(refdev_memcpy_wait(device), 0);
}

const struct vfio_pci_driver_ops refdev_ops = {
	.name = "refdev",
	.probe = refdev_probe,
	.init = refdev_init,
	.remove = refdev_remove,
	.memcpy_start = refdev_memcpy_start,
	.memcpy_wait = refdev_memcpy_wait,
	.send_msi = refdev_send_msi,
};
