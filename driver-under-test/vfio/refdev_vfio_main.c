// SPDX-License-Identifier: GPL-2.0
/*
 * refdev_vfio_pci: vfio-pci variant driver of the refdev VF.
 *
 * Everything but migration and DMA logging is vfio_pci_core. Migration and
 * logging act on the VF through the PF driver (refdev_core.h); when the PF
 * is not bound to refdev_core or has no admin queue, the VF is offered
 * without migration, like plain vfio-pci.
 */
#include <linux/module.h>
#include <linux/pci.h>

#include "refdev_vfio.h"

static bool disable_precopy;
module_param(disable_precopy, bool, 0444);
MODULE_PARM_DESC(disable_precopy,
		 "Do not offer VFIO_MIGRATION_PRE_COPY even where the kernel has it");

/*
 * Errors that leave the device in an unknown state: the arc cannot be
 * undone, so the device goes to ERROR (left by reset only).
 */
bool refdev_is_device_failure(int err)
{
	switch (err) {
	case -ETIMEDOUT:
	case -EIO:
	case -ENODEV:
	case -ECANCELED:
	case -EPROTO:
		return true;
	default:
		return false;
	}
}

void refdev_enter_error(struct refdev_vfio *rdev, int err)
{
	if (!refdev_is_device_failure(err))
		return;
	dev_warn(refdev_dev(rdev), "migration failed (%pe), device in ERROR\n",
		 ERR_PTR(err));
	rdev->mig_state = VFIO_DEVICE_STATE_ERROR;
	refdev_disable_fds(rdev);
}

/*
 * Unlock the state mutex, first running a reset that reset_done deferred to
 * us because we held the mutex (the mlx5 pattern): reset_done runs under
 * locks that are also taken under our mutex (mm, memory_lock), so it must
 * never wait for it.
 */
void refdev_state_mutex_unlock(struct refdev_vfio *rdev)
{
again:
	spin_lock(&rdev->reset_lock);
	if (rdev->deferred_reset) {
		rdev->deferred_reset = false;
		spin_unlock(&rdev->reset_lock);
		refdev_reset_locked(rdev);
		goto again;
	}
	mutex_unlock(&rdev->state_mutex);
	spin_unlock(&rdev->reset_lock);
}

static void refdev_vfio_reset_done(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *core = dev_get_drvdata(&pdev->dev);
	struct refdev_vfio *rdev = container_of(core, struct refdev_vfio, core);

	if (!rdev->vf)
		return;
	spin_lock(&rdev->reset_lock);
	rdev->deferred_reset = true;
	if (!mutex_trylock(&rdev->state_mutex)) {
		/* the holder runs the reset in refdev_state_mutex_unlock() */
		spin_unlock(&rdev->reset_lock);
		return;
	}
	spin_unlock(&rdev->reset_lock);
	refdev_state_mutex_unlock(rdev);
}

/* The PF driver was rebound since we took the handle: take a fresh one. */
static void refdev_refresh_vf(struct refdev_vfio *rdev)
{
	struct refdev_vf *vf;

	if (!refdev_vf_is_dead(rdev->vf))
		return;
	vf = refdev_vf_get(rdev->core.pdev);
	if (IS_ERR(vf))
		return;		/* calls keep failing with -ENODEV */
	refdev_vf_put(rdev->vf);
	rdev->vf = vf;
}

static int refdev_vfio_open_device(struct vfio_device *vdev)
{
	struct refdev_vfio *rdev = to_refdev(vdev);
	int ret;

	ret = vfio_pci_core_enable(&rdev->core);
	if (ret)
		return ret;

	if (rdev->vf) {
		mutex_lock(&rdev->state_mutex);
		refdev_refresh_vf(rdev);
		rdev->mig_state = VFIO_DEVICE_STATE_RUNNING;
		refdev_state_mutex_unlock(rdev);
	}
	vfio_pci_core_finish_enable(&rdev->core);
	return 0;
}

/* Leave the VF running and untracked for whoever opens it next. */
static void refdev_vfio_close_device(struct vfio_device *vdev)
{
	struct refdev_vfio *rdev = to_refdev(vdev);

	if (rdev->vf) {
		mutex_lock(&rdev->state_mutex);
		refdev_disable_fds(rdev);
		refdev_dirty_stop_locked(rdev);
		if (rdev->mig_state != VFIO_DEVICE_STATE_RUNNING)
			refdev_vf_resume(rdev->vf);
		rdev->mig_state = VFIO_DEVICE_STATE_RUNNING;
		refdev_state_mutex_unlock(rdev);
	}
	vfio_pci_core_close_device(vdev);
}

static void refdev_vfio_migration_init(struct refdev_vfio *rdev)
{
	struct vfio_device *vdev = &rdev->core.vdev;
	struct refdev_vf *vf;

	vf = refdev_vf_get(rdev->core.pdev);
	if (IS_ERR(vf)) {
		dev_info(refdev_dev(rdev), "no migration support (PF: %pe)\n", vf);
		return;
	}
	if (refdev_vf_identify(vf, &rdev->id)) {
		/* the SPEC's v1 device: enough to run without IDENTIFY data */
		rdev->id.max_state_size = REFDEV_MAX_STATE_SIZE;
		rdev->id.dirty_max_ranges = REFDEV_DIRTY_MAX_RANGES;
		rdev->id.dirty_pgsizes = REFDEV_DIRTY_PGSIZES;
		rdev->id.features = REFDEV_FEATURES;
	}
	if (!(rdev->id.features & REFDEV_FEAT_MIGRATION)) {
		dev_info(refdev_dev(rdev), "device without migration (features %#x)\n",
			 rdev->id.features);
		refdev_vf_put(vf);
		return;
	}
	rdev->vf = vf;

	vdev->migration_flags = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P;
#ifdef VFIO_MIGRATION_PRE_COPY
	if (!disable_precopy)
		vdev->migration_flags |= VFIO_MIGRATION_PRE_COPY;
#endif
	vdev->mig_ops = &refdev_mig_ops;
	/* DEV-AQ-010: dirty tracking is a feature of its own */
	if (rdev->id.features & REFDEV_FEAT_DIRTY)
		vdev->log_ops = &refdev_log_ops;
}

static int refdev_vfio_init_dev(struct vfio_device *vdev)
{
	struct refdev_vfio *rdev = to_refdev(vdev);
	int ret;

	ret = vfio_pci_core_init_dev(vdev);
	if (ret)
		return ret;
	mutex_init(&rdev->state_mutex);
	spin_lock_init(&rdev->reset_lock);
	rdev->mig_state = VFIO_DEVICE_STATE_RUNNING;
	refdev_vfio_migration_init(rdev);
	return 0;
}

static void refdev_vfio_release_dev(struct vfio_device *vdev)
{
	struct refdev_vfio *rdev = to_refdev(vdev);

	refdev_vf_put(rdev->vf);
	mutex_destroy(&rdev->state_mutex);
	vfio_pci_core_release_dev(vdev);
}

/*
 * vfio_device_ops (and vfio_pci_device_ops where the kernel has it):
 * everything vfio-pci sets, with our open/close/init/release.
 * compat/ops-check.sh fails the build when the target kernel's structs have a
 * member that is neither set below nor named here as left NULL on purpose:
 *   dma_unmap: for drivers without a real IOMMU (emulated mdev); our DMA
 *              goes through the IOMMU.
 */
#define REFDEV_OPS_UNSET "dma_unmap"

static const struct vfio_device_ops refdev_vfio_ops = {
	.name = "refdev-vfio-pci",
	.init = refdev_vfio_init_dev,
	.release = refdev_vfio_release_dev,
	.open_device = refdev_vfio_open_device,
	.close_device = refdev_vfio_close_device,
	.ioctl = vfio_pci_core_ioctl,
	.device_feature = vfio_pci_core_ioctl_feature,
	.read = vfio_pci_core_read,
	.write = vfio_pci_core_write,
	.mmap = vfio_pci_core_mmap,
	.request = vfio_pci_core_request,
	.match = vfio_pci_core_match,
#ifdef REFDEV_HAVE_MATCH_TOKEN_UUID
	/* 6.17: vfio_pci_core_match() calls it unconditionally */
	.match_token_uuid = vfio_pci_core_match_token_uuid,
#endif
#ifdef REFDEV_HAVE_GET_REGION_INFO_CAPS
	/* 6.19: VFIO_DEVICE_GET_REGION_INFO no longer reaches ->ioctl */
	.get_region_info_caps = vfio_pci_ioctl_get_region_info,
#endif
#ifdef REFDEV_HAVE_IOMMUFD_OPS
	.bind_iommufd = vfio_iommufd_physical_bind,
	.unbind_iommufd = vfio_iommufd_physical_unbind,
	.attach_ioas = vfio_iommufd_physical_attach_ioas,
#endif
#ifdef REFDEV_HAVE_IOMMUFD_DETACH_IOAS
	.detach_ioas = vfio_iommufd_physical_detach_ioas,
#endif
#ifdef REFDEV_HAVE_IOMMUFD_PASID_OPS
	.pasid_attach_ioas = vfio_iommufd_physical_pasid_attach_ioas,
	.pasid_detach_ioas = vfio_iommufd_physical_pasid_detach_ioas,
#endif
};

#ifdef REFDEV_HAVE_PCI_OPS_DMABUF
/* 6.19: without it VFIO_DEVICE_FEATURE_DMA_BUF answers EOPNOTSUPP */
static const struct vfio_pci_device_ops refdev_pci_ops = {
	.get_dmabuf_phys = vfio_pci_core_get_dmabuf_phys,
};
#endif

static int refdev_vfio_probe(struct pci_dev *pdev,
			     const struct pci_device_id *id)
{
	struct refdev_vfio *rdev;
	int ret;

	rdev = vfio_alloc_device(refdev_vfio, core.vdev, &pdev->dev,
				 &refdev_vfio_ops);
	if (IS_ERR(rdev))
		return PTR_ERR(rdev);

	dev_set_drvdata(&pdev->dev, &rdev->core);
#ifdef REFDEV_HAVE_PCI_OPS_DMABUF
	rdev->core.pci_ops = &refdev_pci_ops;
#endif
	ret = vfio_pci_core_register_device(&rdev->core);
	if (ret) {
		vfio_put_device(&rdev->core.vdev);
		return ret;
	}
	return 0;
}

static void refdev_vfio_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *core = dev_get_drvdata(&pdev->dev);

	vfio_pci_core_unregister_device(core);
	vfio_put_device(&core->vdev);
}

static const struct pci_device_id refdev_vfio_ids[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(REFDEV_PCI_VENDOR_ID,
					  REFDEV_PCI_VF_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, refdev_vfio_ids);

static const struct pci_error_handlers refdev_vfio_err_handlers = {
	.reset_done = refdev_vfio_reset_done,
	.error_detected = vfio_pci_core_aer_err_detected,
};

static struct pci_driver refdev_vfio_driver = {
	.name = KBUILD_MODNAME,
	.id_table = refdev_vfio_ids,
	.probe = refdev_vfio_probe,
	.remove = refdev_vfio_remove,
	.err_handler = &refdev_vfio_err_handlers,
	.driver_managed_dma = true,
};
module_pci_driver(refdev_vfio_driver);

#ifdef REFDEV_IOVA_NS
#ifdef REFDEV_HAVE_IMPORT_NS_IDENT
MODULE_IMPORT_NS(REFDEV_IOVA_NS);
#else
MODULE_IMPORT_NS(__stringify(REFDEV_IOVA_NS));
#endif
#endif
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("refdev VF vfio-pci variant driver with live migration and DMA logging");
MODULE_AUTHOR("vfio-refdev project");
