/* vfio_pci_core_device has pci_ops: DMA_BUF export asks ->get_dmabuf_phys */
#include <linux/vfio_pci_core.h>
static const struct vfio_pci_device_ops refdev_conftest_ops = {
	.get_dmabuf_phys = vfio_pci_core_get_dmabuf_phys,
};
void refdev_conftest(struct vfio_pci_core_device *vdev)
{
	vdev->pci_ops = &refdev_conftest_ops;
}
