// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * refdev device object: VF slots, resets, deferred work, fault injection
 * and the host-access helpers the engines share. SPEC.md 1.6-1.11.
 */
#include <string.h>

#include "refdev_dev.h"

static void vf_power_on(struct refdev_dev *d, struct refdev_vf *vf,
			uint16_t idx, void *opaque)
{
	refdev_dirty_stop(&vf->dirty);
	refdev_mem_reset(vf);
	memset(vf, 0, sizeof(*vf));
	vf->mem.all_changed = true;
	refdev_func_init(&vf->func, d->ops, opaque, true, idx);
	vf->func.dev = d;
}

void refdev_dev_init(struct refdev_dev *d, const struct refdev_ops *ops,
		     void *pf_opaque, uint16_t total_vfs)
{
	memset(d, 0, sizeof(*d));
	d->ops = ops;
	d->opaque = pf_opaque;
	d->total_vfs = total_vfs > REFDEV_MAX_VFS ? REFDEV_MAX_VFS : total_vfs;
	refdev_func_init(&d->pf, ops, pf_opaque, false, 0);
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

/* DEV-AQ-006, DEV-RST-002: the AQ and every VF go back to power-on. */
void refdev_dev_pf_reset(struct refdev_dev *d)
{
	refdev_func_reset(&d->pf);
	refdev_aq_reset(&d->aq);
	memset(d->fault, 0, sizeof(d->fault));
	for (uint16_t i = 0; i < REFDEV_MAX_VFS; i++)
		refdev_dev_vf_detach(d, i);
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

/* ---- hooks of refdev_core.c -------------------------------------------- */

uint32_t refdev_dev_reg_read(struct refdev_func *f, uint64_t reg)
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

void refdev_dev_reg_write(struct refdev_func *f, uint64_t reg, uint32_t val)
{
	if (f->is_vf && reg == REFDEV_REG_VF_REINIT)
		vf_reinit(refdev_func_vf(f));
	else if (f->is_vf)
		refdev_dma_reg_write(f->dev, refdev_func_vf(f), reg, val);
	else
		refdev_aq_reg_write(f->dev, reg, val);
}

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
