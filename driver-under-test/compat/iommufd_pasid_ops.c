/* vfio_device_ops has the iommufd PASID attach/detach hooks */
#include <linux/vfio.h>
struct vfio_device_ops refdev_conftest = {
	.pasid_attach_ioas = vfio_iommufd_physical_pasid_attach_ioas,
	.pasid_detach_ioas = vfio_iommufd_physical_pasid_detach_ioas,
};
