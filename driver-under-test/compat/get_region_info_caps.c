/* vfio_device_ops has get_region_info_caps (REGION_INFO leaves ->ioctl) */
#include <linux/vfio_pci_core.h>
struct vfio_device_ops refdev_conftest = {
	.get_region_info_caps = vfio_pci_ioctl_get_region_info,
};
