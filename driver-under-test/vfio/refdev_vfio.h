/* SPDX-License-Identifier: GPL-2.0 */
/* refdev_vfio_pci internals: the VF variant driver's device and files. */
#ifndef REFDEV_VFIO_H
#define REFDEV_VFIO_H

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

#include "refdev_compat.h"
#include "refdev_core.h"

/* A migration data file: saving (read) or resuming (write). */
struct refdev_migf {
	struct file *filp;
	struct refdev_vfio *rdev;
	struct mutex lock;	/* disabled (the reset path takes it) */
	bool disabled;		/* session over: I/O fails with -ENODEV */
	struct mutex io_lock;	/* everything below; never in the reset path */
	u8 *buf;
	size_t cap;
	size_t len;		/* valid bytes in buf */
	size_t off;		/* saving: bytes of buf already read */
	u64 pos;		/* saving: bytes read since the file was opened */
	/* saving */
	bool precopy;		/* temporary end of data: read gives -ENOMSG */
	u64 initial_end;	/* stream offset where the INITIAL save ends */
	/*
	 * A stream larger than buf stays staged in the device (ADM-014) and
	 * comes through xb one chunk at a time, after what buf holds. One at
	 * a time: a FINAL save waits (final_pending) until it is all read.
	 */
	struct refdev_xfer_buf *xb;
	u32 xb_len;		/* valid bytes in xb */
	u32 xb_off;		/* saving: bytes of xb already read */
	u32 st_kind;		/* saving: kind of the staged stream */
	u32 st_total;		/* saving: its length */
	u32 st_next;		/* bytes of the stream moved through xb so far */
	bool st_fresh;		/* saving: just staged, nothing for buf */
	bool final_pending;	/* saving: FINAL to save once staged data is out */
	/* resuming: one device stream at a time (STR-001 framing) */
	u32 want;		/* total_len of the stream in buf, 0 = unknown */
	u16 last_kind;		/* kind of the last stream taken, U16_MAX = none */
	bool through;		/* the stream goes through xb (ADM-015 chunks) */
	bool final_held;	/* a FULL/FINAL stream waits for RESUMING -> STOP */
	int err;		/* sticky write error */
};

struct refdev_vfio {
	struct vfio_pci_core_device core;
	struct refdev_vf *vf;		/* PF handle; NULL: no migration */
	struct refdev_identify id;
	struct mutex state_mutex;	/* mig_state, files, dirty tracking */
	enum vfio_device_mig_state mig_state;
	spinlock_t reset_lock;		/* deferred_reset */
	bool deferred_reset;
	struct refdev_migf *saving_migf;
	struct refdev_migf *resuming_migf;
	/* DMA logging (SPEC 1.10) */
	bool dirty_on;
	u64 dirty_pgsize;
	u32 dirty_nranges;
	struct refdev_dirty_range dirty_ranges[REFDEV_DIRTY_MAX_RANGES];
	struct refdev_xfer_buf *dirty_xb;	/* REPORT bitmaps: log_start to stop */
};

static inline struct refdev_vfio *to_refdev(struct vfio_device *vdev)
{
	return container_of(vdev, struct refdev_vfio, core.vdev);
}

static inline struct device *refdev_dev(struct refdev_vfio *rdev)
{
	return &rdev->core.pdev->dev;
}

/* refdev_vfio_main.c */
void refdev_state_mutex_unlock(struct refdev_vfio *rdev);
bool refdev_is_device_failure(int err);
void refdev_enter_error(struct refdev_vfio *rdev, int err);

/* refdev_vfio_mig.c */
extern const struct vfio_migration_ops refdev_mig_ops;
void refdev_disable_fds(struct refdev_vfio *rdev);
void refdev_reset_locked(struct refdev_vfio *rdev);

/* refdev_vfio_dirty.c */
extern const struct vfio_log_ops refdev_log_ops;
void refdev_dirty_forget(struct refdev_vfio *rdev);
void refdev_dirty_stop_locked(struct refdev_vfio *rdev);

#endif /* REFDEV_VFIO_H */
