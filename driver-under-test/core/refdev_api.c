// SPDX-License-Identifier: GPL-2.0
/*
 * refdev_core API for the VF driver (refdev_core.h): one function per admin
 * command. Host buffers are bounced through DMA-coherent memory of the PF,
 * so callers pass plain kernel memory and never see a DMA address.
 */
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "refdev_compat.h"
#ifdef REFDEV_HAVE_LINUX_UNALIGNED
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#include "refdev_pf.h"

void refdev_pf_release(struct kref *ref)
{
	kfree(container_of(ref, struct refdev_pf, ref));
}

struct refdev_vf *refdev_vf_get(struct pci_dev *vf_pdev)
{
	struct refdev_pf *pf;
	struct refdev_vf *vf;
	int index;

	index = pci_iov_vf_id(vf_pdev);
	if (index < 0)
		return ERR_PTR(index);
	vf = kzalloc(sizeof(*vf), GFP_KERNEL);
	if (!vf)
		return ERR_PTR(-ENOMEM);

	/* drvdata is set/cleared under this lock, so pf cannot go away here */
	mutex_lock(&refdev_pf_lookup_lock);
	pf = pci_iov_get_pf_drvdata(vf_pdev, &refdev_core_driver);
	if (IS_ERR_OR_NULL(pf)) {
		mutex_unlock(&refdev_pf_lookup_lock);
		kfree(vf);
		return ERR_PTR(-ENODEV);
	}
	kref_get(&pf->ref);
	mutex_unlock(&refdev_pf_lookup_lock);

	vf->pf = pf;
	vf->index = index;
	if (!pf->has_aq) {
		refdev_vf_put(vf);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return vf;
}
EXPORT_SYMBOL_GPL(refdev_vf_get);

void refdev_vf_put(struct refdev_vf *vf)
{
	if (IS_ERR_OR_NULL(vf))
		return;
	kref_put(&vf->pf->ref, refdev_pf_release);
	kfree(vf);
}
EXPORT_SYMBOL_GPL(refdev_vf_put);

u16 refdev_vf_index(const struct refdev_vf *vf)
{
	return vf->index;
}
EXPORT_SYMBOL_GPL(refdev_vf_index);

bool refdev_vf_is_dead(const struct refdev_vf *vf)
{
	return READ_ONCE(vf->pf->dead);
}
EXPORT_SYMBOL_GPL(refdev_vf_is_dead);

/*
 * Run @cmd for @vf_index with an optional host buffer. @dir says which way
 * the data goes; DMA_NONE for commands without one.
 */
static int refdev_pf_cmd(struct refdev_pf *pf, u16 vf_index,
			 struct refdev_aq_cmd *cmd, struct refdev_aq_cpl *cpl,
			 void *buf, u32 len, enum dma_data_direction dir)
{
	struct refdev_aq_cpl dummy;
	dma_addr_t dma = 0;
	void *cpu = NULL;
	int ret;

	if (!cpl)
		cpl = &dummy;
	memset(cpl, 0, sizeof(*cpl));

	down_read(&pf->life);
	if (pf->dead) {
		ret = -ENODEV;
		goto out;
	}
	if (dir != DMA_NONE) {
		cpu = dma_alloc_coherent(&pf->pdev->dev, len, &dma, GFP_KERNEL);
		if (!cpu) {
			ret = -ENOMEM;
			goto out;
		}
		if (dir == DMA_TO_DEVICE)
			memcpy(cpu, buf, len);
		cmd->addr = dma;
		cmd->len = len;
	}
	cmd->vf = vf_index;

	ret = refdev_aq_exec(pf, cmd, cpl);

	if (!ret && dir == DMA_FROM_DEVICE)
		memcpy(buf, cpu, len);
	/* a timed-out command was dropped by the queue reset: safe to free */
	if (cpu)
		dma_free_coherent(&pf->pdev->dev, len, cpu, dma);
out:
	up_read(&pf->life);
	return ret;
}

/* Run @cmd on a buffer the caller already holds mapped (ADM-014/015). */
static int refdev_pf_cmd_mapped(struct refdev_pf *pf, u16 vf_index,
				struct refdev_aq_cmd *cmd,
				struct refdev_aq_cpl *cpl, dma_addr_t dma,
				u32 len)
{
	int ret;

	memset(cpl, 0, sizeof(*cpl));
	down_read(&pf->life);
	if (pf->dead) {
		ret = -ENODEV;
	} else {
		cmd->addr = dma;
		cmd->len = len;
		cmd->vf = vf_index;
		ret = refdev_aq_exec(pf, cmd, cpl);
	}
	up_read(&pf->life);
	return ret;
}

static int refdev_vf_cmd(struct refdev_vf *vf, struct refdev_aq_cmd *cmd,
			 struct refdev_aq_cpl *cpl)
{
	return refdev_pf_cmd(vf->pf, vf->index, cmd, cpl, NULL, 0, DMA_NONE);
}

int refdev_pf_identify(struct refdev_pf *pf, struct refdev_identify *id)
{
	struct refdev_aq_cmd cmd = { .opcode = REFDEV_AQ_IDENTIFY };
	struct refdev_aq_identify *wire;
	int ret;

	BUILD_BUG_ON(sizeof(*wire) != 64);	/* DEV-AQ-010 */
	wire = kzalloc(sizeof(*wire), GFP_KERNEL);
	if (!wire)
		return -ENOMEM;
	ret = refdev_pf_cmd(pf, 0, &cmd, NULL, wire, sizeof(*wire),
			    DMA_FROM_DEVICE);
	if (!ret) {
		id->model_version = get_unaligned_le32(&wire->model_version);
		id->total_vfs = get_unaligned_le16(&wire->total_vfs);
		id->num_vfs = get_unaligned_le16(&wire->num_vfs);
		id->max_state_size = get_unaligned_le32(&wire->max_state_size);
		id->dirty_max_ranges = get_unaligned_le32(&wire->dirty_max_ranges);
		id->dirty_pgsizes = get_unaligned_le64(&wire->dirty_pgsizes);
		id->features = get_unaligned_le32(&wire->features);
		id->mem_size = get_unaligned_le32(&wire->mem_size);
	}
	kfree(wire);
	return ret;
}

int refdev_vf_identify(struct refdev_vf *vf, struct refdev_identify *id)
{
	return refdev_pf_identify(vf->pf, id);
}
EXPORT_SYMBOL_GPL(refdev_vf_identify);

int refdev_vf_suspend(struct refdev_vf *vf, u32 mode)
{
	struct refdev_aq_cmd cmd = {
		.opcode = REFDEV_AQ_VF_SUSPEND,
		.param0 = mode,
	};

	return refdev_vf_cmd(vf, &cmd, NULL);
}
EXPORT_SYMBOL_GPL(refdev_vf_suspend);

int refdev_vf_resume(struct refdev_vf *vf)
{
	struct refdev_aq_cmd cmd = { .opcode = REFDEV_AQ_VF_RESUME };

	return refdev_vf_cmd(vf, &cmd, NULL);
}
EXPORT_SYMBOL_GPL(refdev_vf_resume);

int refdev_vf_state_size(struct refdev_vf *vf, u32 kind, u32 *size)
{
	struct refdev_aq_cmd cmd = {
		.opcode = REFDEV_AQ_VF_STATE_SIZE,
		.param0 = kind,
	};
	struct refdev_aq_cpl cpl;
	int ret;

	ret = refdev_vf_cmd(vf, &cmd, &cpl);
	if (!ret)
		*size = cpl.result0;
	return ret;
}
EXPORT_SYMBOL_GPL(refdev_vf_state_size);

int refdev_vf_save(struct refdev_vf *vf, u32 kind, void *buf, u32 len,
		   u32 *written)
{
	struct refdev_aq_cmd cmd = {
		.opcode = REFDEV_AQ_VF_SAVE,
		.param0 = kind,
	};
	struct refdev_aq_cpl cpl;
	int ret;

	ret = refdev_pf_cmd(vf->pf, vf->index, &cmd, &cpl, buf, len,
			    DMA_FROM_DEVICE);
	if (!ret || ret == -ENOSPC)
		*written = cpl.result0;
	if (!ret && cpl.result0 > len)	/* device claims more than it had room for */
		ret = -EIO;
	return ret;
}
EXPORT_SYMBOL_GPL(refdev_vf_save);

int refdev_vf_load(struct refdev_vf *vf, const void *buf, u32 len,
		   u32 *stream_err)
{
	struct refdev_aq_cmd cmd = { .opcode = REFDEV_AQ_VF_LOAD };
	struct refdev_aq_cpl cpl;
	int ret;

	ret = refdev_pf_cmd(vf->pf, vf->index, &cmd, &cpl, (void *)buf, len,
			    DMA_TO_DEVICE);
	*stream_err = cpl.status == REFDEV_AQ_S_STREAM_INVALID ? cpl.result0 : 0;
	return ret;
}
EXPORT_SYMBOL_GPL(refdev_vf_load);

int refdev_vf_dirty_start(struct refdev_vf *vf,
			  const struct refdev_dirty_range *ranges, u32 n,
			  u64 pgsize)
{
	struct refdev_aq_cmd cmd = {
		.opcode = REFDEV_AQ_VF_DIRTY_START,
		.param0 = n,
		.param1 = pgsize,
	};
	struct refdev_dirty_range *wire;
	u32 i;
	int ret;

	if (!n || n > REFDEV_DIRTY_MAX_RANGES)
		return -EINVAL;
	wire = kcalloc(n, sizeof(*wire), GFP_KERNEL);
	if (!wire)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		put_unaligned_le64(ranges[i].iova, &wire[i].iova);
		put_unaligned_le64(ranges[i].length, &wire[i].length);
	}
	ret = refdev_pf_cmd(vf->pf, vf->index, &cmd, NULL, wire,
			    n * sizeof(*wire), DMA_TO_DEVICE);
	kfree(wire);
	return ret;
}
EXPORT_SYMBOL_GPL(refdev_vf_dirty_start);

int refdev_vf_dirty_report(struct refdev_vf *vf, u64 iova, u64 length,
			   u64 pgsize, void *bitmap, u32 len)
{
	struct refdev_aq_cmd cmd = {
		.opcode = REFDEV_AQ_VF_DIRTY_REPORT,
		.param0 = pgsize,
		.param1 = iova,
		.param2 = length,
	};

	if (pgsize > U32_MAX)
		return -EINVAL;
	return refdev_pf_cmd(vf->pf, vf->index, &cmd, NULL, bitmap, len,
			     DMA_FROM_DEVICE);
}
EXPORT_SYMBOL_GPL(refdev_vf_dirty_report);

int refdev_vf_dirty_stop(struct refdev_vf *vf)
{
	struct refdev_aq_cmd cmd = { .opcode = REFDEV_AQ_VF_DIRTY_STOP };

	return refdev_vf_cmd(vf, &cmd, NULL);
}
EXPORT_SYMBOL_GPL(refdev_vf_dirty_stop);

int refdev_vf_reset(struct refdev_vf *vf)
{
	struct refdev_aq_cmd cmd = { .opcode = REFDEV_AQ_VF_RESET };

	return refdev_vf_cmd(vf, &cmd, NULL);
}
EXPORT_SYMBOL_GPL(refdev_vf_reset);

/* ADM-016: a command with no effect, for round-trip timing */
int refdev_pf_nop(struct refdev_pf *pf)
{
	struct refdev_aq_cmd cmd = { .opcode = REFDEV_AQ_NOP };

	return refdev_pf_cmd(pf, 0, &cmd, NULL, NULL, 0, DMA_NONE);
}

int refdev_vf_fault_inject(struct refdev_vf *vf, u32 fault, u64 count,
			   u64 param, bool any_vf)
{
	struct refdev_aq_cmd cmd = {
		.opcode = REFDEV_AQ_FAULT_INJECT,
		.param0 = fault,
		.param1 = count,
		.param2 = param,
	};

	return refdev_pf_cmd(vf->pf, any_vf ? 0xffff : vf->index, &cmd, NULL,
			     NULL, 0, DMA_NONE);
}
EXPORT_SYMBOL_GPL(refdev_vf_fault_inject);

int refdev_vf_query(struct refdev_vf *vf, u32 *suspend, bool *dirty_on)
{
	struct refdev_aq_cmd cmd = { .opcode = REFDEV_AQ_VF_QUERY };
	struct refdev_aq_cpl cpl;
	int ret;

	ret = refdev_vf_cmd(vf, &cmd, &cpl);
	if (!ret) {
		*suspend = cpl.result0;
		*dirty_on = cpl.result1 & REFDEV_QUERY_DIRTY_ON;
	}
	return ret;
}
EXPORT_SYMBOL_GPL(refdev_vf_query);

int refdev_vf_reinit_pending(struct refdev_vf *vf, bool *pending)
{
	struct refdev_aq_cmd cmd = { .opcode = REFDEV_AQ_VF_QUERY };
	struct refdev_aq_cpl cpl;
	int ret;

	ret = refdev_vf_cmd(vf, &cmd, &cpl);
	if (!ret)
		*pending = cpl.result1 & REFDEV_QUERY_REINIT;
	return ret;
}
EXPORT_SYMBOL_GPL(refdev_vf_reinit_pending);

/* A DMA-coherent buffer of the PF, for chunks without a bounce copy. */
struct refdev_xfer_buf {
	struct device *dev;	/* held: the PF may be unbound meanwhile */
	void *cpu;
	dma_addr_t dma;
	u32 size;
};

struct refdev_xfer_buf *refdev_vf_xfer_alloc(struct refdev_vf *vf, u32 size,
					      gfp_t gfp)
{
	struct refdev_xfer_buf *b;
	int ret = -ENODEV;

	b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return ERR_PTR(-ENOMEM);
	down_read(&vf->pf->life);
	if (!vf->pf->dead) {
		b->dev = get_device(&vf->pf->pdev->dev);
		b->cpu = dma_alloc_coherent(b->dev, size, &b->dma, gfp);
		ret = b->cpu ? 0 : -ENOMEM;
	}
	up_read(&vf->pf->life);
	if (ret) {
		put_device(b->dev);
		kfree(b);
		return ERR_PTR(ret);
	}
	b->size = size;
	return b;
}
EXPORT_SYMBOL_GPL(refdev_vf_xfer_alloc);

void refdev_xfer_free(struct refdev_xfer_buf *b)
{
	if (IS_ERR_OR_NULL(b))
		return;
	dma_free_coherent(b->dev, b->size, b->cpu, b->dma);
	put_device(b->dev);
	kfree(b);
}
EXPORT_SYMBOL_GPL(refdev_xfer_free);

void *refdev_xfer_cpu(struct refdev_xfer_buf *b)
{
	return b->cpu;
}
EXPORT_SYMBOL_GPL(refdev_xfer_cpu);

u32 refdev_xfer_size(const struct refdev_xfer_buf *b)
{
	return b->size;
}
EXPORT_SYMBOL_GPL(refdev_xfer_size);

int refdev_vf_save_chunk(struct refdev_vf *vf, u32 kind, u32 offset,
			 struct refdev_xfer_buf *b, u32 len, u32 *written,
			 u32 *total)
{
	struct refdev_aq_cmd cmd = {
		.opcode = REFDEV_AQ_VF_SAVE_CHUNK,
		.param0 = kind,
		.param1 = offset,
	};
	struct refdev_aq_cpl cpl;
	int ret;

	if (len > b->size)
		return -EINVAL;
	ret = refdev_pf_cmd_mapped(vf->pf, vf->index, &cmd, &cpl, b->dma, len);
	if (ret)
		return ret;
	/* the device claims more than it had room for, or than the stream */
	if (cpl.result0 > len || cpl.result1 < offset ||
	    cpl.result0 > cpl.result1 - offset)
		return -EIO;
	*written = cpl.result0;
	*total = cpl.result1;
	return 0;
}
EXPORT_SYMBOL_GPL(refdev_vf_save_chunk);

int refdev_vf_dirty_report_xfer(struct refdev_vf *vf, u64 iova, u64 length,
				u64 pgsize, struct refdev_xfer_buf *b, u32 len)
{
	struct refdev_aq_cmd cmd = {
		.opcode = REFDEV_AQ_VF_DIRTY_REPORT,
		.param0 = pgsize,
		.param1 = iova,
		.param2 = length,
	};
	struct refdev_aq_cpl cpl;

	if (pgsize > U32_MAX || len > b->size)
		return -EINVAL;
	return refdev_pf_cmd_mapped(vf->pf, vf->index, &cmd, &cpl, b->dma, len);
}
EXPORT_SYMBOL_GPL(refdev_vf_dirty_report_xfer);

int refdev_vf_load_chunk(struct refdev_vf *vf, u32 offset,
			 struct refdev_xfer_buf *b, u32 len, bool commit,
			 u32 *stream_err)
{
	struct refdev_aq_cmd cmd = {
		.opcode = REFDEV_AQ_VF_LOAD_CHUNK,
		.param0 = commit ? REFDEV_LOAD_F_COMMIT : 0,
		.param1 = offset,
	};
	struct refdev_aq_cpl cpl;
	int ret;

	if (len > b->size)
		return -EINVAL;
	ret = refdev_pf_cmd_mapped(vf->pf, vf->index, &cmd, &cpl, b->dma, len);
	*stream_err = cpl.status == REFDEV_AQ_S_STREAM_INVALID ? cpl.result0 : 0;
	return ret;
}
EXPORT_SYMBOL_GPL(refdev_vf_load_chunk);
