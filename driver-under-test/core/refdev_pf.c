// SPDX-License-Identifier: GPL-2.0
/*
 * refdev_core: driver of the refdev PF (SPEC section 1).
 *
 * Binds the PF, owns its admin queue and SR-IOV, and serves the VF variant
 * driver through refdev_core.h. A device without an admin queue (a model
 * before SPEC 1.8) still binds: SR-IOV works, the API answers -EOPNOTSUPP.
 */
#include <linux/debugfs.h>
#include <linux/interrupt.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/sort.h>

#include "refdev_pf.h"

static unsigned int aq_depth = REFDEV_AQ_DEFAULT_DEPTH;
module_param(aq_depth, uint, 0444);
MODULE_PARM_DESC(aq_depth, "Admin queue entries, power of 2, 2..256 (default 32)");

static bool aq_poll;
module_param(aq_poll, bool, 0444);
MODULE_PARM_DESC(aq_poll, "Poll admin completions instead of using MSI-X vector 0");

/* Serialises VF handle lookups against PF removal (refdev_vf_get()). */
DEFINE_MUTEX(refdev_pf_lookup_lock);

static struct dentry *refdev_debugfs_root;

static int refdev_pf_map(struct refdev_pf *pf)
{
	struct pci_dev *pdev = pf->pdev;
	int ret;

	ret = pci_enable_device_mem(pdev);
	if (ret)
		return ret;
	ret = pci_request_regions(pdev, KBUILD_MODNAME);
	if (ret)
		goto err_disable;
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		goto err_release;
	pf->bar0 = pci_iomap(pdev, REFDEV_BAR_REGS, REFDEV_BAR_REGS_SIZE);
	if (!pf->bar0) {
		ret = -ENOMEM;
		goto err_release;
	}
	pci_set_master(pdev);
	return 0;

err_release:
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
	return ret;
}

static void refdev_pf_unmap(struct refdev_pf *pf)
{
	pci_clear_master(pf->pdev);
	pci_iounmap(pf->pdev, pf->bar0);
	pf->bar0 = NULL;
	pci_release_regions(pf->pdev);
	pci_disable_device(pf->pdev);
}

/* DEV-REG-001..003: refuse a function that is not a refdev PF. */
static int refdev_pf_check_regs(struct refdev_pf *pf)
{
	u32 id = readl(pf->bar0 + REFDEV_REG_ID);
	u32 version = readl(pf->bar0 + REFDEV_REG_VERSION);
	u32 func = readl(pf->bar0 + REFDEV_REG_FUNC);

	if (id != REFDEV_ID_MAGIC || (func & REFDEV_FUNC_IS_VF)) {
		pci_err(pf->pdev, "not a refdev PF (id %#x func %#x)\n", id, func);
		return -ENODEV;
	}
	if (version >> 16 != REFDEV_VERSION_MAJOR) {
		pci_err(pf->pdev, "register map %#x unsupported\n", version);
		return -ENODEV;
	}
	return 0;
}

/* MSI-X vector 0 signals admin completions (DEV-AQ-005); else we poll. */
static void refdev_pf_setup_irq(struct refdev_pf *pf)
{
	struct pci_dev *pdev = pf->pdev;
	int ret;

	pf->irq_vec = -1;
	if (aq_poll)
		return;
	ret = pci_alloc_irq_vectors(pdev, 1, REFDEV_PF_MSIX_VECTORS,
				    PCI_IRQ_MSIX);
	if (ret < 0)
		goto poll;
	ret = request_irq(pci_irq_vector(pdev, REFDEV_AQ_IRQ_VECTOR),
			  refdev_aq_irq, 0, "refdev-aq", pf);
	if (ret) {
		pci_free_irq_vectors(pdev);
		goto poll;
	}
	pf->irq_vec = pci_irq_vector(pdev, REFDEV_AQ_IRQ_VECTOR);
	pf->aq.irq = true;
	return;
poll:
	pci_warn(pdev, "no MSI-X (%d): polling the admin queue\n", ret);
}

static void refdev_pf_teardown_irq(struct refdev_pf *pf)
{
	if (pf->irq_vec < 0)
		return;
	free_irq(pf->irq_vec, pf);
	pci_free_irq_vectors(pf->pdev);
	pf->irq_vec = -1;
	pf->aq.irq = false;
}

static u16 refdev_pf_aq_depth(struct pci_dev *pdev)
{
	if (is_power_of_2(aq_depth) && aq_depth >= 2 &&
	    aq_depth <= REFDEV_AQ_MAX_ENTRIES)
		return aq_depth;
	pci_warn(pdev, "aq_depth=%u invalid, using %u\n", aq_depth,
		 REFDEV_AQ_DEFAULT_DEPTH);
	return REFDEV_AQ_DEFAULT_DEPTH;
}

static void refdev_pf_start_aq(struct refdev_pf *pf)
{
	struct refdev_identify *id = &pf->id;

	if (refdev_aq_enable(pf)) {
		pci_warn(pf->pdev, "no admin queue: VFs run without migration support\n");
		refdev_aq_disable(pf, -EOPNOTSUPP);
		return;
	}
	pf->has_aq = true;
	if (refdev_pf_identify(pf, id)) {
		pci_warn(pf->pdev, "IDENTIFY failed\n");
		return;
	}
	pf->aq.sync = id->features & REFDEV_FEAT_AQ_SYNC;	/* DEV-AQ-018 */
	pci_info(pf->pdev, "model %#x, %u/%u VFs, state <= %u bytes, %u dirty ranges, page sizes %#llx\n",
		 id->model_version, id->num_vfs, id->total_vfs,
		 id->max_state_size, id->dirty_max_ranges, id->dirty_pgsizes);
}

/*
 * debugfs <pf>/fault_inject: "fault count param [vf]" arms ADM-011 (vf
 * omitted or 65535: any VF), so tests can drive the timeout paths.
 */
static ssize_t refdev_fault_write(struct file *file, const char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	struct refdev_pf *pf = file->private_data;
	struct refdev_vf vf = { .pf = pf };
	unsigned int fault, vfi = 0xffff;
	unsigned long long count, param;
	char buf[96];
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%u %llu %llu %u", &fault, &count, &param, &vfi) < 3)
		return -EINVAL;
	vf.index = vfi;
	ret = refdev_vf_fault_inject(&vf, fault, count, param, vfi == 0xffff);
	return ret ?: len;
}

static const struct file_operations refdev_fault_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = refdev_fault_write,
};

#define REFDEV_BENCH_ROUNDS	20
#define REFDEV_BENCH_BATCH	50

static int refdev_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void refdev_bench_row(struct seq_file *m, const char *name, u64 *ns)
{
	sort(ns, REFDEV_BENCH_ROUNDS, sizeof(*ns), refdev_cmp_u64, NULL);
	seq_printf(m, "%s samples %u median_ns %llu p90_ns %llu\n", name,
		   REFDEV_BENCH_ROUNDS * REFDEV_BENCH_BATCH,
		   ns[REFDEV_BENCH_ROUNDS / 2],
		   ns[(REFDEV_BENCH_ROUNDS - 1) * 9 / 10]);
}

/* The rows of aq_bench, in the order they are timed in each round. */
enum {
	BENCH_MMIO,		/* readl() of the ID register */
	BENCH_BELL,		/* an SQ_TAIL write that submits nothing */
	BENCH_WIRE_HALF,	/* NOPs on the wire, CQ_HEAD once per half ring */
	BENCH_WIRE_NOFLUSH,	/* + CQ_HEAD per command */
	BENCH_WIRE,		/* + the flushing read: refdev_aq_post's accesses */
	BENCH_EXEC,		/* refdev_aq_exec(): + slot, semaphores, completion */
	BENCH_NOP,		/* refdev_pf_nop(): + the life rwsem */
	BENCH_ROWS
};

static const char *const refdev_bench_names[BENCH_ROWS] = {
	[BENCH_MMIO] = "kernel_mmio_read",
	[BENCH_BELL] = "kernel_idle_doorbell",
	[BENCH_WIRE_HALF] = "kernel_wire_nop_batched_cq_head",
	[BENCH_WIRE_NOFLUSH] = "kernel_wire_nop_no_flush",
	[BENCH_WIRE] = "kernel_wire_nop",
	[BENCH_EXEC] = "kernel_aq_exec_nop",
	[BENCH_NOP] = "kernel_admin_nop",
};

/* One batch of row @row; its mean in ns, or -errno. */
static s64 refdev_bench_batch(struct refdev_pf *pf, unsigned int row)
{
	const unsigned int n = REFDEV_BENCH_BATCH;
	struct refdev_aq_cmd cmd;
	struct refdev_aq_cpl cpl;
	unsigned int i;
	s64 ns = 0;
	u64 t0;
	int ret;

	switch (row) {
	case BENCH_WIRE_HALF:
	case BENCH_WIRE_NOFLUSH:
	case BENCH_WIRE:
		ns = refdev_aq_bench_wire(pf, n, row == BENCH_WIRE,
					  row != BENCH_WIRE_HALF);
		if (ns < 0)
			return ns;
		return div_u64(ns, n);
	case BENCH_BELL:
		spin_lock_irq(&pf->aq.lock);
		t0 = ktime_get_ns();
		for (i = 0; i < n; i++)
			writel(pf->aq.sq_tail, pf->bar0 + REFDEV_REG_AQ_SQ_TAIL);
		ns = ktime_get_ns() - t0;
		spin_unlock_irq(&pf->aq.lock);
		return div_u64(ns, n);
	}
	t0 = ktime_get_ns();
	for (i = 0; i < n; i++) {
		switch (row) {
		case BENCH_MMIO:
			readl(pf->bar0 + REFDEV_REG_ID);
			continue;
		case BENCH_EXEC:
			cmd = (struct refdev_aq_cmd){ .opcode = REFDEV_AQ_NOP };
			ret = refdev_aq_exec(pf, &cmd, &cpl);
			break;
		default:
			ret = refdev_pf_nop(pf);
			break;
		}
		if (ret)
			return ret;
	}
	return div_u64(ktime_get_ns() - t0, n);
}

/*
 * debugfs <pf>/aq_bench (make bench's admin-rtt row): NOP commands
 * (ADM-016) through refdev_pf_nop() against 4-byte reads of the ID
 * register (DEV-REG-001), both from here, and the layers between them
 * (refdev_bench_names): a doorbell that submits nothing, NOPs on the wire
 * alone (DEV-AQ-018), refdev_aq_exec(). Interleaved rounds of a batch
 * each, timed per batch so that the clock's own cost drops out; a row's
 * figures are the median and p90 of the per-batch means. A wire row the
 * queue cannot run (busy, or AQ_SYNC off) is left out.
 */
static int refdev_bench_show(struct seq_file *m, void *unused)
{
	static u64 ns[BENCH_ROWS][REFDEV_BENCH_ROUNDS];
	static DEFINE_MUTEX(lock);
	struct refdev_pf *pf = m->private;
	bool skip[BENCH_ROWS] = { };
	unsigned int r, row;
	s64 v;

	mutex_lock(&lock);
	for (r = 0; r < REFDEV_BENCH_ROUNDS; r++) {
		for (row = 0; row < BENCH_ROWS; row++) {
			if (skip[row])
				continue;
			v = refdev_bench_batch(pf, row);
			if (v < 0 && row >= BENCH_EXEC) {
				mutex_unlock(&lock);
				return v;
			}
			skip[row] = v < 0;
			ns[row][r] = v;
		}
		cond_resched();
	}
	for (row = 0; row < BENCH_ROWS; row++)
		if (!skip[row])
			refdev_bench_row(m, refdev_bench_names[row], ns[row]);
	mutex_unlock(&lock);
	seq_printf(m, "aq_sync %d irq %d\n", pf->aq.sync, pf->aq.irq);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(refdev_bench);

static void refdev_pf_debugfs_init(struct refdev_pf *pf)
{
	pf->debugfs = debugfs_create_dir(pci_name(pf->pdev), refdev_debugfs_root);
	debugfs_create_file("fault_inject", 0200, pf->debugfs, pf,
			    &refdev_fault_fops);
	debugfs_create_file("aq_bench", 0400, pf->debugfs, pf,
			    &refdev_bench_fops);
}

static int refdev_pf_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct refdev_pf *pf;
	int ret;

	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	kref_init(&pf->ref);
	init_rwsem(&pf->life);
	pf->pdev = pdev;

	ret = refdev_pf_map(pf);
	if (ret)
		goto err_free;
	ret = refdev_pf_check_regs(pf);
	if (ret)
		goto err_unmap;
	ret = refdev_aq_init(pf, refdev_pf_aq_depth(pdev));
	if (ret)
		goto err_unmap;
	refdev_pf_setup_irq(pf);
	refdev_pf_start_aq(pf);
	refdev_pf_debugfs_init(pf);

	/* last: from here VF drivers can find us */
	mutex_lock(&refdev_pf_lookup_lock);
	pci_set_drvdata(pdev, pf);
	mutex_unlock(&refdev_pf_lookup_lock);
	return 0;

err_unmap:
	refdev_pf_unmap(pf);
err_free:
	kfree(pf);
	return ret;
}

/*
 * Unbind: first make every VF handle dead (in-flight commands finish, later
 * ones get -ENODEV), then remove the VFs. pci_disable_sriov() waits for the
 * VF drivers to unbind; a VF open through VFIO is released when its user
 * closes it (vfio sends it a device request meanwhile), and nothing the VF
 * driver does on close waits for us.
 */
static void refdev_pf_remove(struct pci_dev *pdev)
{
	struct refdev_pf *pf = pci_get_drvdata(pdev);

	mutex_lock(&refdev_pf_lookup_lock);
	pci_set_drvdata(pdev, NULL);
	mutex_unlock(&refdev_pf_lookup_lock);

	down_write(&pf->life);
	pf->dead = true;
	up_write(&pf->life);

	pci_disable_sriov(pdev);

	debugfs_remove_recursive(pf->debugfs);
	refdev_aq_disable(pf, -ENODEV);
	refdev_pf_teardown_irq(pf);
	refdev_aq_fini(pf);
	refdev_pf_unmap(pf);
	pf->pdev = NULL;
	kref_put(&pf->ref, refdev_pf_release);
}

static int refdev_pf_sriov_configure(struct pci_dev *pdev, int num_vfs)
{
	int ret;

	if (!num_vfs) {
		pci_disable_sriov(pdev);
		return 0;
	}
	ret = pci_enable_sriov(pdev, num_vfs);
	return ret ?: num_vfs;
}

/*
 * PF reset (DEV-AQ-006): the device drops in-flight commands and clears the
 * queue registers. Waiters get -ECANCELED (ABORTED); the queue comes back
 * after the reset. VFs are recreated by the PCI core (DEV-SRIOV-003).
 */
static void refdev_pf_reset_prepare(struct pci_dev *pdev)
{
	struct refdev_pf *pf = pci_get_drvdata(pdev);

	if (!pf || !pf->has_aq)
		return;
	down_write(&pf->aq.gate);
	refdev_aq_disable(pf, -ECANCELED);
	up_write(&pf->aq.gate);
}

static void refdev_pf_reset_done(struct pci_dev *pdev)
{
	struct refdev_pf *pf = pci_get_drvdata(pdev);

	if (!pf || !pf->has_aq)
		return;
	down_write(&pf->aq.gate);
	if (refdev_aq_enable(pf))
		refdev_aq_disable(pf, -EIO);
	up_write(&pf->aq.gate);
}

static const struct pci_error_handlers refdev_pf_err_handlers = {
	.reset_prepare = refdev_pf_reset_prepare,
	.reset_done = refdev_pf_reset_done,
};

static const struct pci_device_id refdev_pf_ids[] = {
	{ PCI_DEVICE(REFDEV_PCI_VENDOR_ID, REFDEV_PCI_PF_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, refdev_pf_ids);

struct pci_driver refdev_core_driver = {
	.name = KBUILD_MODNAME,
	.id_table = refdev_pf_ids,
	.probe = refdev_pf_probe,
	.remove = refdev_pf_remove,
	.sriov_configure = refdev_pf_sriov_configure,
	.err_handler = &refdev_pf_err_handlers,
};

static int __init refdev_core_init(void)
{
	int ret;

	refdev_debugfs_root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	ret = pci_register_driver(&refdev_core_driver);
	if (ret)
		debugfs_remove_recursive(refdev_debugfs_root);
	return ret;
}
module_init(refdev_core_init);

static void __exit refdev_core_exit(void)
{
	pci_unregister_driver(&refdev_core_driver);
	debugfs_remove_recursive(refdev_debugfs_root);
}
module_exit(refdev_core_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("refdev PF core driver: admin queue, SR-IOV, VF migration API");
MODULE_AUTHOR("vfio-refdev project");
