/* vfio_migration_ops has migration_get_data_size (VFIO_DEVICE_FEATURE_MIG_DATA_SIZE) */
#include <linux/vfio.h>
static int t(struct vfio_device *v, unsigned long *len) { return 0; }
struct vfio_migration_ops refdev_conftest = { .migration_get_data_size = t };
