/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * refdev device object (SPEC 1.7-1.11): the PF function, the state of every
 * VF slot, the PF admin queue, fault injection. VF state lives here, in the
 * PF's device; a host VF object attaches to its slot when it appears and
 * detaches when it goes away. Single-threaded: the host serialises every
 * entry point (QEMU: the BQL).
 *
 * The core's files call only files above them (no import circle; make lint
 * checks it with ci/core-layers.sh):
 *   libvfio/crc32c.c, refdev_dirty.c, refdev_mem.c   leaves
 *   refdev_stream.c    the migration stream (crc32c, mem)
 *   refdev_dev.c       functions, VF slots, host access, faults (dirty, mem)
 *   refdev_dma.c, refdev_aq.c   the engines (dev and the files above)
 *   refdev_core.c      MMIO, deferred work, PF reset: the entry points
 */
#ifndef REFDEV_DEV_H
#define REFDEV_DEV_H

#include <string.h>

#include "crc32c.h"	/* libvfio/crc32c.c: the one CRC32C */
#include "refdev_core.h"

#define REFDEV_SRAM_CHUNK		64	/* STR-005 */
#define REFDEV_SRAM_CHUNKS		(REFDEV_BAR_SRAM_SIZE / REFDEV_SRAM_CHUNK)
#define REFDEV_DMA_STEP_DESCS		64	/* DEV-DMA-005 */
#define REFDEV_DMA_STEP_BYTES		(4u << 20)
#define REFDEV_DMA_XFER			4096	/* host accesses never cross a 4 KiB page */
#define REFDEV_AQ_STEP_CMDS		8	/* commands per step, DEV-DMA-005 spirit */
#define REFDEV_AQ_SYNC_BYTES		(4u << 20)	/* DEV-AQ-018: a short command's bound */
#define REFDEV_FAULT_LATE_MAX_US	60000000u	/* DEV-FI-003: 60 s */
#define REFDEV_FAULT_MAX		REFDEV_FAULT_FLR_FAIL

enum refdev_vf_state {
	REFDEV_VF_RUNNING = 0,
	REFDEV_VF_P2P = REFDEV_SUSPEND_P2P,
	REFDEV_VF_STOP = REFDEV_SUSPEND_STOP,
};

struct refdev_dma {			/* DEV-DMA-010..016 */
	uint32_t ring_lo, ring_hi, size, ctrl;
	uint32_t head, tail, status, done;
	bool doorbell;			/* TAIL written, not yet served (STR-003) */
};

struct refdev_dirty {			/* DRT-* */
	bool on;
	uint64_t pgsize;
	unsigned int nranges;
	struct refdev_dirty_range range[REFDEV_DIRTY_MAX_RANGES];
	uint32_t first[REFDEV_DIRTY_MAX_RANGES];	/* first bit of each range */
	uint32_t npages;
	uint8_t *bits;			/* one bit per tracked page */
};

struct refdev_mem {			/* DEV-MEM-001 */
	uint8_t *data;			/* NULL: all zeros (nothing written yet) */
	uint8_t *changed;		/* STR-008: one bit per page */
	bool all_changed;		/* power-on, FLR, load, re-initialisation */
	uint64_t gen;			/* writes so far (a direct save's guard) */
};

struct refdev_stage {			/* ADM-014/015: one stream in transit */
	uint8_t *buf;
	uint32_t cap;
	uint32_t total;			/* stream length; 0: nothing staged */
	uint32_t len;			/* LOAD_CHUNK: bytes received */
	uint16_t kind;			/* SAVE_CHUNK: the kind staged */
	bool loading;
	uint32_t prefix;		/* direct FULL: bytes in buf, the rest is memory */
	uint64_t mem_gen;		/* direct FULL: memory writes when staged */
};

struct refdev_vf {
	struct refdev_func func;
	bool present;			/* a host VF object is attached */
	uint8_t state;			/* enum refdev_vf_state */
	bool base_loaded;		/* STR-010 ORDER: FULL/INITIAL loaded since STOP */
	bool reinit;			/* DEV-REINIT-002: base save needed */
	uint32_t reinit_count;		/* DEV-REINIT-001 */
	struct refdev_dma dma;
	struct refdev_dirty dirty;
	struct refdev_mem mem;
	struct refdev_stage stage;
};

struct refdev_aq {			/* DEV-AQ-010..017 */
	uint32_t sq_lo, sq_hi, cq_lo, cq_hi, size, ctrl, status;
	uint32_t sq_tail, sq_head, cq_head, cq_tail;
	uint16_t phase;
	bool in_doorbell;		/* DEV-AQ-018: inside a doorbell write */
	bool late;			/* DEV-FI-003: late_cmd waits for the timer */
	uint64_t late_due;
	struct refdev_aq_cmd late_cmd;
};

struct refdev_fault_slot {		/* DEV-FI-* */
	uint64_t count;
	uint64_t param;
	uint16_t vf;			/* 0xffff: any VF */
};

struct refdev_dev {
	const struct refdev_ops *ops;	/* device-level host: schedule, timer */
	void *opaque;
	uint16_t total_vfs;
	uint32_t mem_size;		/* DEV-MEM-001: per VF, multiple of 4 KiB */
	bool in_dma;			/* DEV-DMA-006: inside a host DMA call */
	bool aq_sync;			/* DEV-AQ-018 (QEMU property aq-sync) */
	bool run_scheduled;
	struct refdev_func pf;
	struct refdev_aq aq;
	struct refdev_fault_slot fault[REFDEV_FAULT_MAX + 1];
	struct refdev_vf vf[REFDEV_MAX_VFS];
	uint8_t buf[REFDEV_STREAM_MAX_SIZE];	/* save/load/report scratch */
};

/* ---- host API ---------------------------------------------------------- */

/* Power-on. @ops/@pf_opaque serve the PF and the device-level hooks. */
void refdev_dev_init(struct refdev_dev *d, const struct refdev_ops *ops,
		     void *pf_opaque, uint16_t total_vfs);
void refdev_dev_fini(struct refdev_dev *d);
/* A VF appeared (DEV-SRIOV-002): power-on state; NULL if @idx is invalid. */
struct refdev_func *refdev_dev_vf_attach(struct refdev_dev *d, uint16_t idx,
					 void *opaque);
void refdev_dev_vf_detach(struct refdev_dev *d, uint16_t idx);
/* DEV-MEM-001: device memory of every VF (before VFs attach); false if invalid. */
bool refdev_dev_set_mem_size(struct refdev_dev *d, uint32_t bytes);
/* DEV-AQ-018: short admin commands complete in their doorbell write. */
void refdev_dev_set_aq_sync(struct refdev_dev *d, bool on);
/* PF reset (DEV-RST-002, DEV-AQ-006): every VF slot is detached too. */
void refdev_dev_pf_reset(struct refdev_dev *d);
/* VF FLR from the host (DEV-RST-001, DRT-005, DEV-FI-007). */
void refdev_dev_vf_flr(struct refdev_dev *d, uint16_t idx);
/* Deferred work (the host's bottom half) and timer expiry. */
void refdev_dev_run(struct refdev_dev *d);
void refdev_dev_timer(struct refdev_dev *d);
/* DEV-FI-*: arm @fault; returns an enum refdev_aq_status. */
uint16_t refdev_dev_arm_fault(struct refdev_dev *d, uint32_t fault,
			      uint64_t count, uint64_t param, uint16_t vf);

/* ---- core-internal ----------------------------------------------------- */

static inline struct refdev_vf *refdev_func_vf(struct refdev_func *f)
{
	return (struct refdev_vf *)((char *)f - offsetof(struct refdev_vf, func));
}

/* Little-endian field access: device structures are LE in host memory. */
static inline void refdev_le_put(uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t refdev_le_get(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* refdev_dev.c: functions, VF slots, host access, fault injection */
/* Function-level reset (FLR, or the PF's reset for the PF): DEV-RST-001. */
void refdev_func_reset(struct refdev_func *f);
bool refdev_dev_mmio_blocked(struct refdev_func *f, bool write);
bool refdev_dev_irq_allowed(struct refdev_func *f);

void refdev_dev_kick(struct refdev_dev *d);
bool refdev_dev_dma_read(struct refdev_dev *d, struct refdev_func *f,
			 uint64_t addr, void *buf, uint32_t len);
bool refdev_dev_dma_write(struct refdev_dev *d, struct refdev_func *f,
			  uint64_t addr, const void *buf, uint32_t len);
void refdev_dev_raise(struct refdev_func *f, unsigned int vector);
bool refdev_fault_take(struct refdev_dev *d, uint32_t fault, uint16_t vf,
		       uint64_t *param);
struct refdev_vf *refdev_dev_vf(struct refdev_dev *d, uint16_t idx);
/* false: DEV-FI-007 made it a no-op */
bool refdev_vf_flr(struct refdev_dev *d, struct refdev_vf *vf);
void refdev_vf_set_state(struct refdev_dev *d, struct refdev_vf *vf,
			 uint8_t state);


/* refdev_dma.c: VF DMA engine (1.7) */
static inline void refdev_dma_reset(struct refdev_dma *e)
{
	memset(e, 0, sizeof(*e));
}

static inline bool refdev_dma_runnable(const struct refdev_vf *vf)
{
	const struct refdev_dma *e = &vf->dma;

	return vf->present && vf->state == REFDEV_VF_RUNNING &&
	       (e->ctrl & REFDEV_DMA_CTRL_ENABLE) && e->doorbell &&
	       !(e->status & REFDEV_DMA_STATUS_ERROR) && e->head != e->tail;
}

uint32_t refdev_dma_reg_read(struct refdev_vf *vf, uint64_t reg);
void refdev_dma_reg_write(struct refdev_dev *d, struct refdev_vf *vf,
			  uint64_t reg, uint32_t val);
void refdev_dma_step(struct refdev_dev *d, struct refdev_vf *vf);

/* refdev_aq.c: PF admin queue (1.8) */
void refdev_aq_reset(struct refdev_aq *q);
uint32_t refdev_aq_reg_read(struct refdev_dev *d, uint64_t reg);
void refdev_aq_reg_write(struct refdev_dev *d, uint64_t reg, uint32_t val);
bool refdev_aq_pending(const struct refdev_dev *d);
void refdev_aq_step(struct refdev_dev *d);
void refdev_aq_timer(struct refdev_dev *d);

/* refdev_mem.c: VF device memory (DEV-MEM-*) and the staging buffer */
uint32_t refdev_mem_bitmap_bytes(const struct refdev_dev *d);
void refdev_mem_reset(struct refdev_vf *vf);
bool refdev_mem_ensure(struct refdev_dev *d, struct refdev_vf *vf);
bool refdev_mem_write(struct refdev_dev *d, struct refdev_vf *vf,
		      uint64_t off, const void *buf, uint32_t len);
bool refdev_mem_read(struct refdev_dev *d, const struct refdev_vf *vf,
		     uint64_t off, void *buf, uint32_t len);
bool refdev_mem_page_changed(const struct refdev_vf *vf, uint32_t page);
uint32_t refdev_mem_changed_pages(const struct refdev_dev *d,
				  const struct refdev_vf *vf);
void refdev_mem_saved(const struct refdev_dev *d, struct refdev_vf *vf);
void refdev_mem_all_changed(struct refdev_vf *vf);
uint8_t *refdev_stage_buf(struct refdev_vf *vf, uint32_t len);
void refdev_stage_free(struct refdev_vf *vf);

/* refdev_stream.c: migration stream (1.9) */
uint32_t refdev_stream_size(uint64_t sram_changed, uint32_t kind);
/* The same for @vf: its chunk mask (or the worst case) and device memory. */
uint32_t refdev_stream_size_vf(const struct refdev_vf *vf, bool exact,
			       uint32_t kind);
/* STR-013: the largest stream this device saves or loads. */
uint32_t refdev_stream_limit(const struct refdev_dev *d);
/* Writes a stream of @kind into @buf (>= refdev_stream_size); returns its length. */
uint32_t refdev_stream_save(struct refdev_vf *vf, uint32_t kind, uint8_t *buf);
/* A FULL whose MEM_FULL payload is the memory itself; returns the prefix. */
uint32_t refdev_stream_save_full_direct(struct refdev_vf *vf, uint8_t *buf,
					uint32_t *total);
/* STR-010: checks everything, then applies; returns enum refdev_stream_err. */
uint32_t refdev_stream_check(const struct refdev_vf *vf, const uint8_t *buf,
			     uint32_t len);
uint32_t refdev_stream_load(struct refdev_vf *vf, const uint8_t *buf,
			    uint32_t len);

/* refdev_dirty.c: dirty tracking (1.10); return enum refdev_aq_status */
uint16_t refdev_dirty_start(struct refdev_dirty *t,
			    const struct refdev_dirty_range *r,
			    uint32_t count, uint64_t pgsize);
void refdev_dirty_stop(struct refdev_dirty *t);
void refdev_dirty_record(struct refdev_dirty *t, uint64_t addr, uint64_t len);
/* Checks a report request; *bytes = bitmap bytes it needs. */
uint16_t refdev_dirty_report_check(const struct refdev_dirty *t,
				   uint64_t iova, uint64_t length,
				   uint64_t pgsize, uint32_t *bytes);
/* Fills @bitmap (refdev_dirty_report_check's bytes) without clearing. */
void refdev_dirty_report_fill(const struct refdev_dirty *t, uint64_t iova,
			      uint64_t length, uint8_t *bitmap);
void refdev_dirty_report_clear(struct refdev_dirty *t, uint64_t iova,
			       uint64_t length);

#endif /* REFDEV_DEV_H */
