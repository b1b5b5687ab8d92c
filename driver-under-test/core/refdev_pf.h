/* SPDX-License-Identifier: GPL-2.0 */
/* refdev_core internals: the PF device and its admin queue. */
#ifndef REFDEV_PF_H
#define REFDEV_PF_H

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/semaphore.h>
#include <linux/spinlock.h>

#include "refdev_core.h"

#define REFDEV_AQ_DEFAULT_DEPTH	32

/* One in-flight command: a slot of the SQ and its waiter. */
struct refdev_aq_slot {
	struct completion done;
	struct refdev_aq_cpl cpl;
	u8 gen;			/* cid = gen << 8 | slot index */
	bool busy;		/* a waiter owns the slot */
	bool posted;		/* submitted to the device, no completion yet */
	int err;		/* set instead of cpl by abort/timeout paths */
};

struct refdev_aq {
	spinlock_t lock;	/* rings, indexes, slots */
	struct semaphore free;	/* free slots: bounds commands in flight */
	/* read: posting a command; write: recovery (disable + enable) */
	struct rw_semaphore gate;
	struct refdev_aq_cmd *sq;
	struct refdev_aq_cpl *cq;
	dma_addr_t sq_dma, cq_dma;
	u16 depth;
	u16 sq_tail;
	u16 cq_head;
	u16 phase;		/* phase tag of the next new completion */
	bool ready;		/* enabled and READY */
	int down_err;		/* what commands get while not ready */
	bool irq;		/* completions raise vector 0 (else polled) */
	bool sync;		/* DEV-AQ-018: short commands done in the doorbell */
	struct refdev_aq_slot slot[REFDEV_AQ_MAX_ENTRIES];
};

struct refdev_pf {
	struct kref ref;	/* the PF driver + each refdev_vf handle */
	struct pci_dev *pdev;	/* valid while bound; NULL after remove */
	void __iomem *bar0;
	/*
	 * Read side: a command in progress. Write side: remove and reset,
	 * which flip @dead or @aq.ready under it, so no command runs across.
	 */
	struct rw_semaphore life;
	bool dead;
	bool has_aq;		/* the admin queue came up at probe */
	struct dentry *debugfs;
	int irq_vec;		/* Linux IRQ of MSI-X vector 0, or -1 */
	struct refdev_identify id;
	struct refdev_aq aq;
};

struct refdev_vf {
	struct refdev_pf *pf;
	u16 index;
};

/* refdev_aq.c */
int refdev_aq_init(struct refdev_pf *pf, u16 depth);
void refdev_aq_fini(struct refdev_pf *pf);
int refdev_aq_enable(struct refdev_pf *pf);
void refdev_aq_disable(struct refdev_pf *pf, int err);
irqreturn_t refdev_aq_irq(int irq, void *data);
/* Runs @cmd (cid filled in here); returns 0 and the completion, or -errno. */
int refdev_aq_exec(struct refdev_pf *pf, struct refdev_aq_cmd *cmd,
		   struct refdev_aq_cpl *cpl);
int refdev_aq_status_errno(u16 status);
s64 refdev_aq_bench_wire(struct refdev_pf *pf, unsigned int n, bool flush,
			 bool cq_every);

/* refdev_api.c */
int refdev_pf_identify(struct refdev_pf *pf, struct refdev_identify *id);
int refdev_pf_nop(struct refdev_pf *pf);
void refdev_pf_release(struct kref *ref);

/* refdev_pf.c */
extern struct pci_driver refdev_core_driver;
extern struct mutex refdev_pf_lookup_lock;

#endif /* REFDEV_PF_H */
