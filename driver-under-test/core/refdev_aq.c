// SPDX-License-Identifier: GPL-2.0
/*
 * refdev PF admin queue (SPEC 1.8, DEV-AQ-*).
 *
 * Commands go into a DMA-coherent SQ, completions come back in a CQ with a
 * phase tag. Several commands may be in flight (one per VF caller); each has
 * a slot whose index and generation form the command id, so a completion is
 * matched to the exact submission it belongs to.
 *
 * When a command times out the device is assumed stuck: the queue is
 * disabled (the device drops what it holds, DEV-AQ-001), every waiter gets
 * -ETIMEDOUT, the rings are wiped and the queue is enabled again. Slot
 * generations move on, so a completion that still shows up for an old
 * command matches nothing and is dropped.
 */
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/iopoll.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>

#include "refdev_pf.h"

#ifdef __BIG_ENDIAN
#error "refdev rings are little endian; this driver supports little-endian hosts only"
#endif

static unsigned int aq_timeout_ms;
module_param(aq_timeout_ms, uint, 0644);
MODULE_PARM_DESC(aq_timeout_ms,
		 "Admin command timeout in ms for every command (0 = per-command defaults)");

static unsigned int aq_poll_us = 20;
module_param(aq_poll_us, uint, 0644);
MODULE_PARM_DESC(aq_poll_us,
		 "Admin completions are polled for this long (us) before sleeping on the interrupt");

#define REFDEV_AQ_ENABLE_TIMEOUT_US	100000

/*
 * Per-command timeouts: a chunked save or load may stage or check a whole
 * device memory (ADM-014/015, up to 256 MiB) in one command; every other
 * command moves at most 4 MiB (a dirty bitmap; saves and loads 64 KiB) and
 * gets the short timeout, which still leaves a blocking reset plainly
 * longer than a device's (REQ-FAULT-002 tells them apart at 1 s).
 */
static unsigned int refdev_aq_timeout_ms(u8 opcode)
{
	if (aq_timeout_ms)
		return aq_timeout_ms;

	switch (opcode) {
	case REFDEV_AQ_VF_SAVE_CHUNK:
	case REFDEV_AQ_VF_LOAD_CHUNK:
		return 30000;
	case REFDEV_AQ_VF_RESET:
		return 3000;
	default:
		return 2000;
	}
}

int refdev_aq_status_errno(u16 status)
{
	switch (status) {
	case REFDEV_AQ_S_OK:
		return 0;
	case REFDEV_AQ_S_INVALID_OPCODE:
		return -EOPNOTSUPP;
	case REFDEV_AQ_S_INVALID_VF:
		return -ENODEV;
	case REFDEV_AQ_S_INVALID_PARAM:
	case REFDEV_AQ_S_STREAM_INVALID:
		return -EINVAL;
	case REFDEV_AQ_S_INVALID_STATE:
		return -EPROTO;
	case REFDEV_AQ_S_BUFFER_SMALL:
		return -ENOSPC;
	case REFDEV_AQ_S_BUSY:
		return -EBUSY;
	case REFDEV_AQ_S_ABORTED:
		return -ECANCELED;
	case REFDEV_AQ_S_REINIT:
		return -ESTALE;
	default:		/* DMA_ERROR, INJECTED, unknown */
		return -EIO;
	}
}

static void refdev_aq_write_rings(struct refdev_pf *pf)
{
	struct refdev_aq *aq = &pf->aq;

	writel(lower_32_bits(aq->sq_dma), pf->bar0 + REFDEV_REG_AQ_SQ_LO);
	writel(upper_32_bits(aq->sq_dma), pf->bar0 + REFDEV_REG_AQ_SQ_HI);
	writel(lower_32_bits(aq->cq_dma), pf->bar0 + REFDEV_REG_AQ_CQ_LO);
	writel(upper_32_bits(aq->cq_dma), pf->bar0 + REFDEV_REG_AQ_CQ_HI);
	writel(aq->depth, pf->bar0 + REFDEV_REG_AQ_SIZE);
}

/* Fresh rings: the device restarts at index 0 with phase 1 (DEV-AQ-001). */
static void refdev_aq_reset_rings(struct refdev_aq *aq)
{
	memset(aq->sq, 0, aq->depth * sizeof(*aq->sq));
	memset(aq->cq, 0, aq->depth * sizeof(*aq->cq));
	aq->sq_tail = 0;
	aq->cq_head = 0;
	aq->phase = 1;
}

/*
 * Enable the queue; called with no command in flight (probe, reset_done,
 * recovery with the gate held for write).
 */
int refdev_aq_enable(struct refdev_pf *pf)
{
	struct refdev_aq *aq = &pf->aq;
	u32 ctrl = REFDEV_AQ_CTRL_ENABLE;
	u32 status;
	int ret;

	spin_lock_irq(&aq->lock);
	refdev_aq_reset_rings(aq);
	spin_unlock_irq(&aq->lock);

	writel(0, pf->bar0 + REFDEV_REG_AQ_CTRL);
	refdev_aq_write_rings(pf);
	if (aq->irq)
		ctrl |= REFDEV_AQ_CTRL_IRQ;
	writel(ctrl, pf->bar0 + REFDEV_REG_AQ_CTRL);

	ret = readl_poll_timeout(pf->bar0 + REFDEV_REG_AQ_STATUS, status,
				 status & (REFDEV_AQ_STATUS_READY |
					   REFDEV_AQ_STATUS_FATAL),
				 10, REFDEV_AQ_ENABLE_TIMEOUT_US);
	if (ret || !(status & REFDEV_AQ_STATUS_READY) ||
	    (status & REFDEV_AQ_STATUS_FATAL)) {
		writel(0, pf->bar0 + REFDEV_REG_AQ_CTRL);
		pci_warn(pf->pdev, "admin queue not ready (status %#x)\n", status);
		return -EIO;
	}

	spin_lock_irq(&aq->lock);
	aq->ready = true;
	aq->down_err = 0;
	spin_unlock_irq(&aq->lock);
	return 0;
}

/* Abort every posted command with @err; their slots' ids become stale. */
static void refdev_aq_abort_locked(struct refdev_aq *aq, int err)
{
	unsigned int i;

	for (i = 0; i < aq->depth; i++) {
		struct refdev_aq_slot *s = &aq->slot[i];

		if (!s->posted)
			continue;
		s->posted = false;
		s->err = err;
		complete(&s->done);
	}
}

/*
 * Stop the queue: the device completes nothing more (DEV-AQ-001), waiters
 * get @err, and new commands fail with @err until refdev_aq_enable().
 */
void refdev_aq_disable(struct refdev_pf *pf, int err)
{
	struct refdev_aq *aq = &pf->aq;
	unsigned long flags;

	spin_lock_irqsave(&aq->lock, flags);
	aq->ready = false;
	aq->down_err = err;
	if (pf->bar0)
		writel(0, pf->bar0 + REFDEV_REG_AQ_CTRL);
	refdev_aq_abort_locked(aq, err);
	spin_unlock_irqrestore(&aq->lock, flags);
}

static bool refdev_aq_cid_match(struct refdev_aq *aq, u16 cid)
{
	struct refdev_aq_slot *s;
	u16 idx = cid & 0xff;

	if (idx >= aq->depth)
		return false;
	s = &aq->slot[idx];
	return s->posted && s->gen == (cid >> 8);
}

/*
 * Consume new completions; caller holds aq->lock. @self: the caller's own
 * slot, which nobody waits on (its completion is taken at the doorbell,
 * DEV-AQ-018), or NULL.
 */
static void refdev_aq_process_cq_locked(struct refdev_pf *pf,
					struct refdev_aq_slot *self)
{
	struct refdev_aq *aq = &pf->aq;
	bool consumed = false;

	while (aq->ready) {
		struct refdev_aq_cpl *e = &aq->cq[aq->cq_head];
		struct refdev_aq_cpl cpl;
		struct refdev_aq_slot *s;

		if ((le16_to_cpu(READ_ONCE(e->phase)) & 1) != aq->phase)
			break;
		/* the entry's body is valid once its phase tag is */
		dma_rmb();
		cpl = *e;
		consumed = true;
		if (++aq->cq_head == aq->depth) {
			aq->cq_head = 0;
			aq->phase ^= 1;
		}

		if (!refdev_aq_cid_match(aq, cpl.cid)) {
			pci_dbg(pf->pdev, "stale completion cid %#x dropped\n",
				cpl.cid);
			continue;
		}
		s = &aq->slot[cpl.cid & 0xff];
		s->cpl = cpl;
		s->err = 0;
		s->posted = false;
		if (s != self)
			complete(&s->done);
	}

	/* let the device reuse the consumed entries (DEV-AQ-004) */
	if (consumed)
		writel(aq->cq_head, pf->bar0 + REFDEV_REG_AQ_CQ_HEAD);
}

static void refdev_aq_poll(struct refdev_pf *pf)
{
	unsigned long flags;

	spin_lock_irqsave(&pf->aq.lock, flags);
	refdev_aq_process_cq_locked(pf, NULL);
	spin_unlock_irqrestore(&pf->aq.lock, flags);
}

irqreturn_t refdev_aq_irq(int irq, void *data)
{
	refdev_aq_poll(data);
	return IRQ_HANDLED;
}

/* The result of slot @s, which then is free again; caller holds aq->lock. */
static int refdev_aq_collect_locked(struct refdev_aq_slot *s,
				    struct refdev_aq_cpl *cpl)
{
	int ret = s->err;

	if (!ret) {
		*cpl = s->cpl;
		ret = refdev_aq_status_errno(cpl->status);
	}
	s->busy = false;
	return ret;
}

/*
 * Claim a slot and ring the doorbell. Returns the slot index to wait on,
 * or REFDEV_AQ_DONE with the command's result in *@res when its completion
 * was taken at the doorbell (DEV-AQ-018), or -errno.
 */
#define REFDEV_AQ_DONE	REFDEV_AQ_MAX_ENTRIES
static int refdev_aq_post(struct refdev_pf *pf, struct refdev_aq_cmd *cmd,
			  struct refdev_aq_cpl *cpl, int *res)
{
	struct refdev_aq *aq = &pf->aq;
	struct refdev_aq_slot *s = NULL;
	unsigned int i;
	int ret;

	down_read(&aq->gate);
	spin_lock_irq(&aq->lock);
	if (!aq->ready) {
		ret = aq->down_err ?: -EIO;
		goto out;
	}
	for (i = 0; i < aq->depth; i++) {
		if (!aq->slot[i].busy) {
			s = &aq->slot[i];
			break;
		}
	}
	if (WARN_ON(!s)) {	/* the semaphore bounds commands in flight */
		ret = -EBUSY;
		goto out;
	}
	s->busy = true;
	s->posted = true;
	s->err = 0;
	s->gen++;
	reinit_completion(&s->done);

	cmd->cid = (u16)s->gen << 8 | i;
	if (aq->sync)
		cmd->flags |= REFDEV_AQ_F_POLL;
	aq->sq[aq->sq_tail] = *cmd;
	aq->sq_tail = (aq->sq_tail + 1) & (aq->depth - 1);
	/* writel orders the SQ entry before the doorbell */
	writel(aq->sq_tail, pf->bar0 + REFDEV_REG_AQ_SQ_TAIL);
	if (aq->sync) {
		/*
		 * DEV-AQ-018: once a register read has flushed the doorbell,
		 * a short command's completion is in the CQ and raises no
		 * interrupt: take it now. A long one interrupts later.
		 */
		readl(pf->bar0 + REFDEV_REG_AQ_SQ_HEAD);
		refdev_aq_process_cq_locked(pf, s);
		if (!s->posted) {
			*res = refdev_aq_collect_locked(s, cpl);
			ret = REFDEV_AQ_DONE;
			goto out;
		}
	}
	ret = i;
out:
	spin_unlock_irq(&aq->lock);
	up_read(&aq->gate);
	return ret;
}

/* A quick device completes within aq_poll_us: no sleep, no wake-up. */
static bool refdev_aq_spin(struct refdev_pf *pf, struct refdev_aq_slot *s)
{
	u64 end;

	end = ktime_get_ns() + (u64)READ_ONCE(aq_poll_us) * NSEC_PER_USEC;
	do {
		cpu_relax();
		refdev_aq_poll(pf);
		if (completion_done(&s->done))
			return true;
	} while (ktime_get_ns() < end);
	return false;
}

/* Wait for slot @i; polls the CQ too, so a lost interrupt costs latency only. */
static bool refdev_aq_wait(struct refdev_pf *pf, unsigned int i,
			   unsigned long timeout)
{
	struct refdev_aq_slot *s = &pf->aq.slot[i];
	unsigned long deadline = jiffies + timeout;

	if (refdev_aq_spin(pf, s))
		return true;
	if (pf->aq.irq &&
	    wait_for_completion_timeout(&s->done, timeout))
		return true;

	do {
		refdev_aq_poll(pf);
		if (completion_done(&s->done))
			return true;
		usleep_range(20, 100);
	} while (time_before(jiffies, deadline));

	refdev_aq_poll(pf);
	return completion_done(&s->done);
}

/*
 * Slot @i timed out. If it is still posted the device is stuck: disable the
 * queue (aborting every waiter with -ETIMEDOUT) and bring it back empty.
 */
static void refdev_aq_recover(struct refdev_pf *pf, unsigned int i)
{
	struct refdev_aq *aq = &pf->aq;
	bool stuck;

	down_write(&aq->gate);
	spin_lock_irq(&aq->lock);
	stuck = aq->slot[i].posted;
	spin_unlock_irq(&aq->lock);

	if (stuck) {
		pci_warn(pf->pdev, "admin command timed out, resetting the admin queue\n");
		refdev_aq_disable(pf, -ETIMEDOUT);
		if (refdev_aq_enable(pf))
			refdev_aq_disable(pf, -EIO);
	}
	up_write(&aq->gate);
}

int refdev_aq_exec(struct refdev_pf *pf, struct refdev_aq_cmd *cmd,
		   struct refdev_aq_cpl *cpl)
{
	struct refdev_aq *aq = &pf->aq;
	struct refdev_aq_slot *s;
	unsigned long timeout;
	int i, ret;

	down(&aq->free);
	i = refdev_aq_post(pf, cmd, cpl, &ret);
	if (i < 0) {
		up(&aq->free);
		return i;
	}
	if (i == REFDEV_AQ_DONE) {	/* DEV-AQ-018: no wait, no wake-up */
		up(&aq->free);
		return ret;
	}
	s = &aq->slot[i];

	timeout = msecs_to_jiffies(refdev_aq_timeout_ms(cmd->opcode));
	if (!refdev_aq_wait(pf, i, timeout))
		refdev_aq_recover(pf, i);

	spin_lock_irq(&aq->lock);
	ret = refdev_aq_collect_locked(s, cpl);
	spin_unlock_irq(&aq->lock);
	up(&aq->free);
	return ret;
}

int refdev_aq_init(struct refdev_pf *pf, u16 depth)
{
	struct refdev_aq *aq = &pf->aq;
	struct device *dev = &pf->pdev->dev;
	unsigned int i;

	aq->depth = depth;
	spin_lock_init(&aq->lock);
	init_rwsem(&aq->gate);
	/* one entry stays free so a full SQ never looks empty */
	sema_init(&aq->free, depth - 1);
	for (i = 0; i < depth; i++)
		init_completion(&aq->slot[i].done);

	aq->sq = dma_alloc_coherent(dev, depth * sizeof(*aq->sq), &aq->sq_dma,
				    GFP_KERNEL);
	aq->cq = dma_alloc_coherent(dev, depth * sizeof(*aq->cq), &aq->cq_dma,
				    GFP_KERNEL);
	if (!aq->sq || !aq->cq) {
		refdev_aq_fini(pf);
		return -ENOMEM;
	}
	aq->down_err = -EOPNOTSUPP;
	return 0;
}

void refdev_aq_fini(struct refdev_pf *pf)
{
	struct refdev_aq *aq = &pf->aq;
	struct device *dev = &pf->pdev->dev;

	if (aq->sq)
		dma_free_coherent(dev, aq->depth * sizeof(*aq->sq), aq->sq,
				  aq->sq_dma);
	if (aq->cq)
		dma_free_coherent(dev, aq->depth * sizeof(*aq->cq), aq->cq,
				  aq->cq_dma);
	aq->sq = NULL;
	aq->cq = NULL;
}

/*
 * debugfs aq_bench: @n NOPs (ADM-016) on the wire only, under the queue
 * lock: no slot, no semaphore, no completion to wait on, so that the
 * driver's bookkeeping and the protocol's cost can be told apart.
 * @flush: the register read after the doorbell (DEV-AQ-018); @cq_every: the
 * CQ_HEAD write after every completion (else once per half ring). Returns
 * the ns taken, or -errno when the queue is busy or not synchronous.
 */
s64 refdev_aq_bench_wire(struct refdev_pf *pf, unsigned int n, bool flush,
			 bool cq_every)
{
	struct refdev_aq_cmd cmd = {
		.opcode = REFDEV_AQ_NOP,
		.flags = REFDEV_AQ_F_POLL,
		.cid = 0xffff,	/* matches no slot */
	};
	struct refdev_aq *aq = &pf->aq;
	unsigned int i, half = max_t(unsigned int, aq->depth / 2, 1);
	s64 ret = -EBUSY;
	u64 t0;

	spin_lock_irq(&aq->lock);
	if (!aq->ready || !aq->sync)
		goto out;
	for (i = 0; i < aq->depth; i++)
		if (aq->slot[i].posted)
			goto out;
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		struct refdev_aq_cpl *e;

		aq->sq[aq->sq_tail] = cmd;
		aq->sq_tail = (aq->sq_tail + 1) & (aq->depth - 1);
		writel(aq->sq_tail, pf->bar0 + REFDEV_REG_AQ_SQ_TAIL);
		if (flush)
			readl(pf->bar0 + REFDEV_REG_AQ_SQ_HEAD);
		e = &aq->cq[aq->cq_head];
		if ((le16_to_cpu(READ_ONCE(e->phase)) & 1) != aq->phase) {
			ret = -EAGAIN;	/* not in the CQ at once */
			goto out;
		}
		if (++aq->cq_head == aq->depth) {
			aq->cq_head = 0;
			aq->phase ^= 1;
		}
		if (cq_every || !(aq->cq_head % half))
			writel(aq->cq_head, pf->bar0 + REFDEV_REG_AQ_CQ_HEAD);
	}
	ret = ktime_get_ns() - t0;
out:
	/* leave the device with every consumed entry free */
	writel(aq->cq_head, pf->bar0 + REFDEV_REG_AQ_CQ_HEAD);
	spin_unlock_irq(&aq->lock);
	return ret;
}
