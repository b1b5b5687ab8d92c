// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/* The iommufd + device cdev path (iommufd.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/iommufd.h>

#include "iommufd.h"
#include "sysfs.h"
#include "vfio_dev.h"

int __vfio_cdev_find(const char *bdf, char *out, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *dir;

	out[0] = 0;
	snprintf(path, sizeof(path), "%s/%s/vfio-dev", sysfs_dev_root(bdf), bdf);
	dir = opendir(path);
	if (!dir)
		return -ENOENT;
	while ((e = readdir(dir)))
		if (!strncmp(e->d_name, "vfio", 4)) {
			snprintf(out, len, "/dev/vfio/devices/%s", e->d_name);
			break;
		}
	closedir(dir);
	return out[0] ? 0 : -ENOENT;
}

int __vfio_cdev_bind(int dev_fd, int iommufd, uint32_t flags, uint32_t argsz,
		     const void *token_uuid, uint32_t *devid)
{
	struct vfio_device_bind_iommufd b = {
		.argsz = argsz, .flags = flags, .iommufd = iommufd,
		.token_uuid_ptr = (uint64_t)(uintptr_t)token_uuid,
	};

	if (ioctl(dev_fd, VFIO_DEVICE_BIND_IOMMUFD, &b))
		return -errno;
	*devid = b.out_devid;
	return 0;
}

int __vfio_cdev_attach(int dev_fd, uint32_t flags, uint32_t pasid, uint32_t pt)
{
	struct vfio_device_attach_iommufd_pt a = {
		.argsz = sizeof(a), .flags = flags, .pt_id = pt, .pasid = pasid,
	};

	return ioctl(dev_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a) ? -errno : 0;
}

int __vfio_cdev_detach(int dev_fd, uint32_t flags, uint32_t pasid)
{
	struct vfio_device_detach_iommufd_pt a = {
		.argsz = sizeof(a), .flags = flags, .pasid = pasid,
	};

	return ioctl(dev_fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &a) ? -errno : 0;
}

int __iommufd_ioas_alloc(int iommufd, uint32_t *ioas)
{
	struct iommu_ioas_alloc a = { .size = sizeof(a) };

	if (ioctl(iommufd, IOMMU_IOAS_ALLOC, &a))
		return -errno;
	*ioas = a.out_ioas_id;
	return 0;
}

int __iommufd_ioas_map(int iommufd, uint32_t ioas, void *va, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.user_va = (uint64_t)(uintptr_t)va,
		.length = len,
		.iova = iova,
	};

	return ioctl(iommufd, IOMMU_IOAS_MAP, &m) ? -errno : 0;
}

int __iommufd_ioas_unmap(int iommufd, uint32_t ioas, uint64_t iova, uint64_t len,
			 uint64_t *unmapped)
{
	struct iommu_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len,
	};
	int rc = ioctl(iommufd, IOMMU_IOAS_UNMAP, &u) ? -errno : 0;

	if (unmapped)
		*unmapped = u.length;
	return rc;
}
