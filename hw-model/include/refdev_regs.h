/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * refdev register map: the single C rendering of SPEC.md "Device" (DEV-*).
 * Shared by the device model, the drivers and the conformance personality,
 * so that a change of the map is a change of one file.
 * No includes on purpose: usable from kernel, QEMU and plain userspace.
 */
#ifndef REFDEV_REGS_H
#define REFDEV_REGS_H

/* DEV-ID-001..004: PCI identity (defaults; QEMU properties can override) */
#define REFDEV_PCI_VENDOR_ID		0x1b36	/* Red Hat, Inc. (QEMU) */
#define REFDEV_PCI_PF_DEVICE_ID		0x10f0
#define REFDEV_PCI_VF_DEVICE_ID		0x10f1
#define REFDEV_PCI_CLASS		0xff0000 /* unassigned class: no class driver binds */
#define REFDEV_PCI_REVISION		0x01

/* DEV-SRIOV-001: SR-IOV geometry */
#define REFDEV_DEFAULT_TOTAL_VFS	8
#define REFDEV_MAX_VFS			32
#define REFDEV_VF_OFFSET		1
#define REFDEV_VF_STRIDE		1

/* DEV-BAR-001..004: BAR layout, same on PF and VF */
#define REFDEV_BAR_REGS			0	/* 64-bit, non-prefetchable */
#define REFDEV_BAR_REGS_SIZE		0x4000
#define REFDEV_BAR_SRAM			2	/* 32-bit, non-prefetchable */
#define REFDEV_BAR_SRAM_SIZE		0x1000
#define REFDEV_REGS_WINDOW		0x1000	/* device registers: 0x0000..0x0fff */
#define REFDEV_MSIX_TABLE_OFFSET	0x2000
#define REFDEV_MSIX_PBA_OFFSET		0x3000
#define REFDEV_PF_MSIX_VECTORS		4
#define REFDEV_VF_MSIX_VECTORS		4

/* DEV-REG-*: registers in BAR0, all 32 bits wide, little endian */
#define REFDEV_REG_ID			0x000	/* RO: REFDEV_ID_MAGIC */
#define REFDEV_REG_VERSION		0x004	/* RO: major << 16 | minor */
#define REFDEV_REG_FUNC			0x008	/* RO: function identity */
#define REFDEV_REG_CAPS			0x00c	/* RO: feature bits */
#define REFDEV_REG_SCRATCH		0x010	/* RW: 0 after reset */
#define REFDEV_REG_IRQ_RAISE		0x014	/* WO: raise MSI-X vector N */
#define REFDEV_REG_RESET_COUNT		0x018	/* RO: function resets seen */

#define REFDEV_ID_MAGIC			0x52464456u /* ASCII "RFDV", most significant byte first */
#define REFDEV_VERSION_MAJOR		0
#define REFDEV_VERSION_MINOR		1
#define REFDEV_VERSION			((REFDEV_VERSION_MAJOR << 16) | REFDEV_VERSION_MINOR)

/* REFDEV_REG_FUNC fields */
#define REFDEV_FUNC_IS_VF		(1u << 31)
#define REFDEV_FUNC_VF_INDEX_MASK	0xffffu	/* 0-based VF index; 0 on the PF */

/* REFDEV_REG_CAPS bits */
#define REFDEV_CAP_SRAM			(1u << 0)
#define REFDEV_CAP_IRQ_RAISE		(1u << 1)

#endif /* REFDEV_REGS_H */
