/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refdev_core: API of the refdev PF driver for the VF variant driver.
 *
 * The PF owns the admin queue (SPEC 1.8); a VF driver acts on its VF only
 * through these calls, one per admin command (ADM-xxx). All calls:
 *
 *  - may sleep (they wait for the command's completion) and must not be
 *    made from atomic context;
 *  - return 0 or a negative errno:
 *      -ENODEV     the PF driver is gone (unbound, being removed) or the VF
 *                  index is no longer valid (INVALID_VF);
 *      -ETIMEDOUT  the device did not complete the command in time; the
 *                  PF driver has reset the admin queue, the command's
 *                  effect is unknown;
 *      -ECANCELED  the command was aborted by a PF reset (ABORTED);
 *      -EOPNOTSUPP the device has no admin queue or rejects the opcode;
 *      -EINVAL     INVALID_PARAM or STREAM_INVALID (see refdev_vf_load());
 *      -EPROTO     INVALID_STATE: the VF is not in the state the command
 *                  needs (e.g. LOAD while running, REPORT without START);
 *      -ENOSPC     BUFFER_SMALL;
 *      -EBUSY      BUSY (e.g. a second DIRTY_START);
 *      -ESTALE     REINIT: the VF re-initialised (DEV-REINIT-002), a DELTA
 *                  or FINAL save needs a new INITIAL or FULL base first;
 *      -EIO        any other device failure (DMA_ERROR, injected status,
 *                  admin queue FATAL).
 *  - copy data through DMA buffers the PF driver allocates and maps for the
 *    PF (the caller passes plain kernel memory, vmalloc is fine).
 *
 * Lifetime: refdev_vf_get() pins the PF driver's data, not the PF driver
 * binding. When the PF is unbound while a handle exists, every later call on
 * the handle fails with -ENODEV; the handle stays valid until
 * refdev_vf_put().
 */
#ifndef REFDEV_CORE_API_H
#define REFDEV_CORE_API_H

#include <linux/types.h>
#include <linux/pci.h>
#include "refdev_regs.h"

struct refdev_vf;

/* ADM-001 IDENTIFY data (little endian on the wire, CPU order here). */
struct refdev_identify {
	u32 model_version;
	u16 total_vfs;
	u16 num_vfs;
	u32 max_state_size;
	u32 dirty_max_ranges;
	u64 dirty_pgsizes;
	u32 features;
	u32 mem_size;		/* DEV-MEM-001: device memory per VF */
};

/*
 * Handle of the VF @vf_pdev for a VF driver. Fails with -ENODEV when the
 * VF's PF is not bound to refdev_core, -EOPNOTSUPP when its admin queue is
 * not usable (device without SPEC 1.8). May sleep; takes no lock the PCI
 * core or VFIO holds, so it is safe from probe and from open_device.
 */
struct refdev_vf *refdev_vf_get(struct pci_dev *vf_pdev);
void refdev_vf_put(struct refdev_vf *vf);
/* 0-based VF index (DEV-REG-003), as the admin queue names the VF. */
u16 refdev_vf_index(const struct refdev_vf *vf);
/* True once the PF driver is gone: every command then fails -ENODEV. */
bool refdev_vf_is_dead(const struct refdev_vf *vf);

/* ADM-001: fresh IDENTIFY of the device. */
int refdev_vf_identify(struct refdev_vf *vf, struct refdev_identify *id);
/* ADM-002: @mode is REFDEV_SUSPEND_P2P or REFDEV_SUSPEND_STOP. */
int refdev_vf_suspend(struct refdev_vf *vf, u32 mode);
/* ADM-003: back to running; doorbells recorded while suspended run. */
int refdev_vf_resume(struct refdev_vf *vf);
/* ADM-004: upper bound of the next save of @kind (REFDEV_SAVE_*). */
int refdev_vf_state_size(struct refdev_vf *vf, u32 kind, u32 *size);
/*
 * ADM-005: save a stream of @kind into @buf (@len bytes); *@written gets its
 * length. -ENOSPC when @len is too small, *@written then is the size needed.
 */
int refdev_vf_save(struct refdev_vf *vf, u32 kind, void *buf, u32 len,
		   u32 *written);
/*
 * ADM-006: load one stream. On -EINVAL *@stream_err gets the device's
 * enum refdev_stream_err (0 when the command itself was invalid).
 */
int refdev_vf_load(struct refdev_vf *vf, const void *buf, u32 len,
		   u32 *stream_err);
/* ADM-007: track device writes to @n ranges at @pgsize granularity. */
int refdev_vf_dirty_start(struct refdev_vf *vf,
			  const struct refdev_dirty_range *ranges, u32 n,
			  u64 pgsize);
/*
 * ADM-008: report-and-clear [@iova, @iova + @length) into @bitmap, bit k
 * (LSB first) = page @iova + k * @pgsize. @len >= DIV_ROUND_UP(pages, 8).
 */
int refdev_vf_dirty_report(struct refdev_vf *vf, u64 iova, u64 length,
			   u64 pgsize, void *bitmap, u32 len);
/* ADM-009 */
int refdev_vf_dirty_stop(struct refdev_vf *vf);
/* ADM-010: FLR of the VF through the PF; the VF runs afterwards. */
int refdev_vf_reset(struct refdev_vf *vf);
/*
 * ADM-011: arm @fault (enum refdev_fault) for the next @count events with
 * @param; @any_vf arms it for every VF instead of this one.
 */
int refdev_vf_fault_inject(struct refdev_vf *vf, u32 fault, u64 count,
			   u64 param, bool any_vf);
/* ADM-012: *@suspend = 0 running, 1 P2P, 2 STOP; *@dirty_on. */
int refdev_vf_query(struct refdev_vf *vf, u32 *suspend, bool *dirty_on);
/* ADM-012 result1 bit 1: a re-initialisation awaits a base save (DEV-REINIT-002). */
int refdev_vf_reinit_pending(struct refdev_vf *vf, bool *pending);

/*
 * Chunked transfers (ADM-014/015) go through a DMA-coherent buffer of the
 * PF that the caller allocates once and reads or fills itself, so a large
 * state is never copied twice. It stays valid after the PF is unbound
 * (commands then fail with -ENODEV); free it with refdev_xfer_free().
 * @gfp: GFP_KERNEL, | __GFP_NOWARN when a failure is retried smaller.
 */
struct refdev_xfer_buf;
struct refdev_xfer_buf *refdev_vf_xfer_alloc(struct refdev_vf *vf, u32 size,
					      gfp_t gfp);
void refdev_xfer_free(struct refdev_xfer_buf *b);
void *refdev_xfer_cpu(struct refdev_xfer_buf *b);
u32 refdev_xfer_size(const struct refdev_xfer_buf *b);
/*
 * ADM-014: @offset 0 makes the device stage a save of @kind (the effects of
 * ADM-005); every call copies up to @len bytes from @offset into @b.
 * *@written = bytes copied, *@total = the stream's length.
 */
int refdev_vf_save_chunk(struct refdev_vf *vf, u32 kind, u32 offset,
			 struct refdev_xfer_buf *b, u32 len, u32 *written,
			 u32 *total);
/*
 * ADM-008 into @b (its first @len bytes), as refdev_vf_dirty_report() does
 * into plain memory but with no bounce buffer to allocate, zero and copy.
 */
int refdev_vf_dirty_report_xfer(struct refdev_vf *vf, u64 iova, u64 length,
				u64 pgsize, struct refdev_xfer_buf *b, u32 len);
/*
 * ADM-015: the next @len bytes of a stream at @offset (0 starts one, the
 * header inside); @commit on the last piece checks and applies it (STR-010);
 * on -EINVAL *@stream_err is the device's enum refdev_stream_err.
 */
int refdev_vf_load_chunk(struct refdev_vf *vf, u32 offset,
			 struct refdev_xfer_buf *b, u32 len, bool commit,
			 u32 *stream_err);

#endif /* REFDEV_CORE_API_H */
