/* vfio_device_ops has detach_ioas */
#include <linux/vfio.h>
struct vfio_device_ops refdev_conftest = {
	.detach_ioas = vfio_iommufd_physical_detach_ioas,
};
