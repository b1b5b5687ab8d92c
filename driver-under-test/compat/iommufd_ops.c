/* vfio_device_ops has the iommufd physical-device hooks */
#include <linux/vfio.h>
struct vfio_device_ops refdev_conftest = {
	.bind_iommufd = vfio_iommufd_physical_bind,
	.unbind_iommufd = vfio_iommufd_physical_unbind,
	.attach_ioas = vfio_iommufd_physical_attach_ioas,
};
