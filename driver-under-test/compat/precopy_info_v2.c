/* VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2: vdev->precopy_info_v2, vfio_check_precopy_ioctl() */
#include <linux/vfio.h>
static int t(struct vfio_device *v, unsigned long arg, struct vfio_precopy_info *i)
{
	return v->precopy_info_v2 + VFIO_PRECOPY_INFO_REINIT +
	       vfio_check_precopy_ioctl(v, VFIO_MIG_GET_PRECOPY_INFO, arg, i);
}
int (*refdev_conftest)(struct vfio_device *, unsigned long, struct vfio_precopy_info *) = t;
