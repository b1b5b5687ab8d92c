/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * refdev register map: the single C rendering of SPEC.md "Device" (DEV-*).
 * Shared by the device model, the drivers and the conformance personality,
 * so that a change of the map is a change of one file.
 * No includes on purpose: usable from kernel, QEMU and plain userspace;
 * the includer provides uint8_t..uint64_t (<stdint.h> or <linux/types.h>).
 * All in-memory structures are little endian.
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

/* DEV-BAR-001..003: BAR layout, same on PF and VF */
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

/* ---- v1: VF DMA engine (SPEC 1.7, DEV-DMA-*), VF BAR0 ---------------- */
#define REFDEV_REG_DMA_RING_LO		0x100	/* RW: ring IOVA, 64-byte aligned */
#define REFDEV_REG_DMA_RING_HI		0x104
#define REFDEV_REG_DMA_RING_SIZE	0x108	/* RW: entries, power of 2, 1..1024 */
#define REFDEV_REG_DMA_CTRL		0x10c	/* RW */
#define REFDEV_REG_DMA_HEAD		0x110	/* RO: next entry the engine runs */
#define REFDEV_REG_DMA_TAIL		0x114	/* RW doorbell: one past last posted */
#define REFDEV_REG_DMA_STATUS		0x118	/* RO, ERROR is W1C */
#define REFDEV_REG_DMA_DONE		0x11c	/* RO: descriptors completed, wraps */

#define REFDEV_DMA_CTRL_ENABLE		(1u << 0)
#define REFDEV_DMA_CTRL_IRQ		(1u << 1)	/* MSI-X vector 0 per IRQ descriptor */

#define REFDEV_DMA_STATUS_BUSY		(1u << 0)
#define REFDEV_DMA_STATUS_ERROR		(1u << 1)
#define REFDEV_DMA_STATUS_PAUSED	(1u << 2)	/* suspended by the PF */
#define REFDEV_DMA_STATUS_ERRCODE_SHIFT	8		/* enum refdev_dma_err */

/* VF re-initialisation (DEV-REINIT-*), VF BAR0 */
#define REFDEV_REG_VF_REINIT		0x140	/* W: re-initialise; R: count since VF creation */

#define REFDEV_DMA_RING_MAX		1024
#define REFDEV_DMA_MAX_LEN		(1u << 20)	/* per descriptor */
#define REFDEV_DMA_IRQ_VECTOR		0
#define REFDEV_DMA_ERR_VECTOR		1

enum refdev_dma_op {
	REFDEV_DMA_OP_NOP = 0,
	REFDEV_DMA_OP_COPY = 1,		/* dst[0..len) = src[0..len) */
	REFDEV_DMA_OP_FILL = 2,		/* dst[0..len) = pattern bytes (LE, repeating) */
	REFDEV_DMA_OP_CHECKSUM = 3,	/* result = crc32c(src[0..len)) */
};

enum refdev_dma_err {
	REFDEV_DMA_OK = 0,
	REFDEV_DMA_ERR_OPCODE = 1,
	REFDEV_DMA_ERR_LENGTH = 2,
	REFDEV_DMA_ERR_READ = 3,	/* IOMMU or bus error on a read */
	REFDEV_DMA_ERR_WRITE = 4,
	REFDEV_DMA_ERR_RING = 5,	/* ring base/size invalid */
};

/* Descriptor, 32 bytes, little endian, in IOVA space (DEV-DMA-002) */
struct refdev_dma_desc {
	uint8_t opcode;
	uint8_t flags;			/* REFDEV_DESC_F_* */
	uint16_t status;		/* written by the device: REFDEV_DESC_S_* */
	uint32_t len;
	uint64_t src;			/* COPY/CHECKSUM: source IOVA; FILL: pattern */
	uint64_t dst;			/* COPY/FILL: destination IOVA */
	uint64_t result;		/* CHECKSUM: written by the device */
};
#define REFDEV_DESC_F_IRQ		(1u << 0)
#define REFDEV_DESC_F_DST_MEM		(1u << 1)	/* DEV-MEM-002: dst is a device memory offset */
#define REFDEV_DESC_F_SRC_MEM		(1u << 2)	/* DEV-MEM-002: src is a device memory offset */
#define REFDEV_DESC_S_DONE		(1u << 0)
#define REFDEV_DESC_S_ERR_SHIFT		8

/* ---- v1: PF admin queue (SPEC 1.8, DEV-AQ-*), PF BAR0 ----------------- */
#define REFDEV_REG_AQ_SQ_LO		0x100	/* RW: submission ring IOVA, 64-byte aligned */
#define REFDEV_REG_AQ_SQ_HI		0x104
#define REFDEV_REG_AQ_CQ_LO		0x108	/* RW: completion ring IOVA, 16-byte aligned */
#define REFDEV_REG_AQ_CQ_HI		0x10c
#define REFDEV_REG_AQ_SIZE		0x110	/* RW: entries of both rings, power of 2, 2..256 */
#define REFDEV_REG_AQ_CTRL		0x114	/* RW */
#define REFDEV_REG_AQ_STATUS		0x118	/* RO */
#define REFDEV_REG_AQ_SQ_TAIL		0x11c	/* RW doorbell */
#define REFDEV_REG_AQ_SQ_HEAD		0x120	/* RO */
#define REFDEV_REG_AQ_CQ_HEAD		0x124	/* RW: driver consumed up to here */

#define REFDEV_AQ_CTRL_ENABLE		(1u << 0)	/* clearing it aborts in-flight commands */
#define REFDEV_AQ_CTRL_IRQ		(1u << 1)	/* MSI-X vector 0 per completion */
#define REFDEV_AQ_STATUS_READY		(1u << 0)
#define REFDEV_AQ_STATUS_FATAL		(1u << 1)	/* ring setup invalid or DMA error */
#define REFDEV_AQ_MAX_ENTRIES		256
#define REFDEV_AQ_IRQ_VECTOR		0

/* Command, 64 bytes (DEV-AQ-002) */
struct refdev_aq_cmd {
	uint8_t opcode;			/* enum refdev_aq_opcode */
	uint8_t flags;			/* REFDEV_AQ_F_* */
	uint16_t cid;			/* echoed in the completion */
	uint16_t vf;			/* 0-based VF index */
	uint16_t rsvd0;
	uint64_t addr;			/* host buffer IOVA (PF's IOMMU domain) */
	uint32_t len;			/* host buffer length */
	uint32_t param0;
	uint64_t param1;
	uint64_t param2;
	uint64_t rsvd1[3];
};
/* DEV-AQ-018: no interrupt when the command completes in the doorbell write */
#define REFDEV_AQ_F_POLL		(1u << 0)

/* Completion, 16 bytes (DEV-AQ-003) */
struct refdev_aq_cpl {
	uint16_t cid;
	uint16_t status;		/* enum refdev_aq_status */
	uint32_t result0;
	uint32_t result1;
	uint16_t sq_head;
	uint16_t phase;			/* bit 0: phase tag, flips each wrap */
};

enum refdev_aq_opcode {
	REFDEV_AQ_IDENTIFY = 0x01,	/* ADM-001 */
	REFDEV_AQ_VF_SUSPEND = 0x02,	/* ADM-002: param0 = REFDEV_SUSPEND_* */
	REFDEV_AQ_VF_RESUME = 0x03,	/* ADM-003 */
	REFDEV_AQ_VF_STATE_SIZE = 0x04,	/* ADM-004 */
	REFDEV_AQ_VF_SAVE = 0x05,	/* ADM-005: param0 = REFDEV_SAVE_* */
	REFDEV_AQ_VF_LOAD = 0x06,	/* ADM-006 */
	REFDEV_AQ_VF_DIRTY_START = 0x07,	/* ADM-007 */
	REFDEV_AQ_VF_DIRTY_REPORT = 0x08,	/* ADM-008 */
	REFDEV_AQ_VF_DIRTY_STOP = 0x09,	/* ADM-009 */
	REFDEV_AQ_VF_RESET = 0x0a,	/* ADM-010 */
	REFDEV_AQ_FAULT_INJECT = 0x0b,	/* ADM-011 */
	REFDEV_AQ_VF_QUERY = 0x0c,	/* ADM-012: suspend state, dirty state */
	REFDEV_AQ_VF_SAVE_CHUNK = 0x0d,	/* ADM-014: param0 = kind, param1 = offset */
	REFDEV_AQ_VF_LOAD_CHUNK = 0x0e,	/* ADM-015: param0 = REFDEV_LOAD_F_*, param1 = offset */
	REFDEV_AQ_NOP = 0x0f,		/* ADM-016: no effect (round-trip timing) */
};
#define REFDEV_AQ_VF_LAST		REFDEV_AQ_VF_LOAD_CHUNK

/* ADM-015 param0 */
#define REFDEV_LOAD_F_COMMIT		(1u << 0)	/* last chunk: check and apply */

/* ADM-012 VF_QUERY result1 bits */
#define REFDEV_QUERY_DIRTY_ON		(1u << 0)
#define REFDEV_QUERY_REINIT		(1u << 1)	/* DEV-REINIT-002 pending */

enum refdev_aq_status {
	REFDEV_AQ_S_OK = 0x0000,
	REFDEV_AQ_S_INVALID_OPCODE = 0x0001,
	REFDEV_AQ_S_INVALID_VF = 0x0002,	/* index >= NumVFs */
	REFDEV_AQ_S_INVALID_PARAM = 0x0003,
	REFDEV_AQ_S_INVALID_STATE = 0x0004,	/* e.g. LOAD while running */
	REFDEV_AQ_S_DMA_ERROR = 0x0005,		/* host buffer unreachable */
	REFDEV_AQ_S_BUFFER_SMALL = 0x0006,	/* result0 = bytes needed */
	REFDEV_AQ_S_STREAM_INVALID = 0x0007,	/* result0 = enum refdev_stream_err */
	REFDEV_AQ_S_BUSY = 0x0008,		/* dirty tracking already on, ... */
	REFDEV_AQ_S_ABORTED = 0x0009,		/* AQ disabled or PF reset */
	REFDEV_AQ_S_REINIT = 0x000a,		/* DEV-REINIT-002: save INITIAL or FULL first */
	REFDEV_AQ_S_INJECTED = 0x00ff,		/* default injected failure */
};

/* ADM-001 IDENTIFY data, 64 bytes (ADM-013) */
struct refdev_aq_identify {
	uint32_t model_version;		/* REFDEV_VERSION */
	uint16_t total_vfs;
	uint16_t num_vfs;		/* VFs that exist now */
	uint32_t max_state_size;	/* the largest save, a FINAL with device memory (ADM-001) */
	uint32_t dirty_max_ranges;	/* REFDEV_DIRTY_MAX_RANGES */
	uint64_t dirty_pgsizes;		/* REFDEV_DIRTY_PGSIZES */
	uint32_t features;		/* REFDEV_FEAT_* */
	uint32_t mem_size;		/* DEV-MEM-001: device memory per VF, bytes */
	uint32_t rsvd[8];
};
#define REFDEV_FEAT_DMA			(1u << 0)	/* VF DMA engine (1.7) */
#define REFDEV_FEAT_MIGRATION		(1u << 1)	/* save/load, pre-copy (1.9) */
#define REFDEV_FEAT_DIRTY		(1u << 2)	/* dirty tracking (1.10) */
#define REFDEV_FEAT_FAULT		(1u << 3)	/* fault injection (1.11) */
#define REFDEV_FEAT_AQ_SYNC		(1u << 4)	/* DEV-AQ-018: short commands complete in the doorbell write */
#define REFDEV_FEATURES			0xfu	/* always set; AQ_SYNC as configured */
#define REFDEV_MAX_STATE_SIZE		4216u	/* FINAL with all 64 chunks, no device memory */

/* DEV-MEM-001: VF device memory, the DMA engine's (QEMU property vf-mem-size) */
#define REFDEV_MEM_PAGE			4096u
#define REFDEV_MEM_MAX_SIZE		(256u << 20)

#define REFDEV_SUSPEND_P2P		1	/* stop initiating DMA/IRQs; MMIO still accepted */
#define REFDEV_SUSPEND_STOP		2	/* fully stopped: MMIO writes dropped */

#define REFDEV_SAVE_FULL		0	/* whole state (STOP_COPY without pre-copy) */
#define REFDEV_SAVE_INITIAL		1	/* pre-copy: SRAM image, device may run */
#define REFDEV_SAVE_DELTA		2	/* pre-copy/final: changes since last save */
#define REFDEV_SAVE_FINAL		3	/* final delta + registers; VF must be STOP */

/* ---- migration stream (SPEC 1.9, STR-*) -------------------------------- */
#define REFDEV_STREAM_MAGIC		0x52464453u	/* "RFDS" */
#define REFDEV_STREAM_VERSION		1
#define REFDEV_STREAM_MAX_SIZE		(64u * 1024)	/* ADM-005/006, without device memory */

struct refdev_stream_hdr {		/* 32 bytes (STR-001) */
	uint32_t magic;
	uint16_t version;
	uint16_t hdr_len;
	uint32_t model_version;		/* REFDEV_VERSION of the saver */
	uint16_t vf_index;
	uint16_t kind;			/* REFDEV_SAVE_* that produced it */
	uint32_t total_len;		/* header + sections */
	uint32_t nsections;
	uint32_t crc32c;		/* over bytes [hdr_len, total_len) */
	uint32_t rsvd;
};

/* STR-003: REGS section payload, 64 bytes */
struct refdev_stream_regs {
	uint32_t scratch;
	uint32_t dma_ring_lo, dma_ring_hi, dma_ring_size, dma_ctrl;
	uint32_t dma_head, dma_tail;
	uint32_t dma_status;		/* ERROR and code; BUSY/PAUSED ignored on load */
	uint32_t dma_done;
	uint32_t doorbell;		/* 1: a TAIL write not yet served */
	uint32_t rsvd[6];
};

struct refdev_stream_sec {		/* 8-byte section header (STR-002) */
	uint16_t type;			/* enum refdev_stream_sec_type */
	uint16_t flags;
	uint32_t len;			/* payload bytes following */
};

enum refdev_stream_sec_type {
	REFDEV_SEC_REGS = 1,		/* STR-003 */
	REFDEV_SEC_SRAM_FULL = 2,	/* STR-004: 4096 bytes */
	REFDEV_SEC_SRAM_DELTA = 3,	/* STR-005: u64 chunk mask + 64-byte chunks */
	REFDEV_SEC_DMA = 4,		/* STR-006 */
	REFDEV_SEC_MEM_FULL = 5,	/* STR-007: the whole device memory */
	REFDEV_SEC_MEM_DELTA = 6,	/* STR-008: page bitmap + changed pages */
};

enum refdev_stream_err {
	REFDEV_STREAM_E_NONE = 0,
	REFDEV_STREAM_E_TRUNCATED = 1,
	REFDEV_STREAM_E_MAGIC = 2,
	REFDEV_STREAM_E_VERSION = 3,
	REFDEV_STREAM_E_MODEL = 4,
	REFDEV_STREAM_E_OVERSIZE = 5,
	REFDEV_STREAM_E_CRC = 6,
	REFDEV_STREAM_E_SECTION = 7,
	REFDEV_STREAM_E_CONFIG = 8,	/* saved on another VF configuration */
	REFDEV_STREAM_E_ORDER = 9,	/* delta without a base */
};

/* ---- dirty tracking (SPEC 1.10, DRT-*) --------------------------------- */
#define REFDEV_DIRTY_MAX_RANGES		8
#define REFDEV_DIRTY_PGSIZES		(0x1000ull | 0x200000ull)	/* 4 KiB, 2 MiB */
#define REFDEV_DIRTY_MAX_PAGES		(1u << 20)	/* over all ranges */

struct refdev_dirty_range {		/* 16 bytes */
	uint64_t iova;
	uint64_t length;
};

/* ---- fault injection (SPEC 1.11, DEV-FI-*) ----------------------------- */
enum refdev_fault {
	REFDEV_FAULT_NONE = 0,
	REFDEV_FAULT_FAIL_STATUS = 1,	/* next N commands complete with status param */
	REFDEV_FAULT_NO_COMPLETION = 2,	/* next N commands never complete */
	REFDEV_FAULT_LATE = 3,		/* next N complete after param microseconds */
	REFDEV_FAULT_CORRUPT_SAVE = 4,	/* next N saves flip a payload byte */
	REFDEV_FAULT_DROP_DIRTY = 5,	/* next N reports lose one set bit */
	REFDEV_FAULT_EXTRA_DIRTY = 6,	/* next N reports set one clean bit */
	REFDEV_FAULT_FLR_FAIL = 7,	/* next N VF FLRs leave state untouched */
};

#endif /* REFDEV_REGS_H */
