/* vfio_device_ops has match_token_uuid (vfio_pci_core_match() calls it) */
#include <linux/vfio_pci_core.h>
struct vfio_device_ops refdev_conftest = {
	.match_token_uuid = vfio_pci_core_match_token_uuid,
};
