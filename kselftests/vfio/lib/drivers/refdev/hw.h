/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The registers of the refdev virtual function that the VFIO selftests
 * driver uses: identity, MSI-X and the DMA engine. refdev is an SR-IOV
 * PCIe device emulated in QEMU (vfio-refdev); its specification names these
 * DEV-REG-00x and DEV-DMA-0xx.
 */
#ifndef _REFDEV_HW_H_
#define _REFDEV_HW_H_

#include <linux/types.h>

#define REFDEV_PCI_VF_DEVICE_ID		0x10f1

/* BAR0 registers, 32 bits wide, little endian */
#define REFDEV_REG_ID			0x000
#define REFDEV_REG_FUNC			0x008
#define REFDEV_REG_DMA_RING_LO		0x100
#define REFDEV_REG_DMA_RING_HI		0x104
#define REFDEV_REG_DMA_RING_SIZE	0x108
#define REFDEV_REG_DMA_CTRL		0x10c
#define REFDEV_REG_DMA_TAIL		0x114
#define REFDEV_REG_DMA_STATUS		0x118
#define REFDEV_REG_DMA_DONE		0x11c

#define REFDEV_ID_MAGIC			0x52464456u
#define REFDEV_FUNC_IS_VF		(1u << 31)

#define REFDEV_DMA_CTRL_ENABLE		(1u << 0)
#define REFDEV_DMA_CTRL_IRQ		(1u << 1)
#define REFDEV_DMA_STATUS_ERROR		(1u << 1)
#define REFDEV_DMA_STATUS_ERRCODE_SHIFT	8

#define REFDEV_DMA_RING_MAX		1024
#define REFDEV_DMA_MAX_LEN		(1u << 20)
#define REFDEV_DMA_IRQ_VECTOR		0

#define REFDEV_DMA_OP_NOP		0
#define REFDEV_DMA_OP_COPY		1

#define REFDEV_DESC_F_IRQ		(1u << 0)

/* A DMA descriptor: 32 bytes, little endian, in the VF's IOVA space */
struct refdev_hw_desc {
	u8 opcode;
	u8 flags;
	u16 status;
	u32 len;
	u64 src;
	u64 dst;
	u64 result;
};

#endif /* _REFDEV_HW_H_ */
