// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * refdev device object: functions, VF slots, resets, fault injection and
 * the host-access helpers the engines share. SPEC.md 1.5-1.11.
 */
#include <string.h>

#include "refdev_dev.h"

/* ---- functions (DEV-REG-*, DEV-RST-001) ------------------------------- */

static void func_init(struct refdev_func *f, const struct refdev_ops *ops,
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

/* ---- the device object ------------------------------------------------- */

static void vf_power_on(struct refdev_dev *d, struct refdev_vf *vf,
			uint16_t idx, void *opaque)
{
	refdev_dirty_stop(&vf->dirty);
	refdev_mem_reset(vf);
	memset(vf, 0, sizeof(*vf));
	vf->mem.all_changed = true;
	func_init(&vf->func, d->ops, opaque, true, idx);
	vf->func.dev = d;
}

void refdev_dev_init(struct refdev_dev *d, const struct refdev_ops *ops,
		     void *pf_opaque, uint16_t total_vfs)
{
	memset(d, 0, sizeof(*d));
	d->ops = ops;
	d->opaque = pf_opaque;
	d->total_vfs = total_vfs > REFDEV_MAX_VFS ? REFDEV_MAX_VFS : total_vfs;
	func_init(&d->pf, ops, pf_opaque, false, 0);
	d->pf.dev = d;
	for (uint16_t i = 0; i < REFDEV_MAX_VFS; i++)
		vf_power_on(d, &d->vf[i], i, NULL);
}

void refdev_dev_set_aq_sync(struct refdev_dev *d, bool on)
{
	d->aq_sync = on;	/* a property: PF resets keep it */
}

void refdev_dev_fini(struct refdev_dev *d)
{
	for (unsigned int i = 0; i < REFDEV_MAX_VFS; i++) {
		refdev_dirty_stop(&d->vf[i].dirty);
		refdev_mem_reset(&d->vf[i]);
	}
}

struct refdev_vf *refdev_dev_vf(struct refdev_dev *d, uint16_t idx)
{
	if (idx >= d->total_vfs || !d->vf[idx].present)
		return NULL;
	return &d->vf[idx];
}

struct refdev_func *refdev_dev_vf_attach(struct refdev_dev *d, uint16_t idx,
					 void *opaque)
{
	if (idx >= d->total_vfs)
		return NULL;
	vf_power_on(d, &d->vf[idx], idx, opaque);
	d->vf[idx].present = true;
	return &d->vf[idx].func;
}

void refdev_dev_vf_detach(struct refdev_dev *d, uint16_t idx)
{
	if (idx >= d->total_vfs)
		return;
	/* DEV-SRIOV-004: power-on state without a host: no DMA, no IRQ. */
	vf_power_on(d, &d->vf[idx], idx, NULL);
}

/* DEV-RST-001 + engine, migration and dirty state (DRT-005); no resume. */
bool refdev_vf_flr(struct refdev_dev *d, struct refdev_vf *vf)
{
	if (refdev_fault_take(d, REFDEV_FAULT_FLR_FAIL, vf->func.vf_index, NULL))
		return false;	/* DEV-FI-007: state untouched */
	refdev_func_reset(&vf->func);
	refdev_dma_reset(&vf->dma);
	refdev_dirty_stop(&vf->dirty);
	refdev_mem_reset(vf);	/* DEV-MEM-003: zeros again */
	vf->base_loaded = false;
	vf->reinit = false;	/* DEV-REINIT-003: power-on state */
	return true;
}

void refdev_dev_vf_flr(struct refdev_dev *d, uint16_t idx)
{
	struct refdev_vf *vf = refdev_dev_vf(d, idx);

	if (vf)
		refdev_vf_flr(d, vf);
}

/* ADM-002/003: entering STOP forgets the load base (STR-010 ORDER). */
void refdev_vf_set_state(struct refdev_dev *d, struct refdev_vf *vf,
			 uint8_t state)
{
	if (state == REFDEV_VF_STOP && vf->state != REFDEV_VF_STOP)
		vf->base_loaded = false;
	vf->state = state;
	if (state == REFDEV_VF_RUNNING && refdev_dma_runnable(vf))
		refdev_dev_kick(d);	/* recorded doorbells take effect */
}

/* ---- deferred work ----------------------------------------------------- */

void refdev_dev_kick(struct refdev_dev *d)
{
	if (d->run_scheduled || !d->ops || !d->ops->schedule)
		return;
	d->run_scheduled = true;
	d->ops->schedule(d->opaque);
}

/* ---- host access -------------------------------------------------------- */

static bool func_has_host(struct refdev_func *f)
{
	return !f->is_vf || refdev_func_vf(f)->present;
}

/* DEV-DMA-006: MMIO arriving while in_dma is set is dropped. */
bool refdev_dev_dma_read(struct refdev_dev *d, struct refdev_func *f,
			 uint64_t addr, void *buf, uint32_t len)
{
	bool ok;

	if (!func_has_host(f) || !f->ops || !f->ops->dma_read)
		return false;
	d->in_dma = true;
	ok = f->ops->dma_read(f->opaque, addr, buf, len);
	d->in_dma = false;
	return ok;
}

bool refdev_dev_dma_write(struct refdev_dev *d, struct refdev_func *f,
			  uint64_t addr, const void *buf, uint32_t len)
{
	bool ok;

	if (!func_has_host(f) || !f->ops || !f->ops->dma_write)
		return false;
	d->in_dma = true;
	ok = f->ops->dma_write(f->opaque, addr, buf, len);
	d->in_dma = false;
	return ok;
}

void refdev_dev_raise(struct refdev_func *f, unsigned int vector)
{
	if (vector >= f->msix_vectors || !func_has_host(f) ||
	    !refdev_dev_irq_allowed(f) || !f->ops || !f->ops->raise_msix)
		return;
	f->ops->raise_msix(f->opaque, vector);
}

/* ---- what MMIO may do (refdev_core.c asks) ----------------------------- */

/* DEV-DMA-006 (any MMIO during DMA), ADM-002 STOP (writes), and a VF
 * slot without a host VF (no MMIO can reach it). */
bool refdev_dev_mmio_blocked(struct refdev_func *f, bool write)
{
	if (f->dev->in_dma || (f->is_vf && !refdev_func_vf(f)->present))
		return true;
	return write && f->is_vf &&
	       refdev_func_vf(f)->state == REFDEV_VF_STOP;
}

/* ADM-002: a suspended VF raises no interrupt. */
bool refdev_dev_irq_allowed(struct refdev_func *f)
{
	return !f->is_vf || refdev_func_vf(f)->state == REFDEV_VF_RUNNING;
}

/* ---- fault injection (DEV-FI-*) ----------------------------------------- */

uint16_t refdev_dev_arm_fault(struct refdev_dev *d, uint32_t fault,
			      uint64_t count, uint64_t param, uint16_t vf)
{
	struct refdev_fault_slot *s;

	if (fault == REFDEV_FAULT_NONE) {	/* disarms everything */
		memset(d->fault, 0, sizeof(d->fault));
		return REFDEV_AQ_S_OK;
	}
	if (fault > REFDEV_FAULT_MAX)
		return REFDEV_AQ_S_INVALID_PARAM;
	if (fault == REFDEV_FAULT_FAIL_STATUS && param > 0xffff)
		return REFDEV_AQ_S_INVALID_PARAM;
	if (fault == REFDEV_FAULT_LATE && param > REFDEV_FAULT_LATE_MAX_US)
		return REFDEV_AQ_S_INVALID_PARAM;
	if (vf != 0xffff && vf >= d->total_vfs)
		return REFDEV_AQ_S_INVALID_VF;
	s = &d->fault[fault];
	s->count = count;
	s->param = param;
	s->vf = vf;
	return REFDEV_AQ_S_OK;
}

/* Consumes one event of @fault if it is armed for @vf (DEV-FI-009). */
bool refdev_fault_take(struct refdev_dev *d, uint32_t fault, uint16_t vf,
		       uint64_t *param)
{
	struct refdev_fault_slot *s = &d->fault[fault];

	if (!s->count || (s->vf != 0xffff && s->vf != vf))
		return false;
	s->count--;
	if (param)
		*param = s->param;
	return true;
}
